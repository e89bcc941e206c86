// libFuzzer target: arbitrary bytes as a multipart body (and its first line as a Content-Type)
// through ParseMediaType, MultipartBoundary and ParseMultipart, the parser that reads remote
// transcoders' /transcodeResults bodies. Checks that whatever parses also round-trips through
// MultipartWriter. Built only by fuzz/ (never linked into baton).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "net/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string_view content_type = input.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? "" : input.substr(nl + 1);
  (void)baton::http::ParseMediaType(content_type);
  auto boundary = baton::http::MultipartBoundary(content_type);
  baton::http::MultipartLimits limits;
  limits.max_parts = 64;
  limits.max_part_bytes = 1 << 16;
  limits.max_header_bytes = 1024;
  auto parts = baton::http::ParseMultipart(body, boundary.ok() ? *boundary : "b", limits);
  if (!parts.ok()) return 0;
  for (const auto& p : *parts) {
    (void)p.Name();
    (void)p.Filename();
  }
  for (const auto& p : *parts)
    if (p.body.find("fuzzboundary0123456789") != std::string::npos) return 0;
  // What parsed must survive writing and parsing again (bodies are byte-exact).
  baton::http::MultipartWriter writer("fuzzboundary0123456789");
  for (const auto& p : *parts) {
    baton::http::HttpHeaders h;
    h.Add("content-type", p.headers.Get("content-type").value_or("application/octet-stream"));
    writer.AddPart(h, p.body);
  }
  auto again = baton::http::ParseMultipart(writer.Finish(), "fuzzboundary0123456789");
  if (!again.ok() || again->size() != parts->size()) std::abort();
  for (size_t i = 0; i < parts->size(); ++i)
    if ((*again)[i].body != (*parts)[i].body) std::abort();
  return 0;
}

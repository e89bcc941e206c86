// libFuzzer target: the multipart/form-data reader on arbitrary bytes. The first byte picks the
// boundary's length (taken from the input after it), so the fuzzer reaches real delimiters.
// Invariants: every part's bytes lie inside the body, and a form rebuilt by MultipartWriter
// parses back to the same fields. Built only by fuzz/ (never linked into baton).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "net/multipart.h"

namespace baton::http {
namespace {

void FuzzMultipart(const uint8_t* data, size_t size) {
  if (size == 0) return;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t boundary_size = 1 + data[0] % 16;
  if (input.size() < boundary_size) return;
  std::string boundary(input.substr(0, boundary_size));
  std::string body(input.substr(boundary_size));
  (void)MultipartBoundary(body.substr(0, 120));
  auto form = ParseMultipart(body, boundary, {.max_parts = 64, .max_part_header_bytes = 1024});
  if (!form.ok()) return;
  if (form->parts.size() > 64) std::abort();
  MultipartWriter writer;
  for (const MultipartPart& part : form->parts) {
    if (part.data.data() < body.data() ||
        part.data.data() + part.data.size() > body.data() + body.size()) {
      std::abort();
    }
    if (part.has_filename) {
      writer.AddFile(part.name, part.filename, part.content_type, part.data);
    } else {
      writer.AddField(part.name, part.data);
    }
  }
  std::string content_type = writer.content_type();
  std::string rebuilt = std::move(writer).Finish();
  auto again = ParseMultipartForm(content_type, rebuilt,
                                  {.max_parts = 64, .max_part_header_bytes = 1 << 20});
  if (!again.ok() || again->parts.size() != form->parts.size()) std::abort();
  for (size_t i = 0; i < form->parts.size(); ++i) {
    // Data survives byte for byte unless it contains the writer's random boundary (it cannot).
    if (again->parts[i].data != form->parts[i].data) std::abort();
    if (again->parts[i].has_filename != form->parts[i].has_filename) std::abort();
  }
}

}  // namespace
}  // namespace baton::http

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  baton::http::FuzzMultipart(data, size);
  return 0;
}

#include "operator/form_params.h"

#include "common/hex.h"

namespace baton::ops {
namespace {

bool IsFormBody(const http::HttpRequest& request) {
  auto type = request.headers.Get("content-type");
  if (!type) return false;
  std::string media = http::ToLowerAscii(type->substr(0, type->find(';')));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  return media == "application/x-www-form-urlencoded";
}

}  // namespace

std::optional<std::string> UrlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexDigitValue(text[i + 1]), lo = HexDigitValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> FormValue(const http::HttpRequest& request, std::string_view name) {
  const bool post =
      request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
  if (post && !IsFormBody(request)) return std::nullopt;
  std::string_view source = post ? std::string_view(request.body) : request.query;
  while (!source.empty()) {
    size_t amp = source.find('&');
    std::string_view pair = source.substr(0, amp);
    source = amp == std::string_view::npos ? std::string_view() : source.substr(amp + 1);
    size_t eq = pair.find('=');
    auto key = UrlDecode(pair.substr(0, eq));
    if (!key || *key != name) continue;
    auto value = UrlDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (value) return value;
  }
  return std::nullopt;
}

}  // namespace baton::ops

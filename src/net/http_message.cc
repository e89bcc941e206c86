#include "net/http_message.h"

#include <algorithm>

namespace baton::http {

std::string ToLowerAscii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

namespace {
bool EqualsIgnoreCase(std::string_view lower, std::string_view other) {
  if (lower.size() != other.size()) return false;
  for (size_t i = 0; i < lower.size(); ++i) {
    char c = other[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (lower[i] != c) return false;
  }
  return true;
}
}  // namespace

HttpHeaders::HttpHeaders(std::initializer_list<Field> fields) {
  for (const auto& [name, value] : fields) Add(name, value);
}

void HttpHeaders::Add(std::string_view name, std::string_view value) {
  fields_.emplace_back(ToLowerAscii(name), std::string(value));
}

void HttpHeaders::Set(std::string_view name, std::string_view value) {
  Remove(name);
  Add(name, value);
}

void HttpHeaders::Remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& f) { return EqualsIgnoreCase(f.first, name); });
}

std::optional<std::string> HttpHeaders::Get(std::string_view name) const {
  for (const auto& [field_name, value] : fields_) {
    if (EqualsIgnoreCase(field_name, name)) return value;
  }
  return std::nullopt;
}

void ResponseWriter::Respond(int status, std::string_view content_type, std::string body,
                             HttpHeaders extra_headers) {
  HttpHeaders headers = std::move(extra_headers);
  if (!content_type.empty()) headers.Set("content-type", content_type);
  headers.Set("content-length", std::to_string(body.size()));
  if (body.empty()) {
    SendHeaders(status, std::move(headers), /*end_stream=*/true);
    return;
  }
  SendHeaders(status, std::move(headers));
  SendBody(std::move(body), /*end=*/true);
}

void ResponseWriter::RespondError(int status, std::string_view message, HttpHeaders extra_headers) {
  HttpHeaders headers = std::move(extra_headers);
  headers.Set("x-content-type-options", "nosniff");
  Respond(status, "text/plain; charset=utf-8", std::string(message) + "\n", std::move(headers));
}

}  // namespace baton::http

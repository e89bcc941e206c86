#include "net/multipart.h"

#include <openssl/rand.h>

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "common/hex.h"

namespace baton::http {
namespace {

constexpr size_t kMaxBoundaryBytes = 70;  // RFC 2046 5.1.1

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsSpaceOrTab(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimSpace(std::string_view text) {
  while (!text.empty() && IsSpaceOrTab(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpaceOrTab(text.back())) text.remove_suffix(1);
  return text;
}

// A header value of the form `token; name=value; name="quoted"`: the leading token (lower-case)
// and its parameters (names lower-case, values unquoted). Lenient about spacing; a parameter
// without '=' is skipped, an unterminated quoted string is an error.
struct HeaderValue {
  std::string token;
  std::vector<std::pair<std::string, std::string>> params;

  std::optional<std::string> Param(std::string_view name) const {
    for (const auto& [key, value] : params) {
      if (key == name) return value;
    }
    return std::nullopt;
  }
};

absl::StatusOr<HeaderValue> ParseHeaderValue(std::string_view text) {
  HeaderValue result;
  size_t semi = text.find(';');
  result.token = Lower(TrimSpace(text.substr(0, semi)));
  size_t pos = semi == std::string_view::npos ? text.size() : semi + 1;
  while (pos < text.size()) {
    while (pos < text.size() && (IsSpaceOrTab(text[pos]) || text[pos] == ';')) ++pos;
    size_t name_start = pos;
    while (pos < text.size() && text[pos] != '=' && text[pos] != ';') ++pos;
    std::string name = Lower(TrimSpace(text.substr(name_start, pos - name_start)));
    if (pos >= text.size() || text[pos] == ';') continue;  // no '=': not a parameter
    ++pos;                                                 // '='
    while (pos < text.size() && IsSpaceOrTab(text[pos])) ++pos;
    std::string value;
    if (pos < text.size() && text[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < text.size()) {
        char c = text[pos++];
        if (c == '"') {
          closed = true;
          break;
        }
        // quoted-pair (RFC 2045/822): a backslash takes the next byte literally.
        if (c == '\\' && pos < text.size()) c = text[pos++];
        value.push_back(c);
      }
      if (!closed) return absl::InvalidArgumentError("unterminated quoted string in header");
      while (pos < text.size() && text[pos] != ';') ++pos;
    } else {
      size_t value_start = pos;
      while (pos < text.size() && text[pos] != ';') ++pos;
      value = std::string(TrimSpace(text.substr(value_start, pos - value_start)));
    }
    if (!name.empty()) result.params.emplace_back(std::move(name), std::move(value));
  }
  return result;
}

// Where the delimiter `newline + "--" + boundary` that really ends a part starts, searching
// from `from`; npos when there is none. A match followed by anything other than "--", padding or
// a line end is part's content (the boundary merely prefixes other bytes), as in Go's reader.
size_t FindDelimiter(std::string_view body, std::string_view delimiter, size_t from) {
  while (true) {
    size_t at = body.find(delimiter, from);
    if (at == std::string_view::npos) return at;
    size_t after = at + delimiter.size();
    if (after >= body.size()) return at;  // truncated: reported by the caller
    char c = body[after];
    if (c == '-' || c == '\r' || c == '\n' || IsSpaceOrTab(c)) return at;
    from = at + 1;
  }
}

}  // namespace

const std::string* MultipartPart::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

const MultipartPart* MultipartForm::Find(std::string_view name) const {
  for (const MultipartPart& part : parts) {
    if (part.name == name) return &part;
  }
  return nullptr;
}

absl::StatusOr<std::string> MultipartBoundary(std::string_view content_type,
                                              std::string_view type) {
  absl::StatusOr<HeaderValue> value = ParseHeaderValue(content_type);
  if (!value.ok()) return value.status();
  if (value->token != type) {
    return absl::InvalidArgumentError("Content-Type is not " + std::string(type));
  }
  std::optional<std::string> boundary = value->Param("boundary");
  if (!boundary || boundary->empty() || boundary->size() > kMaxBoundaryBytes) {
    return absl::InvalidArgumentError(std::string(type) + " without a valid boundary");
  }
  return *boundary;
}

absl::StatusOr<std::string> MediaTypeOf(std::string_view content_type) {
  absl::StatusOr<HeaderValue> value = ParseHeaderValue(content_type);
  if (!value.ok()) return value.status();
  const std::string& t = value->token;
  size_t slash = t.find('/');
  bool token_chars = !t.empty();
  for (char c : t) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '(' || c == ')' || c == ',' ||
        c == ':' || c == '<' || c == '>' || c == '@' || c == '[' || c == ']' || c == '?' ||
        c == '=' || c == '\\' || static_cast<unsigned char>(c) >= 0x7f)
      token_chars = false;
  }
  if (!token_chars || slash == std::string::npos || slash == 0 || slash + 1 == t.size() ||
      t.find('/', slash + 1) != std::string::npos) {
    return absl::InvalidArgumentError("mime: no media type");
  }
  return t;
}

namespace {

absl::StatusOr<MultipartForm> Parse(std::string_view body, std::string_view boundary,
                                    const MultipartLimits& limits, bool form_data_only) {
  if (boundary.empty() || boundary.size() > kMaxBoundaryBytes) {
    return absl::InvalidArgumentError("invalid multipart boundary");
  }
  const std::string dash_boundary = "--" + std::string(boundary);
  // The first delimiter: at the very start, or after the preamble's last line break.
  size_t pos;
  if (body.substr(0, dash_boundary.size()) == dash_boundary) {
    pos = dash_boundary.size();
  } else {
    size_t at = FindDelimiter(body, "\n" + dash_boundary, 0);
    if (at == std::string_view::npos) return absl::InvalidArgumentError("no multipart boundary");
    pos = at + 1 + dash_boundary.size();
  }
  MultipartForm form;
  if (body.substr(pos, 2) == "--") return form;  // an empty form
  // The first delimiter line decides the line end used by the whole body.
  while (pos < body.size() && IsSpaceOrTab(body[pos])) ++pos;
  std::string newline;
  if (body.substr(pos, 2) == "\r\n") {
    newline = "\r\n";
  } else if (body.substr(pos, 1) == "\n") {
    newline = "\n";
  } else {
    return absl::InvalidArgumentError("malformed multipart boundary line");
  }
  pos += newline.size();
  const std::string delimiter = newline + dash_boundary;

  size_t part_count = 0;
  while (true) {
    if (++part_count > limits.max_parts) {
      return absl::InvalidArgumentError("too many multipart parts");
    }
    // Header lines up to an empty line.
    MultipartPart part;
    bool form_data = false;
    const size_t headers_start = pos;
    std::string last_name;
    std::vector<std::pair<std::string, std::string>> headers;
    while (true) {
      size_t eol = body.find(newline, pos);
      if (eol == std::string_view::npos ||
          eol + newline.size() - headers_start > limits.max_part_header_bytes) {
        return absl::InvalidArgumentError(eol == std::string_view::npos
                                              ? "truncated multipart part headers"
                                              : "multipart part headers too large");
      }
      std::string_view line = body.substr(pos, eol - pos);
      pos = eol + newline.size();
      if (line.empty()) break;
      if (IsSpaceOrTab(line.front())) {  // obsolete line folding: continues the last field
        if (headers.empty()) return absl::InvalidArgumentError("malformed multipart header");
        (headers.back().second += " ") += TrimSpace(line);
        continue;
      }
      size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        return absl::InvalidArgumentError("malformed multipart header");
      }
      headers.emplace_back(Lower(line.substr(0, colon)),
                           std::string(TrimSpace(line.substr(colon + 1))));
    }
    for (const auto& [name, value] : headers) {
      if (name == "content-disposition") {
        absl::StatusOr<HeaderValue> disposition = ParseHeaderValue(value);
        if (!disposition.ok()) return disposition.status();
        std::optional<std::string> field = disposition->Param("name");
        if (disposition->token == "form-data" && field) {
          form_data = true;
          part.name = *field;
          if (std::optional<std::string> filename = disposition->Param("filename")) {
            part.filename = *filename;
            part.has_filename = true;
          }
        } else if (!form_data_only) {
          // multipart/mixed: "attachment; filename=..." (a remote AI worker's files).
          if (std::optional<std::string> filename = disposition->Param("filename")) {
            part.filename = *filename;
            part.has_filename = true;
          }
        }
      } else if (name == "content-type") {
        part.content_type = value;
      }
    }
    // The part's bytes, up to the next delimiter.
    size_t end = FindDelimiter(body, delimiter, pos);
    if (end == std::string_view::npos) {
      return absl::InvalidArgumentError("multipart body ends without its closing boundary");
    }
    part.data = body.substr(pos, end - pos);
    part.headers = std::move(headers);
    if (form_data || !form_data_only) form.parts.push_back(std::move(part));
    pos = end + delimiter.size();
    if (body.substr(pos, 2) == "--") return form;  // closing delimiter; the epilogue is ignored
    while (pos < body.size() && IsSpaceOrTab(body[pos])) ++pos;
    if (body.substr(pos, newline.size()) != newline) {
      return absl::InvalidArgumentError(pos >= body.size()
                                            ? "multipart body ends without its closing boundary"
                                            : "malformed multipart boundary line");
    }
    pos += newline.size();
  }
}

}  // namespace

absl::StatusOr<MultipartForm> ParseMultipart(std::string_view body, std::string_view boundary,
                                             const MultipartLimits& limits) {
  return Parse(body, boundary, limits, /*form_data_only=*/true);
}

absl::StatusOr<MultipartForm> ParseMultipartMixed(std::string_view body, std::string_view boundary,
                                                  const MultipartLimits& limits) {
  return Parse(body, boundary, limits, /*form_data_only=*/false);
}

absl::StatusOr<MultipartForm> ParseMultipartForm(std::string_view content_type,
                                                 std::string_view body,
                                                 const MultipartLimits& limits) {
  absl::StatusOr<std::string> boundary = MultipartBoundary(content_type);
  if (!boundary.ok()) return boundary.status();
  return ParseMultipart(body, *boundary, limits);
}

namespace {

// A quoted-string for a Content-Disposition parameter: backslash-escapes '\' and '"' (read back
// by quoted-pair parsers such as ours and Go's) and percent-encodes CR and LF, which could
// otherwise end the header line.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string RandomBoundary() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // Only uniqueness within one body matters, not secrecy; a fixed fallback with an unlikely
    // spelling still works for everything but adversarial content.
    return "baton-boundary-8b1c0e7d2f4a6e9c";
  }
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

}  // namespace

MultipartWriter::MultipartWriter() : MultipartWriter(RandomBoundary()) {}

MultipartWriter::MultipartWriter(std::string boundary) : boundary_(std::move(boundary)) {}

void MultipartWriter::OpenPart(std::string_view disposition, std::string_view content_type) {
  ((((body_ += "--") += boundary_) += "\r\nContent-Disposition: ") += disposition) += "\r\n";
  if (!content_type.empty()) ((body_ += "Content-Type: ") += content_type) += "\r\n";
  body_ += "\r\n";
}

void MultipartWriter::AddField(std::string_view name, std::string_view value) {
  OpenPart("form-data; name=" + Quote(name), "");
  (body_ += value) += "\r\n";
}

void MultipartWriter::AddFile(std::string_view name, std::string_view filename,
                              std::string_view content_type, std::string_view data) {
  OpenPart("form-data; name=" + Quote(name) + "; filename=" + Quote(filename),
           content_type.empty() ? "application/octet-stream" : content_type);
  (body_ += data) += "\r\n";
}

void MultipartWriter::AddPart(const std::vector<std::pair<std::string, std::string>>& headers,
                              std::string_view data) {
  ((body_ += "--") += boundary_) += "\r\n";
  for (const auto& [name, value] : headers) ((((body_ += name) += ": ") += value) += "\r\n");
  body_ += "\r\n";
  (body_ += data) += "\r\n";
}

std::string MultipartWriter::content_type(std::string_view type) const {
  return std::string(type) + "; boundary=" + boundary_;
}

std::string MultipartWriter::Finish() && {
  ((body_ += "--") += boundary_) += "--\r\n";
  return std::move(body_);
}

}  // namespace baton::http

#include "net/multipart.h"

#include <openssl/rand.h>

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace baton::http {
namespace {

bool IsTSpecial(char c) {
  switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '@':
    case ',':
    case ';':
    case ':':
    case '\\':
    case '"':
    case '/':
    case '[':
    case ']':
    case '?':
    case '=':
      return true;
    default:
      return false;
  }
}

bool IsTokenChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && !IsTSpecial(c);
}

void SkipSpace(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

std::string_view TrimSpace(std::string_view s) {
  SkipSpace(s);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view ConsumeToken(std::string_view& s) {
  size_t n = 0;
  while (n < s.size() && IsTokenChar(s[n])) ++n;
  std::string_view token = s.substr(0, n);
  s.remove_prefix(n);
  return token;
}

// A token or a quoted-string (backslash escapes), as Go's consumeValue.
bool ConsumeValue(std::string_view& s, std::string& out) {
  if (s.empty()) return false;
  if (s.front() != '"') {
    std::string_view token = ConsumeToken(s);
    if (token.empty()) return false;
    out.assign(token);
    return true;
  }
  out.clear();
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      s.remove_prefix(i + 1);
      return true;
    }
    if (c == '\\' && i + 1 < s.size()) c = s[++i];
    if (c == '\r' || c == '\n') return false;
    out.push_back(c);
  }
  return false;  // unterminated
}

std::string CanonicalHeaderName(std::string_view name) {
  std::string out(name);
  bool upper = true;
  for (char& c : out) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    upper = c == '-';
  }
  return out;
}

// One line of `body` starting at `pos`: the text without its line ending, and where the next
// line starts; nullopt-like (false) when no line ending follows.
bool NextLine(std::string_view body, size_t pos, std::string_view& line, size_t& next) {
  size_t nl = body.find('\n', pos);
  if (nl == std::string_view::npos) return false;
  size_t end = nl;
  if (end > pos && body[end - 1] == '\r') --end;
  line = body.substr(pos, end - pos);
  next = nl + 1;
  return true;
}

enum class Delimiter { kNone, kNext, kFinal };

// What `rest` (the text right after a dash-boundary) makes of it: the closing delimiter, a
// delimiter line (optional whitespace, then a line ending; `after` is where the next part
// starts), or neither.
Delimiter ClassifyDelimiter(std::string_view body, size_t rest, size_t& after) {
  if (body.substr(rest, 2) == "--") return Delimiter::kFinal;
  size_t i = rest;
  while (i < body.size() && (body[i] == ' ' || body[i] == '\t')) ++i;
  if (body.substr(i, 2) == "\r\n") {
    after = i + 2;
    return Delimiter::kNext;
  }
  if (body.substr(i, 1) == "\n") {
    after = i + 1;
    return Delimiter::kNext;
  }
  return Delimiter::kNone;
}

}  // namespace

absl::StatusOr<MediaType> ParseMediaType(std::string_view value) {
  MediaType result;
  size_t semi = value.find(';');
  std::string_view type = TrimSpace(value.substr(0, semi));
  if (type.empty()) return absl::InvalidArgumentError("mime: no media type");
  std::string_view t = type;
  std::string_view major = ConsumeToken(t);
  if (major.empty()) return absl::InvalidArgumentError("mime: expected token after slash");
  if (!t.empty()) {
    if (t.front() != '/')
      return absl::InvalidArgumentError("mime: expected slash after first token");
    t.remove_prefix(1);
    if (ConsumeToken(t).empty() || !t.empty())
      return absl::InvalidArgumentError("mime: expected token after slash");
  }
  result.type = ToLowerAscii(type);
  std::string_view rest = semi == std::string_view::npos ? "" : value.substr(semi);
  while (true) {
    SkipSpace(rest);
    if (rest.empty()) break;
    if (rest.front() != ';') return absl::InvalidArgumentError("mime: invalid media parameter");
    rest.remove_prefix(1);
    SkipSpace(rest);
    if (rest.empty()) break;  // a trailing ';' is tolerated, as Go does
    std::string name = ToLowerAscii(ConsumeToken(rest));
    SkipSpace(rest);
    if (name.empty() || rest.empty() || rest.front() != '=')
      return absl::InvalidArgumentError("mime: invalid media parameter");
    rest.remove_prefix(1);
    SkipSpace(rest);
    std::string v;
    if (!ConsumeValue(rest, v)) return absl::InvalidArgumentError("mime: invalid media parameter");
    if (!result.params.emplace(std::move(name), std::move(v)).second)
      return absl::InvalidArgumentError("mime: duplicate parameter name");
  }
  return result;
}

std::string MultipartPart::Name() const {
  auto d = ParseMediaType(headers.Get("content-disposition").value_or(""));
  if (!d.ok()) return "";
  auto it = d->params.find("name");
  return it == d->params.end() ? "" : it->second;
}

std::string MultipartPart::Filename() const {
  auto d = ParseMediaType(headers.Get("content-disposition").value_or(""));
  if (!d.ok()) return "";
  auto it = d->params.find("filename");
  return it == d->params.end() ? "" : it->second;
}

absl::StatusOr<std::string> MultipartBoundary(std::string_view content_type) {
  auto media = ParseMediaType(content_type);
  if (!media.ok()) return media.status();
  if (media->type.rfind("multipart/", 0) != 0)
    return absl::InvalidArgumentError("not a multipart content type: " + media->type);
  auto it = media->params.find("boundary");
  if (it == media->params.end() || it->second.empty() || it->second.size() > 70)
    return absl::InvalidArgumentError("multipart: missing or invalid boundary");
  return it->second;
}

absl::StatusOr<std::vector<MultipartPart>> ParseMultipart(std::string_view body,
                                                          std::string_view boundary,
                                                          const MultipartLimits& limits) {
  if (boundary.empty()) return absl::InvalidArgumentError("multipart: empty boundary");
  const std::string dash = "--" + std::string(boundary);
  const std::string nl_dash = absl::StrCat("\n", dash);
  std::vector<MultipartPart> parts;

  // The preamble: lines up to the first delimiter line.
  size_t pos = 0;
  while (true) {
    std::string_view line;
    size_t next = 0;
    if (body.compare(pos, dash.size(), dash) == 0) {
      size_t after = 0;
      Delimiter d = ClassifyDelimiter(body, pos + dash.size(), after);
      if (d == Delimiter::kFinal) return parts;
      if (d == Delimiter::kNext) {
        pos = after;
        break;
      }
    }
    if (!NextLine(body, pos, line, next))
      return absl::InvalidArgumentError("multipart: no delimiter found (truncated body?)");
    pos = next;
  }

  while (true) {
    if (parts.size() >= limits.max_parts)
      return absl::ResourceExhaustedError(
          absl::StrCat("multipart: more than ", limits.max_parts, " parts"));
    MultipartPart part;
    // Header block, up to an empty line.
    const size_t header_start = pos;
    std::vector<std::pair<std::string, std::string>> fields;
    while (true) {
      std::string_view line;
      size_t next = 0;
      if (!NextLine(body, pos, line, next)) {
        if (body.size() - header_start > limits.max_header_bytes)
          return absl::ResourceExhaustedError("multipart: part header block too large");
        return absl::InvalidArgumentError("multipart: truncated part headers");
      }
      if (next - header_start > limits.max_header_bytes)
        return absl::ResourceExhaustedError("multipart: part header block too large");
      pos = next;
      if (line.empty()) break;
      if (line.front() == ' ' || line.front() == '\t') {
        // An obsolete folded continuation of the previous field.
        if (fields.empty()) return absl::InvalidArgumentError("multipart: malformed part header");
        fields.back().second += " " + std::string(TrimSpace(line));
        continue;
      }
      size_t colon = line.find(':');
      std::string_view name = line.substr(0, colon == std::string_view::npos ? 0 : colon);
      if (name.empty()) return absl::InvalidArgumentError("multipart: malformed part header");
      for (char c : name)
        if (!IsTokenChar(c)) return absl::InvalidArgumentError("multipart: malformed part header");
      fields.emplace_back(name, TrimSpace(line.substr(colon + 1)));
    }
    for (const auto& [name, value] : fields) part.headers.Add(name, value);
    // Body, up to the next delimiter at a line start.
    const size_t body_start = pos;
    size_t search = body_start;
    while (true) {
      size_t at;
      size_t body_end;
      if (search == body_start && body.compare(body_start, dash.size(), dash) == 0) {
        at = body_start;
        body_end = body_start;
      } else {
        size_t nl = body.find(nl_dash, search);
        if (nl == std::string_view::npos) {
          if (body.size() - body_start > limits.max_part_bytes)
            return absl::ResourceExhaustedError("multipart: part too large");
          return absl::InvalidArgumentError("multipart: truncated body (no closing delimiter)");
        }
        at = nl + 1;
        body_end = nl > body_start && body[nl - 1] == '\r' ? nl - 1 : nl;
      }
      size_t after = 0;
      Delimiter d = ClassifyDelimiter(body, at + dash.size(), after);
      if (d == Delimiter::kNone) {
        search = at;  // the boundary text inside the body: keep looking
        if (search == body_start) ++search;
        continue;
      }
      if (body_end - body_start > limits.max_part_bytes)
        return absl::ResourceExhaustedError("multipart: part too large");
      part.body.assign(body.substr(body_start, body_end - body_start));
      parts.push_back(std::move(part));
      if (d == Delimiter::kFinal) return parts;
      pos = after;
      break;
    }
  }
}

MultipartWriter::MultipartWriter() {
  uint8_t random[10];
  RAND_bytes(random, sizeof random);
  static constexpr char kHex[] = "0123456789abcdef";
  for (uint8_t b : random) {
    boundary_.push_back(kHex[b >> 4]);
    boundary_.push_back(kHex[b & 15]);
  }
}

void MultipartWriter::AddPart(const HttpHeaders& headers, std::string_view body) {
  absl::StrAppend(&body_, body_.empty() ? "" : "\r\n", "--", boundary_, "\r\n");
  for (const auto& [name, value] : headers.fields())
    absl::StrAppend(&body_, CanonicalHeaderName(name), ": ", value, "\r\n");
  if (!headers.Has("content-length"))
    absl::StrAppend(&body_, "Content-Length: ", body.size(), "\r\n");
  body_ += "\r\n";
  body_.append(body);
}

std::string MultipartWriter::Finish() {
  absl::StrAppend(&body_, body_.empty() ? "" : "\r\n", "--", boundary_, "--\r\n");
  return std::move(body_);
}

std::string MultipartWriter::ContentType(std::string_view subtype) const {
  return "multipart/" + std::string(subtype) + "; boundary=" + boundary_;
}

}  // namespace baton::http

// Multipart bodies (RFC 2046 multipart/mixed, RFC 7578 multipart/form-data): the one parser and
// writer of them in Baton. Remote transcoders post their renditions as multipart/mixed
// (doc/wire.md 5.1), AI workers and runners multipart/mixed and form-data (doc/wire.md 5.2);
// the parser reads what Go's mime/multipart writes and reads, and is fuzzed
// (multipart_fuzz.cc) because its input comes from the network.
//
// ParseMediaType splits a Content-Type or Content-Disposition value into its lower-cased type
// and its parameters (quoted values unescaped), failing where Go's mime.ParseMediaType fails on
// an empty or malformed value. ParseMultipart splits a complete body on its boundary: the
// preamble before the first delimiter and the epilogue after the closing one are ignored; a
// body without its closing delimiter (truncated) is an error, as are too many parts, an
// oversized part or part header block. Lines may end in CRLF or a bare LF, as Go accepts.
//
// Pure functions and plain values; thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "net/http_message.h"

namespace baton::http {

struct MediaType {
  std::string type;                           // lower-cased, e.g. "multipart/mixed"
  std::map<std::string, std::string> params;  // names lower-cased, values unquoted
};

// "type/subtype; name=value; name=\"quoted\"". Also reads Content-Disposition
// ("form-data; name=..."), whose type has no slash.
absl::StatusOr<MediaType> ParseMediaType(std::string_view value);

struct MultipartPart {
  HttpHeaders headers;
  std::string body;
  // Content-Disposition's name and filename parameters; "" when absent.
  std::string Name() const;
  std::string Filename() const;
};

struct MultipartLimits {
  size_t max_parts = 256;
  size_t max_part_bytes = 300'000'000;  // go-livepeer's MaxSegSize
  size_t max_header_bytes = 16 * 1024;  // one part's header block
};

// The boundary parameter of a multipart/* Content-Type (1 to 70 characters, RFC 2046).
absl::StatusOr<std::string> MultipartBoundary(std::string_view content_type);

absl::StatusOr<std::vector<MultipartPart>> ParseMultipart(std::string_view body,
                                                          std::string_view boundary,
                                                          const MultipartLimits& limits = {});

// Builds a multipart body part by part. The default boundary is 20 random hex characters, as
// go-livepeer's RandName gives.
class MultipartWriter {
 public:
  MultipartWriter();
  explicit MultipartWriter(std::string boundary) : boundary_(std::move(boundary)) {}

  // Appends a part; Content-Length is added when `headers` has none.
  void AddPart(const HttpHeaders& headers, std::string_view body);
  // The closing delimiter, then the whole body; the writer is spent afterwards.
  std::string Finish();
  const std::string& boundary() const { return boundary_; }
  // "multipart/<subtype>; boundary=<boundary>"
  std::string ContentType(std::string_view subtype = "mixed") const;

 private:
  std::string boundary_;
  std::string body_;
};

}  // namespace baton::http

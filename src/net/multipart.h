// Multipart: multipart/form-data bodies (RFC 7578 over RFC 2046), read and written.
//
// The AI Runner API takes its image and audio uploads as multipart forms (doc/ai.md 1), so both
// the runner (src/runner/) and the orchestrator's AI routes parse them from untrusted clients,
// and the orchestrator writes them again when it forwards a request to a runner.
//
// ParseMultipart reads a whole body already in memory (the server buffers bodies up to the
// route's limit). It never throws; malformed input is an InvalidArgument with a message fit for
// a client. The parts it returns are views into the body passed in: they stay valid only as long
// as that string lives and is not modified. Limits bound the work an attacker can cause: the
// number of parts and the size of each part's header block.
//
// Accepted shape: an optional preamble, "--boundary" lines that end in CRLF (or LF alone, as Go's
// reader also accepts, decided by the first delimiter line; transport padding of spaces/tabs
// before the line end is allowed), each part's header lines up to an empty line, the part's bytes
// up to the next "<newline>--boundary", and the closing "--boundary--" (anything after it, the
// epilogue, is ignored). A body that ends without the closing delimiter is an error. Only parts
// with `Content-Disposition: form-data; name=...` are kept; header names are case-insensitive.
//
// MultipartWriter builds a body the same parser (and Python's, Go's, FastAPI's) reads back.
//
// multipart/mixed (a remote transcoder's /transcodeResults, doc/wire.md 5.1) uses the same
// reader: ParseMultipartMixed keeps every part, with or without a Content-Disposition, and
// each part's header fields (MultipartPart::headers) are kept for both kinds; there any
// Content-Disposition's filename parameter sets `filename` (a remote AI worker's attachments);
// MultipartBoundary takes the multipart type it expects; MultipartWriter::AddPart writes a part
// with any header fields. MediaTypeOf is the media type of a Content-Type value, or an error where
// Go's mime.ParseMediaType fails for lack of one (an orchestrator answers 415 then).
//
// Thread safety: free functions are pure; a MultipartWriter is a plain value (one thread).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace baton::http {

// One form field. `filename` is set (has_filename) for file uploads; `content_type` is the
// part's own Content-Type header, empty when absent. Views into the parsed body.
struct MultipartPart {
  std::string name;
  std::string filename;
  bool has_filename = false;
  std::string content_type;
  std::string_view data;
  // Every header field of the part in order, names lower-case, values trimmed.
  std::vector<std::pair<std::string, std::string>> headers;

  // The first value of header `name` (lower-case), or nullptr.
  const std::string* Header(std::string_view name) const;
};

struct MultipartLimits {
  size_t max_parts = 256;
  // Bytes of one part's header block (its header lines and the empty line after them).
  size_t max_part_header_bytes = 16 * 1024;
};

// A parsed form: its parts in body order.
struct MultipartForm {
  std::vector<MultipartPart> parts;

  // The first part named `name`, or nullptr.
  const MultipartPart* Find(std::string_view name) const;
};

// The boundary from a Content-Type header value such as
// `multipart/form-data; boundary="abc"`. InvalidArgument when the type is not `type`
// (multipart/form-data unless said otherwise) or the boundary is missing, empty or longer than
// 70 bytes (RFC 2046).
absl::StatusOr<std::string> MultipartBoundary(std::string_view content_type,
                                              std::string_view type = "multipart/form-data");

// The lower-cased media type of a Content-Type value ("multipart/mixed"); InvalidArgument when it
// is empty, not type/subtype, or its parameters hold an unterminated quoted string.
absl::StatusOr<std::string> MediaTypeOf(std::string_view content_type);

// Parses `body` with `boundary`. The form's parts view into `body`.
absl::StatusOr<MultipartForm> ParseMultipart(std::string_view body, std::string_view boundary,
                                             const MultipartLimits& limits = {});

// Every part, form field or not (multipart/mixed).
absl::StatusOr<MultipartForm> ParseMultipartMixed(std::string_view body, std::string_view boundary,
                                                  const MultipartLimits& limits = {});

// Both steps: the boundary from `content_type`, then the body.
absl::StatusOr<MultipartForm> ParseMultipartForm(std::string_view content_type,
                                                 std::string_view body,
                                                 const MultipartLimits& limits = {});

// Builds a multipart/form-data body. The boundary is random (24 bytes from the OS, hex) unless
// one is given. Names and filenames are quoted strings with '\' and '"' backslash-escaped and CR/LF
// percent-encoded, so no value can end the header line. The caller keeps field values free of
// the boundary (a random one makes that a non-issue).
class MultipartWriter {
 public:
  MultipartWriter();
  explicit MultipartWriter(std::string boundary);

  void AddField(std::string_view name, std::string_view value);
  void AddFile(std::string_view name, std::string_view filename, std::string_view content_type,
               std::string_view data);
  // A part with these header fields (written as given; Content-Length is not added).
  void AddPart(const std::vector<std::pair<std::string, std::string>>& headers,
               std::string_view data);
  // The Content-Type header value to send with the body.
  std::string content_type(std::string_view type = "multipart/form-data") const;
  // The finished body (closing delimiter appended). The writer may not be used afterwards.
  std::string Finish() &&;

 private:
  void OpenPart(std::string_view disposition, std::string_view content_type);
  std::string boundary_;
  std::string body_;
};

}  // namespace baton::http

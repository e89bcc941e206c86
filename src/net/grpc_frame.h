// gRPC-over-HTTP/2 wire details as pure functions: message framing, grpc-timeout parsing and
// grpc-message percent-encoding (see grpc/doc/PROTOCOL-HTTP2.md).
//
// A gRPC message on the wire is a 5-byte prefix (1-byte compressed flag, 4-byte big-endian
// length) followed by the message bytes. GrpcFrameDecoder reassembles messages from arbitrary
// chunks (split anywhere) and reports malformed or oversized frames as errors.
//
// Threads: the free functions are pure and thread-safe; a GrpcFrameDecoder is a plain value used
// by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace baton::http {

// gRPC status codes (the numbers travel in grpc-status).
enum class GrpcCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// grpc-go's default maximum received message size.
inline constexpr size_t kGrpcDefaultMaxMessageBytes = 4 * 1024 * 1024;
inline constexpr size_t kGrpcFramePrefixBytes = 5;

// Prefix + message, uncompressed.
std::string EncodeGrpcFrame(std::string_view message);

// Reassembles length-prefixed messages from a byte stream.
class GrpcFrameDecoder {
 public:
  explicit GrpcFrameDecoder(size_t max_message_bytes = kGrpcDefaultMaxMessageBytes)
      : max_message_bytes_(max_message_bytes) {}

  // Consumes `chunk` and appends every completed message to `messages`. Errors (sticky; the
  // stream is unusable afterwards):
  //   - RESOURCE_EXHAUSTED-like kResourceExhausted when a declared length exceeds the limit,
  //   - kUnimplemented when the compressed flag is 1 (no compression is negotiated),
  //   - kInvalidArgument for a flag other than 0 or 1.
  absl::Status Feed(std::string_view chunk, std::vector<std::string>& messages);

  // True when no partial frame is buffered (a stream may only end here).
  bool AtFrameBoundary() const { return buffer_.empty(); }

 private:
  size_t max_message_bytes_;
  std::string buffer_;
  absl::Status error_;
};

// Maps a decoder error to the gRPC code to answer with.
GrpcCode GrpcCodeFromStatus(const absl::Status& status);

// Parses a grpc-timeout value: 1..8 ASCII digits followed by one unit of H, M, S, m, u, n.
absl::StatusOr<std::chrono::nanoseconds> ParseGrpcTimeout(std::string_view value);
// The inverse, choosing the finest unit that fits in 8 digits.
std::string FormatGrpcTimeout(std::chrono::nanoseconds timeout);

// Percent-encodes a grpc-message value: bytes outside 0x20..0x7E and '%' become %XX.
std::string PercentEncodeGrpcMessage(std::string_view message);
// Decodes %XX sequences; malformed ones are kept verbatim (as the spec asks of receivers).
std::string PercentDecodeGrpcMessage(std::string_view encoded);

}  // namespace baton::http

// libFuzzer target: the gRPC length-prefixed message decoder fed in two pieces split at a
// data-derived point, with its invariants checked (messages within the limit, never more bytes
// than were fed, re-encoding reproduces the consumed prefix), plus grpc-timeout parsing and
// grpc-message percent-coding. Built only by fuzz/ (never linked into baton).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "net/grpc_frame.h"

namespace baton::http {
namespace {

void FuzzGrpcFrameDecoder(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = size == 0 ? 0 : data[0] % (size + 1);
  GrpcFrameDecoder decoder(/*max_message_bytes=*/1 << 16);
  std::vector<std::string> messages;
  size_t total = 0;
  if (decoder.Feed(input.substr(0, split), messages).ok()) {
    (void)decoder.Feed(input.substr(split), messages);
  }
  for (const std::string& message : messages) {
    if (message.size() > (1u << 16)) std::abort();
    total += message.size() + kGrpcFramePrefixBytes;
  }
  // Decoded messages can never account for more bytes than were fed.
  if (total > size) std::abort();
  // Re-encoding what was decoded reproduces the consumed prefix of the input.
  std::string reencoded;
  for (const std::string& message : messages) reencoded += EncodeGrpcFrame(message);
  if (input.substr(0, reencoded.size()) != reencoded) std::abort();
  (void)ParseGrpcTimeout(input.substr(0, 10));
  if (PercentDecodeGrpcMessage(PercentEncodeGrpcMessage(input)) != input) std::abort();
}

}  // namespace
}  // namespace baton::http

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  baton::http::FuzzGrpcFrameDecoder(data, size);
  return 0;
}

// libFuzzer target: bytes from an HTTP/1.1 client (pipelined requests, chunked and sized bodies,
// early rejections, oversized heads) through the HTTP/1.1 codec into a router wired like the
// node's. Built only by fuzz/ (never linked into baton).
#include <cstddef>
#include <cstdint>

#include "net/codec_fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  baton::http::fuzz::FeedCodec("", data, size, [](baton::http::ConnectionIo& io) {
    return baton::http::MakeHttp1Codec(io);
  });
  return 0;
}

// libFuzzer target: an HTTP/2 client's bytes after the connection preface (SETTINGS, HEADERS
// with HPACK, DATA, WINDOW_UPDATE, RST_STREAM, GOAWAY ...) through the HTTP/2 codec into a
// router and a GrpcService wired like the node's. Built only by fuzz/ (never linked into baton).
#include <cstddef>
#include <cstdint>

#include "net/codec_fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  baton::http::fuzz::FeedCodec(
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", data, size,
      [](baton::http::ConnectionIo& io) { return baton::http::MakeHttp2Codec(io); });
  return 0;
}

// libFuzzer entry point for GrpcFrameDecoder (built only with -DBATON_FUZZ=ON and clang).
#include "net/grpc_frame_fuzz.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  baton::http::FuzzGrpcFrameDecoder(data, size);
  return 0;
}

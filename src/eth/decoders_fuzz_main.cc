// libFuzzer entry point; built only with -DBATON_FUZZ=ON and clang.
#include "eth/decoders_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  baton::eth::FuzzEthDecoders(data, size);
  return 0;
}

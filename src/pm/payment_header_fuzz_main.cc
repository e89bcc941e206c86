// libFuzzer entry point; built only with -DBATON_FUZZ=ON and clang.
#include "pm/payment_header_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  baton::pm::FuzzPaymentHeaders(data, size);
  return 0;
}

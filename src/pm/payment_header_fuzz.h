// The body of the libFuzzer target for the payment decoders: the `Livepeer-Payment` and
// `Livepeer-Segment` headers (base64 + protobuf) and a decoded Payment run through the whole
// recipient. It is a plain function so a normal test can run it over a corpus; the libFuzzer
// entry point (payment_header_fuzz_main.cc) only calls it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace baton::pm {

// Never crashes, leaks or reads out of bounds for any input (that is what the fuzzer checks).
void FuzzPaymentHeaders(const uint8_t* data, size_t size);

}  // namespace baton::pm

// The body of the libFuzzer target for src/eth's parsers of untrusted bytes: RLP, raw
// transactions, ABI return data and logs (for a few fixed type lists, including nested dynamic
// ones), revert data, keystore JSON and JSON-RPC quantities. It is a plain function so a normal
// test can run it over random and mutated inputs; decoders_fuzz_main.cc is the libFuzzer entry.
#pragma once

#include <cstddef>
#include <cstdint>

namespace baton::eth {

// Never crashes, hangs, leaks or reads out of bounds for any input.
void FuzzEthDecoders(const uint8_t* data, size_t size);

}  // namespace baton::eth

// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not FIPS-202 SHA3-256.
//
// Pure function over bytes; thread-safe. Backed by Crypto++'s Keccak_256.
#pragma once

#include <string>
#include <string_view>

namespace baton::crypto {

// Returns the 32 raw bytes of keccak256(data).
std::string Keccak256(std::string_view data);

// Writes keccak256(data) into out[0..32). For hot paths that avoid allocating.
void Keccak256Into(std::string_view data, unsigned char out[32]);

}  // namespace baton::crypto

// 256-bit unsigned integers (Boost.Multiprecision, fixed width, no heap) and their byte and
// decimal forms as Ethereum and go-livepeer's wire use them.
//
// U256 is a value type. Arithmetic wraps modulo 2^256 (unchecked), like the EVM; callers that
// must not wrap check first. All functions are pure and thread-safe.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace baton::crypto {

using U256 = boost::multiprecision::uint256_t;

// Unsigned big-endian bytes of any length. Longer than 32 bytes keeps the last 32 (the low
// 256 bits), as Go's BytesToHash does.
U256 U256FromBigEndian(std::string_view bytes);
// 32 bytes big-endian, left-padded with zeros (Solidity's uint256 word).
std::string U256ToBE32(const U256& value);
// Writes the 32-byte big-endian form into out[0..32).
void U256ToBE32Into(const U256& value, unsigned char out[32]);
// Minimal big-endian (Go big.Int.Bytes()): no leading zero bytes; zero is the empty string.
std::string U256ToMinimal(const U256& value);
// Base-10 digits, no sign or separators.
std::string U256ToDecimal(const U256& value);
// Parses base-10 digits only; rejects empty input, any other character, and values ≥ 2^256.
absl::StatusOr<U256> U256FromDecimal(std::string_view text);

}  // namespace baton::crypto

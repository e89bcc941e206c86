// HMAC-SHA256 (RFC 2104) over raw bytes, backed by OpenSSL, and the comparison to check MACs,
// secrets and commitments with.
//
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace baton::crypto {

// Returns the 32-byte HMAC-SHA256 of msg under key.
std::string HmacSha256(std::string_view key, std::string_view msg);

// a == b in time that depends only on the lengths (OpenSSL's CRYPTO_memcmp), so a remote
// caller cannot learn a secret byte by byte from how fast a guess is refused. Use it whenever
// one side is secret or a commitment to a secret (MACs, tokens, recipientRand hashes).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace baton::crypto

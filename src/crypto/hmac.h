// HMAC-SHA256 (RFC 2104) over raw bytes, backed by OpenSSL.
//
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace baton::crypto {

// Returns the 32-byte HMAC-SHA256 of msg under key.
std::string HmacSha256(std::string_view key, std::string_view msg);

}  // namespace baton::crypto

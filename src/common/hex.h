// Hex and base64 codecs for the byte strings that cross Baton's interfaces.
//
// Bytes are std::string throughout (as protobuf `bytes` fields are). All functions
// are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace baton {

// 0-15 for a hex digit of either case, -1 otherwise.
int HexDigitValue(char c);

// Lower-case hex without a prefix.
std::string HexEncode(std::string_view bytes);
// "0x" + lower-case hex.
std::string HexEncode0x(std::string_view bytes);
// Accepts an optional 0x/0X prefix and either case; an odd length or a non-hex digit is an error.
absl::StatusOr<std::string> HexDecode(std::string_view hex);

// Standard padded base64 (RFC 4648), as go-livepeer's headers use.
std::string Base64Encode(std::string_view bytes);
// Strict standard base64 with padding; anything else is an error naming the problem.
absl::StatusOr<std::string> Base64Decode(std::string_view text);

}  // namespace baton

#include "common/hex.h"

#include "absl/strings/escaping.h"
#include "common/absl_view.h"

namespace baton {
namespace {
constexpr char kDigits[] = "0123456789abcdef";
}  // namespace

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string HexEncode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

std::string HexEncode0x(std::string_view bytes) { return "0x" + HexEncode(bytes); }

absl::StatusOr<std::string> HexDecode(std::string_view hex) {
  if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
  if (hex.size() % 2 != 0) return absl::InvalidArgumentError("hex string has an odd length");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexDigitValue(hex[2 * i]), lo = HexDigitValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return absl::InvalidArgumentError("invalid hex digit");
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) { return absl::Base64Escape(AsAbsl(bytes)); }

absl::StatusOr<std::string> Base64Decode(std::string_view text) {
  // absl also accepts unpadded input; Go's StdEncoding does not, so check the length first.
  if (text.size() % 4 != 0) return absl::InvalidArgumentError("illegal base64 data: bad length");
  std::string out;
  if (!absl::Base64Unescape(AsAbsl(text), &out))
    return absl::InvalidArgumentError("illegal base64 data");
  return out;
}

}  // namespace baton

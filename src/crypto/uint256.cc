#include "crypto/uint256.h"

#include <cstring>

namespace baton::crypto {

U256 U256FromBigEndian(std::string_view bytes) {
  if (bytes.size() > 32) bytes.remove_prefix(bytes.size() - 32);
  // Assemble 64-bit limbs by hand: import_bits is slow and this is on the ticket hot path.
  U256 value = 0;
  for (unsigned char b : bytes) value = (value << 8) | b;
  return value;
}

void U256ToBE32Into(const U256& value, unsigned char out[32]) {
  std::memset(out, 0, 32);
  U256 v = value;
  for (int i = 31; i >= 0 && v != 0; --i) {
    out[i] = static_cast<unsigned char>(static_cast<unsigned>(v & 0xff));
    v >>= 8;
  }
}

std::string U256ToBE32(const U256& value) {
  std::string out(32, '\0');
  U256ToBE32Into(value, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string U256ToMinimal(const U256& value) {
  std::string be = U256ToBE32(value);
  size_t first = be.find_first_not_of('\0');
  return first == std::string::npos ? std::string() : be.substr(first);
}

std::string U256ToDecimal(const U256& value) { return value.str(); }

absl::StatusOr<U256> U256FromDecimal(std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("empty decimal integer");
  static const U256 kMax = ~U256(0);
  U256 value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError("invalid decimal integer \"" + std::string(text) + "\"");
    }
    unsigned digit = static_cast<unsigned>(c - '0');
    if (value > (kMax - digit) / 10) {
      return absl::OutOfRangeError("decimal integer does not fit in 256 bits: " +
                                   std::string(text));
    }
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace baton::crypto

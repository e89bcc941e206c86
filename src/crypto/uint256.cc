#include "crypto/uint256.h"

#include <cstdint>
#include <cstring>

namespace baton::crypto {

static_assert(sizeof(*U256().backend().limbs()) == 8, "U256 limbs are expected to be 64-bit");

U256 U256FromBigEndian(std::string_view bytes) {
  if (bytes.size() > 32) bytes.remove_prefix(bytes.size() - 32);
  // Fill the 64-bit limbs directly: import_bits and byte-wise shifting are slow, and this runs
  // several times per received ticket.
  unsigned char be[32] = {0};
  std::memcpy(be + 32 - bytes.size(), bytes.data(), bytes.size());
  U256 value;
  auto& backend = value.backend();
  backend.resize(4, 4);
  auto* limbs = backend.limbs();
  for (int limb = 0; limb < 4; ++limb) {
    uint64_t word = 0;
    for (int i = 0; i < 8; ++i) word = (word << 8) | be[32 - 8 * (limb + 1) + i];
    limbs[limb] = word;
  }
  backend.normalize();
  return value;
}

void U256ToBE32Into(const U256& value, unsigned char out[32]) {
  std::memset(out, 0, 32);
  const auto& backend = value.backend();
  const auto* limbs = backend.limbs();
  for (unsigned limb = 0; limb < backend.size(); ++limb) {
    uint64_t word = limbs[limb];
    for (int i = 7; i >= 0; --i) {
      out[32 - 8 * (limb + 1) + i] = static_cast<unsigned char>(word & 0xff);
      word >>= 8;
    }
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

#include "crypto/address.h"

#include "common/hex.h"
#include "crypto/keccak.h"

namespace baton::crypto {

Address Address::FromBytesGoStyle(std::string_view b) {
  if (b.size() > kSize) b.remove_prefix(b.size() - kSize);
  std::string bytes(kSize - b.size(), '\0');
  bytes.append(b);
  return Address(std::move(bytes));
}

absl::StatusOr<Address> Address::FromHex(std::string_view hex) {
  std::string_view digits = hex;
  if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.remove_prefix(2);
  }
  if (digits.size() != 2 * kSize) {
    return absl::InvalidArgumentError("invalid address \"" + std::string(hex) +
                                      "\": want 40 hex digits");
  }
  absl::StatusOr<std::string> bytes = HexDecode(digits);
  if (!bytes.ok()) {
    return absl::InvalidArgumentError("invalid address \"" + std::string(hex) +
                                      "\": " + std::string(bytes.status().message()));
  }
  return Address(*std::move(bytes));
}

std::string Address::Hex() const { return HexEncode0x(bytes_); }

std::string Address::ChecksumHex() const {
  std::string lower = HexEncode(bytes_);
  std::string hash = Keccak256(lower);
  for (size_t i = 0; i < lower.size(); ++i) {
    unsigned char byte = static_cast<unsigned char>(hash[i / 2]);
    int nibble = (i % 2 == 0) ? (byte >> 4) : (byte & 0xf);
    if (lower[i] >= 'a' && nibble >= 8) lower[i] = static_cast<char>(lower[i] - 'a' + 'A');
  }
  return "0x" + lower;
}

bool Address::IsZero() const { return bytes_.find_first_not_of('\0') == std::string::npos; }

}  // namespace baton::crypto

// An Ethereum account address: 20 raw bytes, with Go-style construction from byte strings of
// other lengths and the lower-case and EIP-55 checksummed hex forms.
//
// Address is an immutable value type (copyable, hashable, ordered); thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace baton::crypto {

class Address {
 public:
  static constexpr size_t kSize = 20;

  // The zero address.
  Address() : bytes_(kSize, '\0') {}

  // go-ethereum's BytesToAddress: keeps the last 20 bytes, left-pads shorter input with zeros.
  static Address FromBytesGoStyle(std::string_view b);
  // Exactly 40 hex digits, "0x" optional, any case (the checksum is not enforced).
  static absl::StatusOr<Address> FromHex(std::string_view hex);

  const std::string& bytes() const { return bytes_; }
  // "0x" + 40 lower-case hex digits.
  std::string Hex() const;
  // "0x" + EIP-55 mixed-case checksum form.
  std::string ChecksumHex() const;
  bool IsZero() const;

  friend bool operator==(const Address& a, const Address& b) { return a.bytes_ == b.bytes_; }
  friend bool operator!=(const Address& a, const Address& b) { return a.bytes_ != b.bytes_; }
  friend bool operator<(const Address& a, const Address& b) { return a.bytes_ < b.bytes_; }

 private:
  explicit Address(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;  // always kSize bytes
};

}  // namespace baton::crypto

template <>
struct std::hash<baton::crypto::Address> {
  size_t operator()(const baton::crypto::Address& a) const noexcept {
    return std::hash<std::string>()(a.bytes());
  }
};

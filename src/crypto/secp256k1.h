// secp256k1 keys, recoverable ECDSA signing and public-key recovery (libsecp256k1 with its
// recovery module), as Ethereum uses them.
//
// One process-wide libsecp256k1 context is created (and randomised against side channels) on
// first use; libsecp256k1 allows concurrent signing and verification with a const context, so
// every function here is thread-safe. PrivateKey is a copyable value holding 32 secret bytes;
// never log it.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "crypto/address.h"

namespace baton::crypto {

class PrivateKey {
 public:
  // 32 big-endian bytes in [1, n-1]; anything else is an error.
  static absl::StatusOr<PrivateKey> FromBytes(std::string_view key32);
  // A fresh key from the OS CSPRNG (OpenSSL RAND_bytes).
  static PrivateKey Generate();

  std::string bytes() const { return key_; }
  // 64 bytes X‖Y (uncompressed, without the 0x04 prefix).
  std::string PublicKey() const;
  Address address() const;
  // Recoverable signature of a 32-byte digest: r(32)‖s(32)‖recid(1), recid ∈ {0,1}, low s,
  // RFC6979 deterministic nonce. REQUIRES: digest32.size() == 32.
  std::string SignDigest(std::string_view digest32) const;

 private:
  explicit PrivateKey(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

// Recovers the 64-byte public key X‖Y from a 32-byte digest and r‖s‖recid (recid ∈ {0,1}).
// Does not reject high s; the Ethereum rules live in eth_sign.h.
absl::StatusOr<std::string> RecoverPublicKey(std::string_view digest32,
                                             std::string_view sig65_recid01);

// The last 20 bytes of keccak256(pub64).
Address AddressFromPublicKey(std::string_view pub64);

}  // namespace baton::crypto

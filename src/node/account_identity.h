// NodeIdentity backed by an unlocked Ethereum key: results and pings are signed with
// personal-sign, and gateway signatures are checked by public-key recovery.
//
// Owns a copy of the private key for the life of the process; the key is never logged.
// Thread-safe (the crypto layer's context is shared and read-only).
#pragma once

#include "crypto/secp256k1.h"
#include "node/identity.h"

namespace baton::node {

class AccountIdentity : public NodeIdentity {
 public:
  explicit AccountIdentity(crypto::PrivateKey key) : key_(std::move(key)) {}

  bool HasAccount() const override { return true; }
  std::string Address() const override { return key_.address().bytes(); }
  std::string Sign(std::string_view msg) const override;
  bool VerifySig(std::string_view address, std::string_view msg,
                 std::string_view sig) const override;

 private:
  crypto::PrivateKey key_;
};

}  // namespace baton::node

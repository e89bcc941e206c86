// The node's Ethereum identity as the gateway-facing code needs it: the address that signs
// results, signing, and checking a peer's signature.
//
// Offchain (no account) the address is 20 zero bytes, Sign returns empty bytes and every
// signature verifies, as go-livepeer does (doc/wire.md "Conventions"). With an account, Sign is
// personal-sign(keccak(msg)) and VerifySig recovers the signer. Implementations are
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace baton::orchestrator {

class NodeIdentity {
 public:
  virtual ~NodeIdentity() = default;
  virtual bool HasAccount() const = 0;
  // 20 bytes.
  virtual std::string Address() const = 0;
  // personal-sign(keccak(msg)), 65 bytes; empty offchain.
  virtual std::string Sign(std::string_view msg) const = 0;
  // Does sig over msg recover to address (20 bytes)? Always true offchain.
  virtual bool VerifySig(std::string_view address, std::string_view msg,
                         std::string_view sig) const = 0;
};

class OffchainIdentity : public NodeIdentity {
 public:
  bool HasAccount() const override { return false; }
  std::string Address() const override { return std::string(20, '\0'); }
  std::string Sign(std::string_view) const override { return ""; }
  bool VerifySig(std::string_view, std::string_view, std::string_view) const override {
    return true;
  }
};

}  // namespace baton::orchestrator

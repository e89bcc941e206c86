// NodeIdentity backed by the node's unlocked Ethereum account: results and pings are signed with
// personal-sign, and gateway signatures are checked by public-key recovery.
//
// Shares the account (which alone holds the key) for the life of the process.
// Thread-safe (the crypto layer's context is shared and read-only).
#pragma once

#include <memory>

#include "eth/account.h"
#include "orchestrator/identity.h"

namespace baton::orchestrator {

class AccountIdentity : public NodeIdentity {
 public:
  explicit AccountIdentity(std::shared_ptr<const eth::Account> account)
      : account_(std::move(account)) {}

  bool HasAccount() const override { return true; }
  std::string Address() const override { return account_->address().bytes(); }
  std::string Sign(std::string_view msg) const override;
  bool VerifySig(std::string_view address, std::string_view msg,
                 std::string_view sig) const override;

 private:
  std::shared_ptr<const eth::Account> account_;
};

}  // namespace baton::orchestrator

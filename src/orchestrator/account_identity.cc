#include "orchestrator/account_identity.h"

#include "crypto/eth_sign.h"

namespace baton::orchestrator {

std::string AccountIdentity::Sign(std::string_view msg) const { return account_->Sign(msg); }

bool AccountIdentity::VerifySig(std::string_view address, std::string_view msg,
                                std::string_view sig) const {
  return crypto::VerifySig(crypto::Address::FromBytesGoStyle(address), msg, sig);
}

}  // namespace baton::orchestrator

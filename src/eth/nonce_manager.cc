#include "eth/nonce_manager.h"

#include <algorithm>

namespace baton::eth {

NonceManager::Slot& NonceManager::SlotFor(const crypto::Address& account) {
  std::lock_guard lock(map_mu_);
  auto& slot = slots_[account];
  if (!slot) slot = std::make_unique<Slot>();
  return *slot;
}

absl::StatusOr<uint64_t> NonceManager::Next(const crypto::Address& account,
                                            const Slot& slot) const {
  auto pending = client_->GetTransactionCount(account, "pending");
  if (!pending.ok()) return pending.status();
  return std::max(slot.local, *pending);
}

void NonceManager::Resync() {
  std::lock_guard lock(map_mu_);
  for (auto& [account, slot] : slots_) {
    std::lock_guard slot_lock(slot->mu);
    slot->local = 0;
  }
}

}  // namespace baton::eth

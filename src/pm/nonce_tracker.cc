#include "pm/nonce_tracker.h"

namespace baton::pm {

NonceTracker::Result NonceTracker::Record(const std::string& recipient_rand32, uint32_t nonce,
                                          const crypto::U256& expiration_block) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = entries_.try_emplace(recipient_rand32);
  if (inserted) it->second.expiration_block = expiration_block;
  Entry& entry = it->second;
  // Same order as go-livepeer: a replay is reported before the size limit.
  if (entry.nonces.count(nonce) > 0) return Result::kAlreadySeen;
  if (entry.nonces.size() >= kMaxNoncesPerRand) return Result::kTooMany;
  entry.nonces.insert(nonce);
  return Result::kAccepted;
}

void NonceTracker::Prune(const crypto::U256& block) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.expiration_block <= block) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

size_t NonceTracker::rand_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace baton::pm

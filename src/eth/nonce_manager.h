// NonceManager: hands out transaction nonces per account as go-livepeer's noncemanager does:
// the next nonce is max(local counter, eth_getTransactionCount(account, "pending")), taken
// under a per-account lock that is held while the transaction is sent, and the local counter
// becomes nonce + 1 only when the send succeeded. This keeps back-to-back transactions from
// reusing a nonce even when the node's pending count lags.
// A chain reorganisation can drop mined transactions of ours, and then the local counter runs
// ahead of the chain: Resync forgets the counters so the chain's pending count decides again
// (otherwise every later transaction would wait behind a nonce gap forever).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "absl/status/statusor.h"
#include "crypto/address.h"
#include "eth/eth_client.h"

namespace baton::eth {

class NonceManager {
 public:
  explicit NonceManager(std::shared_ptr<const EthClient> client) : client_(std::move(client)) {}

  // Picks the next nonce for account and calls send(nonce) while holding the account's lock;
  // on success the local counter moves past the nonce. Returns send's result.
  template <typename T>
  absl::StatusOr<T> WithNextNonce(const crypto::Address& account,
                                  const std::function<absl::StatusOr<T>(uint64_t)>& send) {
    Slot& slot = SlotFor(account);
    std::lock_guard lock(slot.mu);
    auto nonce = Next(account, slot);
    if (!nonce.ok()) return nonce.status();
    auto result = send(*nonce);
    if (result.ok()) slot.local = *nonce + 1;
    return result;
  }

  // Forgets every account's local counter (after a reorg); waits for sends in progress.
  void Resync();

 private:
  struct Slot {
    std::mutex mu;
    uint64_t local = 0;  // guarded by mu
  };
  Slot& SlotFor(const crypto::Address& account);
  absl::StatusOr<uint64_t> Next(const crypto::Address& account, const Slot& slot) const;

  std::shared_ptr<const EthClient> client_;
  std::mutex map_mu_;
  std::map<crypto::Address, std::unique_ptr<Slot>> slots_;  // guarded by map_mu_
};

}  // namespace baton::eth

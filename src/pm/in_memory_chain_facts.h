// InMemoryChainFacts: ChainFacts held in memory and set by hand, for tests, benchmarks and the
// offchain node. Unknown senders have an error from GetSenderInfo/MaxFloat unless a default
// sender is configured with SetDefaultSender.
//
// Thread-safe: setters and getters may run concurrently (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <set>

#include "pm/chain_facts.h"

namespace baton::pm {

class InMemoryChainFacts : public ChainFacts {
 public:
  struct SenderState {
    SenderInfo info;
    crypto::U256 max_float = 0;
  };

  void SetLastSeenL1Block(const crypto::U256& block);
  // Sets the last initialized round and its block hash.
  void SetRound(int64_t round, std::string block_hash32);
  void SetSender(const crypto::Address& sender, SenderState state);
  // Used for senders without their own entry (e.g. a dev node that trusts every gateway).
  void SetDefaultSender(SenderState state);
  void SetGasPrice(std::optional<crypto::U256> gas_price);
  void SetActive(const crypto::Address& orchestrator, bool active);

  crypto::U256 LastSeenL1Block() const override;
  int64_t LastInitializedRound() const override;
  std::string BlockHashForRound(int64_t round) const override;
  absl::StatusOr<SenderInfo> GetSenderInfo(const crypto::Address& sender) const override;
  absl::StatusOr<crypto::U256> MaxFloat(const crypto::Address& sender) const override;
  std::optional<crypto::U256> GasPrice() const override;
  absl::StatusOr<bool> IsActiveOrchestrator(const crypto::Address& orchestrator,
                                            int64_t round) const override;

 private:
  absl::StatusOr<SenderState> Sender(const crypto::Address& sender) const;

  mutable std::mutex mu_;
  crypto::U256 last_block_ = 0;
  int64_t round_ = 0;
  std::map<int64_t, std::string> round_hashes_;
  std::map<crypto::Address, SenderState> senders_;
  std::optional<SenderState> default_sender_;
  std::optional<crypto::U256> gas_price_;
  std::set<crypto::Address> active_;
};

}  // namespace baton::pm

// Max float after the node's own unredeemed winners (doc/pm.md 2.5).
//
// A sender's reserve share for this recipient (reserveAlloc, the contract's claimableReserve)
// caps each ticket's face value. Winning tickets the node already holds from that sender and has
// not settled will be paid out of the same deposit and reserve, so doc/pm.md's rule applies:
//   maxFloat = reserveAlloc                 when deposit >= 3 x pending (the deposit covers them)
//            = reserveAlloc - pending       otherwise (0 when pending exceeds the share)
// go-livepeer counts as pending only the redemptions in flight; Baton counts every winner it
// holds unsettled (queued or submitted), since each of them will be claimed, and a winner waits
// ~40 blocks for its parameters to expire before it can be sent.
//
// PendingAwareChainFacts applies the rule on top of another ChainFacts (the chain watcher),
// asking `pending` (the ticket ledger) for the sum; everything else is forwarded unchanged.
// Thread-safe when the inner facts and `pending` are.
#pragma once

#include <functional>

#include "pm/chain_facts.h"

namespace baton::pm {

crypto::U256 MaxFloatAfterPending(const crypto::U256& reserve_alloc, const crypto::U256& deposit,
                                  const crypto::U256& pending);

class PendingAwareChainFacts : public ChainFacts {
 public:
  using PendingFaceValue = std::function<absl::StatusOr<crypto::U256>(const crypto::Address&)>;
  // `inner` must outlive this object.
  PendingAwareChainFacts(const ChainFacts& inner, PendingFaceValue pending)
      : inner_(inner), pending_(std::move(pending)) {}

  absl::StatusOr<crypto::U256> MaxFloat(const crypto::Address& sender) const override;

  crypto::U256 LastSeenL1Block() const override { return inner_.LastSeenL1Block(); }
  int64_t LastInitializedRound() const override { return inner_.LastInitializedRound(); }
  std::string BlockHashForRound(int64_t round) const override {
    return inner_.BlockHashForRound(round);
  }
  absl::StatusOr<SenderInfo> GetSenderInfo(const crypto::Address& sender) const override {
    return inner_.GetSenderInfo(sender);
  }
  std::optional<crypto::U256> GasPrice() const override { return inner_.GasPrice(); }
  absl::StatusOr<bool> IsActiveOrchestrator(const crypto::Address& orchestrator,
                                            int64_t round) const override {
    return inner_.IsActiveOrchestrator(orchestrator, round);
  }
  // MaxFloat also reads the sender's deposit when the node holds unsettled winners of theirs.
  bool SenderReadsCached(const crypto::Address& sender) const override;
  bool SenderInfoCached(const crypto::Address& sender) const override {
    return inner_.SenderInfoCached(sender);
  }

 private:
  const ChainFacts& inner_;
  const PendingFaceValue pending_;
};

}  // namespace baton::pm

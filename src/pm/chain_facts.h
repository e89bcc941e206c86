// ChainFacts: everything the payment layer needs to know about the chain, behind one small
// interface. The on-chain implementation (chain::ChainWatcher, src/chain) watches blocks,
// rounds, senders and gas, and pm::PendingAwareChainFacts narrows its senders' float by the
// winners not yet redeemed; InMemoryChainFacts (pm/in_memory_chain_facts.h) serves tests and
// the offchain node.
//
// Implementations must be thread-safe: many connection threads ask at once. Calls must be
// cheap (served from caches), because they run for every OrchestratorInfo and every ticket.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "crypto/address.h"
#include "crypto/uint256.h"

namespace baton::pm {

// A sender's TicketBroker state (getSenderInfo).
struct SenderInfo {
  crypto::U256 deposit = 0;
  crypto::U256 withdraw_round = 0;  // 0 while no unlock is in progress
  crypto::U256 reserve_funds_remaining = 0;
  crypto::U256 reserve_claimed_in_current_round = 0;
};

class ChainFacts {
 public:
  virtual ~ChainFacts() = default;

  // The last L1 block seen (on Arbitrum the header's l1BlockNumber).
  virtual crypto::U256 LastSeenL1Block() const = 0;
  // RoundsManager.lastInitializedRound.
  virtual int64_t LastInitializedRound() const = 0;
  // The block hash stored for `round` (32 bytes; all zeros if unknown).
  virtual std::string BlockHashForRound(int64_t round) const = 0;
  // The sender's deposit, reserve and unlock state; an error if it cannot be fetched.
  virtual absl::StatusOr<SenderInfo> GetSenderInfo(const crypto::Address& sender) const = 0;
  // How much the sender can still cover for this recipient (doc/pm.md 2.5).
  virtual absl::StatusOr<crypto::U256> MaxFloat(const crypto::Address& sender) const = 0;
  // max(polled eth_gasPrice, minGasPrice), or nullopt when not known yet.
  virtual std::optional<crypto::U256> GasPrice() const = 0;
  // Whether `orchestrator` is in the active set in `round` (activation ≤ round < deactivation).
  virtual absl::StatusOr<bool> IsActiveOrchestrator(const crypto::Address& orchestrator,
                                                    int64_t round) const = 0;
  // True when MaxFloat(sender) and the current round's block hash would be answered from
  // memory, without a chain read. Event-loop threads ask before building an OrchestratorInfo
  // and hand the work to a thread that may block when this is false.
  virtual bool SenderReadsCached(const crypto::Address& /*sender*/) const { return true; }
  // The same for GetSenderInfo(sender).
  virtual bool SenderInfoCached(const crypto::Address& /*sender*/) const { return true; }
};

}  // namespace baton::pm

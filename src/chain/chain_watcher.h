// ChainWatcher: the on-chain implementation of pm::ChainFacts. On its own thread, every
// -blockPollingInterval, it follows the chain:
//  - blocks by hash (BlockTracker, the last keep_blocks headers): each poll fetches the blocks
//    since the last one (at most max_blocks_per_poll) and checks that each names the one before
//    it as its parent. A reorg is walked back to the common ancestor, logged as one warning
//    (depth, fork block, old and new head hashes), drops every cached answer
//    (senders, reserves, activation, round hashes) and is told to the reorg listeners; one deeper
//    than the kept headers is logged as an error and resets everything the same way.
//  - senders by events (SendersChangedIn): TicketBroker logs in the new blocks (deposits,
//    reserves, claims, ticket transfers, unlocks, withdrawals) make the watcher forget what it
//    cached for the senders they name, so the next read is fresh at once instead of after
//    cache_ttl. The eth_calls stay the source of truth; events only mark answers stale.
//  - the head's L1 block number (Arbitrum's l1BlockNumber), the last initialized round and its
//    block hash, and the current round; a new round forgets the senders' reserve answers.
// Senders' TicketBroker state, their claimable reserve and orchestrators' activation are read
// on demand by eth_call and cached for at most cache_ttl, in caches of at most
// max_cached_senders entries each (least recently used evicted). SenderReadsCached tells a
// caller on an event-loop thread whether a sender's reads would block, so it can move them to a
// thread that may wait (the node's chain-read executor).
//
// Listeners registered before Start run on the watcher's thread (on the caller's for Poll):
// block listeners hear of every new L1 block (the recipient prunes its nonces, the redemption
// service looks at its queue); reorg listeners hear of blocks that left the chain, after the
// caches were dropped and before the block listeners of the same poll. A listener must
// not call Poll (polls are serialized: it would wait for itself).
// Thread-safe: the ChainFacts getters may run on any thread while the watcher polls.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "chain/block_tracker.h"
#include "chain/protocol_contracts.h"
#include "common/lru_map.h"
#include "eth/eth_client.h"
#include "eth/gas_price_monitor.h"
#include "pm/chain_facts.h"

namespace baton::chain {

class ChainWatcher : public pm::ChainFacts {
 public:
  struct Options {
    std::chrono::milliseconds poll_interval{5000};
    std::chrono::milliseconds cache_ttl{5000};
    crypto::Address recipient;           // the node's ticket recipient (for claimable reserve)
    size_t keep_blocks = 128;            // headers kept to walk a reorg back to its common ancestor
    uint64_t max_blocks_per_poll = 100;  // a node far behind catches up over several polls
    // Entries per cache (senders, reserves, activation), least recently used evicted first:
    // gateways choose the keys, so the caches must not grow with the keys ever asked about.
    size_t max_cached_senders = 10000;
  };
  using BlockListener = std::function<void(uint64_t l1_block)>;
  // fork_block is a block number of the chain itself (an L2 number on Arbitrum, as in
  // receipts), the lowest one replaced: every block numbered >= fork_block that the chain
  // showed before may be gone, with its transactions and logs; blocks below it stand.
  // fork_block is 0 when the reorg went deeper than the kept headers (anything may be gone).
  using ReorgListener = std::function<void(uint64_t fork_block)>;

  ChainWatcher(std::shared_ptr<const eth::EthClient> client, ProtocolContracts contracts,
               std::shared_ptr<const eth::GasPriceMonitor> gas, Options options);
  ~ChainWatcher() override;

  void AddBlockListener(BlockListener listener);  // REQUIRES: before Start
  void AddReorgListener(ReorgListener listener);  // REQUIRES: before Start
  // Polls once (an unreachable chain is an error), then keeps polling on a thread.
  absl::Status Start();
  void Stop();
  // One poll, exposed for tests and the start-up check. Serialized with the thread's polls.
  absl::Status Poll();

  crypto::U256 LastSeenL1Block() const override;
  int64_t LastInitializedRound() const override;
  std::string BlockHashForRound(int64_t round) const override;
  absl::StatusOr<pm::SenderInfo> GetSenderInfo(const crypto::Address& sender) const override;
  absl::StatusOr<crypto::U256> MaxFloat(const crypto::Address& sender) const override;
  std::optional<crypto::U256> GasPrice() const override;
  absl::StatusOr<bool> IsActiveOrchestrator(const crypto::Address& orchestrator,
                                            int64_t round) const override;
  bool SenderReadsCached(const crypto::Address& sender) const override;
  bool SenderInfoCached(const crypto::Address& sender) const override;

  int64_t CurrentRound() const;
  const ProtocolContracts& contracts() const { return contracts_; }

 private:
  template <typename T>
  struct Cached {
    T value;
    std::chrono::steady_clock::time_point at;
  };
  void Run();
  bool Fresh(std::chrono::steady_clock::time_point at) const;
  // Fresh for a while yet (REQUIRES: mu_ held).
  template <typename V>
  bool FreshWithMargin(const Cached<V>* cached) const;
  // The cached answer for `key` while fresh; else fetch()'s, cached unless the chain changed
  // (the epoch moved) while it was being read, so a stale answer never lands in the cache.
  template <typename V, typename Fetch>
  absl::StatusOr<V> CachedRead(LruMap<crypto::Address, Cached<V>>& cache,
                               const crypto::Address& key, const Fetch& fetch) const;
  // Logs the reorg and forgets every cached answer; returns the fork block for the listeners.
  uint64_t OnReorg(const BlockTracker::Reorg& reorg);
  void ForgetAll();
  absl::Status ForgetChangedSenders(uint64_t from_block, uint64_t to_block);
  absl::Status ReadRounds();
  // The head's L1 block when it is newer than any seen before.
  std::optional<uint64_t> NoteHead(const eth::BlockHeader& head);

  const std::shared_ptr<const eth::EthClient> client_;
  const ProtocolContracts contracts_;
  const std::shared_ptr<const eth::GasPriceMonitor> gas_;
  const Options options_;
  std::vector<BlockListener> listeners_;
  std::vector<ReorgListener> reorg_listeners_;

  std::mutex poll_mu_;    // one poll at a time
  BlockTracker tracker_;  // guarded by poll_mu_

  mutable std::mutex mu_;
  uint64_t l1_block_ = 0;
  int64_t last_initialized_round_ = 0;
  int64_t current_round_ = 0;
  // Bumped whenever cached answers are forgotten: a read that started before keeps its answer
  // out of the cache, since it may predate the change.
  uint64_t epoch_ = 0;
  mutable std::map<int64_t, std::string> round_hashes_;
  mutable LruMap<crypto::Address, Cached<pm::SenderInfo>> senders_;
  mutable LruMap<crypto::Address, Cached<crypto::U256>> claimable_;
  mutable LruMap<crypto::Address, Cached<std::pair<int64_t, int64_t>>> activation_;

  std::mutex run_mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace baton::chain

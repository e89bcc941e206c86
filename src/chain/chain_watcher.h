// ChainWatcher: the on-chain implementation of pm::ChainFacts. It polls the chain on its own
// thread (every -blockPollingInterval): the head block (its l1BlockNumber on Arbitrum), the last
// initialized round and its block hash; and it reads senders' TicketBroker state and
// orchestrators' activation on demand, caching each answer for a few seconds.
//
// Listeners registered before Start hear of every new L1 block (the recipient prunes its nonces,
// the redemption service looks at its queue) on the watcher's thread.
// Thread-safe: the ChainFacts getters may run on any thread while the watcher polls.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "chain/protocol_contracts.h"
#include "eth/eth_client.h"
#include "eth/gas_price_monitor.h"
#include "pm/chain_facts.h"

namespace baton::chain {

class ChainWatcher : public pm::ChainFacts {
 public:
  struct Options {
    std::chrono::milliseconds poll_interval{5000};
    std::chrono::milliseconds cache_ttl{5000};
    crypto::Address recipient;  // the node's ticket recipient (for claimable reserve)
  };
  using BlockListener = std::function<void(uint64_t l1_block)>;

  ChainWatcher(std::shared_ptr<const eth::EthClient> client, ProtocolContracts contracts,
               std::shared_ptr<const eth::GasPriceMonitor> gas, Options options);
  ~ChainWatcher() override;

  void AddBlockListener(BlockListener listener);  // REQUIRES: before Start
  // Polls once (an unreachable chain is an error), then keeps polling on a thread.
  absl::Status Start();
  void Stop();
  // One poll, exposed for tests and the start-up check.
  absl::Status Poll();

  crypto::U256 LastSeenL1Block() const override;
  int64_t LastInitializedRound() const override;
  std::string BlockHashForRound(int64_t round) const override;
  absl::StatusOr<pm::SenderInfo> GetSenderInfo(const crypto::Address& sender) const override;
  absl::StatusOr<crypto::U256> MaxFloat(const crypto::Address& sender) const override;
  std::optional<crypto::U256> GasPrice() const override;
  absl::StatusOr<bool> IsActiveOrchestrator(const crypto::Address& orchestrator,
                                            int64_t round) const override;

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

  const std::shared_ptr<const eth::EthClient> client_;
  const ProtocolContracts contracts_;
  const std::shared_ptr<const eth::GasPriceMonitor> gas_;
  const Options options_;
  std::vector<BlockListener> listeners_;

  mutable std::mutex mu_;
  uint64_t l1_block_ = 0;
  int64_t last_initialized_round_ = 0;
  int64_t current_round_ = 0;
  mutable std::map<int64_t, std::string> round_hashes_;
  mutable std::map<crypto::Address, Cached<pm::SenderInfo>> senders_;
  mutable std::map<crypto::Address, Cached<crypto::U256>> claimable_;
  mutable std::map<crypto::Address, Cached<std::pair<int64_t, int64_t>>> activation_;

  std::mutex run_mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace baton::chain

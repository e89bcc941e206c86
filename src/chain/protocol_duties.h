// ProtocolDuties: what an active orchestrator owes the protocol each round, done on its own
// thread so job handling never waits for a transaction:
// - the reward call (-reward): once per round while the node is active, retried within the
//   round after a failure (go-livepeer waits for the next round; missed rewards are money lost);
// - the round initializer (-initializeRound): initializeRound when the current round is not
//   initialized yet.
// OnNewBlock (from ChainWatcher's listener) only wakes the thread. Stop (shutdown) cancels a
// receipt wait in progress instead of sitting out -transactionTimeout; a transaction already
// sent may still be mined, and the next round's check sees it. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include "chain/chain_watcher.h"
#include "eth/tx_manager.h"

namespace baton::chain {

class ProtocolDuties {
 public:
  struct Options {
    bool reward = false;
    bool initialize_round = false;
    crypto::Address orchestrator;
    std::chrono::milliseconds retry_delay{10'000};
  };
  struct Counters {
    int64_t rewards = 0;
    int64_t reward_errors = 0;
    int64_t rounds_initialized = 0;
    int64_t last_reward_round = 0;
  };

  ProtocolDuties(std::shared_ptr<const eth::EthClient> client, const ChainWatcher* watcher,
                 std::shared_ptr<const eth::TransactionManager> txs, Options options);
  ~ProtocolDuties();

  void Start();
  void Stop();
  void OnNewBlock();
  Counters counters() const;

 private:
  void Run();
  void MaybeInitializeRound();
  void MaybeReward();

  const std::shared_ptr<const eth::EthClient> client_;
  const ChainWatcher* watcher_;
  const std::shared_ptr<const eth::TransactionManager> txs_;
  const Options options_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  std::stop_source stop_;  // Stop cancels a receipt wait in progress (shutdown does not wait)
  Counters counters_;
  std::chrono::steady_clock::time_point next_reward_try_{};
  std::thread thread_;
};

}  // namespace baton::chain

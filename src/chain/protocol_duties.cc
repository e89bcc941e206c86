#include "chain/protocol_duties.h"

#include <spdlog/spdlog.h>

#include "common/hex.h"
#include "eth/contracts.h"

namespace baton::chain {

ProtocolDuties::ProtocolDuties(std::shared_ptr<const eth::EthClient> client,
                               const ChainWatcher* watcher,
                               std::shared_ptr<const eth::TransactionManager> txs, Options options)
    : client_(std::move(client)),
      watcher_(watcher),
      txs_(std::move(txs)),
      options_(std::move(options)) {}

ProtocolDuties::~ProtocolDuties() { Stop(); }

void ProtocolDuties::Start() {
  if (!options_.reward && !options_.initialize_round) return;
  thread_ = std::thread(&ProtocolDuties::Run, this);
  OnNewBlock();
}

void ProtocolDuties::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_.request_stop();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProtocolDuties::OnNewBlock() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  wake_.notify_all();
}

ProtocolDuties::Counters ProtocolDuties::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

void ProtocolDuties::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return pending_ || stopping_; });
    if (stopping_) return;
    pending_ = false;
    lock.unlock();
    if (options_.initialize_round) MaybeInitializeRound();
    if (options_.reward) MaybeReward();
    lock.lock();
  }
}

void ProtocolDuties::MaybeInitializeRound() {
  const auto& rm = watcher_->contracts().rounds_manager;
  auto initialized = eth::contracts::CurrentRoundInitialized(*client_, rm);
  if (!initialized.ok() || *initialized) return;
  eth::TxRequest tx{rm, eth::contracts::InitializeRoundCalldata(), 0, 0, "initializeRound"};
  auto receipt = txs_->SendAndWait(tx, stop_.get_token());
  if (!receipt.ok()) {
    spdlog::warn("initializeRound failed: {}", std::string(receipt.status().message()));
    return;
  }
  std::lock_guard lock(mu_);
  ++counters_.rounds_initialized;
  spdlog::info("Initialized round {} (tx {})", watcher_->CurrentRound(),
               HexEncode0x(receipt->tx_hash));
}

void ProtocolDuties::MaybeReward() {
  int64_t round = watcher_->LastInitializedRound();
  {
    std::lock_guard lock(mu_);
    if (counters_.last_reward_round >= round) return;
    if (std::chrono::steady_clock::now() < next_reward_try_) return;
  }
  if (round != watcher_->CurrentRound()) return;  // the current round is not initialized yet
  const auto& bm = watcher_->contracts().bonding_manager;
  auto t = eth::contracts::GetTranscoder(*client_, bm, options_.orchestrator);
  auto active = eth::contracts::IsActiveTranscoder(*client_, bm, options_.orchestrator);
  if (!t.ok() || !active.ok() || !*active) return;
  if (t->last_reward_round >= crypto::U256(round)) {
    std::lock_guard lock(mu_);
    counters_.last_reward_round = round;
    return;
  }
  eth::TxRequest tx{bm, eth::contracts::RewardCalldata(), 0, 0, "reward"};
  auto receipt = txs_->SendAndWait(tx, stop_.get_token());
  std::lock_guard lock(mu_);
  if (!receipt.ok()) {
    ++counters_.reward_errors;
    next_reward_try_ = std::chrono::steady_clock::now() + options_.retry_delay;
    spdlog::warn("reward for round {} failed (will retry this round): {}", round,
                 std::string(receipt.status().message()));
    return;
  }
  ++counters_.rewards;
  counters_.last_reward_round = round;
  spdlog::info("Called reward for round {} (tx {})", round, HexEncode0x(receipt->tx_hash));
}

}  // namespace baton::chain

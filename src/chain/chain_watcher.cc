#include "chain/chain_watcher.h"

#include <spdlog/spdlog.h>

#include "eth/contracts.h"

namespace baton::chain {
namespace {

int64_t ToInt64(const crypto::U256& v) {
  return v > crypto::U256(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v);
}

absl::Status Wrap(const absl::Status& s, const std::string& what) {
  return absl::Status(s.code(), what + ": " + std::string(s.message()));
}

}  // namespace

ChainWatcher::ChainWatcher(std::shared_ptr<const eth::EthClient> client,
                           ProtocolContracts contracts,
                           std::shared_ptr<const eth::GasPriceMonitor> gas, Options options)
    : client_(std::move(client)),
      contracts_(std::move(contracts)),
      gas_(std::move(gas)),
      options_(std::move(options)) {}

ChainWatcher::~ChainWatcher() { Stop(); }

void ChainWatcher::AddBlockListener(BlockListener listener) {
  listeners_.push_back(std::move(listener));
}

absl::Status ChainWatcher::Start() {
  if (auto s = Poll(); !s.ok()) return s;
  thread_ = std::thread(&ChainWatcher::Run, this);
  return absl::OkStatus();
}

void ChainWatcher::Stop() {
  {
    std::lock_guard lock(run_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ChainWatcher::Run() {
  std::unique_lock lock(run_mu_);
  while (!wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; })) {
    lock.unlock();
    if (auto s = Poll(); !s.ok()) spdlog::warn("chain watcher: {}", std::string(s.message()));
    lock.lock();
  }
}

absl::Status ChainWatcher::Poll() {
  auto head = client_->GetBlockByNumber(std::nullopt);
  if (!head.ok()) return Wrap(head.status(), "reading the head block");
  // On Arbitrum, tickets and rounds count L1 blocks (pm.md 2.2).
  uint64_t l1 = head->l1_block_number.value_or(head->number);
  auto last_round = eth::contracts::LastInitializedRound(*client_, contracts_.rounds_manager);
  if (!last_round.ok()) return Wrap(last_round.status(), "reading lastInitializedRound");
  auto current = eth::contracts::CurrentRound(*client_, contracts_.rounds_manager);
  if (!current.ok()) return Wrap(current.status(), "reading currentRound");
  int64_t round = ToInt64(*last_round);
  bool need_hash;
  {
    std::lock_guard lock(mu_);
    need_hash = round_hashes_.count(round) == 0 || round_hashes_[round] == std::string(32, '\0');
  }
  std::string hash(32, '\0');
  if (need_hash) {
    auto h = eth::contracts::BlockHashForRound(*client_, contracts_.rounds_manager, *last_round);
    if (!h.ok()) return Wrap(h.status(), "reading blockHashForRound");
    hash = *h;
  }
  bool new_block;
  {
    std::lock_guard lock(mu_);
    new_block = l1 > l1_block_;
    l1_block_ = std::max(l1_block_, l1);
    if (round != last_initialized_round_) {
      senders_.clear();  // reserve claims reset with each round
      claimable_.clear();
    }
    last_initialized_round_ = round;
    current_round_ = ToInt64(*current);
    if (need_hash) round_hashes_[round] = hash;
  }
  if (new_block)
    for (const auto& listener : listeners_) listener(l1);
  return absl::OkStatus();
}

bool ChainWatcher::Fresh(std::chrono::steady_clock::time_point at) const {
  return std::chrono::steady_clock::now() - at < options_.cache_ttl;
}

crypto::U256 ChainWatcher::LastSeenL1Block() const {
  std::lock_guard lock(mu_);
  return l1_block_;
}

int64_t ChainWatcher::LastInitializedRound() const {
  std::lock_guard lock(mu_);
  return last_initialized_round_;
}

int64_t ChainWatcher::CurrentRound() const {
  std::lock_guard lock(mu_);
  return current_round_;
}

std::string ChainWatcher::BlockHashForRound(int64_t round) const {
  {
    std::lock_guard lock(mu_);
    auto it = round_hashes_.find(round);
    if (it != round_hashes_.end()) return it->second;
  }
  if (round < 0) return std::string(32, '\0');
  auto h =
      eth::contracts::BlockHashForRound(*client_, contracts_.rounds_manager, crypto::U256(round));
  if (!h.ok()) return std::string(32, '\0');
  std::lock_guard lock(mu_);
  round_hashes_[round] = *h;
  return *h;
}

absl::StatusOr<pm::SenderInfo> ChainWatcher::GetSenderInfo(const crypto::Address& sender) const {
  {
    std::lock_guard lock(mu_);
    auto it = senders_.find(sender);
    if (it != senders_.end() && Fresh(it->second.at)) return it->second.value;
  }
  auto info = eth::contracts::GetSenderInfo(*client_, contracts_.ticket_broker, sender);
  if (!info.ok()) return info.status();
  pm::SenderInfo out{info->deposit, info->withdraw_round, info->reserve_funds_remaining,
                     info->reserve_claimed_in_current_round};
  std::lock_guard lock(mu_);
  senders_[sender] = {out, std::chrono::steady_clock::now()};
  return out;
}

absl::StatusOr<crypto::U256> ChainWatcher::MaxFloat(const crypto::Address& sender) const {
  {
    std::lock_guard lock(mu_);
    auto it = claimable_.find(sender);
    if (it != claimable_.end() && Fresh(it->second.at)) return it->second.value;
  }
  // The contract's own share computation: (funds + claimed this round) / poolSize − our claims.
  auto claimable = eth::contracts::ClaimableReserve(*client_, contracts_.ticket_broker, sender,
                                                    options_.recipient);
  if (!claimable.ok()) return claimable.status();
  std::lock_guard lock(mu_);
  claimable_[sender] = {*claimable, std::chrono::steady_clock::now()};
  return *claimable;
}

std::optional<crypto::U256> ChainWatcher::GasPrice() const {
  if (!gas_) return std::nullopt;
  crypto::U256 price = gas_->GasPrice();
  if (price == 0) return std::nullopt;
  return price;
}

absl::StatusOr<bool> ChainWatcher::IsActiveOrchestrator(const crypto::Address& orchestrator,
                                                        int64_t round) const {
  std::pair<int64_t, int64_t> window;
  bool cached = false;
  {
    std::lock_guard lock(mu_);
    auto it = activation_.find(orchestrator);
    if (it != activation_.end() && Fresh(it->second.at)) {
      window = it->second.value;
      cached = true;
    }
  }
  if (!cached) {
    auto t = eth::contracts::GetTranscoder(*client_, contracts_.bonding_manager, orchestrator);
    if (!t.ok()) return t.status();
    window = {ToInt64(t->activation_round), ToInt64(t->deactivation_round)};
    std::lock_guard lock(mu_);
    activation_[orchestrator] = {window, std::chrono::steady_clock::now()};
  }
  return window.first != 0 && window.first <= round && round < window.second;
}

}  // namespace baton::chain

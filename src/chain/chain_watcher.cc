#include "chain/chain_watcher.h"

#include <spdlog/spdlog.h>

#include "chain/sender_events.h"
#include "common/hex.h"
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
      options_(std::move(options)),
      tracker_(
          [client = client_](std::optional<uint64_t> n) { return client->GetBlockByNumber(n); },
          {options_.keep_blocks, options_.max_blocks_per_poll}),
      senders_(options_.max_cached_senders),
      claimable_(options_.max_cached_senders),
      activation_(options_.max_cached_senders) {}

ChainWatcher::~ChainWatcher() { Stop(); }

void ChainWatcher::AddBlockListener(BlockListener listener) {
  listeners_.push_back(std::move(listener));
}

void ChainWatcher::AddReorgListener(ReorgListener listener) {
  reorg_listeners_.push_back(std::move(listener));
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
  std::lock_guard poll(poll_mu_);
  const bool first = !tracker_.Head().has_value();
  auto update = tracker_.Advance();
  if (!update.ok()) return Wrap(update.status(), "following blocks");
  std::optional<uint64_t> fork;
  if (update->reorg) fork = OnReorg(*update->reorg);
  // The first poll has nothing cached that a log could make stale.
  absl::Status status = absl::OkStatus();
  if (!first && !update->added.empty())
    status = ForgetChangedSenders(update->added.front().number, update->added.back().number);
  if (absl::Status rounds = ReadRounds(); status.ok()) status = rounds;
  std::optional<uint64_t> l1 = NoteHead(update->head);
  if (fork)
    for (const auto& listener : reorg_listeners_) listener(*fork);
  if (l1)
    for (const auto& listener : listeners_) listener(*l1);
  return status;
}

uint64_t ChainWatcher::OnReorg(const BlockTracker::Reorg& reorg) {
  const eth::BlockHeader& old_head = reorg.removed.back();
  const std::optional<eth::BlockHeader> new_head = tracker_.Head();
  const std::string new_hash = new_head ? HexEncode0x(new_head->hash) : "none";
  const uint64_t new_number = new_head ? new_head->number : 0;
  if (reorg.beyond_window) {
    spdlog::error(
        "chain watcher: reorg deeper than the {} blocks kept: all of blocks {}..{} replaced, "
        "no common ancestor found (old head {} {}, new head {} {}); every cached answer dropped",
        reorg.removed.size(), reorg.fork_block, old_head.number, old_head.number,
        HexEncode0x(old_head.hash), new_number, new_hash);
  } else {
    spdlog::warn(
        "chain watcher: reorg of depth {} from fork block {} (old head {} {}, new head {} {}); "
        "cached sender, reserve, activation and round answers dropped",
        reorg.removed.size(), reorg.fork_block, old_head.number, HexEncode0x(old_head.hash),
        new_number, new_hash);
  }
  ForgetAll();
  return reorg.beyond_window ? 0 : reorg.fork_block;
}

void ChainWatcher::ForgetAll() {
  std::lock_guard lock(mu_);
  ++epoch_;
  senders_.Clear();
  claimable_.Clear();
  activation_.Clear();
  round_hashes_.clear();
}

absl::Status ChainWatcher::ForgetChangedSenders(uint64_t from_block, uint64_t to_block) {
  auto senders = SendersChangedIn(*client_, contracts_.ticket_broker, from_block, to_block);
  std::lock_guard lock(mu_);
  if (!senders.ok()) {
    // Whom the missed logs named is unknown: forget every sender rather than serve a stale one.
    ++epoch_;
    senders_.Clear();
    claimable_.Clear();
    return Wrap(senders.status(), "reading TicketBroker events");
  }
  if (senders->empty()) return absl::OkStatus();
  ++epoch_;  // a read in flight may have been answered before these events
  for (const auto& sender : *senders) {
    senders_.Erase(sender);
    claimable_.Erase(sender);
  }
  return absl::OkStatus();
}

absl::Status ChainWatcher::ReadRounds() {
  auto last_round = eth::contracts::LastInitializedRound(*client_, contracts_.rounds_manager);
  if (!last_round.ok()) return Wrap(last_round.status(), "reading lastInitializedRound");
  auto current = eth::contracts::CurrentRound(*client_, contracts_.rounds_manager);
  if (!current.ok()) return Wrap(current.status(), "reading currentRound");
  int64_t round = ToInt64(*last_round);
  bool need_hash;
  {
    std::lock_guard lock(mu_);
    auto it = round_hashes_.find(round);
    need_hash = it == round_hashes_.end() || it->second == std::string(32, '\0');
  }
  std::string hash(32, '\0');
  if (need_hash) {
    auto h = eth::contracts::BlockHashForRound(*client_, contracts_.rounds_manager, *last_round);
    if (!h.ok()) return Wrap(h.status(), "reading blockHashForRound");
    hash = *h;
  }
  std::lock_guard lock(mu_);
  if (round != last_initialized_round_) {
    ++epoch_;
    senders_.Clear();  // reserve claims reset with each round
    claimable_.Clear();
  }
  last_initialized_round_ = round;
  current_round_ = ToInt64(*current);
  if (need_hash) round_hashes_[round] = hash;
  return absl::OkStatus();
}

std::optional<uint64_t> ChainWatcher::NoteHead(const eth::BlockHeader& head) {
  // On Arbitrum, tickets and rounds count L1 blocks (doc/pm.md 2.2).
  uint64_t l1 = head.l1_block_number.value_or(head.number);
  std::lock_guard lock(mu_);
  if (l1 <= l1_block_) return std::nullopt;
  l1_block_ = l1;
  return l1;
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
  uint64_t epoch;
  {
    std::lock_guard lock(mu_);
    auto it = round_hashes_.find(round);
    if (it != round_hashes_.end()) return it->second;
    epoch = epoch_;
  }
  if (round < 0) return std::string(32, '\0');
  auto h =
      eth::contracts::BlockHashForRound(*client_, contracts_.rounds_manager, crypto::U256(round));
  if (!h.ok()) return std::string(32, '\0');
  std::lock_guard lock(mu_);
  if (epoch == epoch_) round_hashes_[round] = *h;
  return *h;
}

template <typename V, typename Fetch>
absl::StatusOr<V> ChainWatcher::CachedRead(LruMap<crypto::Address, Cached<V>>& cache,
                                           const crypto::Address& key, const Fetch& fetch) const {
  uint64_t epoch;
  {
    std::lock_guard lock(mu_);
    const Cached<V>* cached = cache.Find(key);
    if (cached != nullptr && Fresh(cached->at)) return cached->value;
    epoch = epoch_;
  }
  absl::StatusOr<V> value = fetch();
  if (!value.ok()) return value.status();
  std::lock_guard lock(mu_);
  if (epoch == epoch_) cache.Put(key, {*value, std::chrono::steady_clock::now()});
  return value;
}

template <typename V>
bool ChainWatcher::FreshWithMargin(const Cached<V>* cached) const {
  // A margin, so that an answer judged cached here is still cached when it is read.
  const auto margin = std::min(options_.cache_ttl / 4, std::chrono::milliseconds(1000));
  return cached != nullptr &&
         std::chrono::steady_clock::now() + margin - cached->at < options_.cache_ttl;
}

bool ChainWatcher::SenderInfoCached(const crypto::Address& sender) const {
  std::lock_guard lock(mu_);
  return FreshWithMargin(senders_.Peek(sender));
}

bool ChainWatcher::SenderReadsCached(const crypto::Address& sender) const {
  std::lock_guard lock(mu_);
  if (!FreshWithMargin(claimable_.Peek(sender))) return false;
  // The ticket expiration params name the last round's block hash (or the one before it).
  auto hash = round_hashes_.find(last_initialized_round_);
  if (hash == round_hashes_.end()) return false;
  if (hash->second == std::string(32, '\0')) {
    return round_hashes_.count(last_initialized_round_ - 1) != 0;
  }
  return true;
}

absl::StatusOr<pm::SenderInfo> ChainWatcher::GetSenderInfo(const crypto::Address& sender) const {
  return CachedRead(senders_, sender, [&]() -> absl::StatusOr<pm::SenderInfo> {
    auto info = eth::contracts::GetSenderInfo(*client_, contracts_.ticket_broker, sender);
    if (!info.ok()) return info.status();
    return pm::SenderInfo{info->deposit, info->withdraw_round, info->reserve_funds_remaining,
                          info->reserve_claimed_in_current_round};
  });
}

absl::StatusOr<crypto::U256> ChainWatcher::MaxFloat(const crypto::Address& sender) const {
  // The contract's own share computation: (funds + claimed this round) / poolSize − our claims.
  return CachedRead(claimable_, sender, [&] {
    return eth::contracts::ClaimableReserve(*client_, contracts_.ticket_broker, sender,
                                            options_.recipient);
  });
}

std::optional<crypto::U256> ChainWatcher::GasPrice() const {
  if (!gas_) return std::nullopt;
  crypto::U256 price = gas_->GasPrice();
  if (price == 0) return std::nullopt;
  return price;
}

absl::StatusOr<bool> ChainWatcher::IsActiveOrchestrator(const crypto::Address& orchestrator,
                                                        int64_t round) const {
  auto window =
      CachedRead(activation_, orchestrator, [&]() -> absl::StatusOr<std::pair<int64_t, int64_t>> {
        auto t = eth::contracts::GetTranscoder(*client_, contracts_.bonding_manager, orchestrator);
        if (!t.ok()) return t.status();
        return std::pair{ToInt64(t->activation_round), ToInt64(t->deactivation_round)};
      });
  if (!window.ok()) return window.status();
  return window->first != 0 && window->first <= round && round < window->second;
}

}  // namespace baton::chain

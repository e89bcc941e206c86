#include "pm/in_memory_chain_facts.h"

namespace baton::pm {

void InMemoryChainFacts::SetLastSeenL1Block(const crypto::U256& block) {
  std::lock_guard<std::mutex> lock(mu_);
  last_block_ = block;
}

void InMemoryChainFacts::SetRound(int64_t round, std::string block_hash32) {
  std::lock_guard<std::mutex> lock(mu_);
  round_ = round;
  round_hashes_[round] = std::move(block_hash32);
}

void InMemoryChainFacts::SetSender(const crypto::Address& sender, SenderState state) {
  std::lock_guard<std::mutex> lock(mu_);
  senders_[sender] = state;
}

void InMemoryChainFacts::SetDefaultSender(SenderState state) {
  std::lock_guard<std::mutex> lock(mu_);
  default_sender_ = state;
}

void InMemoryChainFacts::SetGasPrice(std::optional<crypto::U256> gas_price) {
  std::lock_guard<std::mutex> lock(mu_);
  gas_price_ = gas_price;
}

void InMemoryChainFacts::SetActive(const crypto::Address& orchestrator, bool active) {
  std::lock_guard<std::mutex> lock(mu_);
  if (active) {
    active_.insert(orchestrator);
  } else {
    active_.erase(orchestrator);
  }
}

crypto::U256 InMemoryChainFacts::LastSeenL1Block() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_block_;
}

int64_t InMemoryChainFacts::LastInitializedRound() const {
  std::lock_guard<std::mutex> lock(mu_);
  return round_;
}

std::string InMemoryChainFacts::BlockHashForRound(int64_t round) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = round_hashes_.find(round);
  return it == round_hashes_.end() ? std::string(32, '\0') : it->second;
}

absl::StatusOr<InMemoryChainFacts::SenderState> InMemoryChainFacts::Sender(
    const crypto::Address& sender) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = senders_.find(sender);
  if (it != senders_.end()) return it->second;
  if (default_sender_) return *default_sender_;
  return absl::NotFoundError("unknown sender " + sender.Hex());
}

absl::StatusOr<SenderInfo> InMemoryChainFacts::GetSenderInfo(const crypto::Address& sender) const {
  absl::StatusOr<SenderState> state = Sender(sender);
  if (!state.ok()) return state.status();
  return state->info;
}

absl::StatusOr<crypto::U256> InMemoryChainFacts::MaxFloat(const crypto::Address& sender) const {
  absl::StatusOr<SenderState> state = Sender(sender);
  if (!state.ok()) return state.status();
  return state->max_float;
}

std::optional<crypto::U256> InMemoryChainFacts::GasPrice() const {
  std::lock_guard<std::mutex> lock(mu_);
  return gas_price_;
}

absl::StatusOr<bool> InMemoryChainFacts::IsActiveOrchestrator(const crypto::Address& orchestrator,
                                                              int64_t round) const {
  std::lock_guard<std::mutex> lock(mu_);
  return active_.count(orchestrator) > 0;
}

}  // namespace baton::pm

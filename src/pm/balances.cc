#include "pm/balances.h"

namespace baton::pm {

Balances::Balances(std::chrono::steady_clock::duration idle_ttl, Clock clock)
    : idle_ttl_(idle_ttl), clock_(std::move(clock)), last_sweep_(clock_()) {}

void Balances::MaybeExpireLocked(std::chrono::steady_clock::time_point now) {
  if (now - last_sweep_ < idle_ttl_ / 10) return;
  last_sweep_ = now;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (now - it->second.last_update > idle_ttl_) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

Balances::Entry& Balances::Touch(const crypto::Address& sender, std::string_view manifest) {
  auto now = clock_();
  MaybeExpireLocked(now);
  Entry& entry = entries_[Key(sender, std::string(manifest))];
  entry.last_update = now;
  return entry;
}

Balances::Entry* Balances::Find(const crypto::Address& sender, std::string_view manifest) {
  MaybeExpireLocked(clock_());
  auto it = entries_.find(Key(sender, std::string(manifest)));
  return it == entries_.end() ? nullptr : &it->second;
}

void Balances::Credit(const crypto::Address& sender, std::string_view manifest, const Rat& amount) {
  std::lock_guard<std::mutex> lock(mu_);
  Touch(sender, manifest).amount += amount;
}

void Balances::Debit(const crypto::Address& sender, std::string_view manifest, const Rat& amount) {
  std::lock_guard<std::mutex> lock(mu_);
  Touch(sender, manifest).amount -= amount;
}

void Balances::DebitFees(const crypto::Address& sender, std::string_view manifest, const Rat& price,
                         uint64_t units) {
  Debit(sender, manifest, price * Rat(BigInt(units)));
}

std::optional<Rat> Balances::Balance(const crypto::Address& sender, std::string_view manifest) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry* entry = Find(sender, manifest);
  if (entry == nullptr) return std::nullopt;
  return entry->amount;
}

std::optional<Rat> Balances::FixedPrice(const crypto::Address& sender, std::string_view manifest) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry* entry = Find(sender, manifest);
  if (entry == nullptr) return std::nullopt;
  return entry->fixed_price;
}

void Balances::SetFixedPriceIfUnset(const crypto::Address& sender, std::string_view manifest,
                                    const Rat& price) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& entry = Touch(sender, manifest);
  if (!entry.fixed_price) entry.fixed_price = price;
}

bool Balances::SufficientBalance(const crypto::Address& sender, std::string_view manifest,
                                 const Rat& min_balance) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry* entry = Find(sender, manifest);
  return entry != nullptr && entry->amount >= min_balance;
}

void Balances::ExpireIdle() {
  std::lock_guard<std::mutex> lock(mu_);
  last_sweep_ = clock_() - idle_ttl_;  // force a sweep now
  MaybeExpireLocked(clock_());
}

size_t Balances::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace baton::pm

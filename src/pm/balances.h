// Balances: the credit each gateway has with this orchestrator, per (sender, session), as exact
// rationals (doc/pm.md section 3; go-livepeer core/accounting.go). Accepted tickets credit their
// EV, finished work debits price × pixels, and the first payment of a session pins its fixed price.
//
// An entry idle for `idle_ttl` (10 minutes by default) is forgotten, balance and fixed price
// together. Expiry runs lazily inside the calls (no thread of its own), at most once per
// `idle_ttl / 10`. Thread-safe: one mutex guards the map; callers are connection threads.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "crypto/address.h"
#include "pm/rational.h"

namespace baton::pm {

class Balances {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  static constexpr std::chrono::minutes kDefaultIdleTtl{10};

  explicit Balances(std::chrono::steady_clock::duration idle_ttl = kDefaultIdleTtl,
                    Clock clock = std::chrono::steady_clock::now);

  void Credit(const crypto::Address& sender, std::string_view manifest, const Rat& amount);
  // The balance may go negative.
  void Debit(const crypto::Address& sender, std::string_view manifest, const Rat& amount);
  // Debits price × units (output pixels, or a pipeline's units).
  void DebitFees(const crypto::Address& sender, std::string_view manifest, const Rat& price,
                 uint64_t units);
  // nullopt when the session has no entry.
  std::optional<Rat> Balance(const crypto::Address& sender, std::string_view manifest);

  std::optional<Rat> FixedPrice(const crypto::Address& sender, std::string_view manifest);
  // Pins `price` unless the session already has a fixed price (the first payment wins).
  void SetFixedPriceIfUnset(const crypto::Address& sender, std::string_view manifest,
                            const Rat& price);

  // go-livepeer's SufficientBalance: the entry exists and its balance ≥ min_balance (the
  // configured ticket EV). Callers skip the check when the price is 0.
  bool SufficientBalance(const crypto::Address& sender, std::string_view manifest,
                         const Rat& min_balance);

  // Forgets entries idle longer than the TTL; also runs lazily from the other calls.
  void ExpireIdle();
  size_t size();

 private:
  struct Entry {
    Rat amount;
    std::optional<Rat> fixed_price;
    std::chrono::steady_clock::time_point last_update;
  };
  using Key = std::pair<crypto::Address, std::string>;

  // REQUIRES: mu_ held.
  Entry& Touch(const crypto::Address& sender, std::string_view manifest);
  Entry* Find(const crypto::Address& sender, std::string_view manifest);
  void MaybeExpireLocked(std::chrono::steady_clock::time_point now);

  const std::chrono::steady_clock::duration idle_ttl_;
  const Clock clock_;
  std::mutex mu_;
  std::map<Key, Entry, std::less<>> entries_;
  std::chrono::steady_clock::time_point last_sweep_;
};

}  // namespace baton::pm

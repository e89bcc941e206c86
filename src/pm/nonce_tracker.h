// NonceTracker: replay protection for received tickets (doc/pm.md 2.3 step 7). It remembers the
// sender nonces seen for each recipientRand, at most 600 per rand, and forgets a rand once the
// chain passes the expiration block of the params it belongs to.
//
// Thread-safe (one mutex; the critical section is a hash-set insert).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "crypto/uint256.h"

namespace baton::pm {

class NonceTracker {
 public:
  static constexpr size_t kMaxNoncesPerRand = 600;

  enum class Result { kAccepted, kAlreadySeen, kTooMany };

  // Records `nonce` for `recipient_rand` (its 32-byte BE form). The first nonce for a rand sets
  // the expiration block used by Prune.
  Result Record(const std::string& recipient_rand32, uint32_t nonce,
                const crypto::U256& expiration_block);
  // Drops every rand whose expiration block is ≤ `block` (call on each new L1 block).
  void Prune(const crypto::U256& block);
  size_t rand_count() const;

 private:
  struct Entry {
    std::unordered_set<uint32_t> nonces;
    crypto::U256 expiration_block;
  };
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace baton::pm

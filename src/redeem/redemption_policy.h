// Redemption policy: the pure rules that decide whether a winning ticket is worth a transaction
// now, separated from the chain I/O so they can be tested exhaustively.
//
// - Timing (doc/pm.md 2.6, 4.3): a ticket is sent only once its parameters expired
//   (paramsExpirationBlock ≤ latest L1 block), and only while its creation round is valid
//   (creationRound + ticketValidityPeriod > currentRound).
// - Money (doc/pm.md 4.3 step 10 and its Hazard): the contract pays min(faceValue, deposit +
//   claimable reserve); with both zero it pays nothing and burns the ticket. A ticket is sent
//   when that payout covers the transaction `multiple` times at the current gas price. Until the
//   ticket's last valid round it also waits for the sender to cover the full face value; in its
//   last round any payout above the transaction's cost is taken (better than nothing).
//
// All functions are pure and thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/uint256.h"

namespace baton::redeem {

// The creation round is past the ticket's validity: the contract would revert "ticket is expired".
bool RoundExpired(int64_t creation_round, int64_t current_round, int64_t validity_rounds);
// The current round is the last one in which the ticket can be redeemed.
bool InLastValidRound(int64_t creation_round, int64_t current_round, int64_t validity_rounds);
// Revealing recipientRand before this would let the sender dodge winning nonces (doc/pm.md 2.6).
bool ParamsExpired(const crypto::U256& params_expiration_block, const crypto::U256& l1_block);

// What the contract would pay for the ticket: min(faceValue, deposit + claimable).
crypto::U256 ExpectedPayout(const crypto::U256& face_value, const crypto::U256& deposit,
                            const crypto::U256& claimable_reserve);

struct Economics {
  crypto::U256 face_value;
  crypto::U256 deposit;
  crypto::U256 claimable_reserve;  // TicketBroker.claimableReserve(sender, recipient)
  crypto::U256 gas_price;          // wei per gas, already checked against -maxGasPrice
  uint64_t redeem_gas = 0;
};

enum class Verdict {
  kSend,
  kWaitForGas,    // payout does not cover `multiple` × tx cost yet
  kWaitForFunds,  // the sender covers only part of the face value: wait for a refill
  kNoFunds,       // nothing (or less than the tx cost) to be paid: sending would burn the ticket
};

struct Decision {
  Verdict verdict;
  std::string reason;  // empty for kSend; otherwise what the operator reads
};

// multiple: how many times the payout must cover the transaction (1 = break even).
// last_chance: the ticket's last valid round, or a manual redemption: take a partial payout.
Decision Judge(const Economics& e, int multiple, bool last_chance);

// Errors after which the ticket must never be sent again (go-livepeer's list, doc/pm.md 2.6, plus
// the contract's own revert texts for the same conditions).
bool IsPermanentFailure(std::string_view message);

// Delay before retrying after `failures` consecutive transient failures: 2, 4, 8 … seconds,
// capped at `max`.
std::chrono::seconds Backoff(int failures, std::chrono::seconds max);

}  // namespace baton::redeem

#include "redeem/redemption_policy.h"

#include <algorithm>

namespace baton::redeem {

bool RoundExpired(int64_t creation_round, int64_t current_round, int64_t validity_rounds) {
  return creation_round + validity_rounds <= current_round;
}

bool InLastValidRound(int64_t creation_round, int64_t current_round, int64_t validity_rounds) {
  return creation_round + validity_rounds - 1 == current_round;
}

bool ParamsExpired(const crypto::U256& params_expiration_block, const crypto::U256& l1_block) {
  return params_expiration_block <= l1_block;
}

crypto::U256 ExpectedPayout(const crypto::U256& face_value, const crypto::U256& deposit,
                            const crypto::U256& claimable_reserve) {
  // deposit + claimable cannot overflow: both are balances of ETH held by one contract.
  return std::min(face_value, deposit + claimable_reserve);
}

namespace {

std::string Gwei(const crypto::U256& wei) {
  const crypto::U256 giga(1'000'000'000);
  std::string fraction = crypto::U256ToDecimal(wei % giga + giga).substr(1);  // 9 digits
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return crypto::U256ToDecimal(wei / giga) + (fraction.empty() ? "" : "." + fraction) + " gwei";
}

}  // namespace

Decision Judge(const Economics& e, int multiple, bool last_chance) {
  const crypto::U256 tx_cost = crypto::U256(e.redeem_gas) * e.gas_price;
  const crypto::U256 payout = ExpectedPayout(e.face_value, e.deposit, e.claimable_reserve);
  if (e.deposit == 0 && e.claimable_reserve == 0)
    return {Verdict::kNoFunds, "sender has no deposit and no claimable reserve"};
  if (e.deposit + e.claimable_reserve <= tx_cost)
    return {Verdict::kNoFunds, "insufficient sender funds for redeem tx cost"};
  if (payout < e.face_value && !last_chance)
    return {Verdict::kWaitForFunds,
            "sender funds cover only " + crypto::U256ToDecimal(payout) + " of the face value " +
                crypto::U256ToDecimal(e.face_value) + " wei; waiting for a refill"};
  const int needed = last_chance ? 1 : std::max(multiple, 1);
  if (payout <= tx_cost * needed)
    return {Verdict::kWaitForGas,
            "insufficient ticket face value for redeem tx cost at gas price " + Gwei(e.gas_price) +
                " (needs " + std::to_string(needed) + "x the tx cost)"};
  return {Verdict::kSend, ""};
}

bool IsPermanentFailure(std::string_view message) {
  for (std::string_view text :
       {"ticket is used", "ticket already used", "transaction failed", "does not have a block hash",
        "ticket is expired", "ticket did not win", "invalid signature over ticket hash",
        "recipientRand does not match", "creationRoundBlockHash invalid",
        "INVALID_SIGNATURE_LENGTH", "ticket recipient is null address",
        "ticket sender is null address", "invalid length for ticket auxData"}) {
    if (message.find(text) != std::string_view::npos) return true;
  }
  return false;
}

std::chrono::seconds Backoff(int failures, std::chrono::seconds max) {
  if (failures <= 0) return std::chrono::seconds(0);
  const int64_t delay = int64_t{1} << std::min(failures, 30);
  return std::min(std::chrono::seconds(delay), max);
}

}  // namespace baton::redeem

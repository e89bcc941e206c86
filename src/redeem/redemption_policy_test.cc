#include "redeem/redemption_policy.h"

#include <gtest/gtest.h>

namespace baton::redeem {
namespace {

using crypto::U256;

constexpr uint64_t kGas = 350'000;
const U256 kGwei = U256(1'000'000'000);

Economics Funded(const U256& face, const U256& gas_price) {
  return {face, /*deposit=*/face * 10, /*claimable_reserve=*/0, gas_price, kGas};
}

TEST(RedemptionPolicy, ValidityWindow) {
  // Valid while creationRound + validity > currentRound (the contract's "ticket is expired").
  EXPECT_FALSE(RoundExpired(10, 10, 2));
  EXPECT_FALSE(RoundExpired(10, 11, 2));
  EXPECT_TRUE(RoundExpired(10, 12, 2));
  EXPECT_FALSE(InLastValidRound(10, 10, 2));
  EXPECT_TRUE(InLastValidRound(10, 11, 2));
  EXPECT_FALSE(InLastValidRound(10, 12, 2));
  // Parameters expire at their block: sending at that block is allowed, earlier is not.
  EXPECT_FALSE(ParamsExpired(U256(100), U256(99)));
  EXPECT_TRUE(ParamsExpired(U256(100), U256(100)));
  EXPECT_TRUE(ParamsExpired(U256(100), U256(101)));
}

TEST(RedemptionPolicy, PayoutIsWhatTheContractPays) {
  EXPECT_EQ(ExpectedPayout(U256(100), U256(150), U256(0)), U256(100));  // from the deposit
  EXPECT_EQ(ExpectedPayout(U256(100), U256(30), U256(50)), U256(80));   // deposit + reserve
  EXPECT_EQ(ExpectedPayout(U256(100), U256(0), U256(0)), U256(0));
}

TEST(RedemptionPolicy, SendsOnlyWhenThePayoutCoversTheTxSeveralTimes) {
  const U256 cost = U256(kGas) * kGwei;  // 3.5e14 wei at 1 gwei
  EXPECT_EQ(Judge(Funded(cost * 3 + 1, kGwei), 3, false).verdict, Verdict::kSend);
  Decision d = Judge(Funded(cost * 3, kGwei), 3, false);
  EXPECT_EQ(d.verdict, Verdict::kWaitForGas);
  EXPECT_NE(d.reason.find("at gas price 1 gwei"), std::string::npos) << d.reason;
  EXPECT_NE(Judge(Funded(cost, kGwei * 15 / 8), 3, false).reason.find("at gas price 1.875 gwei"),
            std::string::npos);
  EXPECT_NE(d.reason.find("3x"), std::string::npos) << d.reason;
  // Gas doubles: the same ticket now waits; in its last round covering the cost once is enough.
  EXPECT_EQ(Judge(Funded(cost * 3 + 1, kGwei * 2), 3, false).verdict, Verdict::kWaitForGas);
  EXPECT_EQ(Judge(Funded(cost * 3 + 1, kGwei * 2), 3, true).verdict, Verdict::kSend);
  EXPECT_EQ(Judge(Funded(cost, kGwei), 3, true).verdict, Verdict::kWaitForGas);  // not at a loss
  // A multiple below 1 is treated as 1.
  EXPECT_EQ(Judge(Funded(cost + 1, kGwei), 0, false).verdict, Verdict::kSend);
}

TEST(RedemptionPolicy, NeverBurnsATicketAgainstEmptyFunds) {
  Economics e{U256(10) * kGwei * kGas * 10, 0, 0, kGwei, kGas};
  Decision d = Judge(e, 3, /*last_chance=*/true);
  EXPECT_EQ(d.verdict, Verdict::kNoFunds);
  EXPECT_EQ(d.reason, "sender has no deposit and no claimable reserve");
  // Some funds, but less than the transaction costs: sending would lose money.
  e.deposit = U256(kGas) * kGwei;
  EXPECT_EQ(Judge(e, 3, true).verdict, Verdict::kNoFunds);
}

TEST(RedemptionPolicy, PartialPayoutWaitsForARefillUntilTheLastRound) {
  const U256 face = U256(kGas) * kGwei * 100;
  Economics e{face, face / 2, face / 4, kGwei, kGas};  // covers 3/4 of the face value
  Decision d = Judge(e, 3, false);
  EXPECT_EQ(d.verdict, Verdict::kWaitForFunds);
  EXPECT_NE(d.reason.find(crypto::U256ToDecimal(face * 3 / 4)), std::string::npos) << d.reason;
  EXPECT_EQ(Judge(e, 3, true).verdict, Verdict::kSend);
}

TEST(RedemptionPolicy, PermanentFailures) {
  EXPECT_TRUE(IsPermanentFailure("execution reverted: ticket is used"));
  EXPECT_TRUE(IsPermanentFailure("transaction failed txHash=0x12: ticket did not win"));
  EXPECT_TRUE(IsPermanentFailure("ticket creationRound does not have a block hash"));
  EXPECT_FALSE(IsPermanentFailure("execution reverted: current round is not initialized"));
  EXPECT_FALSE(IsPermanentFailure("connection refused"));
  EXPECT_FALSE(IsPermanentFailure("sender is unlocked"));
}

TEST(RedemptionPolicy, BackoffDoublesUpToTheCap) {
  using std::chrono::seconds;
  EXPECT_EQ(Backoff(0, seconds(300)), seconds(0));
  EXPECT_EQ(Backoff(1, seconds(300)), seconds(2));
  EXPECT_EQ(Backoff(4, seconds(300)), seconds(16));
  EXPECT_EQ(Backoff(9, seconds(300)), seconds(300));
  EXPECT_EQ(Backoff(1000, seconds(300)), seconds(300));
}

}  // namespace
}  // namespace baton::redeem

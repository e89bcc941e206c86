#include "pm/pending_float.h"

#include <gtest/gtest.h>

#include "pm/in_memory_chain_facts.h"

namespace baton::pm {
namespace {

using crypto::U256;

TEST(MaxFloatAfterPending, TheDepositCoversPendingWinnersThreeTimesOrTheShareShrinks) {
  const U256 share(1000);
  EXPECT_EQ(MaxFloatAfterPending(share, U256(0), U256(0)), share);          // nothing pending
  EXPECT_EQ(MaxFloatAfterPending(share, U256(300), U256(100)), share);      // exactly 3.0
  EXPECT_EQ(MaxFloatAfterPending(share, U256(299), U256(100)), U256(900));  // 2.99
  EXPECT_EQ(MaxFloatAfterPending(share, U256(0), U256(1000)), U256(0));
  EXPECT_EQ(MaxFloatAfterPending(share, U256(0), U256(5000)), U256(0));  // never below zero
  const U256 max = ~U256(0);
  EXPECT_EQ(MaxFloatAfterPending(share, max, max / 3), share);  // no overflow at the top
  EXPECT_EQ(MaxFloatAfterPending(share, max, max / 3 + 1), U256(0));
}

TEST(PendingAwareChainFacts, AdjustsOnlyMaxFloatAndForwardsTheRest) {
  InMemoryChainFacts chain;
  const auto sender = crypto::Address::FromBytesGoStyle(std::string(20, 's'));
  InMemoryChainFacts::SenderState state;
  state.info.deposit = U256(500);
  state.max_float = U256(1000);
  chain.SetSender(sender, state);
  chain.SetLastSeenL1Block(U256(77));
  U256 pending = 0;
  PendingAwareChainFacts facts(chain, [&](const crypto::Address& s) -> absl::StatusOr<U256> {
    EXPECT_EQ(s, sender);
    return pending;
  });
  EXPECT_EQ(*facts.MaxFloat(sender), U256(1000));
  pending = 100;  // 500 / 100 >= 3: the deposit covers it
  EXPECT_EQ(*facts.MaxFloat(sender), U256(1000));
  pending = 200;  // 500 / 200 < 3
  EXPECT_EQ(*facts.MaxFloat(sender), U256(800));
  EXPECT_EQ(facts.LastSeenL1Block(), U256(77));
  EXPECT_EQ(facts.GetSenderInfo(sender)->deposit, U256(500));

  PendingAwareChainFacts failing(chain, [](const crypto::Address&) -> absl::StatusOr<U256> {
    return absl::UnavailableError("ledger unreadable");
  });
  EXPECT_EQ(failing.MaxFloat(sender).status().message(), "ledger unreadable");
  const auto unknown = crypto::Address::FromBytesGoStyle(std::string(20, 'u'));
  EXPECT_FALSE(facts.MaxFloat(unknown).ok());  // the inner error stands
}

}  // namespace
}  // namespace baton::pm

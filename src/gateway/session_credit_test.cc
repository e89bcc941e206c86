#include "gateway/session_credit.h"

#include <gtest/gtest.h>

namespace baton::gateway {
namespace {

using pm::Rat;

// Segments that each cost a third of a ticket's EV: tickets only for the shortfall, and
// payments without tickets while the credit covers one EV.
TEST(SessionCreditTest, TicketsOnlyForTheShortfallToOneEV) {
  SessionCredit credit;
  const Rat ev = 30, fee = 10;
  std::vector<int> tickets;
  for (int i = 0; i < 9; ++i) {
    SessionCredit::Update u = credit.Stage("s", fee * Rat(102, 100), ev).value();
    EXPECT_EQ(credit.balance(), 0);  // reserved while in flight
    tickets.push_back(u.tickets);
    credit.Complete(u, fee);
  }
  // Credit after each segment: 20, 40, 30, 20, 40, 30, 20, 40, 30.
  EXPECT_EQ(tickets, (std::vector<int>{1, 1, 0, 0, 1, 0, 0, 1, 0}));
  EXPECT_EQ(credit.balance(), 30);
}

TEST(SessionCreditTest, AFeeAboveOneEVIsCoveredInFull) {
  SessionCredit credit;
  SessionCredit::Update u = credit.Stage("s", Rat(75), Rat(30)).value();
  EXPECT_EQ(u.tickets, 3);  // ceil(75 / 30)
  EXPECT_EQ(u.new_credit, 90);
  credit.Complete(u, Rat(70));
  EXPECT_EQ(credit.balance(), 20);
  u = credit.Stage("s", Rat(75), Rat(30)).value();
  EXPECT_EQ(u.existing, 20);
  EXPECT_EQ(u.tickets, 2);  // ceil(55 / 30)
}

TEST(SessionCreditTest, CancelRestoresAndALostResultSpends) {
  SessionCredit credit;
  SessionCredit::Update u = credit.Stage("s", Rat(10), Rat(30)).value();
  credit.Complete(u, Rat(10));
  ASSERT_EQ(credit.balance(), 20);
  u = credit.Stage("s", Rat(10), Rat(30)).value();
  credit.Cancel(u);  // nothing was sent
  EXPECT_EQ(credit.balance(), 20);
  u = credit.Stage("s", Rat(10), Rat(30)).value();  // sent, but no result came back
  EXPECT_EQ(credit.balance(), 0);
  u = credit.Stage("s", Rat(10), Rat(30)).value();
  EXPECT_EQ(u.existing, 0);
  EXPECT_EQ(u.tickets, 1);
}

TEST(SessionCreditTest, ConcurrentSegmentsEachPayAndANewSessionStartsFromZero) {
  SessionCredit credit;
  SessionCredit::Update a = credit.Stage("s", Rat(10), Rat(30)).value();
  credit.Complete(a, Rat(10));
  SessionCredit::Update first = credit.Stage("s", Rat(10), Rat(30)).value();
  SessionCredit::Update second = credit.Stage("s", Rat(10), Rat(30)).value();
  EXPECT_EQ(first.existing, 20);
  EXPECT_EQ(second.existing, 0);
  EXPECT_EQ(second.tickets, 1);
  credit.Complete(first, Rat(10));
  credit.Complete(second, Rat(10));
  EXPECT_EQ(credit.balance(), 60);
  // A refreshed session (new id): the node's balance for it is zero, so is ours; a late
  // result of the old session is not added to it.
  SessionCredit::Update fresh = credit.Stage("t", Rat(10), Rat(30)).value();
  EXPECT_EQ(fresh.existing, 0);
  EXPECT_EQ(fresh.tickets, 1);
  credit.Complete(first, Rat(0));
  credit.Complete(fresh, Rat(10));
  EXPECT_EQ(credit.balance(), 20);
}

TEST(SessionCreditTest, AFreeOrchestratorNeedsNoTicket) {
  SessionCredit credit;
  SessionCredit::Update u = credit.Stage("s", Rat(0), Rat(0)).value();
  EXPECT_EQ(u.tickets, 0);
}

TEST(SessionCreditTest, AbsurdTicketCountsFailAndReserveNothing) {
  SessionCredit credit;
  credit.Complete(credit.Stage("s", Rat(1), Rat(1)).value(), Rat(0));
  ASSERT_EQ(credit.balance(), 1);
  EXPECT_FALSE(credit.Stage("s", Rat(10000000), Rat(1, 100)).ok());
  EXPECT_EQ(credit.balance(), 1);
}

}  // namespace
}  // namespace baton::gateway

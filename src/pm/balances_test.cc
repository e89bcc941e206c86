#include "pm/balances.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "crypto/secp256k1.h"
#include "pm/ticket.h"

namespace baton::pm {
namespace {

using crypto::Address;

TEST(Balances, CreditDebitAndSufficientBalance) {
  Balances b;
  Address s = Address::FromBytesGoStyle("\x01");
  EXPECT_FALSE(b.Balance(s, "m").has_value());
  EXPECT_FALSE(b.SufficientBalance(s, "m", Rat(0)));  // no entry: insufficient
  b.Credit(s, "m", Rat(10));
  EXPECT_TRUE(b.SufficientBalance(s, "m", Rat(10)));
  EXPECT_FALSE(b.SufficientBalance(s, "m", Rat(11)));
  b.DebitFees(s, "m", Rat(3, 2), 10);  // 15
  EXPECT_EQ(b.Balance(s, "m").value(), Rat(-5));
  EXPECT_FALSE(b.Balance(s, "other").has_value());
  EXPECT_FALSE(b.Balance(Address::FromBytesGoStyle("\x02"), "m").has_value());
}

TEST(Balances, ExactOverAMillionCreditsAndDebits) {
  Balances b;
  Address s = Address::FromBytesGoStyle("\x01");
  // A realistic ticket EV (a fraction over 2^256-1) and a price of 1/3 wei per pixel.
  Rat ev = TicketEV(crypto::U256("1200000000000000"),
                    crypto::U256("0x6fd91d84bcda58175fdfab3d77a168e2893e4958803b6b57ae84efcbf000"));
  Rat price(1, 3);
  for (int i = 0; i < 1000000; ++i) {
    b.Credit(s, "m", ev);
    b.DebitFees(s, "m", price, 7);
  }
  EXPECT_EQ(b.Balance(s, "m").value(), (ev - price * 7) * 1000000);
  // Undo it all: exactly zero, not a rounding residue.
  b.Debit(s, "m", (ev - price * 7) * 1000000);
  EXPECT_EQ(b.Balance(s, "m").value(), Rat(0));
}

TEST(Balances, IdleEntriesExpireAfterTenMinutes) {
  auto now = std::chrono::steady_clock::time_point();
  Balances b(Balances::kDefaultIdleTtl, [&] { return now; });
  Address s = Address::FromBytesGoStyle("\x01");
  b.Credit(s, "old", Rat(1));
  b.SetFixedPriceIfUnset(s, "old", Rat(5));
  now += std::chrono::minutes(6);
  b.Credit(s, "new", Rat(1));
  now += std::chrono::minutes(5);  // "old" idle 11 min, "new" 5 min
  b.ExpireIdle();
  EXPECT_FALSE(b.Balance(s, "old").has_value());
  EXPECT_FALSE(b.FixedPrice(s, "old").has_value());
  EXPECT_TRUE(b.Balance(s, "new").has_value());
  // Expiry also happens lazily on access.
  now += std::chrono::minutes(11);
  EXPECT_FALSE(b.Balance(s, "new").has_value());
  EXPECT_EQ(b.size(), 0u);
}

TEST(Balances, FirstFixedPriceWins) {
  Balances b;
  Address s = Address::FromBytesGoStyle("\x01");
  b.SetFixedPriceIfUnset(s, "m", Rat(3, 2));
  b.SetFixedPriceIfUnset(s, "m", Rat(7));
  EXPECT_EQ(b.FixedPrice(s, "m").value(), Rat(3, 2));
}

TEST(Balances, ConcurrentCreditsAreAllCounted) {
  Balances b;
  Address s = Address::FromBytesGoStyle("\x01");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) b.Credit(s, "m", Rat(1, 3));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(b.Balance(s, "m").value(), Rat(40000, 3));
}

}  // namespace
}  // namespace baton::pm

// The admission rules of a paid job (pm/payment_admission.h), one test per rule, against a
// real Recipient and Sender: ticketless payments spend credit, prices are pinned only by
// accepted tickets, a priced node never works unpaid, and a winner that is not stored pays
// nothing.
#include "pm/payment_admission.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/keccak.h"
#include "pm/in_memory_chain_facts.h"
#include "pm/price_book.h"
#include "pm/sender.h"

namespace baton::pm {
namespace {

using crypto::Address;
using crypto::PrivateKey;
using crypto::U256;

const char kAnvil0[] = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const char kAnvil1Key[] = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

// Stores winners unless told to fail, as a ledger on a full disk or a locked database does.
class FlakySink : public WinningTicketSink {
 public:
  absl::Status Accept(const WinningTicket& ticket) override {
    if (failing) return absl::InternalError("database is locked");
    stored.push_back(ticket);
    return absl::OkStatus();
  }
  bool failing = false;
  std::vector<WinningTicket> stored;
};

class AdmissionTest : public ::testing::Test {
 protected:
  AdmissionTest()
      : sender_(PrivateKey::FromBytes(HexDecode(kAnvil1Key).value()).value()),
        recipient_(Config(), chain_, sink_, balances_) {
    chain_.SetLastSeenL1Block(100);
    chain_.SetRound(5, crypto::Keccak256("foo"));
    chain_.SetGasPrice(U256(10000000));
    chain_.SetActive(Address::FromHex(kAnvil0).value(), true);
    InMemoryChainFacts::SenderState state;
    state.info.deposit = U256("1000000000000000000");
    state.max_float = U256("1000000000000000000");
    chain_.SetDefaultSender(state);
  }

  static RecipientConfig Config() {
    RecipientConfig c;
    c.address = Address::FromHex(kAnvil0).value();
    c.secret = std::string(32, '\x22');
    c.redeem_gas = 1200000;
    return c;
  }

  // The OrchestratorInfo this node gives the gateway while quoting `price`.
  net::OrchestratorInfo Quote(const Rat& price, Recipient* r = nullptr) {
    net::OrchestratorInfo info;
    *info.mutable_ticket_params() =
        (r ? *r : recipient_).TicketParams(sender_.address(), price).value();
    *info.mutable_price_info() = ToPriceInfo(price).value();
    return info;
  }
  static Rat Ev(const net::OrchestratorInfo& info) {
    return TicketEV(WireUint::FromBytes(info.ticket_params().face_value()).value,
                    WireUint::FromBytes(info.ticket_params().win_prob()).value);
  }
  net::Payment Pay(const net::OrchestratorInfo& info, int tickets) {
    return sender_.CreatePaymentWithTickets(info, tickets).value();
  }
  PaymentDecision Work(const net::Payment& p, const Rat& quoted, const char* session = "s") {
    return AdmitWork(recipient_, balances_, p, session, quoted);
  }
  std::optional<Rat> Pinned(const char* session = "s") {
    return balances_.FixedPrice(sender_.address(), session);
  }
  std::optional<Rat> Balance(const char* session = "s") {
    return balances_.Balance(sender_.address(), session);
  }

  InMemoryChainFacts chain_;
  FlakySink sink_;
  Balances balances_;
  Sender sender_;
  Recipient recipient_;
  const Rat price_{3, 2};
};

TEST_F(AdmissionTest, TicketlessPaymentSpendsCreditUntilBelowOneTicketEV) {
  net::OrchestratorInfo info = Quote(price_);
  const Rat ev = Ev(info);
  PaymentDecision first = Work(Pay(info, 1), price_);
  ASSERT_TRUE(first.ok()) << first.error;
  EXPECT_EQ(first.price, price_);
  // Work costing less than one ticket's EV leaves credit; hand-made credit tops it up to 2 EV.
  balances_.Credit(sender_.address(), "s", ev);
  net::Payment ticketless = Pay(info, 0);
  ASSERT_FALSE(ticketless.has_ticket_params());
  PaymentDecision second = Work(ticketless, price_);
  ASSERT_TRUE(second.ok()) << second.error;
  EXPECT_TRUE(second.payment.ticketless);
  EXPECT_EQ(second.price, price_);
  // Debit at the session's price, just over one EV's worth of pixels: under one EV is left.
  const Rat ratio = ev / price_;
  const uint64_t pixels =
      (boost::multiprecision::numerator(ratio) / boost::multiprecision::denominator(ratio))
          .convert_to<uint64_t>() +
      1;
  DebitWork(balances_, sender_.address(), "s", second.price, pixels);
  EXPECT_EQ(Balance().value(), ev * 2 - price_ * Rat(BigInt(pixels)));
  EXPECT_LT(Balance().value(), ev);
  EXPECT_GT(Balance().value(), ev - price_);
  PaymentDecision third = Work(ticketless, price_);
  EXPECT_EQ(third.http_status, 400);
  EXPECT_EQ(third.error, "Insufficient balance");
  // Ticket params with no ticket are no different.
  net::Payment params_only = Pay(info, 1);
  params_only.clear_ticket_sender_params();
  EXPECT_EQ(Work(params_only, price_).error, "Insufficient balance");
}

TEST_F(AdmissionTest, FirstTicketlessPaymentOfASessionIsRefusedAtAPricedNode) {
  PaymentDecision out = Work(Pay(Quote(price_), 0), price_);
  EXPECT_EQ(out.http_status, 400);
  EXPECT_EQ(out.error, "Insufficient balance");
  EXPECT_FALSE(Pinned().has_value());
  // At a node quoting 0 the same payment starts a free session, as in go-livepeer.
  PaymentDecision free = Work(Pay(Quote(Rat(0)), 0), Rat(0), "free");
  ASSERT_TRUE(free.ok()) << free.error;
  EXPECT_EQ(Pinned("free").value(), Rat(0));
  EXPECT_EQ(free.price, Rat(0));
}

TEST_F(AdmissionTest, FreeWorkRequestWithTheNodesParamsAndAZeroPriceIsRefused) {
  // The node's own ticket params, no ticket, and a claimed price of 0.
  net::Payment p = Pay(Quote(price_), 1);
  p.clear_ticket_sender_params();
  *p.mutable_expected_price() = ToPriceInfo(Rat(0)).value();
  PaymentDecision out = Work(p, price_);
  EXPECT_EQ(out.http_status, 400);
  EXPECT_EQ(out.error, "Insufficient balance");
  EXPECT_FALSE(Pinned().has_value());  // the claim of 0 pinned nothing
  // With tickets, the commitment catches the claim (fatal, nothing credited or pinned).
  net::Payment ticketed = Pay(Quote(price_), 2);
  *ticketed.mutable_expected_price() = ToPriceInfo(Rat(0)).value();
  out = Work(ticketed, price_);
  EXPECT_EQ(out.http_status, 400);
  EXPECT_EQ(out.error, "invalid recipientRand for ticket recipientRandHash");
  EXPECT_FALSE(Pinned().has_value());
  EXPECT_FALSE(Balance().has_value());
}

TEST_F(AdmissionTest, PriceIsPinnedOnlyOnceATicketIsAccepted) {
  net::OrchestratorInfo info = Quote(price_);
  // A wrongly signed ticket is not accepted (non-fatal): no credit, no price.
  net::Payment bad = Pay(info, 1);
  std::string sig = bad.ticket_sender_params(0).sig();
  sig[3] ^= 0x01;
  bad.mutable_ticket_sender_params(0)->set_sig(sig);
  EXPECT_EQ(Work(bad, price_).error, "invalid ticket signature");
  EXPECT_FALSE(Pinned().has_value());
  // An accepted one pins its price.
  ASSERT_TRUE(Work(Pay(info, 1), price_).ok());
  EXPECT_EQ(Pinned().value(), price_);
}

TEST_F(AdmissionTest, AnEarlierQuoteStaysGoodAfterThePriceRises) {
  // Params issued at 3/2; the node then raises its price to 2.
  net::OrchestratorInfo before = Quote(price_);
  const Rat raised = 2;
  PaymentDecision out = Work(Pay(before, 1), raised);
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(Pinned().value(), price_);
  EXPECT_EQ(out.price, price_);  // debited at the session's price, not the new quote
  // The session keeps its price: ticketless payments must name it ...
  balances_.Credit(sender_.address(), "s", Ev(before));
  ASSERT_TRUE(Work(Pay(before, 0), raised).ok());
  // ... and one claiming another price is refused, higher or lower.
  net::OrchestratorInfo other = before;
  *other.mutable_price_info() = ToPriceInfo(raised).value();
  PaymentDecision wrong = Work(Pay(other, 0), raised);
  EXPECT_EQ(wrong.http_status, 400);
  EXPECT_EQ(wrong.error,
            "invalid expected price sent with payment err=\"expected price 2/1 does not match the "
            "session's price 3/2\"");
  *other.mutable_price_info() = ToPriceInfo(Rat(1, 2)).value();
  EXPECT_EQ(Work(Pay(other, 0), raised).http_status, 400);
  net::Payment unpriced = Pay(before, 0);
  unpriced.clear_expected_price();
  EXPECT_EQ(Work(unpriced, raised).http_status, 400);
}

TEST_F(AdmissionTest, DebitUsesTheSessionsPriceNotTheClaim) {
  net::OrchestratorInfo info = Quote(price_);
  PaymentDecision out = Work(Pay(info, 1), Rat(7));  // the node quotes 7 now; the session pins 3/2
  ASSERT_TRUE(out.ok()) << out.error;
  const Rat before = Balance().value();
  DebitWork(balances_, sender_.address(), "s", out.price, 1000);
  EXPECT_EQ(Balance().value(), before - price_ * 1000);
}

TEST_F(AdmissionTest, AWinnerThatCannotBeStoredRefusesThePaymentAndCreditsNothing) {
  RecipientConfig c = Config();
  c.max_face_value = c.ticket_ev;  // face value = EV: every ticket wins
  chain_.SetGasPrice(std::nullopt);
  Recipient r(c, chain_, sink_, balances_);
  net::OrchestratorInfo info = Quote(price_, &r);
  sink_.failing = true;
  PaymentDecision out = AdmitWork(r, balances_, Pay(info, 2), "s", price_);
  EXPECT_EQ(out.http_status, 503);
  EXPECT_EQ(out.error, "winning ticket not stored, payment refused: database is locked");
  EXPECT_EQ(out.payment.credited, 0);
  EXPECT_FALSE(Balance().has_value());
  EXPECT_FALSE(Pinned().has_value());
  // Once storage works again, the next payment (new nonces) is accepted and stored.
  sink_.failing = false;
  out = AdmitWork(r, balances_, Pay(info, 2), "s", price_);
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(sink_.stored.size(), 2u);
  EXPECT_EQ(Balance().value(), Ev(info) * 2);
  // /payment answers the same way.
  sink_.failing = true;
  EXPECT_EQ(AdmitPayment(r, balances_, Pay(info, 1), "s", price_).http_status, 503);
  EXPECT_EQ(Balance().value(), Ev(info) * 2);
}

TEST_F(AdmissionTest, PaymentRouteHasNoBalanceCheck) {
  // /payment admits a ticketless payment of a fresh session (nothing is credited or pinned,
  // and no work follows).
  PaymentDecision out = AdmitPayment(recipient_, balances_, Pay(Quote(price_), 0), "m", price_);
  EXPECT_TRUE(out.ok());
  EXPECT_FALSE(Pinned("m").has_value());
}

TEST(SenderTickets, CoverTheGapAsStageUpdateDoes) {
  EXPECT_EQ(Sender::TicketsFor(Rat(0), Rat(10)).value(), 0);
  EXPECT_EQ(Sender::TicketsFor(Rat(-5), Rat(10)).value(), 0);
  EXPECT_EQ(Sender::TicketsFor(Rat(10), Rat(10)).value(), 1);
  EXPECT_EQ(Sender::TicketsFor(Rat(11), Rat(10)).value(), 2);
  EXPECT_EQ(Sender::TicketsFor(Rat(1, 3), Rat(1, 7)).value(), 3);
  EXPECT_FALSE(Sender::TicketsFor(Rat(1000001), Rat(10)).ok());
}

}  // namespace
}  // namespace baton::pm

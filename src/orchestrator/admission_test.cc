// The admission step with a real Recipient, real tickets from pm::Sender and a ledger stand-in
// whose write blocks: the payment runs on the executor, the caller's (loop) thread is free at
// once, and the decision that accepts a winning ticket comes only after the write returned.
#include "orchestrator/admission.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "crypto/keccak.h"
#include "orchestrator/capabilities.h"
#include "orchestrator/identity.h"
#include "pm/in_memory_chain_facts.h"
#include "pm/sender.h"

namespace baton::orchestrator {
namespace {

using namespace std::chrono_literals;
using crypto::U256;

// A durable store whose write takes as long as the test wants (a slow fsync).
class SlowSink : public pm::WinningTicketSink {
 public:
  absl::Status Accept(const pm::WinningTicket&) override {
    if (!entered_once.exchange(true)) entered.set_value();
    release.wait();
    if (fail) return absl::InternalError("database is locked");
    stored = true;
    return absl::OkStatus();
  }
  std::atomic<bool> fail{false};  // a full disk or a locked database
  std::promise<void> entered;
  std::atomic<bool> entered_once{false};
  std::shared_future<void> release;
  std::atomic<bool> stored{false};
};

class RecipientTerms : public PaymentTerms {
 public:
  explicit RecipientTerms(pm::Recipient& r) : recipient_(r) {}
  absl::StatusOr<net::PriceInfo> Price(const std::string&, const std::string&) override {
    net::PriceInfo p;
    p.set_priceperunit(1);
    p.set_pixelsperunit(1);
    return p;
  }
  absl::StatusOr<std::optional<net::TicketParams>> TicketParams(const std::string& sender,
                                                                const net::PriceInfo&) override {
    auto tp = recipient_.TicketParams(crypto::Address::FromBytesGoStyle(sender), pm::Rat(1));
    if (!tp.ok()) return tp.status();
    return std::optional(*tp);
  }

 private:
  pm::Recipient& recipient_;
};

class AdmissionTest : public ::testing::Test {
 protected:
  AdmissionTest()
      : recipient_(Config(), chain_, sink_, balances_),
        terms_(recipient_),
        service_(OrchestratorServiceDeps{&identity_,
                                         &tokens_,
                                         &sessions_,
                                         &terms_,
                                         [] {
                                           return MakeCapabilities({0, 1}, "0.1.0");
                                         },
                                         nullptr,
                                         "https://o.example:8935",
                                         {},
                                         {},
                                         {},
                                         {}}),
        sender_(crypto::PrivateKey::Generate()) {
    chain_.SetLastSeenL1Block(100);
    chain_.SetRound(5, crypto::Keccak256("round"));
    chain_.SetGasPrice(std::nullopt);  // no tx cost: a face value of one EV, every ticket wins
    chain_.SetActive(Config().address, true);
    pm::InMemoryChainFacts::SenderState state;
    state.info.deposit = U256(1) << 100;
    state.max_float = U256(1) << 100;
    chain_.SetDefaultSender(state);
    sink_.release = release_.get_future().share();
  }

  static pm::RecipientConfig Config() {
    pm::RecipientConfig c;
    c.address = crypto::Address::FromBytesGoStyle(std::string(20, '\x0a'));
    c.secret = std::string(32, '\x11');
    c.max_face_value = c.ticket_ev;  // face value = EV: win probability 1
    return c;
  }

  // A gateway's /segment credentials paying for session `session` with one ticket.
  Credentials PaidCredentials(const std::string& session) {
    auto info = service_.Info(sender_.address().bytes(), session);
    EXPECT_TRUE(info.ok()) << info.status();
    Credentials c;
    c.payment = sender_.CreatePaymentWithTickets(*info, 1).value();
    c.sender = sender_.address().bytes();
    c.segment.seg_data.mutable_auth_token()->set_session_id(session);
    c.segment.seg_data.set_manifestid("manifest");
    return c;
  }

  OffchainIdentity identity_;
  AuthTokenIssuer tokens_;
  SessionRegistry sessions_{10};
  pm::InMemoryChainFacts chain_;
  SlowSink sink_;
  std::promise<void> release_;
  pm::Balances balances_;
  pm::Recipient recipient_;
  RecipientTerms terms_;
  OrchestratorService service_;
  pm::Sender sender_;
  worker::Executor executor_{{"payment executor", 2, 16}};
};

TEST_F(AdmissionTest, AWinningTicketIsAcceptedOnlyOnceStoredAndTheLoopThreadIsNotHeld) {
  Admission admission({&service_, &recipient_, &balances_, nullptr, &executor_});
  std::promise<std::pair<Admission::Decision, bool>> decided;
  std::thread::id decided_on;
  auto started = std::chrono::steady_clock::now();
  admission.Admit(PaidCredentials("s1"), {}, [&](Admission::Decision d) {
    decided_on = std::this_thread::get_id();
    bool stored = sink_.stored;
    decided.set_value({std::move(d), stored});
  });
  // The caller is free while the winning ticket's write is still under way.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  ASSERT_EQ(sink_.entered.get_future().wait_for(10s), std::future_status::ready);
  auto future = decided.get_future();
  EXPECT_EQ(future.wait_for(200ms), std::future_status::timeout);  // no answer before it is durable
  release_.set_value();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  auto [decision, stored_first] = future.get();
  EXPECT_TRUE(stored_first);
  ASSERT_TRUE(decision.admitted.has_value()) << decision.rejection->message;
  EXPECT_FALSE(decision.rejection.has_value());
  EXPECT_NE(decided_on, std::this_thread::get_id());
  EXPECT_EQ(sessions_.in_use(), 1);  // capacity taken
  // The refreshed info carries the gateway's own token.
  EXPECT_EQ(decision.admitted->info.auth_token().session_id(), "s1");
}

TEST_F(AdmissionTest, OrderOfRefusalsAsTheSegmentHandlerHadThem) {
  release_.set_value();
  Admission inline_admission({&service_, &recipient_, &balances_, nullptr, nullptr});
  auto decide = [&](Credentials c, Admission::Policy p) {
    std::optional<Admission::Decision> out;
    inline_admission.Admit(std::move(c), std::move(p), [&](Admission::Decision d) { out = d; });
    EXPECT_TRUE(out.has_value());  // without an executor the decision is immediate
    return *out;
  };
  // A priced node refuses work offered without ticket parameters.
  Credentials free_ride = PaidCredentials("s2");
  free_ride.payment.clear_ticket_params();
  free_ride.payment.clear_ticket_sender_params();
  auto d = decide(free_ride, {});
  ASSERT_TRUE(d.rejection.has_value());
  EXPECT_EQ(d.rejection->status, 400);
  EXPECT_EQ(d.rejection->message, "Insufficient balance");
  // The body check runs after the payment and before capacity.
  Admission::Policy bad_body;
  bad_body.check_body = [] { return std::optional(http::Rejection{403, "Forbidden", {}}); };
  d = decide(PaidCredentials("s3"), bad_body);
  ASSERT_TRUE(d.rejection.has_value());
  EXPECT_EQ(d.rejection->status, 403);
  EXPECT_EQ(sessions_.in_use(), 0);
  // A full node answers 403 OrchestratorCapped once paid.
  SessionRegistry one(0);
  OrchestratorService capped(OrchestratorServiceDeps{&identity_,
                                                     &tokens_,
                                                     &one,
                                                     &terms_,
                                                     [] { return MakeCapabilities({0}, "0.1.0"); },
                                                     nullptr,
                                                     "https://o.example:8935",
                                                     {},
                                                     {},
                                                     {},
                                                     {}});
  Admission full({&capped, &recipient_, &balances_, nullptr, nullptr});
  std::optional<Admission::Decision> out;
  full.Admit(PaidCredentials("s4"), {}, [&](Admission::Decision x) { out = x; });
  ASSERT_TRUE(out && out->rejection);
  EXPECT_EQ(out->rejection->status, 403);
}

TEST_F(AdmissionTest, TicketlessWorkSpendsTheSessionsCreditAtTheSessionsPrice) {
  release_.set_value();
  Admission admission({&service_, &recipient_, &balances_, nullptr, nullptr});
  auto decide = [&](Credentials c) {
    std::optional<Admission::Decision> out;
    admission.Admit(std::move(c), {}, [&](Admission::Decision d) { out = d; });
    return *out;
  };
  // Two tickets: credit for two EVs.
  Credentials paid = PaidCredentials("s5");
  auto info = service_.Info(sender_.address().bytes(), "s5").value();
  paid.payment = sender_.CreatePaymentWithTickets(info, 2).value();
  auto d = decide(paid);
  ASSERT_TRUE(d.admitted) << d.rejection->message;
  EXPECT_EQ(d.admitted->price, pm::Rat(1));
  admission.Debit(*d.admitted, 1000);
  // The credit covers one EV: a payment without tickets is admitted, and debited.
  Credentials ticketless = paid;
  ticketless.payment = sender_.CreatePaymentWithTickets(info, 0).value();
  ASSERT_FALSE(ticketless.payment.has_ticket_params());
  d = decide(ticketless);
  ASSERT_TRUE(d.admitted) << d.rejection->message;
  admission.Debit(*d.admitted, 8000000000);
  EXPECT_EQ(balances_.Balance(sender_.address(), "s5").value(),
            pm::Rat(16000000000) - pm::Rat(8000001000));
  // Under one EV now: refused.
  d = decide(ticketless);
  ASSERT_TRUE(d.rejection);
  EXPECT_EQ(d.rejection->status, 400);
  EXPECT_EQ(d.rejection->message, "Insufficient balance");
}

TEST_F(AdmissionTest, AWinnerThatCannotBeStoredIsRefusedWith503AndCreditsNothing) {
  sink_.fail = true;
  release_.set_value();
  Admission admission({&service_, &recipient_, &balances_, nullptr, &executor_});
  std::promise<Admission::Decision> decided;
  admission.Admit(PaidCredentials("s6"), {},
                  [&](Admission::Decision d) { decided.set_value(std::move(d)); });
  auto future = decided.get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  Admission::Decision d = future.get();
  ASSERT_TRUE(d.rejection);
  EXPECT_EQ(d.rejection->status, 503);
  EXPECT_EQ(d.rejection->message, "winning ticket not stored, payment refused: database is locked");
  EXPECT_FALSE(balances_.Balance(sender_.address(), "s6").has_value());
  EXPECT_EQ(sessions_.in_use(), 0);
  // Storage works again: the next payment is taken.
  sink_.fail = false;
  std::promise<Admission::Decision> again;
  admission.Admit(PaidCredentials("s6"), {},
                  [&](Admission::Decision x) { again.set_value(std::move(x)); });
  auto next = again.get_future();
  ASSERT_EQ(next.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(next.get().admitted.has_value());
}

}  // namespace
}  // namespace baton::orchestrator

#include "ledger/ticket_ledger.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

namespace baton::ledger {
namespace {

pm::WinningTicket MakeTicket(char tag) {
  pm::WinningTicket w;
  w.ticket.sender = crypto::Address::FromBytesGoStyle(std::string(20, tag));
  w.ticket.recipient = crypto::Address::FromBytesGoStyle(std::string(20, 'r'));
  w.ticket.face_value = crypto::U256(1) << 100;
  w.ticket.win_prob = crypto::U256(12345);
  w.ticket.sender_nonce = 7;
  w.ticket.recipient_rand_hash = std::string(32, 'h');
  w.ticket.expiration.creation_round = 42;
  w.ticket.expiration.creation_round_block_hash = std::string(32, 'b');
  w.sig = std::string(64, tag) + "\x1b";
  w.recipient_rand = crypto::U256(99);
  w.params_expiration_block = crypto::U256(140);
  w.manifest_id = "abcd1234";
  return w;
}

std::string TempDb() {
  std::string dir = testing::TempDir() + "/ledger-" + std::to_string(getpid()) + "-" +
                    testing::UnitTest::GetInstance()->current_test_info()->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir + "/lpdb.sqlite3";
}

TEST(TicketLedger, StoresEveryFieldAndSurvivesReopen) {
  std::string path = TempDb();
  {
    auto ledger = TicketLedger::Open(path, 31337);
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    ASSERT_TRUE((*ledger)->Accept(MakeTicket('a')).ok());
    ASSERT_TRUE((*ledger)->Accept(MakeTicket('a')).ok());  // same signature: stored once
    ASSERT_TRUE((*ledger)->Accept(MakeTicket('b')).ok());
  }
  auto ledger = TicketLedger::Open(path, 31337);
  ASSERT_TRUE(ledger.ok());
  auto rows = (*ledger)->Unsettled();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  const auto& e = rows->front();
  auto want = MakeTicket('a');
  EXPECT_EQ(e.ticket.ticket.Hash(), want.ticket.Hash());
  EXPECT_EQ(e.ticket.sig, want.sig);
  EXPECT_EQ(e.ticket.recipient_rand, want.recipient_rand);
  EXPECT_EQ(e.ticket.params_expiration_block, want.params_expiration_block);
  EXPECT_EQ(e.ticket.manifest_id, "abcd1234");
  EXPECT_EQ(e.state, TicketState::kQueued);
}

TEST(TicketLedger, StatesAndCounts) {
  auto ledger = TicketLedger::Open(TempDb(), 1);
  ASSERT_TRUE(ledger.ok());
  auto& l = **ledger;
  for (char c : {'a', 'b', 'c', 'd', 'e'}) ASSERT_TRUE(l.Accept(MakeTicket(c)).ok());
  auto rows = *l.Unsettled();
  ASSERT_TRUE(l.MarkSubmitted(rows[0].id, std::string(32, 't')).ok());
  ASSERT_TRUE(l.MarkSubmitted(rows[1].id, std::string(32, 'u')).ok());
  ASSERT_TRUE(l.MarkRedeemed(rows[1].id, std::string(32, 'u')).ok());
  ASSERT_TRUE(l.MarkFailed(rows[2].id, "ticket is used").ok());
  ASSERT_TRUE(l.MarkExpired(rows[3].id).ok());
  ASSERT_TRUE(l.RecordAttempt(rows[4].id, "insufficient sender funds").ok());
  auto c = *l.Counts();
  EXPECT_EQ(c.queued, 1);
  EXPECT_EQ(c.submitted, 1);
  EXPECT_EQ(c.redeemed, 1);
  EXPECT_EQ(c.failed, 1);
  EXPECT_EQ(c.expired, 1);
  auto failed = *l.Get(rows[2].id);
  EXPECT_EQ(failed.last_error, "ticket is used");
  auto retried = *l.Get(rows[4].id);
  EXPECT_EQ(retried.attempts, 1);
  EXPECT_EQ(retried.last_error, "insufficient sender funds");
  EXPECT_EQ(l.Unsettled()->size(), 2u);  // the queued and the submitted one
  EXPECT_FALSE(l.Get(999).ok());
}

TEST(TicketLedger, RefusesAnotherChain) {
  std::string path = TempDb();
  ASSERT_TRUE(TicketLedger::Open(path, 42161).ok());
  auto other = TicketLedger::Open(path, 31337);
  EXPECT_FALSE(other.ok());
  EXPECT_NE(std::string(other.status().message()).find("chain 42161"), std::string::npos);
}

TEST(TicketLedger, AcceptedTicketSurvivesKillMinusNine) {
  std::string path = TempDb();
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  if (child == 0) {
    auto ledger = TicketLedger::Open(path, 5);
    if (!ledger.ok() || !(*ledger)->Accept(MakeTicket('k')).ok()) _exit(1);
    char done = 1;
    (void)!write(ready[1], &done, 1);  // Accept has returned: the parent kills us now
    pause();
    _exit(0);
  }
  char done = 0;
  ASSERT_EQ(read(ready[0], &done, 1), 1);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  auto ledger = TicketLedger::Open(path, 5);
  ASSERT_TRUE(ledger.ok());
  auto rows = (*ledger)->Unsettled();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().ticket.sig, MakeTicket('k').sig);
}

}  // namespace
}  // namespace baton::ledger

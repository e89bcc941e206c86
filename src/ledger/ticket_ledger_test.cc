#include "ledger/ticket_ledger.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "common/hex.h"

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

// Runs SQL on the database file directly, as another program (go-livepeer, an old Baton) would.
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

std::string RawText(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST(TicketLedger, StatesAndCounts) {
  auto ledger = TicketLedger::Open(TempDb(), 1);
  ASSERT_TRUE(ledger.ok());
  auto& l = **ledger;
  for (char c : {'a', 'b', 'c', 'd', 'e'}) ASSERT_TRUE(l.Accept(MakeTicket(c)).ok());
  auto rows = *l.Unsettled();
  ASSERT_TRUE(l.MarkSending(rows[0].id).ok());
  ASSERT_TRUE(l.MarkSubmitted(rows[0].id, std::string(32, 't')).ok());
  ASSERT_TRUE(l.MarkSending(rows[1].id).ok());
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
  EXPECT_EQ(l.Get(999).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(l.ByState(TicketState::kSubmitted)->front().tx_hash, std::string(32, 't'));
  EXPECT_EQ(l.ByState(TicketState::kExpired)->front().id, rows[3].id);
}

TEST(TicketLedger, SendIsRecordedBeforeItsHashAndSettledTicketsNeverMove) {
  auto ledger = TicketLedger::Open(TempDb(), 1);
  ASSERT_TRUE(ledger.ok());
  auto& l = **ledger;
  ASSERT_TRUE(l.Accept(MakeTicket('a')).ok());
  int64_t id = l.Unsettled()->front().id;

  ASSERT_TRUE(l.MarkSending(id).ok());
  auto sending = *l.Get(id);
  EXPECT_EQ(sending.state, TicketState::kSubmitted);
  EXPECT_TRUE(sending.tx_hash.empty());
  EXPECT_EQ(sending.attempts, 1);
  EXPECT_GT(sending.submitted_at, 0);
  EXPECT_EQ(sending.settled_at, 0);

  ASSERT_TRUE(l.MarkSubmitted(id, std::string(32, 'x')).ok());
  ASSERT_TRUE(l.MarkRedeemed(id, std::string(32, 'x'), 1234).ok());
  auto redeemed = *l.Get(id);
  EXPECT_EQ(redeemed.state, TicketState::kRedeemed);
  EXPECT_EQ(redeemed.block_number, 1234u);
  EXPECT_GT(redeemed.settled_at, 0);

  // Nothing moves a settled ticket: not a retry, not a second send, not another outcome.
  for (auto s : {l.MarkSending(id), l.RecordAttempt(id, "x"), l.RecordWaiting(id, "y"),
                 l.MarkFailed(id, "z"), l.MarkExpired(id), l.MarkRedeemed(id, "")}) {
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
    EXPECT_NE(std::string(s.message()).find("already redeemed"), std::string::npos) << s;
  }
  EXPECT_EQ(l.MarkSending(777).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(l.Get(id)->state, TicketState::kRedeemed);
}

TEST(TicketLedger, AReorgReopensOnlyTicketsRedeemedInRemovedBlocks) {
  auto ledger = TicketLedger::Open(TempDb(), 1);
  ASSERT_TRUE(ledger.ok());
  auto& l = **ledger;
  for (char tag : {'a', 'b', 'c', 'd'}) ASSERT_TRUE(l.Accept(MakeTicket(tag)).ok());
  auto ids = *l.Unsettled();
  const std::string tx(32, 'x');
  ASSERT_TRUE(l.MarkRedeemed(ids[0].id, tx, 100).ok());
  ASSERT_TRUE(l.MarkRedeemed(ids[1].id, tx, 105).ok());
  ASSERT_TRUE(l.MarkRedeemed(ids[2].id, "", 0, "already used").ok());  // no tx of ours

  auto since = *l.RedeemedSince(101);
  ASSERT_EQ(since.size(), 1u);
  EXPECT_EQ(since[0].id, ids[1].id);
  EXPECT_EQ(l.RedeemedSince(100)->size(), 2u);

  ASSERT_TRUE(l.ReopenAfterReorg(ids[1].id, "reorg removed block 105").ok());
  auto reopened = *l.Get(ids[1].id);
  EXPECT_EQ(reopened.state, TicketState::kSubmitted);
  EXPECT_EQ(reopened.tx_hash, tx);  // the redeemer asks the chain about it before resending
  EXPECT_EQ(reopened.block_number, 0u);
  EXPECT_EQ(reopened.settled_at, 0);
  EXPECT_EQ(reopened.last_error, "reorg removed block 105");
  EXPECT_EQ(l.Unsettled()->size(), 2u);  // it and the never-redeemed 'd'

  // Only a redeemed ticket reopens: not a queued, submitted, failed or unknown one.
  EXPECT_EQ(l.ReopenAfterReorg(ids[1].id, "again").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(l.ReopenAfterReorg(ids[3].id, "x").code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(l.MarkFailed(ids[3].id, "bad").ok());
  EXPECT_EQ(l.ReopenAfterReorg(ids[3].id, "x").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(l.ReopenAfterReorg(999, "x").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(l.Get(ids[0].id)->state, TicketState::kRedeemed);
}

TEST(TicketLedger, UnsettledFaceValueFollowsEveryWrite) {
  auto ledger = TicketLedger::Open(TempDb(), 1);
  ASSERT_TRUE(ledger.ok());
  auto& l = **ledger;
  const auto a = MakeTicket('a').ticket.sender;
  const auto b = MakeTicket('b').ticket.sender;
  const crypto::U256 face = MakeTicket('a').ticket.face_value;
  EXPECT_EQ(*l.UnsettledFaceValue(a), 0);
  ASSERT_TRUE(l.Accept(MakeTicket('a')).ok());
  EXPECT_EQ(*l.UnsettledFaceValue(a), face);
  ASSERT_TRUE(l.Accept(MakeTicket('a')).ok());  // the same ticket again: stored once
  EXPECT_EQ(*l.UnsettledFaceValue(a), face);
  auto second = MakeTicket('a');
  second.sig[0] = 'z';  // another ticket of the same sender
  second.ticket.face_value = 5;
  ASSERT_TRUE(l.Accept(second).ok());
  ASSERT_TRUE(l.Accept(MakeTicket('b')).ok());
  EXPECT_EQ(*l.UnsettledFaceValue(a), face + 5);
  EXPECT_EQ(*l.UnsettledFaceValue(b), face);

  auto entries = *l.Unsettled();
  ASSERT_TRUE(l.MarkSending(entries[0].id).ok());  // submitted still counts
  EXPECT_EQ(*l.UnsettledFaceValue(a), face + 5);
  ASSERT_TRUE(l.MarkRedeemed(entries[0].id, std::string(32, 'x'), 10).ok());
  EXPECT_EQ(*l.UnsettledFaceValue(a), 5);
  ASSERT_TRUE(l.ReopenAfterReorg(entries[0].id, "reorg").ok());
  EXPECT_EQ(*l.UnsettledFaceValue(a), face + 5);
  ASSERT_TRUE(l.MarkExpired(entries[1].id).ok());
  EXPECT_EQ(*l.UnsettledFaceValue(a), face);
  EXPECT_EQ(*l.UnsettledFaceValue(b), face);
}

TEST(TicketLedger, PerSenderOrderAndQueries) {
  auto ledger = TicketLedger::Open(TempDb(), 1);
  ASSERT_TRUE(ledger.ok());
  auto& l = **ledger;
  auto a1 = MakeTicket('a');
  auto b1 = MakeTicket('b');
  auto a2 = MakeTicket('a');
  a2.sig = std::string(64, 'z') + "\x1c";  // a second ticket from sender 'a'
  for (const auto* t : {&a1, &b1, &a2}) ASSERT_TRUE(l.Accept(*t).ok());
  auto sender_a = a1.ticket.sender;

  auto senders = *l.UnsettledSenders();
  ASSERT_EQ(senders.size(), 2u);
  EXPECT_EQ(senders[0], sender_a);  // its first ticket is the oldest
  EXPECT_EQ(senders[1], b1.ticket.sender);

  auto next = *l.NextRedeemable(sender_a);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->ticket.sig, a1.sig);
  ASSERT_TRUE(l.MarkFailed(next->id, "ticket did not win").ok());
  EXPECT_EQ((*l.NextRedeemable(sender_a))->ticket.sig, a2.sig);
  ASSERT_TRUE(l.MarkExpired((*l.NextRedeemable(sender_a))->id).ok());
  EXPECT_FALSE(l.NextRedeemable(sender_a)->has_value());
  EXPECT_EQ(l.BySender(sender_a)->size(), 2u);
  EXPECT_EQ(l.UnsettledSenders()->size(), 1u);
}

TEST(TicketLedger, StoresAddressesAndHashesAsHexAndNumbersAsMinimalBlobs) {
  std::string path = TempDb();
  {
    auto ledger = TicketLedger::Open(path, 1);
    ASSERT_TRUE(ledger.ok());
    ASSERT_TRUE((*ledger)->Accept(MakeTicket('a')).ok());
  }
  EXPECT_EQ(RawText(path, "SELECT sender FROM winningTickets"),
            "0x" + HexEncode(std::string(20, 'a')));
  EXPECT_EQ(RawText(path, "SELECT hex(face_value) FROM winningTickets"),
            "10" + std::string(24, '0'));
  EXPECT_EQ(RawText(path, "SELECT value FROM kv WHERE key = 'dbVersion'"), "1");
  EXPECT_EQ(RawText(path, "PRAGMA journal_mode"), "wal");
}

TEST(TicketLedger, ImportsGoLivepeersPendingTickets) {
  std::string path = TempDb();
  auto w = MakeTicket('g');
  // go-livepeer's schema and encodings (common/db.go): checksummed addresses, 0x hashes,
  // minimal big-endian blobs, an int64 expiration block; chainID stored by its NUMERIC affinity.
  RawExec(path,
          "CREATE TABLE kv (key STRING PRIMARY KEY, value STRING, updatedAt STRING);"
          "INSERT INTO kv VALUES ('dbVersion', 1, datetime('now')), ('chainID', 42161, "
          "datetime('now'));"
          "CREATE TABLE ticketQueue (createdAt DATETIME DEFAULT CURRENT_TIMESTAMP, sender STRING,"
          " recipient STRING, faceValue BLOB, winProb BLOB, senderNonce INTEGER,"
          " recipientRand BLOB, recipientRandHash STRING, sig BLOB PRIMARY KEY,"
          " creationRound int64, creationRoundBlockHash STRING, paramsExpirationBlock int64,"
          " redeemedAt DATETIME, txHash STRING);"
          "INSERT INTO ticketQueue (sender, recipient, faceValue, winProb, senderNonce,"
          " recipientRand, recipientRandHash, sig, creationRound, creationRoundBlockHash,"
          " paramsExpirationBlock) VALUES ('" +
              w.ticket.sender.ChecksumHex() + "', '" + w.ticket.recipient.ChecksumHex() + "', X'" +
              HexEncode(crypto::U256ToMinimal(w.ticket.face_value)) + "', X'3039', 7, X'63', '" +
              HexEncode0x(w.ticket.recipient_rand_hash) + "', X'" + HexEncode(w.sig) + "', 42, '" +
              HexEncode0x(w.ticket.expiration.creation_round_block_hash) +
              "', 140);"
              "INSERT INTO ticketQueue (sender, recipient, sig, redeemedAt, txHash) VALUES ('" +
              w.ticket.sender.ChecksumHex() + "', '" + w.ticket.recipient.ChecksumHex() +
              "', X'01', datetime('now'), '0x" + std::string(64, '1') + "');");
  for (int open = 0; open < 2; ++open) {  // a second Open imports nothing new
    auto ledger = TicketLedger::Open(path, 42161);
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    auto rows = *(*ledger)->Unsettled();
    ASSERT_EQ(rows.size(), 1u);
    const auto& got = rows.front().ticket;
    EXPECT_EQ(got.ticket.Hash(), w.ticket.Hash());
    EXPECT_EQ(got.sig, w.sig);
    EXPECT_EQ(got.recipient_rand, w.recipient_rand);
    EXPECT_EQ(got.params_expiration_block, w.params_expiration_block);
  }
  EXPECT_FALSE(TicketLedger::Open(path, 1).ok());  // go-livepeer's chain id is honoured
}

TEST(TicketLedger, UpgradesRowsOfTheFirstSchema) {
  std::string path = TempDb();
  auto w = MakeTicket('o');
  RawExec(
      path,
      "CREATE TABLE winningTickets (id INTEGER PRIMARY KEY AUTOINCREMENT, sig BLOB NOT NULL UNIQUE,"
      " sender BLOB, recipient BLOB, face_value BLOB, win_prob BLOB, sender_nonce INTEGER,"
      " recipient_rand_hash BLOB, creation_round INTEGER, creation_round_block_hash BLOB,"
      " recipient_rand BLOB, params_expiration_block BLOB, manifest_id TEXT,"
      " state INTEGER NOT NULL, tx_hash BLOB, last_error TEXT, attempts INTEGER DEFAULT 0,"
      " created_at INTEGER, updated_at INTEGER);"
      "INSERT INTO winningTickets (sig, sender, recipient, face_value, win_prob, sender_nonce,"
      " recipient_rand_hash, creation_round, creation_round_block_hash, recipient_rand,"
      " params_expiration_block, state) VALUES (X'" +
          HexEncode(w.sig) + "', X'" + HexEncode(w.ticket.sender.bytes()) + "', X'" +
          HexEncode(w.ticket.recipient.bytes()) + "', X'" +
          HexEncode(crypto::U256ToMinimal(w.ticket.face_value)) + "', X'3039', 7, X'" +
          HexEncode(w.ticket.recipient_rand_hash) + "', 42, X'" +
          HexEncode(w.ticket.expiration.creation_round_block_hash) + "', X'63', X'8c', 0);");
  auto ledger = TicketLedger::Open(path, 1);
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  auto next = *(*ledger)->NextRedeemable(w.ticket.sender);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->ticket.ticket.Hash(), w.ticket.Hash());
  ASSERT_TRUE((*ledger)->MarkRedeemed(next->id, std::string(32, 'h'), 9).ok());
  EXPECT_EQ((*ledger)->Get(next->id)->block_number, 9u);
}

TEST(TicketLedger, ConcurrentAcceptsAllLand) {
  auto ledger = TicketLedger::Open(TempDb(), 1);
  ASSERT_TRUE(ledger.ok());
  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto w = MakeTicket('a');
        w.sig = std::string(63, static_cast<char>('a' + t)) + static_cast<char>(i) + "\x1b";
        EXPECT_TRUE((*ledger)->Accept(w).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ((*ledger)->Counts()->queued, 40);
  std::cout << "[ figure ] 40 Accepts from 4 threads, each durable before it returns: "
            << std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count() / 40
            << " us per ticket\n";
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

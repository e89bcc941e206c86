// TicketLedger: step 6 of the job lifecycle. Every winning ticket the node accepts is written
// to SQLite (<dataDir>/lpdb.sqlite3, WAL, synchronous=FULL) before Accept returns, which is
// before the job response that carried it is sent: once accepted, a ticket survives a crash.
//
// Each ticket has a state:
//   queued ──MarkSending──▶ submitted ──MarkRedeemed──▶ redeemed
//      ▲                        │  (tx hash once known: MarkSubmitted)
//      └────RecordAttempt───────┘
//   queued/submitted ──MarkFailed──▶ failed (a permanent reason)
//   queued/submitted ──MarkExpired─▶ expired (past its validity)
//   redeemed ──ReopenAfterReorg──▶ submitted (a reorg removed the redeeming block)
// Redeemed, failed and expired are final: the ledger refuses to move a settled ticket, so a
// ticket cannot be queued (and sent) again once it was settled. The one exception is a chain
// reorganisation, and it only goes back to "submitted" with the old transaction's hash, so the
// redeemer asks the chain before anything is resent. A send is recorded BEFORE the
// transaction is broadcast (MarkSending), so a crash mid-send leaves the ticket "submitted" and
// the redeemer asks the chain before anything is resent. States survive restarts.
//
// Table winningTickets (go-livepeer's ticketQueue in spirit, doc/pm.md 2.7): the 65-byte sig is
// unique, so a ticket is stored once however often it arrives; numbers are minimal big-endian
// BLOBs; addresses and hashes lower-case 0x-hex TEXT; times unix seconds. Table kv holds
// dbVersion (1, as go-livepeer, which refuses newer) and chainID: opening the database on another
// chain is an error. A go-livepeer database in the same data dir is compatible: its pending
// ticketQueue rows are imported at Open, so switching to Baton loses no winning ticket.
//
// Thread-safe: one connection behind a mutex; every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "pm/winning_ticket_sink.h"

struct sqlite3;

namespace baton::ledger {

class SqliteStatement;

// The integer values are stored in the database: never renumber.
enum class TicketState { kQueued = 0, kSubmitted = 1, kRedeemed = 2, kFailed = 3, kExpired = 4 };
std::string StateName(TicketState state);
std::optional<TicketState> StateFromName(std::string_view name);
// Redeemed, failed or expired: nothing more will happen to the ticket.
bool IsSettled(TicketState state);

struct LedgerEntry {
  int64_t id = 0;
  pm::WinningTicket ticket;
  TicketState state = TicketState::kQueued;
  // 32 bytes once a transaction is known; empty while a send is in flight, and for a ticket
  // found already used on chain without a transaction of ours.
  std::string tx_hash;
  std::string last_error;
  int attempts = 0;        // sends and transient failures
  int64_t created_at = 0;  // unix seconds
  int64_t updated_at = 0;
  int64_t submitted_at = 0;   // the last send, 0 if never sent
  int64_t settled_at = 0;     // when it became redeemed, failed or expired
  uint64_t block_number = 0;  // the block of the redeeming transaction, when known
};

struct LedgerCounts {
  int64_t queued = 0, submitted = 0, redeemed = 0, failed = 0, expired = 0;
  int64_t total() const { return queued + submitted + redeemed + failed + expired; }
};

// Sums of face values (wei) by state.
struct LedgerValues {
  crypto::U256 queued = 0, submitted = 0, redeemed = 0, failed = 0, expired = 0;
};

class TicketLedger : public pm::WinningTicketSink {
 public:
  // Opens or creates the database. Errors: unreadable file, another chain's database.
  static absl::StatusOr<std::unique_ptr<TicketLedger>> Open(const std::string& path,
                                                            uint64_t chain_id);
  ~TicketLedger() override;
  TicketLedger(const TicketLedger&) = delete;
  TicketLedger& operator=(const TicketLedger&) = delete;

  // Durable before it returns. A ticket already stored (same signature) is not stored again.
  absl::Status Accept(const pm::WinningTicket& ticket) override;

  // Tickets still to settle (queued or submitted), oldest first.
  absl::StatusOr<std::vector<LedgerEntry>> Unsettled();
  // The senders that have unsettled tickets.
  absl::StatusOr<std::vector<crypto::Address>> UnsettledSenders();
  // The oldest unsettled ticket of `sender`, if any: the next one to redeem for that sender.
  absl::StatusOr<std::optional<LedgerEntry>> NextRedeemable(const crypto::Address& sender);
  // Newest first.
  absl::StatusOr<std::vector<LedgerEntry>> All(size_t limit = 1000);
  absl::StatusOr<std::vector<LedgerEntry>> ByState(TicketState state, size_t limit = 1000);
  absl::StatusOr<std::vector<LedgerEntry>> BySender(const crypto::Address& sender,
                                                    size_t limit = 1000);
  // Newest first, filtered by state and/or sender when given.
  absl::StatusOr<std::vector<LedgerEntry>> List(std::optional<TicketState> state,
                                                std::optional<crypto::Address> sender,
                                                size_t limit);
  absl::StatusOr<LedgerEntry> Get(int64_t id);
  // By the ticket's 65-byte signature.
  absl::StatusOr<LedgerEntry> GetBySig(const std::string& sig);

  // State changes. Each fails (FailedPrecondition) on a settled ticket and NotFound on an
  // unknown id.
  // Write-ahead of a send: submitted, no hash yet, attempts + 1. Call before broadcasting.
  absl::Status MarkSending(int64_t id);
  // The broadcast transaction's hash.
  absl::Status MarkSubmitted(int64_t id, const std::string& tx_hash);
  // tx_hash may be empty (found used on chain); block 0 when unknown; note is kept as the
  // ticket's reason (e.g. how it was found redeemed).
  absl::Status MarkRedeemed(int64_t id, const std::string& tx_hash, uint64_t block = 0,
                            const std::string& note = "");
  absl::Status MarkFailed(int64_t id, const std::string& reason);
  absl::Status MarkExpired(int64_t id);
  // A transient failure or a send found not to have happened: back to queued, attempts + 1,
  // the error kept for the operator.
  absl::Status RecordAttempt(int64_t id, const std::string& error);
  // Back to queued without counting an attempt (a waiting condition, e.g. gas too high).
  absl::Status RecordWaiting(int64_t id, const std::string& why);

  // Tickets redeemed by a known transaction mined at or after `block`, oldest first: what a
  // reorganisation that forked at `block` may have undone.
  absl::StatusOr<std::vector<LedgerEntry>> RedeemedSince(uint64_t block);
  // The block that held the redeeming transaction is no longer on the chain: redeemed ->
  // submitted, keeping the transaction hash, with `why` as the reason. Fails
  // (FailedPrecondition) unless the ticket is redeemed.
  absl::Status ReopenAfterReorg(int64_t id, const std::string& why);

  // The sum of `sender`'s unsettled (queued or submitted) face values: what the node already
  // expects that sender's funds to pay (pm/pending_float.h). Served from memory; recomputed by
  // one query after a write, so it is cheap on the hot path of ticket parameters.
  absl::StatusOr<crypto::U256> UnsettledFaceValue(const crypto::Address& sender);

  absl::StatusOr<LedgerCounts> Counts();
  // Reads every face value: for the operator's view, not for a hot path.
  absl::StatusOr<LedgerValues> FaceValues();

 private:
  explicit TicketLedger(sqlite3* db) : db_(db) {}
  absl::Status Exec(const std::string& sql);
  absl::Status CreateSchema();
  absl::Status MigrateOldRows();
  absl::Status CheckChain(const std::string& path, uint64_t chain_id);
  absl::StatusOr<int> ImportGoLivepeerQueue();
  absl::Status InsertLocked(const pm::WinningTicket& ticket);
  struct Change;
  absl::Status Apply(int64_t id, const Change& change);
  absl::StatusOr<std::vector<LedgerEntry>> Query(
      const std::string& where_and_order, size_t limit,
      const std::function<void(SqliteStatement&)>& bind = {});

  std::mutex mu_;
  sqlite3* db_;
  // UnsettledFaceValue's sums by sender; reset by every write. Guarded by mu_.
  std::optional<std::map<crypto::Address, crypto::U256>> unsettled_by_sender_;
};

}  // namespace baton::ledger

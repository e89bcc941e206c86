// TicketLedger: step 6 of the job lifecycle. Every winning ticket the node accepts is written
// to SQLite (<dataDir>/lpdb.sqlite3, WAL, synchronous=FULL) before Accept returns, which is
// before the job response that carried it is sent: once accepted, a ticket survives a crash.
//
// Each ticket has a state: queued → submitted (tx hash) → redeemed, or failed (a permanent
// reason) or expired (past its validity). States survive restarts; the signature is the primary
// key, so a ticket is stored once however often it arrives. The database also records the
// chain id: opening it on another chain is an error, as in go-livepeer.
// Thread-safe: one connection behind a mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pm/winning_ticket_sink.h"

struct sqlite3;

namespace baton::ledger {

enum class TicketState { kQueued, kSubmitted, kRedeemed, kFailed, kExpired };
std::string StateName(TicketState state);

struct LedgerEntry {
  int64_t id = 0;
  pm::WinningTicket ticket;
  TicketState state = TicketState::kQueued;
  std::string tx_hash;  // 32 bytes once submitted
  std::string last_error;
  int attempts = 0;
  int64_t created_at = 0;  // unix seconds
  int64_t updated_at = 0;
};

struct LedgerCounts {
  int64_t queued = 0, submitted = 0, redeemed = 0, failed = 0, expired = 0;
  int64_t total() const { return queued + submitted + redeemed + failed + expired; }
};

class TicketLedger : public pm::WinningTicketSink {
 public:
  static absl::StatusOr<std::unique_ptr<TicketLedger>> Open(const std::string& path,
                                                            uint64_t chain_id);
  ~TicketLedger() override;

  // Durable before it returns. A ticket already stored (same signature) is not stored again.
  absl::Status Accept(const pm::WinningTicket& ticket) override;

  // Tickets still to settle (queued or submitted), oldest first.
  absl::StatusOr<std::vector<LedgerEntry>> Unsettled();
  absl::StatusOr<std::vector<LedgerEntry>> All(size_t limit = 1000);
  absl::StatusOr<LedgerEntry> Get(int64_t id);

  absl::Status MarkSubmitted(int64_t id, const std::string& tx_hash);
  absl::Status MarkRedeemed(int64_t id, const std::string& tx_hash);
  absl::Status MarkFailed(int64_t id, const std::string& reason);
  absl::Status MarkExpired(int64_t id);
  // A transient failure: stays queued, attempts + 1, error kept for the operator.
  absl::Status RecordAttempt(int64_t id, const std::string& error);

  absl::StatusOr<LedgerCounts> Counts();

 private:
  explicit TicketLedger(sqlite3* db) : db_(db) {}
  absl::Status Exec(const std::string& sql);
  absl::Status Update(int64_t id, TicketState state, const std::string* tx_hash,
                      const std::string* error, bool count_attempt);
  absl::StatusOr<std::vector<LedgerEntry>> Query(const std::string& where, size_t limit,
                                                 int64_t id = 0);

  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace baton::ledger

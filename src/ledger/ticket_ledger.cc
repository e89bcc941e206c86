#include "ledger/ticket_ledger.h"

#include <sqlite3.h>

#include <chrono>

#include "crypto/uint256.h"

namespace baton::ledger {
namespace {

constexpr int kSchemaVersion = 1;

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  absl::Status Error(const std::string& what) const {
    return absl::InternalError(what + ": " + sqlite3_errmsg(db_));
  }
  void Bind(int i, const std::string& blob) {
    sqlite3_bind_blob(stmt_, i, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void BindText(int i, const std::string& text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  int Step() { return sqlite3_step(stmt_); }
  std::string Blob(int col) const {
    auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, sqlite3_column_bytes(stmt_, col)) : std::string();
  }
  std::string Text(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? p : "";
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

const char* kColumns =
    "id, sender, recipient, face_value, win_prob, sender_nonce, recipient_rand_hash, "
    "creation_round, creation_round_block_hash, sig, recipient_rand, params_expiration_block, "
    "manifest_id, state, tx_hash, last_error, attempts, created_at, updated_at";

LedgerEntry ReadRow(const Statement& s) {
  LedgerEntry e;
  e.id = s.Int(0);
  pm::Ticket& t = e.ticket.ticket;
  t.sender = crypto::Address::FromBytesGoStyle(s.Blob(1));
  t.recipient = crypto::Address::FromBytesGoStyle(s.Blob(2));
  t.face_value = crypto::U256FromBigEndian(s.Blob(3));
  t.win_prob = crypto::U256FromBigEndian(s.Blob(4));
  t.sender_nonce = static_cast<uint32_t>(s.Int(5));
  t.recipient_rand_hash = s.Blob(6);
  t.expiration.creation_round = s.Int(7);
  t.expiration.creation_round_block_hash = s.Blob(8);
  e.ticket.sig = s.Blob(9);
  e.ticket.recipient_rand = crypto::U256FromBigEndian(s.Blob(10));
  e.ticket.params_expiration_block = crypto::U256FromBigEndian(s.Blob(11));
  e.ticket.manifest_id = s.Text(12);
  e.state = static_cast<TicketState>(s.Int(13));
  e.tx_hash = s.Blob(14);
  e.last_error = s.Text(15);
  e.attempts = static_cast<int>(s.Int(16));
  e.created_at = s.Int(17);
  e.updated_at = s.Int(18);
  return e;
}

}  // namespace

std::string StateName(TicketState state) {
  switch (state) {
    case TicketState::kQueued:
      return "queued";
    case TicketState::kSubmitted:
      return "submitted";
    case TicketState::kRedeemed:
      return "redeemed";
    case TicketState::kFailed:
      return "failed";
    case TicketState::kExpired:
      return "expired";
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<TicketLedger>> TicketLedger::Open(const std::string& path,
                                                                 uint64_t chain_id) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    std::string err = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return absl::UnavailableError("opening ticket ledger " + path + ": " + err);
  }
  std::unique_ptr<TicketLedger> ledger(new TicketLedger(db));
  sqlite3_busy_timeout(db, 5000);
  for (const char* sql :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
        "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT, updatedAt INTEGER)",
        "CREATE TABLE IF NOT EXISTS winningTickets ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT, sig BLOB NOT NULL UNIQUE,"
        " sender BLOB, recipient BLOB, face_value BLOB, win_prob BLOB, sender_nonce INTEGER,"
        " recipient_rand_hash BLOB, creation_round INTEGER, creation_round_block_hash BLOB,"
        " recipient_rand BLOB, params_expiration_block BLOB, manifest_id TEXT,"
        " state INTEGER NOT NULL, tx_hash BLOB, last_error TEXT, attempts INTEGER DEFAULT 0,"
        " created_at INTEGER, updated_at INTEGER)",
        "CREATE INDEX IF NOT EXISTS winningTickets_state ON winningTickets(state, sender, id)"}) {
    if (auto s = ledger->Exec(sql); !s.ok()) return s;
  }
  // The chain id is recorded on first use; another chain later is refused.
  Statement get(db, "SELECT value FROM kv WHERE key = 'chainID'");
  if (get.Step() == SQLITE_ROW) {
    if (get.Text(0) != std::to_string(chain_id))
      return absl::FailedPreconditionError("ticket ledger " + path + " belongs to chain " +
                                           get.Text(0) + ", not chain " + std::to_string(chain_id));
  } else {
    auto s = ledger->Exec("INSERT INTO kv VALUES ('chainID', '" + std::to_string(chain_id) +
                          "', strftime('%s','now')), ('dbVersion', '" +
                          std::to_string(kSchemaVersion) + "', strftime('%s','now'))");
    if (!s.ok()) return s;
  }
  return ledger;
}

TicketLedger::~TicketLedger() { sqlite3_close(db_); }

absl::Status TicketLedger::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "unknown error";
    sqlite3_free(err);
    return absl::InternalError("ticket ledger: " + message);
  }
  return absl::OkStatus();
}

absl::Status TicketLedger::Accept(const pm::WinningTicket& w) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "INSERT OR IGNORE INTO winningTickets (sig, sender, recipient, face_value, win_prob,"
              " sender_nonce, recipient_rand_hash, creation_round, creation_round_block_hash,"
              " recipient_rand, params_expiration_block, manifest_id, state, created_at,"
              " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0,?,?)");
  if (!s.ok()) return s.Error("ticket ledger insert");
  const pm::Ticket& t = w.ticket;
  s.Bind(1, w.sig);
  s.Bind(2, t.sender.bytes());
  s.Bind(3, t.recipient.bytes());
  s.Bind(4, crypto::U256ToMinimal(t.face_value));
  s.Bind(5, crypto::U256ToMinimal(t.win_prob));
  s.Bind(6, static_cast<int64_t>(t.sender_nonce));
  s.Bind(7, t.recipient_rand_hash);
  s.Bind(8, t.expiration.creation_round);
  s.Bind(9, t.expiration.creation_round_block_hash);
  s.Bind(10, crypto::U256ToMinimal(w.recipient_rand));
  s.Bind(11, crypto::U256ToMinimal(w.params_expiration_block));
  s.BindText(12, w.manifest_id);
  s.Bind(13, Now());
  s.Bind(14, Now());
  if (s.Step() != SQLITE_DONE) return s.Error("ticket ledger insert");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<LedgerEntry>> TicketLedger::Query(const std::string& where, size_t limit,
                                                             int64_t id) {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("SELECT ") + kColumns + " FROM winningTickets " + where + " LIMIT " +
                       std::to_string(limit));
  if (!s.ok()) return s.Error("ticket ledger query");
  if (id != 0) s.Bind(1, id);
  std::vector<LedgerEntry> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadRow(s));
  if (rc != SQLITE_DONE) return s.Error("ticket ledger query");
  return out;
}

absl::StatusOr<std::vector<LedgerEntry>> TicketLedger::Unsettled() {
  return Query("WHERE state IN (0, 1) ORDER BY id", 100000);
}

absl::StatusOr<std::vector<LedgerEntry>> TicketLedger::All(size_t limit) {
  return Query("ORDER BY id DESC", limit);
}

absl::StatusOr<LedgerEntry> TicketLedger::Get(int64_t id) {
  auto rows = Query("WHERE id = ?", 1, id);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::NotFoundError("no winning ticket with id " + std::to_string(id));
  return rows->front();
}

absl::Status TicketLedger::Update(int64_t id, TicketState state, const std::string* tx_hash,
                                  const std::string* error, bool count_attempt) {
  std::lock_guard lock(mu_);
  std::string sql = "UPDATE winningTickets SET state = ?, updated_at = ?";
  if (tx_hash) sql += ", tx_hash = ?3";
  if (error) sql += ", last_error = ?4";
  if (count_attempt) sql += ", attempts = attempts + 1";
  sql += " WHERE id = ?5";
  Statement s(db_, sql);
  if (!s.ok()) return s.Error("ticket ledger update");
  s.Bind(1, static_cast<int64_t>(state));
  s.Bind(2, Now());
  if (tx_hash) s.Bind(3, *tx_hash);
  if (error) s.BindText(4, *error);
  s.Bind(5, id);
  if (s.Step() != SQLITE_DONE) return s.Error("ticket ledger update");
  return absl::OkStatus();
}

absl::Status TicketLedger::MarkSubmitted(int64_t id, const std::string& tx_hash) {
  return Update(id, TicketState::kSubmitted, &tx_hash, nullptr, true);
}
absl::Status TicketLedger::MarkRedeemed(int64_t id, const std::string& tx_hash) {
  return Update(id, TicketState::kRedeemed, &tx_hash, nullptr, false);
}
absl::Status TicketLedger::MarkFailed(int64_t id, const std::string& reason) {
  return Update(id, TicketState::kFailed, nullptr, &reason, false);
}
absl::Status TicketLedger::MarkExpired(int64_t id) {
  return Update(id, TicketState::kExpired, nullptr, nullptr, false);
}
absl::Status TicketLedger::RecordAttempt(int64_t id, const std::string& error) {
  return Update(id, TicketState::kQueued, nullptr, &error, true);
}

absl::StatusOr<LedgerCounts> TicketLedger::Counts() {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT state, COUNT(*) FROM winningTickets GROUP BY state");
  if (!s.ok()) return s.Error("ticket ledger counts");
  LedgerCounts c;
  while (s.Step() == SQLITE_ROW) {
    int64_t n = s.Int(1);
    switch (static_cast<TicketState>(s.Int(0))) {
      case TicketState::kQueued:
        c.queued = n;
        break;
      case TicketState::kSubmitted:
        c.submitted = n;
        break;
      case TicketState::kRedeemed:
        c.redeemed = n;
        break;
      case TicketState::kFailed:
        c.failed = n;
        break;
      case TicketState::kExpired:
        c.expired = n;
        break;
    }
  }
  return c;
}

}  // namespace baton::ledger

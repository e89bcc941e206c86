#include "ledger/ticket_ledger.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/hex.h"
#include "crypto/uint256.h"
#include "ledger/sqlite_statement.h"

namespace baton::ledger {
namespace {

// go-livepeer refuses a database whose dbVersion is above 1 ("DB Too New"); ours stays 1 so an
// operator can switch back. Our own table evolves by added columns (see MigrateOldRows).
constexpr int kDbVersion = 1;

constexpr char kUnsettled[] = "state IN (0, 1)";

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const char* const kSchema[] = {
    "PRAGMA journal_mode=WAL",
    // Every commit reaches the disk before it returns: Accept's promise.
    "PRAGMA synchronous=FULL",
    "CREATE TABLE IF NOT EXISTS kv (key STRING PRIMARY KEY, value STRING, updatedAt STRING)",
    "CREATE TABLE IF NOT EXISTS winningTickets ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, sig BLOB NOT NULL UNIQUE,"
    " sender TEXT, recipient TEXT, face_value BLOB, win_prob BLOB, sender_nonce INTEGER,"
    " recipient_rand_hash TEXT, creation_round INTEGER, creation_round_block_hash TEXT,"
    " recipient_rand BLOB, params_expiration_block BLOB, manifest_id TEXT,"
    " state INTEGER NOT NULL, tx_hash TEXT, last_error TEXT, attempts INTEGER DEFAULT 0,"
    " created_at INTEGER, updated_at INTEGER, submitted_at INTEGER, settled_at INTEGER,"
    " block_number INTEGER)",
    "CREATE INDEX IF NOT EXISTS winningTickets_state ON winningTickets(state, sender, id)",
    "CREATE INDEX IF NOT EXISTS winningTickets_sender ON winningTickets(sender, id)",
};

constexpr char kColumns[] =
    "id, sender, recipient, face_value, win_prob, sender_nonce, recipient_rand_hash, "
    "creation_round, creation_round_block_hash, sig, recipient_rand, params_expiration_block, "
    "manifest_id, state, tx_hash, last_error, attempts, created_at, updated_at, submitted_at, "
    "settled_at, block_number";

std::string HexText(const std::string& bytes) { return HexEncode0x(bytes); }

// Addresses and hashes are 0x-hex TEXT; rows written by the first schema hold raw BLOBs.
std::string BytesColumn(const SqliteStatement& s, int col) {
  if (s.IsBlob(col)) return s.Blob(col);
  auto bytes = HexDecode(s.Text(col));
  return bytes.ok() ? *bytes : std::string();
}

crypto::Address AddressColumn(const SqliteStatement& s, int col) {
  return crypto::Address::FromBytesGoStyle(BytesColumn(s, col));
}

LedgerEntry ReadRow(const SqliteStatement& s) {
  LedgerEntry e;
  e.id = s.Int(0);
  pm::Ticket& t = e.ticket.ticket;
  t.sender = AddressColumn(s, 1);
  t.recipient = AddressColumn(s, 2);
  t.face_value = crypto::U256FromBigEndian(s.Blob(3));
  t.win_prob = crypto::U256FromBigEndian(s.Blob(4));
  t.sender_nonce = static_cast<uint32_t>(s.Int(5));
  t.recipient_rand_hash = BytesColumn(s, 6);
  t.expiration.creation_round = s.Int(7);
  t.expiration.creation_round_block_hash = BytesColumn(s, 8);
  e.ticket.sig = s.Blob(9);
  e.ticket.recipient_rand = crypto::U256FromBigEndian(s.Blob(10));
  e.ticket.params_expiration_block = crypto::U256FromBigEndian(s.Blob(11));
  e.ticket.manifest_id = s.Text(12);
  e.state = static_cast<TicketState>(s.Int(13));
  e.tx_hash = BytesColumn(s, 14);
  e.last_error = s.Text(15);
  e.attempts = static_cast<int>(s.Int(16));
  e.created_at = s.Int(17);
  e.updated_at = s.Int(18);
  e.submitted_at = s.Int(19);
  e.settled_at = s.Int(20);
  e.block_number = static_cast<uint64_t>(s.Int(21));
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

std::optional<TicketState> StateFromName(std::string_view name) {
  for (auto state : {TicketState::kQueued, TicketState::kSubmitted, TicketState::kRedeemed,
                     TicketState::kFailed, TicketState::kExpired}) {
    if (StateName(state) == name) return state;
  }
  return std::nullopt;
}

bool IsSettled(TicketState state) {
  return state != TicketState::kQueued && state != TicketState::kSubmitted;
}

// A state change: which columns it sets besides state and updated_at.
struct TicketLedger::Change {
  explicit Change(TicketState s) : state(s) {}
  TicketState state;
  std::optional<std::string> tx_hash;  // set (an empty string clears it)
  std::optional<std::string> error;
  bool count_attempt = false;
  bool sending = false;  // sets submitted_at
  std::optional<uint64_t> block;
};

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
  std::lock_guard lock(ledger->mu_);
  if (auto s = ledger->CreateSchema(); !s.ok()) return s;
  if (auto s = ledger->CheckChain(path, chain_id); !s.ok()) return s;
  if (auto s = ledger->MigrateOldRows(); !s.ok()) return s;
  auto imported = ledger->ImportGoLivepeerQueue();
  if (!imported.ok()) return imported.status();
  if (*imported > 0)
    spdlog::info("Imported {} unredeemed winning tickets from go-livepeer's ticketQueue",
                 *imported);
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

absl::Status TicketLedger::CreateSchema() {
  for (const char* sql : kSchema) {
    if (auto s = Exec(sql); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// The chain id is recorded on first use; another chain later is refused (as go-livepeer).
absl::Status TicketLedger::CheckChain(const std::string& path, uint64_t chain_id) {
  SqliteStatement get(db_, "SELECT value FROM kv WHERE key = 'chainID'");
  if (!get.ok()) return get.Error("reading chainID");
  std::string want = std::to_string(chain_id);
  if (get.Step() == SQLITE_ROW) {
    if (get.Text(0) != want)
      return absl::FailedPreconditionError("ticket ledger " + path + " belongs to chain " +
                                           get.Text(0) + ", not chain " + want);
    return absl::OkStatus();
  }
  SqliteStatement put(db_,
                      "INSERT OR IGNORE INTO kv VALUES ('chainID', ?1, datetime('now')),"
                      " ('dbVersion', ?2, datetime('now'))");
  put.BindText(1, want);
  put.BindText(2, std::to_string(kDbVersion));
  return put.Run("recording chainID");
}

// Brings rows of the first schema (raw BLOB addresses, no settlement columns) up to date.
absl::Status TicketLedger::MigrateOldRows() {
  for (const char* column : {"submitted_at", "settled_at", "block_number"}) {
    SqliteStatement has(db_, "SELECT 1 FROM pragma_table_info('winningTickets') WHERE name = ?1");
    has.BindText(1, column);
    if (has.Step() == SQLITE_ROW) continue;
    if (auto s = Exec(std::string("ALTER TABLE winningTickets ADD COLUMN ") + column + " INTEGER");
        !s.ok())
      return s;
  }
  for (const char* column :
       {"sender", "recipient", "recipient_rand_hash", "creation_round_block_hash", "tx_hash"}) {
    auto s = Exec(absl::StrCat("UPDATE winningTickets SET ", column, " = '0x' || lower(hex(",
                               column, ")) WHERE typeof(", column, ") = 'blob'"));
    if (!s.ok()) return s;
  }
  return Exec("UPDATE winningTickets SET tx_hash = NULL WHERE tx_hash = '0x'");
}

// go-livepeer's pending rows (doc/pm.md 2.7: redeemedAt and txHash both NULL), oldest first.
absl::StatusOr<int> TicketLedger::ImportGoLivepeerQueue() {
  SqliteStatement exists(db_,
                         "SELECT 1 FROM sqlite_master WHERE type='table' AND name='ticketQueue'");
  if (exists.Step() != SQLITE_ROW) return 0;
  SqliteStatement s(db_,
                    "SELECT sender, recipient, faceValue, winProb, senderNonce, recipientRand,"
                    " recipientRandHash, sig, creationRound, creationRoundBlockHash,"
                    " paramsExpirationBlock FROM ticketQueue"
                    " WHERE redeemedAt IS NULL AND txHash IS NULL ORDER BY createdAt");
  if (!s.ok()) return s.Error("reading go-livepeer's ticketQueue");
  int before = sqlite3_total_changes(db_);
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    pm::WinningTicket w;
    auto sender = crypto::Address::FromHex(s.Text(0));
    auto recipient = crypto::Address::FromHex(s.Text(1));
    if (!sender.ok() || !recipient.ok()) continue;  // not a ticket go-livepeer could redeem
    w.ticket.sender = *sender;
    w.ticket.recipient = *recipient;
    w.ticket.face_value = crypto::U256FromBigEndian(s.Blob(2));
    w.ticket.win_prob = crypto::U256FromBigEndian(s.Blob(3));
    w.ticket.sender_nonce = static_cast<uint32_t>(s.Int(4));
    w.recipient_rand = crypto::U256FromBigEndian(s.Blob(5));
    w.ticket.recipient_rand_hash = BytesColumn(s, 6);
    w.sig = s.Blob(7);
    w.ticket.expiration.creation_round = s.Int(8);
    w.ticket.expiration.creation_round_block_hash = BytesColumn(s, 9);
    w.params_expiration_block = crypto::U256(static_cast<uint64_t>(s.Int(10)));
    w.manifest_id = "go-livepeer";
    if (auto st = InsertLocked(w); !st.ok()) return st;
  }
  if (rc != SQLITE_DONE) return s.Error("reading go-livepeer's ticketQueue");
  return sqlite3_total_changes(db_) - before;
}

absl::Status TicketLedger::Accept(const pm::WinningTicket& ticket) {
  std::lock_guard lock(mu_);
  return InsertLocked(ticket);
}

absl::Status TicketLedger::InsertLocked(const pm::WinningTicket& w) {
  unsettled_by_sender_.reset();
  SqliteStatement s(db_,
                    "INSERT OR IGNORE INTO winningTickets (sig, sender, recipient, face_value,"
                    " win_prob, sender_nonce, recipient_rand_hash, creation_round,"
                    " creation_round_block_hash, recipient_rand, params_expiration_block,"
                    " manifest_id, state, attempts, created_at, updated_at)"
                    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,0,0,?13,?13)");
  if (!s.ok()) return s.Error("storing a winning ticket");
  const pm::Ticket& t = w.ticket;
  s.BindBlob(1, w.sig);
  s.BindText(2, HexText(t.sender.bytes()));
  s.BindText(3, HexText(t.recipient.bytes()));
  s.BindBlob(4, crypto::U256ToMinimal(t.face_value));
  s.BindBlob(5, crypto::U256ToMinimal(t.win_prob));
  s.BindInt(6, static_cast<int64_t>(t.sender_nonce));
  s.BindText(7, HexText(t.recipient_rand_hash));
  s.BindInt(8, t.expiration.creation_round);
  s.BindText(9, HexText(t.expiration.creation_round_block_hash));
  s.BindBlob(10, crypto::U256ToMinimal(w.recipient_rand));
  s.BindBlob(11, crypto::U256ToMinimal(w.params_expiration_block));
  s.BindText(12, w.manifest_id);
  s.BindInt(13, Now());
  return s.Run("storing a winning ticket from " + t.sender.ChecksumHex());
}

absl::StatusOr<std::vector<LedgerEntry>> TicketLedger::Query(
    const std::string& where_and_order, size_t limit,
    const std::function<void(SqliteStatement&)>& bind) {
  std::lock_guard lock(mu_);
  SqliteStatement s(db_, std::string("SELECT ") + kColumns + " FROM winningTickets " +
                             where_and_order + " LIMIT " + std::to_string(limit));
  if (!s.ok()) return s.Error("query");
  if (bind) bind(s);
  std::vector<LedgerEntry> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadRow(s));
  if (rc != SQLITE_DONE) return s.Error("query");
  return out;
}

absl::StatusOr<std::vector<LedgerEntry>> TicketLedger::Unsettled() {
  return Query(std::string("WHERE ") + kUnsettled + " ORDER BY id", 1'000'000);
}

absl::StatusOr<std::vector<crypto::Address>> TicketLedger::UnsettledSenders() {
  std::lock_guard lock(mu_);
  SqliteStatement s(db_, std::string("SELECT sender, MIN(id) AS first FROM winningTickets WHERE ") +
                             kUnsettled + " GROUP BY sender ORDER BY first");
  if (!s.ok()) return s.Error("listing senders");
  std::vector<crypto::Address> out;
  while (s.Step() == SQLITE_ROW) out.push_back(AddressColumn(s, 0));
  return out;
}

absl::StatusOr<std::optional<LedgerEntry>> TicketLedger::NextRedeemable(
    const crypto::Address& sender) {
  auto rows = Query(std::string("WHERE sender = ?1 AND ") + kUnsettled + " ORDER BY id", 1,
                    [&](SqliteStatement& s) { s.BindText(1, HexText(sender.bytes())); });
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  return rows->front();
}

absl::StatusOr<std::vector<LedgerEntry>> TicketLedger::All(size_t limit) {
  return Query("ORDER BY id DESC", limit);
}

absl::StatusOr<std::vector<LedgerEntry>> TicketLedger::ByState(TicketState state, size_t limit) {
  return Query("WHERE state = ?1 ORDER BY id DESC", limit,
               [&](SqliteStatement& s) { s.BindInt(1, static_cast<int64_t>(state)); });
}

absl::StatusOr<std::vector<LedgerEntry>> TicketLedger::BySender(const crypto::Address& sender,
                                                                size_t limit) {
  return Query("WHERE sender = ?1 ORDER BY id DESC", limit,
               [&](SqliteStatement& s) { s.BindText(1, HexText(sender.bytes())); });
}

absl::StatusOr<std::vector<LedgerEntry>> TicketLedger::List(std::optional<TicketState> state,
                                                            std::optional<crypto::Address> sender,
                                                            size_t limit) {
  std::string where = "WHERE 1";
  if (state) where += " AND state = ?1";
  if (sender) where += " AND sender = ?2";
  return Query(where + " ORDER BY id DESC", limit, [&](SqliteStatement& s) {
    if (state) s.BindInt(1, static_cast<int64_t>(*state));
    if (sender) s.BindText(2, HexText(sender->bytes()));
  });
}

absl::StatusOr<LedgerEntry> TicketLedger::Get(int64_t id) {
  auto rows = Query("WHERE id = ?1", 1, [&](SqliteStatement& s) { s.BindInt(1, id); });
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::NotFoundError("no winning ticket with id " + std::to_string(id));
  return rows->front();
}

absl::StatusOr<LedgerEntry> TicketLedger::GetBySig(const std::string& sig) {
  auto rows = Query("WHERE sig = ?1", 1, [&](SqliteStatement& s) { s.BindBlob(1, sig); });
  if (!rows.ok()) return rows.status();
  if (rows->empty())
    return absl::NotFoundError("no winning ticket with signature " + HexEncode0x(sig));
  return rows->front();
}

absl::Status TicketLedger::Apply(int64_t id, const Change& c) {
  std::lock_guard lock(mu_);
  unsettled_by_sender_.reset();
  std::string sql = "UPDATE winningTickets SET state = ?1, updated_at = ?2";
  if (c.tx_hash) sql += ", tx_hash = ?3";
  if (c.error) sql += ", last_error = ?4";
  if (c.count_attempt) sql += ", attempts = attempts + 1";
  if (c.sending) sql += ", submitted_at = ?2";
  if (IsSettled(c.state)) sql += ", settled_at = ?2";
  if (c.block) sql += ", block_number = ?5";
  // A settled ticket never moves again: the guard that keeps a ticket from being sent twice.
  sql += std::string(" WHERE id = ?6 AND ") + kUnsettled;
  SqliteStatement s(db_, sql);
  if (!s.ok()) return s.Error("updating ticket " + std::to_string(id));
  s.BindInt(1, static_cast<int64_t>(c.state));
  s.BindInt(2, Now());
  if (c.tx_hash) {
    if (c.tx_hash->empty()) {
      s.BindNull(3);
    } else {
      s.BindText(3, HexText(*c.tx_hash));
    }
  }
  if (c.error) s.BindText(4, *c.error);
  if (c.block) s.BindInt(5, static_cast<int64_t>(*c.block));
  s.BindInt(6, id);
  if (auto st = s.Run("updating ticket " + std::to_string(id)); !st.ok()) return st;
  if (sqlite3_changes(db_) == 1) return absl::OkStatus();
  SqliteStatement state(db_, "SELECT state FROM winningTickets WHERE id = ?1");
  state.BindInt(1, id);
  if (state.Step() != SQLITE_ROW)
    return absl::NotFoundError("no winning ticket with id " + std::to_string(id));
  return absl::FailedPreconditionError("winning ticket " + std::to_string(id) + " is already " +
                                       StateName(static_cast<TicketState>(state.Int(0))));
}

absl::Status TicketLedger::MarkSending(int64_t id) {
  Change c(TicketState::kSubmitted);
  c.tx_hash = "";
  c.count_attempt = true;
  c.sending = true;
  return Apply(id, c);
}

absl::Status TicketLedger::MarkSubmitted(int64_t id, const std::string& tx_hash) {
  Change c(TicketState::kSubmitted);
  c.tx_hash = tx_hash;
  return Apply(id, c);
}

absl::Status TicketLedger::MarkRedeemed(int64_t id, const std::string& tx_hash, uint64_t block,
                                        const std::string& note) {
  Change c(TicketState::kRedeemed);
  c.tx_hash = tx_hash;
  if (block != 0) c.block = block;
  c.error = note;
  return Apply(id, c);
}

absl::Status TicketLedger::MarkFailed(int64_t id, const std::string& reason) {
  Change c(TicketState::kFailed);
  c.error = reason;
  return Apply(id, c);
}

absl::Status TicketLedger::MarkExpired(int64_t id) {
  Change c(TicketState::kExpired);
  c.error = "ticket is expired";
  return Apply(id, c);
}

absl::Status TicketLedger::RecordAttempt(int64_t id, const std::string& error) {
  Change c(TicketState::kQueued);
  c.error = error;
  c.count_attempt = true;
  return Apply(id, c);
}

absl::Status TicketLedger::RecordWaiting(int64_t id, const std::string& why) {
  Change c(TicketState::kQueued);
  c.error = why;
  return Apply(id, c);
}

absl::StatusOr<std::vector<LedgerEntry>> TicketLedger::RedeemedSince(uint64_t block) {
  return Query("WHERE state = 2 AND tx_hash IS NOT NULL AND block_number >= ?1 ORDER BY id",
               1'000'000, [&](SqliteStatement& s) { s.BindInt(1, static_cast<int64_t>(block)); });
}

absl::Status TicketLedger::ReopenAfterReorg(int64_t id, const std::string& why) {
  std::lock_guard lock(mu_);
  unsettled_by_sender_.reset();
  SqliteStatement s(db_,
                    "UPDATE winningTickets SET state = 1, updated_at = ?1, settled_at = 0, "
                    "block_number = 0, last_error = ?2 WHERE id = ?3 AND state = 2");
  if (!s.ok()) return s.Error("reopening ticket " + std::to_string(id));
  s.BindInt(1, Now());
  s.BindText(2, why);
  s.BindInt(3, id);
  if (auto st = s.Run("reopening ticket " + std::to_string(id)); !st.ok()) return st;
  if (sqlite3_changes(db_) == 1) return absl::OkStatus();
  return absl::FailedPreconditionError("winning ticket " + std::to_string(id) + " is not redeemed");
}

absl::StatusOr<crypto::U256> TicketLedger::UnsettledFaceValue(const crypto::Address& sender) {
  std::lock_guard lock(mu_);
  if (!unsettled_by_sender_) {
    SqliteStatement s(
        db_, std::string("SELECT sender, face_value FROM winningTickets WHERE ") + kUnsettled);
    if (!s.ok()) return s.Error("summing unsettled face values");
    std::map<crypto::Address, crypto::U256> sums;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW)
      sums[AddressColumn(s, 0)] += crypto::U256FromBigEndian(s.Blob(1));
    if (rc != SQLITE_DONE) return s.Error("summing unsettled face values");
    unsettled_by_sender_ = std::move(sums);
  }
  auto it = unsettled_by_sender_->find(sender);
  return it == unsettled_by_sender_->end() ? crypto::U256(0) : it->second;
}

absl::StatusOr<LedgerCounts> TicketLedger::Counts() {
  std::lock_guard lock(mu_);
  SqliteStatement s(db_, "SELECT state, COUNT(*) FROM winningTickets GROUP BY state");
  if (!s.ok()) return s.Error("counting tickets");
  LedgerCounts c;
  int64_t* by_state[] = {&c.queued, &c.submitted, &c.redeemed, &c.failed, &c.expired};
  while (s.Step() == SQLITE_ROW) {
    int64_t state = s.Int(0);
    if (state >= 0 && state < 5) *by_state[state] = s.Int(1);
  }
  return c;
}

absl::StatusOr<LedgerValues> TicketLedger::FaceValues() {
  std::lock_guard lock(mu_);
  SqliteStatement s(db_, "SELECT state, face_value FROM winningTickets");
  if (!s.ok()) return s.Error("summing face values");
  LedgerValues v;
  crypto::U256* by_state[] = {&v.queued, &v.submitted, &v.redeemed, &v.failed, &v.expired};
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    int64_t state = s.Int(0);
    if (state >= 0 && state < 5) *by_state[state] += crypto::U256FromBigEndian(s.Blob(1));
  }
  if (rc != SQLITE_DONE) return s.Error("summing face values");
  return v;
}

}  // namespace baton::ledger

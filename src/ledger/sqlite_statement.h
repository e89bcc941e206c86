// SqliteStatement: one prepared SQLite statement that finalizes itself, with typed binds and
// column reads, so the ledger's queries read as SQL plus a few lines of binding.
//
// Owns the sqlite3_stmt, borrows the connection (which must outlive it). Not thread-safe: use
// it under the lock that guards the connection.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace baton::ledger {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, const std::string& sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Whether the SQL compiled; Error() says why not (or why the last step failed).
  bool ok() const { return prepared_; }
  absl::Status Error(const std::string& what) const;

  void BindBlob(int index, const std::string& bytes);
  void BindText(int index, const std::string& text);
  void BindInt(int index, int64_t value);
  void BindNull(int index);

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();
  // Steps to completion; an error names `what`.
  absl::Status Run(const std::string& what);

  std::string Blob(int column) const;
  std::string Text(int column) const;
  int64_t Int(int column) const;
  bool IsNull(int column) const;
  // True when the column holds a BLOB (as opposed to TEXT, a number or NULL).
  bool IsBlob(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool prepared_ = false;
};

}  // namespace baton::ledger

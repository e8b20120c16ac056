// A thin RAII layer over the SQLite C API: prepared statements with
// chainable binds and statuses instead of result codes. Internal to ledger/.
#ifndef GPULEDGER_LEDGER_SQLITE_H_
#define GPULEDGER_LEDGER_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gpuledger::ledger {

// SQLite's error `rc` on `db` as a status naming the ledger's file, with
// the system's reason where SQLite has one: a full disk or file-size limit
// is ResourceExhausted, a ledger this user cannot write PermissionDenied,
// busy Unavailable, a refused constraint FailedPrecondition.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view message);

// Runs one or more statements that return no rows.
absl::Status Exec(sqlite3* db, const std::string& sql);

// One connection's prepared statements kept for reuse, by their SQL: a
// read on a pooled connection (the server's) then prepares nothing. For one
// caller at a time, as its connection; destroy it before closing the
// connection.
class StmtCache {
 public:
  explicit StmtCache(sqlite3* db) : db_(db) {}
  ~StmtCache();
  StmtCache(const StmtCache&) = delete;
  StmtCache& operator=(const StmtCache&) = delete;

 private:
  friend class Stmt;
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> idle_;  // prepared, reset, not in use
};

class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql);
  // From `cache` (prepared once per SQL text), and given back to it, reset,
  // when done; a statement in use is not shared (a second one is prepared).
  Stmt(StmtCache& cache, const std::string& sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Preparation error, if any (later calls then fail with it).
  absl::Status status() const { return status_; }
  bool ok() const { return status_.ok(); }

  // Binds are 1-based, as in SQLite.
  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Stmt& Bind(int i, double v);
  Stmt& Bind(int i, absl::string_view v);
  Stmt& Bind(int i, const std::string& v) { return Bind(i, absl::string_view(v)); }
  Stmt& Bind(int i, const char* v) { return Bind(i, absl::string_view(v)); }
  // Binds text without copying it: `v` must stay alive and unchanged until
  // the statement is stepped to completion or reset.
  Stmt& BindStatic(int i, absl::string_view v);
  // Binds bytes as a BLOB without copying them (as BindStatic).
  Stmt& BindBlobStatic(int i, absl::string_view v);

  // Steps once: true if a row is ready, false when done.
  absl::StatusOr<bool> Step();
  // Steps to completion, for statements that return no rows.
  absl::Status Run();
  // Ready to run again; keeps no binds.
  void Reset();

  int64_t Int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  int Int(int col) const { return sqlite3_column_int(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  bool Null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string Text(int col) const;
  // A BLOB column's bytes, valid until the next Step or Reset.
  absl::string_view Blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    return {static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
  }

 private:
  absl::Status Error(int rc) const;
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  StmtCache* cache_ = nullptr;  // gets stmt_ back, under sql_
  std::string sql_;
  absl::Status status_;
};

}  // namespace gpuledger::ledger

#endif  // GPULEDGER_LEDGER_SQLITE_H_

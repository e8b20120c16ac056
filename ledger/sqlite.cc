#include "ledger/sqlite.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace gpuledger::ledger {

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view message) {
  // Which file, and what the system said where SQLite's words do not say
  // why ("disk I/O error" for a file grown past its size limit).
  const char* file = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  std::string msg = file != nullptr && *file != '\0' ? absl::StrCat("ledger ", file, ": ", message)
                                                   : absl::StrCat("ledger: ", message);
  const int primary = rc & 0xff;
  const int os = db != nullptr ? sqlite3_system_errno(db) : 0;
  if (os != 0 && (primary == SQLITE_IOERR || primary == SQLITE_FULL ||
                  primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY)) {
    absl::StrAppend(&msg, " (", std::strerror(os), ")");
  }
  // SQLite often has the system's reason no longer (a write past the size
  // limit is a bare "disk I/O error"): a failed write is said as such.
  if (primary == SQLITE_FULL || rc == SQLITE_IOERR_WRITE || os == ENOSPC || os == EFBIG) {
    absl::StrAppend(&msg, "; a write failed: the disk is full, ");
    rlimit limit;
    if (getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
      absl::StrAppend(&msg, "this process may write files of at most ", limit.rlim_cur,
                      " bytes (ulimit -f), ");
    }
    absl::StrAppend(&msg,
                    "or the device failed; nothing more is written, and a run being written stays "
                    "incomplete");
    return absl::ResourceExhaustedError(msg);
  }
  if (primary == SQLITE_READONLY) {
    absl::StrAppend(&msg, "; this user cannot write the ledger (or the folder it is in)");
    return absl::PermissionDeniedError(msg);
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return absl::UnavailableError(msg);
  if (primary == SQLITE_CONSTRAINT) return absl::FailedPreconditionError(msg);
  return absl::InternalError(msg);
}

absl::Status Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return absl::OkStatus();
  const std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return SqliteError(db, sqlite3_extended_errcode(db), msg);
}

Stmt::Stmt(sqlite3* db, const std::string& sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr);
  if (rc != SQLITE_OK) status_ = Error(rc);
}

Stmt::Stmt(StmtCache& cache, const std::string& sql) : db_(cache.db_) {
  if (auto it = cache.idle_.find(sql); it != cache.idle_.end()) {
    stmt_ = it->second;
    cache.idle_.erase(it);
  } else {
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt_,
                                      nullptr);
    if (rc != SQLITE_OK) {
      status_ = Error(rc);
      return;
    }
  }
  cache_ = &cache;
  sql_ = sql;
}

Stmt::~Stmt() {
  if (cache_ != nullptr && stmt_ != nullptr) {
    // Reset: a statement left stepped would hold its read snapshot open.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (cache_->idle_.try_emplace(std::move(sql_), stmt_).second) return;
  }
  sqlite3_finalize(stmt_);
}

StmtCache::~StmtCache() {
  for (auto& [sql, stmt] : idle_) sqlite3_finalize(stmt);
}

absl::Status Stmt::Error(int rc) const {
  return SqliteError(db_, sqlite3_extended_errcode(db_) != 0 ? sqlite3_extended_errcode(db_) : rc,
                     sqlite3_errmsg(db_));
}

Stmt& Stmt::Bind(int i, int64_t v) {
  if (ok()) {
    if (int rc = sqlite3_bind_int64(stmt_, i, v); rc != SQLITE_OK) status_ = Error(rc);
  }
  return *this;
}

Stmt& Stmt::Bind(int i, double v) {
  if (ok()) {
    if (int rc = sqlite3_bind_double(stmt_, i, v); rc != SQLITE_OK) status_ = Error(rc);
  }
  return *this;
}

Stmt& Stmt::Bind(int i, absl::string_view v) {
  if (ok()) {
    if (int rc =
            sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        rc != SQLITE_OK) {
      status_ = Error(rc);
    }
  }
  return *this;
}

Stmt& Stmt::BindBlobStatic(int i, absl::string_view v) {
  if (ok()) {
    if (int rc = sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
        rc != SQLITE_OK) {
      status_ = Error(rc);
    }
  }
  return *this;
}

Stmt& Stmt::BindStatic(int i, absl::string_view v) {
  if (ok()) {
    if (int rc = sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
        rc != SQLITE_OK) {
      status_ = Error(rc);
    }
  }
  return *this;
}

absl::StatusOr<bool> Stmt::Step() {
  if (!ok()) return status_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error(rc);
}

absl::Status Stmt::Run() {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

void Stmt::Reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
}

}  // namespace gpuledger::ledger

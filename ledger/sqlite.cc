#include "ledger/sqlite.h"

#include "absl/strings/str_cat.h"

namespace gpuledger::ledger {

absl::Status Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return absl::OkStatus();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    return absl::UnavailableError(absl::StrCat("ledger is busy: ", msg));
  }
  return absl::InternalError(absl::StrCat("ledger: ", msg));
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
  const std::string msg = absl::StrCat("ledger: ", sqlite3_errmsg(db_));
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return absl::UnavailableError(msg);
  if (rc == SQLITE_CONSTRAINT) return absl::FailedPreconditionError(msg);
  return absl::InternalError(msg);
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

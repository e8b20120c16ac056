// The limit of writing rows on this machine: a raw SQLite insert loop with
// nothing of gpuledger around it (bench/README.md). One prepared statement,
// one transaction per batch, WAL and synchronous = NORMAL as the ledger opens
// its file, a fresh file per run. Two row shapes:
//   --shape text: today's usage entry (run, job id, phase, category, start,
//                 end, gpus, GPU-seconds, nodes, pool: five text columns);
//   --shape ints: six integers (run, job ordinal, category code, start,
//                 duration, gpus).
// Prints shape, rows, seconds, rows per second and the file's bytes per row.
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

namespace {

bool Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", err ? err : "?");
    sqlite3_free(err);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"raw SQLite insert loop (the limit the ledger writer is measured against)"};
  int64_t rows = 1'000'000;
  int batch = 50'000;
  std::string shape = "ints";
  std::string path = "/tmp/gpuledger_sqlite_limit.sqlite";
  app.add_option("--rows", rows)->capture_default_str();
  app.add_option("--batch", batch, "rows per transaction")->capture_default_str();
  app.add_option("--shape", shape)->check(CLI::IsMember({"ints", "text"}))->capture_default_str();
  app.add_option("--file", path)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return 2;
  const bool text = shape == "text";
  if (!Exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;") ||
      !Exec(db, text ? "CREATE TABLE t (id INTEGER PRIMARY KEY, run INTEGER, job TEXT, "
                       "phase TEXT, category TEXT, start INTEGER, end INTEGER, gpus INTEGER, "
                       "gpu_seconds INTEGER, nodes TEXT, pool TEXT)"
                     : "CREATE TABLE t (id INTEGER PRIMARY KEY, run INTEGER, job INTEGER, "
                       "category INTEGER, start INTEGER, duration INTEGER, gpus INTEGER)")) {
    return 2;
  }
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     text ? "INSERT INTO t (run, job, phase, category, start, end, gpus, "
                            "gpu_seconds, nodes, pool) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                          : "INSERT INTO t (run, job, category, start, duration, gpus) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                     -1, &st, nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  char job[24];
  char nodes[32];
  int64_t t = 0;
  for (int64_t i = 0; i < rows; ++i) {
    if (i % batch == 0) Exec(db, "BEGIN");
    // Figures shaped like a replay's: times growing, sizes powers of two.
    t += 37;
    const int gpus = 1 << (i % 11);
    const int64_t duration = 600 + i % 7200;
    if (text) {
      const int jn = std::snprintf(job, sizeof job, "%lld", static_cast<long long>(i + 1));
      const int nn =
          std::snprintf(nodes, sizeof nodes, "%lld-%lld", static_cast<long long>(i % 2048),
                        static_cast<long long>(i % 2048 + gpus / 8));
      sqlite3_bind_int64(st, 1, 1);
      sqlite3_bind_text(st, 2, job, jn, SQLITE_STATIC);
      sqlite3_bind_text(st, 3, "other", 5, SQLITE_STATIC);
      sqlite3_bind_text(st, 4, "productive", 10, SQLITE_STATIC);
      sqlite3_bind_int64(st, 5, t);
      sqlite3_bind_int64(st, 6, t + duration);
      sqlite3_bind_int64(st, 7, gpus);
      sqlite3_bind_int64(st, 8, duration * gpus);
      sqlite3_bind_text(st, 9, nodes, nn, SQLITE_STATIC);
      sqlite3_bind_text(st, 10, "", 0, SQLITE_STATIC);
    } else {
      sqlite3_bind_int64(st, 1, 1);
      sqlite3_bind_int64(st, 2, i);
      sqlite3_bind_int64(st, 3, 0);
      sqlite3_bind_int64(st, 4, t);
      sqlite3_bind_int64(st, 5, duration);
      sqlite3_bind_int64(st, 6, gpus);
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
      std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
      return 2;
    }
    sqlite3_reset(st);
    if ((i + 1) % batch == 0 || i + 1 == rows) Exec(db, "COMMIT");
  }
  sqlite3_finalize(st);
  Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close(db);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto bytes = std::filesystem::file_size(path);
  std::printf("%s,%lld,%.3f,%.0f,%.1f\n", shape.c_str(), static_cast<long long>(rows), secs,
              rows / secs, static_cast<double>(bytes) / rows);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return 0;
}

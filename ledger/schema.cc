// Opening a ledger: the schema, its migrations, and the read-only open.
#include "ledger/store.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/sqlite.h"
#include "ledger/store_internal.h"

namespace gpuledger::ledger {

namespace {

// Schema migrations: entry i takes user_version i to i + 1.
constexpr const char* kMigrations[] = {
    // 0 -> 1: runs, jobs, job events and usage entries.
    R"sql(
CREATE TABLE runs (
  run_id        INTEGER PRIMARY KEY,
  plan_name     TEXT NOT NULL,
  plan_source   TEXT NOT NULL,
  plan_sha256   TEXT NOT NULL,
  gpu_model     TEXT NOT NULL,
  nodes         INTEGER NOT NULL,
  gpus_per_node INTEGER NOT NULL,
  gpu_tdp_watts REAL NOT NULL,
  policy        TEXT NOT NULL,
  seed          INTEGER NOT NULL,
  pricing       TEXT NOT NULL,
  wall_start    TEXT NOT NULL,
  wall_end      TEXT NOT NULL DEFAULT '',
  sim_start     INTEGER NOT NULL DEFAULT 0,
  sim_end       INTEGER NOT NULL DEFAULT 0,
  status        TEXT NOT NULL
    CHECK (status IN ('running', 'complete', 'failed', 'cancelled'))
);
CREATE TABLE jobs (
  run_id      INTEGER NOT NULL REFERENCES runs(run_id),
  ordinal     INTEGER NOT NULL,
  job_id      TEXT NOT NULL,
  phase       TEXT NOT NULL,
  project     TEXT NOT NULL,
  gpus        INTEGER NOT NULL,
  priority    INTEGER NOT NULL,
  submit      INTEGER NOT NULL,
  run_seconds INTEGER NOT NULL,
  PRIMARY KEY (run_id, job_id)
);
CREATE TABLE job_events (
  event_id INTEGER PRIMARY KEY,
  run_id   INTEGER NOT NULL REFERENCES runs(run_id),
  time     INTEGER NOT NULL,
  job_id   TEXT NOT NULL,
  kind     TEXT NOT NULL,
  nodes    TEXT NOT NULL
);
CREATE TABLE usage (
  entry_id    INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(run_id),
  job_id      TEXT NOT NULL,
  phase       TEXT NOT NULL,
  category    TEXT NOT NULL,
  start       INTEGER NOT NULL,
  end         INTEGER NOT NULL,
  gpus        INTEGER NOT NULL,
  gpu_seconds INTEGER NOT NULL,
  CHECK (end >= start AND gpus >= 0 AND gpu_seconds = (end - start) * gpus)
);
CREATE INDEX usage_by_run ON usage(run_id, category);
CREATE INDEX job_events_by_run ON job_events(run_id);

-- Append-only: entries and events are never changed or removed; a run's row
-- changes only while it is running (to record its end).
CREATE TRIGGER usage_append_only_u BEFORE UPDATE ON usage
  BEGIN SELECT RAISE(ABORT, 'usage entries are append-only'); END;
CREATE TRIGGER usage_append_only_d BEFORE DELETE ON usage
  BEGIN SELECT RAISE(ABORT, 'usage entries are append-only'); END;
CREATE TRIGGER job_events_append_only_u BEFORE UPDATE ON job_events
  BEGIN SELECT RAISE(ABORT, 'job events are append-only'); END;
CREATE TRIGGER job_events_append_only_d BEFORE DELETE ON job_events
  BEGIN SELECT RAISE(ABORT, 'job events are append-only'); END;
CREATE TRIGGER jobs_append_only_u BEFORE UPDATE ON jobs
  BEGIN SELECT RAISE(ABORT, 'jobs are append-only'); END;
CREATE TRIGGER jobs_append_only_d BEFORE DELETE ON jobs
  BEGIN SELECT RAISE(ABORT, 'jobs are append-only'); END;
CREATE TRIGGER runs_final BEFORE UPDATE ON runs WHEN OLD.status != 'running'
  BEGIN SELECT RAISE(ABORT, 'a finished run cannot change'); END;
CREATE TRIGGER runs_no_delete BEFORE DELETE ON runs
  BEGIN SELECT RAISE(ABORT, 'runs are append-only'); END;
)sql",
    // 1 -> 2: schedule metrics and idle total of a run; the nodes of each
    // usage entry (job_events keeps only preemptions); leaner storage for
    // traces of a million jobs: jobs keyed by their position in one B-tree,
    // and an index over job entries only (cluster-wide entries are summed
    // into runs.idle_gpu_seconds when a run ends).
    R"sql(
ALTER TABLE runs ADD COLUMN metrics TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN idle_gpu_seconds INTEGER;
ALTER TABLE usage ADD COLUMN nodes TEXT NOT NULL DEFAULT '';
DROP INDEX usage_by_run;
DROP INDEX job_events_by_run;
CREATE INDEX usage_by_job ON usage(run_id, job_id) WHERE job_id != '';
CREATE INDEX job_events_by_job ON job_events(run_id, job_id);
CREATE TABLE jobs_v2 (
  run_id      INTEGER NOT NULL REFERENCES runs(run_id),
  ordinal     INTEGER NOT NULL,
  job_id      TEXT NOT NULL,
  phase       TEXT NOT NULL,
  project     TEXT NOT NULL,
  gpus        INTEGER NOT NULL,
  priority    INTEGER NOT NULL,
  submit      INTEGER NOT NULL,
  run_seconds INTEGER NOT NULL,
  PRIMARY KEY (run_id, ordinal)
) WITHOUT ROWID;
INSERT INTO jobs_v2 SELECT run_id, ordinal, job_id, phase, project, gpus, priority, submit,
  run_seconds FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_v2 RENAME TO jobs;
CREATE TRIGGER jobs_append_only_u BEFORE UPDATE ON jobs
  BEGIN SELECT RAISE(ABORT, 'jobs are append-only'); END;
CREATE TRIGGER jobs_append_only_d BEFORE DELETE ON jobs
  BEGIN SELECT RAISE(ABORT, 'jobs are append-only'); END;
-- Finished runs cannot change; the migration alone fills their idle totals.
DROP TRIGGER runs_final;
UPDATE runs SET idle_gpu_seconds = (SELECT COALESCE(SUM(gpu_seconds), 0) FROM usage u
  WHERE u.run_id = runs.run_id AND u.job_id = '' AND u.category = 'idle')
  WHERE status != 'running';
CREATE TRIGGER runs_final BEFORE UPDATE ON runs WHEN OLD.status != 'running'
  BEGIN SELECT RAISE(ABORT, 'a finished run cannot change'); END;
)sql",
    // 2 -> 3: down time (nodes under repair) kept with the run like idle
    // time; runs finished before failures were modelled had none.
    R"sql(
ALTER TABLE runs ADD COLUMN down_gpu_seconds INTEGER;
DROP TRIGGER runs_final;
UPDATE runs SET down_gpu_seconds = 0 WHERE status != 'running';
CREATE TRIGGER runs_final BEFORE UPDATE ON runs WHEN OLD.status != 'running'
  BEGIN SELECT RAISE(ABORT, 'a finished run cannot change'); END;
)sql",
    // 3 -> 4: run groups (Monte Carlo replays of one plan over seeds); a run
    // may belong to one. Groups are append-only like runs.
    R"sql(
CREATE TABLE run_groups (
  group_id    INTEGER PRIMARY KEY,
  plan_name   TEXT NOT NULL,
  plan_sha256 TEXT NOT NULL,
  policy      TEXT NOT NULL,
  first_seed  INTEGER NOT NULL,
  seeds       INTEGER NOT NULL,
  created     TEXT NOT NULL
);
CREATE TRIGGER run_groups_append_only_u BEFORE UPDATE ON run_groups
  BEGIN SELECT RAISE(ABORT, 'run groups are append-only'); END;
CREATE TRIGGER run_groups_append_only_d BEFORE DELETE ON run_groups
  BEGIN SELECT RAISE(ABORT, 'run groups are append-only'); END;
ALTER TABLE runs ADD COLUMN group_id INTEGER REFERENCES run_groups(group_id);
CREATE INDEX runs_by_group ON runs(group_id) WHERE group_id IS NOT NULL;
)sql",
    // 4 -> 5: capacity pools. A usage entry records the pool it used
    // ('owned', 'reserved', 'on-demand'; '' for a plain replay's cluster) and
    // a run the strategy it was replayed under ('' for none).
    R"sql(
ALTER TABLE usage ADD COLUMN pool TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN strategy TEXT NOT NULL DEFAULT '';
)sql",
    // 5 -> 6: the process writing a run ("HOST:PID"), so `gpuledger ledger
    // repair` can tell a run whose writer died from one being written, and
    // the status 'abandoned' it gives such a run. The status CHECK grows by
    // one value in place (SQLite's documented way to loosen a CHECK without
    // rebuilding the table, which its triggers and references would make
    // fragile). RESET makes this connection parse the edited schema again
    // (with OFF it kept the old parse, and a later ALTER TABLE of runs in the
    // same connection wrote a broken table definition); the DDL after it
    // makes every other connection reload it.
    R"sql(
ALTER TABLE runs ADD COLUMN writer TEXT NOT NULL DEFAULT '';
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, '''cancelled'')', '''cancelled'', ''abandoned'')')
 WHERE type = 'table' AND name = 'runs';
PRAGMA writable_schema = RESET;
CREATE TABLE schema_reload (x);
DROP TABLE schema_reload;
)sql",
    // 6 -> 7: a complete run's per-group totals (its job entries summed by
    // phase, project, category, pool and day), written with its end, so a
    // report reads a few rows instead of every entry; runs.totals names the
    // groupings stored. Runs finished before have none: their reports sum
    // their entries, as before.
    R"sql(
CREATE TABLE group_totals (
  run_id                INTEGER NOT NULL REFERENCES runs(run_id),
  grouping              TEXT NOT NULL,
  ordinal               INTEGER NOT NULL,
  grp                   TEXT NOT NULL,
  gpu_seconds           INTEGER NOT NULL,
  on_demand_gpu_seconds INTEGER NOT NULL,
  first_start           INTEGER NOT NULL,
  last_end              INTEGER NOT NULL,
  PRIMARY KEY (run_id, grouping, ordinal)
) WITHOUT ROWID;
CREATE TRIGGER group_totals_append_only_u BEFORE UPDATE ON group_totals
  BEGIN SELECT RAISE(ABORT, 'group totals are append-only'); END;
CREATE TRIGGER group_totals_append_only_d BEFORE DELETE ON group_totals
  BEGIN SELECT RAISE(ABORT, 'group totals are append-only'); END;
ALTER TABLE runs ADD COLUMN totals TEXT NOT NULL DEFAULT '';
)sql",
    // 7 -> 8: usage entries packed (ledger/entries.h), the entries a writer
    // commits at once in one row: a few bytes an entry instead of a row of
    // text each. Entry ids stay what they were: a batch holds the ids from
    // first_entry on. PackLegacyUsage then moves the rows of `usage` into
    // batches, and `usage` goes.
    R"sql(
CREATE TABLE entry_batches (
  first_entry INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(run_id),
  entries     INTEGER NOT NULL CHECK (entries > 0),
  packed      BLOB NOT NULL,
  min_job     INTEGER,  -- the lowest and highest job ordinal of its job
  max_job     INTEGER   -- entries (NULL if none): a job's entries are where they overlap
);
CREATE INDEX entry_batches_by_run ON entry_batches(run_id, first_entry);
CREATE TRIGGER entry_batches_append_only_u BEFORE UPDATE ON entry_batches
  BEGIN SELECT RAISE(ABORT, 'usage entries are append-only'); END;
CREATE TRIGGER entry_batches_append_only_d BEFORE DELETE ON entry_batches
  BEGIN SELECT RAISE(ABORT, 'usage entries are append-only'); END;
)sql",
    // 8 -> 9: jobs packed too (ledger/entries.h, JobPacker), up to
    // kJobsPerBatch consecutive jobs of a run per row. PackLegacyJobs then
    // moves the rows of `jobs` into batches, and `jobs` goes.
    R"sql(
CREATE TABLE job_batches (
  batch_id      INTEGER PRIMARY KEY,
  run_id        INTEGER NOT NULL REFERENCES runs(run_id),
  first_ordinal INTEGER NOT NULL,
  jobs          INTEGER NOT NULL CHECK (jobs > 0),
  packed        BLOB NOT NULL,
  UNIQUE (run_id, first_ordinal)
);
CREATE TRIGGER job_batches_append_only_u BEFORE UPDATE ON job_batches
  BEGIN SELECT RAISE(ABORT, 'jobs are append-only'); END;
CREATE TRIGGER job_batches_append_only_d BEFORE DELETE ON job_batches
  BEGIN SELECT RAISE(ABORT, 'jobs are append-only'); END;
)sql",
    // 9 -> 10: an interruption's cause (the failure model's name for it;
    // empty for events written before), and comparisons kept with their
    // results, for their pages (web/).
    R"sql(
ALTER TABLE job_events ADD COLUMN cause TEXT NOT NULL DEFAULT '';
CREATE TABLE comparisons (
  comparison_id INTEGER PRIMARY KEY,
  plan_name     TEXT NOT NULL,
  created       TEXT NOT NULL,
  results       BLOB NOT NULL
);
CREATE TRIGGER comparisons_append_only_u BEFORE UPDATE ON comparisons
  BEGIN SELECT RAISE(ABORT, 'comparisons are append-only'); END;
CREATE TRIGGER comparisons_append_only_d BEFORE DELETE ON comparisons
  BEGIN SELECT RAISE(ABORT, 'comparisons are append-only'); END;
)sql",
    // 10 -> 11: a finished run's content digest (ledger/digest.h), written
    // with its end. DigestFinishedRuns then gives runs finished before one
    // from their contents as they are, and puts runs_final back.
    R"sql(
ALTER TABLE runs ADD COLUMN digest TEXT NOT NULL DEFAULT '';
DROP TRIGGER runs_final;
)sql",
    // 11 -> 12: a run's calendar: the UTC instant (seconds since 1970) of
    // its simulated second 0, when its plan or trace had a start date; NULL
    // (every run before) when it had none.
    R"sql(
ALTER TABLE runs ADD COLUMN start_utc INTEGER;
)sql",
    // 12 -> 13: a mixed cluster's pools (gpuledger.v1.RunPools, text
    // format), which its packed usage entries name by index; '' for a
    // cluster of one pool (every run before).
    R"sql(
ALTER TABLE runs ADD COLUMN pools TEXT NOT NULL DEFAULT '';
)sql",
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion);

absl::StatusOr<int> SchemaVersion(sqlite3* db) {
  // Finalized before migrating: an open statement would lock the schema.
  Stmt version(db, "PRAGMA user_version");
  absl::StatusOr<bool> row = version.Step();
  if (!row.ok()) return row.status();
  return version.Int(0);
}

// A file with tables but no schema version of ours is some other database.
absl::StatusOr<bool> HasForeignTables(sqlite3* db) {
  Stmt q(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name <> 'runs'");
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  return q.Int64(0) > 0;
}

// The run ids `sql` selects, in its order.
absl::StatusOr<std::vector<int64_t>> RunIds(sqlite3* db, const std::string& sql) {
  Stmt q(db, sql);
  return CollectRows<int64_t>(q, [](const Stmt& r) { return r.Int64(0); });
}

// Migration 7 -> 8's second half: every row of `usage` into packed batches
// with the same ids (a new batch wherever the ids of a run skip, as where
// another run's rows came between), then `usage` dropped.
absl::Status PackLegacyUsage(sqlite3* db) {
  absl::StatusOr<std::vector<int64_t>> runs =
      RunIds(db, "SELECT DISTINCT run_id FROM usage ORDER BY run_id");
  if (!runs.ok()) return runs.status();
  for (int64_t run : *runs) {
    // Old rows name their job by id. Plans and job traces never repeated an
    // id; SWF traces could before the loader refused it (their reports by
    // job then counted both jobs' GPU-hours twice): such entries go to the
    // first job of the id, which keeps every total right.
    std::map<std::string, int64_t> ordinal;
    Stmt jobs(db, "SELECT job_id, MIN(ordinal) FROM jobs WHERE run_id = ? GROUP BY job_id");
    jobs.Bind(1, run);
    while (true) {
      absl::StatusOr<bool> row = jobs.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      ordinal[jobs.Text(0)] = jobs.Int64(1);
    }
    Stmt q(db,
           "SELECT entry_id, job_id, category, start, end, gpus, nodes, pool FROM usage "
           "WHERE run_id = ? ORDER BY entry_id");
    q.Bind(1, run);
    std::vector<UsageRecord> batch;
    int64_t first = 0;
    auto flush = [&]() -> absl::Status {
      if (batch.empty()) return absl::OkStatus();
      absl::Status s = WriteEntryBatch(db, run, first, batch.data(), batch.size());
      batch.clear();
      return s;
    };
    while (true) {
      absl::StatusOr<bool> row = q.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      const int64_t id = q.Int64(0);
      if (!batch.empty() && (id != first + static_cast<int64_t>(batch.size()) ||
                             batch.size() == static_cast<size_t>(kRowsPerTransaction))) {
        if (absl::Status s = flush(); !s.ok()) return s;
      }
      if (batch.empty()) first = id;
      UsageRecord u;
      u.job_id = q.Text(1);
      u.category = q.Text(2);
      u.start = q.Int64(3);
      u.end = q.Int64(4);
      u.gpus = q.Int(5);
      u.nodes = q.Text(6);
      ParsePool(q.Text(7), &u.pool);
      if (!u.job_id.empty()) {
        auto it = ordinal.find(u.job_id);
        if (it == ordinal.end()) {
          return absl::DataLossError(absl::StrCat("run ", run, ": usage entry ", id,
                                                  " names job \"", u.job_id,
                                                  "\", which the run does not have"));
        }
        u.job = it->second;
      }
      batch.push_back(std::move(u));
    }
    if (absl::Status s = flush(); !s.ok()) return s;
  }
  return Exec(db, "DROP TABLE usage");
}

// Migration 8 -> 9's second half: every run's rows of `jobs` (ordinals 0,
// 1, ...) into packed batches, then `jobs` dropped.
absl::Status PackLegacyJobs(sqlite3* db) {
  Stmt q(db,
         "SELECT run_id, ordinal, job_id, phase, project, gpus, priority, submit, run_seconds "
         "FROM jobs ORDER BY run_id, ordinal");
  JobPacker packer;
  int64_t run = -1, first = 0, next = 0;
  auto flush = [&]() -> absl::Status {
    if (packer.size() == 0) return absl::OkStatus();
    const int64_t n = static_cast<int64_t>(packer.size());
    absl::Status s = WriteJobBatch(db, run, first, n, packer.Take());
    first += n;
    return s;
  };
  while (true) {
    absl::StatusOr<bool> row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (q.Int64(0) != run || static_cast<int64_t>(packer.size()) == kJobsPerBatch) {
      if (absl::Status s = flush(); !s.ok()) return s;
      if (q.Int64(0) != run) {
        run = q.Int64(0);
        first = next = 0;
      }
    }
    if (q.Int64(1) != next) {
      return absl::DataLossError(
          absl::StrCat("run ", run, ": job ordinal ", q.Int64(1), " where ", next, " was due"));
    }
    ++next;
    packer.Add(
        JobRecord{q.Text(2), q.Text(3), q.Text(4), q.Int(5), q.Int(6), q.Int64(7), q.Int64(8)});
  }
  if (absl::Status s = flush(); !s.ok()) return s;
  return Exec(db, "DROP TABLE jobs");
}

// Migration 10 -> 11's second half: a digest for every finished run.
absl::Status DigestFinishedRuns(sqlite3* db) {
  absl::StatusOr<std::vector<int64_t>> runs = RunIds(
      db,
      "SELECT run_id FROM runs WHERE status IN ('complete', 'failed', 'cancelled') ORDER BY run_id");
  if (!runs.ok()) return runs.status();
  for (int64_t run : *runs) {
    // At schema 11 runs have no start_utc (12 adds it, NULL for them all).
    absl::StatusOr<std::string> digest = DigestStoredRun(db, run, /*dated_schema=*/false);
    if (!digest.ok()) return digest.status();
    Stmt u(db, "UPDATE runs SET digest = ? WHERE run_id = ?");
    u.Bind(1, *digest).Bind(2, run);
    if (absl::Status s = u.Run(); !s.ok()) return s;
  }
  return Exec(db,
              "CREATE TRIGGER runs_final BEFORE UPDATE ON runs WHEN OLD.status != 'running' "
              "BEGIN SELECT RAISE(ABORT, 'a finished run cannot change'); END;");
}

absl::Status Migrate(sqlite3* db, int* migrated_from) {
  absl::StatusOr<int> version = SchemaVersion(db);
  if (!version.ok()) return version.status();
  const int current = *version;
  if (current == 0) {
    absl::StatusOr<bool> foreign = HasForeignTables(db);
    if (!foreign.ok()) return foreign.status();
    if (*foreign) {
      return absl::FailedPreconditionError(
          "not a gpuledger ledger (it holds other tables and no ledger schema); give another file");
    }
  } else if (current < kSchemaVersion) {
    *migrated_from = current;
  }
  if (current > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat("ledger schema version ", current,
                                                      " is newer than this gpuledger (",
                                                      kSchemaVersion, "); upgrade gpuledger"));
  }
  if (current == 0) {
    // A new ledger (nothing in the file to keep as it was): WAL from the
    // start, so its migrations commit without a sync each (the opens set the
    // same right after).
    if (auto s = Exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"); !s.ok())
      return s;
  }
  for (int v = current; v < kSchemaVersion; ++v) {
    if (auto s = Exec(db, "BEGIN IMMEDIATE"); !s.ok()) return s;
    absl::Status s = Exec(db, kMigrations[v]);
    if (s.ok() && v + 1 == 8) s = PackLegacyUsage(db);
    if (s.ok() && v + 1 == 9) s = PackLegacyJobs(db);
    if (s.ok() && v + 1 == 11) s = DigestFinishedRuns(db);
    if (s.ok()) s = Exec(db, absl::StrCat("PRAGMA user_version = ", v + 1));
    if (!s.ok()) {
      Exec(db, "ROLLBACK").IgnoreError();
      return s;
    }
    if (auto c = Exec(db, "COMMIT"); !c.ok()) return c;
  }
  return absl::OkStatus();
}

// `s` naming the ledger `path`: SQLite's errors do already (SqliteError).
absl::Status NamingTheFile(const std::string& path, const absl::Status& s) {
  if (absl::StartsWith(s.message(), "ledger ")) return s;
  return absl::Status(s.code(), absl::StrCat(path, ": ", s.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(const std::string& path, bool create,
                                                     Clock clock) {
  sqlite3* db = nullptr;
  // NOMUTEX: a connection is used by one thread at a time (its owner, or a
  // writer's background thread while the owner waits), so SQLite's own
  // per-call locking is not needed.
  const int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0), nullptr);
  if (rc == SQLITE_CANTOPEN && !create && ::access(path.c_str(), F_OK) != 0) {
    sqlite3_close(db);
    return absl::NotFoundError(absl::StrCat(path, ": no such ledger"));
  }
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    // SQLite's "unable to open database file" does not say why, and its
    // errno is often another call's: a file to be made in a folder this
    // user may not write is said as such.
    const size_t slash = path.rfind('/');
    const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    if (create && ::access(path.c_str(), F_OK) != 0 && ::access(folder.c_str(), W_OK) != 0) {
      return absl::PermissionDeniedError(
          absl::StrCat(path, ": cannot create the ledger: ", folder,
                       ::access(folder.c_str(), F_OK) != 0 ? " does not exist"
                                                           : " is not writable by this user"));
    }
    return absl::UnavailableError(absl::StrCat(path, ": cannot open ledger: ", msg));
  }
  std::unique_ptr<Ledger> ledger(new Ledger(db, std::move(clock)));
  if (sqlite3_db_readonly(db, "main") == 1) {
    // SQLite opens a file it may not write read-only, and would fail at the
    // first write.
    const bool file = ::access(path.c_str(), W_OK) != 0;
    return absl::PermissionDeniedError(absl::StrCat(
        path, ": cannot write the ledger: ",
        file ? "the file is read-only to this user"
             : "its folder is read-only to this user, and SQLite keeps its -wal and -shm files "
               "beside the ledger",
        " (report and export read it as it is; replay, compare and serve write to it)"));
  }
  sqlite3_busy_timeout(db, 60000);  // Monte Carlo replays write side by side
  // WAL lets readers work beside the one writer. synchronous = NORMAL: in
  // WAL mode a crash cannot corrupt the file, it can only lose the last
  // commits, which leaves a run visibly incomplete; fsync per commit is not
  // needed for that. An 8 MiB page cache is plenty: runs are appended in
  // packed batches at the end of their tables, and reports read totals.
  // The schema first: a file that is not a ledger is left as it was.
  absl::Status s = Migrate(db, &ledger->migrated_from_);
  if (s.ok()) {
    s = Exec(db,
             "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
             "PRAGMA foreign_keys = ON; PRAGMA cache_size = -8192;");
  }
  if (!s.ok()) {
    return NamingTheFile(path, s);
  }
  return ledger;
}

bool Ledger::SchemaIsCurrent() {
  absl::StatusOr<int> v = SchemaVersion(db_);
  return v.ok() && *v == kSchemaVersion;
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::OpenForReading(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    if (e == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no such ledger"));
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot read the ledger: ", std::strerror(e)));
  }
  if (S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a folder, not a ledger file"));
  }
  if (::access(path.c_str(), R_OK) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot read the ledger: ", std::strerror(errno)));
  }
  // Read-only. In a folder nobody can write, SQLite cannot make the WAL's
  // shared-memory file; no writer can exist there either, so the file is
  // then read as immutable.
  for (const bool immutable : {false, true}) {
    sqlite3* db = nullptr;
    const std::string uri = absl::StrCat("file:", path, immutable ? "?immutable=1" : "");
    int rc = sqlite3_open_v2(uri.c_str(), &db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, nullptr);
    std::unique_ptr<Ledger> ledger(rc == SQLITE_OK ? new Ledger(db, DefaultClock()) : nullptr);
    if (ledger == nullptr) {
      const std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
      sqlite3_close(db);
      return absl::UnavailableError(absl::StrCat(path, ": cannot open the ledger: ", msg));
    }
    sqlite3_busy_timeout(db, 60000);
    absl::StatusOr<int> version = SchemaVersion(db);
    if (!version.ok()) {
      // CANTOPEN or READONLY: no -shm file and no right to make one.
      const int code = sqlite3_errcode(db) & 0xff;
      if (!immutable && (code == SQLITE_CANTOPEN || code == SQLITE_READONLY)) continue;
      return NamingTheFile(path, version.status());
    }
    if (*version == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": not a gpuledger ledger (no ledger schema in it)"));
    }
    if (*version > kSchemaVersion) {
      return absl::FailedPreconditionError(absl::StrCat(path, ": ledger schema version ", *version,
                                                        " is newer than this gpuledger (",
                                                        kSchemaVersion, "); upgrade gpuledger"));
    }
    if (*version < kSchemaVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": ledger schema version ", *version,
                       " is older than this gpuledger's (", kSchemaVersion,
                       "); reading never changes a ledger: upgrade it first with "
                       "gpuledger ledger migrate ",
                       path));
    }
    return ledger;
  }
  return absl::UnavailableError(absl::StrCat(path, ": cannot open the ledger"));
}

Ledger::Ledger(sqlite3* db, Clock clock)
    : db_(db), stmts_(std::make_unique<StmtCache>(db)), clock_(std::move(clock)) {}

Ledger::~Ledger() {
  stmts_.reset();  // finalized before the connection closes
  sqlite3_close_v2(db_);
}

}  // namespace gpuledger::ledger

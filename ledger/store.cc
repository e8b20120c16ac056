#include "ledger/store.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <map>
#include <ctime>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/sqlite.h"

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
    // fragile); the DDL after it makes every connection reload the schema.
    R"sql(
ALTER TABLE runs ADD COLUMN writer TEXT NOT NULL DEFAULT '';
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, '''cancelled'')', '''cancelled'', ''abandoned'')')
 WHERE type = 'table' AND name = 'runs';
PRAGMA writable_schema = OFF;
CREATE TABLE schema_reload (x);
DROP TABLE schema_reload;
)sql",
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion);

// "HOST:PID" of this process.
std::string ThisWriter() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return absl::StrCat(host, ":", getpid());
}

// An instant of `clock` as ISO 8601 UTC.
std::string Iso8601(const Clock& clock) {
  const std::time_t t = static_cast<std::time_t>(clock());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

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
    return absl::FailedPreconditionError(absl::StrCat(
        "ledger schema version ", current, " is newer than this gpuledger (",
        kSchemaVersion, "); upgrade gpuledger"));
  }
  for (int v = current; v < kSchemaVersion; ++v) {
    if (auto s = Exec(db, "BEGIN IMMEDIATE"); !s.ok()) return s;
    absl::Status s = Exec(db, kMigrations[v]);
    if (s.ok()) s = Exec(db, absl::StrCat("PRAGMA user_version = ", v + 1));
    if (!s.ok()) {
      Exec(db, "ROLLBACK").IgnoreError();
      return s;
    }
    if (auto c = Exec(db, "COMMIT"); !c.ok()) return c;
  }
  return absl::OkStatus();
}

RunRecord ReadRun(const Stmt& q) {
  RunRecord r;
  r.id = q.Int64(0);
  r.plan_name = q.Text(1);
  r.plan_source = q.Text(2);
  r.plan_sha256 = q.Text(3);
  r.gpu_model = q.Text(4);
  r.nodes = q.Int(5);
  r.gpus_per_node = q.Int(6);
  r.gpu_tdp_watts = q.Double(7);
  r.policy = q.Text(8);
  r.seed = q.Int64(9);
  r.pricing = q.Text(10);
  r.wall_start = q.Text(11);
  r.wall_end = q.Text(12);
  r.sim_start = q.Int64(13);
  r.sim_end = q.Int64(14);
  ParseRunStatus(q.Text(15), &r.status);  // the schema's CHECK allows only these
  r.metrics = q.Text(16);
  r.group_id = q.Int64(17);
  r.strategy = q.Text(18);
  return r;
}

// Steps `q` to the end, turning each row into a T with `read`.
template <typename T, typename Read>
absl::StatusOr<std::vector<T>> CollectRows(Stmt& q, Read read) {
  std::vector<T> out;
  while (true) {
    absl::StatusOr<bool> row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(read(q));
  }
}

constexpr const char* kRunColumns =
    "SELECT run_id, plan_name, plan_source, plan_sha256, gpu_model, nodes, "
    "gpus_per_node, gpu_tdp_watts, policy, seed, pricing, wall_start, wall_end, "
    "sim_start, sim_end, status, metrics, COALESCE(group_id, 0), strategy FROM runs ";

RunGroupRecord ReadGroup(const Stmt& q) {
  RunGroupRecord g;
  g.id = q.Int64(0);
  g.plan_name = q.Text(1);
  g.plan_sha256 = q.Text(2);
  g.policy = q.Text(3);
  g.first_seed = q.Int64(4);
  g.seeds = q.Int(5);
  g.created = q.Text(6);
  return g;
}

constexpr const char* kGroupColumns =
    "SELECT group_id, plan_name, plan_sha256, policy, first_seed, seeds, created FROM run_groups ";

}  // namespace

const char* RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning: return "running";
    case RunStatus::kComplete: return "complete";
    case RunStatus::kFailed: return "failed";
    case RunStatus::kCancelled: return "cancelled";
    case RunStatus::kAbandoned: return "abandoned";
  }
  return "";
}

bool ParseRunStatus(absl::string_view name, RunStatus* status) {
  for (RunStatus s : {RunStatus::kRunning, RunStatus::kComplete, RunStatus::kFailed,
                      RunStatus::kCancelled, RunStatus::kAbandoned}) {
    if (name == RunStatusName(s)) {
      *status = s;
      return true;
    }
  }
  return false;
}

const char* PoolName(Pool pool) {
  switch (pool) {
    case Pool::kNone: return "";
    case Pool::kOwned: return "owned";
    case Pool::kReserved: return "reserved";
    case Pool::kOnDemand: return "on-demand";
  }
  return "";
}

bool ParsePool(absl::string_view name, Pool* pool) {
  for (Pool p : {Pool::kNone, Pool::kOwned, Pool::kReserved, Pool::kOnDemand}) {
    if (name == PoolName(p)) {
      *pool = p;
      return true;
    }
  }
  return false;
}

Clock DefaultClock() {
  const char* fixed = std::getenv("SOURCE_DATE_EPOCH");
  int64_t at = 0;
  if (fixed != nullptr && absl::SimpleAtoi(fixed, &at) && at >= 0 && at <= 253402300799) {
    return [at] { return at; };  // at most 9999-12-31T23:59:59Z
  }
  return [] {
    return static_cast<int64_t>(
        std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
  };
}

std::string Ledger::Now() const { return Iso8601(clock_); }

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(const std::string& path,
                                                     bool create, Clock clock) {
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
    // SQLite's "unable to open database file" does not say why; the OS does.
    if (const int e = sqlite3_system_errno(db); e != 0) absl::StrAppend(&msg, ": ", std::strerror(e));
    sqlite3_close(db);
    return absl::UnavailableError(absl::StrCat(path, ": cannot open ledger: ", msg));
  }
  std::unique_ptr<Ledger> ledger(new Ledger(db, std::move(clock)));
  sqlite3_busy_timeout(db, 60000);  // Monte Carlo replays write side by side
  // WAL lets readers work beside the one writer. synchronous = NORMAL: in
  // WAL mode a crash cannot corrupt the file, it can only lose the last
  // commits, which leaves a run visibly incomplete; fsync per commit is not
  // needed for that. A 64 MiB page cache keeps large replays off the disk.
  // The schema first: a file that is not a ledger is left as it was.
  absl::Status s = Migrate(db, &ledger->migrated_from_);
  if (s.ok()) {
    s = Exec(db,
             "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
             "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;");
  }
  if (!s.ok()) {
    return absl::Status(s.code(), absl::StrCat(path, ": ", s.message()));
  }
  return ledger;
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::OpenForReading(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    if (e == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no such ledger"));
    return absl::UnavailableError(absl::StrCat(path, ": cannot read the ledger: ", std::strerror(e)));
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
      return absl::Status(version.status().code(), absl::StrCat(path, ": ", version.status().message()));
    }
    if (*version == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": not a gpuledger ledger (no ledger schema in it)"));
    }
    if (*version > kSchemaVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, ": ledger schema version ", *version, " is newer than this gpuledger (",
          kSchemaVersion, "); upgrade gpuledger"));
    }
    if (*version < kSchemaVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, ": ledger schema version ", *version, " is older than this gpuledger's (",
          kSchemaVersion, "); reading never changes a ledger: upgrade it first with "
          "gpuledger ledger migrate ", path));
    }
    return ledger;
  }
  return absl::UnavailableError(absl::StrCat(path, ": cannot open the ledger"));
}

Ledger::~Ledger() { sqlite3_close_v2(db_); }

absl::StatusOr<std::vector<Ledger::Repair>> Ledger::RepairRuns(bool force) {
  std::vector<Repair> out;
  if (auto s = Exec(db_, "BEGIN IMMEDIATE"); !s.ok()) return s;
  std::vector<std::pair<int64_t, std::string>> running;
  {
    Stmt q(db_, "SELECT run_id, writer FROM runs WHERE status = 'running' ORDER BY run_id");
    while (true) {
      absl::StatusOr<bool> row = q.Step();
      if (!row.ok()) {
        Exec(db_, "ROLLBACK").IgnoreError();
        return row.status();
      }
      if (!*row) break;
      running.push_back({q.Int64(0), q.Text(1)});
    }
  }
  const std::string me = ThisWriter();
  const std::string host = me.substr(0, me.rfind(':'));
  for (const auto& [id, writer] : running) {
    Repair r{id, writer, false, ""};
    const size_t colon = writer.rfind(':');
    int pid = 0;
    const bool here = colon != std::string::npos && writer.substr(0, colon) == host &&
                      absl::SimpleAtoi(writer.substr(colon + 1), &pid) && pid > 0;
    if (here && !force && (::kill(pid, 0) == 0 || errno == EPERM)) {
      r.why = absl::StrCat("its writer (process ", pid, ") is still running");
    } else if (!here && !force) {
      r.why = writer.empty() ? "its writer is not recorded (written before schema 6); --force abandons it"
                             : absl::StrCat("its writer ", writer, " is on another host; --force abandons it");
    } else {
      Stmt u(db_, "UPDATE runs SET status = 'abandoned', wall_end = ? WHERE run_id = ? AND status = 'running'");
      u.Bind(1, Now()).Bind(2, id);
      if (auto s = u.Run(); !s.ok()) {
        Exec(db_, "ROLLBACK").IgnoreError();
        return s;
      }
      r.abandoned = true;
      r.why = here && !force ? absl::StrCat("its writer (process ", pid, ") is gone") : "forced";
    }
    out.push_back(std::move(r));
  }
  if (auto s = Exec(db_, "COMMIT"); !s.ok()) return s;
  return out;
}

absl::StatusOr<std::unique_ptr<RunWriter>> Ledger::StartRun(
    const RunRecord& run, const std::vector<JobRecord>& jobs) {
  return StartRun(run, jobs.size(), [&](size_t i, JobRecord* r) { *r = jobs[i]; });
}

absl::StatusOr<std::unique_ptr<RunWriter>> Ledger::StartRun(
    const RunRecord& run, size_t count, const std::function<void(size_t, JobRecord*)>& next,
    bool background) {
  if (auto s = Exec(db_, "BEGIN IMMEDIATE"); !s.ok()) return s;
  Stmt ins(db_,
           "INSERT INTO runs (plan_name, plan_source, plan_sha256, gpu_model, "
           "nodes, gpus_per_node, gpu_tdp_watts, policy, seed, pricing, "
           "wall_start, status, group_id, strategy, writer) "
           "VALUES (?,?,?,?,?,?,?,?,?,?,?, 'running', NULLIF(?, 0), ?, ?)");
  ins.Bind(1, run.plan_name).Bind(2, run.plan_source).Bind(3, run.plan_sha256)
      .Bind(4, run.gpu_model).Bind(5, run.nodes).Bind(6, run.gpus_per_node)
      .Bind(7, run.gpu_tdp_watts).Bind(8, run.policy).Bind(9, run.seed)
      .Bind(10, run.pricing).Bind(11, Now()).Bind(12, run.group_id).Bind(13, run.strategy)
      .Bind(14, ThisWriter());
  if (auto s = ins.Run(); !s.ok()) {
    Exec(db_, "ROLLBACK").IgnoreError();
    return s;
  }
  const int64_t run_id = sqlite3_last_insert_rowid(db_);
  std::unique_ptr<RunWriter> writer(new RunWriter(db_, run_id, clock_));
  writer->in_transaction_ = true;  // the run's row opened this transaction
  if (background) {
    if (auto s = writer->Commit(); !s.ok()) return s;
    writer->WriteInBackground();
  }
  JobRecord j;
  for (size_t i = 0; i < count; ++i) {
    next(i, &j);
    // Synchronously, a failure rolls the run's row back with the jobs.
    if (auto s = writer->AppendJob(static_cast<int64_t>(i), j); !s.ok()) return s;
  }
  if (!background) {
    if (auto s = writer->Commit(); !s.ok()) return s;
  }
  return writer;
}

absl::StatusOr<std::vector<RunRecord>> Ledger::ListRuns(int64_t after_id, int limit,
                                                        int64_t group) {
  Stmt q(db_, std::string(kRunColumns) +
                  "WHERE run_id > ?1 AND (?3 = 0 OR group_id = ?3) ORDER BY run_id LIMIT ?2");
  q.Bind(1, after_id).Bind(2, limit).Bind(3, group);
  return CollectRows<RunRecord>(q, ReadRun);
}

absl::StatusOr<int64_t> Ledger::CreateRunGroup(const RunGroupRecord& g) {
  Stmt ins(db_,
           "INSERT INTO run_groups (plan_name, plan_sha256, policy, first_seed, seeds, created) "
           "VALUES (?,?,?,?,?,?)");
  ins.Bind(1, g.plan_name).Bind(2, g.plan_sha256).Bind(3, g.policy).Bind(4, g.first_seed)
      .Bind(5, g.seeds).Bind(6, Now());
  if (auto s = ins.Run(); !s.ok()) return s;
  return sqlite3_last_insert_rowid(db_);
}

absl::StatusOr<RunGroupRecord> Ledger::GetRunGroup(int64_t id) {
  Stmt q(db_, std::string(kGroupColumns) + "WHERE group_id = ?");
  q.Bind(1, id);
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError(absl::StrCat("no run group ", id, " in the ledger"));
  return ReadGroup(q);
}

absl::StatusOr<std::vector<RunGroupRecord>> Ledger::ListRunGroups() {
  Stmt q(db_, std::string(kGroupColumns) + "ORDER BY group_id");
  return CollectRows<RunGroupRecord>(q, ReadGroup);
}

absl::StatusOr<std::vector<RunRecord>> Ledger::ListRunsInGroup(int64_t group) {
  Stmt q(db_, std::string(kRunColumns) + "WHERE group_id = ? ORDER BY seed, run_id");
  q.Bind(1, group);
  return CollectRows<RunRecord>(q, ReadRun);
}

absl::StatusOr<RunRecord> Ledger::GetRun(int64_t id) {
  Stmt q(db_, std::string(kRunColumns) + "WHERE run_id = ?");
  q.Bind(1, id);
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError(absl::StrCat("no run ", id, " in the ledger"));
  return ReadRun(q);
}

absl::StatusOr<RunRecord> Ledger::LatestCompleteRun() {
  Stmt q(db_, std::string(kRunColumns) +
                  "WHERE status = 'complete' ORDER BY run_id DESC LIMIT 1");
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError("the ledger has no complete run");
  return ReadRun(q);
}

absl::StatusOr<std::vector<JobRecord>> Ledger::ListJobs(int64_t run, int offset, int limit) {
  Stmt q(db_,
         "SELECT j.job_id, j.phase, j.project, j.gpus, j.priority, j.submit, j.run_seconds, "
         "  COALESCE(MIN(u.start), -1), "
         // Ended: its productive entries cover all its work (a cancelled
         // run records running jobs up to the stop, short of that).
         "  CASE WHEN SUM(CASE WHEN u.category = 'productive' THEN u.gpu_seconds END) "
         "            = j.gpus * j.run_seconds "
         // and then it ended with its last entry of any kind.
         "       THEN MAX(u.end) ELSE -1 END "
         "FROM jobs j LEFT JOIN usage u "
         "  ON u.run_id = j.run_id AND u.job_id = j.job_id AND u.job_id != '' "
         "WHERE j.run_id = ? GROUP BY j.ordinal ORDER BY j.ordinal LIMIT ? OFFSET ?");
  q.Bind(1, run).Bind(2, limit).Bind(3, offset);
  return CollectRows<JobRecord>(q, [](const Stmt& r) {
    return JobRecord{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4),
                     r.Int64(5), r.Int64(6), r.Int64(7), r.Int64(8)};
  });
}

absl::StatusOr<std::vector<UsageRecord>> Ledger::ListUsage(int64_t run, const UsageFilter& f,
                                                           int64_t after_entry, int limit) {
  Stmt q(db_,
         "SELECT job_id, phase, category, start, end, gpus, gpu_seconds, entry_id, nodes, pool "
         "FROM usage WHERE run_id = ?1 AND entry_id > ?2 "
         "AND (?3 = '' OR job_id = ?3) AND (?4 = '' OR phase = ?4) "
         "AND (?5 = '' OR category = ?5) AND end > ?6 AND (?7 = 0 OR start < ?7) "
         "ORDER BY entry_id LIMIT ?8");
  q.Bind(1, run).Bind(2, after_entry).Bind(3, f.job_id).Bind(4, f.phase)
      .Bind(5, f.category).Bind(6, f.start).Bind(7, f.end).Bind(8, limit);
  return CollectRows<UsageRecord>(q, [](const Stmt& r) {
    UsageRecord u{r.Text(0), r.Text(1), r.Text(2), r.Int64(3), r.Int64(4),
                  r.Int(5), r.Int64(6), r.Int64(7), r.Text(8)};
    ParsePool(r.Text(9), &u.pool);  // only ever written from PoolName
    return u;
  });
}

absl::StatusOr<std::vector<JobEvent>> Ledger::ListJobEvents(int64_t run) {
  Stmt q(db_,
         "SELECT time, job_id, kind, nodes FROM job_events WHERE run_id = ? "
         "ORDER BY event_id");
  q.Bind(1, run);
  return CollectRows<JobEvent>(q, [](const Stmt& r) {
    return JobEvent{r.Int64(0), r.Text(1), r.Text(2), r.Text(3)};
  });
}

absl::StatusOr<std::vector<Ledger::GroupSum>> Ledger::SumByGroup(
    int64_t run, absl::string_view key) {
  // Groups are listed in plan order: by the first job (ordinal) in them.
  // Every job appears, with zero if it used nothing (an incomplete run).
  std::string sql;
  if (key == "job" || key == "phase" || key == "project") {
    const std::string col = absl::StrCat("j.", key == "job" ? "job_id" : key);
    sql = absl::StrCat(
        "SELECT ", col, ", COALESCE(SUM(u.gpu_seconds), 0), "
        "COALESCE(MIN(u.start), 0), COALESCE(MAX(u.end), 0), MIN(j.ordinal) AS o, "
        "COALESCE(SUM(CASE WHEN u.pool = 'on-demand' THEN u.gpu_seconds END), 0) "
        "FROM jobs j LEFT JOIN usage u "
        "  ON u.run_id = j.run_id AND u.job_id = j.job_id AND u.job_id != '' "
        "WHERE j.run_id = ?1 GROUP BY ", col, " ORDER BY o");
  } else if (key == "day") {
    return SumByDay(run);
  } else if (key == "category" || key == "pool") {
    sql = absl::StrCat("SELECT ", key, ", SUM(gpu_seconds), MIN(start), MAX(end), MIN(entry_id) AS o, "
                       "COALESCE(SUM(CASE WHEN pool = 'on-demand' THEN gpu_seconds END), 0) "
                       "FROM usage WHERE run_id = ?1 AND job_id != '' GROUP BY ", key, " ORDER BY o");
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot group by \"", key, "\"; use job, phase, project, category, pool or day"));
  }
  Stmt q(db_, sql);
  q.Bind(1, run);
  return CollectRows<GroupSum>(q, [](const Stmt& r) {
    return GroupSum{r.Text(0), r.Int64(1), r.Int64(2), r.Int64(3), r.Int64(5)};
  });
}

absl::StatusOr<std::vector<Ledger::GroupSum>> Ledger::SumByDay(int64_t run) {
  absl::StatusOr<RunRecord> r = GetRun(run);
  if (!r.ok()) return r.status();
  Stmt q(db_, "SELECT start, end, gpus, pool = 'on-demand' FROM usage WHERE run_id = ? AND job_id != ''");
  q.Bind(1, run);
  std::map<int64_t, GroupSum> days;  // by day index from the run's start
  while (true) {
    absl::StatusOr<bool> row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const int64_t start = q.Int64(0), end = q.Int64(1), gpus = q.Int64(2);
    const bool on_demand = q.Int64(3) != 0;
    ForEachDay(r->sim_start, start, end, [&](int64_t day, int64_t t, int64_t day_end) {
      GroupSum& g = days[day];
      if (g.group.empty()) {
        g.group = DayName(day);
        g.first_start = t;
      }
      g.gpu_seconds += (day_end - t) * gpus;
      if (on_demand) g.on_demand_gpu_seconds += (day_end - t) * gpus;
      g.first_start = std::min(g.first_start, t);
      g.last_end = std::max(g.last_end, day_end);
    });
  }
  std::vector<GroupSum> out;
  for (auto& [day, g] : days) out.push_back(std::move(g));
  return out;
}

absl::StatusOr<Pool> Ledger::CommittedPool(int64_t run) {
  Stmt q(db_, "SELECT pool FROM usage WHERE run_id = ? AND pool IN ('owned', 'reserved') LIMIT 1");
  q.Bind(1, run);
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  Pool pool = Pool::kNone;
  if (*row) ParsePool(q.Text(0), &pool);
  return pool;
}

absl::StatusOr<int64_t> Ledger::CountJobs(int64_t run) {
  Stmt q(db_, "SELECT COUNT(*) FROM jobs WHERE run_id = ?");
  q.Bind(1, run);
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  return q.Int64(0);
}

absl::StatusOr<int64_t> Ledger::IdleGpuSeconds(int64_t run) {
  return CapacityGpuSeconds(run, "idle");
}

absl::StatusOr<int64_t> Ledger::DownGpuSeconds(int64_t run) {
  return CapacityGpuSeconds(run, "down");
}

absl::StatusOr<int64_t> Ledger::CapacityGpuSeconds(int64_t run, absl::string_view category) {
  // Kept with the run when it ends; summed from the entries before then.
  const std::string column = category == "idle" ? "idle_gpu_seconds" : "down_gpu_seconds";
  Stmt q(db_,
         absl::StrCat("SELECT COALESCE((SELECT ", column, " FROM runs WHERE run_id = ?1), "
                      "  (SELECT COALESCE(SUM(gpu_seconds), 0) FROM usage "
                      "   WHERE run_id = ?1 AND job_id = '' AND category = ?2))"));
  q.Bind(1, run).Bind(2, category);
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  return q.Int64(0);
}

// ---------------------------------------------------------------- RunWriter

struct RunWriter::Statements {
  Stmt job;
  Stmt usage;
  Stmt event;
  Statements(sqlite3* db)
      : job(db,
            "INSERT INTO jobs (run_id, ordinal, job_id, phase, project, gpus, "
            "priority, submit, run_seconds) VALUES (?,?,?,?,?,?,?,?,?)"),
        usage(db,
              "INSERT INTO usage (run_id, job_id, phase, category, start, end, "
              "gpus, gpu_seconds, nodes, pool) VALUES (?,?,?,?,?,?,?,?,?,?)"),
        event(db,
              "INSERT INTO job_events (run_id, time, job_id, kind, nodes) "
              "VALUES (?,?,?,?,?)") {}
};

// The thread that writes batches in background mode, and its queue.
class RunWriter::Background {
 public:
  explicit Background(RunWriter* w) : w_(w), thread_([this] { Loop(); }) {}
  ~Background() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();  // batches already handed over are written first
  }

  // Hands a batch over; waits while two are already queued.
  void Submit(Batch batch) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return queue_.size() < 2; });
    queue_.push_back(std::move(batch));
    cv_.notify_all();
  }

  // Waits until every batch handed over is written; the first error.
  absl::Status Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
    return error_;
  }

  absl::Status error() {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      Batch batch = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      cv_.notify_all();
      const bool skip = !error_.ok();
      lock.unlock();
      absl::Status s = skip ? absl::OkStatus() : w_->WriteBatch(batch);
      lock.lock();
      if (!s.ok() && error_.ok()) error_ = s;
      busy_ = false;
      cv_.notify_all();
    }
  }

  RunWriter* w_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  bool busy_ = false;
  bool stop_ = false;
  absl::Status error_;
  std::thread thread_;  // last: starts once the rest is ready
};

RunWriter::RunWriter(sqlite3* db, int64_t run_id, Clock clock)
    : db_(db), run_id_(run_id), clock_(std::move(clock)), stmts_(std::make_unique<Statements>(db)) {}

RunWriter::~RunWriter() {
  // Rows not handed over are dropped, like an open transaction; batches
  // handed over are written, like committed ones.
  background_.reset();
  if (in_transaction_) {
    // Drop the open batch; the run stays "running" (incomplete).
    stmts_.reset();
    Exec(db_, "ROLLBACK").IgnoreError();
  }
}

absl::Status RunWriter::Begin() {
  if (in_transaction_) return absl::OkStatus();
  if (auto s = Exec(db_, "BEGIN IMMEDIATE"); !s.ok()) return s;
  in_transaction_ = true;
  return absl::OkStatus();
}

absl::Status RunWriter::MaybeFlush() {
  if (++pending_ < kRowsPerTransaction) return absl::OkStatus();
  return Commit();
}

absl::Status RunWriter::Flush() {
  if (background_ != nullptr) {
    background_->Submit(std::exchange(buffer_, Batch{}));
    return background_->Wait();
  }
  return Commit();
}

absl::Status RunWriter::Commit() {
  if (!in_transaction_) return absl::OkStatus();
  if (auto s = Exec(db_, "COMMIT"); !s.ok()) return s;
  in_transaction_ = false;
  pending_ = 0;
  return absl::OkStatus();
}

void RunWriter::WriteInBackground() {
  if (background_ == nullptr) background_ = std::make_unique<Background>(this);
}

absl::Status RunWriter::AppendUsage(const UsageRecord& u) {
  if (background_ == nullptr) {
    if (auto s = WriteUsage(u); !s.ok()) return s;
    return MaybeFlush();
  }
  buffer_.usage.push_back(u);
  if (buffer_.usage.size() + buffer_.events.size() < kRowsPerTransaction) return absl::OkStatus();
  background_->Submit(std::exchange(buffer_, Batch{}));
  return background_->error();
}

absl::Status RunWriter::AppendJobEvent(const JobEvent& e) {
  if (background_ == nullptr) {
    if (auto s = WriteEvent(e); !s.ok()) return s;
    return MaybeFlush();
  }
  buffer_.events.push_back(e);
  return absl::OkStatus();
}

absl::Status RunWriter::AppendJob(int64_t ordinal, const JobRecord& job) {
  if (background_ == nullptr) return WriteJob(ordinal, job);
  buffer_.jobs.emplace_back(ordinal, job);
  if (buffer_.jobs.size() < static_cast<size_t>(kRowsPerTransaction)) return absl::OkStatus();
  background_->Submit(std::exchange(buffer_, Batch{}));
  return background_->error();
}

absl::Status RunWriter::WriteBatch(const Batch& batch) {
  for (const auto& [ordinal, job] : batch.jobs) {
    if (auto s = WriteJob(ordinal, job); !s.ok()) return s;
  }
  for (const UsageRecord& u : batch.usage) {
    if (auto s = WriteUsage(u); !s.ok()) return s;
  }
  for (const JobEvent& e : batch.events) {
    if (auto s = WriteEvent(e); !s.ok()) return s;
  }
  if (batch.finish) {
    if (auto s = WriteFinish(*batch.finish); !s.ok()) return s;
  }
  return Commit();
}

absl::Status RunWriter::WriteJob(int64_t ordinal, const JobRecord& j) {
  if (auto s = Begin(); !s.ok()) return s;
  Stmt& q = stmts_->job;
  q.Reset();
  q.Bind(1, run_id_).Bind(2, ordinal).BindStatic(3, j.job_id).BindStatic(4, j.phase)
      .BindStatic(5, j.project).Bind(6, j.gpus).Bind(7, j.priority).Bind(8, j.submit)
      .Bind(9, j.run_seconds);
  return q.Run();
}

absl::Status RunWriter::WriteUsage(const UsageRecord& u) {
  if (auto s = Begin(); !s.ok()) return s;
  Stmt& q = stmts_->usage;
  q.Reset();
  // The record outlives the step: no copies of its strings.
  q.Bind(1, run_id_).BindStatic(2, u.job_id).BindStatic(3, u.phase).BindStatic(4, u.category)
      .Bind(5, u.start).Bind(6, u.end).Bind(7, u.gpus).Bind(8, u.gpu_seconds)
      .BindStatic(9, u.nodes).BindStatic(10, PoolName(u.pool));
  return q.Run();
}

absl::Status RunWriter::WriteEvent(const JobEvent& e) {
  if (auto s = Begin(); !s.ok()) return s;
  Stmt& q = stmts_->event;
  q.Reset();
  q.Bind(1, run_id_).Bind(2, e.time).BindStatic(3, e.job_id).BindStatic(4, e.kind)
      .BindStatic(5, e.nodes);
  return q.Run();
}

absl::Status RunWriter::Finish(RunStatus status, int64_t sim_start,
                               int64_t sim_end, absl::string_view metrics,
                               int64_t idle_gpu_seconds, int64_t down_gpu_seconds) {
  FinishArgs f{status, sim_start, sim_end, std::string(metrics), idle_gpu_seconds,
               down_gpu_seconds};
  if (background_ != nullptr) {
    // The last rows and the run's end in one transaction, then no thread.
    buffer_.finish = std::move(f);
    background_->Submit(std::exchange(buffer_, Batch{}));
    absl::Status s = background_->Wait();
    background_.reset();
    return s;
  }
  if (auto s = WriteFinish(f); !s.ok()) return s;
  return Commit();
}

absl::Status RunWriter::WriteFinish(const FinishArgs& f) {
  if (auto s = Begin(); !s.ok()) return s;
  Stmt q(db_,
         "UPDATE runs SET status = ?, wall_end = ?, sim_start = ?, sim_end = ?, metrics = ?, "
         // Summed from the entries (this transaction sees its own) unless given.
         "idle_gpu_seconds = CASE WHEN ?7 >= 0 THEN ?7 ELSE "
         "  (SELECT COALESCE(SUM(gpu_seconds), 0) FROM usage "
         "   WHERE run_id = ?6 AND job_id = '' AND category = 'idle') END, "
         "down_gpu_seconds = CASE WHEN ?8 >= 0 THEN ?8 ELSE "
         "  (SELECT COALESCE(SUM(gpu_seconds), 0) FROM usage "
         "   WHERE run_id = ?6 AND job_id = '' AND category = 'down') END "
         "WHERE run_id = ?6");
  q.BindStatic(1, RunStatusName(f.status)).Bind(2, Iso8601(clock_)).Bind(3, f.sim_start).Bind(4, f.sim_end)
      .Bind(5, f.metrics).Bind(6, run_id_).Bind(7, f.idle_gpu_seconds)
      .Bind(8, f.down_gpu_seconds);
  return q.Run();
}

}  // namespace gpuledger::ledger

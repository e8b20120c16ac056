// The ledger: a SQLite file holding runs, their jobs and every GPU-second
// they used, append-only. Each run has one writer (a RunWriter on its own
// connection); several runs may be written at once (run groups, the server's
// comparisons), their transactions taking turns (BEGIN IMMEDIATE, a busy
// timeout). Readers open their own connections and, in WAL mode, never see
// half a transaction.
#ifndef GPULEDGER_LEDGER_STORE_H_
#define GPULEDGER_LEDGER_STORE_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;

namespace gpuledger::ledger {

// Current schema version, kept in PRAGMA user_version.
inline constexpr int kSchemaVersion = 13;

// A run's status. Only complete runs count in reports unless partial figures
// are asked for; running is what an interrupted replay leaves behind;
// abandoned is a run left running by a writer that died, closed by
// `gpuledger ledger repair` (its rows stay, and no report counts it). The
// ledger stores the name.
enum class RunStatus { kRunning, kComplete, kFailed, kCancelled, kAbandoned };
// "running", "complete", "failed", "cancelled", "abandoned".
const char* RunStatusName(RunStatus status);
// The status of that name; false (and *status unchanged) for any other text.
bool ParseRunStatus(absl::string_view name, RunStatus* status);

// The capacity pool an entry ran on (docs/compare.md): a strategy's
// committed cluster (owned or reserved) or on-demand capacity beside it;
// kNone for a plain replay's cluster. The ledger stores the name.
enum class Pool { kNone, kOwned, kReserved, kOnDemand };
// "", "owned", "reserved", "on-demand".
const char* PoolName(Pool pool);
// The pool of that name; false (and *pool unchanged) for any other text.
bool ParsePool(absl::string_view name, Pool* pool);

// One pool of a mixed cluster as its run records it.
struct RunPool {
  std::string name;
  std::string gpu_model;
  int nodes = 0;  // spares included
  int gpus_per_node = 0;
  double gpu_tdp_watts = 0;
  int64_t available_from = 0;  // simulated seconds: in service from then
  int64_t retired_at = -1;     // until then; -1: never
  // A fleet strategy's pool: owned or on demand (what its entries are
  // priced as); kNone for a plain replay's pool.
  Pool capacity = Pool::kNone;
  int64_t total_gpus() const { return static_cast<int64_t>(nodes) * gpus_per_node; }
  bool operator==(const RunPool&) const = default;
};
// runs.pools: a line per pool, its fields in that order, tab-separated
// (names and models hold no control characters), the capacity only when
// set; "" for none.
std::string FormatRunPools(const std::vector<RunPool>& pools);
absl::StatusOr<std::vector<RunPool>> ParseRunPools(absl::string_view text);

struct RunRecord {
  int64_t id = 0;
  std::string plan_name;
  std::string plan_source;  // path or name the plan came from
  std::string plan_sha256;
  std::string gpu_model;  // e.g. "H800"
  int nodes = 0;
  int gpus_per_node = 0;
  double gpu_tdp_watts = 0;  // watts, for the owned view's energy
  std::string policy;        // e.g. "fcfs"
  int64_t seed = 0;
  std::string pricing;     // gpuledger.v1.Pricing, text format
  std::string wall_start;  // UTC, ISO 8601
  std::string wall_end;    // empty until the run ends
  int64_t sim_start = 0;   // simulated seconds
  int64_t sim_end = 0;
  RunStatus status = RunStatus::kRunning;
  std::string metrics;   // gpuledger.v1.RunMetrics, text format; empty until it ends
  int64_t group_id = 0;  // its run group (replays over seeds); 0: none
  std::string strategy;  // the capacity strategy it was replayed under; "" for none
  // The UTC instant (seconds since 1970) of simulated second 0, when the
  // plan or trace set a start date; unset: the run has no calendar and its
  // days are counted ("day 1", ...) from its simulated start.
  std::optional<int64_t> start_utc;
  // A mixed cluster's pools, which its usage entries name by index
  // (UsageRecord::gpu_pool); empty for a cluster of one pool, which
  // gpu_model, nodes, gpus_per_node and gpu_tdp_watts describe (for a mixed
  // one: its first pool's model, every pool's nodes, gpus_per_node 0).
  std::vector<RunPool> pools;

  int64_t total_gpus() const {
    if (pools.empty()) return static_cast<int64_t>(nodes) * gpus_per_node;
    int64_t gpus = 0;
    for (const RunPool& p : pools) gpus += p.total_gpus();
    return gpus;
  }
};

// Replays of one plan with seeds first_seed .. first_seed + seeds - 1.
struct RunGroupRecord {
  int64_t id = 0;
  std::string plan_name;
  std::string plan_sha256;
  std::string policy;
  int64_t first_seed = 0;
  int seeds = 0;
  std::string created;  // UTC, ISO 8601
};

struct JobRecord {
  std::string job_id;
  std::string phase;  // "pretrain", "rl", ...
  std::string project;
  int gpus = 0;
  int priority = 0;
  int64_t submit = 0;       // simulated seconds
  int64_t run_seconds = 0;  // the work as time on `gpus` GPUs (a mixed cluster's first pool)
  // Read back only (from the usage entries): first start, and the end once all
  // its work is recorded (a mixed cluster's: once the run is complete); -1 if none.
  int64_t started = -1;
  int64_t ended = -1;
};

// What a report groups a run's usage by (--by, GetCostReport's group_by).
// Weeks, months and quarters are unions of days, summed from a run's days.
enum class GroupBy {
  kJob,
  kPhase,
  kProject,
  kCategory,
  kPool,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kModel,  // the GPU model of the cluster pool an entry used
};
inline constexpr GroupBy kGroupBys[] = {
    GroupBy::kJob, GroupBy::kPhase, GroupBy::kProject, GroupBy::kCategory, GroupBy::kPool,
    GroupBy::kDay, GroupBy::kWeek,  GroupBy::kMonth,   GroupBy::kQuarter,  GroupBy::kModel};
// "job", "phase", "project", "category", "pool", "day", "week", "month",
// "quarter", "model".
const char* GroupByName(GroupBy by);
// The grouping of that name; false (and *by unchanged) for any other text.
bool ParseGroupBy(absl::string_view name, GroupBy* by);
// Whether `by` is a period of time (day, week, month, quarter).
bool IsPeriod(GroupBy by);
// Whether a complete run stores its totals by `by` (not by job, whose rows
// are its jobs', nor weeks, months or quarters, summed from its days).
bool IsStoredGrouping(GroupBy by);

// One usage entry: `gpus` GPUs spent [start, end) on `category`. Cluster-wide
// entries (idle) have an empty job_id and phase.
struct UsageRecord {
  std::string job_id;
  std::string phase;
  std::string category;  // "productive", "idle", ...
  int64_t start = 0;
  int64_t end = 0;
  int gpus = 0;
  int64_t gpu_seconds = 0;  // (end - start) x gpus
  int64_t entry_id = 0;     // read back only: position in the ledger
  std::string nodes;        // a job's nodes: "0-255", or "3[4]" for 4 GPUs of node 3
  Pool pool = Pool::kNone;
  // Written only: the job's ordinal (its place in the run's jobs) for a
  // job's entry, so the writer can keep per-group totals; -1 where unknown
  // (the run's reports then sum its entries).
  int64_t job = -1;
  // The cluster pool it used (an index into RunRecord::pools); 0 on a
  // cluster of one pool.
  int gpu_pool = 0;
};

// The categories a usage entry may have (scheduler::CategoryName's names).
inline constexpr absl::string_view kCategories[] = {"productive",   "checkpoint", "lost", "restart",
                                                    "provisioning", "idle",       "down"};
// The index of category `name` in kCategories, or -1.
int CategoryIndex(absl::string_view name);

// Which usage entries to list; empty strings and zero times match anything.
struct UsageFilter {
  std::string job_id;
  std::string phase;
  std::string category;
  int64_t start = 0;  // entries overlapping [start, end) of simulated time
  int64_t end = 0;    // 0: no upper bound
};

// What usage entries cannot show: a job "preempt"ed (stopped for a higher
// priority) or "interrupt"ed by a node failure (nodes: the failed node;
// cause: the failure model's name of the cause, "" for ledgers before
// schema 10); both requeue it.
struct JobEvent {
  int64_t time = 0;
  std::string job_id;
  std::string kind;  // "preempt" or "interrupt"
  std::string nodes;
  std::string cause;
};

// A comparison of strategies (gpuledger compare) kept with its runs: what
// it found, as its caller serialized it (compare/ writes a
// gpuledger.v1.CompareStrategiesResponse), so its page can be shown again.
struct ComparisonRecord {
  int64_t id = 0;
  std::string plan_name;
  std::string created;  // UTC, ISO 8601
  std::string results;  // bytes
};

// A run's calendar: where its days begin and, if it has a start date,
// the UTC instant of simulated second 0. A dated run's days, ISO weeks,
// months and quarters are the UTC calendar's ("2024-12-26", "2024-W52",
// "2024-12", "2024-Q4"); an undated run's days and weeks are counted from
// its simulated start ("day 1", "week 1": seven days), and it has no
// months or quarters (docs/metrics.md, "Periods").
struct RunCalendar {
  int64_t sim_start = 0;
  std::optional<int64_t> start_utc;

  bool dated() const { return start_utc.has_value(); }
  // OK, or InvalidArgument saying why `by` (a period) needs a start date.
  absl::Status CanGroup(GroupBy by, int64_t run_id) const;
  // The index of the day holding simulated second `t`: days since 1970 for
  // a dated run, days since its start for another; and that day's end.
  int64_t DayIndex(int64_t t) const;
  int64_t DayEnd(int64_t day_index) const;
  std::string DayLabel(int64_t day_index) const;
  // The label of the period `by` (day, week, month or quarter) holding `t`;
  // CanGroup(by) must be OK.
  std::string PeriodLabel(GroupBy by, int64_t t) const;
};
inline RunCalendar CalendarOf(const RunRecord& run) { return {run.sim_start, run.start_utc}; }

// Calls f(day_index, from, to) for each day of `calendar` that [start, end)
// touches, in order.
template <typename F>
void ForEachDay(const RunCalendar& calendar, int64_t start, int64_t end, const F& f) {
  for (int64_t t = start; t < end;) {
    const int64_t day = calendar.DayIndex(t);
    const int64_t day_end = std::min(end, calendar.DayEnd(day));
    f(day, t, day_end);
    t = day_end;
  }
}

// What Ledger::Verify found (`gpuledger ledger verify`).
struct Verification {
  // Each names the run (or the file's check) and what differs; none: sound.
  // At most five a run are listed; problem_count counts every one.
  std::vector<std::string> problems;
  int64_t problem_count = 0;
  std::map<std::string, int64_t> runs_by_status;  // by RunStatusName
  int64_t runs = 0, groups = 0;
  int64_t incomplete_groups = 0;  // groups with fewer complete runs than seeds
  int64_t jobs = 0, entries = 0, events = 0;
  int64_t digests = 0;  // finished runs whose content digest matched
  bool sound() const { return problems.empty(); }
};

class RunWriter;
class GroupTotals;
class RunDigest;
class StmtCache;  // ledger/sqlite.h

// The wall clock a ledger writes (a run's wall_start and wall_end, a group's
// creation, an abandonment), as UTC seconds since 1970. Tests give a fixed
// one, so that a whole ledger can be compared byte for byte.
using Clock = std::function<int64_t()>;
// The system clock; or, when the environment sets SOURCE_DATE_EPOCH to a
// whole number of seconds (the reproducible-builds convention), that
// instant: the same replay then writes the same bytes. Another value of it
// is ignored.
Clock DefaultClock();

class Ledger {
 public:
  // Opens the ledger at `path` for writing, in WAL mode, migrating its
  // schema to kSchemaVersion (migrated_from() tells from which); creates it
  // if `create`, else a missing file is NotFound. Fails if the file is not a
  // ledger or its schema is newer.
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(const std::string& path, bool create = true,
                                                      Clock clock = DefaultClock());
  // Opens the ledger at `path` for reading only: it never creates, migrates
  // or writes anything, and works in a folder it cannot write. NotFound if
  // there is no file; FailedPrecondition for a file that is not a ledger or
  // whose schema is older (it names `gpuledger ledger migrate`) or newer.
  static absl::StatusOr<std::unique_ptr<Ledger>> OpenForReading(const std::string& path);
  // True if the file's schema is still this gpuledger's (a reader kept
  // open may see the file overwritten by another).
  bool SchemaIsCurrent();
  // The schema version the file had before Open migrated it; 0 if Open
  // created it or it was current.
  int migrated_from() const { return migrated_from_; }
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Writes the run (status "running") and its jobs in one transaction and
  // returns the writer that appends the rest. `run.id` is ignored;
  // `run.sim_start` is where the run's days will start (its reports by day).
  absl::StatusOr<std::unique_ptr<RunWriter>> StartRun(const RunRecord& run,
                                                      const std::vector<JobRecord>& jobs);
  // As above, with the jobs produced one at a time (`job(i, &record)` fills
  // job i of `count`), so a million-job trace is never held twice. With
  // `background`, the writer writes in the background from the start (see
  // RunWriter::WriteInBackground) and the jobs go with its first batches:
  // the run's row is committed first, alone.
  absl::StatusOr<std::unique_ptr<RunWriter>> StartRun(
      const RunRecord& run, size_t count, const std::function<void(size_t, JobRecord*)>& job,
      bool background = false);

  // Runs with id > after_id, oldest first, at most `limit` (< 0: all).
  // With `group` > 0, only that group's runs.
  absl::StatusOr<std::vector<RunRecord>> ListRuns(int64_t after_id = 0, int limit = -1,
                                                  int64_t group = 0);
  // NotFound if there is no such run.
  absl::StatusOr<RunRecord> GetRun(int64_t id);
  // Run groups: a group is created before its runs, which name it.
  absl::StatusOr<int64_t> CreateRunGroup(const RunGroupRecord& group);
  absl::StatusOr<RunGroupRecord> GetRunGroup(int64_t id);
  absl::StatusOr<std::vector<RunGroupRecord>> ListRunGroups();
  // Keeps a comparison; returns its id (append-only, like runs).
  absl::StatusOr<int64_t> AddComparison(const ComparisonRecord& comparison);
  absl::StatusOr<ComparisonRecord> GetComparison(int64_t id);
  // Every comparison by id, without their results.
  absl::StatusOr<std::vector<ComparisonRecord>> ListComparisons();
  // The group's runs by seed.
  absl::StatusOr<std::vector<RunRecord>> ListRunsInGroup(int64_t group);
  // The newest run with status complete; NotFound if there is none.
  absl::StatusOr<RunRecord> LatestCompleteRun();
  // Jobs of a run in plan order, skipping the first `offset`, at most
  // `limit` (< 0: all), with their first start and, once all their work is
  // recorded, their end, from the usage entries.
  absl::StatusOr<std::vector<JobRecord>> ListJobs(int64_t run, int offset = 0, int limit = -1);
  // Usage entries of a run in the order they were written: those matching
  // `filter` with entry_id > after_entry, at most `limit` (< 0: all).
  absl::StatusOr<std::vector<UsageRecord>> ListUsage(int64_t run, const UsageFilter& filter = {},
                                                     int64_t after_entry = 0, int limit = -1);
  absl::StatusOr<std::vector<JobEvent>> ListJobEvents(int64_t run);
  absl::StatusOr<int64_t> CountJobs(int64_t run);

  // GPU-seconds of a run summed per group, in first-appearance (plan) order;
  // grouped by `key`. Periods are the run's calendar's (RunCalendar), in
  // time order, and an entry that spans midnight is split between its days;
  // a month or quarter of an undated run is InvalidArgument. Idle and other
  // cluster-wide entries are left out; IdleGpuSeconds gives those.
  struct GroupSum {
    std::string group;
    int64_t gpu_seconds = 0;
    int64_t first_start = 0;            // earliest start of the group's entries
    int64_t last_end = 0;               // latest end of the group's entries
    int64_t on_demand_gpu_seconds = 0;  // the part held on on-demand capacity
    // Only when summed with cuts (SumEntriesByGroup): the GPU-seconds (and
    // their on-demand part) in each segment between the cuts, segment k
    // being [cuts[k-1], cuts[k]) (from the first entry, to the last).
    std::vector<int64_t> segments, on_demand_segments;
  };
  absl::StatusOr<std::vector<GroupSum>> SumByGroup(int64_t run, GroupBy key);
  // The same, always summed from the run's entries (never from the totals a
  // complete run stores; SumByGroup reads those): what the totals are
  // checked against. With `cuts` (increasing simulated seconds), each group
  // also holds its GPU-seconds between consecutive cuts (GroupSum::segments,
  // cuts.size() + 1 of them): what prices that move are charged on.
  // `gpu_pool` >= 0: only the entries of that pool of a mixed cluster.
  absl::StatusOr<std::vector<GroupSum>> SumEntriesByGroup(
      int64_t run, GroupBy key, const std::vector<int64_t>* cuts = nullptr, int gpu_pool = -1);
  // The run's idle and down GPU-seconds in each segment between `cuts`.
  struct CapacitySegments {
    std::vector<int64_t> idle, down;
  };
  absl::StatusOr<CapacitySegments> CapacityInSegments(int64_t run,
                                                      const std::vector<int64_t>& cuts,
                                                      int gpu_pool = -1);
  absl::StatusOr<int64_t> IdleGpuSeconds(int64_t run, int gpu_pool = -1);
  // GPU-seconds of nodes under repair (category "down").
  absl::StatusOr<int64_t> DownGpuSeconds(int64_t run, int gpu_pool = -1);
  // The pool a strategy run's cluster was: owned, reserved, or kNone (all
  // on demand, or a plain replay).
  absl::StatusOr<Pool> CommittedPool(int64_t run);

  // Closes runs left "running" by a writer that died: marks them abandoned
  // (their rows stay) when their writer process is gone from this host, or,
  // with `force`, every running run (even one whose writer's process id is
  // alive: it may have been reused). One entry per running run, with
  // what was done and why.
  struct Repair {
    int64_t run = 0;
    std::string writer;  // "HOST:PID", "" before schema 6
    bool abandoned = false;
    std::string why;
  };
  absl::StatusOr<std::vector<Repair>> RepairRuns(bool force);

  // Checks the whole ledger in one snapshot, writing nothing: SQLite's
  // integrity and foreign-key checks; every run's entries (each an
  // interval an entry may hold, of a job the run has, within a finished
  // run's window); for a complete run, that busy + idle + down GPU-seconds
  // of its own cluster equal its GPUs x its window, that its stored idle
  // and down totals and per-group totals equal its entries', and that every
  // job's productive GPU-seconds equal its work; that every finished run's
  // content digest (stored when it ended) is what its contents give; that
  // each group member names its group and fits it. An error only if the
  // ledger cannot be read at all.
  absl::StatusOr<Verification> Verify();

  sqlite3* db() { return db_; }

 private:
  // Weeks, months or quarters of a run, from its days (stored, or summed
  // from its entries).
  absl::StatusOr<std::vector<GroupSum>> SumPeriods(int64_t run, GroupBy key, bool from_entries, int gpu_pool,
                                                   const std::vector<int64_t>* cuts = nullptr);
  Ledger(sqlite3* db, Clock clock);
  std::string Now() const;
  absl::StatusOr<int64_t> CapacityGpuSeconds(int64_t run, absl::string_view category,
                                             int gpu_pool);
  sqlite3* db_;
  // The reads' prepared statements, kept for the connection's next calls.
  std::unique_ptr<StmtCache> stmts_;
  Clock clock_;
  int migrated_from_ = 0;
};

// Adds an entry's piece of `gpus` GPUs over [start, end) on `pool` to `g`;
// `first` says it is the group's first (its start and end then stand
// alone). With `cuts`, also to the group's segments between them (sized on
// first use). What every sum of groups adds with: the ledger's, and a
// report's usage not yet written.
void AddToGroup(Ledger::GroupSum& g, bool first, int64_t start, int64_t end, int64_t gpus,
                Pool pool, const std::vector<int64_t>* cuts = nullptr);

// Appends one run's events and usage in batched transactions: the first
// append opens one, and it commits after kRowsPerTransaction rows or at
// Flush. Finish marks the run with its final status in the same transaction
// as the last batch. A writer dropped without Finish discards its open batch
// and leaves the run "running": visibly incomplete, never reported as
// complete. Writers may share their Ledger's connection if each flushes
// before another appends (the server runs them on one thread).
struct EntryRow;   // ledger/entries.h
struct EntryRows;

class RunWriter {
 public:
  ~RunWriter();
  int64_t run_id() const { return run_id_; }

  // From here on, batches are written by a thread of the writer's own while
  // the caller goes on appending (a replay's scheduler and SQLite then use
  // both cores). Nobody else may use the ledger's connection until the writer
  // is finished or dropped. An error of the background thread is returned by
  // the next call. Not for writers that share a connection.
  // What was appended before is committed first.
  absl::Status WriteInBackground();

  absl::Status AppendUsage(const UsageRecord& usage);
  // The same entry as plain values, for a writer that knows its job's
  // ordinal (-1: cluster-wide) and its category's index in kCategories: no
  // strings on the caller's side (a replay's sink). Refused as AppendUsage
  // refuses, and for an ordinal the run has no job of.
  absl::Status AppendEntry(int64_t job, int category, int64_t start, int64_t end, int gpus,
                           Pool pool, absl::string_view nodes = {}, int gpu_pool = 0);
  absl::Status AppendJobEvent(const JobEvent& event);
  // Commits everything appended so far.
  absl::Status Flush();
  // status is complete, failed or cancelled; metrics is a text-format
  // gpuledger.v1.RunMetrics (may be empty); idle_gpu_seconds and
  // down_gpu_seconds the run's totals as the caller counted them, or -1 to
  // sum them from the entries.
  absl::Status Finish(RunStatus status, int64_t sim_start, int64_t sim_end,
                      absl::string_view metrics = "", int64_t idle_gpu_seconds = -1,
                      int64_t down_gpu_seconds = -1);

 private:
  friend class Ledger;
  RunWriter(sqlite3* db, int64_t run_id, Clock clock, const RunCalendar& calendar);
  struct FinishArgs {
    RunStatus status;
    int64_t sim_start, sim_end;
    std::string metrics;
    int64_t idle_gpu_seconds;
    int64_t down_gpu_seconds;
  };
  // Rows handed to the background thread as plain structs (run_writer.cc).
  struct Batch;
  class Background;

  absl::Status Begin();
  absl::Status Commit();
  absl::Status MaybeFlush();
  // Jobs first..first+count-1, packed (JobPacker).
  absl::Status AppendJobs(int64_t first, int64_t count, std::string packed);
  // Entries are held until their transaction commits, then written as one
  // packed batch.
  // Appends a checked row (and its nodes' text) where it belongs: the
  // background batch, or the open transaction's pending rows.
  absl::Status AppendRow(const EntryRow& row, absl::string_view nodes);
  absl::Status WritePending();
  absl::Status WritePacked(const EntryRows& rows);
  // The ordinal of an entry's job (-1 for a cluster-wide entry): the one it
  // carries, else found by its id among the jobs written (on the thread
  // that owns the connection).
  absl::StatusOr<int64_t> OrdinalOf(const UsageRecord& usage);
  // What every entry adds as it is written: the totals, the idle and down
  // sums, the digest.
  void Account(const EntryRow& row, absl::string_view nodes);
  absl::Status WriteEvent(const JobEvent& event);
  absl::Status WriteFinish(const FinishArgs& finish);
  // A complete run's per-group totals; `stored` gets the groupings written
  // ("phase,project,..."), "" when none are.
  absl::Status WriteTotals(const FinishArgs& finish, std::string* stored);
  // Writes a batch in one transaction (the background thread's work).
  absl::Status WriteBatch(const Batch& batch);

  sqlite3* db_;
  int64_t run_id_;
  Clock clock_;
  int pending_ = 0;
  bool in_transaction_ = false;
  struct Statements;
  std::unique_ptr<Statements> stmts_;
  std::unique_ptr<Batch> buffer_;  // background mode: rows not yet handed over
  // Per-group totals of what has been written (by the writing thread only);
  // stored with a complete run.
  std::unique_ptr<GroupTotals> totals_;
  // The run's content digest so far (ledger/digest.h), by the writing thread.
  std::unique_ptr<RunDigest> digest_;
  std::unique_ptr<EntryRows> pending_rows_;  // written at the next commit
  // Job ids to ordinals, read back when an entry comes without its ordinal.
  struct JobOrdinals;
  std::unique_ptr<JobOrdinals> ordinals_;
  int64_t idle_gpu_seconds_ = 0, down_gpu_seconds_ = 0;
  int64_t jobs_ = 0;  // the run's jobs, written when it started
  std::unique_ptr<Background> background_;
};

// Rows appended per transaction by a RunWriter.
inline constexpr int kRowsPerTransaction = 50000;
// Jobs per packed batch: small enough that reading one job unpacks little.
inline constexpr int64_t kJobsPerBatch = 4096;

}  // namespace gpuledger::ledger

#endif  // GPULEDGER_LEDGER_STORE_H_

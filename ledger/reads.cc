// Reading a ledger: runs, groups, jobs, usage entries and their sums.
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

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/sqlite.h"
#include "ledger/store_internal.h"

namespace gpuledger::ledger {

namespace {

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

absl::StatusOr<std::vector<RunRecord>> Ledger::ListRuns(int64_t after_id, int limit,
                                                        int64_t group) {
  Stmt q(db_, std::string(kRunColumns) +
                  "WHERE run_id > ?1 AND (?3 = 0 OR group_id = ?3) ORDER BY run_id LIMIT ?2");
  q.Bind(1, after_id).Bind(2, limit).Bind(3, group);
  return CollectRows<RunRecord>(q, ReadRun);
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
  Stmt q(db_, std::string(kRunColumns) + "WHERE status = 'complete' ORDER BY run_id DESC LIMIT 1");
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
    return JobRecord{r.Text(0),  r.Text(1),  r.Text(2),  r.Int(3),  r.Int(4),
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
  q.Bind(1, run)
      .Bind(2, after_entry)
      .Bind(3, f.job_id)
      .Bind(4, f.phase)
      .Bind(5, f.category)
      .Bind(6, f.start)
      .Bind(7, f.end)
      .Bind(8, limit);
  return CollectRows<UsageRecord>(q, [](const Stmt& r) {
    UsageRecord u{r.Text(0), r.Text(1),  r.Text(2),  r.Int64(3), r.Int64(4),
                  r.Int(5),  r.Int64(6), r.Int64(7), r.Text(8)};
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

absl::StatusOr<std::vector<Ledger::GroupSum>> Ledger::SumByGroup(int64_t run, GroupBy key) {
  // A complete run's totals, where its writer stored them for this grouping.
  Stmt has(db_,
           "SELECT 1 FROM runs WHERE run_id = ?1 AND status = 'complete' AND "
           "instr(',' || totals || ',', ',' || ?2 || ',') > 0");
  has.Bind(1, run).BindStatic(2, GroupByName(key));
  absl::StatusOr<bool> stored = has.Step();
  if (!stored.ok()) return stored.status();
  if (!*stored) return SumEntriesByGroup(run, key);
  Stmt q(db_,
         "SELECT grp, gpu_seconds, first_start, last_end, on_demand_gpu_seconds FROM "
         "group_totals WHERE run_id = ? AND grouping = ? ORDER BY ordinal");
  q.Bind(1, run).BindStatic(2, GroupByName(key));
  return CollectRows<GroupSum>(q, [](const Stmt& r) {
    return GroupSum{r.Text(0), r.Int64(1), r.Int64(2), r.Int64(3), r.Int64(4)};
  });
}

absl::StatusOr<std::vector<Ledger::GroupSum>> Ledger::SumEntriesByGroup(int64_t run, GroupBy key) {
  // Groups are listed in plan order: by the first job (ordinal) in them.
  // Every job appears, with zero if it used nothing (an incomplete run).
  std::string sql;
  switch (key) {
    case GroupBy::kJob:
    case GroupBy::kPhase:
    case GroupBy::kProject: {
      const std::string col =
          absl::StrCat("j.", key == GroupBy::kJob ? "job_id" : GroupByName(key));
      sql = absl::StrCat("SELECT ", col,
                         ", COALESCE(SUM(u.gpu_seconds), 0), "
                         "COALESCE(MIN(u.start), 0), COALESCE(MAX(u.end), 0), MIN(j.ordinal) AS o, "
                         "COALESCE(SUM(CASE WHEN u.pool = 'on-demand' THEN u.gpu_seconds END), 0) "
                         "FROM jobs j LEFT JOIN usage u "
                         "  ON u.run_id = j.run_id AND u.job_id = j.job_id AND u.job_id != '' "
                         "WHERE j.run_id = ?1 GROUP BY ",
                         col, " ORDER BY o");
      break;
    }
    case GroupBy::kDay:
      return SumByDay(run);
    case GroupBy::kCategory:
    case GroupBy::kPool:
      sql = absl::StrCat("SELECT ", GroupByName(key),
                         ", SUM(gpu_seconds), MIN(start), MAX(end), MIN(entry_id) AS o, "
                         "COALESCE(SUM(CASE WHEN pool = 'on-demand' THEN gpu_seconds END), 0) "
                         "FROM usage WHERE run_id = ?1 AND job_id != '' GROUP BY ",
                         GroupByName(key), " ORDER BY o");
      break;
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
  Stmt q(
      db_,
      "SELECT start, end, gpus, pool = 'on-demand' FROM usage WHERE run_id = ? AND job_id != ''");
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
  // Ordinals are 0, 1, ... in each run: the last one is a seek, where
  // COUNT(*) would read every job of the run.
  Stmt q(db_, "SELECT COALESCE(MAX(ordinal) + 1, 0) FROM jobs WHERE run_id = ?");
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
  Stmt q(db_, absl::StrCat("SELECT COALESCE((SELECT ", column,
                           " FROM runs WHERE run_id = ?1), "
                           "  (SELECT COALESCE(SUM(gpu_seconds), 0) FROM usage "
                           "   WHERE run_id = ?1 AND job_id = '' AND category = ?2))"));
  q.Bind(1, run).Bind(2, category);
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  return q.Int64(0);
}

}  // namespace gpuledger::ledger

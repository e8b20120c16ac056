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
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/entries.h"
#include "ledger/sqlite.h"
#include "ledger/store_internal.h"
#include "ledger/totals.h"

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
  if (!q.Null(19)) r.start_utc = q.Int64(19);
  // Written by FormatRunPools: unreadable only if edited by hand, when
  // verify says so (the run then reads as one pool).
  if (absl::StatusOr<std::vector<RunPool>> pools = ParseRunPools(q.Text(20)); pools.ok()) {
    r.pools = *std::move(pools);
  }
  return r;
}

constexpr const char* kRunColumns =
    "SELECT run_id, plan_name, plan_source, plan_sha256, gpu_model, nodes, "
    "gpus_per_node, gpu_tdp_watts, policy, seed, pricing, wall_start, wall_end, "
    "sim_start, sim_end, status, metrics, COALESCE(group_id, 0), strategy, start_utc, pools "
    "FROM runs ";

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

// Steps `q` (rows: the first number of a batch, its count, its packed
// bytes) and calls f(number, item) for each item `unpack` reads, numbered
// from the batch's first, from `from` on, until f returns false; DataLoss
// names the run, `what` and the batch.
template <typename Unpack, typename F>
absl::Status ForEachPacked(Stmt& q, int64_t run, absl::string_view what, int64_t from,
                           const Unpack& unpack, const F& f) {
  bool more = true;
  while (more) {
    absl::StatusOr<bool> row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const int64_t first = q.Int64(0);
    int64_t k = first;
    absl::Status s = unpack(q.Blob(2), static_cast<size_t>(q.Int64(1)), [&](const auto& item) {
      if (more && k >= from) more = f(k, item);
      ++k;
    });
    if (!s.ok()) {
      return absl::DataLossError(
          absl::StrCat("run ", run, ", ", what, " from ", first, ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

// Calls f(entry_id, const PackedEntry&) for every entry of `run` with an id
// above `after`, in order, until f returns false. With `jobs`, only batches
// holding an entry of a job in [jobs->first, jobs->second) are read (f sees
// their other entries too).
template <typename F>
absl::Status ForEachEntry(sqlite3* db, int64_t run, int64_t after, const F& f,
                          std::optional<std::pair<int64_t, int64_t>> jobs = std::nullopt) {
  Stmt q(db,
         "SELECT first_entry, entries, packed FROM entry_batches "
         "WHERE run_id = ?1 AND first_entry + entries > ?2 AND "
         "(?3 < 0 OR (max_job >= ?3 AND min_job < ?4)) ORDER BY first_entry");
  q.Bind(1, run).Bind(2, after).Bind(3, jobs ? jobs->first : -1).Bind(4, jobs ? jobs->second : 0);
  return ForEachPacked(
      q, run, "entries", std::min<int64_t>(after, INT64_MAX - 1) + 1,  // ids above `after`
      [](absl::string_view b, size_t n, const auto& g) { return UnpackEntries(b, n, g); }, f);
}

// What a run's entries need of its jobs, by ordinal.
struct RunJobs {
  std::vector<std::string> ids, phases, projects;
  size_t size() const { return ids.size(); }
};

absl::StatusOr<RunJobs> LoadRunJobs(sqlite3* db, int64_t run) {
  RunJobs r;
  absl::Status s = ForEachJob(db, run, 0, [&](int64_t, const PackedJob& j) {
    r.ids.emplace_back(j.id);
    r.phases.emplace_back(j.phase);
    r.projects.emplace_back(j.project);
    return true;
  });
  if (!s.ok()) return s;
  return r;
}

// A job's id and phase by ordinal, read as entries need them (a page of
// entries needs a few batches of jobs, not every job of a million-job run).
class JobNames {
 public:
  JobNames(sqlite3* db, int64_t run)
      : q_(db, absl::StrCat("SELECT first_ordinal, jobs, packed FROM job_batches WHERE run_id = ",
                            run, " AND first_ordinal <= ? ORDER BY first_ordinal DESC LIMIT 1")) {}
  absl::StatusOr<const std::pair<std::string, std::string>*> Of(int64_t ordinal) {
    auto it = batches_.upper_bound(ordinal);
    if (it != batches_.begin()) {
      --it;
      const int64_t k = ordinal - it->first;
      if (k < static_cast<int64_t>(it->second.size())) return &it->second[k];
    }
    q_.Reset();
    q_.Bind(1, ordinal);
    absl::StatusOr<bool> row = q_.Step();
    if (!row.ok()) return row.status();
    const int64_t first = *row ? q_.Int64(0) : 0, count = *row ? q_.Int64(1) : 0;
    if (ordinal >= first + count) {
      return absl::DataLossError(
          absl::StrCat("an entry names job ", ordinal, " of a run that has no such job"));
    }
    std::vector<std::pair<std::string, std::string>>& names = batches_[first];
    absl::Status s = UnpackJobs(q_.Blob(2), static_cast<size_t>(count), [&](const PackedJob& j) {
      names.emplace_back(std::string(j.id), std::string(j.phase));
    });
    if (!s.ok()) return s;
    return &names[ordinal - first];
  }

 private:
  Stmt q_;
  std::map<int64_t, std::vector<std::pair<std::string, std::string>>> batches_;
};

}  // namespace

absl::StatusOr<RunRecord> ReadRunRow(sqlite3* db, int64_t run, bool dated_schema) {
  std::string columns = kRunColumns;
  if (!dated_schema) {
    // Before the calendar and pools (the migration that digests runs).
    columns.replace(columns.find("start_utc, pools"), 16, "NULL, ''");
  }
  Stmt q(db, columns + "WHERE run_id = ?");
  q.Bind(1, run);
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError(absl::StrCat("no run ", run, " in the ledger"));
  return ReadRun(q);
}

absl::Status ForEachEntryImpl(sqlite3* db, int64_t run,
                              const std::function<bool(int64_t, const PackedEntry&)>& f) {
  return ForEachEntry(db, run, 0, f);
}

absl::Status ForEachJobImpl(sqlite3* db, int64_t run, int64_t from,
                            const std::function<bool(int64_t, const PackedJob&)>& f) {
  Stmt q(db,
         "SELECT first_ordinal, jobs, packed FROM job_batches "
         "WHERE run_id = ? AND first_ordinal + jobs > ? ORDER BY first_ordinal");
  q.Bind(1, run).Bind(2, from);
  return ForEachPacked(
      q, run, "jobs", from,
      [](absl::string_view b, size_t n, const auto& g) { return UnpackJobs(b, n, g); }, f);
}

absl::StatusOr<std::vector<RunRecord>> Ledger::ListRuns(int64_t after_id, int limit,
                                                        int64_t group) {
  Stmt q(*stmts_, std::string(kRunColumns) +
                  "WHERE run_id > ?1 AND (?3 = 0 OR group_id = ?3) ORDER BY run_id LIMIT ?2");
  q.Bind(1, after_id).Bind(2, limit).Bind(3, group);
  return CollectRows<RunRecord>(q, ReadRun);
}

absl::StatusOr<RunGroupRecord> Ledger::GetRunGroup(int64_t id) {
  Stmt q(*stmts_, std::string(kGroupColumns) + "WHERE group_id = ?");
  q.Bind(1, id);
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError(absl::StrCat("no run group ", id, " in the ledger"));
  return ReadGroup(q);
}

absl::StatusOr<std::vector<RunGroupRecord>> Ledger::ListRunGroups() {
  Stmt q(*stmts_, std::string(kGroupColumns) + "ORDER BY group_id");
  return CollectRows<RunGroupRecord>(q, ReadGroup);
}

absl::StatusOr<std::vector<RunRecord>> Ledger::ListRunsInGroup(int64_t group) {
  Stmt q(*stmts_, std::string(kRunColumns) + "WHERE group_id = ? ORDER BY seed, run_id");
  q.Bind(1, group);
  return CollectRows<RunRecord>(q, ReadRun);
}

absl::StatusOr<RunRecord> Ledger::GetRun(int64_t id) {
  Stmt q(*stmts_, std::string(kRunColumns) + "WHERE run_id = ?");
  q.Bind(1, id);
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError(absl::StrCat("no run ", id, " in the ledger"));
  return ReadRun(q);
}

absl::StatusOr<RunRecord> Ledger::LatestCompleteRun() {
  Stmt q(*stmts_, std::string(kRunColumns) + "WHERE status = 'complete' ORDER BY run_id DESC LIMIT 1");
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError("the ledger has no complete run");
  return ReadRun(q);
}

absl::StatusOr<std::vector<JobRecord>> Ledger::ListJobs(int64_t run, int offset, int limit) {
  offset = std::max(offset, 0);  // as SQL's OFFSET took a negative one
  absl::StatusOr<std::vector<JobRecord>> jobs = std::vector<JobRecord>();
  if (limit != 0) {
    absl::Status s = ForEachJob(db_, run, offset, [&](int64_t, const PackedJob& j) {
      jobs->push_back(JobRecord{std::string(j.id), std::string(j.phase), std::string(j.project),
                                static_cast<int>(j.gpus), static_cast<int>(j.priority), j.submit,
                                j.run_seconds, -1, -1});
      return limit < 0 || static_cast<int>(jobs->size()) < limit;
    });
    if (!s.ok()) return s;
  }
  if (!jobs.ok() || jobs->empty()) return jobs;
  // Started: its first entry. Ended: its productive entries cover all its
  // work (a cancelled run records running jobs up to the stop, short of
  // that), and then at its last entry of any kind.
  const int64_t first = offset, n = static_cast<int64_t>(jobs->size());
  const int productive_category = CategoryIndex("productive");
  std::vector<int64_t> productive(jobs->size(), -1), last(jobs->size(), -1);  // -1: none yet
  absl::Status s = ForEachEntry(
      db_, run, 0,
      [&](int64_t, const PackedEntry& e) {
        const int64_t k = e.job - first;
        if (e.job < 0 || k < 0 || k >= n) return true;
        JobRecord& j = (*jobs)[k];
        j.started = j.started < 0 ? e.start : std::min(j.started, e.start);
        last[k] = std::max(last[k], e.end);
        if (e.category == productive_category) {
          productive[k] = std::max<int64_t>(productive[k], 0) + (e.end - e.start) * e.gpus;
        }
        return true;
      },
      std::make_pair(first, first + n));
  if (!s.ok()) return s;
  // A mixed cluster's job keeps the run time of its first pool (its work on
  // the pool it got is the scheduler's): a complete run finished every job
  // it started, so there each ends at its last entry.
  absl::StatusOr<RunRecord> rec = GetRun(run);
  if (!rec.ok()) return rec.status();
  const bool all_ended = !rec->pools.empty() && rec->status == RunStatus::kComplete;
  for (int64_t k = 0; k < n; ++k) {
    JobRecord& j = (*jobs)[k];
    if (last[k] >= 0 &&
        (all_ended || productive[k] == static_cast<int64_t>(j.gpus) * j.run_seconds)) {
      j.ended = last[k];
    }
  }
  return jobs;
}

absl::StatusOr<std::vector<UsageRecord>> Ledger::ListUsage(int64_t run, const UsageFilter& f,
                                                           int64_t after_entry, int limit) {
  std::vector<UsageRecord> out;
  if (limit == 0) return out;
  // Filters by job or phase are on the job's ordinal.
  std::optional<std::vector<bool>> wanted;
  if (!f.job_id.empty() || !f.phase.empty()) {
    wanted.emplace();
    absl::Status s = ForEachJob(db_, run, 0, [&](int64_t, const PackedJob& j) {
      wanted->push_back((f.job_id.empty() || j.id == f.job_id) &&
                        (f.phase.empty() || j.phase == f.phase));
      return true;
    });
    if (!s.ok()) return s;
  }
  const int category = f.category.empty() ? -1 : CategoryIndex(f.category);
  if (!f.category.empty() && category < 0) return out;  // no entry has it
  JobNames names(db_, run);
  absl::Status error;
  absl::Status s = ForEachEntry(db_, run, after_entry, [&](int64_t id, const PackedEntry& e) {
    if (wanted && (e.job < 0 || static_cast<size_t>(e.job) >= wanted->size() || !(*wanted)[e.job]))
      return true;
    if ((category >= 0 && e.category != category) || e.end <= f.start ||
        (f.end != 0 && e.start >= f.end)) {
      return true;
    }
    UsageRecord u;
    if (e.job >= 0) {
      absl::StatusOr<const std::pair<std::string, std::string>*> job = names.Of(e.job);
      if (!job.ok()) {
        error = job.status();
        return false;
      }
      u.job_id = (*job)->first;
      u.phase = (*job)->second;
    }
    u.category = std::string(kCategories[e.category]);
    u.start = e.start;
    u.end = e.end;
    u.gpus = static_cast<int>(e.gpus);
    u.gpu_seconds = (e.end - e.start) * e.gpus;
    u.entry_id = id;
    u.nodes = std::string(e.nodes);
    u.pool = e.pool;
    u.gpu_pool = e.gpu_pool;
    out.push_back(std::move(u));
    return limit < 0 || static_cast<int>(out.size()) < limit;
  });
  if (!s.ok()) return s;
  if (!error.ok()) return error;
  return out;
}

absl::StatusOr<std::vector<JobEvent>> Ledger::ListJobEvents(int64_t run) {
  Stmt q(*stmts_,
         "SELECT time, job_id, kind, nodes, cause FROM job_events WHERE run_id = ? "
         "ORDER BY event_id");
  q.Bind(1, run);
  return CollectRows<JobEvent>(q, [](const Stmt& r) {
    return JobEvent{r.Int64(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)};
  });
}

absl::StatusOr<ComparisonRecord> Ledger::GetComparison(int64_t id) {
  Stmt q(*stmts_,
         "SELECT comparison_id, plan_name, created, results FROM comparisons "
         "WHERE comparison_id = ?");
  q.Bind(1, id);
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError(absl::StrCat("no comparison ", id, " in the ledger"));
  return ComparisonRecord{q.Int64(0), q.Text(1), q.Text(2), std::string(q.Blob(3))};
}

absl::StatusOr<std::vector<ComparisonRecord>> Ledger::ListComparisons() {
  Stmt q(*stmts_, "SELECT comparison_id, plan_name, created FROM comparisons ORDER BY comparison_id");
  return CollectRows<ComparisonRecord>(q, [](const Stmt& r) {
    return ComparisonRecord{r.Int64(0), r.Text(1), r.Text(2), ""};
  });
}

namespace {

// A run's day groups (in day order) summed into its periods `by` (a week,
// month or quarter), in time order: each day lies in exactly one of them.
std::vector<Ledger::GroupSum> FoldDays(const RunCalendar& calendar, GroupBy by,
                                       const std::vector<Ledger::GroupSum>& days) {
  std::vector<Ledger::GroupSum> out;
  for (const Ledger::GroupSum& d : days) {
    std::string label = calendar.PeriodLabel(by, d.first_start);
    if (out.empty() || out.back().group != label) {
      out.push_back({std::move(label), 0, d.first_start, d.last_end, 0});
    }
    Ledger::GroupSum& g = out.back();
    for (auto [from, to] : {std::pair{&d.segments, &g.segments},
                            std::pair{&d.on_demand_segments, &g.on_demand_segments}}) {
      to->resize(std::max(to->size(), from->size()));
      for (size_t k = 0; k < from->size(); ++k) (*to)[k] += (*from)[k];
    }
    g.gpu_seconds += d.gpu_seconds;
    g.on_demand_gpu_seconds += d.on_demand_gpu_seconds;
    g.first_start = std::min(g.first_start, d.first_start);
    g.last_end = std::max(g.last_end, d.last_end);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<Ledger::GroupSum>> Ledger::SumPeriods(
    int64_t run, GroupBy key, bool from_entries, int gpu_pool, const std::vector<int64_t>* cuts) {
  absl::StatusOr<RunRecord> r = GetRun(run);
  if (!r.ok()) return r.status();
  const RunCalendar calendar = CalendarOf(*r);
  if (absl::Status s = calendar.CanGroup(key, run); !s.ok()) return s;
  absl::StatusOr<std::vector<GroupSum>> days =
      from_entries ? SumEntriesByGroup(run, GroupBy::kDay, cuts, gpu_pool)
                   : SumByGroup(run, GroupBy::kDay);
  if (!days.ok()) return days.status();
  return FoldDays(calendar, key, *days);
}

absl::StatusOr<std::vector<Ledger::GroupSum>> Ledger::SumByGroup(int64_t run, GroupBy key) {
  if (IsPeriod(key) && key != GroupBy::kDay) return SumPeriods(run, key, false, -1);
  // A complete run's totals, where its writer stored them for this grouping.
  Stmt has(*stmts_,
           "SELECT 1 FROM runs WHERE run_id = ?1 AND status = 'complete' AND "
           "instr(',' || totals || ',', ',' || ?2 || ',') > 0");
  has.Bind(1, run).BindStatic(2, GroupByName(key));
  absl::StatusOr<bool> stored = has.Step();
  if (!stored.ok()) return stored.status();
  if (!*stored) return SumEntriesByGroup(run, key);
  Stmt q(*stmts_,
         "SELECT grp, gpu_seconds, first_start, last_end, on_demand_gpu_seconds FROM "
         "group_totals WHERE run_id = ? AND grouping = ? ORDER BY ordinal");
  q.Bind(1, run).BindStatic(2, GroupByName(key));
  return CollectRows<GroupSum>(q, [](const Stmt& r) {
    return GroupSum{r.Text(0), r.Int64(1), r.Int64(2), r.Int64(3), r.Int64(4)};
  });
}

absl::StatusOr<std::vector<Ledger::GroupSum>> Ledger::SumEntriesByGroup(
    int64_t run, GroupBy key, const std::vector<int64_t>* cuts, int gpu_pool) {
  if (IsPeriod(key) && key != GroupBy::kDay) return SumPeriods(run, key, true, gpu_pool, cuts);
  absl::StatusOr<RunRecord> r = GetRun(run);
  if (!r.ok()) return r.status();
  if (key == GroupBy::kModel) {
    // One group per GPU model, in the order of the cluster's pools (a
    // cluster of one pool: its model, all of it).
    std::vector<std::string> model_of;
    for (const RunPool& p : r->pools) model_of.push_back(p.gpu_model);
    if (model_of.empty()) model_of.push_back(r->gpu_model);
    std::vector<GroupSum> out;
    std::vector<int> group_of(model_of.size(), -1);
    for (size_t p = 0; p < model_of.size(); ++p) {
      for (size_t q = 0; q < p && group_of[p] < 0; ++q) {
        if (model_of[q] == model_of[p]) group_of[p] = group_of[q];
      }
      if (group_of[p] < 0) {
        group_of[p] = static_cast<int>(out.size());
        out.push_back({model_of[p]});
      }
    }
    std::vector<bool> used(out.size(), false);
    bool stray = false;
    absl::Status s = ForEachEntry(db_, run, 0, [&](int64_t, const PackedEntry& e) {
      if (e.job < 0 || (gpu_pool >= 0 && e.gpu_pool != gpu_pool)) return true;
      if (static_cast<size_t>(e.gpu_pool) >= group_of.size()) return !(stray = true);
      const int g = group_of[e.gpu_pool];
      AddToGroup(out[g], !used[g], e.start, e.end, e.gpus, e.pool, cuts);
      used[g] = true;
      return true;
    });
    if (!s.ok()) return s;
    if (stray) {
      return absl::DataLossError(absl::StrCat("run ", run, ": an entry names a pool it lacks"));
    }
    // Models none of whose pools was used: left out, as unused pools are.
    std::vector<GroupSum> kept;
    for (size_t g = 0; g < out.size(); ++g) {
      if (used[g]) kept.push_back(std::move(out[g]));
    }
    return kept;
  }
  absl::StatusOr<RunJobs> jobs = LoadRunJobs(db_, run);
  if (!jobs.ok()) return jobs.status();
  if (key == GroupBy::kJob) {
    // Every job, in plan order, with zero if it used nothing.
    std::vector<GroupSum> out(jobs->size());
    std::vector<bool> used(jobs->size(), false);
    for (size_t k = 0; k < jobs->size(); ++k) out[k].group = jobs->ids[k];
    bool stray = false;  // an entry of a job the run does not have: a corrupt ledger
    absl::Status s = ForEachEntry(db_, run, 0, [&](int64_t, const PackedEntry& e) {
      if (e.job < 0 || (gpu_pool >= 0 && e.gpu_pool != gpu_pool)) return true;
      if (static_cast<size_t>(e.job) >= out.size()) return !(stray = true);
      AddToGroup(out[e.job], !used[e.job], e.start, e.end, e.gpus, e.pool, cuts);
      used[e.job] = true;
      return true;
    });
    if (!s.ok()) return s;
    if (stray)
      return absl::DataLossError(absl::StrCat("run ", run, ": an entry names a job it lacks"));
    return out;
  }
  // The other groupings by the rules the writer keeps them by.
  GroupTotals totals(CalendarOf(*r), cuts);
  JobRecord j;
  for (size_t k = 0; k < jobs->size(); ++k) {
    j.phase = jobs->phases[k];
    j.project = jobs->projects[k];
    totals.AddJob(static_cast<int64_t>(k), j);
  }
  EntryRow u;
  bool stray = false;
  absl::Status s = ForEachEntry(db_, run, 0, [&](int64_t, const PackedEntry& e) {
    if (e.job < 0 || (gpu_pool >= 0 && e.gpu_pool != gpu_pool)) return true;
    if (static_cast<size_t>(e.job) >= jobs->size()) return !(stray = true);
    u.job = e.job;
    u.category = static_cast<uint8_t>(e.category);
    u.start = e.start;
    u.end = e.end;
    u.gpus = static_cast<int32_t>(e.gpus);
    u.pool = static_cast<uint8_t>(e.pool);
    totals.AddEntry(u);
    return true;
  });
  if (!s.ok()) return s;
  if (stray)
    return absl::DataLossError(absl::StrCat("run ", run, ": an entry names a job it lacks"));
  return totals.Groups(key);
}

absl::StatusOr<Pool> Ledger::CommittedPool(int64_t run) {
  Pool pool = Pool::kNone;
  absl::Status s = ForEachEntry(db_, run, 0, [&](int64_t, const PackedEntry& e) {
    if (e.pool == Pool::kOwned || e.pool == Pool::kReserved) pool = e.pool;
    return pool == Pool::kNone;
  });
  if (!s.ok()) return s;
  return pool;
}

absl::StatusOr<int64_t> Ledger::CountJobs(int64_t run) {
  // Ordinals are 0, 1, ... in each run: the last one is a seek, where
  // COUNT(*) would read every job of the run.
  Stmt q(*stmts_,
         "SELECT COALESCE((SELECT first_ordinal + jobs FROM job_batches WHERE run_id = ?1 "
         "ORDER BY first_ordinal DESC LIMIT 1), 0)");
  q.Bind(1, run);
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  return q.Int64(0);
}

absl::StatusOr<Ledger::CapacitySegments> Ledger::CapacityInSegments(
    int64_t run, const std::vector<int64_t>& cuts, int gpu_pool) {
  CapacitySegments out;
  out.idle.resize(cuts.size() + 1);
  out.down.resize(cuts.size() + 1);
  const int idle = CategoryIndex("idle"), down = CategoryIndex("down");
  absl::Status s = ForEachEntry(db_, run, 0, [&](int64_t, const PackedEntry& e) {
    if (e.job >= 0 || (gpu_pool >= 0 && e.gpu_pool != gpu_pool)) return true;
    if (e.category == idle) AddToSegments(out.idle, cuts, e.start, e.end, e.gpus);
    if (e.category == down) AddToSegments(out.down, cuts, e.start, e.end, e.gpus);
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<int64_t> Ledger::IdleGpuSeconds(int64_t run, int gpu_pool) {
  return CapacityGpuSeconds(run, "idle", gpu_pool);
}

absl::StatusOr<int64_t> Ledger::DownGpuSeconds(int64_t run, int gpu_pool) {
  return CapacityGpuSeconds(run, "down", gpu_pool);
}

absl::StatusOr<int64_t> Ledger::CapacityGpuSeconds(int64_t run, absl::string_view category,
                                                   int gpu_pool) {
  const int wanted = CategoryIndex(category);
  if (gpu_pool >= 0) {
    // One pool of a mixed cluster: from its entries.
    int64_t sum = 0;
    absl::Status s = ForEachEntry(db_, run, 0, [&](int64_t, const PackedEntry& e) {
      if (e.job < 0 && e.category == wanted && e.gpu_pool == gpu_pool) {
        sum += (e.end - e.start) * e.gpus;
      }
      return true;
    });
    if (!s.ok()) return s;
    return sum;
  }
  // Kept with the run when it ends; summed from the entries before then.
  Stmt q(*stmts_, absl::StrCat("SELECT ", category == "idle" ? "idle_gpu_seconds" : "down_gpu_seconds",
                           " FROM runs WHERE run_id = ?"));
  q.Bind(1, run);
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  if (*row && !q.Null(0)) return q.Int64(0);
  int64_t sum = 0;
  absl::Status s = ForEachEntry(db_, run, 0, [&](int64_t, const PackedEntry& e) {
    if (e.job < 0 && e.category == wanted) sum += (e.end - e.start) * e.gpus;
    return true;
  });
  if (!s.ok()) return s;
  return sum;
}

}  // namespace gpuledger::ledger

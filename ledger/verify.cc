// `gpuledger ledger verify`: SQLite's own checks, then every run's
// invariants and content digest, read in one snapshot, writing nothing.
#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger/digest.h"
#include "ledger/entries.h"
#include "ledger/sqlite.h"
#include "ledger/store.h"
#include "ledger/store_internal.h"
#include "ledger/totals.h"

namespace gpuledger::ledger {

namespace {

// Problems said per run at most; the rest are counted.
constexpr int kProblemsPerRun = 5;

bool Finished(RunStatus s) {
  return s == RunStatus::kComplete || s == RunStatus::kFailed || s == RunStatus::kCancelled;
}

std::string Short(const std::string& hex) { return hex.substr(0, 16); }

// A sum of the checks, which tampered rows may take beyond int64.
std::string Text(__int128 v) {
  if (v >= INT64_MIN && v <= INT64_MAX) return absl::StrCat(static_cast<int64_t>(v));
  return v < 0 ? "less than -9.2e18" : "more than 9.2e18";
}

// The triggers that keep the ledger append-only (ledger/schema.cc).
constexpr const char* kTriggers[] = {
    "runs_final",
    "runs_no_delete",
    "job_events_append_only_u",
    "job_events_append_only_d",
    "run_groups_append_only_u",
    "run_groups_append_only_d",
    "group_totals_append_only_u",
    "group_totals_append_only_d",
    "entry_batches_append_only_u",
    "entry_batches_append_only_d",
    "job_batches_append_only_u",
    "job_batches_append_only_d",
    "comparisons_append_only_u",
    "comparisons_append_only_d",
};

// What the runs row holds beside RunRecord's fields.
struct Stored {
  bool has_idle = false, has_down = false;
  int64_t idle = 0, down = 0;
  std::string digest;
  std::string totals;  // the groupings stored: "phase,project,..."
};

absl::StatusOr<Stored> ReadStored(sqlite3* db, int64_t run) {
  Stmt q(db,
         "SELECT idle_gpu_seconds, down_gpu_seconds, digest, totals FROM runs WHERE run_id = ?");
  q.Bind(1, run);
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError(absl::StrCat("no run ", run));
  Stored s;
  s.has_idle = !q.Null(0);
  s.has_down = !q.Null(1);
  s.idle = q.Int64(0);
  s.down = q.Int64(1);
  s.digest = q.Text(2);
  s.totals = q.Text(3);
  return s;
}

// Feeds `digest` the run's events in the order written.
absl::Status DigestEvents(sqlite3* db, int64_t run, RunDigest* digest, int64_t* count) {
  Stmt q(db,
         "SELECT time, job_id, kind, nodes, cause FROM job_events WHERE run_id = ? "
         "ORDER BY event_id");
  q.Bind(1, run);
  while (true) {
    absl::StatusOr<bool> row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
    digest->AddEvent(JobEvent{q.Int64(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4)});
    ++*count;
  }
}

// One run's checks; its problems go to `problems`.
class RunCheck {
 public:
  RunCheck(Ledger& ledger, const RunRecord& run, Verification* v)
      : ledger_(ledger), db_(ledger.db()), run_(run), v_(v) {}

  void Check() {
    if (absl::Status s = CheckAll(); !s.ok()) Say(absl::StrCat("cannot be read: ", s.message()));
    if (said_ > kProblemsPerRun) {
      v_->problems.push_back(absl::StrCat("run ", run_.id, ": and ", said_ - kProblemsPerRun,
                                          " more problems"));
    }
  }

 private:
  void Say(const std::string& what) {
    ++v_->problem_count;
    if (++said_ <= kProblemsPerRun) v_->problems.push_back(absl::StrCat("run ", run_.id, ": ", what));
  }

  absl::Status CheckAll() {
    absl::StatusOr<Stored> stored = ReadStored(db_, run_.id);
    if (!stored.ok()) return stored.status();
    RunDigest digest;
    GroupTotals totals(CalendarOf(run_));
    // Jobs: ordinals 0, 1, ... with no gap.
    std::vector<int64_t> gpus, work;
    int64_t gaps = 0;
    absl::Status s = ForEachJob(db_, run_.id, 0, [&](int64_t k, const PackedJob& j) {
      if (k != static_cast<int64_t>(gpus.size()) && gaps++ == 0) {
        Say(absl::StrCat("job ordinal ", k, " where ", gpus.size(), " was due"));
      }
      gpus.push_back(j.gpus);
      work.push_back(j.gpus * j.run_seconds);
      digest.AddJob(j.id, j.phase, j.project, j.gpus, j.priority, j.submit, j.run_seconds);
      JobRecord rec;
      rec.phase = std::string(j.phase);
      rec.project = std::string(j.project);
      totals.AddJob(k, rec);
      return true;
    });
    if (!s.ok()) return s;
    v_->jobs += static_cast<int64_t>(gpus.size());

    // Entries, each on its own, and their sums.
    const bool finished = Finished(run_.status);
    const int kIdle = CategoryIndex("idle"), kDown = CategoryIndex("down"),
              kProductive = CategoryIndex("productive");
    __int128 idle = 0, down = 0;
    // Busy, idle and down GPU-seconds of the cluster (not on demand), by pool.
    std::vector<__int128> committed(std::max<size_t>(1, run_.pools.size()), 0);
    std::vector<__int128> productive(gpus.size(), 0);
    int64_t entries = 0;
    EntryRow row;
    auto check_entry = [&](int64_t id, const PackedEntry& e) {
      ++entries;
      if (e.job < -1 || e.job >= static_cast<int64_t>(gpus.size())) {
        Say(absl::StrCat("entry ", id, " names job ordinal ", e.job, "; the run has ",
                         gpus.size(), " jobs"));
        return;
      }
      if (e.start < 0 || e.end < e.start || e.end - e.start > kMaxEntrySeconds || e.gpus < 0 ||
          e.gpus > kMaxEntryGpus) {
        Say(absl::StrCat("entry ", id, " [", e.start, ", ", e.end, ") of ", e.gpus,
                         " GPUs is not an interval an entry may hold"));
        return;
      }
      if (finished && (e.start < run_.sim_start || e.end > run_.sim_end)) {
        Say(absl::StrCat("entry ", id, " [", e.start, ", ", e.end,
                         ") lies outside the run's window [", run_.sim_start, ", ",
                         run_.sim_end, ")"));
      }
      if (e.job >= 0 && e.gpus > gpus[e.job]) {
        Say(absl::StrCat("entry ", id, " holds ", e.gpus, " GPUs for job ordinal ", e.job,
                         ", which asked for ", gpus[e.job]));
      }
      const __int128 gs = static_cast<__int128>(e.end - e.start) * e.gpus;
      if (static_cast<size_t>(e.gpu_pool) >= committed.size()) {
        Say(absl::StrCat("entry ", id, " names cluster pool ", e.gpu_pool, "; the run has ",
                         run_.pools.size(), run_.pools.size() == 1 ? " pool" : " pools"));
        return;
      }
      // On demand beside the cluster is outside it; a mixed cluster's pools
      // (a fleet's on-demand pool too) are all inside.
      if (e.pool != Pool::kOnDemand || !run_.pools.empty()) committed[e.gpu_pool] += gs;
      if (e.job < 0 && e.category == kIdle) idle += gs;
      if (e.job < 0 && e.category == kDown) down += gs;
      if (e.job >= 0 && e.category == kProductive) productive[e.job] += gs;
      digest.AddEntry(e.job, e.category, e.start, e.end, e.gpus, e.pool, e.nodes, e.gpu_pool);
      row.job = e.job;
      row.start = e.start;
      row.end = e.end;
      row.gpus = static_cast<int32_t>(e.gpus);
      row.category = static_cast<uint8_t>(e.category);
      row.pool = static_cast<uint8_t>(e.pool);
      row.gpu_pool = static_cast<uint16_t>(e.gpu_pool);
      totals.AddEntry(row);
    };
    // Batch by batch: each one's entries, and the job range it says it
    // holds (readers look a job's entries up by it).
    Stmt batches(db_,
                 "SELECT first_entry, entries, packed, COALESCE(min_job, -1), COALESCE(max_job, -1) "
                 "FROM entry_batches WHERE run_id = ? ORDER BY first_entry");
    batches.Bind(1, run_.id);
    while (true) {
      absl::StatusOr<bool> more = batches.Step();
      if (!more.ok()) return more.status();
      if (!*more) break;
      const int64_t first = batches.Int64(0);
      int64_t id = first, lo = -1, hi = -1;
      absl::Status unpacked = UnpackEntries(
          batches.Blob(2), static_cast<size_t>(batches.Int64(1)), [&](const PackedEntry& e) {
            if (e.job >= 0) {
              lo = lo < 0 ? e.job : std::min(lo, e.job);
              hi = std::max(hi, e.job);
            }
            check_entry(id++, e);
          });
      if (!unpacked.ok()) {
        Say(absl::StrCat("entries from ", first, ": ", unpacked.message()));
        continue;
      }
      if (batches.Int64(3) != lo || batches.Int64(4) != hi) {
        Say(absl::StrCat("the batch of entries from ", first, " says it holds jobs ",
                         batches.Int64(3), " to ", batches.Int64(4), "; its entries are of jobs ",
                         lo, " to ", hi));
      }
    }
    v_->entries += entries;
    int64_t events = 0;
    if (s = DigestEvents(db_, run_.id, &digest, &events); !s.ok()) return s;
    v_->events += events;

    if (run_.status == RunStatus::kComplete) {
      CheckComplete(*stored, committed, idle, down, productive, work, totals);
    }
    // The digest, last: the other checks say where a difference lies.
    if (finished) {
      const std::string found =
          digest.Finish(run_, stored->has_idle ? stored->idle : -1, stored->has_down ? stored->down : -1);
      if (stored->digest.empty()) {
        Say(absl::StrCat(RunStatusName(run_.status), " but no content digest is stored"));
      } else if (stored->digest != found) {
        Say(absl::StrCat("content digest differs: stored ", Short(stored->digest),
                         "..., its contents give ", Short(found), "..."));
      } else {
        ++v_->digests;
      }
    }
    return absl::OkStatus();
  }

  void CheckComplete(const Stored& stored, const std::vector<__int128>& committed, __int128 idle,
                     __int128 down,
                     const std::vector<__int128>& productive, const std::vector<int64_t>& work,
                     const GroupTotals& totals) {
    if (run_.pools.empty()) {
      const __int128 window = static_cast<__int128>(run_.sim_end - run_.sim_start);
      const __int128 cluster = static_cast<__int128>(run_.nodes) * run_.gpus_per_node;
      const __int128 capacity = window * cluster;
      if (committed[0] != capacity) {
        Say(absl::StrCat("busy, idle and down GPU-seconds sum to ", Text(committed[0]), "; its ",
                         Text(cluster), " GPUs over ", Text(window), " s hold ", Text(capacity)));
      }
    }
    // A mixed cluster's pools each over the part of the window they serve.
    for (size_t p = 0; p < run_.pools.size(); ++p) {
      const RunPool& pool = run_.pools[p];
      const int64_t from = std::max(run_.sim_start, pool.available_from);
      const int64_t to =
          pool.retired_at < 0 ? run_.sim_end : std::min(run_.sim_end, pool.retired_at);
      const __int128 window = static_cast<__int128>(std::max<int64_t>(0, to - from));
      const __int128 capacity = window * pool.total_gpus();
      if (committed[p] != capacity) {
        Say(absl::StrCat("pool \"", pool.name, "\": busy, idle and down GPU-seconds sum to ",
                         Text(committed[p]), "; its ", pool.total_gpus(), " GPUs over ",
                         Text(window), " s in service hold ", Text(capacity)));
      }
    }
    if (!stored.has_idle || stored.idle != idle) {
      Say(absl::StrCat("stores ", stored.idle, " idle GPU-seconds; its entries hold ",
                       static_cast<int64_t>(idle)));
    }
    if (!stored.has_down || stored.down != down) {
      Say(absl::StrCat("stores ", stored.down, " down GPU-seconds; its entries hold ",
                       static_cast<int64_t>(down)));
    }
    int64_t short_jobs = 0;
    // On a mixed cluster a job's work is in the seconds of the pools it ran
    // on (the run keeps its first pool's): its pools' capacity is checked
    // above, not its work.
    for (size_t k = 0; k < work.size() && run_.pools.empty(); ++k) {
      if (productive[k] == work[k]) continue;
      if (short_jobs++ == 0) {
        Say(absl::StrCat("job ordinal ", k, " has ", static_cast<int64_t>(productive[k]),
                         " productive GPU-seconds; its work is ", work[k]));
      }
    }
    if (short_jobs > 1) Say(absl::StrCat(short_jobs - 1, " more jobs' work differs likewise"));
    // The per-group totals stored with it, against its entries.
    for (absl::string_view name : absl::StrSplit(stored.totals, ',', absl::SkipEmpty())) {
      GroupBy by;
      if (!ParseGroupBy(name, &by) || !IsStoredGrouping(by)) {
        Say(absl::StrCat("stores totals by \"", name, "\", which is not a grouping kept"));
        continue;
      }
      // A complete run's totals of a grouping it names are what SumByGroup reads.
      absl::StatusOr<std::vector<Ledger::GroupSum>> kept = ledger_.SumByGroup(run_.id, by);
      if (!kept.ok()) {
        Say(absl::StrCat("its totals by ", name, " cannot be read: ", kept.status().message()));
        continue;
      }
      const std::vector<Ledger::GroupSum> found = totals.Groups(by);
      if (kept->size() != found.size()) {
        Say(absl::StrCat("stores ", kept->size(), " groups by ", name, "; its entries make ",
                         found.size()));
        continue;
      }
      for (size_t i = 0; i < found.size(); ++i) {
        const Ledger::GroupSum& a = (*kept)[i];
        const Ledger::GroupSum& b = found[i];
        if (a.group != b.group || a.gpu_seconds != b.gpu_seconds ||
            a.on_demand_gpu_seconds != b.on_demand_gpu_seconds ||
            a.first_start != b.first_start || a.last_end != b.last_end) {
          Say(absl::StrCat("its total by ", name, " \"", a.group, "\" (", a.gpu_seconds,
                           " GPU-seconds) differs from its entries' \"", b.group, "\" (",
                           b.gpu_seconds, ")"));
          break;
        }
      }
    }
  }

  Ledger& ledger_;
  sqlite3* db_;
  const RunRecord& run_;
  Verification* v_;
  int said_ = 0;
};

// SQLite's checks of the file: its structure, and references that name
// nothing.
void CheckFile(sqlite3* db, Verification* v) {
  {
    Stmt q(db, "PRAGMA integrity_check(20)");
    while (true) {
      absl::StatusOr<bool> row = q.Step();
      if (!row.ok()) {
        v->problems.push_back(absl::StrCat("integrity_check: ", row.status().message()));
        break;
      }
      if (!*row) break;
      const std::string said = q.Text(0);
      if (said != "ok") v->problems.push_back(absl::StrCat("integrity_check: ", said));
    }
  }
  {
    std::set<std::string> present;
    Stmt t(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'");
    while (true) {
      absl::StatusOr<bool> row = t.Step();
      if (!row.ok() || !*row) break;
      present.insert(t.Text(0));
    }
    for (const char* name : kTriggers) {
      if (present.count(name) == 0) {
        v->problems.push_back(absl::StrCat("trigger ", name,
                                           " is missing: the rows it keeps append-only could have "
                                           "been changed"));
      }
    }
  }
  Stmt q(db, "PRAGMA foreign_key_check");
  int said = 0;
  while (true) {
    absl::StatusOr<bool> row = q.Step();
    if (!row.ok()) {
      v->problems.push_back(absl::StrCat("foreign_key_check: ", row.status().message()));
      return;
    }
    if (!*row) return;
    if (++said <= 10) {
      v->problems.push_back(absl::StrCat("table ", q.Text(0), ", row ", q.Int64(1),
                                         ": names a missing row of ", q.Text(2)));
    }
  }
}

}  // namespace

absl::StatusOr<std::string> DigestStoredRun(sqlite3* db, int64_t run, bool dated_schema) {
  absl::StatusOr<RunRecord> r = ReadRunRow(db, run, dated_schema);
  if (!r.ok()) return r.status();
  absl::StatusOr<Stored> stored = ReadStored(db, run);
  if (!stored.ok()) return stored.status();
  RunDigest digest;
  absl::Status s = ForEachJob(db, run, 0, [&](int64_t, const PackedJob& j) {
    digest.AddJob(j.id, j.phase, j.project, j.gpus, j.priority, j.submit, j.run_seconds);
    return true;
  });
  if (!s.ok()) return s;
  s = ForEachEntryImpl(db, run, [&](int64_t, const PackedEntry& e) {
    digest.AddEntry(e.job, e.category, e.start, e.end, e.gpus, e.pool, e.nodes, e.gpu_pool);
    return true;
  });
  if (!s.ok()) return s;
  int64_t events = 0;
  if (s = DigestEvents(db, run, &digest, &events); !s.ok()) return s;
  return digest.Finish(*r, stored->has_idle ? stored->idle : -1,
                       stored->has_down ? stored->down : -1);
}

absl::StatusOr<Verification> Ledger::Verify() {
  Verification v;
  // One snapshot: a replay writing beside it changes nothing it reads.
  if (absl::Status s = Exec(db_, "BEGIN"); !s.ok()) return s;
  CheckFile(db_, &v);
  v.problem_count = static_cast<int64_t>(v.problems.size());
  absl::StatusOr<std::vector<RunRecord>> runs = ListRuns();
  if (!runs.ok()) {
    Exec(db_, "ROLLBACK").IgnoreError();
    return runs.status();
  }
  absl::StatusOr<std::vector<RunGroupRecord>> groups = ListRunGroups();
  if (!groups.ok()) {
    Exec(db_, "ROLLBACK").IgnoreError();
    return groups.status();
  }
  std::map<int64_t, const RunGroupRecord*> by_id;
  for (const RunGroupRecord& g : *groups) by_id[g.id] = &g;
  std::map<int64_t, std::set<int64_t>> complete_seeds;  // by group
  for (const RunRecord& r : *runs) {
    ++v.runs_by_status[RunStatusName(r.status)];
    RunCheck(*this, r, &v).Check();
    if (r.group_id == 0) continue;
    // Group members: each names its group and fits it.
    auto g = by_id.find(r.group_id);
    if (g == by_id.end()) {
      v.problems.push_back(
          absl::StrCat("run ", r.id, ": names run group ", r.group_id, ", which is not there"));
      ++v.problem_count;
      continue;
    }
    const RunGroupRecord& group = *g->second;
    if (r.seed < group.first_seed || r.seed >= group.first_seed + group.seeds ||
        r.plan_sha256 != group.plan_sha256 || r.policy != group.policy) {
      v.problems.push_back(absl::StrCat("run ", r.id, ": seed ", r.seed, ", plan ",
                                        Short(r.plan_sha256), "... and policy ", r.policy,
                                        " do not belong to run group ", group.id));
      ++v.problem_count;
    }
    if (r.status == RunStatus::kComplete && !complete_seeds[group.id].insert(r.seed).second) {
      v.problems.push_back(absl::StrCat("run ", r.id, ": run group ", group.id,
                                        " has another complete run of seed ", r.seed));
      ++v.problem_count;
    }
  }
  v.runs = static_cast<int64_t>(runs->size());
  v.groups = static_cast<int64_t>(groups->size());
  for (const RunGroupRecord& g : *groups) {
    if (static_cast<int64_t>(complete_seeds[g.id].size()) < g.seeds) ++v.incomplete_groups;
  }
  Exec(db_, "COMMIT").IgnoreError();
  return v;
}

}  // namespace gpuledger::ledger

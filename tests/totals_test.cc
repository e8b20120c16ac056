// A complete run's stored per-group totals, and the sums of its entries,
// against sums computed here from its jobs and entries:
// every grouping the totals hold (phase, project, category, pool, day), for
// replays with failures and repairs, strategies with on-demand capacity, an
// SWF trace and a job trace of cancelled and failed jobs. Whatever a report
// reads, the figures are the entries'.
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/calendar.h"
#include "compare/compare.h"
#include "gtest/gtest.h"
#include "ledger/entries.h"
#include "ledger/store.h"
#include "replay/replay.h"
#include "tests/temp_dir.h"
#include "traces/generate.h"
#include "traces/jobtrace.h"
#include "traces/plan.h"
#include "traces/strategies.h"
#include "traces/swf.h"

namespace gpuledger::ledger {
namespace {

const std::string kSource = GPULEDGER_SOURCE_DIR;

// The groups of `by`, computed here from the run's jobs and entries as
// docs/metrics.md and the report define them, independently of the
// ledger's own code: phases and projects in order of their first job (every
// one), categories and pools in order of their first entry, days by day.
std::vector<Ledger::GroupSum> Reference(Ledger& l, const RunRecord& run, GroupBy by) {
  auto jobs = l.ListJobs(run.id);
  auto usage = l.ListUsage(run.id);
  EXPECT_TRUE(jobs.ok() && usage.ok());
  std::map<std::string, const JobRecord*> job;
  for (const JobRecord& j : *jobs) job[j.job_id] = &j;
  std::vector<std::string> order;
  std::map<std::string, Ledger::GroupSum> groups;
  std::map<std::string, bool> used;
  auto group = [&](const std::string& name) -> Ledger::GroupSum& {
    auto [it, fresh] = groups.try_emplace(name);
    if (fresh) {
      it->second.group = name;
      order.push_back(name);
    }
    return it->second;
  };
  auto add = [&](const std::string& name, int64_t start, int64_t end, int gpus, bool on_demand) {
    Ledger::GroupSum& g = group(name);
    g.gpu_seconds += (end - start) * gpus;
    if (on_demand) g.on_demand_gpu_seconds += (end - start) * gpus;
    g.first_start = used[name] ? std::min(g.first_start, start) : start;
    g.last_end = used[name] ? std::max(g.last_end, end) : end;
    used[name] = true;
  };
  if (by == GroupBy::kPhase || by == GroupBy::kProject) {
    for (const JobRecord& j : *jobs) group(by == GroupBy::kPhase ? j.phase : j.project);
  }
  std::map<int64_t, std::string> day_names;
  for (const UsageRecord& u : *usage) {
    if (u.job_id.empty()) continue;
    const bool od = u.pool == Pool::kOnDemand;
    switch (by) {
      case GroupBy::kPhase:
        add(job.at(u.job_id)->phase, u.start, u.end, u.gpus, od);
        break;
      case GroupBy::kProject:
        add(job.at(u.job_id)->project, u.start, u.end, u.gpus, od);
        break;
      case GroupBy::kCategory:
        add(u.category, u.start, u.end, u.gpus, od);
        break;
      case GroupBy::kPool:
        add(PoolName(u.pool), u.start, u.end, u.gpus, od);
        break;
      case GroupBy::kModel:
        add(run.pools.empty() ? run.gpu_model : run.pools[u.gpu_pool].gpu_model, u.start, u.end,
            u.gpus, od);
        break;
      case GroupBy::kDay:
      case GroupBy::kWeek:
      case GroupBy::kMonth:
      case GroupBy::kQuarter:
        if (run.start_utc) {
          // The UTC calendar's periods, cut where each one ends.
          const base::Period period = by == GroupBy::kDay    ? base::Period::kDay
                                      : by == GroupBy::kWeek ? base::Period::kWeek
                                      : by == GroupBy::kMonth ? base::Period::kMonth
                                                              : base::Period::kQuarter;
          const int64_t at = *run.start_utc;
          base::ForEachPeriod(period, at + u.start, at + u.end,
                              [&](const base::PeriodSpan& p, int64_t from, int64_t to) {
                                day_names[p.start] = p.label;
                                add(p.label, from - at, to - at, u.gpus, od);
                              });
          break;
        }
        // Undated: days and weeks of fixed length from the run's start.
        for (int64_t t = u.start, len = by == GroupBy::kDay ? 86400 : 7 * 86400; t < u.end;) {
          const int64_t n = (t - run.sim_start) / len;
          const int64_t to = std::min(u.end, run.sim_start + (n + 1) * len);
          day_names[n] = (by == GroupBy::kDay ? "day " : "week ") + std::to_string(n + 1);
          add(day_names[n], t, to, u.gpus, od);
          t = to;
        }
        break;
      case GroupBy::kJob:
        break;
    }
  }
  std::vector<Ledger::GroupSum> out;
  if (IsPeriod(by)) {
    for (const auto& [day, name] : day_names) out.push_back(groups[name]);
  } else {
    for (const std::string& name : order) out.push_back(groups[name]);
  }
  return out;
}

class TotalsTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    auto l = Ledger::Open(Path("l.sqlite"));
    ASSERT_TRUE(l.ok()) << l.status();
    ledger_ = std::move(*l);
  }

  // Every run's totals equal its entries' sums, grouping by grouping; and
  // the totals were stored (not summed again on reading).
  void ExpectTotalsMatchEntries(int want_runs) {
    auto runs = ledger_->ListRuns();
    ASSERT_TRUE(runs.ok());
    ASSERT_EQ(static_cast<int>(runs->size()), want_runs);
    for (const RunRecord& run : *runs) {
      ASSERT_EQ(run.status, RunStatus::kComplete);
      for (GroupBy by : kGroupBys) {
        if (by == GroupBy::kJob) continue;
        if (!run.start_utc && (by == GroupBy::kMonth || by == GroupBy::kQuarter)) {
          // No calendar, no months: refused, whichever way it is read.
          EXPECT_EQ(ledger_->SumByGroup(run.id, by).status().code(),
                    absl::StatusCode::kInvalidArgument);
          EXPECT_EQ(ledger_->SumEntriesByGroup(run.id, by).status().code(),
                    absl::StatusCode::kInvalidArgument);
          continue;
        }
        SCOPED_TRACE(::testing::Message() << "run " << run.id << " by " << GroupByName(by));
        auto stored = ledger_->SumByGroup(run.id, by);
        auto summed = ledger_->SumEntriesByGroup(run.id, by);
        ASSERT_TRUE(stored.ok() && summed.ok());
        const std::vector<Ledger::GroupSum> want = Reference(*ledger_, run, by);
        for (const std::vector<Ledger::GroupSum>* got : {&*stored, &*summed}) {
          ASSERT_EQ(got->size(), want.size());
          for (size_t i = 0; i < want.size(); ++i) {
            const Ledger::GroupSum &a = (*got)[i], &b = want[i];
            EXPECT_EQ(a.group, b.group);
            EXPECT_EQ(a.gpu_seconds, b.gpu_seconds) << a.group;
            EXPECT_EQ(a.on_demand_gpu_seconds, b.on_demand_gpu_seconds) << a.group;
            EXPECT_EQ(a.first_start, b.first_start) << a.group;
            EXPECT_EQ(a.last_end, b.last_end) << a.group;
          }
        }
      }
      EXPECT_EQ(StoredGroupings(run.id), "phase,project,category,pool,day");
    }
  }

  std::string StoredGroupings(int64_t run) {
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(ledger_->db(), "SELECT totals FROM runs WHERE run_id = ?", -1, &q, nullptr);
    sqlite3_bind_int64(q, 1, run);
    std::string out;
    if (sqlite3_step(q) == SQLITE_ROW)
      out = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return out;
  }

  std::unique_ptr<Ledger> ledger_;
};

TEST_F(TotalsTest, PlansWithFailuresAndStrategies) {
  auto failing = traces::LoadPlanFile(kSource + "/traces/deepseek-v3-r1-failures.textproto");
  ASSERT_TRUE(failing.ok()) << failing.status();
  for (int64_t seed : {1, 2}) ASSERT_TRUE(replay::ReplayWorkload(*failing, *ledger_, seed).ok());
  auto llama = traces::LoadPlanFile(kSource + "/traces/llama4.textproto");
  ASSERT_TRUE(llama.ok()) << llama.status();
  ASSERT_TRUE(replay::ReplayWorkload(*llama, *ledger_, 0).ok());
  // Strategies: on demand, reserved, owned, owned with bursts on demand.
  auto plan = traces::LoadPlanFile(kSource + "/traces/deepseek-v3-r1.textproto");
  ASSERT_TRUE(plan.ok());
  auto strategies = traces::LoadStrategies("");
  ASSERT_TRUE(strategies.ok());
  auto results = compare::CompareStrategies(*plan, *strategies, {}, *ledger_);
  ASSERT_TRUE(results.ok()) << results.status();
  ExpectTotalsMatchEntries(3 + static_cast<int>(strategies->size()));
}

// Dated runs: a plan that starts on a date late in a day (its days are UTC
// days, not days from its start), a trace given one, and a group by seeds;
// weeks, months and quarters summed from the stored days equal the
// calendar's periods cut from the entries here.
TEST_F(TotalsTest, DatedRunsGroupByTheCalendar) {
  auto plan = traces::LoadPlanFile(kSource + "/traces/deepseek-v3-r1-failures.textproto");
  ASSERT_TRUE(plan.ok()) << plan.status();
  plan->start_utc = *base::ParseUtc("2024-12-26T21:30:00Z");
  ASSERT_TRUE(replay::ReplayWorkload(*plan, *ledger_, 1).ok());
  auto swf = traces::LoadSwfFile(GPULEDGER_TEST_DATA "/lublin_256.swf.gz", {});
  ASSERT_TRUE(swf.ok()) << swf.status();
  swf->start_utc = *base::ParseUtc("2023-03-31");
  ASSERT_TRUE(replay::ReplayWorkload(*swf, *ledger_, 0, {scheduler::Policy::kEasy, -1}).ok());
  ExpectTotalsMatchEntries(2);
  auto days = ledger_->SumByGroup(1, GroupBy::kDay);
  ASSERT_TRUE(days.ok());
  ASSERT_FALSE(days->empty());
  // Its first day is the start date's, 2.5 hours long.
  EXPECT_EQ(days->front().group, "2024-12-26");
  EXPECT_EQ(days->front().last_end, 9000);
  auto quarters = ledger_->SumByGroup(1, GroupBy::kQuarter);
  ASSERT_TRUE(quarters.ok());
  EXPECT_EQ(quarters->front().group, "2024-Q4");
  EXPECT_EQ(quarters->front().last_end, 9000 + 5 * 86400);  // the quarter ends with the year
  auto weeks = ledger_->SumByGroup(2, GroupBy::kWeek);
  ASSERT_TRUE(weeks.ok());
  EXPECT_EQ(weeks->front().group, "2023-W13");  // Friday 2023-03-31 is in ISO week 13
}

TEST_F(TotalsTest, TracesOfManyJobs) {
  auto swf = traces::LoadSwfFile(GPULEDGER_TEST_DATA "/lublin_256.swf.gz", {});
  ASSERT_TRUE(swf.ok()) << swf.status();
  for (auto policy : {scheduler::Policy::kEasy, scheduler::Policy::kConservative}) {
    ASSERT_TRUE(replay::ReplayWorkload(*swf, *ledger_, 0, {policy, -1}).ok());
  }
  // Kalos-like: cancelled and failed jobs, many projects.
  auto preset = traces::LoadGeneratorPreset("kalos");
  ASSERT_TRUE(preset.ok());
  ASSERT_TRUE(traces::GenerateTraceFile(*preset, {3000, 7, 0, false}, Path("k.csv")).ok());
  auto kalos = traces::LoadJobTraceFile(Path("k.csv"), {});
  ASSERT_TRUE(kalos.ok()) << kalos.status();
  ASSERT_TRUE(replay::ReplayWorkload(*kalos, *ledger_, 0, {scheduler::Policy::kEasy, -1}).ok());
  ExpectTotalsMatchEntries(3);
}

// A run of many entry batches (more entries than one transaction holds), long
// jobs ending far from their neighbours: every page of ListJobs gives each
// job the start and end its entries say (a page reads only the batches that
// hold its jobs' entries).
TEST_F(TotalsTest, JobPagesReadTheirJobsEntries) {
  std::string swf = "; MaxProcs: 64\n";
  for (int i = 0; i < 40000; ++i) {
    const int run = i % 97 == 0 ? 2000 : 1 + i % 50;  // now and then a long job
    absl::StrAppend(&swf, i + 1, " ", i * 3, " -1 ", run, " ", 1 << (i % 4), " -1 -1 -1 ", run,
                    " -1 1 1 1 1 1 1 -1 -1\n");
  }
  std::ofstream(Path("t.swf")) << swf;
  auto w = traces::LoadSwfFile(Path("t.swf"), {});
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE(replay::ReplayWorkload(*w, *ledger_, 0, {scheduler::Policy::kEasy, -1}).ok());
  auto usage = ledger_->ListUsage(1);
  ASSERT_TRUE(usage.ok());
  ASSERT_GT(usage->size(), static_cast<size_t>(kRowsPerTransaction));
  std::map<std::string, std::pair<int64_t, int64_t>> seen;  // job -> (first start, last end)
  for (const UsageRecord& u : *usage) {
    if (u.job_id.empty()) continue;
    auto [it, fresh] = seen.try_emplace(u.job_id, u.start, u.end);
    it->second.first = std::min(it->second.first, u.start);
    it->second.second = std::max(it->second.second, u.end);
  }
  for (int offset = 0; offset < 40000; offset += 4900) {  // pages across the run
    auto page = ledger_->ListJobs(1, offset, 1000);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->size(), std::min<size_t>(1000, 40000 - offset));
    for (const JobRecord& j : *page) {
      ASSERT_EQ(j.started, seen.at(j.job_id).first) << j.job_id;
      ASSERT_EQ(j.ended, seen.at(j.job_id).second) << j.job_id;
    }
  }
}

// A batch naming a job its run lacks (a corrupt or forged ledger) is
// DataLoss for every reading, never a crash or a figure without it; a bad
// entry is refused when appended, alone, and the entries before it stay.
TEST_F(TotalsTest, CorruptBatchesAreDataLossAndBadEntriesAreRefusedAlone) {
  RunRecord run;
  run.plan_name = "p";
  JobRecord a{"a", "rl", "P", 8, 0, 0, 10};
  auto w = ledger_->StartRun(run, {a});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->AppendUsage({"a", "rl", "productive", 0, 10, 8, 80}).ok());
  UsageRecord bad{"a", "rl", "running", 10, 20, 8, 80};
  EXPECT_EQ((*w)->AppendUsage(bad).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, 10, "", 0, 0).ok());
  auto usage = ledger_->ListUsage(1);
  ASSERT_TRUE(usage.ok());
  ASSERT_EQ(usage->size(), 1u);
  EXPECT_EQ((*usage)[0].gpu_seconds, 80);
  // A forged batch: an entry of job 999 in run 1.
  UsageRecord stray{"x", "rl", "productive", 0, 5, 8, 40};
  stray.job = 999;
  std::string packed;
  ASSERT_TRUE(PackEntries(&stray, 1, &packed).ok());
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(ledger_->db(),
                     "INSERT INTO entry_batches (first_entry, run_id, entries, packed, min_job, "
                     "max_job) VALUES (100, 1, 1, ?, 999, 999)",
                     -1, &q, nullptr);
  sqlite3_bind_blob(q, 1, packed.data(), static_cast<int>(packed.size()), SQLITE_STATIC);
  ASSERT_EQ(sqlite3_step(q), SQLITE_DONE);
  sqlite3_finalize(q);
  for (GroupBy by : {GroupBy::kJob, GroupBy::kPhase, GroupBy::kProject}) {
    EXPECT_EQ(ledger_->SumEntriesByGroup(1, by).status().code(), absl::StatusCode::kDataLoss)
        << GroupByName(by);
  }
  EXPECT_EQ(ledger_->ListUsage(1).status().code(), absl::StatusCode::kDataLoss);
  // A negative page offset is the first page, as SQL's OFFSET took it.
  auto from_start = ledger_->ListJobs(1, 0, 1), negative = ledger_->ListJobs(1, -5, 1);
  ASSERT_TRUE(from_start.ok() && negative.ok());
  ASSERT_EQ(negative->size(), 1u);
  EXPECT_EQ((*negative)[0].started, (*from_start)[0].started);
  EXPECT_EQ((*negative)[0].started, 0);
}

// Entries written without their job's ordinal get it by the job's id: the
// totals are kept as for a replay's.
TEST_F(TotalsTest, EntriesWithoutOrdinalsAreMatchedById) {
  RunRecord run;
  run.plan_name = "p";
  run.nodes = 1;
  run.gpus_per_node = 8;
  JobRecord a;
  a.job_id = "a";
  a.phase = "rl";
  a.project = "P";
  a.gpus = 8;
  auto w = ledger_->StartRun(run, {a});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->AppendUsage({"a", "rl", "productive", 0, 10, 8, 80}).ok());
  ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, 10, "", 0, 0).ok());
  EXPECT_EQ(StoredGroupings((*w)->run_id()), "phase,project,category,pool,day");
  auto by_project = ledger_->SumByGroup((*w)->run_id(), GroupBy::kProject);
  ASSERT_TRUE(by_project.ok());
  ASSERT_EQ(by_project->size(), 1u);
  EXPECT_EQ((*by_project)[0].group, "P");
  EXPECT_EQ((*by_project)[0].gpu_seconds, 80);
}

}  // namespace
}  // namespace gpuledger::ledger

// The policies on a real trace (Lublin-Feitelson, 10,000 jobs on 256
// processors): invariants every faithful schedule must keep, checked on the
// schedule each policy produces; and the CLI's schedule output.
#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "cli/cli.h"
#include "replay/metrics.h"
#include "replay/replay.h"
#include "tests/temp_dir.h"
#include "traces/swf.h"

namespace gpuledger::replay {
namespace {

using scheduler::JobSpec;
using scheduler::JobTimes;
using scheduler::Policy;
using scheduler::Seconds;

const std::string kLublin = GPULEDGER_TEST_DATA "/lublin_256.swf.gz";

using Null = scheduler::NullSink;

class Lublin : public ::testing::TestWithParam<Policy> {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<traces::Workload> w = traces::LoadSwfFile(kLublin, {});
    ASSERT_TRUE(w.ok()) << w.status();
    workload_ = new traces::Workload(std::move(*w));
  }
  static void TearDownTestSuite() { delete workload_; }

  std::unique_ptr<scheduler::Simulator> Replay(Policy policy) {
    auto sim = scheduler::Simulator::Create({workload_->nodes, 1, 0}, ToJobSpecs(*workload_),
                                            {policy, -1}, &null_);
    EXPECT_TRUE(sim.ok());
    EXPECT_TRUE((*sim)->RunUntil(std::numeric_limits<Seconds>::max()).ok());
    EXPECT_TRUE((*sim)->Finish().ok());
    return std::move(*sim);
  }

  static traces::Workload* workload_;
  Null null_;
};
traces::Workload* Lublin::workload_ = nullptr;

TEST_P(Lublin, NeverMoreGpusThanCapacityAndNoStartBeforeSubmit) {
  auto sim = Replay(GetParam());
  const auto& jobs = sim->jobs();
  const auto& t = sim->times();
  std::vector<std::pair<Seconds, int>> changes;  // ends (-) sort before starts (+)
  for (size_t i = 0; i < jobs.size(); ++i) {
    ASSERT_GE(t[i].last_start, jobs[i].submit) << jobs[i].id;
    ASSERT_EQ(t[i].end, t[i].last_start + jobs[i].run_seconds) << jobs[i].id;
    changes.push_back({t[i].last_start, jobs[i].gpus});
    changes.push_back({t[i].end, -jobs[i].gpus});
  }
  std::sort(changes.begin(), changes.end());
  int busy = 0, peak = 0;
  for (const auto& [time, delta] : changes) {
    busy += delta;
    peak = std::max(peak, busy);
  }
  EXPECT_LE(peak, 256);
  EXPECT_EQ(busy, 0);
}

TEST_P(Lublin, PolicyGuarantees) {
  const Policy policy = GetParam();
  auto sim = Replay(policy);
  const auto& jobs = sim->jobs();
  const auto& t = sim->times();
  if (policy == Policy::kFcfs || policy == Policy::kPriority) {
    // All priorities are equal in SWF: starts follow the queue order.
    std::vector<size_t> order(jobs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return jobs[a].submit < jobs[b].submit; });
    for (size_t k = 1; k < order.size(); ++k) {
      ASSERT_LE(t[order[k - 1]].last_start, t[order[k]].last_start) << jobs[order[k]].id;
    }
  }
  int reserved = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (policy == Policy::kEasy || policy == Policy::kConservative) {
      // EASY: a head never starts after the shadow time it got when it became
      // head. Conservative: no job starts after its first reservation.
      if (t[i].reservation >= 0) {
        ++reserved;
        ASSERT_LE(t[i].last_start, t[i].reservation) << jobs[i].id;
      }
    }
  }
  if (policy == Policy::kConservative) {
    EXPECT_EQ(reserved, 10000);
  }
  if (policy == Policy::kEasy) {
    EXPECT_GT(reserved, 100);
  }
}

// On one-GPU nodes that never fail, counting GPUs (place_nodes false)
// schedules exactly as placing them: every job starts and ends at the same
// instants under every policy, preemptions included (priorities mixed so
// the priority policy preempts).
TEST_P(Lublin, CountingGpusSchedulesAsPlacingThem) {
  std::vector<JobSpec> jobs = ToJobSpecs(*workload_);
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i].priority = static_cast<int>(i * 7 % 3);
  std::vector<std::vector<JobTimes>> times;
  std::vector<scheduler::RunSummary> summaries;
  for (bool place : {true, false}) {
    scheduler::SchedulerOptions o{GetParam(), -1};
    o.place_nodes = place;
    auto sim = scheduler::Simulator::Create({workload_->nodes, 1, 0}, jobs, o, &null_);
    ASSERT_TRUE(sim.ok());
    ASSERT_TRUE((*sim)->RunUntil(std::numeric_limits<Seconds>::max()).ok());
    auto s = (*sim)->Finish();
    ASSERT_TRUE(s.ok());
    summaries.push_back(*s);
    times.push_back((*sim)->times());
  }
  ASSERT_EQ(times[0].size(), times[1].size());
  for (size_t i = 0; i < times[0].size(); ++i) {
    ASSERT_EQ(times[0][i].first_start, times[1][i].first_start) << i;
    ASSERT_EQ(times[0][i].last_start, times[1][i].last_start) << i;
    ASSERT_EQ(times[0][i].end, times[1][i].end) << i;
  }
  EXPECT_EQ(summaries[0].end, summaries[1].end);
  EXPECT_EQ(summaries[0].busy_gpu_seconds, summaries[1].busy_gpu_seconds);
  EXPECT_EQ(summaries[0].idle_gpu_seconds, summaries[1].idle_gpu_seconds);
  EXPECT_EQ(summaries[0].preemptions, summaries[1].preemptions);
  if (GetParam() == Policy::kPriority) {
    EXPECT_GT(summaries[0].preemptions, 0);
  }
}

TEST(LublinPolicies, BackfillingBeatsFcfs) {
  absl::StatusOr<traces::Workload> w = traces::LoadSwfFile(kLublin, {});
  ASSERT_TRUE(w.ok());
  std::map<Policy, scheduler::RunSummary> summaries;
  Null null;
  for (Policy p : {Policy::kFcfs, Policy::kEasy, Policy::kConservative}) {
    auto s = scheduler::Simulate({w->nodes, 1, 0}, ToJobSpecs(*w), {p, -1}, &null);
    ASSERT_TRUE(s.ok());
    summaries[p] = *s;
  }
  // Same work, shorter makespan with backfilling.
  EXPECT_EQ(summaries[Policy::kEasy].busy_gpu_seconds, summaries[Policy::kFcfs].busy_gpu_seconds);
  EXPECT_LT(summaries[Policy::kEasy].end, summaries[Policy::kFcfs].end);
  EXPECT_LT(summaries[Policy::kConservative].end, summaries[Policy::kFcfs].end);
}

TEST(LublinPolicies, EasyShortcutIsExact) {
  // Without a depth limit EASY skips re-examining jobs when nothing ended
  // and the head is unchanged; a depth limit too large to bind forces a full
  // pass at every decision point. The schedules must be the same.
  absl::StatusOr<traces::Workload> w = traces::LoadSwfFile(kLublin, {});
  ASSERT_TRUE(w.ok());
  Null null;
  std::vector<std::vector<JobTimes>> runs;
  for (int depth : {-1, 1 << 30}) {
    auto sim = scheduler::Simulator::Create({w->nodes, 1, 0}, ToJobSpecs(*w),
                                            {Policy::kEasy, depth}, &null);
    ASSERT_TRUE(sim.ok());
    ASSERT_TRUE((*sim)->RunUntil(std::numeric_limits<Seconds>::max()).ok());
    runs.push_back((*sim)->times());
  }
  for (size_t i = 0; i < runs[0].size(); ++i) {
    ASSERT_EQ(runs[0][i].last_start, runs[1][i].last_start) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(AllPolicies, Lublin,
                         ::testing::Values(Policy::kFcfs, Policy::kEasy, Policy::kConservative,
                                           Policy::kPriority),
                         [](const auto& info) {
                           return std::string(scheduler::PolicyName(info.param));
                         });

class ScheduleCli : public testing::TempDirTest {};

TEST_F(ScheduleCli, ScheduleOutHasOneRowPerJobAndTheRunCarriesItsMetrics) {
  std::vector<std::string> args = {"gpuledger", "replay",         kLublin,
                                   "--ledger",  Path("l.sqlite"), "--policy",
                                   "easy",      "--schedule-out", Path("s.csv")};
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  ASSERT_EQ(cli::RunCli(static_cast<int>(argv.size()), argv.data(), out, err), 0) << err.str();
  std::ifstream csv(Path("s.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "job_id,submit,start,end,gpus");
  int rows = 0;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 10000);
  EXPECT_NE(out.str().find("jobs: 10000 done, 0 skipped"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("(easy, seed 0)"), std::string::npos);

  auto l = ledger::Ledger::Open(Path("l.sqlite"));
  ASSERT_TRUE(l.ok());
  auto run = (*l)->GetRun(1);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->policy, "easy");
  EXPECT_NE(run->metrics.find("jobs_done: 10000"), std::string::npos) << run->metrics;
}

TEST_F(ScheduleCli, ScheduleCsvQuotesIdsThatNeedIt) {
  std::vector<JobSpec> jobs(1);
  jobs[0].id = "pre-train, part \"2\"";
  jobs[0].gpus = 8;
  std::vector<JobTimes> times = {{3, 3, 10}};
  ASSERT_TRUE(WriteScheduleCsv(Path("q.csv"), jobs, times).ok());
  std::ifstream csv(Path("q.csv"));
  std::string header, row;
  std::getline(csv, header);
  std::getline(csv, row);
  EXPECT_EQ(row, "\"pre-train, part \"\"2\"\"\",0,3,10,8");
}

TEST(Metrics, FormulasOnAHandMadeSchedule) {
  // Three jobs on 10 GPUs: waits 0, 10, 30; runs 5, 100, 20.
  std::vector<JobSpec> jobs(3);
  jobs[0].submit = 0, jobs[0].run_seconds = 5, jobs[0].gpus = 2;
  jobs[1].submit = 0, jobs[1].run_seconds = 100, jobs[1].gpus = 5;
  jobs[2].submit = 10, jobs[2].run_seconds = 20, jobs[2].gpus = 10;
  std::vector<JobTimes> times = {{0, 0, 5}, {10, 10, 110}, {40, 40, 60}};
  scheduler::RunSummary s;
  s.start = 0;
  s.end = 110;
  s.busy_gpu_seconds = 2 * 5 + 5 * 100 + 10 * 20;
  auto m = ComputeMetrics(jobs, times, s, 10, {{"size <= 0", 2}});
  EXPECT_EQ(m.jobs_done(), 3);
  EXPECT_EQ(m.jobs_skipped(), 2);
  EXPECT_EQ(m.makespan_seconds(), 110);
  EXPECT_DOUBLE_EQ(m.wait_mean_seconds(), 40.0 / 3);
  EXPECT_DOUBLE_EQ(m.wait_median_seconds(), 10);
  EXPECT_EQ(m.wait_p95_seconds(), 30);  // nearest rank: ceil(0.95 x 3) = 3rd
  // Bounded slowdowns: max(1, (0+5)/10) = 1; (10+100)/100 = 1.1; (30+20)/20 = 2.5.
  EXPECT_DOUBLE_EQ(m.bounded_slowdown_mean(), (1 + 1.1 + 2.5) / 3);
  EXPECT_DOUBLE_EQ(m.utilization(), 710.0 / (10 * 110));
}

}  // namespace
}  // namespace gpuledger::replay

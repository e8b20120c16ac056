// The ledger's capacity timeline against the scheduler's. Idle and down
// capacity is kept per change of the free count (each interval the
// scheduler reports, packed: a few bytes each), not coarsened: the FOCUS
// export writes a row per interval, so a coarser timeline would change it.
// What reports read is coarse: the run's stored idle and down totals. Both
// must hold exactly what the scheduler reported: the intervals read back,
// summed per day and in all, and the stored totals.
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "ledger/store.h"
#include "replay/replay.h"
#include "scheduler/simulator.h"
#include "tests/temp_dir.h"
#include "traces/plan.h"
#include "traces/swf.h"

namespace gpuledger {
namespace {

const std::string kSource = GPULEDGER_SOURCE_DIR;
constexpr int64_t kDay = 86400;

// Idle and down GPU-seconds by day of the run (from `origin`), and in all.
struct Capacity {
  std::map<int64_t, int64_t> idle_by_day, down_by_day;
  int64_t idle = 0, down = 0;
  // Adds [start, end) of `gpus` GPUs, split at the days' bounds.
  void Add(bool down_time, int64_t origin, int64_t start, int64_t end, int64_t gpus) {
    (down_time ? down : idle) += (end - start) * gpus;
    for (int64_t t = start; t < end;) {
      const int64_t day = (t - origin) / kDay;
      const int64_t until = std::min(end, origin + (day + 1) * kDay);
      (down_time ? down_by_day : idle_by_day)[day] += (until - t) * gpus;
      t = until;
    }
  }
};

// The scheduler's fine timeline: every cluster-wide interval it reports.
class CapacitySink : public scheduler::NullSink {
 public:
  std::vector<scheduler::UsageInterval> intervals;
  absl::Status OnUsage(const scheduler::UsageInterval& u) override {
    if (u.job < 0) intervals.push_back(u);
    return absl::OkStatus();
  }
};

class CapacityTest : public testing::TempDirTest {
 protected:
  // Replays `w` with `seed` into a fresh ledger and checks its capacity
  // against the scheduler's own report of the same replay; returns the
  // scheduler's totals.
  Capacity Check(const traces::Workload& w, int64_t seed, scheduler::Policy policy) {
    const scheduler::SchedulerOptions options{policy, -1};
    CapacitySink sink;
    absl::StatusOr<scheduler::RunSummary> summary = scheduler::Simulate(
        {w.nodes, w.gpu.gpus_per_node(), w.pod_nodes}, replay::ToJobSpecs(w),
        replay::WithWorkloadFailures(options, w, seed), &sink);
    EXPECT_TRUE(summary.ok()) << summary.status();
    Capacity fine;
    for (const scheduler::UsageInterval& u : sink.intervals) {
      fine.Add(u.category == scheduler::Category::kDown, summary->start, u.start, u.end, u.gpus);
    }

    auto l = ledger::Ledger::Open(Path(absl::StrCat("l", ++ledgers_, ".sqlite")));
    EXPECT_TRUE(l.ok());
    auto r = replay::ReplayWorkload(w, **l, seed, options);
    EXPECT_TRUE(r.ok()) << r.status();
    auto entries = (*l)->ListUsage(r->run_id);
    EXPECT_TRUE(entries.ok());
    Capacity kept;
    size_t intervals = 0;
    for (const ledger::UsageRecord& u : *entries) {
      if (!u.job_id.empty()) continue;
      ++intervals;
      kept.Add(u.category == "down", summary->start, u.start, u.end, u.gpus);
    }
    EXPECT_EQ(intervals, sink.intervals.size());  // one entry per interval reported
    EXPECT_EQ(kept.idle_by_day, fine.idle_by_day);
    EXPECT_EQ(kept.down_by_day, fine.down_by_day);
    EXPECT_EQ(kept.idle, fine.idle);
    EXPECT_EQ(kept.down, fine.down);
    // The coarse figures reports read: the run's stored totals.
    EXPECT_EQ(*(*l)->IdleGpuSeconds(r->run_id), fine.idle);
    EXPECT_EQ(*(*l)->DownGpuSeconds(r->run_id), fine.down);
    EXPECT_EQ(summary->idle_gpu_seconds, fine.idle);
    EXPECT_EQ(summary->down_gpu_seconds, fine.down);
    return fine;
  }
  int ledgers_ = 0;
};

TEST_F(CapacityTest, FailuresRepairsAndSpares) {
  const std::string path = kSource + "/traces/deepseek-v3-r1-failures.textproto";
  auto failing = traces::LoadPlanFile(path);
  ASSERT_TRUE(failing.ok()) << failing.status();
  for (int64_t seed : {1, 2}) {
    const Capacity c = Check(*failing, seed, scheduler::Policy::kFcfs);
    EXPECT_GT(c.down, 0);  // nodes under repair: the test sees down time
    EXPECT_GT(c.down_by_day.size(), 1u);
  }
  // Hot spares stand by idle, and take over from failed nodes.
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string spared =
      absl::StrReplaceAll(text.str(), {{"spare_nodes: 0", "spare_nodes: 4"}});
  ASSERT_NE(spared, text.str());
  auto with_spares = traces::LoadPlanText(spared, "spares.textproto");
  ASSERT_TRUE(with_spares.ok()) << with_spares.status();
  EXPECT_GT(Check(*with_spares, 1, scheduler::Policy::kEasy).down, 0);
}

TEST_F(CapacityTest, TracesOfManyJobs) {
  auto swf = traces::LoadSwfFile(GPULEDGER_TEST_DATA "/lublin_256.swf.gz", {});
  ASSERT_TRUE(swf.ok()) << swf.status();
  for (auto policy : {scheduler::Policy::kEasy, scheduler::Policy::kConservative}) {
    const Capacity c = Check(*swf, 0, policy);
    EXPECT_GT(c.idle_by_day.size(), 10u);  // many days of idle capacity
    EXPECT_EQ(c.down, 0);
  }
}

}  // namespace
}  // namespace gpuledger

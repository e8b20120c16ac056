// Spot capacity in the scheduler: reclaims drawn per run, notice, saved and
// lost work. Each expectation is worked out in the test from the same draws
// (SpotNoticeAfter) and the rules in SchedulerOptions' comment.
#include <cstdint>
#include <limits>
#include <vector>

#include "gtest/gtest.h"
#include "scheduler/simulator.h"

namespace gpuledger::scheduler {
namespace {

struct Usage : Sink {
  std::vector<UsageInterval> entries;
  int reclaims = 0;
  absl::Status OnJobStart(Seconds, int, const Allocation&) override { return absl::OkStatus(); }
  absl::Status OnJobEnd(Seconds, int) override { return absl::OkStatus(); }
  absl::Status OnJobPreempted(Seconds, int) override { return absl::OkStatus(); }
  absl::Status OnSpotReclaimed(Seconds, int) override {
    ++reclaims;
    return absl::OkStatus();
  }
  absl::Status OnUsage(const UsageInterval& u) override {
    entries.push_back(u);
    return absl::OkStatus();
  }
  int64_t Sum(Category c) const {
    int64_t s = 0;
    for (const auto& u : entries) s += u.category == c ? u.gpu_seconds() : 0;
    return s;
  }
};

SchedulerOptions Spot(double per_node_day, Seconds notice, uint64_t seed) {
  SchedulerOptions o;
  o.on_demand = true;  // no cluster: every job runs on (spot) demand at once
  o.spot_interruptions_per_node_day = per_node_day;
  o.spot_notice_seconds = notice;
  o.spot_seed = seed;
  return o;
}

absl::StatusOr<RunSummary> Replay(const std::vector<JobSpec>& jobs, const SchedulerOptions& o,
                                  Usage* u) {
  return Simulate({0, 8}, jobs, o, u);
}

// No checkpoints: each reclaimed run held its machines from its start to
// the end of its notice and lost all of it; the run whose notice would come
// after its end minus the notice completes.
TEST(Spot, WithoutCheckpointsEveryReclaimedRunIsLost) {
  const Seconds work = 2 * 86400, notice = 120;
  JobSpec j{"train", 16, 0, 0, work};  // two nodes: reclaimed twice as often
  Usage u;
  auto s = Replay({j}, Spot(1.0, notice, 7), &u);
  ASSERT_TRUE(s.ok()) << s.status();
  int reclaimed = 0;
  Seconds lost = 0;
  for (int k = 0;; ++k) {
    const double d = SpotNoticeAfter(7, 0, k, 2, 1.0);
    if (!(d < static_cast<double>(work - notice))) break;
    ++reclaimed;
    lost += static_cast<Seconds>(d) + notice;
  }
  ASSERT_GT(reclaimed, 0);  // seed 7 at one per node-day reclaims this job
  EXPECT_EQ(s->spot_interruptions, reclaimed);
  EXPECT_EQ(u.reclaims, reclaimed);
  EXPECT_EQ(s->lost_gpu_seconds, 16 * lost);
  EXPECT_EQ(s->on_demand_lost_gpu_seconds, 16 * lost);
  EXPECT_EQ(u.Sum(Category::kProductive), 16 * work);
  EXPECT_EQ(s->end, lost + work);
  EXPECT_EQ(s->on_demand_gpu_seconds, 16 * (lost + work));
}

// Checkpoints every hour, writes of 100 s, notice 120 s: at its notice a
// run stops work and writes, so nothing is lost; the first run's entries are
// its work up to the notice, its regular writes, then the emergency write.
TEST(Spot, NoticeLongerThanAWriteSavesAllTheWork) {
  const Seconds work = 3 * 86400, every = 3600, write = 100;
  JobSpec j{"train", 8, 0, 0, work};
  j.checkpoint_seconds = every;
  j.checkpoint_write_seconds = write;
  SchedulerOptions o = Spot(1.0, 120, 3);
  o.restart_seconds = 60;
  Usage u;
  auto s = Replay({j}, o, &u);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->lost_gpu_seconds, 0);
  EXPECT_EQ(u.Sum(Category::kProductive), 8 * work);
  ASSERT_GT(s->spot_interruptions, 0);
  EXPECT_EQ(u.Sum(Category::kRestart), 8 * 60 * s->spot_interruptions);
  // The first run: notice at d into its work (no restart owed yet).
  const auto d = static_cast<Seconds>(SpotNoticeAfter(3, 0, 0, 1, 1.0));
  const Seconds cycles = d / (every + write), rest = d - cycles * (every + write);
  const Seconds worked = cycles * every + std::min(rest, every);
  ASSERT_GE(u.entries.size(), 3u);
  EXPECT_EQ(u.entries[0].category, Category::kProductive);
  EXPECT_EQ(u.entries[0].end - u.entries[0].start, worked);
  EXPECT_TRUE(u.entries[0].on_demand);
  // Regular writes (and a write under way), then the emergency one.
  Seconds writing = 0;
  size_t i = 1;
  for (; i < u.entries.size() && u.entries[i].category == Category::kCheckpoint; ++i) {
    writing += u.entries[i].end - u.entries[i].start;
  }
  EXPECT_EQ(writing, cycles * write + std::max<Seconds>(0, rest - every) + write);
  EXPECT_EQ(u.entries[i - 1].end, d + write);  // machines let go once it is written
}

// Notice shorter than a write: the run keeps working until its machines go
// and loses what it did since its last completed checkpoint.
TEST(Spot, NoticeShorterThanAWriteLosesTheWorkSinceTheLastCheckpoint) {
  const Seconds work = 3 * 86400, every = 3600, write = 300, notice = 30;
  JobSpec j{"train", 8, 0, 0, work};
  j.checkpoint_seconds = every;
  j.checkpoint_write_seconds = write;
  Usage u;
  auto s = Replay({j}, Spot(1.0, notice, 3), &u);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_GT(s->spot_interruptions, 0);
  const auto d = static_cast<Seconds>(SpotNoticeAfter(3, 0, 0, 1, 1.0));
  const Seconds held = d + notice;  // the first run, to its reclaim
  const Seconds cycles = held / (every + write);
  // First run's entries: saved work, completed writes, the lost tail.
  ASSERT_GE(u.entries.size(), 3u);
  EXPECT_EQ(u.entries[0].end - u.entries[0].start, cycles * every);
  EXPECT_EQ(u.entries[2].category, Category::kLost);
  EXPECT_EQ(u.entries[2].end - u.entries[2].start, held - cycles * (every + write));
  EXPECT_EQ(u.entries[2].end, held);
  // Every second of work is done once, however often it was lost.
  EXPECT_EQ(u.Sum(Category::kProductive), 8 * work);
  EXPECT_GE(s->lost_gpu_seconds, 8 * (held - cycles * (every + write)));
}

// The same seed reclaims the same runs; without spot nothing is reclaimed.
TEST(Spot, DrawsAreReproducibleAndOffMeansOff) {
  JobSpec j{"train", 8, 0, 0, 5 * 86400};
  Usage a, b, off;
  auto sa = Replay({j}, Spot(2.0, 120, 11), &a);
  auto sb = Replay({j}, Spot(2.0, 120, 11), &b);
  auto so = Replay({j}, Spot(0, 120, 11), &off);
  ASSERT_TRUE(sa.ok() && sb.ok() && so.ok());
  EXPECT_GT(sa->spot_interruptions, 0);
  EXPECT_EQ(sa->spot_interruptions, sb->spot_interruptions);
  EXPECT_EQ(sa->end, sb->end);
  EXPECT_EQ(so->spot_interruptions, 0);
  EXPECT_EQ(so->end, 5 * 86400);
}

TEST(Spot, RatesOutOfRangeAreRefused) {
  JobSpec j{"train", 8, 0, 0, 100};
  Usage u;
  EXPECT_FALSE(Replay({j}, Spot(-1, 120, 1), &u).ok());
  EXPECT_FALSE(Replay({j}, Spot(1e9, 120, 1), &u).ok());
  EXPECT_FALSE(Replay({j}, Spot(1, -5, 1), &u).ok());
}

}  // namespace
}  // namespace gpuledger::scheduler

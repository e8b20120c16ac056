// The discrete-event core: event order, gang allocation, FCFS with
// dependencies and priorities, and complete accounting of GPU-seconds.
#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "scheduler/cluster.h"
#include "scheduler/event_queue.h"
#include "scheduler/simulator.h"

namespace gpuledger::scheduler {
namespace {

TEST(EventQueue, OrdersByTimeThenEndsBeforeSubmitsThenPushOrder) {
  EventQueue q;
  q.Push(20, EventKind::kJobSubmit, 1);
  q.Push(10, EventKind::kJobSubmit, 2);
  q.Push(10, EventKind::kJobEnd, 3);
  q.Push(10, EventKind::kJobSubmit, 4);
  q.Push(10, EventKind::kJobEnd, 5);
  std::vector<int> order;
  while (!q.empty()) order.push_back(q.Pop().job);
  EXPECT_EQ(order, (std::vector<int>{3, 5, 2, 4, 1}));
}

using Runs = decltype(Allocation::parts);

TEST(Cluster, WholeNodeJobsTakeLowestFreeNodes) {
  Cluster c({4, 8});
  auto a = c.Allocate(16);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->parts, (Runs{{0, 2, 8}}));
  EXPECT_EQ(c.free_gpus(), 16);
  EXPECT_EQ(c.free_nodes(), 2);
  auto b = c.Allocate(8);
  EXPECT_EQ(b->parts, (Runs{{2, 1, 8}}));
  c.Release(*a);
  EXPECT_EQ(c.free_gpus(), 24);
  EXPECT_EQ(c.free_nodes(), 3);
  auto d = c.Allocate(24);  // nodes 0, 1 and 3 around the busy node 2
  ASSERT_TRUE(d);
  EXPECT_EQ(d->parts, (Runs{{0, 2, 8}, {3, 1, 8}}));
  c.Release(*b);
  c.Release(*d);
  EXPECT_EQ(c.free_nodes(), 4);
  EXPECT_EQ(c.Allocate(32)->parts, (Runs{{0, 4, 8}}));  // free ranges merged again
}

TEST(Cluster, PartNodeJobsBestFitAndKeepWholeNodesFree) {
  Cluster c({3, 8});
  auto a = c.Allocate(4);  // node 0 (all equal: lowest number)
  ASSERT_TRUE(a);
  EXPECT_EQ(a->parts, (Runs{{0, 1, 4}}));
  auto b = c.Allocate(2);  // node 0 again: fewest free GPUs that fit
  ASSERT_TRUE(b);
  EXPECT_EQ(b->parts, (Runs{{0, 1, 2}}));
  EXPECT_EQ(c.free_nodes(), 2);
  auto d = c.Allocate(4);  // does not fit in node 0's 2: next node
  ASSERT_TRUE(d);
  EXPECT_EQ(d->parts, (Runs{{1, 1, 4}}));
  EXPECT_EQ(c.free_nodes(), 1);
  c.Release(*a);
  c.Release(*b);
  EXPECT_EQ(c.free_nodes(), 2);
  EXPECT_EQ(c.free_gpus(), 20);
  EXPECT_EQ(c.Allocate(16)->parts, (Runs{{0, 1, 8}, {2, 1, 8}}));
}

TEST(Cluster, GangNeedsWholeNodesEvenWhenEnoughGpusAreFree) {
  Cluster c({2, 8});
  auto a = c.Allocate(1);
  ASSERT_TRUE(a);
  EXPECT_EQ(c.free_gpus(), 15);
  EXPECT_FALSE(c.Fits(16));  // 15 GPUs free but only one whole node
  EXPECT_FALSE(c.Allocate(16));
  EXPECT_EQ(c.free_gpus(), 15);  // a refused request changes nothing
  EXPECT_TRUE(c.Fits(8));
  EXPECT_FALSE(c.Fits(12));  // not a whole number of nodes
  EXPECT_FALSE(c.Fits(0));
}

TEST(Cluster, PodsPlaceAGangInTheFullestPodThatHoldsIt) {
  // 3 pods of 4 nodes, 1 GPU each.
  Cluster c({12, 1, 4});
  auto a = c.Allocate(3);  // all pods equal: pod 0
  EXPECT_EQ(a->parts, (Runs{{0, 3, 1}}));
  auto b = c.Allocate(2);  // pod 1 (4 free) and pod 2 (4 free) hold it; pod 0 (1 free) cannot
  EXPECT_EQ(b->parts, (Runs{{4, 2, 1}}));
  auto d = c.Allocate(1);  // least fragmentation: pod 0's last node
  EXPECT_EQ(d->parts, (Runs{{3, 1, 1}}));
  auto e = c.Allocate(2);  // pod 1 has 2 free, pod 2 has 4: pod 1
  EXPECT_EQ(e->parts, (Runs{{6, 2, 1}}));
  c.Release(*a);           // pod 0: 3 free, pod 1: 0, pod 2: 4
  auto f = c.Allocate(6);  // no pod holds 6: fewest pods, fullest first (pod 2, then pod 0)
  EXPECT_EQ(f->parts, (Runs{{0, 2, 1}, {8, 4, 1}}));
  EXPECT_EQ(c.free_nodes(), 1);
}

// Records everything the simulator reports.
struct Recorder : Sink {
  std::vector<std::string> log;
  std::map<int, Seconds> start, end;
  std::vector<UsageInterval> usage;
  absl::Status OnJobStart(Seconds t, int job, const Allocation& a) override {
    start[job] = t;
    log.push_back("start " + std::to_string(job) + "@" + std::to_string(t) + " gpus " +
                  std::to_string(a.gpus()));
    return absl::OkStatus();
  }
  absl::Status OnJobEnd(Seconds t, int job) override {
    end[job] = t;
    log.push_back("end " + std::to_string(job) + "@" + std::to_string(t));
    return absl::OkStatus();
  }
  absl::Status OnJobPreempted(Seconds t, int job) override {
    log.push_back("preempt " + std::to_string(job) + "@" + std::to_string(t));
    return absl::OkStatus();
  }
  absl::Status OnUsage(const UsageInterval& u) override {
    usage.push_back(u);
    return absl::OkStatus();
  }
  int64_t Sum(Category c) const {
    int64_t s = 0;
    for (const auto& u : usage) s += u.category == c ? u.gpu_seconds() : 0;
    return s;
  }
};

absl::StatusOr<RunSummary> SimulateFcfs(const ClusterShape& shape, const std::vector<JobSpec>& jobs,
                                        Sink* sink) {
  return Simulate(shape, jobs, SchedulerOptions{}, sink);
}

JobSpec Job(std::string id, int gpus, Seconds run, Seconds submit = 0, std::vector<int> after = {},
            int priority = 0) {
  return JobSpec{std::move(id), gpus, priority, submit, run, std::move(after)};
}

TEST(SimulateFcfs, DependenciesWaitForEnds) {
  Recorder r;
  auto s = SimulateFcfs({2, 8},
                        {Job("a", 16, 100), Job("b", 8, 50, 0, {0}), Job("c", 8, 30, 0, {0})}, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(r.start[1], 100);
  EXPECT_EQ(r.start[2], 100);  // b and c run side by side after a
  EXPECT_EQ(r.end[2], 130);
  EXPECT_EQ(s->end, 150);
  EXPECT_EQ(s->jobs_completed, 3);
}

TEST(SimulateFcfs, HigherPriorityGoesFirstAndHeadIsNeverSkipped) {
  Recorder r;
  // One node. "big" (priority 5) and "small" (priority 0) arrive while "run"
  // holds half the node; big is the head and does not fit, so small waits too.
  auto s = SimulateFcfs(
      {1, 8}, {Job("run", 4, 100), Job("small", 2, 10, 5), Job("big", 8, 10, 5, {}, 5)}, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(r.start[2], 100);
  EXPECT_EQ(r.start[1], 110);
}

TEST(SimulateFcfs, SameInstantEndsFreeGpusForArrivals) {
  Recorder r;
  auto s = SimulateFcfs({1, 8}, {Job("a", 8, 10), Job("b", 8, 10, 10)}, &r);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(r.start[1], 10);
  EXPECT_EQ(r.log, (std::vector<std::string>{"start 0@0 gpus 8", "end 0@10", "start 1@10 gpus 8",
                                             "end 1@20"}));
}

TEST(SimulateFcfs, EveryGpuSecondOfTheWindowIsAccountedOnce) {
  Recorder r;
  const ClusterShape shape{4, 8};
  auto s = SimulateFcfs(
      shape,
      {Job("a", 16, 70), Job("b", 3, 500, 20), Job("c", 32, 40, 5), Job("d", 8, 90, 30, {0})}, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  const int64_t window = s->end - s->start;
  EXPECT_EQ(r.Sum(Category::kProductive) + r.Sum(Category::kIdle), window * shape.total_gpus());
  EXPECT_EQ(r.Sum(Category::kProductive), 16 * 70 + 3 * 500 + 32 * 40 + 8 * 90);
  EXPECT_EQ(s->busy_gpu_seconds, r.Sum(Category::kProductive));
  EXPECT_EQ(s->idle_gpu_seconds, r.Sum(Category::kIdle));
}

TEST(SimulateFcfs, IsDeterministic) {
  std::vector<JobSpec> jobs;
  for (int i = 0; i < 50; ++i)
    jobs.push_back(Job("j" + std::to_string(i), 1 + (i * 7) % 8, 10 + i, i % 5));
  Recorder a, b;
  ASSERT_TRUE(SimulateFcfs({2, 8}, jobs, &a).ok());
  ASSERT_TRUE(SimulateFcfs({2, 8}, jobs, &b).ok());
  EXPECT_EQ(a.log, b.log);
  ASSERT_EQ(a.usage.size(), b.usage.size());
  for (size_t i = 0; i < a.usage.size(); ++i) {
    EXPECT_EQ(a.usage[i].start, b.usage[i].start);
    EXPECT_EQ(a.usage[i].gpus, b.usage[i].gpus);
  }
}

TEST(Simulator, SteppingGivesTheSameReplayAndCountsRunningJobs) {
  const std::vector<JobSpec> jobs = {Job("a", 8, 100), Job("b", 8, 50, 10),
                                     Job("c", 16, 30, 0, {0})};
  Recorder whole, stepped;
  ASSERT_TRUE(SimulateFcfs({2, 8}, jobs, &whole).ok());
  auto sim = Simulator::Create({2, 8}, jobs, {}, &stepped);
  ASSERT_TRUE(sim.ok());
  ASSERT_TRUE((*sim)->RunUntil(40).ok());
  EXPECT_EQ((*sim)->now(), 10);  // last instant applied: b's arrival
  EXPECT_EQ((*sim)->jobs_done(), 0);
  // a has held 8 GPUs for 40 s and b 8 GPUs for 30 s.
  EXPECT_EQ((*sim)->BusyGpuSecondsThrough(40), 8 * 40 + 8 * 30);
  EXPECT_EQ((*sim)->next_event_time(), 60);  // b ends
  ASSERT_TRUE((*sim)->RunUntil(100).ok());
  EXPECT_EQ((*sim)->jobs_done(), 2);
  EXPECT_EQ((*sim)->BusyGpuSecondsThrough(100), 8 * 100 + 8 * 50);
  while (!(*sim)->done()) ASSERT_TRUE((*sim)->RunUntil((*sim)->next_event_time()).ok());
  auto summary = (*sim)->Finish();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->end, 130);
  EXPECT_EQ(whole.log, stepped.log);
  EXPECT_EQ(whole.usage.size(), stepped.usage.size());
}

TEST(Simulator, StopAtRecordsRunningJobsAndIdleUpToTheStop) {
  Recorder r;
  auto sim = Simulator::Create(
      {2, 8}, {Job("a", 8, 100), Job("b", 4, 500), Job("c", 16, 10, 0, {0})}, {}, &r);
  ASSERT_TRUE(sim.ok());
  ASSERT_TRUE((*sim)->RunUntil(50).ok());
  EXPECT_FALSE((*sim)->StopAt(100).ok());  // not before a's end at 100
  ASSERT_TRUE((*sim)->StopAt(60).ok());
  EXPECT_TRUE((*sim)->done());
  // a (8 GPUs) and b (4 GPUs) ran 0..60; 4 GPUs idle: every GPU-second once.
  EXPECT_EQ(r.Sum(Category::kProductive), 12 * 60);
  EXPECT_EQ(r.Sum(Category::kIdle), 4 * 60);
  EXPECT_EQ((*sim)->now(), 60);
  EXPECT_FALSE((*sim)->Finish().ok());  // jobs never finished
}

TEST(SimulateFcfs, RejectsImpossibleJobsBeforeReportingAnything) {
  Recorder r;
  auto big = SimulateFcfs({1, 8}, {Job("ok", 8, 10), Job("huge", 16, 10)}, &r);
  EXPECT_EQ(big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(big.status().message().find("huge"), absl::string_view::npos);
  auto zero = SimulateFcfs({1, 8}, {Job("z", 8, 0)}, &r);
  EXPECT_EQ(zero.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(r.log.empty());
}

TEST(SimulateFcfs, CyclesAreReported) {
  Recorder r;
  auto s =
      SimulateFcfs({1, 8}, {Job("a", 8, 10, 0, {1}), Job("b", 8, 10, 0, {0}), Job("c", 8, 5)}, &r);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().message(), "jobs wait on each other in a cycle: \"a\", \"b\"");
  EXPECT_TRUE(r.log.empty());  // refused before anything ran
}

}  // namespace
}  // namespace gpuledger::scheduler

namespace gpuledger::scheduler {
namespace {

// Runs `jobs` under `policy` on `shape`; returns the simulator for its times.
std::unique_ptr<Simulator> Replay(const ClusterShape& shape, std::vector<JobSpec> jobs,
                                  Policy policy, Recorder* r, int depth = -1) {
  auto sim = Simulator::Create(shape, std::move(jobs), {policy, depth}, r);
  EXPECT_TRUE(sim.ok()) << sim.status();
  if (!sim.ok()) return nullptr;
  EXPECT_TRUE((*sim)->RunUntil(std::numeric_limits<Seconds>::max()).ok());
  EXPECT_TRUE((*sim)->Finish().ok());
  return std::move(*sim);
}

std::vector<Seconds> Starts(const Simulator& sim) {
  std::vector<Seconds> s;
  for (const JobTimes& t : sim.times()) s.push_back(t.last_start);
  return s;
}

// Ten 1-GPU nodes. j0 holds 6 GPUs until 100; j1 (8 GPUs) is the head from
// t=1 and is reserved at the shadow time 100, when 4 + 6 = 10 GPUs are free:
// 2 extra. j2 (4 GPUs, 99 s) fits now but would end at 101, after the shadow
// time, and needs more than the 2 extra: it waits. j3 (3 GPUs, 98 s) ends
// exactly at the shadow time: it starts at 2. j4 (1 GPU, 500 s) runs past
// the shadow time but fits in the extra: it starts at 3, leaving 1 extra.
// j5 (1 GPU) arrives at 4 to a full cluster. At 100 j0 and j3 end: j1 starts
// and, behind the new head j2 (shadow 150 when j1 ends), j5 backfills.
std::vector<JobSpec> EasyTrace() {
  return {Job("j0", 6, 100, 0), Job("j1", 8, 50, 1),  Job("j2", 4, 99, 2),
          Job("j3", 3, 98, 2),  Job("j4", 1, 500, 3), Job("j5", 1, 500, 4)};
}

TEST(Easy, ShadowTimeExtraGpusAndAJobEndingExactlyAtTheShadow) {
  Recorder r;
  auto sim = Replay({10, 1}, EasyTrace(), Policy::kEasy, &r);
  EXPECT_EQ(Starts(*sim), (std::vector<Seconds>{0, 100, 150, 2, 3, 100}));
  EXPECT_EQ(sim->times()[1].reservation, 100);  // j1's shadow time when it became head
  EXPECT_EQ(sim->times()[2].reservation, 150);
}

TEST(Fcfs, TheHeadBlocksEveryoneBehindIt) {
  Recorder r;
  auto sim = Replay({10, 1}, EasyTrace(), Policy::kFcfs, &r);
  // j1 waits for j0 (100); j2 cannot join it (8 + 4 > 10) and everyone
  // queues behind j2 until j1 ends at 150, when j2..j5 (4+3+1+1) all fit.
  EXPECT_EQ(Starts(*sim), (std::vector<Seconds>{0, 100, 150, 150, 150, 150}));
}

// Four 1-GPU nodes: a (3 GPUs) runs 0..10; b (3) and c (4) queue at 1; d (1
// GPU, 100 s) arrives at 2. EASY protects only the head b (shadow 10, extra
// 1): d backfills into the extra GPU and delays c until d ends at 102.
// Conservative also reserves c (at 20, after b): d cannot start before 30
// without delaying c.
std::vector<JobSpec> ConservativeTrace() {
  return {Job("a", 3, 10, 0), Job("b", 3, 10, 1), Job("c", 4, 10, 1), Job("d", 1, 100, 2)};
}

TEST(Conservative, ProtectsEveryReservationWhereEasyProtectsTheHead) {
  Recorder easy, conservative;
  EXPECT_EQ(Starts(*Replay({4, 1}, ConservativeTrace(), Policy::kEasy, &easy)),
            (std::vector<Seconds>{0, 10, 102, 2}));
  auto sim = Replay({4, 1}, ConservativeTrace(), Policy::kConservative, &conservative);
  EXPECT_EQ(Starts(*sim), (std::vector<Seconds>{0, 10, 20, 30}));
  EXPECT_EQ(sim->times()[3].reservation, 30);
  EXPECT_EQ(sim->times()[2].reservation, 20);
}

TEST(Easy, EstimatesAboveRunTimesPlanWithTheEstimate) {
  // a holds 2 of 3 GPUs, asks for 100 s but ends at 10. b (3 GPUs) is the
  // head, shadow 100 by a's estimate, extra 0. c (1 GPU, 50 s) ends by 100:
  // it backfills at 1. When a ends at 10, b still waits for c.
  std::vector<JobSpec> jobs = {Job("a", 2, 10, 0), Job("b", 3, 5, 1), Job("c", 1, 50, 1)};
  jobs[0].estimate = 100;
  Recorder r;
  EXPECT_EQ(Starts(*Replay({3, 1}, jobs, Policy::kEasy, &r)), (std::vector<Seconds>{0, 51, 1}));
}

TEST(Easy, BackfillDepthLimitsTheJobsExamined) {
  Recorder r;
  // With depth 1 only the job right behind the head is examined: j2, which
  // is refused, so j3 and j4 cannot backfill at 2 and 3. At 100 j1 starts and
  // j3, now right behind the head j2, does not fit the 2 free GPUs: 150.
  auto sim = Replay({10, 1}, EasyTrace(), Policy::kEasy, &r, /*depth=*/1);
  EXPECT_EQ(sim->times()[3].last_start, 150);
  EXPECT_GT(sim->times()[4].last_start, 3);
}

TEST(Priority, PreemptsLowerPriorityAndRecordsLostWork) {
  Recorder r;
  std::vector<JobSpec> jobs = {Job("lo", 4, 100, 0, {}, 0), Job("hi", 2, 10, 30, {}, 5)};
  auto sim = Replay({4, 1}, jobs, Policy::kPriority, &r);
  EXPECT_EQ(sim->times()[1].last_start, 30);
  EXPECT_EQ(sim->times()[0].first_start, 0);
  EXPECT_EQ(sim->times()[0].last_start, 40);  // restarted when hi ended, from scratch
  EXPECT_EQ(sim->times()[0].end, 140);
  EXPECT_EQ(sim->times()[0].preemptions, 1);
  EXPECT_EQ(r.Sum(Category::kLost), 4 * 30);
  EXPECT_EQ(r.Sum(Category::kProductive), 4 * 100 + 2 * 10);
  EXPECT_NE(std::find(r.log.begin(), r.log.end(), "preempt 0@30"), r.log.end());
}

TEST(Priority, CheckpointsKeepWorkAndVictimsAreLowestPriorityThenLatestStarted) {
  Recorder r;
  std::vector<JobSpec> jobs = {Job("old-lo", 2, 100, 0, {}, 0), Job("mid", 2, 100, 5, {}, 1),
                               Job("new-lo", 2, 100, 8, {}, 0), Job("hi", 2, 10, 20, {}, 5)};
  jobs[2].checkpoint_seconds = 5;
  // 6 GPUs: old-lo, mid and new-lo all run. hi needs 2: the lowest priority
  // is 0 (old-lo and new-lo); the latest started of those is new-lo, which
  // has saved 10 of its 12 s (checkpoints every 5 s) and loses 2.
  auto sim = Replay({6, 1}, jobs, Policy::kPriority, &r);
  EXPECT_EQ(sim->times()[2].preemptions, 1);
  EXPECT_EQ(sim->times()[0].preemptions, 0);
  EXPECT_EQ(sim->times()[3].last_start, 20);
  EXPECT_EQ(r.Sum(Category::kLost), 2 * 2);
  EXPECT_EQ(sim->times()[2].last_start, 30);  // back when hi ends
  EXPECT_EQ(sim->times()[2].end, 30 + 90);    // 90 s of work were left
}

TEST(Priority, NoPreemptionForEqualPriority) {
  Recorder r;
  auto sim = Replay({4, 1}, {Job("a", 4, 100, 0, {}, 3), Job("b", 2, 10, 30, {}, 3)},
                    Policy::kPriority, &r);
  EXPECT_EQ(sim->times()[1].last_start, 100);
  EXPECT_EQ(r.Sum(Category::kLost), 0);
}

}  // namespace
}  // namespace gpuledger::scheduler

namespace gpuledger::scheduler {
namespace {

// Two nodes of 8 GPUs. Job a (16 GPUs, 100 s of work, checkpoint every 30 s)
// starts at 0; node 1 fails at 50 and is repaired in 20 s; restarting costs
// 5 s. By hand: a keeps 30 s (480 GPU-s productive), loses 20 s (320 lost);
// node 1 is down 50..70 (160 down) while node 0 idles (160 idle); a, back at
// the head of the queue, restarts at 70 when the node returns: 5 s restart
// (80) then its remaining 70 s (1,120 productive), ending at 145.
TEST(Failures, LostWorkRestartAndDownTimeByHand) {
  JobSpec a = Job("a", 16, 100);
  a.checkpoint_seconds = 30;
  SchedulerOptions options;
  options.failures = {{50, 1, 0, 20}};
  options.restart_seconds = 5;
  Recorder r;
  auto sim = Simulator::Create({2, 8}, {a}, options, &r);
  ASSERT_TRUE(sim.ok());
  ASSERT_TRUE((*sim)->RunUntil(std::numeric_limits<Seconds>::max()).ok());
  auto s = (*sim)->Finish();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*sim)->times()[0].end, 145);
  EXPECT_EQ((*sim)->times()[0].last_start, 70);
  EXPECT_EQ((*sim)->times()[0].interruptions, 1);
  EXPECT_EQ(r.Sum(Category::kProductive), 480 + 1120);
  EXPECT_EQ(r.Sum(Category::kLost), 320);
  EXPECT_EQ(r.Sum(Category::kRestart), 80);
  EXPECT_EQ(r.Sum(Category::kDown), 160);
  EXPECT_EQ(r.Sum(Category::kIdle), 160);
  EXPECT_EQ(s->interruptions, 1);
  EXPECT_EQ(145 * 16, r.Sum(Category::kProductive) + r.Sum(Category::kLost) +
                          r.Sum(Category::kRestart) + r.Sum(Category::kDown) +
                          r.Sum(Category::kIdle));
}

// Checkpoint writes stall the job. a: 16 GPUs (nodes 0 and 1), 100 s of
// work, a checkpoint after every 30 s of work taking 5 s to write, restart
// 10 s. Node 1 fails at 50 for 20 s. By hand: work 0-30, write 30-35 (30 s
// saved), work 35-50 lost (15 s). Back at 70: restart 70-80, then the 70 s
// left with 2 writes: work 80-110, write 110-115, work 115-145, write
// 145-150, work 150-160; the job ends at 160.
TEST(Failures, CheckpointWritesStallTheJobByHand) {
  JobSpec a = Job("a", 16, 100);
  a.checkpoint_seconds = 30;
  a.checkpoint_write_seconds = 5;
  SchedulerOptions options;
  options.failures = {{50, 1, 0, 20}};
  options.restart_seconds = 10;
  Recorder r;
  auto s = Simulate({2, 8}, {a}, options, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->end, 160);
  EXPECT_EQ(r.Sum(Category::kProductive), 100 * 16);
  EXPECT_EQ(r.Sum(Category::kCheckpoint), 3 * 5 * 16);
  EXPECT_EQ(r.Sum(Category::kLost), 15 * 16);
  EXPECT_EQ(r.Sum(Category::kRestart), 10 * 16);
  EXPECT_EQ(r.Sum(Category::kDown), 20 * 8);
  EXPECT_EQ(r.Sum(Category::kIdle), 20 * 8);
  EXPECT_EQ(s->checkpoint_gpu_seconds, 3 * 5 * 16);
  EXPECT_DOUBLE_EQ(s->goodput(), 1600.0 / (1600 + 240 + 240 + 160));
}

TEST(Failures, AWriteCutShortSavesNothing) {
  // As above, but node 1 fails at 33, during the first write (30-35): the
  // 30 s of work and the 3 s of writing are lost; the job redoes all 100 s.
  JobSpec a = Job("a", 16, 100);
  a.checkpoint_seconds = 30;
  a.checkpoint_write_seconds = 5;
  SchedulerOptions options;
  options.failures = {{33, 1, 0, 20}};
  Recorder r;
  auto s = Simulate({2, 8}, {a}, options, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(r.Sum(Category::kLost), 33 * 16);
  EXPECT_EQ(r.Sum(Category::kCheckpoint), 3 * 5 * 16);  // all three after the restart
  EXPECT_EQ(s->end, 53 + 100 + 3 * 5);
}

// Hot spares. 3 nodes, the last one a spare; a (16 GPUs, 100 s, checkpoints
// every 30 s) runs on nodes 0-1. Node 1 goes down for planned maintenance at
// 50 for 20 s: the spare joins service and a restarts at once (5 s restart,
// then the 70 s left), ending at 125 instead of waiting for the repair. Node
// 1, repaired at 70, becomes the spare. Idle: the spare's 8 GPUs over 0-50
// and 70-125.
TEST(Failures, HotSpareLetsTheJobRestartWithoutWaitingForTheRepair) {
  JobSpec a = Job("a", 16, 100);
  a.checkpoint_seconds = 30;
  SchedulerOptions options;
  options.failures = {{50, 1, 0, 20, /*planned=*/true}};
  options.restart_seconds = 5;
  options.spare_nodes = 1;
  Recorder r;
  auto s = Simulate({3, 8}, {a}, options, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->end, 125);
  EXPECT_EQ(s->planned_interruptions, 1);
  EXPECT_EQ(s->interruptions, 0);
  EXPECT_EQ(r.Sum(Category::kLost), 20 * 16);
  EXPECT_EQ(r.Sum(Category::kRestart), 5 * 16);
  EXPECT_EQ(r.Sum(Category::kDown), 20 * 8);
  EXPECT_EQ(r.Sum(Category::kIdle), (50 + 55) * 8);
  EXPECT_EQ(s->busy_gpu_seconds + s->idle_gpu_seconds + s->down_gpu_seconds, 125 * 24);
  // A job may not count on the spares' GPUs.
  Recorder refused;
  auto big = Simulate({3, 8}, {Job("big", 24, 10)}, options, &refused);
  EXPECT_EQ(big.status().message(),
            "job \"big\": needs 24 GPUs, the cluster has 16 besides its 1 spare nodes");
}

// On-demand capacity. One 8-GPU node; a (100 s) and b (50 s) both want it
// at 0. FCFS runs a on the node; b waits, and once it has waited 30 s it runs
// on demand: machines come up 30-40 (provisioning), work 40-90.
TEST(OnDemand, AJobThatWaitedLongEnoughBurstsAfterProvisioning) {
  SchedulerOptions o;
  o.on_demand = true;
  o.burst_after_seconds = 30;
  o.provisioning_seconds = 10;
  Recorder r;
  auto sim = Simulator::Create({1, 8}, {Job("a", 8, 100), Job("b", 8, 50)}, o, &r);
  ASSERT_TRUE(sim.ok()) << sim.status();
  ASSERT_TRUE((*sim)->RunUntil(std::numeric_limits<Seconds>::max()).ok());
  auto s = (*sim)->Finish();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*sim)->times()[1].first_start, 30);
  EXPECT_EQ((*sim)->times()[1].end, 90);
  EXPECT_EQ(s->end, 100);
  EXPECT_EQ(s->on_demand_jobs, 1);
  EXPECT_EQ(s->on_demand_gpu_seconds, 8 * 60);
  EXPECT_EQ(s->provisioning_gpu_seconds, 8 * 10);
  EXPECT_EQ(r.Sum(Category::kProvisioning), 80);
  EXPECT_EQ(r.Sum(Category::kProductive), 800 + 400);
  EXPECT_EQ(s->idle_gpu_seconds, 0);  // the node was busy all the window
  // Cluster GPU-seconds still add up to the window; on demand comes on top.
  EXPECT_EQ(s->busy_gpu_seconds - s->on_demand_gpu_seconds + s->idle_gpu_seconds, 100 * 8);
}

TEST(OnDemand, TheCapHoldsJobsBackAndTheClusterComesFirst) {
  // Cap 8 GPUs, no wait: a takes the node, b goes on demand at 0, c waits
  // for either; at 100 both end and c takes the node (the cluster's policy
  // runs before bursting).
  SchedulerOptions o;
  o.on_demand = true;
  o.on_demand_cap_gpus = 8;
  Recorder r;
  auto s = Simulate({1, 8}, {Job("a", 8, 100), Job("b", 8, 100), Job("c", 8, 100)}, o, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->on_demand_jobs, 1);
  EXPECT_EQ(s->end, 200);
  EXPECT_EQ(s->on_demand_gpu_seconds, 800);
  // A job above the cap and the cluster can never run.
  Recorder refused;
  auto big = Simulate({1, 8}, {Job("big", 16, 10)}, o, &refused);
  EXPECT_EQ(big.status().message(),
            "job \"big\": needs 16 GPUs, the cluster has 8 and on-demand capacity is capped at 8");
}

// A job bigger than the cluster goes on demand at once and does not block
// the cluster's queue: big (16 GPUs) cannot fit the one 8-GPU node, so with a
// 24 h burst wait it still starts at 0 on demand, and small (8) runs on the
// node at 0 instead of waiting behind it.
TEST(OnDemand, AJobBiggerThanTheClusterNeitherWaitsNorBlocks) {
  for (Policy p : {Policy::kFcfs, Policy::kEasy, Policy::kConservative, Policy::kPriority}) {
    SchedulerOptions o{p};
    o.on_demand = true;
    o.burst_after_seconds = 86400;
    Recorder r;
    auto sim = Simulator::Create({1, 8}, {Job("big", 16, 100), Job("small", 8, 50)}, o, &r);
    ASSERT_TRUE(sim.ok()) << sim.status();
    ASSERT_TRUE((*sim)->RunUntil(std::numeric_limits<Seconds>::max()).ok());
    auto s = (*sim)->Finish();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ((*sim)->times()[0].first_start, 0) << PolicyName(p);
    EXPECT_EQ((*sim)->times()[1].first_start, 0) << PolicyName(p);
    EXPECT_EQ(s->on_demand_gpu_seconds, 16 * 100) << PolicyName(p);  // small stayed on the node
  }
}

// When the head bursts, the jobs behind it get another look at the cluster.
// Two nodes; a (8) holds node 0 until 100; h (16) waits at the head (8 GPUs
// free) and l (8) behind it. At 10 both have waited long enough: h goes on
// demand, and then l fits node 1, so it runs there rather than on demand.
TEST(OnDemand, TheQueueMovesOnWhenItsHeadBursts) {
  SchedulerOptions o;
  o.on_demand = true;
  o.burst_after_seconds = 10;
  Recorder r;
  auto s = Simulate({2, 8}, {Job("a", 8, 100), Job("h", 16, 500), Job("l", 8, 50)}, o, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->on_demand_jobs, 1);
  EXPECT_EQ(s->on_demand_gpu_seconds, 16 * 500);
  EXPECT_EQ(s->end, 510);
}

TEST(OnDemand, AllOnDemandNeedsNoCluster) {
  SchedulerOptions o;
  o.on_demand = true;
  Recorder r;
  auto s = Simulate({0, 8}, {Job("a", 16, 100), Job("b", 64, 10, 5)}, o, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->end, 100);
  EXPECT_EQ(s->idle_gpu_seconds, 0);
  EXPECT_EQ(s->on_demand_gpu_seconds, 16 * 100 + 64 * 10);
  EXPECT_EQ(s->busy_gpu_seconds, s->on_demand_gpu_seconds);
}

// An interrupted job's old estimated end must not linger in EASY's view.
// 3 nodes. A (8 GPUs, 1000 s, checkpoints every 100 s) on node 0 and B (8,
// 1200 s) on node 1 from 0; C (8, 400 s) on node 2. Node 0 fails at 200 and
// is back at once; A restarts at 200 (5 s restart, 800 s left: ends 1005).
// H (24 GPUs) arrives at 300: its shadow is 1200 (B's end). L (8, 700 s,
// at 300) fits on node 2 at 400 and ends at 1100 <= 1200: it backfills.
TEST(Failures, EasyForgetsTheRunAFailureEnded) {
  JobSpec a = Job("A", 8, 1000);
  a.checkpoint_seconds = 100;
  SchedulerOptions o{Policy::kEasy, -1, {{200, 0, 0, 0}}, 5};
  Recorder r;
  auto sim = Simulator::Create(
      {3, 8},
      {a, Job("B", 8, 1200), Job("C", 8, 400), Job("H", 24, 100, 300), Job("L", 8, 700, 300)}, o,
      &r);
  ASSERT_TRUE(sim.ok());
  ASSERT_TRUE((*sim)->RunUntil(std::numeric_limits<Seconds>::max()).ok());
  const auto& t = (*sim)->times();
  EXPECT_EQ(t[0].end, 1005);
  EXPECT_EQ(t[3].reservation, 1200);
  EXPECT_EQ(t[4].first_start, 400);
  EXPECT_EQ(t[3].first_start, 1200);
}

// Nodes under repair come back: EASY and conservative plan with their
// return. 2 nodes; A (16 GPUs) runs; node 1 fails at 100 for 500 s. A waits
// at the head for 600; S (8 GPUs, 10 s, at 100) fits on node 0 and ends long
// before: it backfills at once, under either policy.
TEST(Failures, BackfillingPlansWithNodesComingBackFromRepair) {
  for (Policy p : {Policy::kEasy, Policy::kConservative}) {
    SchedulerOptions o{p, -1, {{100, 1, 0, 500}}, 0};
    Recorder r;
    auto sim = Simulator::Create({2, 8}, {Job("A", 16, 1000), Job("S", 8, 10, 100)}, o, &r);
    ASSERT_TRUE(sim.ok());
    ASSERT_TRUE((*sim)->RunUntil(std::numeric_limits<Seconds>::max()).ok()) << PolicyName(p);
    const auto& t = (*sim)->times();
    EXPECT_EQ(t[1].first_start, 100) << PolicyName(p);
    EXPECT_EQ(t[0].last_start, 600) << PolicyName(p);
  }
}

// A repaired node rejoins service when fewer nodes serve than planned. 3
// nodes, node 2 the spare. The spare fails at 10 (repaired at 30); node 1
// fails at 20 under the job (repair 100): no spare is left, so the job
// waits, and restarts at 30 on the repaired node 2 rather than at 120.
TEST(Failures, ARepairedNodeServesBeforeItStandsBy) {
  SchedulerOptions o;
  o.failures = {{10, 2, 0, 20}, {20, 1, 0, 100}};
  o.spare_nodes = 1;
  Recorder r;
  auto s = Simulate({3, 8}, {Job("a", 16, 100)}, o, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->end, 130);  // 30 + 100: no checkpoints, all redone
  EXPECT_EQ(s->busy_gpu_seconds + s->idle_gpu_seconds + s->down_gpu_seconds, 130 * 24);
}

TEST(Failures, OnlyJobsOnTheFailedNodeAndTheyGoFirst) {
  // 2 nodes: x (4 GPUs) and y (4 GPUs) share node 0; z (8) holds node 1.
  // Node 0 fails at 10 (repair 5): x and y are interrupted (no checkpoints:
  // all lost), z is not. w (4 GPUs) arrived at 12: x and y go back ahead of
  // it, on node 0 when it returns at 15.
  SchedulerOptions options;
  options.failures = {{10, 0, 0, 5}};
  Recorder r;
  auto sim = Simulator::Create(
      {2, 8}, {Job("x", 4, 20), Job("y", 4, 20), Job("z", 8, 50), Job("w", 4, 5, 12)}, options, &r);
  ASSERT_TRUE(sim.ok());
  ASSERT_TRUE((*sim)->RunUntil(std::numeric_limits<Seconds>::max()).ok());
  const auto& t = (*sim)->times();
  EXPECT_EQ(t[0].interruptions, 1);
  EXPECT_EQ(t[1].interruptions, 1);
  EXPECT_EQ(t[2].interruptions, 0);
  EXPECT_EQ(t[0].last_start, 15);
  EXPECT_EQ(t[1].last_start, 15);
  EXPECT_EQ(t[3].last_start, 35);  // w waits for x and y to finish at 35
  EXPECT_EQ(r.Sum(Category::kLost), 2 * 4 * 10);
  EXPECT_EQ(r.Sum(Category::kDown), 8 * 5);
}

TEST(Failures, PoliciesFaceTheSameFailures) {
  const std::vector<NodeFailure> failures =
      FailureSchedule(5, 4, 8, FailureModel{0.01, {{"any", 1, 600}}}, 0, 20000);
  ASSERT_FALSE(failures.empty());
  std::vector<JobSpec> jobs;
  for (int i = 0; i < 40; ++i)
    jobs.push_back(Job("j" + std::to_string(i), 8 << (i % 2), 900, i * 300));
  for (Policy p : {Policy::kFcfs, Policy::kEasy, Policy::kConservative}) {
    SchedulerOptions options{p, -1, failures, 60};
    Recorder r;
    auto sim = Simulator::Create({4, 8}, jobs, options, &r);
    ASSERT_TRUE(sim.ok());
    ASSERT_TRUE((*sim)->RunUntil(std::numeric_limits<Seconds>::max()).ok());
    auto s = (*sim)->Finish();
    ASSERT_TRUE(s.ok());
    // Every GPU-second of the window, once, whatever the policy.
    EXPECT_EQ(s->busy_gpu_seconds + s->idle_gpu_seconds + s->down_gpu_seconds,
              (s->end - s->start) * 32);
    EXPECT_EQ(s->jobs_completed, 40);
  }
}

}  // namespace
}  // namespace gpuledger::scheduler

namespace gpuledger::scheduler {
namespace {

// Every policy faces the same failures: the same nodes fail at the same
// times (up to the end of the shorter window), whatever runs on them.
TEST(Failures, PoliciesDrawTheSameFailureTimesFromTheModel) {
  struct FailureLog : Recorder {
    std::vector<std::tuple<Seconds, int, int>> failures;
    absl::Status OnNodeFailure(Seconds t, const NodeFailure& f) override {
      failures.emplace_back(t, f.node, f.cause);
      return absl::OkStatus();
    }
  };
  const FailureModel model{0.01, {{"hw", 1, 1800}, {"sw", 3, 300}}};
  std::vector<JobSpec> jobs;
  for (int i = 0; i < 50; ++i) {
    jobs.push_back(Job("j" + std::to_string(i), 8 << (i % 3), 2400 + 97 * i, i * 500));
    jobs.back().checkpoint_seconds = 600;
  }
  std::vector<FailureLog> logs(3);
  std::vector<Seconds> ends;
  const Policy policies[] = {Policy::kFcfs, Policy::kEasy, Policy::kConservative};
  for (int p = 0; p < 3; ++p) {
    SchedulerOptions o{policies[p], -1, {}, 60, model, 21};
    auto s = Simulate({8, 8}, jobs, o, &logs[p]);
    ASSERT_TRUE(s.ok()) << s.status();
    ends.push_back(s->end);
  }
  const Seconds common = *std::min_element(ends.begin(), ends.end());
  auto upto = [&](const std::vector<std::tuple<Seconds, int, int>>& f) {
    std::vector<std::tuple<Seconds, int, int>> out;
    for (const auto& x : f)
      if (std::get<0>(x) <= common) out.push_back(x);
    return out;
  };
  ASSERT_GT(upto(logs[0].failures).size(), 5u);
  EXPECT_EQ(upto(logs[0].failures), upto(logs[1].failures));
  EXPECT_EQ(upto(logs[0].failures), upto(logs[2].failures));
}

TEST(Failures, ModelDrawnLazilyEqualsTheMaterializedSchedule) {
  const FailureModel model{0.002, {{"hw", 3, 3600}, {"sw", 1, 300}}};
  std::vector<JobSpec> jobs;
  for (int i = 0; i < 60; ++i) {
    jobs.push_back(Job("j" + std::to_string(i), 8 << (i % 3), 1800 + 60 * i, i * 600));
    jobs.back().checkpoint_seconds = 600;
  }
  Recorder lazy, given;
  SchedulerOptions a{Policy::kEasy, -1, {}, 120, model, 11};
  auto s1 = Simulate({8, 8}, jobs, a, &lazy);
  ASSERT_TRUE(s1.ok()) << s1.status();
  SchedulerOptions b{Policy::kEasy, -1, FailureSchedule(11, 8, 8, model, 0, s1->end + 1), 120};
  auto s2 = Simulate({8, 8}, jobs, b, &given);
  ASSERT_TRUE(s2.ok());
  EXPECT_GT(s1->interruptions, 0);
  EXPECT_EQ(s1->interruptions, s2->interruptions);
  EXPECT_EQ(s1->end, s2->end);
  EXPECT_EQ(lazy.log, given.log);
  EXPECT_EQ(lazy.Sum(Category::kLost), given.Sum(Category::kLost));
  EXPECT_EQ(lazy.Sum(Category::kDown), given.Sum(Category::kDown));
  // The window closes at the last job's end, repairs still pending or not.
  Seconds last_end = 0;
  for (const auto& [job, t] : lazy.end) last_end = std::max(last_end, t);
  EXPECT_EQ(s1->end, last_end);
  EXPECT_EQ(s1->busy_gpu_seconds + s1->idle_gpu_seconds + s1->down_gpu_seconds,
            (s1->end - s1->start) * 64);
}

}  // namespace
}  // namespace gpuledger::scheduler

// Mixed clusters: pools of different GPU models, capacity that arrives and
// retires, jobs offered to their pools in order of preference
// (docs/metrics.md, "Mixed clusters"). Every figure here is worked by hand
// in the comment beside it.
#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "base/random.h"
#include "gtest/gtest.h"
#include "scheduler/simulator.h"

namespace gpuledger::scheduler {
namespace {

struct Recorder : Sink {
  std::vector<std::string> log;
  std::map<int, Seconds> start, end;
  std::map<int, int> pool;  // of the job's last start
  std::vector<UsageInterval> usage;
  absl::Status OnJobStart(Seconds t, int job, const Allocation& a) override {
    start[job] = t;
    pool[job] = a.pool;
    std::string nodes;
    for (const NodeRun& r : a.parts) {
      nodes += " " + std::to_string(r.first) + "x" + std::to_string(r.count) + "x" +
               std::to_string(r.gpus_each);
    }
    log.push_back("start " + std::to_string(job) + "@" + std::to_string(t) + " pool " +
                  std::to_string(a.pool) + nodes);
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
  absl::Status OnJobInterrupted(Seconds t, int job, int node) override {
    log.push_back("interrupt " + std::to_string(job) + "@" + std::to_string(t) + " node " +
                  std::to_string(node));
    return absl::OkStatus();
  }
  absl::Status OnNodeFailure(Seconds t, const NodeFailure& f) override {
    log.push_back("fail " + std::to_string(f.node) + "@" + std::to_string(t));
    return absl::OkStatus();
  }
  absl::Status OnUsage(const UsageInterval& u) override {
    usage.push_back(u);
    log.push_back("usage " + std::to_string(u.job) + " " + CategoryName(u.category) + " " +
                  std::to_string(u.start) + "-" + std::to_string(u.end) + " x" +
                  std::to_string(u.gpus) + " pool " + std::to_string(u.pool));
    return absl::OkStatus();
  }
  int64_t OnPool(int p) const {
    int64_t s = 0;
    for (const auto& u : usage) s += u.pool == p ? u.gpu_seconds() : 0;
    return s;
  }
  int64_t Sum(int p, Category c) const {
    int64_t s = 0;
    for (const auto& u : usage) s += u.pool == p && u.category == c ? u.gpu_seconds() : 0;
    return s;
  }
};

PoolSpec Pool(std::string name, int nodes, int gpus_per_node = 8, Seconds from = 0,
              Seconds retired = kMaxSimulatedSeconds + 1) {
  PoolSpec p;
  p.name = std::move(name);
  p.shape = {nodes, gpus_per_node};
  p.available_from = from;
  p.retired_at = retired;
  return p;
}

JobSpec Job(std::string id, int gpus, Seconds run, Seconds submit = 0,
            std::vector<PoolChoice> pools = {}) {
  JobSpec j{std::move(id), gpus, 0, submit, run};
  j.pools = std::move(pools);
  return j;
}

SchedulerOptions With(Policy policy) {
  SchedulerOptions o;
  o.policy = policy;
  return o;
}

constexpr Policy kPolicies[] = {Policy::kFcfs, Policy::kEasy, Policy::kConservative,
                                Policy::kPriority};

TEST(Pools, PreferredPoolWhenBothFitTheOtherWhenOnlyThatDoes) {
  // Two one-node pools; both jobs prefer pool 1 ("new"). The first takes it;
  // the second finds it full and takes pool 0, under every policy.
  for (Policy policy : kPolicies) {
    Recorder r;
    const std::vector<PoolChoice> prefer_new = {{1, 100, 0}, {0, 200, 0}};
    absl::StatusOr<RunSummary> s =
        Simulate({Pool("old", 1), Pool("new", 1)},
                 {Job("a", 8, 100, 0, prefer_new), Job("b", 8, 100, 0, prefer_new)},
                 With(policy), &r);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(r.pool[0], 1) << PolicyName(policy);
    EXPECT_EQ(r.pool[1], 0) << PolicyName(policy);
    EXPECT_EQ(r.end[0], 100);  // pool 1's run time
    EXPECT_EQ(r.end[1], 200);  // pool 0's
    EXPECT_EQ(s->end, 200);
  }
}

TEST(Pools, AJobWithoutChoicesGoesWhereItFitsInPoolOrder) {
  // 16 GPUs do not fit pool 0's one node: pool 1 is the only choice. 8 GPUs
  // fit both: pool 0 first.
  Recorder r;
  absl::StatusOr<RunSummary> s = Simulate({Pool("small", 1), Pool("big", 2)},
                                          {Job("wide", 16, 50), Job("narrow", 8, 50)},
                                          SchedulerOptions{}, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(r.pool[0], 1);
  EXPECT_EQ(r.pool[1], 0);
  EXPECT_EQ(r.start[1], 0);
}

TEST(Pools, APoolThatArrivesOnADateTakesNoJobBeforeIt) {
  // Pool 1 opens at 1000. "only-new", which may use only it, waits until
  // then, at the head of the queue. "either" prefers pool 1 but may use
  // pool 0: FCFS (and priority) keep it behind the head, so it starts at
  // 1000 on pool 0 (pool 1 is full by then) and ends at 1400; backfilling
  // starts it at 0 on pool 0, which the head's reservation (on pool 1) does
  // not constrain. Pool 1 reports no capacity before it opens.
  for (Policy policy : kPolicies) {
    const bool backfills = policy == Policy::kEasy || policy == Policy::kConservative;
    Recorder r;
    absl::StatusOr<RunSummary> s =
        Simulate({Pool("old", 1), Pool("new", 1, 8, 1000)},
                 {Job("only-new", 8, 300, 0, {{1, 300, 0}}),
                  Job("either", 8, 400, 0, {{1, 400, 0}, {0, 400, 0}})},
                 With(policy), &r);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(r.start[0], 1000) << PolicyName(policy);
    EXPECT_EQ(r.pool[0], 1);
    EXPECT_EQ(r.start[1], backfills ? 0 : 1000) << PolicyName(policy);
    EXPECT_EQ(r.pool[1], 0);
    const Seconds end = backfills ? 1300 : 1400;
    EXPECT_EQ(s->end, end);
    for (const UsageInterval& u : r.usage) {
      if (u.pool == 1) {
        EXPECT_GE(u.start, 1000);
      }
    }
    EXPECT_EQ(r.OnPool(1), 8 * (end - 1000));  // busy 300 s, then idle
    EXPECT_EQ(r.OnPool(0), 8 * end);
    EXPECT_EQ(r.Sum(0, Category::kIdle), 8 * (end - 400));
  }
}

TEST(Pools, EasyReservesTheHeadOnTheEarliestPoolAndBackfillsTheOther) {
  // Pool 0 (2 nodes) runs "long" on one node until 1000; pool 1 (1 node)
  // runs "short" until 200. The head "wide" needs 16 GPUs, which only pool 0
  // holds: reserved there at 1000, with no extra GPUs. "fill" (8 GPUs,
  // 2000 s, either pool) would end after the shadow on pool 0, so it is
  // refused there; on pool 1 nothing constrains it once "short" ends.
  Recorder r;
  SchedulerOptions o = With(Policy::kEasy);
  absl::StatusOr<RunSummary> s = Simulate(
      {Pool("a", 2), Pool("b", 1)},
      {Job("long", 8, 1000, 0, {{0, 1000, 0}}), Job("short", 8, 200, 0, {{1, 200, 0}}),
       Job("wide", 16, 100, 1, {{0, 100, 0}}), Job("fill", 8, 2000, 2, {{0, 2000, 0}, {1, 2000, 0}})},
      o, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(r.start[2], 1000);
  EXPECT_EQ(r.pool[3], 1);
  EXPECT_EQ(r.start[3], 200);
  // Without pool 1 it would have to wait for "wide" (EASY refuses it on
  // pool 0), so the same jobs on pool 0 alone start "fill" at 1100.
  Recorder alone;
  absl::StatusOr<RunSummary> t = Simulate(
      {Pool("a", 2), Pool("b", 1)},
      {Job("long", 8, 1000, 0, {{0, 1000, 0}}), Job("short", 8, 200, 0, {{1, 200, 0}}),
       Job("wide", 16, 100, 1, {{0, 100, 0}}), Job("fill", 8, 2000, 2, {{0, 2000, 0}})},
      o, &alone);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(alone.start[3], 1100);
}

TEST(Pools, ConservativeReservesOnThePoolWhereTheJobStartsEarliest) {
  // "x" holds pool 0 until 500, "y" pool 1 until 300. "z" may use both,
  // preferring pool 0: its earliest reservation is pool 1 at 300.
  Recorder r;
  absl::StatusOr<RunSummary> s = Simulate(
      {Pool("a", 1), Pool("b", 1)},
      {Job("x", 8, 500, 0, {{0, 500, 0}}), Job("y", 8, 300, 0, {{1, 300, 0}}),
       Job("z", 8, 100, 1, {{0, 100, 0}, {1, 100, 0}})},
      With(Policy::kConservative), &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(r.start[2], 300);
  EXPECT_EQ(r.pool[2], 1);
}

TEST(Pools, PriorityPreemptsOnlyWithinThePoolThatMakesRoom) {
  // Low-priority "l0" on pool 0, "l1" on pool 1; "h" (higher priority) may
  // use pool 1 then pool 0: it preempts "l1", its preferred pool's victim.
  Recorder r;
  std::vector<JobSpec> jobs = {Job("l0", 8, 1000, 0, {{0, 1000, 0}}),
                               Job("l1", 8, 1000, 0, {{1, 1000, 0}}),
                               Job("h", 8, 100, 10, {{1, 100, 0}, {0, 100, 0}})};
  jobs[2].priority = 5;
  absl::StatusOr<RunSummary> s =
      Simulate({Pool("a", 1), Pool("b", 1)}, jobs, With(Policy::kPriority), &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(r.start[2], 10);
  EXPECT_EQ(r.pool[2], 1);
  EXPECT_NE(std::find(r.log.begin(), r.log.end(), "preempt 1@10"), r.log.end());
  EXPECT_EQ(std::find(r.log.begin(), r.log.end(), "preempt 0@10"), r.log.end());
}

TEST(Pools, NoJobStartsThatWouldRunPastItsPoolsRetirement) {
  // Pool 0 retires at 500. "fits" (estimate 400) runs there from 0; "late"
  // (estimate 400, submitted at 200) would end at 600: it takes pool 1,
  // which opens at 300. Pool 0 has capacity only until 500.
  for (Policy policy : kPolicies) {
    Recorder r;
    absl::StatusOr<RunSummary> s = Simulate(
        {Pool("old", 1, 8, 0, 500), Pool("new", 1, 8, 300)},
        {Job("fits", 4, 400, 0, {{0, 400, 0}, {1, 400, 0}}),
         Job("late", 4, 400, 200, {{0, 400, 0}, {1, 400, 0}})},
        With(policy), &r);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(r.pool[0], 0) << PolicyName(policy);
    EXPECT_EQ(r.pool[1], 1) << PolicyName(policy);
    EXPECT_EQ(r.start[1], 300) << PolicyName(policy);
    EXPECT_EQ(r.OnPool(0), 8 * 500) << PolicyName(policy);
    EXPECT_EQ(r.OnPool(1), 8 * (700 - 300)) << PolicyName(policy);
  }
}

TEST(Pools, JobsWhosePoolsRetireBeforeTheyCouldRunAreNamed) {
  // Pool 0 retires at 500. "stuck" (400 s, pool 0 only) could run from its
  // arrival at 0, but "blocker" holds pool 0 until 300, and from then 400 s
  // end after 500: it never runs. "after" waits on it; "free" runs on
  // pool 1 (fcfs).
  Recorder r;
  std::vector<JobSpec> jobs = {Job("blocker", 8, 300, 0, {{0, 300, 0}}),
                               Job("stuck", 8, 400, 0, {{0, 400, 0}}),
                               Job("free", 8, 100, 0, {{1, 100, 0}}),
                               Job("after", 8, 100, 0, {{1, 100, 0}})};
  jobs[3].after = {1};
  absl::StatusOr<RunSummary> s =
      Simulate({Pool("old", 1, 8, 0, 500), Pool("new", 1)}, jobs, SchedulerOptions{}, &r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.status().message(),
            "1 job never ran: every pool it may use retired before it could start and finish "
            "there (\"stuck\"); 1 more job waits on it");
  EXPECT_EQ(r.end[0], 300);
  // FCFS: "stuck", the head from 0, holds "free" back until it leaves the
  // queue at 300, the first decision point at which it can no longer run.
  EXPECT_EQ(r.end[2], 400);
}

TEST(Pools, WorkLeftMovesToAnotherPoolInItsSeconds) {
  // On pool 0 the job takes 1000 s, on pool 1 500 s (twice as fast). It
  // checkpoints every 100 s of work (writes take no time), fails on pool 0
  // at 350 (node 0, down for a day) keeping 300 s of pool-0 work, and
  // resumes on pool 1 at once, owing pool 1's restart of 20 s: 700 s of
  // pool-0 work left are 350 s there, so it ends at 350 + 20 + 350 = 720.
  Recorder r;
  std::vector<PoolSpec> pools = {Pool("slow", 1), Pool("fast", 1)};
  pools[1].restart_seconds = 20;
  pools[0].restart_seconds = 999;  // not the pool it resumes on
  JobSpec j = Job("train", 8, 1000, 0, {{0, 1000, 0}, {1, 500, 0}});
  j.checkpoint_seconds = 100;
  SchedulerOptions o;
  o.failures = {{350, 0, 0, 86400, false}};
  absl::StatusOr<RunSummary> s = Simulate(pools, {j}, o, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(r.pool[0], 1);
  EXPECT_EQ(r.end[0], 720);
  EXPECT_EQ(r.Sum(0, Category::kLost), 8 * 50);
  EXPECT_EQ(r.Sum(1, Category::kRestart), 8 * 20);
  EXPECT_EQ(r.Sum(1, Category::kProductive), 8 * 350);
  // Pool 0 was down from the failure to the end.
  EXPECT_EQ(r.Sum(0, Category::kDown), 8 * (720 - 350));
}

TEST(Pools, NodesAreNumberedAcrossPoolsForFailures) {
  // Node 2 is pool 1's first node (pool 0 has 2): its failure interrupts
  // the job on pool 1, and the allocation names it as pool 1's node 0.
  Recorder r;
  JobSpec j = Job("j", 8, 1000, 0, {{1, 1000, 0}});
  SchedulerOptions o;
  o.failures = {{100, 2, 0, 50, false}};
  absl::StatusOr<RunSummary> s = Simulate({Pool("a", 2), Pool("b", 2)}, {j}, o, &r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(r.log[0], "start 0@0 pool 1 0x1x8");
  EXPECT_NE(std::find(r.log.begin(), r.log.end(), "interrupt 0@100 node 2"), r.log.end());
  // It restarts at once on pool 1's other node, from scratch (no checkpoints).
  EXPECT_EQ(r.end[0], 1100);
}

TEST(Pools, RefusesWhatCannotRun) {
  Recorder r;
  auto error = [&](std::vector<PoolSpec> pools, std::vector<JobSpec> jobs,
                   SchedulerOptions o = {}) {
    absl::StatusOr<std::unique_ptr<Simulator>> sim =
        Simulator::Create(std::move(pools), std::move(jobs), o, &r);
    return sim.ok() ? std::string("ok") : std::string(sim.status().message());
  };
  EXPECT_EQ(error({Pool("a", 1), Pool("b", 2)}, {Job("j", 8, 10, 0, {{2, 10, 0}})}),
            "job \"j\": pool 2 out of range (the cluster has 2)");
  EXPECT_EQ(error({Pool("a", 1), Pool("b", 2)}, {Job("j", 16, 10, 0, {{1, 10, 0}, {0, 10, 0}})}),
            "job \"j\": on pool \"a\": 16 GPUs do not fit its 8 GPUs in service of 8-GPU nodes "
            "(part of one node or whole nodes)");
  EXPECT_EQ(error({Pool("a", 1), Pool("b", 2)}, {Job("j", 8, 10, 0, {{1, 10, 0}, {1, 10, 0}})}),
            "job \"j\": on pool \"b\": named twice");
  EXPECT_EQ(error({Pool("a", 1), Pool("b", 2, 4)}, {Job("j", 24, 10)}),
            "job \"j\": 24 GPUs fit no pool in service (\"a\" 8 of 8-GPU nodes, \"b\" 8 of 4-GPU "
            "nodes; a gang runs within one pool, as part of one node or whole nodes)");
  EXPECT_EQ(error({Pool("a", 1, 8, 100, 100), Pool("b", 1)}, {Job("j", 8, 10)}),
            "pool \"a\": must open at a time in [0, 100000000000] and retire after it opens "
            "(opens 100, retires 100)");
  // Refused before anything runs: from its arrival at 200, 400 s end after
  // pool "a" retires at 500.
  EXPECT_EQ(error({Pool("a", 1, 8, 0, 500), Pool("b", 1)}, {Job("j", 8, 400, 200, {{0, 400, 0}})}),
            "job \"j\": cannot start at its arrival (200 s) and end on any of its pools before "
            "they retire (\"a\" serves [0, 500) s and it needs 400 s)");
  SchedulerOptions spares;
  spares.spare_nodes = 1;
  EXPECT_EQ(error({Pool("a", 2), Pool("b", 2)}, {Job("j", 8, 10)}, spares),
            "a cluster of pools takes its failure model, spares and restart time from each pool");
  SchedulerOptions burst;
  burst.on_demand = true;
  EXPECT_EQ(error({Pool("a", 2), Pool("b", 2)}, {Job("j", 8, 10)}, burst),
            "on-demand capacity needs a cluster of one pool");
}

// A random workload, for comparing two ways of replaying it.
std::vector<JobSpec> RandomJobs(uint64_t seed, int n) {
  base::Random random(seed);
  struct {
    base::Random* r;
    uint64_t operator%(uint64_t n) const { return static_cast<uint64_t>(r->Uniform() * n); }
  } draw{&random};
  std::vector<JobSpec> jobs;
  for (int i = 0; i < n; ++i) {
    const int sizes[] = {1, 2, 4, 8, 16, 24, 32};
    JobSpec j = Job("j" + std::to_string(i), sizes[draw % 7],
                    1 + static_cast<Seconds>(draw % 5000),
                    static_cast<Seconds>(draw % 20000));
    j.estimate = j.run_seconds * (1 + static_cast<Seconds>(draw % 3));
    j.priority = static_cast<int>(draw % 3);
    j.checkpoint_seconds = draw % 2 ? 600 : 0;
    j.checkpoint_write_seconds = j.checkpoint_seconds > 0 ? 30 : 0;
    if (i > 3 && draw % 5 == 0) j.after = {static_cast<int>(draw % i)};
    jobs.push_back(std::move(j));
  }
  return jobs;
}

TEST(Pools, OnePoolReplaysExactlyAsTheShapeAndOptions) {
  // The same jobs, options and failures through both overloads: the same
  // events, in the same order, under every policy.
  FailureModel model;
  model.per_gpu_hour = 0.0005;
  model.causes = {{"gpu", 3, 3600, false}, {"maintenance", 1, 600, true}};
  for (Policy policy : kPolicies) {
    const std::vector<JobSpec> jobs = RandomJobs(7 + static_cast<int>(policy), 300);
    SchedulerOptions o = With(policy);
    o.failure_model = model;
    o.failure_seed = 11;
    o.spare_nodes = 1;
    o.restart_seconds = 120;
    const ClusterShape shape{6, 8, 3};
    Recorder a, b;
    absl::StatusOr<RunSummary> sa = Simulate(shape, jobs, o, &a);
    ASSERT_TRUE(sa.ok()) << sa.status();
    PoolSpec pool;
    pool.shape = shape;
    pool.failure_model = model;
    pool.spare_nodes = 1;
    pool.restart_seconds = 120;
    SchedulerOptions rest = With(policy);
    rest.failure_seed = 11;
    absl::StatusOr<RunSummary> sb = Simulate(std::vector<PoolSpec>{pool}, jobs, rest, &b);
    ASSERT_TRUE(sb.ok()) << sb.status();
    EXPECT_EQ(a.log, b.log) << PolicyName(policy);
    EXPECT_EQ(sa->interruptions + sa->planned_interruptions,
              sb->interruptions + sb->planned_interruptions);
    EXPECT_GT(sa->interruptions + sa->planned_interruptions, 0) << "the failures must bite";
  }
}

TEST(Pools, EveryPoolsCapacityIsAccountedOverItsOpenWindow) {
  // Random jobs on three pools (one arriving, one retiring), with failures:
  // each pool's GPU-seconds (busy, idle, down) equal its GPUs over the part
  // of the replay window it is in service, under every policy.
  FailureModel model;
  model.per_gpu_hour = 0.0005;
  model.causes = {{"gpu", 1, 3600, false}};
  for (Policy policy : kPolicies) {
    std::vector<PoolSpec> pools = {Pool("a", 4), Pool("b", 4, 8, 5000),
                                   Pool("c", 8, 4, 0, 200000)};
    for (PoolSpec& p : pools) p.failure_model = model;
    pools[1].spare_nodes = 1;
    std::vector<JobSpec> jobs = RandomJobs(3, 200);
    for (JobSpec& j : jobs) {
      if (j.gpus > 24) j.gpus = 24;  // fits "a" (32) and "c" (32 of 4-GPU nodes)
      // Faster on "b", slower on "c".
      j.pools = {{1, j.run_seconds / 2 + 1, 0}, {0, j.run_seconds, 0}, {2, 2 * j.run_seconds, 0}};
    }
    Recorder r;
    SchedulerOptions o = With(policy);
    o.failure_seed = 5;
    absl::StatusOr<RunSummary> s = Simulate(pools, jobs, o, &r);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->jobs_completed, 200);
    for (int p = 0; p < 3; ++p) {
      const Seconds from = std::max(s->start, pools[p].available_from);
      const Seconds to = std::min(s->end, pools[p].retired_at);
      EXPECT_EQ(r.OnPool(p), static_cast<int64_t>(pools[p].shape.total_gpus()) * (to - from))
          << PolicyName(policy) << " pool " << p;
    }
    for (const UsageInterval& u : r.usage) {
      EXPECT_GE(u.start, std::max(s->start, pools[u.pool].available_from));
      EXPECT_LE(u.end, pools[u.pool].retired_at);
    }
  }
}

}  // namespace
}  // namespace gpuledger::scheduler

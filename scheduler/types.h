// Plain value types shared by the scheduler's parts. Units: seconds of
// simulated time, GPUs, GPU-seconds; all integers.
#ifndef GPULEDGER_SCHEDULER_TYPES_H_
#define GPULEDGER_SCHEDULER_TYPES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <memory_resource>
#include <vector>

namespace gpuledger::scheduler {

using Seconds = int64_t;

// The latest simulated second a replay may reach, about 3,169 years: with at
// most 10 million GPUs (traces/plan.cc), every GPU-second sum of a replay
// stays below 1e18 and fits int64. The simulator refuses jobs that could run
// past it and stops a replay that gets there (failures can stretch one).
inline constexpr Seconds kMaxSimulatedSeconds = 100'000'000'000;

// The cluster as identical nodes of `gpus_per_node` GPUs, grouped into pods
// (leaf switches) of `pod_nodes` nodes; 0 means no pods.
struct ClusterShape {
  int nodes = 0;
  int gpus_per_node = 8;
  int pod_nodes = 0;
  int total_gpus() const { return nodes * gpus_per_node; }
};

// A pool a job may run on, with its run time and estimate there (a job's
// work takes a different time on another GPU model).
struct PoolChoice {
  int pool = 0;             // index into the cluster's pools
  Seconds run_seconds = 0;  // wall-clock time on that pool's GPUs, > 0
  Seconds estimate = 0;     // what backfilling plans with there; 0: run_seconds
  bool operator==(const PoolChoice&) const = default;
};

// One job as the scheduler sees it: how many GPUs for how long, when it may
// be considered, and what it waits for.
struct JobSpec {
  std::string id;
  int gpus = 0;
  int priority = 0;         // higher runs first among waiting jobs
  Seconds submit = 0;       // simulated time of submission
  Seconds run_seconds = 0;  // wall-clock time on its GPUs, > 0
  std::vector<int> after;   // indices of jobs that must end first
  // What backfilling plans with: the requested time, at least run_seconds;
  // 0 means run_seconds.
  Seconds estimate = 0;
  // Work is saved every this many seconds of running; a preempted job
  // resumes from its last save. 0: no checkpoints, all work is lost.
  Seconds checkpoint_seconds = 0;
  // Seconds the job's GPUs stall to write each checkpoint: a run does
  // `checkpoint_seconds` of work, then writes, and so on; no checkpoint is
  // written once the work is done. A save counts when its write completes.
  Seconds checkpoint_write_seconds = 0;
  // When the scheduler may first consider the job, if later than `submit`
  // (a trace's dispatch delay, Slurm's eligible time); -1: at submission.
  // Queueing order and arrival use it; waits are still counted from submit.
  Seconds eligible = -1;
  // The pools it may run on, in order of preference, each with its run time
  // and estimate there. Empty: every pool it fits, in the cluster's order,
  // with run_seconds and estimate above (the only choice on one pool, where
  // a list may only restate those).
  std::vector<PoolChoice> pools;
  // When the job reaches the scheduler's queue.
  Seconds arrival() const { return eligible > submit ? eligible : submit; }
};

// GPUs a job holds: runs of consecutive nodes, each with the same number of
// GPUs taken on every node of the run.
struct NodeRun {
  int first = 0;      // first node
  int count = 0;      // nodes in the run
  int gpus_each = 0;  // GPUs taken on each
  bool operator==(const NodeRun&) const = default;
};
struct Allocation {
  Allocation() = default;
  // Runs stored in `resource`: the simulator gives every job's allocation its
  // memory pool, so granting and returning GPUs calls no allocator.
  explicit Allocation(std::pmr::memory_resource* resource) : parts(resource) {}
  std::pmr::vector<NodeRun> parts;  // nodes numbered within the pool
  int pool = 0;                     // the cluster's pool they belong to
  int gpus() const {
    int n = 0;
    for (const auto& p : parts) n += p.count * p.gpus_each;
    return n;
  }
};

// What a span of GPU time was spent on. The ledger stores the name.
enum class Category { kProductive, kCheckpoint, kLost, kRestart, kProvisioning, kIdle, kDown };
const char* CategoryName(Category c);

// `gpus` GPUs spent [start, end) on `category`; job is -1 for cluster-wide
// categories such as idle.
struct UsageInterval {
  int job = -1;
  Category category = Category::kProductive;
  Seconds start = 0;
  Seconds end = 0;
  int gpus = 0;
  bool on_demand = false;  // on elastic on-demand capacity, not the cluster
  int pool = 0;            // the cluster's pool (0 on demand)
  int64_t gpu_seconds() const { return (end - start) * static_cast<int64_t>(gpus); }
};

}  // namespace gpuledger::scheduler

#endif  // GPULEDGER_SCHEDULER_TYPES_H_

// Plain value types shared by the scheduler's parts. Units: seconds of
// simulated time, GPUs, GPU-seconds; all integers.
#ifndef GPULEDGER_SCHEDULER_TYPES_H_
#define GPULEDGER_SCHEDULER_TYPES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gpuledger::scheduler {

using Seconds = int64_t;

// The cluster as identical nodes of `gpus_per_node` GPUs.
struct ClusterShape {
  int nodes = 0;
  int gpus_per_node = 8;
  int total_gpus() const { return nodes * gpus_per_node; }
};

// One job as the scheduler sees it: how many GPUs for how long, when it may
// be considered, and what it waits for.
struct JobSpec {
  std::string id;
  int gpus = 0;
  int priority = 0;          // higher runs first among waiting jobs
  Seconds submit = 0;        // simulated time of submission
  Seconds run_seconds = 0;   // wall-clock time on its GPUs, > 0
  std::vector<int> after;    // indices of jobs that must end first
};

// GPUs a job holds on each node: (node index, GPUs on that node).
struct Allocation {
  std::vector<std::pair<int, int>> parts;
  int gpus() const {
    int n = 0;
    for (const auto& p : parts) n += p.second;
    return n;
  }
};

// What a span of GPU time was spent on. The ledger stores the name.
enum class Category { kProductive, kIdle };
const char* CategoryName(Category c);

// `gpus` GPUs spent [start, end) on `category`; job is -1 for cluster-wide
// categories such as idle.
struct UsageInterval {
  int job = -1;
  Category category = Category::kProductive;
  Seconds start = 0;
  Seconds end = 0;
  int gpus = 0;
  int64_t gpu_seconds() const { return (end - start) * static_cast<int64_t>(gpus); }
};

}  // namespace gpuledger::scheduler

#endif  // GPULEDGER_SCHEDULER_TYPES_H_

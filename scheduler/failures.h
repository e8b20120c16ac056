// Node failures: when each node of a cluster fails, why, and for how long it
// is down, drawn from a seeded random stream per node. A node's stream
// depends only on (seed, node), never on what runs on it, so two policies
// replayed with the same seed face the same failures.
#ifndef GPULEDGER_SCHEDULER_FAILURES_H_
#define GPULEDGER_SCHEDULER_FAILURES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/random.h"
#include "scheduler/types.h"

namespace gpuledger::scheduler {

struct FailureCause {
  std::string name;
  double weight = 0;           // share of failures (counts work: they are normalized)
  Seconds repair_seconds = 0;  // how long the node stays down
  bool planned = false;        // planned maintenance, not a fault
};

struct FailureModel {
  // Failures per GPU-hour of a node's GPUs (the node fails as a whole),
  // planned maintenance included; the causes' weights split this rate.
  double per_gpu_hour = 0;
  std::vector<FailureCause> causes;
};

struct NodeFailure {
  Seconds time = 0;
  int node = 0;
  int cause = 0;  // index into FailureModel::causes
  Seconds repair_seconds = 0;
  bool planned = false;  // planned maintenance (from the cause)
};

// The failures of one node as an endless sequence in time order:
// exponential gaps (a Poisson process) at the node's rate, each with a cause
// drawn by weight. Portable: the same (seed, node) gives the same sequence on
// any platform (SplitMix64 seeding, xoshiro256** draws, no std distributions).
class NodeFailureStream {
 public:
  // `model` must outlive the stream.
  NodeFailureStream(uint64_t seed, int node, int gpus_per_node, const FailureModel& model,
                    Seconds start);
  // The next failure; its time is not before the previous one's.
  NodeFailure Next();

 private:
  base::Random random_;
  int node_;
  double rate_per_second_;
  std::vector<double> cumulative_;  // normalized cumulative weights
  const FailureModel* model_;
  double clock_;  // seconds, unrounded, so gaps do not drift
};

// Every failure of a cluster of `nodes` in [start, end), by time then node.
std::vector<NodeFailure> FailureSchedule(uint64_t seed, int nodes, int gpus_per_node,
                                         const FailureModel& model, Seconds start, Seconds end);

// Young/Daly checkpoint interval, seconds: sqrt(2 x checkpoint cost x mean
// time between failures of the job), the job failing at `failures_per_second`
// (its GPUs x the per-GPU rate). At least one second.
Seconds YoungDalyInterval(Seconds checkpoint_cost_seconds, double failures_per_second);

}  // namespace gpuledger::scheduler

#endif  // GPULEDGER_SCHEDULER_FAILURES_H_

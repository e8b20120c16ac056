// The replay engine: runs a list of jobs on a cluster under a policy and
// reports what happened to a Sink. Pure computation on integer seconds; no
// I/O, so every behaviour can be tested directly.
#ifndef GPULEDGER_SCHEDULER_SIMULATOR_H_
#define GPULEDGER_SCHEDULER_SIMULATOR_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "scheduler/types.h"

namespace gpuledger::scheduler {

// Receives the replay as it happens, in simulated-time order. A non-OK
// status from any call stops the replay and is returned by Simulate.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual absl::Status OnJobStart(Seconds time, int job,
                                  const Allocation& allocation) = 0;
  virtual absl::Status OnJobEnd(Seconds time, int job) = 0;
  // Every GPU-second of the replay window is reported exactly once: job
  // intervals when a job ends, idle intervals as the free count changes.
  virtual absl::Status OnUsage(const UsageInterval& usage) = 0;
};

struct RunSummary {
  Seconds start = 0;  // earliest submission: the replay window opens
  Seconds end = 0;    // last job end: the replay window closes
  int jobs_completed = 0;
  int64_t busy_gpu_seconds = 0;
  int64_t idle_gpu_seconds = 0;
};

// First come, first served with priorities and dependencies. A job joins the
// queue once it is submitted and every job in its `after` list has ended.
// The queue is ordered by priority (higher first), then submission time, then
// position in `jobs`. At each decision point (after every end and arrival at
// an instant has been applied) jobs start from the head of the queue while
// the head fits; the head is never skipped.
//
// Fails with InvalidArgument, before reporting anything, for a job that can
// never run (no GPUs, more GPUs than the cluster, not a whole number of
// nodes, run time not positive, a dependency out of range) and with
// FailedPrecondition if jobs remain that wait on each other in a cycle.
absl::StatusOr<RunSummary> SimulateFcfs(const ClusterShape& shape,
                                        const std::vector<JobSpec>& jobs,
                                        Sink* sink);

}  // namespace gpuledger::scheduler

#endif  // GPULEDGER_SCHEDULER_SIMULATOR_H_

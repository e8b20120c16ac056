// The replay engine: runs a list of jobs on a cluster under a policy and
// reports what happened to a Sink. Pure computation on integer seconds; no
// I/O, so every behaviour can be tested directly.
#ifndef GPULEDGER_SCHEDULER_SIMULATOR_H_
#define GPULEDGER_SCHEDULER_SIMULATOR_H_

#include <cstdint>
#include <memory>
#include <set>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "scheduler/cluster.h"
#include "scheduler/event_queue.h"
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
// The simulator can be advanced in steps (RunUntil), so a caller can pace a
// replay against a clock, report progress, or stop between steps.
class FcfsSimulator {
 public:
  // Fails with InvalidArgument, before reporting anything, for a job that
  // can never run (no GPUs, more GPUs than the cluster, not a whole number of
  // nodes, run time not positive, a dependency out of range).
  static absl::StatusOr<std::unique_ptr<FcfsSimulator>> Create(
      const ClusterShape& shape, std::vector<JobSpec> jobs, Sink* sink);

  // Applies every event at or before simulated time `t`, in order.
  absl::Status RunUntil(Seconds t);
  // True when no event is left.
  bool done() const { return events_.empty(); }
  // Time of the next event; requires !done().
  Seconds next_event_time() const { return events_.NextTime(); }
  // Time of the last instant applied (the window's start before any).
  Seconds now() const { return now_; }
  // The window's start: the earliest submission.
  Seconds start() const { return summary_.start; }
  int jobs_total() const { return static_cast<int>(jobs_.size()); }
  int jobs_done() const { return summary_.jobs_completed; }
  // GPU-seconds held by jobs from the start through `t` (>= now()),
  // counting the running jobs' time so far.
  int64_t BusyGpuSecondsThrough(Seconds t) const;

  // Stops the replay at `t` (at least now(), before the next event): the
  // running jobs' usage and the idle GPUs up to `t` are reported as if the
  // cluster were switched off then, and no event is left. For cancelling.
  absl::Status StopAt(Seconds t);

  // The summary once done(); FailedPrecondition if the replay was stopped
  // early or jobs remain that wait on each other in a cycle.
  absl::StatusOr<RunSummary> Finish() const;

 private:
  FcfsSimulator(const ClusterShape& shape, std::vector<JobSpec> jobs, Sink* sink);
  absl::Status ApplyInstant(Seconds t);

  std::vector<JobSpec> jobs_;
  Sink* sink_;
  Cluster cluster_;
  EventQueue events_;
  std::vector<int> deps_left_;
  std::vector<std::vector<int>> dependents_;
  std::vector<bool> submitted_;
  std::vector<Seconds> started_;
  std::vector<Allocation> held_;
  // Waiting queue key: (-priority, submit, index); the head is begin().
  std::set<std::tuple<int, Seconds, int>> waiting_;
  std::set<int> running_;
  bool stopped_ = false;  // StopAt ended the replay early
  RunSummary summary_;
  Seconds now_ = 0;
  int64_t running_gpus_ = 0;          // GPUs held by running jobs
  int64_t running_gpu_starts_ = 0;    // sum of gpus x start over running jobs
};

// Runs `jobs` to the end under FCFS (see FcfsSimulator).
absl::StatusOr<RunSummary> SimulateFcfs(const ClusterShape& shape,
                                        const std::vector<JobSpec>& jobs,
                                        Sink* sink);

}  // namespace gpuledger::scheduler

#endif  // GPULEDGER_SCHEDULER_SIMULATOR_H_

// The replay engine: runs a list of jobs on a cluster under a scheduling
// policy and reports what happened to a Sink. Pure computation on integer
// seconds; no I/O, so every behaviour can be tested directly.
#ifndef GPULEDGER_SCHEDULER_SIMULATOR_H_
#define GPULEDGER_SCHEDULER_SIMULATOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "scheduler/failures.h"
#include "scheduler/types.h"

namespace gpuledger::scheduler {

// Receives the replay as it happens, in simulated-time order. A non-OK
// status from any call stops the replay and is returned.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual absl::Status OnJobStart(Seconds time, int job, const Allocation& allocation) = 0;
  virtual absl::Status OnJobEnd(Seconds time, int job) = 0;
  // A running job was stopped to make room for another; it is requeued.
  virtual absl::Status OnJobPreempted(Seconds time, int job) = 0;
  // A running job was interrupted by the failure of `node`; it is requeued
  // at the head of the queue.
  virtual absl::Status OnJobInterrupted(Seconds, int /*job*/, int /*node*/) {
    return absl::OkStatus();
  }
  // A job on spot capacity lost its machines at `time` (SchedulerOptions'
  // spot fields); it is requeued at the head of the queue.
  virtual absl::Status OnSpotReclaimed(Seconds, int /*job*/) { return absl::OkStatus(); }
  // A node failed at `time` (whether or not anything ran on it).
  virtual absl::Status OnNodeFailure(Seconds, const NodeFailure&) { return absl::OkStatus(); }
  // Every GPU-second of the replay window is reported exactly once: a job's
  // interval when it ends or is preempted, idle GPUs as the free count changes.
  virtual absl::Status OnUsage(const UsageInterval& usage) = 0;
};

// Takes every call and keeps nothing: for checking a workload (creating a
// simulator checks it) or timing the scheduler alone.
class NullSink : public Sink {
 public:
  absl::Status OnJobStart(Seconds, int, const Allocation&) override { return absl::OkStatus(); }
  absl::Status OnJobEnd(Seconds, int) override { return absl::OkStatus(); }
  absl::Status OnJobPreempted(Seconds, int) override { return absl::OkStatus(); }
  absl::Status OnUsage(const UsageInterval&) override { return absl::OkStatus(); }
};

// The waiting queue is ordered: jobs requeued by a failure first, then by
// priority (higher first; all equal in SWF traces), then arrival (the job's
// eligible time, else its submission), then position in the job list. A job
// joins it once it has arrived and every job in its `after` list has ended.
// A decision point comes after every end and arrival at an instant.
enum class Policy {
  // Start jobs from the head of the queue while the head fits.
  kFcfs,
  // FCFS, then EASY backfilling: the head is reserved at the shadow time (the
  // earliest estimated end of a running job at which enough GPUs are free);
  // "extra" GPUs are those free at the shadow time beyond the head's needs,
  // counting every running job whose estimated end is at or before it. The
  // rest of the queue is walked in order; a job that fits now starts if it
  // ends (by its estimate) by the shadow time, or fits within the extra GPUs,
  // which it then uses up.
  kEasy,
  // Conservative backfilling: every waiting job in queue order holds a
  // reservation at the earliest time it fits in the profile of estimated
  // ends and earlier reservations; jobs whose reservation is now start.
  kConservative,
  // FCFS by priority, where a waiting job that does not fit may preempt
  // running jobs of strictly lower priority (lowest priority first, then
  // latest started, then latest in the job list). A preempted job loses the
  // work since its last checkpoint and is requeued.
  kPriority,
};

absl::StatusOr<Policy> ParsePolicy(absl::string_view name);
const char* PolicyName(Policy policy);

// The latest a replay of `jobs` without failures can end, whatever the
// policy: the last arrival plus every run (and its checkpoint writes) one
// after another; capped just above kMaxSimulatedSeconds. Create refuses jobs
// for which it passes kMaxSimulatedSeconds.
Seconds SerialBound(const std::vector<JobSpec>& jobs);

// The most spot reclaims per node-day a replay accepts (one every 86 s).
inline constexpr double kMaxSpotInterruptionsPerNodeDay = 1000;
// The longest spot notice a replay accepts: a day.
inline constexpr Seconds kMaxSpotNoticeSeconds = 86400;

// Spot: seconds from the start of run `run` (0, 1, ...) of job `job`, on
// `nodes` nodes, to its reclaim notice, as the simulator draws it.
double SpotNoticeAfter(uint64_t seed, int job, int run, int nodes, double per_node_day);

struct SchedulerOptions {
  Policy policy = Policy::kFcfs;
  // Waiting jobs a backfilling pass examines after the head (as Slurm's
  // bf_max_job_test); negative means all of them.
  int backfill_depth = -1;
  // Node failures, by time then node (FailureSchedule, or injected by a
  // test). A failed node is down for its repair time; every job on it is
  // interrupted, keeps the work up to its last checkpoint, loses the rest,
  // and goes back to the head of the queue, owing `restart_seconds` of
  // restart before its work resumes.
  std::vector<NodeFailure> failures;
  Seconds restart_seconds = 0;
  // Or draw failures from a model, lazily, node by node from `failure_seed`
  // (the same failures as FailureSchedule with that seed, without a horizon).
  std::optional<FailureModel> failure_model;
  uint64_t failure_seed = 0;
  // Hot spares: the last `spare_nodes` nodes of the shape are held out of
  // scheduling (their GPUs count as idle). When a node in service fails
  // (with a repair time), the lowest-numbered spare joins service at once, so
  // interrupted jobs need not wait for the repair; a repaired node rejoins
  // service if fewer nodes serve than planned, else becomes a spare if fewer
  // than `spare_nodes` stand by. A spare can fail too (it is then under
  // repair).
  int spare_nodes = 0;
  // Elastic on-demand capacity beside the cluster (the committed capacity).
  // A waiting job that has waited `burst_after_seconds` since it joined the
  // queue, and fits under `on_demand_cap_gpus` (0: no cap) with the jobs
  // already on demand, runs on demand: it starts at once, its first
  // `provisioning_seconds` bringing its machines up (category provisioning),
  // and its GPUs go away when it ends. Jobs are offered to the cluster's
  // policy first, then to on-demand capacity in queue order. On-demand
  // machines do not fail. With on-demand capacity the cluster may have no
  // nodes, and a job may be larger than the cluster (it can only run on
  // demand).
  bool on_demand = false;
  int on_demand_cap_gpus = 0;
  Seconds burst_after_seconds = 0;
  Seconds provisioning_seconds = 0;
  // Spot: the on-demand capacity is spot capacity, reclaimed by its
  // provider at `spot_interruptions_per_node_day` per node (a job of n nodes,
  // or part of one, is reclaimed n times as often), drawn for each on-demand
  // run from `spot_seed`, the job and the run's number (the same replay
  // every time). The provider gives `spot_notice_seconds` of notice. A job
  // in its work that writes checkpoints, with notice at least as long as a
  // write, stops working at the notice and writes one: it keeps all its
  // work and lets its machines go when the write completes. Any other job
  // runs on until the machines are taken at the end of the notice, keeping
  // the work up to its last completed checkpoint and losing the rest, as
  // at a node failure. A run that ends by the end of its notice is not
  // interrupted. Either way the job goes back to the head of the queue,
  // owing `restart_seconds` (docs/compare.md, "Spot capacity").
  double spot_interruptions_per_node_day = 0;  // at most kMaxSpotInterruptionsPerNodeDay
  Seconds spot_notice_seconds = 0;
  uint64_t spot_seed = 0;
  bool spot() const { return on_demand && spot_interruptions_per_node_day > 0; }
  // False: a caller that has no use for which nodes a job holds lets the
  // cluster count GPUs instead of placing them, where that schedules the
  // same (nodes of one GPU, no pods, no failures, no spares; elsewhere it
  // places them anyway). Allocations are then one run of `first` -1.
  bool place_nodes = true;
};

// One pool of a mixed cluster: identical nodes of one GPU model, with its
// own failures, spares and restart time, in service from `available_from`
// until `retired_at` (simulated seconds). Nodes are numbered across the
// cluster: pool 0's first, then pool 1's, and so on (failures name nodes so;
// allocations name them within their pool).
//
// Before it opens a pool takes no job and has no capacity (no idle, no
// down, no failures: each node's failure stream starts when it opens).
// A job starts on a pool only if its estimate there ends by the pool's
// retirement (as Slurm starts no job whose time limit runs into a
// maintenance reservation), so nothing runs on a pool once it retires; from
// then on it has no capacity. A job whose pools have all retired before it
// could start never runs (Finish names it).
struct PoolSpec {
  std::string name;  // for messages
  ClusterShape shape;
  std::optional<FailureModel> failure_model;  // as SchedulerOptions'
  int spare_nodes = 0;                        // as SchedulerOptions'
  Seconds restart_seconds = 0;                // as SchedulerOptions'
  Seconds available_from = 0;
  Seconds retired_at = kMaxSimulatedSeconds + 1;  // never
};

// What happened to one job, for metrics and the schedule output.
struct JobTimes {
  Seconds first_start = -1;  // -1 if it never started
  Seconds last_start = -1;   // start of the run that completed it
  Seconds end = -1;          // -1 if it has not ended
  int preemptions = 0;
  int interruptions = 0;          // by unexpected failures
  int planned_interruptions = 0;  // by planned maintenance
  int spot_interruptions = 0;     // spot capacity reclaimed
  // EASY: the shadow time computed when it first became the head;
  // conservative: its first reservation; -1 otherwise.
  Seconds reservation = -1;
  int pool = -1;  // the pool of its last run (-1 if none or on demand)
};

struct RunSummary {
  Seconds start = 0;  // earliest submission: the replay window opens
  Seconds end = 0;    // last job end: the replay window closes
  int jobs_completed = 0;
  int64_t busy_gpu_seconds = 0;          // held by jobs, lost work included
  int64_t lost_gpu_seconds = 0;          // work redone after preemption or failure
  int64_t restart_gpu_seconds = 0;       // restarting after a failure
  int64_t checkpoint_gpu_seconds = 0;    // stalled writing checkpoints
  int64_t provisioning_gpu_seconds = 0;  // on-demand machines coming up
  int64_t on_demand_gpu_seconds = 0;     // everything held on demand
  int on_demand_jobs = 0;                // runs started on demand
  int64_t idle_gpu_seconds = 0;
  int64_t down_gpu_seconds = 0;  // nodes under repair
  int preemptions = 0;
  int interruptions = 0;          // jobs stopped by unexpected node failures
  int planned_interruptions = 0;  // jobs stopped by planned maintenance
  int spot_interruptions = 0;     // jobs stopped by spot capacity reclaimed
  int64_t on_demand_lost_gpu_seconds = 0;  // lost work on on-demand (spot) capacity
  // Work (productive GPU-seconds) over GPU-seconds held by jobs; 1 if none.
  double goodput() const {
    const int64_t productive = busy_gpu_seconds - lost_gpu_seconds - restart_gpu_seconds -
                               checkpoint_gpu_seconds - provisioning_gpu_seconds;
    return busy_gpu_seconds > 0 ? static_cast<double>(productive) / busy_gpu_seconds : 1.0;
  }
};

// Replays jobs in steps (RunUntil), so a caller can pace a replay against a
// clock, report progress, or stop between steps. Its state is the
// implementation's (scheduler/simulator_impl.h, internal to scheduler/).
class Simulator {
 public:
  // A job interrupted this often without finishing stops the replay: its
  // checkpoints are too far apart to ever get through (see the plan checks).
  static constexpr int kMaxInterruptionsPerJob = 100000;

  // Fails with InvalidArgument, before reporting anything, for a job that
  // can never run (no GPUs, more GPUs than the cluster, not a whole number of
  // nodes, run time not positive, estimate below the run time, a dependency
  // out of range, jobs that wait on each other in a cycle).
  static absl::StatusOr<std::unique_ptr<Simulator>> Create(const ClusterShape& shape,
                                                           std::vector<JobSpec> jobs,
                                                           const SchedulerOptions& options,
                                                           Sink* sink);
  // A mixed cluster of `pools` (at least one). Each pool's failure model,
  // spares and restart time stand in for the options' (which must then be
  // unset); on-demand capacity needs a cluster of one pool. A gang runs
  // within one pool. Policies keep their rules within a pool; a job is
  // offered to its pools in its order of preference (docs/metrics.md, "Mixed
  // clusters"). One pool made from a shape and options replays exactly as
  // the overload above.
  static absl::StatusOr<std::unique_ptr<Simulator>> Create(std::vector<PoolSpec> pools,
                                                           std::vector<JobSpec> jobs,
                                                           const SchedulerOptions& options,
                                                           Sink* sink);
  virtual ~Simulator() = default;

  // Applies every event at or before simulated time `t`, in order.
  virtual absl::Status RunUntil(Seconds t) = 0;
  // True when nothing is left to run: every job has ended (repairs still
  // pending do not keep a replay open) or no event is left.
  virtual bool done() const = 0;
  // Time of the next event; requires !done().
  virtual Seconds next_event_time() const = 0;
  // Time of the last instant applied (the window's start before any).
  virtual Seconds now() const = 0;
  // The window's start: the earliest submission.
  virtual Seconds start() const = 0;
  virtual int jobs_total() const = 0;
  virtual int jobs_done() const = 0;
  virtual const std::vector<JobTimes>& times() const = 0;
  virtual const std::vector<JobSpec>& jobs() const = 0;
  // GPU-seconds held by jobs from the start through `t` (>= now()),
  // counting the running jobs' time so far.
  virtual int64_t BusyGpuSecondsThrough(Seconds t) const = 0;
  // Running jobs and the start of their current run, whose usage is
  // reported only when the run stops: (job, since), in job order.
  virtual std::vector<std::pair<int, Seconds>> RunningSince() const = 0;

  // Stops the replay at `t` (at least now(), before the next event): the
  // running jobs' usage and the idle GPUs up to `t` are reported as if the
  // cluster were switched off then, and no event is left. For cancelling.
  virtual absl::Status StopAt(Seconds t) = 0;

  // The summary once done(); FailedPrecondition if the replay was stopped
  // early, or if jobs never ran because their pools retired first.
  virtual absl::StatusOr<RunSummary> Finish() const = 0;
};

// Runs `jobs` to the end (see Simulator).
absl::StatusOr<RunSummary> Simulate(const ClusterShape& shape, const std::vector<JobSpec>& jobs,
                                    const SchedulerOptions& options, Sink* sink);
absl::StatusOr<RunSummary> Simulate(const std::vector<PoolSpec>& pools,
                                    const std::vector<JobSpec>& jobs,
                                    const SchedulerOptions& options, Sink* sink);

}  // namespace gpuledger::scheduler

#endif  // GPULEDGER_SCHEDULER_SIMULATOR_H_

// The replay engine: runs a list of jobs on a cluster under a scheduling
// policy and reports what happened to a Sink. Pure computation on integer
// seconds; no I/O, so every behaviour can be tested directly.
#ifndef GPULEDGER_SCHEDULER_SIMULATOR_H_
#define GPULEDGER_SCHEDULER_SIMULATOR_H_

#include <cstdint>
#include <memory>
#include <memory_resource>
#include <optional>
#include <queue>
#include <set>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "scheduler/cluster.h"
#include "scheduler/event_queue.h"
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
  // A node failed at `time` (whether or not anything ran on it).
  virtual absl::Status OnNodeFailure(Seconds, const NodeFailure&) { return absl::OkStatus(); }
  // Every GPU-second of the replay window is reported exactly once: a job's
  // interval when it ends or is preempted, idle GPUs as the free count changes.
  virtual absl::Status OnUsage(const UsageInterval& usage) = 0;
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
};

// What happened to one job, for metrics and the schedule output.
struct JobTimes {
  Seconds first_start = -1;  // -1 if it never started
  Seconds last_start = -1;   // start of the run that completed it
  Seconds end = -1;          // -1 if it has not ended
  int preemptions = 0;
  int interruptions = 0;          // by unexpected failures
  int planned_interruptions = 0;  // by planned maintenance
  // EASY: the shadow time computed when it first became the head;
  // conservative: its first reservation; -1 otherwise.
  Seconds reservation = -1;
};

struct RunSummary {
  Seconds start = 0;  // earliest submission: the replay window opens
  Seconds end = 0;    // last job end: the replay window closes
  int jobs_completed = 0;
  int64_t busy_gpu_seconds = 0;  // held by jobs, lost work included
  int64_t lost_gpu_seconds = 0;  // work redone after preemption or failure
  int64_t restart_gpu_seconds = 0;  // restarting after a failure
  int64_t checkpoint_gpu_seconds = 0;  // stalled writing checkpoints
  int64_t provisioning_gpu_seconds = 0;  // on-demand machines coming up
  int64_t on_demand_gpu_seconds = 0;     // everything held on demand
  int on_demand_jobs = 0;                // runs started on demand
  int64_t idle_gpu_seconds = 0;
  int64_t down_gpu_seconds = 0;  // nodes under repair
  int preemptions = 0;
  int interruptions = 0;  // jobs stopped by unexpected node failures
  int planned_interruptions = 0;  // jobs stopped by planned maintenance
  // Work (productive GPU-seconds) over GPU-seconds held by jobs; 1 if none.
  double goodput() const {
    const int64_t productive = busy_gpu_seconds - lost_gpu_seconds - restart_gpu_seconds -
                               checkpoint_gpu_seconds - provisioning_gpu_seconds;
    return busy_gpu_seconds > 0 ? static_cast<double>(productive) / busy_gpu_seconds : 1.0;
  }
};

// Replays jobs in steps (RunUntil), so a caller can pace a replay against a
// clock, report progress, or stop between steps.
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

  // Applies every event at or before simulated time `t`, in order.
  absl::Status RunUntil(Seconds t);
  // True when nothing is left to run: every job has ended (repairs still
  // pending do not keep a replay open) or no event is left.
  bool done() const {
    return next_submit_ == submit_order_.size() &&
           (events_.empty() || summary_.jobs_completed == jobs_total());
  }
  // Time of the next event; requires !done().
  Seconds next_event_time() const;
  // Time of the last instant applied (the window's start before any).
  Seconds now() const { return now_; }
  // The window's start: the earliest submission.
  Seconds start() const { return summary_.start; }
  int jobs_total() const { return static_cast<int>(jobs_.size()); }
  int jobs_done() const { return summary_.jobs_completed; }
  const std::vector<JobTimes>& times() const { return times_; }
  const std::vector<JobSpec>& jobs() const { return jobs_; }
  // GPU-seconds held by jobs from the start through `t` (>= now()),
  // counting the running jobs' time so far.
  int64_t BusyGpuSecondsThrough(Seconds t) const;
  // Running jobs and the start of their current run, whose usage is
  // reported only when the run stops: (job, since), in job order.
  std::vector<std::pair<int, Seconds>> RunningSince() const;

  // Stops the replay at `t` (at least now(), before the next event): the
  // running jobs' usage and the idle GPUs up to `t` are reported as if the
  // cluster were switched off then, and no event is left. For cancelling.
  absl::Status StopAt(Seconds t);

  // The summary once done(); FailedPrecondition if the replay was stopped
  // early.
  absl::StatusOr<RunSummary> Finish() const;

 private:
  // (0 for a job interrupted by a failure, else 1; -priority; arrival(); index)
  using QueueKey = std::tuple<int, int, Seconds, int>;
  static int JobOf(const QueueKey& k) { return std::get<3>(k); }

  Simulator(const ClusterShape& shape, std::vector<JobSpec> jobs, const SchedulerOptions& options,
            Sink* sink);
  QueueKey Key(int job) const {
    return {interrupted_[job] ? 0 : 1, -jobs_[job].priority, jobs_[job].arrival(), job};
  }
  Seconds Estimate(int job) const;
  // Checkpoints written while doing `work` seconds of work from a restart,
  // and the wall-clock time that takes.
  Seconds Checkpoints(int job, Seconds work) const;
  Seconds WallFor(int job, Seconds work) const {
    return work + Checkpoints(job, work) * jobs_[job].checkpoint_write_seconds;
  }
  absl::Status ApplyInstant(Seconds t);
  // Starts `job`, whose GPUs Cluster::AllocateInto has put in held_[job], or
  // on demand.
  absl::Status Start(int job, Seconds t, bool on_demand = false);
  // Puts a job in the waiting queue (and, with on-demand capacity, wakes
  // the scheduler when its wait lets it burst).
  void Enqueue(int job, Seconds t);
  // Starts on demand the jobs only on-demand capacity can hold, then the
  // first waiting job (queue order) whose wait is long enough, under the
  // cap. True if it took a job off the cluster's queue.
  absl::StatusOr<bool> BurstPass(Seconds t);
  // Gives a job's GPUs back and its runs' memory to the pool.
  void ReleaseHeld(int job);
  absl::Status Preempt(int job, Seconds t);
  // Ends a job's current run early at `t` (preemption or failure): records
  // its restart, saved and lost time, and requeues it.
  absl::Status StopRun(int job, Seconds t);
  absl::Status FailNode(const NodeFailure& failure, Seconds t);
  // The next failure's time (max if none), and taking it.
  Seconds NextFailureTime() const;
  // Nodes in service (not under repair, not standing by as spares).
  int InService() const;
  // Appends (repair end, GPUs) for the repaired nodes that will rejoin
  // service, earliest first.
  void AddRepairReturns(std::vector<std::pair<Seconds, int64_t>>* frees) const;
  NodeFailure PopFailure();
  absl::Status Schedule(Seconds t);
  absl::Status StartFromHead(Seconds t);
  absl::Status EasyBackfill(Seconds t);
  absl::Status ConservativeBackfill(Seconds t);
  absl::Status PriorityPass(Seconds t);
  absl::Status Emit(const UsageInterval& usage);
  // Idle and down GPUs from now_ to `t`.
  absl::Status EmitCapacityUntil(Seconds t);
  // A job's current run from its start to `t`: restart owed, then work.
  absl::Status EmitRunUntil(int job, Seconds t);
  // A run's work from `from` (its restart done) to `t`: cycles of work and a
  // checkpoint write; after the last completed write, work (or, if
  // `tail_lost`, lost time). Returns the work saved by completed writes.
  // Recorded as one entry per category (see the definition).
  absl::StatusOr<Seconds> EmitWork(int job, Seconds from, Seconds t, bool tail_lost);

  // The ordered sets and the jobs' node runs take their memory from this pool
  // and give it back, so the event loop calls no allocator in the steady state.
  std::pmr::unsynchronized_pool_resource pool_;
  std::vector<JobSpec> jobs_;
  SchedulerOptions options_;
  Sink* sink_;
  Cluster cluster_;
  EventQueue events_;  // job ends, repaired nodes, burst wake-ups; arrivals come from submit_order_
  std::vector<int> submit_order_;  // jobs by (arrival(), index)
  size_t next_submit_ = 0;         // the next of them to arrive
  std::vector<int> deps_left_;
  std::vector<std::vector<int>> dependents_;
  std::vector<bool> submitted_;
  std::vector<Seconds> started_;     // start of the current run
  std::vector<Seconds> remaining_;   // run seconds still to do (checkpoints)
  std::vector<Seconds> restart_owed_;    // restart to do before the work resumes
  std::vector<Seconds> restart_in_run_;  // restart at the start of the current run
  std::vector<Seconds> provisioning_in_run_;  // on demand: machines coming up first
  std::vector<Seconds> queued_at_;       // when it last joined the queue
  std::vector<bool> on_demand_;          // its current run is on demand
  std::set<int> on_demand_running_;
  std::set<QueueKey> on_demand_only_;    // waiting jobs bigger than the cluster
  int64_t on_demand_gpus_ = 0;           // GPUs held on demand now
  std::vector<bool> interrupted_;        // requeued by a failure: goes first
  std::vector<Seconds> node_up_at_;      // repair ends (for overlapping failures)
  std::vector<int> node_epoch_;          // makes superseded repair ends stale
  std::set<int> spares_;                 // hot spares standing by (down in cluster_)
  std::set<std::pair<Seconds, int>> repairs_;  // (repair end, node): nodes under repair
  std::vector<Seconds> estimated_end_;   // the key a running job has in running_by_estimated_end_
  std::vector<std::pair<Seconds, int64_t>> frees_;  // scratch: (time, GPUs freed)
  size_t next_failure_ = 0;
  std::vector<NodeFailureStream> streams_;  // with a failure model: one per node
  std::vector<NodeFailure> pending_;        // each node's next failure
  // Nodes by their next failure (time, node): the earliest on top.
  std::priority_queue<std::pair<Seconds, int>, std::vector<std::pair<Seconds, int>>,
                      std::greater<std::pair<Seconds, int>>>
      failure_heap_;
  std::vector<int> on_failed_node_;      // scratch
  std::vector<int> epoch_;           // bumps on preemption: stale end events
  std::vector<Allocation> held_;
  std::vector<JobTimes> times_;
  std::pmr::set<QueueKey> waiting_{&pool_};
  std::pmr::set<int> running_{&pool_};
  std::pmr::set<std::pair<Seconds, int>> running_by_estimated_end_{&pool_};
  // Preemption victims first: (priority, -start, -index).
  std::pmr::set<std::tuple<int, Seconds, int>> victims_{&pool_};
  RunSummary summary_;
  Seconds now_ = 0;
  int64_t running_gpus_ = 0;        // GPUs held by running jobs
  int64_t running_gpu_starts_ = 0;  // sum of gpus x start over running jobs
  bool stopped_ = false;            // StopAt ended the replay early

  // EASY: what the last full pass left, valid while no job has ended and
  // the head is the same; then only new arrivals need examining.
  bool easy_valid_ = false;
  int easy_head_ = -1;
  Seconds easy_shadow_ = 0;
  int64_t easy_extra_ = 0;
  std::vector<int> arrived_;  // jobs that joined the queue since the last pass
  std::vector<QueueKey> fresh_;  // EASY: scratch, kept for its capacity
  std::vector<int> chosen_;      // priority: scratch for preemption victims
  bool ended_ = false;        // a job ended or was preempted since the last pass
};

// Runs `jobs` to the end (see Simulator).
absl::StatusOr<RunSummary> Simulate(const ClusterShape& shape, const std::vector<JobSpec>& jobs,
                                    const SchedulerOptions& options, Sink* sink);

}  // namespace gpuledger::scheduler

#endif  // GPULEDGER_SCHEDULER_SIMULATOR_H_

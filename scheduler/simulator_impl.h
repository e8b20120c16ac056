// The simulator's state and its parts (internal to scheduler/): validation
// (simulator_checks.cc), the event loop (simulator.cc), the accounting of
// every GPU-second (accounting.cc), the policies (policies.cc), node health
// and spares (nodes.cc), on-demand capacity (on_demand.cc).
#ifndef GPULEDGER_SCHEDULER_SIMULATOR_IMPL_H_
#define GPULEDGER_SCHEDULER_SIMULATOR_IMPL_H_

#include <cstdint>
#include <deque>
#include <memory_resource>
#include <queue>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "scheduler/cluster.h"
#include "scheduler/event_queue.h"
#include "scheduler/simulator.h"

namespace gpuledger::scheduler {

// The jobs' checks of Simulator::Create, before anything is built. With
// one pool, its failure model, spares and restart time may come from
// `options` (Create's first overload moves them into the pool).
absl::Status CheckJobs(const std::vector<PoolSpec>& pools, const std::vector<JobSpec>& jobs,
                       const SchedulerOptions& options);

// True if a job of `gpus` GPUs fits `pool` in service: at most its GPUs
// besides its spares, and part of one node or whole nodes.
bool FitsPool(const PoolSpec& pool, int gpus);

// Appends job `j`'s pools to `out`, in its order of preference: as it names
// them, else every pool it fits; each with its run time and its estimate
// (the run time when it gives none).
void AppendPoolChoices(const std::vector<PoolSpec>& pools, const JobSpec& j,
                       std::vector<PoolChoice>* out);

class SimulatorImpl final : public Simulator {
 public:
  // `options` without a failure model, spares or restart time: the pools
  // have theirs.
  SimulatorImpl(std::vector<PoolSpec> pools, std::vector<JobSpec> jobs,
                const SchedulerOptions& options, Sink* sink);

  absl::Status RunUntil(Seconds t) override;
  bool done() const override {
    return next_submit_ == submit_order_.size() &&
           (events_.empty() || summary_.jobs_completed == jobs_total());
  }
  Seconds next_event_time() const override;
  Seconds now() const override { return now_; }
  Seconds start() const override { return summary_.start; }
  int jobs_total() const override { return static_cast<int>(jobs_.size()); }
  int jobs_done() const override { return summary_.jobs_completed; }
  const std::vector<JobTimes>& times() const override { return times_; }
  const std::vector<JobSpec>& jobs() const override { return jobs_; }
  int64_t BusyGpuSecondsThrough(Seconds t) const override;
  // The jobs running on the cluster (not on demand), in job order; or
  // those on one pool.
  std::vector<int> RunningJobs() const;
  std::vector<int> RunningJobs(int pool) const;
  std::vector<std::pair<int, Seconds>> RunningSince() const override;
  absl::Status StopAt(Seconds t) override;
  absl::StatusOr<RunSummary> Finish() const override;

 private:
  // A running job's current run (on the cluster or on demand). Only running
  // jobs have one: slots are reused, so there are only as many as jobs ever
  // ran at once, and a slot keeps its GPU runs' memory for the next job.
  struct RunSlot {
    explicit RunSlot(std::pmr::memory_resource* pool) : held(pool) {}
    Allocation held;                 // the cluster's GPUs (none on demand)
    Seconds started = 0;             // start of the run
    Seconds restart_in_run = 0;      // restart at its start
    Seconds provisioning_in_run = 0;  // on demand: machines coming up first
    Seconds estimated_end = 0;       // its key in its pool's running_by_estimated_end
    int pool = 0;                    // the pool it runs on (0 on demand)
    // Spot: the notice of the machines' reclaim, if it comes before the
    // run ends (-1: none), and whether the job then saves all its work.
    Seconds spot_notice_at = -1;
    bool spot_saves = false;
  };
  // One pool: its cluster, what runs on it and the state of its nodes
  // (numbered within the pool; `base` is its first node's number across the
  // cluster).
  struct PoolState {
    PoolState(const PoolSpec& s, bool place, int first, std::pmr::memory_resource* mr)
        : spec(s), cluster(s.shape, place), base(first), running_by_estimated_end(mr),
          victims(mr) {}
    PoolSpec spec;
    Cluster cluster;
    int base;
    std::pmr::set<std::pair<Seconds, int>> running_by_estimated_end;
    // Preemption victims first: (priority, -start, -index).
    std::pmr::set<std::tuple<int, Seconds, int>> victims;
    std::set<int> spares;                       // hot spares standing by (down in cluster)
    std::set<std::pair<Seconds, int>> repairs;  // (repair end, node): nodes under repair
    bool retires() const { return spec.retired_at <= kMaxSimulatedSeconds; }
    // In service over [t, next instant): opened and not yet retired.
    bool open(Seconds t) const { return t >= spec.available_from && t < spec.retired_at; }
    int planned_nodes() const { return spec.shape.nodes - spec.spare_nodes; }
  };
  // (0 for a job interrupted by a failure, else 1; -priority; arrival(); index)
  using QueueKey = std::tuple<int, int, Seconds, int>;
  static int JobOf(const QueueKey& k) { return std::get<3>(k); }

  QueueKey Key(int job) const {
    return {interrupted_[job] ? 0 : 1, -jobs_[job].priority, jobs_[job].arrival(), job};
  }
  // The job's pools in order of preference, with run time and requested
  // time there (estimate resolved). On one pool, the job's own (nothing
  // stored per job).
  int ChoiceCount(int job) const {
    return choices_at_.empty() ? 1 : static_cast<int>(choices_at_[job + 1] - choices_at_[job]);
  }
  PoolChoice Choice(int job, int k) const {
    if (choices_at_.empty()) {
      const JobSpec& j = jobs_[job];
      return {0, j.run_seconds, j.estimate > 0 ? j.estimate : j.run_seconds};
    }
    return choices_[choices_at_[job] + k];
  }
  PoolChoice ChoiceOn(int job, int pool) const;
  // Run seconds still to do, in seconds of `pool` (converted by the ratio
  // of the job's run times there, rounded up, from the pool it last ran on).
  Seconds RemainingOn(int job, int pool) const;
  // What the job's run on `pool` is planned to take from now.
  Seconds Estimate(int job, int pool) const;
  // The restart a job owes on `pool` (interrupted runs owe the restart time
  // of the pool they resume on; on demand, pool 0's).
  Seconds RestartOwed(int job, int pool) const {
    return restart_owed_.empty() || !restart_owed_[job] ? 0 : pools_[pool].spec.restart_seconds;
  }
  // The job may start on `pool` at `t`: the pool is open and the job's
  // estimate there ends by its retirement.
  bool Usable(int job, int pool, Seconds t) const {
    const PoolState& p = pools_[pool];
    return t >= p.spec.available_from &&
           (!p.retires() || t + Estimate(job, pool) <= p.spec.retired_at);
  }
  // Whether the job could still start some day on one of its pools.
  bool CanEverStart(int job, Seconds t) const;
  int PoolOf(int node) const;
  // Free GPUs of the pools open at `t`.
  int64_t FreeGpus(Seconds t) const {
    return pools_.size() == 1 ? pools_.front().cluster.free_gpus() : FreeGpusOfPools(t);
  }
  int64_t FreeGpusOfPools(Seconds t) const;
  // Checkpoints written while doing `work` seconds of work from a restart,
  // and the wall-clock time that takes.
  Seconds Checkpoints(int job, Seconds work) const;
  Seconds WallFor(int job, Seconds work) const {
    return work + Checkpoints(job, work) * jobs_[job].checkpoint_write_seconds;
  }
  absl::Status ApplyInstant(Seconds t);
  // Starts `job`, whose GPUs Allocate has granted (Held(job), on
  // Run(job).pool), or on demand.
  absl::Status Start(int job, Seconds t, bool on_demand = false);
  // Puts a job in the waiting queue (and, with on-demand capacity, wakes
  // the scheduler when its wait lets it burst).
  void Enqueue(int job, Seconds t);
  // Starts on demand the jobs only on-demand capacity can hold, then the
  // first waiting job (queue order) whose wait is long enough, under the
  // cap. True if it took a job off the cluster's queue.
  absl::StatusOr<bool> BurstPass(Seconds t);
  // The current run of a job that has one (see RunSlot), and its GPUs.
  RunSlot& Run(int job) { return slots_[slot_[job]]; }
  const RunSlot& Run(int job) const { return slots_[slot_[job]]; }
  Allocation& Held(int job) { return Run(job).held; }
  // A fresh slot for `job`'s run; and giving it back when the run stops.
  void TakeSlot(int job);
  void FreeSlot(int job);
  // Grants `job` its GPUs on `pool` if they fit, in a slot of its own
  // (freed again if they do not fit).
  bool Allocate(int job, int pool);
  // Grants `job` its GPUs on the first of its pools (in preference order)
  // where it may start at `t` and fits; the pool, or -1.
  int AllocateFirst(int job, Seconds t);
  // Gives a job's GPUs back to the cluster (its slot stays until the run's
  // usage is recorded).
  void ReleaseHeld(int job);
  absl::Status Preempt(int job, Seconds t);
  // Ends a job's current run early at `t` (preemption or failure): records
  // its restart, saved and lost time, and requeues it.
  absl::Status StopRun(int job, Seconds t);
  // Takes a running job off the running sets and its GPUs back (its slot
  // stays until its usage is recorded).
  void LeaveRunning(int job);
  // A failure or a spot reclaim: stops the run, requeues the job at the
  // head owing its restart; ResourceExhausted (ending "without finishing:
  // `why`") once it has been interrupted too often.
  absl::Status RequeueInterrupted(int job, Seconds t, absl::string_view why);
  // Spot: when an on-demand run started at `t` gets notice (if before it
  // ends), and the event that stops it (spot.cc).
  void DrawSpotReclaim(int job, Seconds t);
  absl::Status SpotStop(int job, Seconds t);
  absl::Status FailNode(const NodeFailure& failure, Seconds t);
  // The next failure's time (max if none), and taking it.
  Seconds NextFailureTime() const;
  // A pool's nodes in service (not under repair, not standing by as spares).
  int InService(int pool) const;
  // Appends (repair end, GPUs) for a pool's repaired nodes that will rejoin
  // service, earliest first.
  void AddRepairReturns(int pool, std::vector<std::pair<Seconds, int64_t>>* frees) const;
  NodeFailure PopFailure();
  absl::Status Schedule(Seconds t);
  absl::Status StartFromHead(Seconds t);
  absl::Status EasyBackfill(Seconds t);
  // EASY's shadow time, pool and extra GPUs for the head; false if it has
  // none. And the shadow time and extra GPUs on one pool.
  bool EasyShadow(int head, Seconds t);
  bool PoolShadow(int pool, int64_t need, Seconds t, Seconds* shadow, int64_t* extra);
  // The profile of free GPUs on a pool, from `t` (conservative).
  void BuildProfile(int pool, Seconds t, std::vector<std::pair<Seconds, int64_t>>* profile);
  absl::Status ConservativeBackfill(Seconds t);
  absl::Status PriorityPass(Seconds t);
  absl::Status Emit(const UsageInterval& usage);
  // Idle and down GPUs from now_ to `t`.
  absl::Status EmitCapacityUntil(Seconds t);
  // A job's current run from its start to `t`: machines coming up (on
  // demand), restart owed, then work.
  absl::Status EmitRunUntil(int job, Seconds t);
  // The first two of those; returns when its work began (at most `t`).
  absl::StatusOr<Seconds> EmitRunStart(int job, Seconds t);
  // A run's work from `from` (its restart done) to `t`: cycles of work and a
  // checkpoint write; after the last completed write, work (or, if
  // `tail_lost`, lost time). Returns the work saved: by completed writes if
  // `tail_lost`, else all of it.
  // Recorded as one entry per category (see the definition).
  absl::StatusOr<Seconds> EmitWork(int job, Seconds from, Seconds t, bool tail_lost);

  // The ordered sets and the jobs' node runs take their memory from this pool
  // and give it back, so the event loop calls no allocator in the steady state.
  std::pmr::unsynchronized_pool_resource pool_;
  std::vector<JobSpec> jobs_;
  SchedulerOptions options_;
  Sink* sink_;
  std::deque<PoolState> pools_;  // stable references
  int total_nodes_ = 0;
  bool retiring_ = false;        // some pool retires
  // Several pools: per job, its pools, choices_[choices_at_[j] ..
  // choices_at_[j + 1]).
  std::vector<PoolChoice> choices_;
  std::vector<uint32_t> choices_at_;
  EventQueue events_;  // job ends, repaired nodes, burst wake-ups; arrivals come from submit_order_
  std::vector<int> submit_order_;  // jobs by (arrival(), index)
  size_t next_submit_ = 0;         // the next of them to arrive
  std::vector<int> deps_left_;
  // The jobs waiting on each job, in job order: job j's are
  // dependents_[dependents_at_[j] .. dependents_at_[j + 1]) (compressed rows).
  std::vector<size_t> dependents_at_;
  std::vector<int> dependents_;
  std::vector<bool> submitted_;
  std::vector<Seconds> remaining_;            // run seconds still to do (checkpoints)
  std::vector<int> remaining_on_;             // several pools: the pool remaining_ is in
  std::vector<bool> restart_owed_;  // with failures: owes a restart before the work resumes
  std::vector<int> stranded_;       // jobs whose pools retired before they could start
  std::vector<Seconds> queued_at_;  // with on-demand capacity: when it last joined the queue
  std::vector<bool> on_demand_;               // its current run is on demand
  std::set<int> on_demand_running_;
  std::set<QueueKey> on_demand_only_;          // waiting jobs bigger than the cluster
  int64_t on_demand_gpus_ = 0;                 // GPUs held on demand now
  std::vector<bool> interrupted_;              // requeued by a failure: goes first
  std::vector<int> spot_runs_;                 // spot: on-demand runs started, per job
  std::vector<Seconds> node_up_at_;  // per node: repair ends (for overlapping failures)
  std::vector<int> node_epoch_;      // per node: makes superseded repair ends stale
  std::vector<std::pair<Seconds, int64_t>> frees_;  // scratch: (time, GPUs freed)
  std::vector<std::vector<std::pair<Seconds, int64_t>>> profiles_;  // scratch: per pool
  size_t next_failure_ = 0;
  // With failure models: a stream per node of the pools that have one.
  std::vector<NodeFailureStream> streams_;
  std::vector<NodeFailure> pending_;  // each stream's next failure
  std::vector<int> stream_of_node_;   // per node: its stream, or -1
  // Nodes by their next failure (time, node): the earliest on top.
  std::priority_queue<std::pair<Seconds, int>, std::vector<std::pair<Seconds, int>>,
                      std::greater<std::pair<Seconds, int>>>
      failure_heap_;
  std::vector<int> on_failed_node_;  // scratch
  std::vector<int> epoch_;           // bumps on preemption: stale end events
  std::vector<int> slot_;        // per job: its run's slot, or -1
  std::deque<RunSlot> slots_;    // stable references while slots are added
  std::vector<int> free_slots_;
  std::vector<JobTimes> times_;
  std::pmr::set<QueueKey> waiting_{&pool_};
  // Only the priority policy preempts: the others keep no victims.
  const bool preempts_ = options_.policy == Policy::kPriority;
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
  int easy_pool_ = 0;  // the pool the head is reserved on
  int64_t easy_extra_ = 0;
  std::vector<int> arrived_;     // jobs that joined the queue since the last pass
  std::vector<QueueKey> fresh_;  // EASY: scratch, kept for its capacity
  std::vector<int> chosen_;      // priority: scratch for preemption victims
  std::vector<std::pair<int, int>> start_now_;  // conservative: scratch (job, pool)
  bool ended_ = false;           // a job ended or was preempted since the last pass
};

}  // namespace gpuledger::scheduler

#endif  // GPULEDGER_SCHEDULER_SIMULATOR_IMPL_H_

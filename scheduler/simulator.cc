// The event loop: submissions, ends and failures applied instant by instant,
// then one decision point; starting, stopping and finishing runs.
#include "scheduler/simulator_impl.h"

#include <algorithm>
#include <limits>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace gpuledger::scheduler {

absl::StatusOr<std::unique_ptr<Simulator>> Simulator::Create(const ClusterShape& shape,
                                                             std::vector<JobSpec> jobs,
                                                             const SchedulerOptions& options,
                                                             Sink* sink) {
  // One pool with the options' failure model, spares and restart time.
  PoolSpec pool;
  pool.shape = shape;
  pool.failure_model = options.failure_model;
  pool.spare_nodes = options.spare_nodes;
  pool.restart_seconds = options.restart_seconds;
  std::vector<PoolSpec> pools = {std::move(pool)};
  if (absl::Status s = CheckJobs(pools, jobs, options); !s.ok()) return s;
  SchedulerOptions rest = options;
  rest.failure_model.reset();
  rest.spare_nodes = 0;
  rest.restart_seconds = 0;
  return std::unique_ptr<Simulator>(
      new SimulatorImpl(std::move(pools), std::move(jobs), rest, sink));
}

absl::StatusOr<std::unique_ptr<Simulator>> Simulator::Create(std::vector<PoolSpec> pools,
                                                             std::vector<JobSpec> jobs,
                                                             const SchedulerOptions& options,
                                                             Sink* sink) {
  if (options.failure_model || options.spare_nodes != 0 || options.restart_seconds != 0) {
    return absl::InvalidArgumentError(
        "a cluster of pools takes its failure model, spares and restart time from each pool");
  }
  if (absl::Status s = CheckJobs(pools, jobs, options); !s.ok()) return s;
  return std::unique_ptr<Simulator>(
      new SimulatorImpl(std::move(pools), std::move(jobs), options, sink));
}

SimulatorImpl::SimulatorImpl(std::vector<PoolSpec> pools, std::vector<JobSpec> jobs,
                             const SchedulerOptions& options, Sink* sink)
    : jobs_(std::move(jobs)),
      options_(options),
      sink_(sink),
      deps_left_(jobs_.size()),
      dependents_at_(jobs_.size() + 1, 0),
      submitted_(jobs_.size(), false),
      remaining_(jobs_.size()),
      queued_at_(options.on_demand ? jobs_.size() : 0, 0),  // only bursting reads it
      on_demand_(jobs_.size(), false),
      interrupted_(jobs_.size(), false),
      spot_runs_(options.spot() ? jobs_.size() : 0, 0),
      epoch_(jobs_.size(), 0),
      times_(jobs_.size()) {
  bool fails = !options.failures.empty();
  for (const PoolSpec& spec : pools) {
    // Counting instead of placing schedules the same where no node can
    // fail or stand by (the cluster also needs one-GPU nodes, no pods).
    const bool place = options.place_nodes || !options.failures.empty() ||
                       spec.failure_model.has_value() || spec.spare_nodes > 0;
    pools_.emplace_back(spec, place, total_nodes_, &pool_);
    total_nodes_ += spec.shape.nodes;
    fails = fails || spec.failure_model.has_value();
    retiring_ = retiring_ || pools_.back().retires();
  }
  node_up_at_.assign(total_nodes_, 0);
  node_epoch_.assign(total_nodes_, 0);
  profiles_.resize(pools_.size());
  // Only failures and spot reclaims make a job owe a restart.
  if (fails || options.spot()) restart_owed_.assign(jobs_.size(), false);
  if (pools_.size() > 1) remaining_on_.assign(jobs_.size(), -1);
  slot_.assign(jobs_.size(), -1);
  const int n = static_cast<int>(jobs_.size());
  // Each job's pools: as it names them, else every pool it fits, with its
  // run time and requested time. (On one pool, the job's own: see Choice.)
  if (pools_.size() > 1) choices_at_.reserve(n + 1), choices_at_.push_back(0);
  if (pools_.size() > 1) {
    std::vector<PoolSpec> specs;
    for (const PoolState& p : pools_) specs.push_back(p.spec);
    for (int i = 0; i < n; ++i) {
      AppendPoolChoices(specs, jobs_[i], &choices_);
      choices_at_.push_back(static_cast<uint32_t>(choices_.size()));
    }
  }
  for (int i = 0; i < n; ++i) {
    deps_left_[i] = static_cast<int>(jobs_[i].after.size());
    for (int d : jobs_[i].after) ++dependents_at_[d + 1];
    // In the first pool's seconds until it runs somewhere.
    const PoolChoice first = Choice(i, 0);
    remaining_[i] = first.run_seconds;
    if (!remaining_on_.empty()) remaining_on_[i] = first.pool;
    summary_.start = i == 0 ? jobs_[i].submit : std::min(summary_.start, jobs_[i].submit);
  }
  for (int i = 0; i < n; ++i) dependents_at_[i + 1] += dependents_at_[i];
  dependents_.resize(dependents_at_[n]);
  {
    std::vector<size_t> filled(dependents_at_.begin(), dependents_at_.end() - 1);
    for (int i = 0; i < n; ++i) {
      for (int d : jobs_[i].after) dependents_[filled[d]++] = i;
    }
  }
  // Submissions are read in order from a sorted list rather than queued, so
  // the event heap holds only the running jobs' ends. Traces usually come
  // sorted, which makes this a linear check.
  submit_order_.resize(n);
  for (int i = 0; i < n; ++i) submit_order_[i] = i;
  auto by_submit = [this](int a, int b) {
    return std::pair(jobs_[a].arrival(), a) < std::pair(jobs_[b].arrival(), b);
  };
  if (!std::is_sorted(submit_order_.begin(), submit_order_.end(), by_submit)) {
    std::sort(submit_order_.begin(), submit_order_.end(), by_submit);
  }
  now_ = summary_.start;
  stream_of_node_.assign(total_nodes_, -1);
  for (int p = 0; p < static_cast<int>(pools_.size()); ++p) {
    PoolState& pool = pools_[p];
    const ClusterShape& shape = pool.spec.shape;
    for (int n = shape.nodes - pool.spec.spare_nodes; n < shape.nodes; ++n) {
      pool.cluster.MarkDown(n);  // held out of service, counted idle
      pool.spares.insert(n);
    }
    // Capacity that arrives or leaves during the replay: an instant then.
    if (pool.spec.available_from > summary_.start) {
      events_.Push(pool.spec.available_from, EventKind::kPoolChange, p);
    }
    if (pool.retires() && pool.spec.retired_at > summary_.start) {
      events_.Push(pool.spec.retired_at, EventKind::kPoolChange, p);
    }
    if (pool.spec.failure_model) {
      // A node fails from when its pool opens.
      const Seconds from = std::max(summary_.start, pool.spec.available_from);
      for (int n = 0; n < shape.nodes; ++n) {
        const int node = pool.base + n;
        stream_of_node_[node] = static_cast<int>(streams_.size());
        streams_.emplace_back(options_.failure_seed, node, shape.gpus_per_node,
                              *pool.spec.failure_model, from);
        pending_.push_back(streams_.back().Next());
        failure_heap_.push({pending_.back().time, node});
      }
    }
  }
}

Seconds SimulatorImpl::next_event_time() const {
  Seconds t = events_.empty() ? std::numeric_limits<Seconds>::max() : events_.NextTime();
  if (next_submit_ < submit_order_.size())
    t = std::min(t, jobs_[submit_order_[next_submit_]].arrival());
  // Failures matter only while something is left to happen.
  if (t != std::numeric_limits<Seconds>::max()) t = std::min(t, NextFailureTime());
  return t;
}

absl::Status SimulatorImpl::RunUntil(Seconds t) {
  while (!done() && next_event_time() <= t) {
    if (absl::Status s = ApplyInstant(next_event_time()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status SimulatorImpl::ApplyInstant(Seconds t) {
  if (t > kMaxSimulatedSeconds) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the replay reached simulated second ", kMaxSimulatedSeconds,
        " (about 3,169 years), the longest gpuledger represents; failures stretched it"));
  }
  if (absl::Status s = EmitCapacityUntil(t); !s.ok()) return s;
  now_ = t;

  // Apply everything that happens at this instant: ends, repaired nodes,
  // failures, then arrivals.
  while (!events_.empty() && events_.NextTime() == t) {
    const Event e = events_.Pop();
    if (e.kind == EventKind::kNodeUp) {
      const int node = e.job;
      const int p = PoolOf(node);
      PoolState& pool = pools_[p];
      const int local = node - pool.base;
      if (e.epoch == node_epoch_[node] && pool.cluster.down(local) && !pool.spares.count(local)) {
        pool.repairs.erase({node_up_at_[node], local});
        // Repaired, it goes back into service if fewer nodes serve than
        // planned, else it stands by as a spare.
        if (InService(p) >= pool.planned_nodes() &&
            static_cast<int>(pool.spares.size()) < pool.spec.spare_nodes) {
          pool.spares.insert(local);
        } else {
          pool.cluster.MarkUp(local);
          ended_ = true;  // more GPUs: backfilling must look again
        }
      }
      continue;
    }
    if (e.kind == EventKind::kPoolChange) {
      // A pool opens or retires: backfilling must look again, and jobs no
      // pool can take any more leave the queue.
      ended_ = true;
      easy_valid_ = false;
      continue;
    }
    if (e.kind == EventKind::kBurstCheck) continue;  // a wake-up: the pass below looks
    const int job = e.job;
    if (e.epoch != epoch_[job]) continue;  // the run it ended was preempted
    if (e.kind == EventKind::kSpotStop) {
      if (absl::Status s = SpotStop(job, t); !s.ok()) return s;
      continue;
    }
    LeaveRunning(job);
    remaining_[job] = 0;
    times_[job].end = t;
    ++summary_.jobs_completed;
    if (absl::Status s = EmitRunUntil(job, t); !s.ok()) return s;
    FreeSlot(job);
    if (absl::Status s = sink_->OnJobEnd(t, job); !s.ok()) return s;
    for (size_t k = dependents_at_[job]; k < dependents_at_[job + 1]; ++k) {
      const int d = dependents_[k];
      if (--deps_left_[d] == 0 && submitted_[d]) Enqueue(d, t);
    }
  }
  while (NextFailureTime() <= t) {
    if (absl::Status s = FailNode(PopFailure(), t); !s.ok()) return s;
  }
  while (next_submit_ < submit_order_.size() && jobs_[submit_order_[next_submit_]].arrival() == t) {
    const int job = submit_order_[next_submit_++];
    submitted_[job] = true;
    if (deps_left_[job] == 0) Enqueue(job, t);
  }
  if (retiring_) {
    // Jobs whose pools have all retired, or retire before their estimate
    // could end there, never run: out of the queue, named by Finish.
    for (auto w = waiting_.begin(); w != waiting_.end();) {
      const int job = JobOf(*w);
      if (CanEverStart(job, t)) {
        ++w;
        continue;
      }
      stranded_.push_back(job);
      w = waiting_.erase(w);
      easy_valid_ = false;
    }
  }

  if (absl::Status s = Schedule(t); !s.ok()) return s;
  summary_.end = t;
  return absl::OkStatus();
}

void SimulatorImpl::TakeSlot(int job) {
  int& slot = slot_[job];
  if (free_slots_.empty()) {
    slot = static_cast<int>(slots_.size());
    slots_.emplace_back(&pool_);
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  RunSlot& r = slots_[slot];
  r.started = r.restart_in_run = r.provisioning_in_run = r.estimated_end = 0;
  r.pool = 0;
  r.spot_notice_at = -1;
  r.spot_saves = false;
}

void SimulatorImpl::FreeSlot(int job) {
  free_slots_.push_back(slot_[job]);
  slot_[job] = -1;
}

bool SimulatorImpl::Allocate(int job, int pool) {
  TakeSlot(job);
  RunSlot& run = Run(job);
  if (pools_[pool].cluster.AllocateInto(jobs_[job].gpus, &run.held)) {
    run.pool = run.held.pool = pool;
    return true;
  }
  FreeSlot(job);
  return false;
}

int SimulatorImpl::AllocateFirst(int job, Seconds t) {
  for (int k = 0, n = ChoiceCount(job); k < n; ++k) {
    const int pool = Choice(job, k).pool;
    if (Usable(job, pool, t) && Allocate(job, pool)) return pool;
  }
  return -1;
}

void SimulatorImpl::ReleaseHeld(int job) {
  RunSlot& run = Run(job);
  pools_[run.pool].cluster.Release(run.held);
  run.held.parts.clear();  // its capacity stays for the slot's next job
}

PoolChoice SimulatorImpl::ChoiceOn(int job, int pool) const {
  if (choices_at_.empty()) return Choice(job, 0);
  const PoolChoice* c = choices_.data() + choices_at_[job];
  while (c->pool != pool) ++c;  // callers ask only for the job's pools
  return *c;
}

Seconds SimulatorImpl::RemainingOn(int job, int pool) const {
  if (remaining_on_.empty() || remaining_on_[job] == pool) return remaining_[job];
  // Work is the same; seconds of it scale with the run times on the two
  // pools, rounded up (__int128: both factors reach 1e11).
  const Seconds from = ChoiceOn(job, remaining_on_[job]).run_seconds;
  const Seconds to = ChoiceOn(job, pool).run_seconds;
  const __int128 scaled = static_cast<__int128>(remaining_[job]) * to;
  return static_cast<Seconds>((scaled + from - 1) / from);
}

bool SimulatorImpl::CanEverStart(int job, Seconds t) const {
  for (int k = 0, n = ChoiceCount(job); k < n; ++k) {
    const int pool = Choice(job, k).pool;
    const PoolState& p = pools_[pool];
    if (!p.retires()) return true;
    const Seconds from = std::max(t, p.spec.available_from);
    if (from + Estimate(job, pool) <= p.spec.retired_at) return true;
  }
  return false;
}

int SimulatorImpl::PoolOf(int node) const {
  int p = 0;
  while (p + 1 < static_cast<int>(pools_.size()) && node >= pools_[p + 1].base) ++p;
  return p;
}

int64_t SimulatorImpl::FreeGpusOfPools(Seconds t) const {
  int64_t free = 0;
  for (const PoolState& p : pools_) {
    if (p.open(t)) free += p.cluster.free_gpus();
  }
  return free;
}

void SimulatorImpl::Enqueue(int job, Seconds t) {
  if (options_.on_demand) queued_at_[job] = t;
  // On-demand capacity comes only with one pool.
  const int committed = pools_[0].planned_nodes() * pools_[0].spec.shape.gpus_per_node;
  if (options_.on_demand && jobs_[job].gpus > committed) {
    // It can only ever run on demand: it waits for nothing but the cap, and
    // does not block the cluster's queue.
    on_demand_only_.insert(Key(job));
    return;
  }
  waiting_.insert(Key(job));
  arrived_.push_back(job);
  if (options_.on_demand && options_.burst_after_seconds > 0) {
    events_.Push(t + options_.burst_after_seconds, EventKind::kBurstCheck, job);
  }
}

absl::Status SimulatorImpl::Start(int job, Seconds t, bool on_demand) {
  waiting_.erase(Key(job));
  on_demand_only_.erase(Key(job));
  interrupted_[job] = false;
  if (on_demand) TakeSlot(job);  // on the cluster, Allocate took it
  RunSlot& run = Run(job);
  if (!remaining_on_.empty() && remaining_on_[job] != run.pool) {
    // On another pool than its last run's: what is left, in its seconds.
    remaining_[job] = RemainingOn(job, run.pool);
    remaining_on_[job] = run.pool;
  }
  run.restart_in_run = RestartOwed(job, run.pool);
  if (!restart_owed_.empty()) restart_owed_[job] = false;
  run.started = t;
  on_demand_[job] = on_demand;
  if (on_demand) {
    run.provisioning_in_run = options_.provisioning_seconds;
    on_demand_running_.insert(job);
    on_demand_gpus_ += jobs_[job].gpus;
    ++summary_.on_demand_jobs;
  } else {
    PoolState& pool = pools_[run.pool];
    run.estimated_end = t + Estimate(job, run.pool);
    pool.running_by_estimated_end.insert({run.estimated_end, job});
    if (preempts_) pool.victims.insert({jobs_[job].priority, -t, -job});
  }
  times_[job].pool = on_demand ? -1 : run.pool;
  running_gpus_ += jobs_[job].gpus;
  running_gpu_starts_ += static_cast<int64_t>(jobs_[job].gpus) * t;
  if (times_[job].first_start < 0) times_[job].first_start = t;
  times_[job].last_start = t;
  if (absl::Status s = sink_->OnJobStart(t, job, run.held); !s.ok()) return s;
  if (on_demand && options_.spot()) DrawSpotReclaim(job, t);
  events_.Push(t + run.provisioning_in_run + run.restart_in_run + WallFor(job, remaining_[job]),
               EventKind::kJobEnd, job, epoch_[job]);
  return absl::OkStatus();
}

absl::Status SimulatorImpl::Preempt(int job, Seconds t) {
  ++times_[job].preemptions;
  ++summary_.preemptions;
  if (absl::Status s = StopRun(job, t); !s.ok()) return s;
  return sink_->OnJobPreempted(t, job);
}

void SimulatorImpl::LeaveRunning(int job) {
  const JobSpec& j = jobs_[job];
  const RunSlot& run = Run(job);
  if (on_demand_[job]) {
    on_demand_running_.erase(job);
    on_demand_gpus_ -= j.gpus;
  } else {
    PoolState& pool = pools_[run.pool];
    ReleaseHeld(job);
    pool.running_by_estimated_end.erase({run.estimated_end, job});
    if (preempts_) pool.victims.erase({j.priority, -run.started, -job});
  }
  running_gpus_ -= j.gpus;
  running_gpu_starts_ -= static_cast<int64_t>(j.gpus) * run.started;
  ended_ = true;
}

absl::Status SimulatorImpl::StopRun(int job, Seconds t) {
  const RunSlot& run = Run(job);
  LeaveRunning(job);
  ++epoch_[job];  // its pending end event is now stale
  // The run's start (machines coming up, restart owed), then work, kept up
  // to the last checkpoint, the rest lost; or, a spot run that saves at its
  // notice, all of it, then that write.
  absl::StatusOr<Seconds> work_from = EmitRunStart(job, t);
  if (!work_from.ok()) return work_from.status();
  const Seconds saved_at = run.spot_saves ? run.spot_notice_at : -1;
  absl::StatusOr<Seconds> saved = saved_at >= 0
                                      ? EmitWork(job, *work_from, saved_at, /*tail_lost=*/false)
                                      : EmitWork(job, *work_from, t, /*tail_lost=*/true);
  if (!saved.ok()) return saved.status();
  if (saved_at >= 0 && t > saved_at) {
    if (auto s = Emit({job, Category::kCheckpoint, saved_at, t, jobs_[job].gpus}); !s.ok()) {
      return s;
    }
  }
  FreeSlot(job);  // the run is over: a requeued job has none
  remaining_[job] -= *saved;
  Enqueue(job, t);
  return absl::OkStatus();
}

absl::Status SimulatorImpl::RequeueInterrupted(int job, Seconds t, absl::string_view why) {
  interrupted_[job] = true;  // before StopRun requeues it: it goes first
  if (absl::Status s = StopRun(job, t); !s.ok()) return s;
  restart_owed_[job] = true;  // after StopRun, which uses its estimate
  const JobTimes& n = times_[job];
  if (n.interruptions + n.planned_interruptions + n.spot_interruptions > kMaxInterruptionsPerJob) {
    return absl::ResourceExhaustedError(absl::StrCat("job \"", jobs_[job].id,
                                                     "\" was interrupted ", kMaxInterruptionsPerJob,
                                                     " times without finishing: ", why));
  }
  return absl::OkStatus();
}

absl::Status SimulatorImpl::StopAt(Seconds t) {
  if (t < now_ || (!done() && t >= next_event_time())) {
    return absl::InvalidArgumentError(absl::StrCat("cannot stop at ", t, ": replay is at ", now_,
                                                   ", next event ",
                                                   done() ? -1 : next_event_time()));
  }
  if (absl::Status s = EmitCapacityUntil(t); !s.ok()) return s;
  for (int job : RunningJobs()) {
    if (absl::Status s = EmitRunUntil(job, t); !s.ok()) return s;
  }
  for (int job : on_demand_running_) {
    if (absl::Status s = EmitRunUntil(job, t); !s.ok()) return s;
  }
  for (PoolState& p : pools_) p.running_by_estimated_end.clear();
  on_demand_running_.clear();
  running_gpus_ = 0;
  running_gpu_starts_ = 0;
  now_ = t;
  summary_.end = t;
  events_.Clear();
  next_submit_ = submit_order_.size();
  stopped_ = true;
  return absl::OkStatus();
}

absl::StatusOr<RunSummary> SimulatorImpl::Finish() const {
  if (stopped_) {
    return absl::FailedPreconditionError(absl::StrCat("the replay was stopped at ", now_));
  }
  if (!stranded_.empty()) {
    std::vector<int> names = stranded_;
    std::sort(names.begin(), names.end());
    std::string list;
    for (size_t i = 0; i < names.size() && i < 10; ++i) {
      absl::StrAppend(&list, i ? ", " : "", "\"", jobs_[names[i]].id, "\"");
    }
    if (names.size() > 10) absl::StrAppend(&list, " and ", names.size() - 10, " more");
    const int behind = jobs_total() - summary_.jobs_completed - static_cast<int>(names.size());
    const bool one = names.size() == 1;
    return absl::FailedPreconditionError(absl::StrCat(
        names.size(), one ? " job never ran: every pool it may use retired before it could "
                          : " jobs never ran: every pool they may use retired before they could ",
        "start and finish there (", list, ")",
        behind > 0 ? absl::StrCat("; ", behind, behind == 1 ? " more job waits on " : " more jobs wait on ",
                                  one ? "it" : "them")
                   : ""));
  }
  if (summary_.jobs_completed < jobs_total()) {
    // Create refuses cycles, so this is a scheduler bug, not bad input.
    return absl::InternalError(
        absl::StrCat(jobs_total() - summary_.jobs_completed, " jobs never ran"));
  }
  return summary_;
}

namespace {

absl::StatusOr<RunSummary> RunToEnd(absl::StatusOr<std::unique_ptr<Simulator>> sim) {
  if (!sim.ok()) return sim.status();
  if (absl::Status s = (*sim)->RunUntil(std::numeric_limits<Seconds>::max()); !s.ok()) return s;
  return (*sim)->Finish();
}

}  // namespace

absl::StatusOr<RunSummary> Simulate(const ClusterShape& shape, const std::vector<JobSpec>& jobs,
                                    const SchedulerOptions& options, Sink* sink) {
  return RunToEnd(Simulator::Create(shape, jobs, options, sink));
}

absl::StatusOr<RunSummary> Simulate(const std::vector<PoolSpec>& pools,
                                    const std::vector<JobSpec>& jobs,
                                    const SchedulerOptions& options, Sink* sink) {
  return RunToEnd(Simulator::Create(pools, jobs, options, sink));
}

}  // namespace gpuledger::scheduler

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
  if (absl::Status s = CheckJobs(shape, jobs, options); !s.ok()) return s;
  return std::unique_ptr<Simulator>(new SimulatorImpl(shape, std::move(jobs), options, sink));
}

SimulatorImpl::SimulatorImpl(const ClusterShape& shape, std::vector<JobSpec> jobs,
                             const SchedulerOptions& options, Sink* sink)
    : jobs_(std::move(jobs)),
      options_(options),
      sink_(sink),
      // Counting instead of placing schedules the same where no node can
      // fail or stand by (the cluster also needs one-GPU nodes, no pods).
      cluster_(shape, options.place_nodes || !options.failures.empty() ||
                          options.failure_model.has_value() || options.spare_nodes > 0),
      deps_left_(jobs_.size()),
      dependents_at_(jobs_.size() + 1, 0),
      submitted_(jobs_.size(), false),
      remaining_(jobs_.size()),
      // Only failures and spot reclaims make a job owe a restart.
      restart_owed_(!options.failures.empty() || options.failure_model || options.spot()
                        ? jobs_.size()
                        : 0,
                    0),
      queued_at_(options.on_demand ? jobs_.size() : 0, 0),  // only bursting reads it
      on_demand_(jobs_.size(), false),
      interrupted_(jobs_.size(), false),
      spot_runs_(options.spot() ? jobs_.size() : 0, 0),
      node_up_at_(shape.nodes, 0),
      node_epoch_(shape.nodes, 0),
      epoch_(jobs_.size(), 0),
      times_(jobs_.size()) {
  slot_.assign(jobs_.size(), -1);
  const int n = static_cast<int>(jobs_.size());
  for (int i = 0; i < n; ++i) {
    deps_left_[i] = static_cast<int>(jobs_[i].after.size());
    for (int d : jobs_[i].after) ++dependents_at_[d + 1];
    remaining_[i] = jobs_[i].run_seconds;
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
  for (int n = shape.nodes - options_.spare_nodes; n < shape.nodes; ++n) {
    cluster_.MarkDown(n);  // held out of service, counted idle
    spares_.insert(n);
  }
  if (options_.failure_model) {
    const int nodes = cluster_.shape().nodes;
    streams_.reserve(nodes);
    pending_.reserve(nodes);
    for (int n = 0; n < nodes; ++n) {
      streams_.emplace_back(options_.failure_seed, n, cluster_.shape().gpus_per_node,
                            *options_.failure_model, summary_.start);
      pending_.push_back(streams_.back().Next());
      failure_heap_.push({pending_.back().time, n});
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
      if (e.epoch == node_epoch_[node] && cluster_.down(node) && !spares_.count(node)) {
        repairs_.erase({node_up_at_[node], node});
        // Repaired, it goes back into service if fewer nodes serve than
        // planned, else it stands by as a spare.
        if (InService() >= cluster_.shape().nodes - options_.spare_nodes &&
            static_cast<int>(spares_.size()) < options_.spare_nodes) {
          spares_.insert(node);
        } else {
          cluster_.MarkUp(node);
          ended_ = true;  // more GPUs: backfilling must look again
        }
      }
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
  r.spot_notice_at = -1;
  r.spot_saves = false;
}

void SimulatorImpl::FreeSlot(int job) {
  free_slots_.push_back(slot_[job]);
  slot_[job] = -1;
}

bool SimulatorImpl::Allocate(int job, int gpus) {
  TakeSlot(job);
  if (cluster_.AllocateInto(gpus, &Held(job))) return true;
  FreeSlot(job);
  return false;
}

void SimulatorImpl::ReleaseHeld(int job) {
  Allocation& held = Held(job);
  cluster_.Release(held);
  held.parts.clear();  // its capacity stays for the slot's next job
}

void SimulatorImpl::Enqueue(int job, Seconds t) {
  if (options_.on_demand) queued_at_[job] = t;
  const int committed =
      (cluster_.shape().nodes - options_.spare_nodes) * cluster_.shape().gpus_per_node;
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
  run.restart_in_run = RestartOwed(job);
  if (!restart_owed_.empty()) restart_owed_[job] = 0;
  run.started = t;
  on_demand_[job] = on_demand;
  if (on_demand) {
    run.provisioning_in_run = options_.provisioning_seconds;
    on_demand_running_.insert(job);
    on_demand_gpus_ += jobs_[job].gpus;
    ++summary_.on_demand_jobs;
  } else {
    run.estimated_end = t + Estimate(job);
    running_by_estimated_end_.insert({run.estimated_end, job});
    if (preempts_) victims_.insert({jobs_[job].priority, -t, -job});
  }
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
    ReleaseHeld(job);
    running_by_estimated_end_.erase({run.estimated_end, job});
    if (preempts_) victims_.erase({j.priority, -run.started, -job});
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
  restart_owed_[job] = options_.restart_seconds;  // after StopRun, which uses its estimate
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
  running_by_estimated_end_.clear();
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
  if (summary_.jobs_completed < jobs_total()) {
    // Create refuses cycles, so this is a scheduler bug, not bad input.
    return absl::InternalError(
        absl::StrCat(jobs_total() - summary_.jobs_completed, " jobs never ran"));
  }
  return summary_;
}

absl::StatusOr<RunSummary> Simulate(const ClusterShape& shape, const std::vector<JobSpec>& jobs,
                                    const SchedulerOptions& options, Sink* sink) {
  absl::StatusOr<std::unique_ptr<Simulator>> sim = Simulator::Create(shape, jobs, options, sink);
  if (!sim.ok()) return sim.status();
  if (absl::Status s = (*sim)->RunUntil(std::numeric_limits<Seconds>::max()); !s.ok()) return s;
  return (*sim)->Finish();
}

}  // namespace gpuledger::scheduler

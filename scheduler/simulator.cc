#include "scheduler/simulator.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <string>

#include "absl/strings/str_cat.h"

namespace gpuledger::scheduler {
namespace {

absl::Status CheckJobs(const ClusterShape& shape, const std::vector<JobSpec>& jobs,
                       const SchedulerOptions& options) {
  const int spare_nodes = options.spare_nodes;
  if (shape.gpus_per_node <= 0 || shape.nodes < 0 || (shape.nodes == 0 && !options.on_demand)) {
    return absl::InvalidArgumentError("cluster has no GPUs");
  }
  if (options.on_demand_cap_gpus < 0 || options.burst_after_seconds < 0 ||
      options.provisioning_seconds < 0) {
    return absl::InvalidArgumentError(
        "on-demand cap, burst wait and provisioning time must not be negative");
  }
  if (spare_nodes < 0 || (spare_nodes > 0 && spare_nodes >= shape.nodes)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "spare nodes must be at least 0 and fewer than the cluster's ", shape.nodes,
        " nodes, got ", spare_nodes));
  }
  const int in_service = (shape.nodes - spare_nodes) * shape.gpus_per_node;
  const int n = static_cast<int>(jobs.size());
  for (const JobSpec& j : jobs) {
    if (j.submit < 0 || j.arrival() > kMaxSimulatedSeconds || j.run_seconds > kMaxSimulatedSeconds ||
        j.checkpoint_write_seconds > kMaxSimulatedSeconds) {
      return absl::InvalidArgumentError(absl::StrCat(
          "job \"", j.id, "\": submit and run times must be in [0, ", kMaxSimulatedSeconds, "]"));
    }
  }
  if (SerialBound(jobs) > kMaxSimulatedSeconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the jobs could run past simulated second ", kMaxSimulatedSeconds,
        " (about 3,169 years: the last arrival plus every run one after another), the "
        "longest replay gpuledger represents"));
  }
  for (const JobSpec& j : jobs) {
    const std::string who = absl::StrCat("job \"", j.id, "\": ");
    if (j.gpus <= 0) return absl::InvalidArgumentError(who + "gpus must be positive");
    const bool fits_on_demand = options.on_demand && (options.on_demand_cap_gpus == 0 ||
                                                      j.gpus <= options.on_demand_cap_gpus);
    if (j.gpus > in_service && !fits_on_demand) {
      return absl::InvalidArgumentError(absl::StrCat(
          who, "needs ", j.gpus, " GPUs, the cluster has ", in_service,
          spare_nodes > 0 ? absl::StrCat(" besides its ", spare_nodes, " spare nodes") : "",
          options.on_demand ? absl::StrCat(" and on-demand capacity is capped at ",
                                           options.on_demand_cap_gpus)
                            : ""));
    }
    if (j.gpus > shape.gpus_per_node && j.gpus % shape.gpus_per_node != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          who, j.gpus, " GPUs is not a whole number of ", shape.gpus_per_node, "-GPU nodes"));
    }
    if (j.run_seconds <= 0) return absl::InvalidArgumentError(who + "run time must be positive");
    if (j.estimate != 0 && j.estimate < j.run_seconds) {
      return absl::InvalidArgumentError(who + "estimate is below the run time");
    }
    if (j.checkpoint_seconds < 0) return absl::InvalidArgumentError(who + "checkpoint interval is negative");
    if (j.checkpoint_write_seconds < 0) {
      return absl::InvalidArgumentError(who + "checkpoint write time is negative");
    }
    for (int d : j.after) {
      if (d < 0 || d >= n) return absl::InvalidArgumentError(who + "dependency out of range");
    }
  }
  // Jobs that wait on each other in a cycle would never run: find them
  // before anything runs (Kahn's algorithm; what is left is on a cycle or
  // waits for one).
  std::vector<int> waiting_on(n, 0);
  std::vector<std::vector<int>> dependents(n);
  for (int i = 0; i < n; ++i) {
    waiting_on[i] = static_cast<int>(jobs[i].after.size());
    for (int d : jobs[i].after) dependents[d].push_back(i);
  }
  std::vector<int> ready;
  for (int i = 0; i < n; ++i) {
    if (waiting_on[i] == 0) ready.push_back(i);
  }
  int cleared = 0;
  while (!ready.empty()) {
    const int j = ready.back();
    ready.pop_back();
    ++cleared;
    for (int d : dependents[j]) {
      if (--waiting_on[d] == 0) ready.push_back(d);
    }
  }
  if (cleared < n) {
    std::string stuck;
    for (int i = 0; i < n; ++i) {
      if (waiting_on[i] > 0) absl::StrAppend(&stuck, stuck.empty() ? "" : ", ", "\"", jobs[i].id, "\"");
    }
    return absl::InvalidArgumentError(absl::StrCat("jobs wait on each other in a cycle: ", stuck));
  }
  return absl::OkStatus();
}

// Free GPUs over future time, as steps: from steps[i].first until the next
// step's time, steps[i].second GPUs are free. The last step lasts forever.
using Profile = std::vector<std::pair<Seconds, int64_t>>;

// Earliest step index from which `gpus` are free for `length` seconds. The
// last step must have `gpus` free.
size_t EarliestFit(const Profile& p, int64_t gpus, Seconds length) {
  size_t i = 0;
  while (true) {
    while (p[i].second < gpus) ++i;  // the last step has the whole cluster
    const Seconds until = p[i].first + length;
    size_t j = i + 1;
    while (j < p.size() && p[j].first < until && p[j].second >= gpus) ++j;
    if (j == p.size() || p[j].first >= until) return i;
    i = j;
  }
}

// Takes `gpus` from [p[i].first, p[i].first + length).
void Reserve(Profile* p, size_t i, int64_t gpus, Seconds length) {
  const Seconds until = (*p)[i].first + length;
  size_t j = i;
  while (j < p->size() && (*p)[j].first < until) ++j;
  // Split the step that covers `until` so the reservation ends exactly there.
  if (j == p->size() || (*p)[j].first > until) {
    p->insert(p->begin() + j, {until, (*p)[j - 1].second});
  }
  for (size_t k = i; k < j; ++k) (*p)[k].second -= gpus;
}

}  // namespace

Seconds SerialBound(const std::vector<JobSpec>& jobs) {
  Seconds latest_submit = 0, serial = 0;
  for (const JobSpec& j : jobs) {
    latest_submit = std::max(latest_submit, std::clamp<Seconds>(j.arrival(), 0, kMaxSimulatedSeconds));
    const Seconds run = std::clamp<Seconds>(j.run_seconds, 0, kMaxSimulatedSeconds);
    const Seconds write = std::clamp<Seconds>(j.checkpoint_write_seconds, 0, kMaxSimulatedSeconds);
    // Writes: at most one per interval of work, and one more cut short.
    const Seconds writes = j.checkpoint_seconds > 0
                               ? std::min<__int128>(__int128{run / j.checkpoint_seconds + 1} * write,
                                                    kMaxSimulatedSeconds)
                               : 0;
    serial += run + writes;
    if (serial > kMaxSimulatedSeconds) return kMaxSimulatedSeconds + 1;
  }
  return std::min(latest_submit + serial, kMaxSimulatedSeconds + 1);
}

absl::StatusOr<Policy> ParsePolicy(absl::string_view name) {
  if (name == "fcfs") return Policy::kFcfs;
  if (name == "easy") return Policy::kEasy;
  if (name == "conservative") return Policy::kConservative;
  if (name == "priority") return Policy::kPriority;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown policy \"", name, "\"; use fcfs, easy, conservative or priority"));
}

const char* PolicyName(Policy policy) {
  switch (policy) {
    case Policy::kFcfs: return "fcfs";
    case Policy::kEasy: return "easy";
    case Policy::kConservative: return "conservative";
    case Policy::kPriority: return "priority";
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<Simulator>> Simulator::Create(const ClusterShape& shape,
                                                             std::vector<JobSpec> jobs,
                                                             const SchedulerOptions& options,
                                                             Sink* sink) {
  if (absl::Status s = CheckJobs(shape, jobs, options); !s.ok()) return s;
  return std::unique_ptr<Simulator>(new Simulator(shape, std::move(jobs), options, sink));
}

Simulator::Simulator(const ClusterShape& shape, std::vector<JobSpec> jobs,
                     const SchedulerOptions& options, Sink* sink)
    : jobs_(std::move(jobs)),
      options_(options),
      sink_(sink),
      cluster_(shape),
      deps_left_(jobs_.size()),
      dependents_(jobs_.size()),
      submitted_(jobs_.size(), false),
      started_(jobs_.size(), 0),
      remaining_(jobs_.size()),
      restart_owed_(jobs_.size(), 0),
      restart_in_run_(jobs_.size(), 0),
      provisioning_in_run_(jobs_.size(), 0),
      queued_at_(jobs_.size(), 0),
      on_demand_(jobs_.size(), false),
      interrupted_(jobs_.size(), false),
      node_up_at_(shape.nodes, 0),
      node_epoch_(shape.nodes, 0),
      estimated_end_(jobs_.size(), 0),
      epoch_(jobs_.size(), 0),
      times_(jobs_.size()) {
  held_.reserve(jobs_.size());
  for (size_t i = 0; i < jobs_.size(); ++i) held_.emplace_back(&pool_);
  const int n = static_cast<int>(jobs_.size());
  for (int i = 0; i < n; ++i) {
    deps_left_[i] = static_cast<int>(jobs_[i].after.size());
    for (int d : jobs_[i].after) dependents_[d].push_back(i);
    remaining_[i] = jobs_[i].run_seconds;
    summary_.start = i == 0 ? jobs_[i].submit : std::min(summary_.start, jobs_[i].submit);
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

int Simulator::InService() const {
  return cluster_.shape().nodes - cluster_.down_gpus() / cluster_.shape().gpus_per_node;
}

void Simulator::AddRepairReturns(std::vector<std::pair<Seconds, int64_t>>* frees) const {
  // Repaired nodes rejoin service, earliest first, while fewer than planned
  // serve; the others will stand by as spares.
  int serving = InService();
  const int target = cluster_.shape().nodes - options_.spare_nodes;
  for (const auto& [up, node] : repairs_) {
    if (serving >= target) break;
    frees->push_back({up, cluster_.shape().gpus_per_node});
    ++serving;
  }
}

Seconds Simulator::NextFailureTime() const {
  if (options_.failure_model) {
    return failure_heap_.empty() ? std::numeric_limits<Seconds>::max() : failure_heap_.top().first;
  }
  return next_failure_ < options_.failures.size() ? options_.failures[next_failure_].time
                                                  : std::numeric_limits<Seconds>::max();
}

NodeFailure Simulator::PopFailure() {
  if (!options_.failure_model) return options_.failures[next_failure_++];
  const int node = failure_heap_.top().second;
  failure_heap_.pop();
  const NodeFailure f = pending_[node];
  pending_[node] = streams_[node].Next();
  failure_heap_.push({pending_[node].time, node});
  return f;
}

Seconds Simulator::Estimate(int job) const {
  // What is left of the requested time after saved work: the slack asked
  // beyond the run time, the work left with its checkpoint writes, and any
  // restart.
  const JobSpec& j = jobs_[job];
  const Seconds requested = j.estimate > 0 ? j.estimate : j.run_seconds;
  return requested - j.run_seconds + WallFor(job, remaining_[job]) + restart_owed_[job] +
         restart_in_run_[job];
}

Seconds Simulator::Checkpoints(int job, Seconds work) const {
  const JobSpec& j = jobs_[job];
  if (j.checkpoint_seconds <= 0 || j.checkpoint_write_seconds <= 0 || work <= 0) return 0;
  return (work - 1) / j.checkpoint_seconds;  // one after each full interval, none at the end
}

absl::Status Simulator::Emit(const UsageInterval& given) {
  UsageInterval u = given;
  if (u.job >= 0 && on_demand_[u.job]) {
    u.on_demand = true;
    summary_.on_demand_gpu_seconds += u.gpu_seconds();
  }
  if (u.category == Category::kProvisioning) summary_.provisioning_gpu_seconds += u.gpu_seconds();
  if (u.category == Category::kIdle) {
    summary_.idle_gpu_seconds += u.gpu_seconds();
  } else if (u.category == Category::kDown) {
    summary_.down_gpu_seconds += u.gpu_seconds();
  } else {
    summary_.busy_gpu_seconds += u.gpu_seconds();
    if (u.category == Category::kLost) summary_.lost_gpu_seconds += u.gpu_seconds();
    if (u.category == Category::kRestart) summary_.restart_gpu_seconds += u.gpu_seconds();
    if (u.category == Category::kCheckpoint) summary_.checkpoint_gpu_seconds += u.gpu_seconds();
  }
  return sink_->OnUsage(u);
}

Seconds Simulator::next_event_time() const {
  Seconds t = events_.empty() ? std::numeric_limits<Seconds>::max() : events_.NextTime();
  if (next_submit_ < submit_order_.size()) t = std::min(t, jobs_[submit_order_[next_submit_]].arrival());
  // Failures matter only while something is left to happen.
  if (t != std::numeric_limits<Seconds>::max()) t = std::min(t, NextFailureTime());
  return t;
}

absl::Status Simulator::EmitCapacityUntil(Seconds t) {
  // GPUs left free since the last instant, and spares standing by, were
  // idle until `t`; nodes under repair were down.
  const int spare_gpus = static_cast<int>(spares_.size()) * cluster_.shape().gpus_per_node;
  const int idle = cluster_.free_gpus() + spare_gpus;
  const int down = cluster_.down_gpus() - spare_gpus;
  if (t > now_ && idle > 0) {
    if (absl::Status s = Emit({-1, Category::kIdle, now_, t, idle}); !s.ok()) return s;
  }
  if (t > now_ && down > 0) return Emit({-1, Category::kDown, now_, t, down});
  return absl::OkStatus();
}

absl::Status Simulator::EmitRunUntil(int job, Seconds t) {
  // The run began with its machines coming up (on demand), then any restart
  // it owed; the rest was work.
  const Seconds up = std::min(t, started_[job] + provisioning_in_run_[job]);
  if (up > started_[job]) {
    if (auto s = Emit({job, Category::kProvisioning, started_[job], up, jobs_[job].gpus}); !s.ok()) {
      return s;
    }
  }
  const Seconds restart_end = std::min(t, up + restart_in_run_[job]);
  if (restart_end > up) {
    if (auto s = Emit({job, Category::kRestart, up, restart_end, jobs_[job].gpus}); !s.ok()) {
      return s;
    }
  }
  return EmitWork(job, restart_end, t, /*tail_lost=*/false).status();
}

absl::StatusOr<Seconds> Simulator::EmitWork(int job, Seconds from, Seconds t, bool tail_lost) {
  // The stretch [from, t) alternates `every` seconds of work with a write of
  // `write` seconds. It is recorded as at most three entries, in this order:
  // its work, its writes, and (if stopped) what was lost after the last
  // completed write. Totals are exact; within the stretch the writes are
  // gathered after the work, which keeps a long run to a few entries.
  const JobSpec& j = jobs_[job];
  const Seconds every = j.checkpoint_seconds, write = j.checkpoint_write_seconds;
  const Seconds elapsed = t > from ? t - from : 0;
  const Seconds cycles = every > 0 ? elapsed / (every + write) : 0;
  const Seconds rest = elapsed - cycles * (every + write);
  const Seconds saved = cycles * every;
  Seconds work = saved, writing = cycles * write;
  if (!tail_lost) {
    // The last cycle, cut short by the end of the job or the window.
    work += every > 0 ? std::min(rest, every) : rest;
    writing += every > 0 ? std::max<Seconds>(0, rest - every) : 0;
  }
  auto emit = [&](Category c, Seconds a, Seconds b) {
    return b > a ? Emit({job, c, a, b, j.gpus}) : absl::OkStatus();
  };
  if (auto s = emit(Category::kProductive, from, from + work); !s.ok()) return s;
  if (auto s = emit(Category::kCheckpoint, from + work, from + work + writing); !s.ok()) return s;
  // Work since the last completed write, and a write cut short, are redone.
  if (auto s = emit(Category::kLost, from + work + writing, t); !s.ok()) return s;
  return saved;
}

absl::Status Simulator::RunUntil(Seconds t) {
  while (!done() && next_event_time() <= t) {
    if (absl::Status s = ApplyInstant(next_event_time()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Simulator::ApplyInstant(Seconds t) {
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
    if (on_demand_[job]) {
      on_demand_running_.erase(job);
      on_demand_gpus_ -= jobs_[job].gpus;
    } else {
      ReleaseHeld(job);
      running_.erase(job);
      running_by_estimated_end_.erase({estimated_end_[job], job});
      victims_.erase({jobs_[job].priority, -started_[job], -job});
    }
    running_gpus_ -= jobs_[job].gpus;
    running_gpu_starts_ -= static_cast<int64_t>(jobs_[job].gpus) * started_[job];
    ended_ = true;
    remaining_[job] = 0;
    times_[job].end = t;
    ++summary_.jobs_completed;
    if (absl::Status s = EmitRunUntil(job, t); !s.ok()) return s;
    restart_in_run_[job] = 0;
    provisioning_in_run_[job] = 0;
    if (absl::Status s = sink_->OnJobEnd(t, job); !s.ok()) return s;
    for (int d : dependents_[job]) {
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

void Simulator::ReleaseHeld(int job) {
  cluster_.Release(held_[job]);
  held_[job].parts.clear();
  held_[job].parts.shrink_to_fit();  // back to the pool for the next job
}

void Simulator::Enqueue(int job, Seconds t) {
  queued_at_[job] = t;
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

absl::StatusOr<bool> Simulator::BurstPass(Seconds t) {
  auto fits = [&](int job) {
    return options_.on_demand_cap_gpus == 0 ||
           on_demand_gpus_ + jobs_[job].gpus <= options_.on_demand_cap_gpus;
  };
  // Jobs too big for the cluster first (they have no other way), then jobs
  // that waited long enough for it, each in queue order.
  for (auto w = on_demand_only_.begin(); w != on_demand_only_.end();) {
    const int job = JobOf(*w);
    ++w;  // Start erases `job`
    if (!fits(job)) continue;
    if (absl::Status s = Start(job, t, /*on_demand=*/true); !s.ok()) return s;
  }
  // One at a time: the cluster's policy looks again after each, since the
  // jobs behind it may now fit the cluster.
  for (const QueueKey& k : waiting_) {
    const int job = JobOf(k);
    if (t - queued_at_[job] < options_.burst_after_seconds || !fits(job)) continue;
    if (absl::Status s = Start(job, t, /*on_demand=*/true); !s.ok()) return s;
    return true;
  }
  return false;
}

absl::Status Simulator::Start(int job, Seconds t, bool on_demand) {
  waiting_.erase(Key(job));
  on_demand_only_.erase(Key(job));
  interrupted_[job] = false;
  restart_in_run_[job] = restart_owed_[job];
  restart_owed_[job] = 0;
  started_[job] = t;
  on_demand_[job] = on_demand;
  if (on_demand) {
    provisioning_in_run_[job] = options_.provisioning_seconds;
    on_demand_running_.insert(job);
    on_demand_gpus_ += jobs_[job].gpus;
    ++summary_.on_demand_jobs;
  } else {
    running_.insert(job);
    estimated_end_[job] = t + Estimate(job);
    running_by_estimated_end_.insert({estimated_end_[job], job});
    victims_.insert({jobs_[job].priority, -t, -job});
  }
  running_gpus_ += jobs_[job].gpus;
  running_gpu_starts_ += static_cast<int64_t>(jobs_[job].gpus) * t;
  if (times_[job].first_start < 0) times_[job].first_start = t;
  times_[job].last_start = t;
  if (absl::Status s = sink_->OnJobStart(t, job, held_[job]); !s.ok()) return s;
  events_.Push(t + provisioning_in_run_[job] + restart_in_run_[job] + WallFor(job, remaining_[job]),
               EventKind::kJobEnd, job, epoch_[job]);
  return absl::OkStatus();
}

absl::Status Simulator::Preempt(int job, Seconds t) {
  ++times_[job].preemptions;
  ++summary_.preemptions;
  if (absl::Status s = StopRun(job, t); !s.ok()) return s;
  return sink_->OnJobPreempted(t, job);
}

absl::Status Simulator::StopRun(int job, Seconds t) {
  const JobSpec& j = jobs_[job];
  running_by_estimated_end_.erase({estimated_end_[job], job});
  ReleaseHeld(job);
  running_.erase(job);
  victims_.erase({j.priority, -started_[job], -job});
  running_gpus_ -= j.gpus;
  running_gpu_starts_ -= static_cast<int64_t>(j.gpus) * started_[job];
  ++epoch_[job];  // its pending end event is now stale
  ended_ = true;
  // The run began with any restart it owed; then work, kept up to the last
  // checkpoint, the rest lost.
  const Seconds restart_end = std::min(t, started_[job] + restart_in_run_[job]);
  restart_in_run_[job] = 0;
  if (restart_end > started_[job]) {
    if (auto s = Emit({job, Category::kRestart, started_[job], restart_end, j.gpus}); !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<Seconds> saved = EmitWork(job, restart_end, t, /*tail_lost=*/true);
  if (!saved.ok()) return saved.status();
  remaining_[job] -= *saved;
  Enqueue(job, t);
  return absl::OkStatus();
}

absl::Status Simulator::FailNode(const NodeFailure& f, Seconds t) {
  const int node = f.node;
  if (node < 0 || node >= cluster_.shape().nodes) return absl::OkStatus();
  if (absl::Status s = sink_->OnNodeFailure(t, f); !s.ok()) return s;
  const Seconds up = t + f.repair_seconds;
  if (spares_.count(node)) {
    // A spare fails: it is under repair instead of standing by.
    if (f.repair_seconds <= 0) return absl::OkStatus();
    spares_.erase(node);
    node_up_at_[node] = up;
    repairs_.insert({up, node});
    events_.Push(up, EventKind::kNodeUp, node, ++node_epoch_[node]);
    return absl::OkStatus();
  }
  if (cluster_.down(node)) {
    // Failing again while under repair: down until the later repair ends.
    if (up > node_up_at_[node]) {
      repairs_.erase({node_up_at_[node], node});
      node_up_at_[node] = up;
      repairs_.insert({up, node});
      events_.Push(up, EventKind::kNodeUp, node, ++node_epoch_[node]);
    }
    return absl::OkStatus();
  }
  on_failed_node_.clear();
  for (int job : running_) {
    for (const NodeRun& r : held_[job].parts) {
      if (node >= r.first && node < r.first + r.count) {
        on_failed_node_.push_back(job);
        break;
      }
    }
  }
  for (int job : on_failed_node_) {
    interrupted_[job] = true;  // before StopRun requeues it: it goes first
    if (f.planned) {
      ++times_[job].planned_interruptions;
      ++summary_.planned_interruptions;
    } else {
      ++times_[job].interruptions;
      ++summary_.interruptions;
    }
    if (absl::Status s = StopRun(job, t); !s.ok()) return s;
    restart_owed_[job] = options_.restart_seconds;  // after StopRun, which uses its estimate
    if (times_[job].interruptions + times_[job].planned_interruptions > kMaxInterruptionsPerJob) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "job \"", jobs_[job].id, "\" was interrupted ", kMaxInterruptionsPerJob,
          " times without finishing: its checkpoints are too far apart for its failure rate"));
    }
    if (absl::Status s = sink_->OnJobInterrupted(t, job, node); !s.ok()) return s;
  }
  if (f.repair_seconds <= 0) return absl::OkStatus();  // back at once
  if (!spares_.empty()) {
    // A spare takes the failed node's place at once, so interrupted jobs
    // (at the head of the queue) need not wait for the repair.
    cluster_.MarkUp(*spares_.begin());
    spares_.erase(spares_.begin());
  }
  cluster_.MarkDown(node);
  node_up_at_[node] = up;
  repairs_.insert({up, node});
  events_.Push(up, EventKind::kNodeUp, node, ++node_epoch_[node]);
  ended_ = true;
  return absl::OkStatus();
}

absl::Status Simulator::Schedule(Seconds t) {
  absl::Status s;
  switch (options_.policy) {
    case Policy::kFcfs: s = StartFromHead(t); break;
    case Policy::kEasy:
      s = StartFromHead(t);
      if (s.ok() && !waiting_.empty()) s = EasyBackfill(t);
      break;
    case Policy::kConservative: s = ConservativeBackfill(t); break;
    case Policy::kPriority: s = PriorityPass(t); break;
  }
  if (s.ok() && options_.on_demand) {
    // Jobs leaving the queue for on-demand capacity may unblock it: give the
    // cluster's policy another look.
    absl::StatusOr<bool> burst = BurstPass(t);
    if (!burst.ok()) return burst.status();
    if (*burst && !waiting_.empty()) {
      arrived_.clear();
      for (const QueueKey& k : waiting_) arrived_.push_back(JobOf(k));
      ended_ = true;
      easy_valid_ = false;
      return Schedule(t);
    }
  }
  arrived_.clear();
  ended_ = false;
  return s;
}

absl::Status Simulator::StartFromHead(Seconds t) {
  while (!waiting_.empty()) {
    const int head = JobOf(*waiting_.begin());
    if (!cluster_.AllocateInto(jobs_[head].gpus, &held_[head])) break;
    if (absl::Status s = Start(head, t); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Simulator::EasyBackfill(Seconds t) {
  const int head = JobOf(*waiting_.begin());
  const int64_t need = jobs_[head].gpus;
  // With no end since the last pass and the same head, the shadow time and
  // extra GPUs are what that pass left, and every job it examined would be
  // refused again (it can only have fewer GPUs and less time): only the jobs
  // that joined the queue since need a look. Exact, and keeps a pass at the
  // cost of the jobs it examines.
  const bool incremental =
      easy_valid_ && !ended_ && easy_head_ == head && options_.backfill_depth < 0;
  if (!incremental) {
    int64_t avail = cluster_.free_gpus();
    if (repairs_.empty()) {
      auto it = running_by_estimated_end_.begin();
      for (; it != running_by_estimated_end_.end(); ++it) {
        avail += jobs_[it->second].gpus;
        if (avail >= need) break;
      }
      if (it == running_by_estimated_end_.end()) {
        easy_valid_ = false;
        return absl::OkStatus();
      }
      easy_shadow_ = it->first;
      // Every running job whose estimated end is at or before the shadow time.
      for (++it; it != running_by_estimated_end_.end() && it->first == easy_shadow_; ++it) {
        avail += jobs_[it->second].gpus;
      }
    } else {
      // Nodes under repair come back too: GPUs free up at running jobs'
      // estimated ends and at repair ends, in time order.
      frees_.clear();
      for (const auto& [end, job] : running_by_estimated_end_) frees_.push_back({end, jobs_[job].gpus});
      AddRepairReturns(&frees_);
      std::sort(frees_.begin(), frees_.end());
      size_t i = 0;
      for (; i < frees_.size(); ++i) {
        avail += frees_[i].second;
        if (avail >= need) break;
      }
      if (i == frees_.size()) {
        easy_valid_ = false;
        return absl::OkStatus();
      }
      easy_shadow_ = frees_[i].first;
      for (++i; i < frees_.size() && frees_[i].first == easy_shadow_; ++i) avail += frees_[i].second;
    }
    easy_extra_ = avail - need;
    easy_head_ = head;
    easy_valid_ = true;
    if (times_[head].reservation < 0) times_[head].reservation = easy_shadow_;
  }

  auto consider = [&](int job) -> absl::StatusOr<bool> {
    const int gpus = jobs_[job].gpus;
    if (!cluster_.Fits(gpus)) return false;
    const bool ends_by_shadow = t + Estimate(job) <= easy_shadow_;
    if (!ends_by_shadow && gpus > easy_extra_) return false;
    if (!ends_by_shadow) easy_extra_ -= gpus;
    cluster_.AllocateInto(gpus, &held_[job]);
    if (absl::Status s = Start(job, t); !s.ok()) return s;
    return true;
  };

  if (incremental) {
    fresh_.clear();
    for (int job : arrived_) {
      if (job != head && waiting_.count(Key(job))) fresh_.push_back(Key(job));
    }
    std::sort(fresh_.begin(), fresh_.end());
    for (const QueueKey& k : fresh_) {
      if (cluster_.free_gpus() == 0) break;
      if (absl::StatusOr<bool> r = consider(JobOf(k)); !r.ok()) return r.status();
    }
    return absl::OkStatus();
  }
  int examined = 0;
  for (auto w = std::next(waiting_.begin()); w != waiting_.end();) {
    if (cluster_.free_gpus() == 0) break;  // nothing else can fit now
    if (options_.backfill_depth >= 0 && examined >= options_.backfill_depth) break;
    ++examined;
    const int job = JobOf(*w);
    ++w;  // Start erases `job` from the queue; move on first
    if (absl::StatusOr<bool> r = consider(job); !r.ok()) return r.status();
  }
  return absl::OkStatus();
}

absl::Status Simulator::ConservativeBackfill(Seconds t) {
  // The profile of free GPUs from the running jobs' estimated ends.
  Profile profile = {{t, cluster_.free_gpus()}};
  frees_.clear();
  for (const auto& [end, job] : running_by_estimated_end_) frees_.push_back({end, jobs_[job].gpus});
  if (!repairs_.empty()) {
    AddRepairReturns(&frees_);  // nodes under repair come back too
    std::sort(frees_.begin(), frees_.end());
  }
  for (const auto& [end, gpus] : frees_) {
    if (profile.back().first == end) {
      profile.back().second += gpus;
    } else {
      profile.push_back({end, profile.back().second + gpus});
    }
  }
  std::vector<int> start_now;
  int examined = 0;
  for (const QueueKey& k : waiting_) {
    if (options_.backfill_depth >= 0 && examined > options_.backfill_depth) break;
    ++examined;
    const int job = JobOf(k);
    if (profile.back().second < jobs_[job].gpus) continue;  // cannot fit until nodes return
    const size_t i = EarliestFit(profile, jobs_[job].gpus, Estimate(job));
    const Seconds at = profile[i].first;
    if (times_[job].reservation < 0) times_[job].reservation = at;
    Reserve(&profile, i, jobs_[job].gpus, Estimate(job));
    if (at == t) start_now.push_back(job);
  }
  for (int job : start_now) {
    // Node fragmentation can refuse it: it keeps its reservation.
    if (!cluster_.AllocateInto(jobs_[job].gpus, &held_[job])) continue;
    if (absl::Status s = Start(job, t); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Simulator::PriorityPass(Seconds t) {
  while (!waiting_.empty()) {
    const int head = JobOf(*waiting_.begin());
    const int gpus = jobs_[head].gpus;
    if (cluster_.AllocateInto(gpus, &held_[head])) {
      if (absl::Status s = Start(head, t); !s.ok()) return s;
      continue;
    }
    // Which strictly lower-priority jobs, taken in victim order, make room?
    // Release them one by one; if that is not enough, take their GPUs back,
    // so nobody is stopped for nothing.
    chosen_.clear();
    for (const auto& [priority, neg_start, neg_job] : victims_) {
      if (priority >= jobs_[head].priority || cluster_.Fits(gpus)) break;
      cluster_.Release(held_[-neg_job]);
      chosen_.push_back(-neg_job);
    }
    const bool room = cluster_.Fits(gpus);
    for (auto it = chosen_.rbegin(); it != chosen_.rend(); ++it) cluster_.Reclaim(held_[*it]);
    if (!room) break;  // the head waits, and so does everyone behind it
    for (int victim : chosen_) {
      if (absl::Status s = Preempt(victim, t); !s.ok()) return s;
    }
    cluster_.AllocateInto(gpus, &held_[head]);
    if (absl::Status s = Start(head, t); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Simulator::StopAt(Seconds t) {
  if (t < now_ || (!done() && t >= next_event_time())) {
    return absl::InvalidArgumentError(absl::StrCat("cannot stop at ", t, ": replay is at ", now_,
                                                   ", next event ",
                                                   done() ? -1 : next_event_time()));
  }
  if (absl::Status s = EmitCapacityUntil(t); !s.ok()) return s;
  for (int job : running_) {
    if (absl::Status s = EmitRunUntil(job, t); !s.ok()) return s;
  }
  for (int job : on_demand_running_) {
    if (absl::Status s = EmitRunUntil(job, t); !s.ok()) return s;
  }
  running_.clear();
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

std::vector<std::pair<int, Seconds>> Simulator::RunningSince() const {
  std::vector<std::pair<int, Seconds>> out;
  for (int job : running_) out.push_back({job, started_[job]});
  return out;
}

int64_t Simulator::BusyGpuSecondsThrough(Seconds t) const {
  return summary_.busy_gpu_seconds + running_gpus_ * t - running_gpu_starts_;
}

absl::StatusOr<RunSummary> Simulator::Finish() const {
  if (stopped_) {
    return absl::FailedPreconditionError(absl::StrCat("the replay was stopped at ", now_));
  }
  if (summary_.jobs_completed < jobs_total()) {
    // Create refuses cycles, so this is a scheduler bug, not bad input.
    return absl::InternalError(absl::StrCat(jobs_total() - summary_.jobs_completed,
                                            " jobs never ran"));
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

#include "scheduler/simulator.h"

#include <algorithm>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"

namespace gpuledger::scheduler {
namespace {

absl::Status CheckJobs(const ClusterShape& shape,
                       const std::vector<JobSpec>& jobs) {
  if (shape.nodes <= 0 || shape.gpus_per_node <= 0) {
    return absl::InvalidArgumentError("cluster has no GPUs");
  }
  const int n = static_cast<int>(jobs.size());
  for (const JobSpec& j : jobs) {
    const std::string who = absl::StrCat("job \"", j.id, "\": ");
    if (j.gpus <= 0) return absl::InvalidArgumentError(who + "gpus must be positive");
    if (j.gpus > shape.total_gpus()) {
      return absl::InvalidArgumentError(absl::StrCat(
          who, "needs ", j.gpus, " GPUs, the cluster has ", shape.total_gpus()));
    }
    if (j.gpus > shape.gpus_per_node && j.gpus % shape.gpus_per_node != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          who, j.gpus, " GPUs is not a whole number of ", shape.gpus_per_node,
          "-GPU nodes"));
    }
    if (j.run_seconds <= 0) return absl::InvalidArgumentError(who + "run time must be positive");
    for (int d : j.after) {
      if (d < 0 || d >= n) return absl::InvalidArgumentError(who + "dependency out of range");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<FcfsSimulator>> FcfsSimulator::Create(
    const ClusterShape& shape, std::vector<JobSpec> jobs, Sink* sink) {
  if (absl::Status s = CheckJobs(shape, jobs); !s.ok()) return s;
  return std::unique_ptr<FcfsSimulator>(new FcfsSimulator(shape, std::move(jobs), sink));
}

FcfsSimulator::FcfsSimulator(const ClusterShape& shape, std::vector<JobSpec> jobs, Sink* sink)
    : jobs_(std::move(jobs)),
      sink_(sink),
      cluster_(shape),
      deps_left_(jobs_.size()),
      dependents_(jobs_.size()),
      submitted_(jobs_.size(), false),
      started_(jobs_.size(), 0),
      held_(jobs_.size()) {
  const int n = static_cast<int>(jobs_.size());
  for (int i = 0; i < n; ++i) {
    deps_left_[i] = static_cast<int>(jobs_[i].after.size());
    for (int d : jobs_[i].after) dependents_[d].push_back(i);
    events_.Push(jobs_[i].submit, EventKind::kJobSubmit, i);
    summary_.start = i == 0 ? jobs_[i].submit : std::min(summary_.start, jobs_[i].submit);
  }
  now_ = summary_.start;
}

absl::Status FcfsSimulator::RunUntil(Seconds t) {
  while (!events_.empty() && events_.NextTime() <= t) {
    if (absl::Status s = ApplyInstant(events_.NextTime()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status FcfsSimulator::ApplyInstant(Seconds t) {
  // GPUs left free since the last instant were idle until now.
  if (t > now_ && cluster_.free_gpus() > 0) {
    UsageInterval idle{-1, Category::kIdle, now_, t, cluster_.free_gpus()};
    summary_.idle_gpu_seconds += idle.gpu_seconds();
    if (absl::Status s = sink_->OnUsage(idle); !s.ok()) return s;
  }
  now_ = t;

  // Apply everything that happens at this instant, ends before arrivals.
  while (!events_.empty() && events_.NextTime() == t) {
    const Event e = events_.Pop();
    const JobSpec& job = jobs_[e.job];
    if (e.kind == EventKind::kJobEnd) {
      cluster_.Release(held_[e.job]);
      running_.erase(e.job);
      running_gpus_ -= job.gpus;
      running_gpu_starts_ -= static_cast<int64_t>(job.gpus) * started_[e.job];
      UsageInterval used{e.job, Category::kProductive, started_[e.job], t, job.gpus};
      summary_.busy_gpu_seconds += used.gpu_seconds();
      ++summary_.jobs_completed;
      if (absl::Status s = sink_->OnUsage(used); !s.ok()) return s;
      if (absl::Status s = sink_->OnJobEnd(t, e.job); !s.ok()) return s;
      for (int d : dependents_[e.job]) {
        if (--deps_left_[d] == 0 && submitted_[d]) {
          waiting_.insert({-jobs_[d].priority, jobs_[d].submit, d});
        }
      }
    } else {
      submitted_[e.job] = true;
      if (deps_left_[e.job] == 0) waiting_.insert({-job.priority, job.submit, e.job});
    }
  }

  // Decision point: start from the head while the head fits.
  while (!waiting_.empty()) {
    const int head = std::get<2>(*waiting_.begin());
    std::optional<Allocation> a = cluster_.Allocate(jobs_[head].gpus);
    if (!a) break;
    waiting_.erase(waiting_.begin());
    started_[head] = t;
    running_.insert(head);
    held_[head] = std::move(*a);
    running_gpus_ += jobs_[head].gpus;
    running_gpu_starts_ += static_cast<int64_t>(jobs_[head].gpus) * t;
    if (absl::Status s = sink_->OnJobStart(t, head, held_[head]); !s.ok()) return s;
    events_.Push(t + jobs_[head].run_seconds, EventKind::kJobEnd, head);
  }
  summary_.end = t;
  return absl::OkStatus();
}

absl::Status FcfsSimulator::StopAt(Seconds t) {
  if (t < now_ || (!events_.empty() && t >= events_.NextTime())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot stop at ", t, ": replay is at ", now_, ", next event ",
        events_.empty() ? -1 : events_.NextTime()));
  }
  if (t > now_ && cluster_.free_gpus() > 0) {
    UsageInterval idle{-1, Category::kIdle, now_, t, cluster_.free_gpus()};
    summary_.idle_gpu_seconds += idle.gpu_seconds();
    if (absl::Status s = sink_->OnUsage(idle); !s.ok()) return s;
  }
  for (int job : running_) {
    UsageInterval used{job, Category::kProductive, started_[job], t, jobs_[job].gpus};
    if (used.gpu_seconds() == 0) continue;
    summary_.busy_gpu_seconds += used.gpu_seconds();
    if (absl::Status s = sink_->OnUsage(used); !s.ok()) return s;
  }
  running_.clear();
  running_gpus_ = 0;
  running_gpu_starts_ = 0;
  now_ = t;
  summary_.end = t;
  events_.Clear();
  stopped_ = true;
  return absl::OkStatus();
}

int64_t FcfsSimulator::BusyGpuSecondsThrough(Seconds t) const {
  return summary_.busy_gpu_seconds + running_gpus_ * t - running_gpu_starts_;
}

absl::StatusOr<RunSummary> FcfsSimulator::Finish() const {
  if (stopped_) {
    return absl::FailedPreconditionError(absl::StrCat("the replay was stopped at ", now_));
  }
  if (summary_.jobs_completed < jobs_total()) {
    std::string stuck;
    for (int i = 0; i < jobs_total(); ++i) {
      if (deps_left_[i] > 0) {
        absl::StrAppend(&stuck, stuck.empty() ? "" : ", ", "\"", jobs_[i].id, "\"");
      }
    }
    return absl::FailedPreconditionError(
        absl::StrCat("jobs wait on each other in a cycle: ", stuck));
  }
  return summary_;
}

absl::StatusOr<RunSummary> SimulateFcfs(const ClusterShape& shape,
                                        const std::vector<JobSpec>& jobs,
                                        Sink* sink) {
  absl::StatusOr<std::unique_ptr<FcfsSimulator>> sim = FcfsSimulator::Create(shape, jobs, sink);
  if (!sim.ok()) return sim.status();
  if (absl::Status s = (*sim)->RunUntil(std::numeric_limits<Seconds>::max()); !s.ok()) return s;
  return (*sim)->Finish();
}

}  // namespace gpuledger::scheduler

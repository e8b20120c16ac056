#include "scheduler/simulator.h"

#include <algorithm>
#include <set>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "scheduler/cluster.h"
#include "scheduler/event_queue.h"

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

absl::StatusOr<RunSummary> SimulateFcfs(const ClusterShape& shape,
                                        const std::vector<JobSpec>& jobs,
                                        Sink* sink) {
  if (absl::Status s = CheckJobs(shape, jobs); !s.ok()) return s;
  const int n = static_cast<int>(jobs.size());

  Cluster cluster(shape);
  EventQueue events;
  std::vector<int> deps_left(n);
  std::vector<std::vector<int>> dependents(n);
  std::vector<bool> submitted(n, false);
  std::vector<Seconds> started(n, 0);
  std::vector<Allocation> held(n);

  RunSummary summary;
  summary.start = 0;
  for (int i = 0; i < n; ++i) {
    deps_left[i] = static_cast<int>(jobs[i].after.size());
    for (int d : jobs[i].after) dependents[d].push_back(i);
    events.Push(jobs[i].submit, EventKind::kJobSubmit, i);
    summary.start = i == 0 ? jobs[i].submit : std::min(summary.start, jobs[i].submit);
  }

  // Waiting queue key: (-priority, submit, index): the head is begin().
  using Key = std::tuple<int, Seconds, int>;
  std::set<Key> waiting;
  auto enqueue = [&](int i) { waiting.insert({-jobs[i].priority, jobs[i].submit, i}); };

  Seconds now = summary.start;
  while (!events.empty()) {
    const Seconds t = events.NextTime();
    // GPUs left free since the last instant were idle until now.
    if (t > now && cluster.free_gpus() > 0) {
      UsageInterval idle{-1, Category::kIdle, now, t, cluster.free_gpus()};
      summary.idle_gpu_seconds += idle.gpu_seconds();
      if (absl::Status s = sink->OnUsage(idle); !s.ok()) return s;
    }
    now = t;

    // Apply everything that happens at this instant, ends before arrivals.
    while (!events.empty() && events.NextTime() == t) {
      const Event e = events.Pop();
      const JobSpec& job = jobs[e.job];
      if (e.kind == EventKind::kJobEnd) {
        cluster.Release(held[e.job]);
        UsageInterval used{e.job, Category::kProductive, started[e.job], t, job.gpus};
        summary.busy_gpu_seconds += used.gpu_seconds();
        ++summary.jobs_completed;
        if (absl::Status s = sink->OnUsage(used); !s.ok()) return s;
        if (absl::Status s = sink->OnJobEnd(t, e.job); !s.ok()) return s;
        for (int d : dependents[e.job]) {
          if (--deps_left[d] == 0 && submitted[d]) enqueue(d);
        }
      } else {
        submitted[e.job] = true;
        if (deps_left[e.job] == 0) enqueue(e.job);
      }
    }

    // Decision point: start from the head while the head fits.
    while (!waiting.empty()) {
      const int head = std::get<2>(*waiting.begin());
      std::optional<Allocation> a = cluster.Allocate(jobs[head].gpus);
      if (!a) break;
      waiting.erase(waiting.begin());
      started[head] = t;
      held[head] = std::move(*a);
      if (absl::Status s = sink->OnJobStart(t, head, held[head]); !s.ok()) return s;
      events.Push(t + jobs[head].run_seconds, EventKind::kJobEnd, head);
    }
  }
  summary.end = now;

  if (summary.jobs_completed < n) {
    std::string stuck;
    for (int i = 0; i < n; ++i) {
      if (deps_left[i] > 0) absl::StrAppend(&stuck, stuck.empty() ? "" : ", ", "\"", jobs[i].id, "\"");
    }
    return absl::FailedPreconditionError(
        absl::StrCat("jobs wait on each other in a cycle: ", stuck));
  }
  return summary;
}

}  // namespace gpuledger::scheduler

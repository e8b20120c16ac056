// On-demand capacity beside the cluster: which waiting jobs burst to it.
#include "scheduler/simulator_impl.h"

#include <algorithm>
#include <limits>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace gpuledger::scheduler {

absl::StatusOr<bool> SimulatorImpl::BurstPass(Seconds t) {
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

}  // namespace gpuledger::scheduler

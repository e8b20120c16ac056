// Validation of a replay's jobs (Simulator::Create) and the policy names.
#include "scheduler/simulator_impl.h"

#include <algorithm>
#include <limits>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace gpuledger::scheduler {

namespace {

// Jobs that wait on each other in a cycle would never run: find them
// before anything runs (Kahn's algorithm; what is left is on a cycle or
// waits for one).
absl::Status CheckNoCycles(const std::vector<JobSpec>& jobs) {
  const int n = static_cast<int>(jobs.size());
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
      if (waiting_on[i] > 0)
        absl::StrAppend(&stuck, stuck.empty() ? "" : ", ", "\"", jobs[i].id, "\"");
    }
    return absl::InvalidArgumentError(absl::StrCat("jobs wait on each other in a cycle: ", stuck));
  }
  return absl::OkStatus();
}

}  // namespace

bool FitsPool(const PoolSpec& pool, int gpus) {
  const ClusterShape& shape = pool.shape;
  const int64_t in_service = static_cast<int64_t>(shape.nodes - pool.spare_nodes) *
                             shape.gpus_per_node;
  return gpus > 0 && gpus <= in_service &&
         (gpus <= shape.gpus_per_node || gpus % shape.gpus_per_node == 0);
}

void AppendPoolChoices(const std::vector<PoolSpec>& pools, const JobSpec& j,
                       std::vector<PoolChoice>* out) {
  if (!j.pools.empty()) {
    for (PoolChoice c : j.pools) {
      if (c.estimate <= 0) c.estimate = c.run_seconds;
      out->push_back(c);
    }
    return;
  }
  const Seconds requested = j.estimate > 0 ? j.estimate : j.run_seconds;
  for (int p = 0; p < static_cast<int>(pools.size()); ++p) {
    if (FitsPool(pools[p], j.gpus)) out->push_back({p, j.run_seconds, requested});
  }
}

namespace {

absl::Status CheckOptions(const SchedulerOptions& options) {
  if (options.on_demand_cap_gpus < 0 || options.burst_after_seconds < 0 ||
      options.provisioning_seconds < 0) {
    return absl::InvalidArgumentError(
        "on-demand cap, burst wait and provisioning time must not be negative");
  }
  if (!(options.spot_interruptions_per_node_day >= 0) ||
      options.spot_interruptions_per_node_day > kMaxSpotInterruptionsPerNodeDay ||
      options.spot_notice_seconds < 0 || options.spot_notice_seconds > kMaxSpotNoticeSeconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        "spot interruptions per node-day must be in [0, ", kMaxSpotInterruptionsPerNodeDay,
        "] and spot notice in [0, ", kMaxSpotNoticeSeconds, "] seconds"));
  }
  return absl::OkStatus();
}

// The pools a job names: in range, each once, the job fits each, and a
// run time and estimate there.
absl::Status CheckChoices(const std::vector<PoolSpec>& pools, const JobSpec& j) {
  const std::string who = absl::StrCat("job \"", j.id, "\": ");
  const int count = static_cast<int>(pools.size());
  std::vector<bool> named(count, false);
  for (const PoolChoice& c : j.pools) {
    if (c.pool < 0 || c.pool >= count) {
      return absl::InvalidArgumentError(
          absl::StrCat(who, "pool ", c.pool, " out of range (the cluster has ", count, ")"));
    }
    const PoolSpec& p = pools[c.pool];
    const std::string on = absl::StrCat(who, "on pool \"", p.name, "\": ");
    if (named[c.pool]) return absl::InvalidArgumentError(on + "named twice");
    named[c.pool] = true;
    if (!FitsPool(p, j.gpus)) {
      return absl::InvalidArgumentError(absl::StrCat(
          on, j.gpus, " GPUs do not fit its ",
          (p.shape.nodes - p.spare_nodes) * p.shape.gpus_per_node, " GPUs in service of ",
          p.shape.gpus_per_node, "-GPU nodes (part of one node or whole nodes)"));
    }
    if (c.run_seconds <= 0 || c.run_seconds > kMaxSimulatedSeconds) {
      return absl::InvalidArgumentError(
          absl::StrCat(on, "run time must be in [1, ", kMaxSimulatedSeconds, "]"));
    }
    if (c.estimate != 0 && (c.estimate < c.run_seconds || c.estimate > kMaxSimulatedSeconds)) {
      return absl::InvalidArgumentError(
          absl::StrCat(on, "estimate must be from the run time to ", kMaxSimulatedSeconds));
    }
  }
  return absl::OkStatus();
}

// A cluster of several pools: each pool, and each job's pools.
absl::Status CheckPools(const std::vector<PoolSpec>& pools, const std::vector<JobSpec>& jobs,
                        const SchedulerOptions& options) {
  if (options.on_demand) {
    return absl::InvalidArgumentError("on-demand capacity needs a cluster of one pool");
  }
  const int64_t max_nodes = 10'000'000;  // as the plan's bound on GPUs
  int64_t nodes = 0;
  Seconds latest_open = 0;
  for (const PoolSpec& p : pools) {
    const std::string who = absl::StrCat("pool \"", p.name, "\": ");
    if (p.shape.gpus_per_node <= 0 || p.shape.nodes <= 0 || p.shape.pod_nodes < 0) {
      return absl::InvalidArgumentError(who + "has no GPUs");
    }
    nodes += p.shape.nodes;
    if (nodes > max_nodes) {
      return absl::InvalidArgumentError(
          absl::StrCat("the pools have more than ", max_nodes, " nodes"));
    }
    if (p.spare_nodes < 0 || (p.spare_nodes > 0 && p.spare_nodes >= p.shape.nodes)) {
      return absl::InvalidArgumentError(absl::StrCat(
          who, "spare nodes must be at least 0 and fewer than its ", p.shape.nodes,
          " nodes, got ", p.spare_nodes));
    }
    if (p.restart_seconds < 0 || p.restart_seconds > kMaxSimulatedSeconds) {
      return absl::InvalidArgumentError(
          absl::StrCat(who, "restart time must be in [0, ", kMaxSimulatedSeconds, "]"));
    }
    if (p.available_from < 0 || p.available_from > kMaxSimulatedSeconds ||
        p.retired_at <= p.available_from) {
      return absl::InvalidArgumentError(absl::StrCat(
          who, "must open at a time in [0, ", kMaxSimulatedSeconds,
          "] and retire after it opens (opens ", p.available_from, ", retires ",
          p.retired_at, ")"));
    }
    latest_open = std::max(latest_open, p.available_from);
  }
  // A job may wait for its pool to open, then run after every other.
  if (latest_open + SerialBound(jobs) > kMaxSimulatedSeconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the jobs could run past simulated second ", kMaxSimulatedSeconds,
        " (about 3,169 years: the last pool to open plus the last arrival plus every run one "
        "after another), the longest replay gpuledger represents"));
  }
  for (const JobSpec& j : jobs) {
    const std::string who = absl::StrCat("job \"", j.id, "\": ");
    if (j.pools.empty()) {
      bool fits = false;
      for (const PoolSpec& p : pools) fits = fits || FitsPool(p, j.gpus);
      if (!fits) {
        std::string sizes;
        for (const PoolSpec& p : pools) {
          absl::StrAppend(&sizes, sizes.empty() ? "" : ", ", "\"", p.name, "\" ",
                          (p.shape.nodes - p.spare_nodes) * p.shape.gpus_per_node, " of ",
                          p.shape.gpus_per_node, "-GPU nodes");
        }
        return absl::InvalidArgumentError(absl::StrCat(
            who, j.gpus, " GPUs fit no pool in service (", sizes,
            "; a gang runs within one pool, as part of one node or whole nodes)"));
      }
      continue;
    }
    if (absl::Status s = CheckChoices(pools, j); !s.ok()) return s;
  }
  // A job that could not start and end on any of its pools before they
  // retire, even at its arrival, would never run: refused now.
  for (const JobSpec& j : jobs) {
    std::vector<PoolChoice> choices;
    AppendPoolChoices(pools, j, &choices);
    bool can = false;
    std::string retire;
    for (const PoolChoice& c : choices) {
      const PoolSpec& p = pools[c.pool];
      const Seconds estimate = c.estimate;
      if (p.retired_at > kMaxSimulatedSeconds ||
          std::max(j.arrival(), p.available_from) + estimate <= p.retired_at) {
        can = true;
        break;
      }
      absl::StrAppend(&retire, retire.empty() ? "" : ", ", "\"", p.name, "\" serves [",
                      p.available_from, ", ", p.retired_at, ") s and it needs ", estimate, " s");
    }
    if (!can) {
      return absl::InvalidArgumentError(absl::StrCat(
          "job \"", j.id, "\": cannot start at its arrival (", j.arrival(),
          " s) and end on any of its pools before they retire (", retire, ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckJobs(const std::vector<PoolSpec>& pools, const std::vector<JobSpec>& jobs,
                       const SchedulerOptions& options) {
  if (pools.empty()) return absl::InvalidArgumentError("cluster has no pools");
  const bool one = pools.size() == 1;
  const ClusterShape& shape = pools[0].shape;
  const int spare_nodes = pools[0].spare_nodes;
  if (one && (shape.gpus_per_node <= 0 || shape.nodes < 0 ||
              (shape.nodes == 0 && !options.on_demand))) {
    return absl::InvalidArgumentError("cluster has no GPUs");
  }
  if (absl::Status s = CheckOptions(options); !s.ok()) return s;
  if (!one) {
    if (absl::Status s = CheckPools(pools, jobs, options); !s.ok()) return s;
  }
  if (one) {
    if (spare_nodes < 0 || (spare_nodes > 0 && spare_nodes >= shape.nodes)) {
      return absl::InvalidArgumentError(
          absl::StrCat("spare nodes must be at least 0 and fewer than the cluster's ",
                       shape.nodes, " nodes, got ", spare_nodes));
    }
    if (pools[0].available_from < 0 || pools[0].retired_at <= pools[0].available_from) {
      return absl::InvalidArgumentError("the cluster must retire after it opens");
    }
  }
  const int in_service = (shape.nodes - spare_nodes) * shape.gpus_per_node;
  const int n = static_cast<int>(jobs.size());
  for (const JobSpec& j : jobs) {
    if (j.submit < 0 || j.arrival() > kMaxSimulatedSeconds ||
        j.run_seconds > kMaxSimulatedSeconds || j.checkpoint_write_seconds > kMaxSimulatedSeconds) {
      return absl::InvalidArgumentError(absl::StrCat(
          "job \"", j.id, "\": submit and run times must be in [0, ", kMaxSimulatedSeconds, "]"));
    }
  }
  if (SerialBound(jobs) > kMaxSimulatedSeconds) {
    return absl::InvalidArgumentError(
        absl::StrCat("the jobs could run past simulated second ", kMaxSimulatedSeconds,
                     " (about 3,169 years: the last arrival plus every run one after another), the "
                     "longest replay gpuledger represents"));
  }
  for (const JobSpec& j : jobs) {
    const std::string who = absl::StrCat("job \"", j.id, "\": ");
    if (j.gpus <= 0) return absl::InvalidArgumentError(who + "gpus must be positive");
    if (one) {
      const bool fits_on_demand = options.on_demand && (options.on_demand_cap_gpus == 0 ||
                                                        j.gpus <= options.on_demand_cap_gpus);
      if (j.gpus > in_service && !fits_on_demand) {
        return absl::InvalidArgumentError(absl::StrCat(
            who, "needs ", j.gpus, " GPUs, the cluster has ", in_service,
            spare_nodes > 0 ? absl::StrCat(" besides its ", spare_nodes, " spare nodes") : "",
            options.on_demand
                ? absl::StrCat(" and on-demand capacity is capped at ", options.on_demand_cap_gpus)
                : ""));
      }
      if (j.gpus > shape.gpus_per_node && j.gpus % shape.gpus_per_node != 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            who, j.gpus, " GPUs is not a whole number of ", shape.gpus_per_node, "-GPU nodes"));
      }
      // One pool: a job's pools may only restate its own run time there.
      const Seconds requested = j.estimate > 0 ? j.estimate : j.run_seconds;
      if (!j.pools.empty() &&
          (j.pools.size() != 1 || j.pools[0].pool != 0 ||
           j.pools[0].run_seconds != j.run_seconds ||
           (j.pools[0].estimate > 0 ? j.pools[0].estimate : j.pools[0].run_seconds) != requested)) {
        return absl::InvalidArgumentError(
            who + "on a cluster of one pool, a job's pools can only be that pool at its own run "
                  "time and estimate");
      }
    }
    if (j.run_seconds <= 0) return absl::InvalidArgumentError(who + "run time must be positive");
    if (j.estimate != 0 && j.estimate < j.run_seconds) {
      return absl::InvalidArgumentError(who + "estimate is below the run time");
    }
    if (j.checkpoint_seconds < 0)
      return absl::InvalidArgumentError(who + "checkpoint interval is negative");
    if (j.checkpoint_write_seconds < 0) {
      return absl::InvalidArgumentError(who + "checkpoint write time is negative");
    }
    for (int d : j.after) {
      if (d < 0 || d >= n) return absl::InvalidArgumentError(who + "dependency out of range");
    }
  }
  return CheckNoCycles(jobs);
}

Seconds SerialBound(const std::vector<JobSpec>& jobs) {
  Seconds latest_submit = 0, serial = 0;
  for (const JobSpec& j : jobs) {
    latest_submit =
        std::max(latest_submit, std::clamp<Seconds>(j.arrival(), 0, kMaxSimulatedSeconds));
    // The longest of its run times, on whichever pool.
    Seconds longest = j.run_seconds;
    for (const PoolChoice& c : j.pools) longest = std::max(longest, c.run_seconds);
    const Seconds run = std::clamp<Seconds>(longest, 0, kMaxSimulatedSeconds);
    const Seconds write = std::clamp<Seconds>(j.checkpoint_write_seconds, 0, kMaxSimulatedSeconds);
    // Writes: at most one per interval of work, and one more cut short.
    const Seconds writes =
        j.checkpoint_seconds > 0
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
  return absl::InvalidArgumentError(
      absl::StrCat("unknown policy \"", name, "\"; use fcfs, easy, conservative or priority"));
}

const char* PolicyName(Policy policy) {
  switch (policy) {
    case Policy::kFcfs:
      return "fcfs";
    case Policy::kEasy:
      return "easy";
    case Policy::kConservative:
      return "conservative";
    case Policy::kPriority:
      return "priority";
  }
  return "unknown";
}

}  // namespace gpuledger::scheduler

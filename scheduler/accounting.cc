// The accounting of every GPU-second: each run's work, checkpoint writes,
// lost work and restarts, and the idle and down capacity between instants.
#include "scheduler/simulator_impl.h"

#include <algorithm>
#include <limits>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace gpuledger::scheduler {

Seconds SimulatorImpl::Checkpoints(int job, Seconds work) const {
  const JobSpec& j = jobs_[job];
  if (j.checkpoint_seconds <= 0 || j.checkpoint_write_seconds <= 0 || work <= 0) return 0;
  return (work - 1) / j.checkpoint_seconds;  // one after each full interval, none at the end
}

absl::Status SimulatorImpl::Emit(const UsageInterval& given) {
  UsageInterval u = given;
  if (u.job >= 0 && on_demand_[u.job]) {
    u.on_demand = true;
    summary_.on_demand_gpu_seconds += u.gpu_seconds();
  } else if (u.job >= 0) {
    u.pool = slot_[u.job] >= 0 ? Run(u.job).pool : 0;
  }
  if (u.category == Category::kProvisioning) summary_.provisioning_gpu_seconds += u.gpu_seconds();
  if (u.category == Category::kIdle) {
    summary_.idle_gpu_seconds += u.gpu_seconds();
  } else if (u.category == Category::kDown) {
    summary_.down_gpu_seconds += u.gpu_seconds();
  } else {
    summary_.busy_gpu_seconds += u.gpu_seconds();
    if (u.category == Category::kLost) {
      summary_.lost_gpu_seconds += u.gpu_seconds();
      if (u.on_demand) summary_.on_demand_lost_gpu_seconds += u.gpu_seconds();
    }
    if (u.category == Category::kRestart) summary_.restart_gpu_seconds += u.gpu_seconds();
    if (u.category == Category::kCheckpoint) summary_.checkpoint_gpu_seconds += u.gpu_seconds();
  }
  return sink_->OnUsage(u);
}

absl::Status SimulatorImpl::EmitCapacityUntil(Seconds t) {
  // On each pool in service, GPUs left free since the last instant, and
  // spares standing by, were idle until `t`; nodes under repair were down.
  // A pool not yet open or retired has no capacity.
  if (t <= now_) return absl::OkStatus();
  for (int p = 0; p < static_cast<int>(pools_.size()); ++p) {
    const PoolState& pool = pools_[p];
    if (!pool.open(now_)) continue;
    const int spare_gpus =
        static_cast<int>(pool.spares.size()) * pool.spec.shape.gpus_per_node;
    const int idle = pool.cluster.free_gpus() + spare_gpus;
    const int down = pool.cluster.down_gpus() - spare_gpus;
    if (idle > 0) {
      UsageInterval u{-1, Category::kIdle, now_, t, idle};
      u.pool = p;
      if (absl::Status s = Emit(u); !s.ok()) return s;
    }
    if (down > 0) {
      UsageInterval u{-1, Category::kDown, now_, t, down};
      u.pool = p;
      if (absl::Status s = Emit(u); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Seconds> SimulatorImpl::EmitRunStart(int job, Seconds t) {
  // The run began with its machines coming up (on demand), then any restart
  // it owed.
  const RunSlot& run = Run(job);
  const Seconds up = std::min(t, run.started + run.provisioning_in_run);
  if (up > run.started) {
    if (auto s = Emit({job, Category::kProvisioning, run.started, up, jobs_[job].gpus}); !s.ok()) {
      return s;
    }
  }
  const Seconds restart_end = std::min(t, up + run.restart_in_run);
  if (restart_end > up) {
    if (auto s = Emit({job, Category::kRestart, up, restart_end, jobs_[job].gpus}); !s.ok()) {
      return s;
    }
  }
  return restart_end;
}

absl::Status SimulatorImpl::EmitRunUntil(int job, Seconds t) {
  // The run's start, then work.
  absl::StatusOr<Seconds> work_from = EmitRunStart(job, t);
  if (!work_from.ok()) return work_from.status();
  return EmitWork(job, *work_from, t, /*tail_lost=*/false).status();
}

absl::StatusOr<Seconds> SimulatorImpl::EmitWork(int job, Seconds from, Seconds t, bool tail_lost) {
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
  return tail_lost ? saved : work;
}

std::vector<std::pair<int, Seconds>> SimulatorImpl::RunningSince() const {
  std::vector<std::pair<int, Seconds>> out;
  for (int job : RunningJobs()) out.push_back({job, Run(job).started});
  return out;
}

std::vector<int> SimulatorImpl::RunningJobs() const {
  // Rarely needed (failures, progress, stopping): sorted from the sets kept
  // by estimated end rather than kept in a second set.
  std::vector<int> jobs;
  for (const PoolState& pool : pools_) {
    for (const auto& [end, job] : pool.running_by_estimated_end) jobs.push_back(job);
  }
  std::sort(jobs.begin(), jobs.end());
  return jobs;
}

std::vector<int> SimulatorImpl::RunningJobs(int p) const {
  std::vector<int> jobs;
  const auto& running = pools_[p].running_by_estimated_end;
  jobs.reserve(running.size());
  for (const auto& [end, job] : running) jobs.push_back(job);
  std::sort(jobs.begin(), jobs.end());
  return jobs;
}

int64_t SimulatorImpl::BusyGpuSecondsThrough(Seconds t) const {
  return summary_.busy_gpu_seconds + running_gpus_ * t - running_gpu_starts_;
}

}  // namespace gpuledger::scheduler

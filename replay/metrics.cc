#include "replay/metrics.h"

#include <sys/stat.h>

#include <filesystem>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "report/format.h"

namespace gpuledger::replay {

v1::RunMetrics ComputeMetrics(const std::vector<scheduler::JobSpec>& jobs,
                              const std::vector<scheduler::JobTimes>& times,
                              const scheduler::RunSummary& summary, int capacity_gpus,
                              const std::map<std::string, int64_t>& skipped) {
  v1::RunMetrics m;
  std::vector<int64_t> waits;
  waits.reserve(jobs.size());
  double wait_sum = 0, slowdown_sum = 0, dependency_sum = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (times[i].end < 0) continue;
    // Ready once submitted and every dependency has ended: the wait is the
    // queueing delay from then, and the time before it is the dependencies'.
    int64_t ready = jobs[i].submit;
    for (int d : jobs[i].after) ready = std::max(ready, times[d].end);
    dependency_sum += static_cast<double>(ready - jobs[i].submit);
    const int64_t wait = times[i].first_start - ready;
    // On a mixed cluster, its run time on the pool that completed it.
    int64_t run_seconds = jobs[i].run_seconds;
    for (const scheduler::PoolChoice& c : jobs[i].pools) {
      if (c.pool == times[i].pool) run_seconds = c.run_seconds;
    }
    const double run = static_cast<double>(run_seconds);
    waits.push_back(wait);
    wait_sum += static_cast<double>(wait);
    // Bounded slowdown with a 10-second floor on the run time.
    slowdown_sum += std::max(1.0, (static_cast<double>(wait) + run) / std::max(run, 10.0));
  }
  m.set_jobs_done(static_cast<int>(waits.size()));
  for (const auto& [reason, n] : skipped) {
    (*m.mutable_skipped_by_reason())[reason] = n;
    m.set_jobs_skipped(m.jobs_skipped() + n);
  }
  const int64_t makespan = summary.end - summary.start;
  m.set_makespan_seconds(makespan);
  if (!waits.empty()) {
    const size_t n = waits.size();
    std::sort(waits.begin(), waits.end());
    m.set_wait_mean_seconds(wait_sum / static_cast<double>(n));
    m.set_wait_median_seconds(n % 2 == 1 ? static_cast<double>(waits[n / 2])
                                         : (waits[n / 2 - 1] + waits[n / 2]) / 2.0);
    // Nearest rank: the smallest wait with at least 95% of waits at or below it.
    const size_t rank = static_cast<size_t>(std::ceil(0.95 * static_cast<double>(n)));
    m.set_wait_p95_seconds(waits[std::max<size_t>(rank, 1) - 1]);
    m.set_bounded_slowdown_mean(slowdown_sum / static_cast<double>(n));
    m.set_dependency_wait_mean_seconds(dependency_sum / static_cast<double>(n));
  }
  // The run's own cluster only: GPU-seconds held on demand are not its use.
  if (capacity_gpus > 0) {
    m.set_utilization(
        makespan > 0
            ? static_cast<double>(summary.busy_gpu_seconds - summary.on_demand_gpu_seconds) /
                  (static_cast<double>(capacity_gpus) * static_cast<double>(makespan))
            : 0.0);
  }
  m.set_preemptions(summary.preemptions);
  m.set_lost_gpu_seconds(summary.lost_gpu_seconds);
  m.set_interruptions(summary.interruptions);
  m.set_planned_interruptions(summary.planned_interruptions);
  m.set_spot_interruptions(summary.spot_interruptions);
  m.set_spot_lost_gpu_seconds(summary.on_demand_lost_gpu_seconds);
  m.set_goodput(summary.goodput());
  m.set_checkpoint_gpu_seconds(summary.checkpoint_gpu_seconds);
  m.set_restart_gpu_seconds(summary.restart_gpu_seconds);
  return m;
}

absl::Status CheckScheduleOut(const std::string& path, const std::string& ledger) {
  if (absl::Status s = CheckOutputFile(path, ledger, "--schedule-out"); !s.ok()) return s;
  // Create (and remove) the file the schedule is written through: the
  // folder exists and may be written, before anything is replayed.
  const std::string tmp = path + ".partial";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--schedule-out: ", path, ": cannot write: ", std::strerror(errno)));
  }
  std::fclose(f);
  std::remove(tmp.c_str());
  return absl::OkStatus();
}

absl::Status CheckOutputFile(const std::string& path, const std::string& ledger,
                             absl::string_view flag) {
  struct stat out;
  if (::stat(path.c_str(), &out) != 0) {
    // A new file, but perhaps where the ledger (not yet created) will be.
    const auto where = [](const std::string& p) {
      std::error_code ec;
      const auto at = std::filesystem::weakly_canonical(std::filesystem::absolute(p, ec), ec);
      return ec ? std::filesystem::path() : at;
    };
    const auto file = where(path);
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      if (!file.empty() && file == where(ledger + suffix)) {
        return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, " is the ledger ", ledger,
                                                       suffix, "; writing there would destroy it"));
      }
    }
    return absl::OkStatus();
  }
  if (!S_ISREG(out.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, ": is not a regular file"));
  }
  // Writing over the ledger (or its WAL files) would destroy it.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    struct stat l;
    const std::string file = ledger + suffix;
    if (::stat(file.c_str(), &l) == 0 && l.st_dev == out.st_dev && l.st_ino == out.st_ino) {
      return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, " is the ledger ", ledger,
                                                     suffix, "; writing there would destroy it"));
    }
  }
  return absl::OkStatus();
}

absl::Status WriteScheduleCsv(const std::string& path, const std::vector<scheduler::JobSpec>& jobs,
                              const std::vector<scheduler::JobTimes>& times,
                              const std::vector<std::string>& pools) {
  // Written beside the target and renamed: a failed write leaves nothing.
  const std::string tmp = path + ".partial";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot write the schedule: ", std::strerror(errno)));
  }
  std::fputs(pools.empty() ? "job_id,submit,start,end,gpus\n" : "job_id,submit,start,end,gpus,pool\n",
             f);
  for (size_t i = 0; i < jobs.size(); ++i) {
    // Plan job ids are free text: quoted like every CSV field of ours.
    std::fprintf(f, "%s,%lld,%lld,%lld,%d", report::CsvField(jobs[i].id).c_str(),
                 static_cast<long long>(jobs[i].submit),
                 static_cast<long long>(times[i].last_start), static_cast<long long>(times[i].end),
                 jobs[i].gpus);
    if (!pools.empty()) {
      const int p = times[i].pool;
      std::fprintf(f, ",%s",
                   p >= 0 && static_cast<size_t>(p) < pools.size()
                       ? report::CsvField(pools[p]).c_str()
                       : "");
    }
    std::fputc('\n', f);
  }
  const bool failed = std::ferror(f) != 0;
  if (std::fclose(f) != 0 || failed || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    return absl::UnavailableError(
        absl::StrCat(path, ": writing the schedule failed: ", std::strerror(e)));
  }
  return absl::OkStatus();
}

}  // namespace gpuledger::replay

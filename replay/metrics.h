// Schedule metrics of a finished replay (docs/metrics.md gives each formula)
// and the per-job schedule as CSV.
#ifndef GPULEDGER_REPLAY_METRICS_H_
#define GPULEDGER_REPLAY_METRICS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gpuledger/v1/ledger_service.pb.h"
#include "scheduler/simulator.h"

namespace gpuledger::replay {

// Waits, slowdowns and utilization of the jobs that completed.
gpuledger::v1::RunMetrics ComputeMetrics(const std::vector<scheduler::JobSpec>& jobs,
                                         const std::vector<scheduler::JobTimes>& times,
                                         const scheduler::RunSummary& summary, int capacity_gpus,
                                         const std::map<std::string, int64_t>& skipped);

// Refuses an output path that is not a regular file or is the ledger
// `ledger` itself (or its WAL files): InvalidArgument naming `flag`.
absl::Status CheckOutputFile(const std::string& path, const std::string& ledger,
                             absl::string_view flag);

// Checks before a replay that the schedule can be written at `path` (its
// folder exists and is writable, and it is not the ledger): InvalidArgument
// naming --schedule-out.
absl::Status CheckScheduleOut(const std::string& path, const std::string& ledger);

// Writes `job_id,submit,start,end,gpus`, one row per job in job order; start
// is that of the run that completed the job. A mixed cluster's (`pools`,
// by index, not empty) adds `pool`: the pool of that run.
absl::Status WriteScheduleCsv(const std::string& path, const std::vector<scheduler::JobSpec>& jobs,
                              const std::vector<scheduler::JobTimes>& times,
                              const std::vector<std::string>& pools = {});

}  // namespace gpuledger::replay

#endif  // GPULEDGER_REPLAY_METRICS_H_

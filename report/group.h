// Run groups: N replays of one plan with seeds seed..seed+N-1 (Monte Carlo
// over failures), summarized as the mean and the 5th and 95th percentiles
// of each figure across the runs.
#ifndef GPULEDGER_REPORT_GROUP_H_
#define GPULEDGER_REPORT_GROUP_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gpuledger/v1/ledger_service.pb.h"
#include "ledger/store.h"

namespace gpuledger::report {

// One figure over a group's runs. Percentiles are nearest-rank: the
// smallest value with at least p% of the runs at or below it.
struct GroupStat {
  std::string name;  // "gpu_hours", "rental_usd", ..., "wall_clock_days:JOB"
  double mean = 0;
  double p5 = 0;
  double p95 = 0;
};

struct GroupReport {
  ledger::RunGroupRecord group;
  std::vector<ledger::RunRecord> runs;  // by seed
  double interruption_window_days = 0;  // the plan's, 0 if none
  // gpu_hours (held by jobs), rental_usd, owned_usd (the window, idle and
  // down included), interruptions, interruptions_per_window (with a
  // window), planned_interruptions, goodput, makespan_days, then
  // wall_clock_days:JOB (first start to end) for each job of plans of at
  // most kMaxJobsWithWallClock jobs.
  std::vector<GroupStat> stats;
  // The lowest and highest run id of the group (runs are by seed, and a
  // group's replays may finish, and so get their ids, in any order).
  int64_t first_run() const;
  int64_t last_run() const;
  // Each run's figures by name (the stats' names), in the order of `runs`.
  std::vector<std::map<std::string, double>> run_figures;
};

inline constexpr int kMaxJobsWithWallClock = 100;

// The figures of a group; FailedPrecondition while one of its runs is not
// complete, NotFound for an unknown group.
absl::StatusOr<GroupReport> BuildGroupReport(ledger::Ledger& ledger, int64_t group_id);

// Unexpected interruptions scaled to the plan's interruption window:
// interruptions x window / makespan; 0 without a window.
double InterruptionsPerWindow(const gpuledger::v1::RunMetrics& metrics);

// Nearest-rank percentile (0 < p <= 100) of `values`, which it sorts.
double NearestRank(std::vector<double>& values, double p);

}  // namespace gpuledger::report

#endif  // GPULEDGER_REPORT_GROUP_H_

// A run over simulated time, for pictures (the HTML report, web/): the
// cluster's GPU-seconds per time bucket and series, its cost per bucket in
// both views, and its jobs as bars. Every figure is an exact integer read
// from the ledger's entries and priced like the cost report (report/cost.h):
// each series summed over the buckets is its category's (or phase's)
// GPU-seconds in the report, and each view's costs summed over the buckets
// are the report's total, to the micro-dollar.
#ifndef GPULEDGER_REPORT_TIMELINE_H_
#define GPULEDGER_REPORT_TIMELINE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/store.h"
#include "report/cost.h"

namespace gpuledger::report {

// GPU-seconds of one series per bucket.
struct TimelineSeries {
  std::string name;      // a phase, a project, "productive", or a category
  std::string category;  // the ledger's category ("productive" for work)
  std::vector<int64_t> gpu_seconds;
};

// Micro-dollars of one part of a view's cost per bucket.
struct CostPart {
  std::string name;
  std::vector<int64_t> micro_usd;
};

// A job as a bar: from its first start to its end (-1: not ended in the
// window, drawn to the window's end).
struct JobBar {
  std::string job_id;
  std::string phase;
  std::string project;
  int gpus = 0;
  int64_t submit = 0;
  int64_t start = 0;
  int64_t end = 0;
  int64_t gpu_seconds = 0;  // every entry of the job, productive or not
};

struct RunTimeline {
  int64_t start = 0;           // the run's simulated start
  int64_t end = 0;             // and end
  int64_t bucket_seconds = 0;  // each bucket's length (the last may be shorter)
  int buckets = 0;
  // What productive work is split by: "phase" when the run has more than one
  // phase, else "project" when it has more than one project, else "" (one
  // series, "productive").
  std::string productive_by;
  // Work first (its series in first-appearance order), then checkpoint,
  // restart, lost, provisioning, running, idle and down: only series with
  // GPU-seconds.
  std::vector<TimelineSeries> usage;
  // Rental: what jobs' GPU-hours cost at the rental price.
  std::vector<int64_t> rental_micro_usd;
  // The owned view (a strategy's cost for a strategy run) in parts: the
  // cluster's capital and operations share of busy GPUs, their energy, idle
  // and down capacity, on-demand use, and the reserved term left after the
  // window (put in the last bucket). Only parts with money.
  std::vector<CostPart> owned;
  // The bars: every job when there are at most `max_bars`, else the
  // `max_bars` with the most GPU-seconds; in order of start.
  std::vector<JobBar> bars;
  int64_t jobs = 0;  // the run's jobs, shown or not

  int64_t BucketStart(int i) const { return start + i * bucket_seconds; }
  int64_t BucketEnd(int i) const { return std::min(end, start + (i + 1) * bucket_seconds); }
};

// The smallest of a fixed list of round lengths (a minute up to a year)
// that cuts `window_seconds` into at most `max_buckets` buckets.
int64_t BucketSeconds(int64_t window_seconds, int max_buckets);

// Builds the timeline of `report`'s run (a report grouped by category, read
// from `ledger`), reading its entries in pages. `in_flight`: for a run being
// replayed, its running jobs' usage not written yet (as report/cost.h); it
// joins the entries, so the report must have been built with it too.
absl::StatusOr<RunTimeline> BuildRunTimeline(
    ledger::Ledger& ledger, const CostReport& report, int max_buckets = 2000, int max_bars = 200,
    const std::vector<ledger::UsageRecord>* in_flight = nullptr);

}  // namespace gpuledger::report

#endif  // GPULEDGER_REPORT_TIMELINE_H_

// The self-contained HTML report of a run: headline figures as text, the
// category table as the table report prints it, and charts drawn in the
// browser by the embedded Vega-Lite from specs that carry their data (each
// a <script type="application/json" data-chart=ID> beside its <div
// id="chart-ID">, so a test reads what a chart shows). The page loads
// nothing: its Content-Security-Policy forbids every request.
#ifndef GPULEDGER_WEB_PAGE_H_
#define GPULEDGER_WEB_PAGE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/store.h"
#include "compare/compare.h"
#include "compare/sensitivity.h"
#include "report/cost.h"
#include "report/group.h"
#include "report/timeline.h"

namespace gpuledger::web {

// Where a page is shown: written to a file (the default: it loads nothing
// at all), or served by `gpuledger serve --http`, where it links to the
// server's index and, for `live_run` (a replay still running there), asks
// the server (its own origin only) for the replay's progress every second
// and reloads when the replay has ended.
struct PageContext {
  bool served = false;
  int64_t live_run = 0;
};

// The page of a run from its report by category and its timeline.
std::string RunPage(const report::CostReport& by_category, const report::RunTimeline& timeline,
                    const PageContext& context = {});

// Reads run `run_id` of `ledger` and writes its page; a run that is not
// complete is refused unless `allow_partial`, `pricing` reprices it, and
// `in_flight` (a run being replayed: its running jobs' usage not written
// yet) joins its entries (all as report/cost.h).
absl::StatusOr<std::string> RunPageOf(ledger::Ledger& ledger, int64_t run_id, bool allow_partial,
                                      const gpuledger::v1::Pricing* pricing = nullptr,
                                      const PageContext& context = {},
                                      const std::vector<ledger::UsageRecord>* in_flight = nullptr);

// The page of a run group from its report and each run's job events (in
// the order of its runs).
std::string GroupPage(const report::GroupReport& group,
                      const std::vector<std::vector<ledger::JobEvent>>& events,
                      const PageContext& context = {});
absl::StatusOr<std::string> GroupPageOf(ledger::Ledger& ledger, int64_t group_id,
                                        const PageContext& context = {});

// The page of a comparison (gpuledger compare): each strategy's cost
// stacked by what it paid for, and cost against makespan, from the
// comparison's results; `plan` names what was compared.
// `table`: the comparison table as printed when it ran ("": printed now).
// A dated comparison adds each strategy's cumulative cash; `sensitivity`
// (compare --vary) a tornado chart.
std::string ComparePage(const std::string& plan,
                        const std::vector<compare::StrategyResult>& results,
                        const PageContext& context = {}, const std::string& table = "",
                        const compare::Sensitivity* sensitivity = nullptr);
// The page of comparison `id` as the ledger keeps it (compare/).
absl::StatusOr<std::string> ComparisonPageOf(ledger::Ledger& ledger, int64_t id,
                                             const PageContext& context = {});

// The server's index: the ledger's runs (newest first), groups and
// comparisons, with links to their pages, and the replays running now (their progress
// refreshed from /api/progress).
std::string IndexPage(const std::string& ledger_path, const std::vector<ledger::RunRecord>& runs,
                      const std::vector<ledger::RunGroupRecord>& groups,
                      const std::vector<ledger::ComparisonRecord>& comparisons,
                      const std::map<int64_t, gpuledger::v1::ReplayProgress>& running);

// /api/progress: {"replays":[{"run":ID,"state":"running","sim_time_seconds":...,
// "jobs_done":...,"jobs_total":...,"gpu_seconds":...,"rental_micro_usd":...,
// "owned_micro_usd":...}, ...]}.
std::string ProgressJson(const std::map<int64_t, gpuledger::v1::ReplayProgress>& running);

}  // namespace gpuledger::web

#endif  // GPULEDGER_WEB_PAGE_H_

// The self-contained HTML report of a run: headline figures as text, the
// category table as the table report prints it, and charts drawn in the
// browser by the embedded Vega-Lite from specs that carry their data (each
// a <script type="application/json" data-chart=ID> beside its <div
// id="chart-ID">, so a test reads what a chart shows). The page loads
// nothing: its Content-Security-Policy forbids every request.
#ifndef GPULEDGER_WEB_PAGE_H_
#define GPULEDGER_WEB_PAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/store.h"
#include "compare/compare.h"
#include "report/cost.h"
#include "report/group.h"
#include "report/timeline.h"

namespace gpuledger::web {

// The page of a run from its report by category and its timeline.
std::string RunPage(const report::CostReport& by_category, const report::RunTimeline& timeline);

// Reads run `run_id` of `ledger` and writes its page; a run that is not
// complete is refused unless `allow_partial`, and `pricing` reprices it
// (both as report/cost.h).
absl::StatusOr<std::string> RunPageOf(ledger::Ledger& ledger, int64_t run_id, bool allow_partial,
                                      const gpuledger::v1::Pricing* pricing = nullptr);

// The page of a run group from its report and each run's job events (in
// the order of its runs).
std::string GroupPage(const report::GroupReport& group,
                      const std::vector<std::vector<ledger::JobEvent>>& events);
absl::StatusOr<std::string> GroupPageOf(ledger::Ledger& ledger, int64_t group_id);

// The page of a comparison (gpuledger compare): each strategy's cost
// stacked by what it paid for, and cost against makespan, from the
// comparison's results; `plan` names what was compared.
std::string ComparePage(const std::string& plan,
                        const std::vector<compare::StrategyResult>& results);

}  // namespace gpuledger::web

#endif  // GPULEDGER_WEB_PAGE_H_

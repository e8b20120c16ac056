// `gpuledger compare`: replays a plan under each way of getting its GPUs
// (strategies: owned, reserved, on-demand, hybrids) and prices each over a
// horizon. docs/compare.md gives every formula.
#ifndef GPULEDGER_COMPARE_COMPARE_H_
#define GPULEDGER_COMPARE_COMPARE_H_

#include <cstdint>
#include <optional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compare/cashflow.h"
#include "gpuledger/v1/plan.pb.h"
#include "ledger/store.h"
#include "pricing/strategy.h"
#include "scheduler/simulator.h"
#include "gpuledger/v1/ledger_service.pb.h"
#include "traces/plan.h"
#include "traces/strategies.h"

namespace gpuledger::compare {

struct CompareOptions {
  // Priced over this many seconds; unset: each strategy's own replay window.
  // A horizon shorter than a replay is stretched to it.
  std::optional<int64_t> horizon_seconds;
  scheduler::Policy policy = scheduler::Policy::kFcfs;
  int backfill_depth = -1;
  int64_t seed = 0;
  // Strategies may name pricing profile files (the CLI), or only shipped
  // profiles (requests over the network).
  bool allow_profile_files = true;
  // A dated plan's cash flow is discounted at this yearly rate.
  double discount_rate = 0;
  // Sensitivity cases (compare --vary): prices merged over every strategy's
  // own (after its profiles), and its capital (GPU, node, installation)
  // scaled.
  std::optional<gpuledger::v1::Pricing> pricing_over;
  double capital_scale = 1;
};

// One pool of a fleet strategy (Strategy.pools) over the horizon.
struct FleetPoolResult {
  std::string name, gpu;
  int gpus = 0;
  ledger::Pool capacity = ledger::Pool::kNone;  // owned or on demand
  int64_t available_from = 0;  // simulated seconds: in service from then
  int64_t retired_at = -1;     // until then; -1: the horizon
  int64_t total_micro_usd = 0;  // its part of the strategy's total
  int64_t capital_micro_usd = 0;
  int64_t busy_gpu_seconds = 0, productive_gpu_seconds = 0;
  int64_t held_gpu_seconds = 0;  // owned: GPUs x the part of the horizon it is held
};

struct StrategyResult {
  gpuledger::v1::Strategy strategy;
  ledger::Pool committed = ledger::Pool::kNone;  // owned, reserved or none
  int committed_gpus = 0;
  int64_t run_id = 0;           // the replay in the ledger
  int resized_jobs = 0;         // jobs shrunk to fit (same GPU-hours, longer)
  int64_t window_start = 0;     // simulated second of the first submission
  int64_t window_seconds = 0;   // the replay: first submission to last end
  int paid_gpus = 0;            // the committed pool, hot spares included
  int64_t horizon_seconds = 0;  // what the costs cover
  int64_t productive_gpu_seconds = 0;
  int64_t on_demand_gpu_seconds = 0;
  int64_t committed_busy_gpu_seconds = 0;
  int64_t on_demand_micro_usd = 0;
  int64_t committed_micro_usd = 0;  // over the horizon (reserved: whole terms), used or not
  int64_t capital_micro_usd = 0;    // owned: the purchase price of the pool
  int64_t total_micro_usd = 0;
  // Owned: the plan's share at the owned per-busy-GPU-hour rate, plus on
  // demand; otherwise the total.
  int64_t amortized_micro_usd = 0;
  double committed_utilization = 0;  // busy / (paid GPUs, hot spares included, x horizon)
  // Total over the horizon per productive GPU-hour; 0 without work.
  double UsdPerProductiveGpuHour() const {
    return pricing::UsdPerGpuHour(total_micro_usd, productive_gpu_seconds);
  }
  // Each phase's last job end, seconds from the window's start, plan order.
  std::vector<std::pair<std::string, int64_t>> phase_finish;
  // Owned: the utilization at which owning costs what on-demand renting
  // does; reserved: reserved rate / on-demand rate; NaN without committed
  // capacity; +inf if never.
  double breakeven_utilization = 0;
  // Owned: months of use at this strategy's utilization after which the
  // cash spent owning (capital, then energy, operations and cost of capital)
  // drops below renting the same GPU-hours on demand; +inf if never; NaN
  // otherwise.
  double breakeven_months = 0;
  // Spot (strategy.spot): runs whose machines were taken back, the work
  // they lost, what the discount saved against renting the same GPU-hours
  // on demand, and what the lost work cost at the spot price.
  int spot_interruptions = 0;
  int64_t spot_lost_gpu_seconds = 0;
  int64_t spot_saved_micro_usd = 0;
  int64_t spot_lost_micro_usd = 0;
  // A dated plan: month by month, what the strategy pays and receives.
  std::optional<CashFlow> cash;
  // A fleet strategy: each pool's figures, in the strategy's order (the
  // totals above are their sums).
  std::vector<FleetPoolResult> fleet;
  // Rents on demand: the strategy's overflow, or a fleet's rented pool.
  bool RentsOnDemand() const {
    if (strategy.on_demand()) return true;
    for (const FleetPoolResult& f : fleet) {
      if (f.capacity == ledger::Pool::kOnDemand) return true;
    }
    return false;
  }
};

// "own N, queue" for each size: the cost versus time-to-finish frontier.
std::vector<gpuledger::v1::Strategy> OwnSizeSweep(const std::vector<int>& gpus);

// "4y", "90d", "2000h", "3600s" (years of 365.25 days).
absl::StatusOr<int64_t> ParseHorizon(absl::string_view text);

// Checks every strategy (sizes, profiles) and each one's shaped workload
// against the scheduler, as CompareStrategies does before it replays, with
// no ledger: callers check first so bad input does not create the file.
absl::Status CheckStrategies(const traces::Workload& w,
                             const std::vector<gpuledger::v1::Strategy>& strategies,
                             const CompareOptions& o,
                             const std::vector<traces::StrategyPlace>& where);

// Replays `workload` under each strategy into `ledger` (one run each) and
// prices them. Checks every strategy before replaying any; messages start
// with the place of the field at fault in `where[i]` if given, else
// "strategy #i".
// The comparison is kept in the ledger too (a comparisons row holding
// ToResponse of the results), its id in `*comparison_id` if given; each
// strategy's run id is appended to `*replayed` as it is priced, so a caller
// can name what a comparison that stops part way has left in the ledger.
absl::StatusOr<std::vector<StrategyResult>> CompareStrategies(
    const traces::Workload& workload, const std::vector<gpuledger::v1::Strategy>& strategies,
    const CompareOptions& options, ledger::Ledger& ledger,
    const std::vector<traces::StrategyPlace>& where = {}, int64_t* comparison_id = nullptr,
    std::vector<int64_t>* replayed = nullptr);

// The results as the API's message, with the table and CSV as
// FormatComparison prints them; and one strategy's result back from its
// message (phase finishes then in phase-name order; the table keeps the
// plan's).
gpuledger::v1::CompareStrategiesResponse ToResponse(const std::vector<StrategyResult>& results);
StrategyResult FromComparison(const gpuledger::v1::StrategyComparison& c);

// Comparison `id` as the ledger keeps it (CompareStrategies wrote it):
// NotFound if there is none, DataLoss if its results do not parse.
absl::StatusOr<gpuledger::v1::CompareStrategiesResponse> KeptComparison(ledger::Ledger& ledger,
                                                                        int64_t id,
                                                                        std::string* plan_name);

// A table, or CSV with a header and one row per strategy.
std::string FormatComparison(const std::vector<StrategyResult>& results, absl::string_view format);

// A dated comparison's cash flow by month: a table per strategy, or CSV with
// one row per strategy and month; "" when no result has one.
std::string FormatCashFlow(const std::vector<StrategyResult>& results, absl::string_view format);

// A decimal number as people write one ("-0.25", "12", "0.5"): digits with
// at most one point inside them and an optional leading minus; no
// exponents, hexadecimal, spaces or signs elsewhere.
bool ParsePlainNumber(absl::string_view text, double* v);
// The same, or one followed by "%" (a hundredth of it): "8%" is 0.08.
bool ParseNumberOrPercent(absl::string_view text, double* v);

// "8%" or "0.08": a yearly rate in [0, 1].
absl::StatusOr<double> ParseRate(absl::string_view text);

}  // namespace gpuledger::compare

#endif  // GPULEDGER_COMPARE_COMPARE_H_

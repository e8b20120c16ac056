// The cost report of a run: its usage entries grouped and priced in the
// rental and owned views (the arithmetic is pricing/rates.h). Each view's
// total is its exact sum rounded once, half away from zero; the rows are that
// total split by MoneySplitter, so they add up to it exactly and each is
// within a micro-dollar of its exact amount.
#ifndef GPULEDGER_REPORT_COST_H_
#define GPULEDGER_REPORT_COST_H_

#include <cstdint>
#include <climits>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "gpuledger/v1/plan.pb.h"
#include "ledger/store.h"
#include "pricing/curve.h"
#include "pricing/rates.h"

namespace gpuledger::report {

struct CostRow {
  std::string group;
  int64_t gpu_seconds = 0;
  int64_t rental_micro_usd = 0;
  int64_t owned_micro_usd = 0;
  int64_t first_start = 0;  // simulated seconds: first use by the group
  int64_t last_end = 0;     // and its last
};

struct CostReport {
  ledger::RunRecord run;
  ledger::GroupBy group_by = ledger::GroupBy::kJob;
  // The groups in plan order, then "idle", then "down" if nodes were
  // repaired, then "unused term" for reserved capacity paid for after the
  // window (a strategy's reserved cluster, rounded up to whole terms).
  std::vector<CostRow> rows;
  CostRow total;       // the sum of `rows`, field by field
  CostRow jobs_total;  // the sum of the groups' rows (not idle, down or unused term)
  pricing::Rates rates;  // at the window's start
  // Prices that move (pricing::HasMovingPrices): the window's segments of
  // constant prices, each row charged at each segment's rates for the
  // GPU-seconds it held in it. Empty when every price is constant.
  std::vector<pricing::PriceSegment> segments;
  int64_t capital_micro_usd = 0;  // the owned cluster's purchase price
  int64_t window_seconds = 0;     // simulated replay window
  int64_t busy_gpu_seconds = 0;   // held by jobs
  int64_t idle_gpu_seconds = 0;
  int64_t down_gpu_seconds = 0;
  int jobs = 0;
  // A strategy's run (runs.strategy set): the "owned" figures are then the
  // strategy's cost, each entry priced by its pool (docs/compare.md), and
  // `committed` is the cluster's pool (owned, reserved, or none: all on
  // demand).
  bool strategy = false;
  ledger::Pool committed = ledger::Pool::kNone;
  int64_t on_demand_gpu_seconds = 0;  // held on on-demand capacity
  int64_t on_demand_micro_usd = 0;    // what that cost, part of the strategy's total

  // A mixed cluster's pools, each priced as its GPU model (rows and totals
  // are their sums; `rates` are the first pool's, `capital_micro_usd` every
  // pool's). Empty for a cluster of one pool.
  struct PoolLine {
    ledger::RunPool pool;
    pricing::Rates rates;       // at the window's start
    bool moving = false;        // its prices move over the window
    // Where they move: the window's segments of constant prices (empty
    // when they are constant; not sent over gRPC).
    std::vector<pricing::PriceSegment> segments;
    int64_t capital_micro_usd = 0;
    int64_t busy_gpu_seconds = 0, idle_gpu_seconds = 0, down_gpu_seconds = 0;
    // Its share of the totals, each rounded on its own (for reading; the
    // rows hold the exact split).
    int64_t rental_micro_usd = 0, owned_micro_usd = 0;
  };
  std::vector<PoolLine> pools;

  // The cluster's own cost (idle capacity included) and the GPU-seconds its
  // jobs held on it: the "owned" figures without on-demand use beside it.
  int64_t cluster_micro_usd() const { return total.owned_micro_usd - on_demand_micro_usd; }
  // Whether the cluster is owned (a plain replay's is, for the owned view),
  // and what a GPU-second of it costs, busy, idle or down (owned rates,
  // reserved rates, or nothing for a strategy that only rents on demand).
  bool owned_cluster() const { return !strategy || committed == ledger::Pool::kOwned; }
  pricing::Capacity capacity() const {
    return owned_cluster()                        ? pricing::Capacity::kOwned
           : committed == ledger::Pool::kReserved ? pricing::Capacity::kReserved
                                                  : pricing::Capacity::kNone;
  }
  pricing::StateRates cluster_rates() const { return pricing::CapacityRates(rates, capacity()); }
  int64_t cluster_busy_gpu_seconds() const { return busy_gpu_seconds - on_demand_gpu_seconds; }
};

// Builds the cost report of `run_id` grouped by `group_by`. A run that is not
// complete is refused (FailedPrecondition) unless `allow_partial`. `pricing`
// replaces the run's own pricing profile where given (fields it sets win).
// `in_flight`: for a partial report of a run being replayed, the usage its
// running jobs hold but has not been written yet (category "running", from
// their current run's start to now); it joins the groups it belongs to.
absl::StatusOr<CostReport> BuildCostReport(
    ledger::Ledger& ledger, int64_t run_id, ledger::GroupBy group_by, bool allow_partial,
    const gpuledger::v1::Pricing* pricing_override = nullptr,
    const std::vector<ledger::UsageRecord>* in_flight = nullptr);

}  // namespace gpuledger::report

#endif  // GPULEDGER_REPORT_COST_H_

// A strategy's cash flow over a dated comparison, month by month: what it
// pays (a purchase or a loan's payments, rent, reserved commitments, an
// owned pool's energy and operations) and receives (idle capacity rented
// out, the hardware's resale at the horizon), its present cost at a
// discount rate, and the month from which it has cost less cash than
// renting its own GPU-hours on demand. Each entry of the strategy's run is
// charged at the prices in force while it ran, split at month ends and
// price changes. docs/compare.md, "Cash flow", gives every rule.
#ifndef GPULEDGER_COMPARE_CASHFLOW_H_
#define GPULEDGER_COMPARE_CASHFLOW_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gpuledger/v1/plan.pb.h"
#include "ledger/store.h"

namespace gpuledger::compare {

// One calendar month (UTC), micro-dollars. Paid amounts are positive, and
// so are the two receipts; net is paid less received.
struct CashMonth {
  std::string month;  // "2024-12"
  int64_t purchase = 0;
  int64_t loan = 0;  // payments, and what is still owed at the horizon
  int64_t rent = 0;  // on demand
  int64_t reserved = 0;
  int64_t energy = 0;      // owned (none with colocation)
  int64_t operations = 0;  // owned: operations, support, staff, network, storage, colocation
  int64_t rent_out = 0;    // received: idle owned capacity sold
  int64_t resale = 0;      // received: the hardware sold at the horizon
  int64_t net = 0;
  int64_t cumulative = 0;  // net from the first month to this one's end
  // Renting every GPU-hour this strategy's jobs held on demand instead,
  // cumulative: what break-even is measured against.
  int64_t rent_same_work_cumulative = 0;
};

struct CashFlow {
  std::vector<CashMonth> months;
  int64_t paid = 0;      // every payment
  int64_t received = 0;  // rent out and resale
  int64_t net = 0;       // paid - received
  int64_t present_cost = 0;  // net months discounted to the first month's start
  double discount_rate = 0;  // a year
  // Owned: what the hardware in use at the horizon (the last one bought,
  // when the horizon outlasts its life) fetches then, and its book value.
  int64_t resale = 0;
  int64_t book_value = 0;
  // Committed capacity: the first month from which cumulative net stays at
  // or below renting the same work, to the horizon ("YYYY-MM"), or "never";
  // "" for a strategy that only rents on demand.
  std::string breakeven_month;
};

struct CashFlowInput {
  int64_t run_id = 0;
  int64_t start_utc = 0;     // the run's simulated second 0
  int64_t window_start = 0;  // simulated seconds: the replay's first second
  int64_t horizon_end = 0;   // simulated seconds: window start + horizon
  int64_t first_utc = 0;     // the comparison's first month holds this instant
  const gpuledger::v1::Pricing* pricing = nullptr;  // the strategy's merged prices
  double tdp_watts = 0;
  int gpus_per_node = 1;
  ledger::Pool committed = ledger::Pool::kNone;
  int paid_gpus = 0;  // the committed pool, hot spares included
  // Owned: bought then (UTC; at most the window's start), else at the
  // window's start.
  std::optional<int64_t> purchased_utc;
  // Owned: financed over this many months at loan_rate a year; 0: cash.
  int loan_months = 0;
  double loan_rate = 0;
  double rent_out_share = 0;
  double rent_out_discount = 0;
  double discount_rate = 0;
  // A fleet's pool (Strategy.pools): only its entries (cluster pool
  // index), held from `purchased_utc` (owned) until `sold` (simulated
  // seconds, before the horizon's end: an owned pool is sold then, at its
  // value then); -1 and unset: the whole run, to the horizon.
  int gpu_pool = -1;
  std::optional<int64_t> sold;
};

// A run's usage between cuts (increasing simulated seconds): for each of
// the cuts.size() + 1 stretches, the GPU-seconds its jobs held, the part on
// demand, and the GPU-seconds of nodes under repair.
struct StretchUsage {
  int64_t busy = 0, on_demand = 0, down = 0;
};
absl::StatusOr<std::vector<StretchUsage>> UsageBetween(ledger::Ledger& ledger, int64_t run_id,
                                                       const std::vector<int64_t>& cuts,
                                                       int gpu_pool = -1);

// The months of several cash flows over the same months (a fleet's pools)
// added up: each line and total summed, cumulative, present cost (at
// `discount_rate`) and break-even (if `committed`) computed again.
absl::StatusOr<CashFlow> SumCashFlows(const std::vector<CashFlow>& flows, double discount_rate,
                                      bool committed);

// The cash flow of one strategy's complete run in `ledger`.
absl::StatusOr<CashFlow> BuildCashFlow(ledger::Ledger& ledger, const CashFlowInput& in);

}  // namespace gpuledger::compare

#endif  // GPULEDGER_COMPARE_CASHFLOW_H_

// Fleet strategies (Strategy.pools): a strategy whose cluster is pools of
// GPU models, each owned or rented on demand, arriving and leaving on
// dates. Checked, turned into a mixed cluster's workload, priced pool by
// pool over the horizon and followed month by month. docs/compare.md,
// "Fleets", gives every rule.
#ifndef GPULEDGER_COMPARE_FLEET_H_
#define GPULEDGER_COMPARE_FLEET_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compare/cashflow.h"
#include "compare/compare.h"
#include "gpuledger/v1/plan.pb.h"
#include "ledger/store.h"
#include "traces/plan.h"
#include "traces/strategies.h"

namespace gpuledger::compare {

// One pool of a fleet, checked.
struct FleetPool {
  std::string name;
  gpuledger::v1::GpuModel gpu;
  int gpus = 0;  // whole nodes
  ledger::Pool capacity = ledger::Pool::kOwned;  // owned or on demand
  // Its model's prices: the shipped defaults and their entry for the
  // model, then the profiles of the fleet's pools of that model (an owned
  // pool's owned part, an on-demand pool's rental part), then --vary's.
  gpuledger::v1::Pricing pricing;
  std::optional<int64_t> from_utc, until_utc;  // available_from, retired_at
};

struct Fleet {
  std::vector<FleetPool> pools;
};

// Checks strategy `s`'s pools against the workload (its catalog and
// calendar) and that it sets none of the one-pool fields; messages name
// the field at its place, prefixed by `who`.
absl::StatusOr<Fleet> CheckFleet(const gpuledger::v1::Strategy& s, const traces::Workload& w,
                                 const traces::StrategyPlace& place, const std::string& who,
                                 const CompareOptions& o);

// The workload on the fleet: its pools as the cluster (with the plan's
// failure model), each plan job converted to each pool's hardware, and
// prices per model (Pricing.models) as a report of the run reads them.
absl::StatusOr<traces::Workload> FleetWorkload(const Fleet& f, const traces::Workload& w);

// Each pool's capacity, in order, as the replay records it.
std::vector<ledger::Pool> FleetCapacity(const Fleet& f);

// A fleet's replayed run priced over r->horizon_seconds: each pool at its
// model's prices segment by segment (owned: capital, energy and operations
// while held, used or idle; on demand: its busy GPU-seconds at the rental
// price), rounded once and split over the pools (r->fleet), the totals
// filled in. `start_utc` is the plan's calendar.
absl::Status PriceFleet(const Fleet& f, std::optional<int64_t> start_utc, ledger::Ledger& ledger,
                        StrategyResult* r);

// A dated fleet's cash flow: each pool's (bought on its available_from,
// sold on its retired_at or at the horizon) added up month by month.
// `base` gives the run, calendar, horizon and discount rate.
absl::StatusOr<CashFlow> FleetCashFlow(const Fleet& f, ledger::Ledger& ledger,
                                       const CashFlowInput& base);

}  // namespace gpuledger::compare

#endif  // GPULEDGER_COMPARE_FLEET_H_

// The price formulas of a capacity strategy over a horizon (docs/compare.md)
// and of a replay in progress: what committed capacity costs used or not,
// what owning amortizes to, and when it breaks even. compare/ and server/
// price through here, as reports do through rates.h.
#ifndef GPULEDGER_PRICING_STRATEGY_H_
#define GPULEDGER_PRICING_STRATEGY_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gpuledger/v1/plan.pb.h"
#include "pricing/rates.h"

namespace gpuledger::pricing {

// An average month: 365.25 days / 12, in hours.
inline constexpr double kHoursPerMonth = 8766.0 / 12;

// An owned pool of `capacity` GPU-seconds (its GPUs x the horizon) that ran
// jobs `busy` GPU-seconds and was down `down`: capital and operations on all
// of it, energy busy or idle (none while down), exactly.
ExactUsd OwnedPoolCost(const Rates& rates, int64_t capacity, int64_t busy, int64_t down);

// A reserved pool of `gpus` GPUs over `horizon_seconds`, paid for whole terms.
ExactUsd ReservedPoolCost(const gpuledger::v1::Pricing& pricing, const Rates& rates, int gpus,
                          int64_t horizon_seconds);

// Months after which owning a GPU used at `utilization` has cost what renting
// its used GPU-hours would: the capital over what owning saves each hour
// (rent of the hours used, less energy, operations and cost of capital);
// +inf when it never does.
double BreakEvenMonths(const gpuledger::v1::Pricing& pricing, int gpus_per_node, const Rates& rates,
                       double utilization);

// An owned pool's amortized cost: only the `busy` GPU-seconds it ran jobs,
// at the busy rate, plus what ran `on_demand` beside it.
ExactUsd OwnedAmortizedCost(const Rates& rates, int64_t busy, ExactUsd on_demand);

// The utilization of reserved capacity at which it costs what renting the
// used hours on demand would: their hourly prices' ratio.
double ReservedBreakEvenUtilization(const gpuledger::v1::Pricing& pricing);

// Dollars per GPU-hour of `micro_usd` over `gpu_seconds`; 0 for none.
double UsdPerGpuHour(int64_t micro_usd, int64_t gpu_seconds);

// A replay in progress, `busy` of `capacity` GPU-seconds so far: its rental
// cost (busy GPU-seconds rented) and owned cost (busy at the busy rate, the
// rest idle), micro-dollars; saturated at kMaxMicroUsd.
int64_t ProgressRentalMicroUsd(const Rates& rates, int64_t busy);
int64_t ProgressOwnedMicroUsd(const Rates& rates, int64_t capacity, int64_t busy);

}  // namespace gpuledger::pricing

#endif  // GPULEDGER_PRICING_STRATEGY_H_

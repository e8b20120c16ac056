#include "pricing/strategy.h"

#include <algorithm>
#include <limits>

namespace gpuledger::pricing {

ExactUsd OwnedPoolCost(const Rates& rates, int64_t capacity, int64_t busy, int64_t down) {
  const int64_t idle = std::max<int64_t>(0, capacity - busy - down);
  return ExactCost(capacity, rates.owned_fixed()) + ExactCost(busy, rates.owned_busy_energy) +
         ExactCost(idle, rates.owned_idle_energy);
}

ExactUsd ReservedPoolCost(const v1::Pricing& pricing, const Rates& rates, int gpus,
                          int64_t horizon_seconds) {
  const int64_t committed_seconds = ReservedCommitmentSeconds(pricing, horizon_seconds);
  return ExactCost(static_cast<int64_t>(gpus) * committed_seconds, rates.reserved);
}

double BreakEvenMonths(const v1::Pricing& pricing, int gpus_per_node, const Rates& rates,
                       double u) {
  // Cash per owned GPU: capital at once, then energy, operations and cost of
  // capital by the hour; against renting the GPU-hours used.
  const double per_hour = u * rates.rental_list - u * rates.owned_busy_energy -
                          (1 - u) * rates.owned_idle_energy - rates.owned_operations -
                          rates.owned_financing;
  return per_hour > 0 ? CapitalUsdPerGpu(pricing, gpus_per_node) * 1e9 / (per_hour * kHoursPerMonth)
                      : std::numeric_limits<double>::infinity();
}

ExactUsd OwnedAmortizedCost(const Rates& rates, int64_t busy, ExactUsd on_demand) {
  return ExactCost(busy, rates.owned_busy()) + on_demand;
}

double ReservedBreakEvenUtilization(const v1::Pricing& pricing) {
  return pricing.reserved().usd_per_gpu_hour() / pricing.rental().usd_per_gpu_hour();
}

double UsdPerGpuHour(int64_t micro_usd, int64_t gpu_seconds) {
  return gpu_seconds > 0 ? static_cast<double>(micro_usd) / 1e6 / (gpu_seconds / 3600.0) : 0.0;
}

int64_t ProgressRentalMicroUsd(const Rates& rates, int64_t busy) {
  return CostMicroUsd(busy, rates.rental);
}

int64_t ProgressOwnedMicroUsd(const Rates& rates, int64_t capacity, int64_t busy) {
  return ToMicroUsd(ExactCost(busy, rates.owned_busy()) +
                    ExactCost(capacity - busy, rates.owned_idle()))
      .value_or(kMaxMicroUsd);
}

}  // namespace gpuledger::pricing

// Pricing profiles (traces/pricing.h): LoadPricingProfile takes a name or a
// path, and its parser is internal, so the input goes through a file. A
// profile that loads is merged over the defaults as every user does and
// priced: rates for each catalog GPU, capital, break-even, and the cost of
// a large but valid use (1e5 GPUs for a year) must not overflow (UBSan).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.h"
#include "pricing/rates.h"
#include "traces/plan.h"
#include "traces/pricing.h"

namespace tr = gpuledger::traces;
namespace pr = gpuledger::pricing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = gpuledger::fuzz::WriteInput("profile.textproto", data, size);
  absl::StatusOr<gpuledger::v1::Pricing> profile = tr::LoadPricingProfile(path);
  if (!profile.ok()) return 0;
  gpuledger::v1::Pricing merged = tr::BuiltinDefaults().pricing();
  merged.MergeFrom(*profile);
  // Invariant: the loader checked the merged pricing.
  FUZZ_CHECK(pr::ValidatePricing(merged, "").ok());
  constexpr int64_t kYearGpuSeconds = int64_t{100'000} * 8766 * 3600;
  for (const gpuledger::v1::GpuModel& m : tr::BuiltinDefaults().gpu_models()) {
    const pr::Rates r = pr::ComputeRates(merged, m.tdp_watts(), m.gpus_per_node());
    for (int64_t rate : {r.rental, r.owned_busy(), r.owned_idle(), r.owned_down(), r.reserved}) {
      FUZZ_CHECK(rate >= 0);
      (void)pr::CostMicroUsd(kYearGpuSeconds, rate);
    }
    (void)pr::BreakEvenUtilization(r);
    (void)pr::CapitalUsdPerGpu(merged, m.gpus_per_node());
    (void)pr::CapitalMicroUsd(merged, 100'000, m.gpus_per_node());
  }
  return 0;
}

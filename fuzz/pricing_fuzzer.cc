// Pricing profiles (traces/pricing.h): LoadPricingProfile takes a name or a
// path, and its parser is internal, so the input goes through a file. A
// profile that loads is merged over the defaults as every user does and
// priced: rates for each catalog GPU, capital, break-even, and the cost of
// a large but valid use (1e5 GPUs for a year) must not overflow (UBSan).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.h"
#include "ledger/cost.h"
#include "traces/plan.h"
#include "traces/pricing.h"

namespace tr = gpuledger::traces;
namespace lg = gpuledger::ledger;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = gpuledger::fuzz::WriteInput("profile.textproto", data, size);
  absl::StatusOr<gpuledger::v1::Pricing> profile = tr::LoadPricingProfile(path);
  if (!profile.ok()) return 0;
  gpuledger::v1::Pricing merged = tr::BuiltinDefaults().pricing();
  merged.MergeFrom(*profile);
  // Invariant: the loader checked the merged pricing.
  FUZZ_CHECK(lg::ValidatePricing(merged, "").ok());
  constexpr int64_t kYearGpuSeconds = int64_t{100'000} * 8766 * 3600;
  for (const gpuledger::v1::GpuModel& m : tr::BuiltinDefaults().gpu_models()) {
    const lg::Rates r = lg::ComputeRates(merged, m.tdp_watts());
    for (int64_t rate : {r.rental, r.owned_busy(), r.owned_idle(), r.owned_down(), r.reserved}) {
      FUZZ_CHECK(rate >= 0);
      (void)lg::CostMicroUsd(kYearGpuSeconds, rate);
    }
    (void)lg::BreakEvenUtilization(r);
  }
  (void)lg::CapitalUsdPerGpu(merged);
  (void)lg::CapitalMicroUsd(merged, 100'000);
  return 0;
}

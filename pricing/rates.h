// Prices as arithmetic: the per-GPU-hour rates a pricing profile implies, the
// checks that keep every product of them representable, and exact money.
// Rates are integer nano-dollars per GPU-hour, amounts integer micro-dollars;
// each amount is rounded once, half away from zero. Knows only the
// gpuledger.v1 pricing messages: the plan loader (traces/), the cost reports
// and FOCUS export (report/) and the strategy comparison (compare/) all
// price through here.
#ifndef GPULEDGER_PRICING_RATES_H_
#define GPULEDGER_PRICING_RATES_H_

#include <climits>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gpuledger/v1/plan.pb.h"

namespace gpuledger::pricing {

inline constexpr int64_t kSecondsPerYear = 31'557'600;  // 365.25 days

// The highest price per GPU-hour (rental, reserved) a profile or an override
// may give, in dollars (ValidatePricing; docs/metrics.md, "Bounds").
inline constexpr double kMaxUsdPerGpuHour = 1e4;

// Per-GPU-hour rates derived from a pricing profile, nano-dollars (1e-9 USD).
struct Rates {
  int64_t rental = 0;  // what a rented GPU-hour costs (spot: after its discount)
  // The on-demand price before any spot discount: what renting the same
  // work on demand would cost (break-even, idle hours sold, spot savings).
  int64_t rental_list = 0;
  // Owned: capital written off plus operations, per GPU-hour of capacity,
  // accruing whether the GPU works or idles.
  int64_t owned_depreciation = 0;
  int64_t owned_financing = 0;  // cost of capital
  int64_t owned_operations = 0;
  int64_t owned_busy_energy = 0;  // energy of a GPU-hour running a job
  int64_t owned_idle_energy = 0;  // energy of an idle GPU-hour
  int64_t reserved = 0;           // a reserved GPU-hour, used or not

  int64_t owned_fixed() const { return owned_depreciation + owned_financing + owned_operations; }
  int64_t owned_busy() const { return owned_fixed() + owned_busy_energy; }
  int64_t owned_idle() const { return owned_fixed() + owned_idle_energy; }
  // A node under repair draws no power; its capital and operations still run.
  int64_t owned_down() const { return owned_fixed(); }
};

// Checks that every number of `pricing` is finite and in its range; the
// InvalidArgument message names the field after `prefix`, e.g. "field
// pricing.owned.pue must be in [1, 10], got 0.5".
absl::Status ValidatePricing(const gpuledger::v1::Pricing& pricing, absl::string_view prefix);

// Rates for a GPU of `tdp_watts` in nodes of `gpus_per_node` under
// `pricing` (a node's costs are shared by its GPUs).
Rates ComputeRates(const gpuledger::v1::Pricing& pricing, double tdp_watts, int gpus_per_node);

// Hardware per GPU in dollars: chip_usd x server_multiplier when chip_usd
// is set, else capital_usd_per_gpu, plus usd_per_node / gpus_per_node; then
// x (1 + network_share). What resale values.
double HardwareUsdPerGpu(const gpuledger::v1::Pricing& pricing, int gpus_per_node);
// Capital per GPU in dollars: the hardware, plus installation_usd_per_node /
// gpus_per_node.
double CapitalUsdPerGpu(const gpuledger::v1::Pricing& pricing, int gpus_per_node);

// Share of capital left at the end of life: residual_share (straight line),
// or 10^(-decline x life) (Epoch AI).
double ResidualShare(const gpuledger::v1::OwnedProfile& owned);

// The utilization of owned capacity at which owning costs what renting on
// demand does per GPU-hour used: (fixed + idle energy) / (rental - busy
// energy + idle energy), where owned cost per GPU-hour of capacity at
// utilization u is fixed + u x busy energy + (1 - u) x idle energy. Above
// 1 (or rental below busy energy): owning never breaks even; returns +inf.
double BreakEvenUtilization(const Rates& rates);

// Capital of a cluster of `gpus` GPUs, micro-USD: the per-GPU capital rounded
// to whole micro-dollars, times `gpus`; saturates at kMaxMicroUsd.
int64_t CapitalMicroUsd(const gpuledger::v1::Pricing& pricing, int gpus, int gpus_per_node);

// Money before rounding: GPU-seconds x nano-dollars per GPU-hour, in units of
// 1/3,600,000 micro-dollar, so a cost is exact and sums of costs are exact.
// Validated prices and the replay's bounds keep every product and every sum
// of a run far inside 128 bits (docs/metrics.md, "Bounds").
using ExactUsd = __int128;
inline constexpr int64_t kExactPerMicroUsd = 3'600'000;
inline ExactUsd ExactCost(int64_t gpu_seconds, int64_t nusd_per_gpu_hour) {
  return static_cast<ExactUsd>(gpu_seconds) * nusd_per_gpu_hour;
}

// The most money a figure may hold: int64 micro-dollars, about $9.2
// trillion. A run whose figures would exceed it is refused, never wrapped.
inline constexpr int64_t kMaxMicroUsd = INT64_MAX;

// OutOfRange: `what` "exceeds $9,223,372,036,854.775807, the most gpuledger
// represents", and what to lower.
absl::Status TooMuchMoney(absl::string_view what);

// Micro-dollars of an exact amount, rounded half away from zero; OutOfRange
// if they do not fit int64 (`what` names the figure in the message).
absl::StatusOr<int64_t> ToMicroUsd(ExactUsd amount, absl::string_view what = "the cost");

// Rounds the parts of one total so that they add up to the total rounded
// once: each part (given in order) gets what it adds to the rounded running
// sum, so every part is within a micro-dollar of its exact amount and every
// grouping of the same entries sums to the same total, to the micro-dollar.
class MoneySplitter {
 public:
  // The part's micro-dollars (0 once the running sum no longer fits).
  int64_t Take(ExactUsd part);
  // The rounded running sum, i.e. the sum of every Take so far.
  int64_t total() const { return rounded_; }
  // OutOfRange once the running sum no longer fits int64 micro-dollars.
  absl::Status status() const;

 private:
  ExactUsd sum_ = 0;
  int64_t rounded_ = 0;
  bool overflow_ = false;
};

// Cost of `gpu_seconds` at `nusd_per_gpu_hour`, micro-USD, rounded half away
// from zero; for one figure on its own (saturates where it cannot be held:
// callers with sums use ExactCost and ToMicroUsd or MoneySplitter).
int64_t CostMicroUsd(int64_t gpu_seconds, int64_t nusd_per_gpu_hour);

// Seconds of reserved capacity a run of `window_seconds` commits to: the
// window rounded up to whole terms of the reserved profile (the window
// itself with no term).
int64_t ReservedCommitmentSeconds(const gpuledger::v1::Pricing& pricing, int64_t window_seconds);

// One reserved term in seconds (0: no term, the commitment is the window),
// where the curve fixes a reserved rate and the FOCUS export cuts its
// commitments.
int64_t ReservedTermSeconds(const gpuledger::v1::Pricing& pricing);

// The most seconds a strategy replayed over `horizon_seconds` can pay for:
// the horizon and one more whole reserved term (a window rounded up to whole
// terms never passes it), for the money bound of a comparison.
int64_t PaidSecondsBound(const gpuledger::v1::Pricing& pricing, int64_t horizon_seconds);

// GPU-seconds of a reserved cluster of `gpus` GPUs paid for after a window of
// `window_seconds` and never used: the rest of its last term (0 with no term).
int64_t UnusedTermGpuSeconds(const gpuledger::v1::Pricing& pricing, int gpus,
                             int64_t window_seconds);

// The capacity a cluster's GPUs are paid for as: owned, reserved, or neither
// (a strategy that only rents on demand, and pays for nothing it does not use).
enum class Capacity { kOwned, kReserved, kNone };

// What a GPU-second of a cluster's own capacity costs, by what its GPU is
// doing: owned capacity at the owned rates (down: capital and operations, no
// energy), reserved capacity at the reserved rate whether used or not, and
// none at all for kNone. Capacity rented on demand beside it costs rent.
struct StateRates {
  int64_t busy = 0;
  int64_t idle = 0;
  int64_t down = 0;
};
StateRates CapacityRates(const Rates& rates, Capacity capacity);

// What an owner pays in cash by the hour, by state: energy, operations and
// cost of capital, not the capital itself (paid once, at the purchase).
StateRates OwnedCashRates(const Rates& rates);

// OK when `gpu_seconds` at the highest of the rates fits int64 micro-dollars
// (so every cost of a replay bounded by them does); otherwise InvalidArgument
// naming `source`, the highest rate and what to change.
absl::Status CheckCostFits(const Rates& rates, ExactUsd gpu_seconds, absl::string_view source);

}  // namespace gpuledger::pricing

#endif  // GPULEDGER_PRICING_RATES_H_

// Prices that move: a profile's rental, reserved or energy price given as a
// curve (gpuledger.v1.PriceCurve: dated points, step or linear, and/or a
// yearly rate of change), turned into the segments of constant prices a
// run's window falls into, so every entry is charged at the prices in force
// while it ran, split exactly where they change (docs/metrics.md, "Prices
// that move").
#ifndef GPULEDGER_PRICING_CURVE_H_
#define GPULEDGER_PRICING_CURVE_H_

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gpuledger/v1/plan.pb.h"
#include "pricing/rates.h"

namespace gpuledger::pricing {

// Whether any price of `pricing` has a curve.
bool HasMovingPrices(const gpuledger::v1::Pricing& pricing);

// Checks the curves of `pricing` (ValidatePricing calls it): dates that
// parse and increase, prices in their field's range, change_per_year in
// [-0.99, 10], no csv left unread. Messages name the field after `prefix`.
absl::Status ValidateCurves(const gpuledger::v1::Pricing& pricing, absl::string_view prefix);

// A used-price series (OwnedProfile.resale_usd_per_gpu_curve, validated)
// at the UTC instant `utc`: USD per GPU.
double ResaleUsdPerGpu(const gpuledger::v1::PriceCurve& curve, int64_t utc);

// `base` with `over` merged in, as a profile or a plan's pricing overrides
// the defaults: the fields `over` sets win, and a curve `over` sets
// replaces the base's curve whole (its points are never appended).
void MergePricing(const gpuledger::v1::Pricing& over, gpuledger::v1::Pricing* base);

// The prices of GPU model `model`: `pricing` without its `models` entries,
// with the entries for `model` merged over it in order.
gpuledger::v1::Pricing PricingForModel(const gpuledger::v1::Pricing& pricing,
                                       absl::string_view model);

// A stretch [start, end) of simulated seconds over which every price is
// constant: `pricing` with each curve's value in its scalar field (and the
// curves cleared), and its rates.
struct PriceSegment {
  int64_t start = 0;
  int64_t end = 0;
  gpuledger::v1::Pricing pricing;
  Rates rates;
};

// The segments of [from, to) for a run whose simulated second 0 is the UTC
// instant `start_utc` (unset: undated; a curve with points then cannot be
// placed and is InvalidArgument), for a GPU of `tdp_watts` in nodes of
// `gpus_per_node`. One segment when
// nothing moves. A price a curve takes past its field's bound (a rate of
// change compounding for decades) is InvalidArgument naming the field and
// the instant; more than kMaxPriceSegments segments is InvalidArgument too.
inline constexpr int64_t kMaxPriceSegments = 1'000'000;
absl::StatusOr<std::vector<PriceSegment>> PriceSegments(const gpuledger::v1::Pricing& pricing,
                                                        double tdp_watts, int gpus_per_node,
                                                        std::optional<int64_t> start_utc,
                                                        int64_t from, int64_t to);

// `pricing` with each curve's scalar set to the highest price the curve can
// reach by the end of a window of `window_seconds` from simulated second 0
// (the UTC instant `start_utc` when dated): its points, and a rate of change
// compounding upwards from its last point (or the window's start) to the
// window's end; capped at the field's bound. For the money bound of a
// replay (CheckCostFits), before its window is known.
gpuledger::v1::Pricing HighestPrices(const gpuledger::v1::Pricing& pricing,
                                     std::optional<int64_t> start_utc, int64_t window_seconds);

// InvalidArgument naming a curve that could pass its field's bound by the
// window's end (HighestPrices before the cap): refused before a replay
// writes anything, rather than when its run is priced.
absl::Status CheckCurvesBounded(const gpuledger::v1::Pricing& pricing,
                                std::optional<int64_t> start_utc, int64_t window_seconds);

// InvalidArgument naming the first curve with dated points when the run
// has no start date to place them on.
absl::Status CheckCurvesPlaced(const gpuledger::v1::Pricing& pricing, bool dated);

// The curves `pricing` sets, each with its field's name
// ("rental.usd_per_gpu_hour_curve") and the range its prices must keep.
struct SetCurve {
  const char* field;
  gpuledger::v1::PriceCurve* curve;
  double lo, hi;
};
std::vector<SetCurve> SetCurves(gpuledger::v1::Pricing* pricing);

// Reads a curve's CSV ("date,usd" lines, an optional "date,usd" header,
// blank lines and lines starting with '#' skipped, a UTF-8 byte-order mark
// allowed) into its points, each date after the one before and each price in
// [lo, hi]; `path` names it in messages as "PATH:LINE: ...".
absl::StatusOr<std::vector<gpuledger::v1::PriceCurve::Point>> ParsePriceCsv(
    absl::string_view text, absl::string_view path, double lo, double hi);

}  // namespace gpuledger::pricing

#endif  // GPULEDGER_PRICING_CURVE_H_

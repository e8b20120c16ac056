// Pricing profiles (traces/pricing/*.textproto): a gpuledger.v1.Pricing that
// sets what it prices (on-demand rental, reserved rental, or owning) and
// leaves the rest to the built-in defaults.
#ifndef GPULEDGER_TRACES_PRICING_H_
#define GPULEDGER_TRACES_PRICING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gpuledger/v1/plan.pb.h"

namespace gpuledger::traces {

// A shipped profile's name ("owned-epoch"), or a path to a profile file (it
// has a '/' or ends in ".textproto"). Returns the profile as written (not
// merged); checked against the defaults it will be merged onto. Errors name
// FILE:LINE:COL and the field; NotFound lists the shipped profiles.
absl::StatusOr<gpuledger::v1::Pricing> LoadPricingProfile(absl::string_view reference);

// Reads the CSV file each price curve of `pricing` names (`csv`, relative to
// `base_dir` unless absolute) into the curve's points, and clears `csv`, so
// what is stored with a run holds the prices themselves. Errors:
// InvalidArgument "field PREFIXrental.usd_per_gpu_hour_curve.csv: PATH:LINE:
// ..." (NotFound when the file cannot be read).
absl::Status ReadPriceCurveFiles(gpuledger::v1::Pricing* pricing, absl::string_view base_dir,
                                 absl::string_view prefix);

// Names of the shipped profiles, sorted.
std::vector<std::string> PricingProfileNames();

}  // namespace gpuledger::traces

#endif  // GPULEDGER_TRACES_PRICING_H_

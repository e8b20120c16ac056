// Loading failure models (traces/failures/*.textproto): observed interruption
// counts, the mix of causes with their repair times, planned maintenance.
#ifndef GPULEDGER_TRACES_FAILURES_H_
#define GPULEDGER_TRACES_FAILURES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gpuledger/v1/plan.pb.h"

namespace gpuledger::traces {

// Reads and checks a failure model. InvalidArgument names FILE:LINE:COLUMN
// for a parse error and the field for a bad value; NotFound if unreadable.
absl::StatusOr<gpuledger::v1::FailureModelSpec> LoadFailureModelFile(const std::string& path);
absl::StatusOr<gpuledger::v1::FailureModelSpec> LoadFailureModelText(absl::string_view text,
                                                                     absl::string_view source);

// A plan's reference to a failure model: a shipped model's name, or (if it
// has a '/' or ends in ".textproto") a path relative to `plan_dir`.
// NotFound names the known models.
absl::StatusOr<gpuledger::v1::FailureModelSpec> ResolveFailureModel(absl::string_view reference,
                                                                    absl::string_view plan_dir);

// Interruptions per GPU-hour: interruptions / (gpus x days x 24).
double PerGpuHour(const gpuledger::v1::ObservedRate& observed);

}  // namespace gpuledger::traces

#endif  // GPULEDGER_TRACES_FAILURES_H_

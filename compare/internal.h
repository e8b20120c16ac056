// Pieces compare.cc and fleet.cc share; not an interface for other folders.
#ifndef GPULEDGER_COMPARE_INTERNAL_H_
#define GPULEDGER_COMPARE_INTERNAL_H_

#include <string>

#include "absl/status/status.h"
#include "compare/compare.h"
#include "gpuledger/v1/plan.pb.h"
#include "traces/strategies.h"

namespace gpuledger::compare::internal {

// InvalidArgument "AT: WHAT".
absl::Status Bad(const std::string& at, const std::string& what);

// Merges the part (owned, reserved or rental) that profile `name` (else
// `fallback`) prices into `pricing`: the profile must set it, and only it is
// taken. Messages name `field` at its place.
absl::Status MergeProfile(const traces::StrategyPlace& place, const std::string& who,
                          const std::string& field, const std::string& name, const char* fallback,
                          const char* part, bool allow_files, gpuledger::v1::Pricing* pricing);

// A sensitivity case's prices over a strategy's, and its capital scaled
// (compare --vary).
void ApplySensitivity(const CompareOptions& o, gpuledger::v1::Pricing* pricing);

}  // namespace gpuledger::compare::internal

#endif  // GPULEDGER_COMPARE_INTERNAL_H_

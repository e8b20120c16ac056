// Synthetic job traces of LLM development clusters (`gpuledger gen`): jobs
// drawn from a preset's mix of types (traces/presets/*.textproto), written
// as a job trace (traces/jobtrace.h). docs/traces.md documents every
// distribution.
#ifndef GPULEDGER_TRACES_GENERATE_H_
#define GPULEDGER_TRACES_GENERATE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gpuledger/v1/plan.pb.h"

namespace gpuledger::traces {

// A shipped preset's name ("kalos") or a .textproto path, checked field by
// field (FILE:LINE:COL and the field).
absl::StatusOr<gpuledger::v1::GeneratorPreset> LoadGeneratorPreset(absl::string_view reference);
std::vector<std::string> GeneratorPresetNames();

struct GenerateOptions {
  int64_t jobs = 0;
  uint64_t seed = 0;
  int cluster_gpus = 0;  // 0: the preset's; jobs are capped at it
  bool json = false;     // JSON Lines instead of CSV
};

// Calls `write` with the trace's text, a line at a time (the trace is never
// held). The same preset, options and seed give the same bytes.
absl::Status GenerateTrace(const gpuledger::v1::GeneratorPreset& preset,
                           const GenerateOptions& options,
                           const std::function<absl::Status(absl::string_view)>& write);

// GenerateTrace into `path` (".gz": compressed; ".jsonl": JSON Lines, else
// CSV, whatever options.json says), written beside it and renamed, so a
// failure leaves nothing.
absl::Status GenerateTraceFile(const gpuledger::v1::GeneratorPreset& preset,
                               const GenerateOptions& options, const std::string& path);

}  // namespace gpuledger::traces

#endif  // GPULEDGER_TRACES_GENERATE_H_

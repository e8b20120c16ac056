// Plans as the server receives them (StartReplay's plan_text): protobuf text
// format, inline failure models allowed, file references refused. After an
// OK load: the Workload invariants (workload_checks.h; run time at most 100
// years) and the simulator's checks a replay makes before it opens a run.
#include <cstddef>
#include <cstdint>

#include "fuzz/workload_checks.h"
#include "traces/plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<gpuledger::traces::Workload> w =
      gpuledger::traces::LoadPlanText(text, "fuzz.textproto", /*allow_file_references=*/false);
  if (!w.ok()) return 0;
  gpuledger::fuzz::CheckWorkload(*w, gpuledger::fuzz::kHundredYears);
  gpuledger::fuzz::CreateSimulator(*w);
  return 0;
}

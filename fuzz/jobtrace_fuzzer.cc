// Job traces (traces/jobtrace.h), CSV or JSON Lines by the file's extension
// (JOBTRACE_EXT, ".csv" or ".jsonl", set per target), plain or gzip: zlib
// reads both. After an OK load: at least one job, the Workload invariants
// (workload_checks.h; run time at most 100 years), a status of completed,
// cancelled or failed on every job, and the simulator's checks.
#include <cstddef>
#include <cstdint>

#include "fuzz/workload_checks.h"
#include "traces/jobtrace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = gpuledger::fuzz::WriteInput("trace" JOBTRACE_EXT, data, size);
  absl::StatusOr<gpuledger::traces::Workload> w = gpuledger::traces::LoadJobTraceFile(path, {});
  if (!w.ok()) return 0;
  FUZZ_CHECK(!w->jobs.empty());
  gpuledger::fuzz::CheckWorkload(*w, gpuledger::fuzz::kHundredYears);
  for (const gpuledger::traces::PlanJob& j : w->jobs) {
    FUZZ_CHECK(j.status == "completed" || j.status == "cancelled" || j.status == "failed");
  }
  gpuledger::fuzz::CreateSimulator(*w);
  return 0;
}

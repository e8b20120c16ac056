// SWF traces (traces/swf.h), plain or gzip: zlib reads both through the same
// path, so one harness covers both and the corpus holds each. Each input is
// loaded twice, with 1 and with 8 GPUs per node (the rules for jobs above
// one node differ). After an OK load: the Workload invariants
// (workload_checks.h; SWF puts no bound on run time) and the simulator's checks.
#include <cstddef>
#include <cstdint>

#include "fuzz/workload_checks.h"
#include "traces/swf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = gpuledger::fuzz::WriteInput("trace.swf", data, size);
  for (int per_node : {1, 8}) {
    absl::StatusOr<gpuledger::traces::Workload> w =
        gpuledger::traces::LoadSwfFile(path, {.capacity = 0, .gpus_per_node = per_node});
    if (!w.ok()) continue;
    FUZZ_CHECK(!w->jobs.empty());  // "every job was skipped" is an error
    gpuledger::fuzz::CheckWorkload(*w, /*max_run_seconds=*/0);
    gpuledger::fuzz::CreateSimulator(*w);
  }
  return 0;
}

// Wires a workload, the scheduler and the ledger together: one replay of a
// plan becomes one run in the ledger.
#ifndef GPULEDGER_REPLAY_REPLAY_H_
#define GPULEDGER_REPLAY_REPLAY_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "ledger/store.h"
#include "scheduler/simulator.h"
#include "traces/plan.h"

namespace gpuledger::replay {

struct ReplayResult {
  int64_t run_id = 0;
  scheduler::RunSummary summary;
};

// Replays `workload` under FCFS into a new run of `ledger`. The workload is
// checked against the scheduler's rules before anything is written, so a bad
// workload leaves the ledger untouched. A replay that fails midway leaves its
// run marked "failed".
absl::StatusOr<ReplayResult> ReplayWorkload(const traces::Workload& workload,
                                            ledger::Ledger& ledger,
                                            int64_t seed);

// Nodes of an allocation in the ledger's notation: whole nodes as ranges
// ("0-255,300"), a part of one node as node[GPUs] ("3[4]").
std::string NodesText(const scheduler::Allocation& allocation, int gpus_per_node);

}  // namespace gpuledger::replay

#endif  // GPULEDGER_REPLAY_REPLAY_H_

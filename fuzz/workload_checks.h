// Invariants of a Workload that every loader in traces/ promises after an
// OK load (traces/plan.h, swf.h, jobtrace.h): a cluster of at least one
// node whose GPU count fits in an int (Workload::total_gpus() returns int),
// and jobs that can run on it: gpus > 0, no more than the cluster, whole
// nodes above one node, run seconds > 0, times not negative, dependencies
// naming jobs of the workload.
#ifndef GPULEDGER_FUZZ_WORKLOAD_CHECKS_H_
#define GPULEDGER_FUZZ_WORKLOAD_CHECKS_H_

#include <climits>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "fuzz/fuzz_util.h"
#include "ledger/store.h"
#include "replay/replay.h"
#include "scheduler/simulator.h"
#include "traces/plan.h"

namespace gpuledger::fuzz {

// `max_run_seconds`: the loader's own bound on a job's run time (plans and
// job traces refuse more than 100 years); 0 for none.
inline void CheckWorkload(const traces::Workload& w, int64_t max_run_seconds) {
  const int64_t per_node = w.gpu.gpus_per_node();
  FUZZ_CHECK(per_node >= 1);
  FUZZ_CHECK(w.nodes >= 1);
  FUZZ_CHECK(w.spare_nodes >= 0);
  if (!w.pools.empty()) {
    // A mixed cluster: every plan job runs on pools it fits, each in time.
    int64_t gpus = 0;
    for (const traces::ClusterPool& p : w.pools) {
      FUZZ_CHECK(p.nodes >= 1 && p.gpu.gpus_per_node() >= 1);
      FUZZ_CHECK(p.spare_nodes >= 0 && p.spare_nodes < p.nodes);
      gpus += static_cast<int64_t>(p.nodes) * p.gpu.gpus_per_node();
    }
    FUZZ_CHECK(gpus <= INT_MAX);
    for (const traces::PlanJob& j : w.jobs) {
      FUZZ_CHECK(j.gpus > 0 && j.run_seconds > 0 && j.submit_seconds >= 0);
      for (const traces::PlanJob::PoolRun& r : j.pool_runs) {
        FUZZ_CHECK(r.pool >= 0 && r.pool < static_cast<int>(w.pools.size()));
        const traces::ClusterPool& p = w.pools[r.pool];
        const int64_t n = p.gpu.gpus_per_node();
        FUZZ_CHECK(j.gpus <= (p.nodes - p.spare_nodes) * n);
        FUZZ_CHECK(j.gpus <= n || j.gpus % n == 0);
        FUZZ_CHECK(r.run_seconds > 0);
        FUZZ_CHECK(max_run_seconds == 0 || r.run_seconds <= max_run_seconds);
      }
      for (int a : j.after) FUZZ_CHECK(a >= 0 && a < static_cast<int>(w.jobs.size()));
    }
    return;
  }
  const int64_t total = w.nodes * per_node;
  FUZZ_CHECK(total <= INT_MAX);
  for (const traces::PlanJob& j : w.jobs) {
    FUZZ_CHECK(j.gpus > 0);
    FUZZ_CHECK(j.gpus <= total);
    FUZZ_CHECK(j.gpus <= per_node || j.gpus % per_node == 0);
    FUZZ_CHECK(j.run_seconds > 0);
    FUZZ_CHECK(max_run_seconds == 0 || j.run_seconds <= max_run_seconds);
    FUZZ_CHECK(j.submit_seconds >= 0);
    FUZZ_CHECK(j.eligible_seconds == 0 || j.eligible_seconds >= j.submit_seconds);
    FUZZ_CHECK(j.requested_seconds >= 0);
    for (int a : j.after) FUZZ_CHECK(a >= 0 && a < static_cast<int>(w.jobs.size()));
  }
}

// A ledger in the scratch folder, started afresh every `every` uses so it
// stays small.
inline ledger::Ledger& ScratchLedger(const std::string& name, int every) {
  static std::unique_ptr<ledger::Ledger> ledger;
  static int uses = 0;
  if (ledger == nullptr || ++uses % every == 0) {
    ledger.reset();
    const std::string path = Scratch().Path(name);
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    auto opened = ledger::Ledger::Open(path);
    if (!opened.ok()) __builtin_trap();
    ledger = *std::move(opened);
  }
  return *ledger;
}

// What a replay does with a loaded workload before it opens a run: the
// scheduler's checks (limits, dependency cycles) and that its money fits
// (replay::CheckWorkload). An error is fine; nothing is replayed.
inline void CreateSimulator(const traces::Workload& w) {
  replay::CheckWorkload(w, {}, /*seed=*/1).IgnoreError();
}

// 100 years of 365.25 days, the bound plans and job traces put on run time.
inline constexpr int64_t kHundredYears = 3'155'760'000;

}  // namespace gpuledger::fuzz

#endif  // GPULEDGER_FUZZ_WORKLOAD_CHECKS_H_

// Plans replayed as the server replays them (StartReplay): loaded with file
// references refused, then ReplayRun::Start into a scratch ledger and at
// most 64 steps of 16 event instants, then cancelled where the simulator
// stands, so each input costs bounded work. Plans above 64 nodes or 32 jobs
// are only loaded (plan_fuzzer covers loading). Shares plan_fuzzer's corpus
// and dictionary. Invariant: a replay that completes accounts for every
// GPU-second of its window once (busy + idle + down = GPUs x window,
// docs/ARCHITECTURE.md; on a mixed cluster, each pool's GPUs over the part
// of the window it served) and completed every job.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "fuzz/fuzz_util.h"
#include "fuzz/workload_checks.h"
#include "replay/replay.h"
#include "traces/plan.h"

namespace {

gpuledger::ledger::Ledger& ScratchLedger() {
  return gpuledger::fuzz::ScratchLedger("replay.sqlite", 500);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<gpuledger::traces::Workload> w =
      gpuledger::traces::LoadPlanText(text, "fuzz.textproto", /*allow_file_references=*/false);
  if (!w.ok() || w->nodes > 64 || w->jobs.size() > 32) return 0;
  const int64_t gpus = w->total_gpus();
  const size_t jobs = w->jobs.size();
  // Once: every call counts towards starting the scratch ledger afresh.
  gpuledger::ledger::Ledger& ledger = ScratchLedger();
  auto run = gpuledger::replay::ReplayRun::Start(*std::move(w), ledger, /*seed=*/1);
  if (!run.ok()) return 0;
  gpuledger::replay::ReplayRun& r = **run;
  for (int step = 0; step < 64 && !r.done(); ++step) {
    if (!r.AdvanceInstants(16).ok()) {
      r.Fail().IgnoreError();
      return 0;
    }
  }
  if (!r.done()) {
    r.Cancel(r.simulator().now()).IgnoreError();
    return 0;
  }
  absl::StatusOr<gpuledger::replay::ReplayResult> result = r.Complete();
  if (!result.ok()) return 0;
  const gpuledger::scheduler::RunSummary& s = result->summary;
  FUZZ_CHECK(s.jobs_completed == static_cast<int>(jobs));
  __int128 capacity = static_cast<__int128>(gpus) * (s.end - s.start);
  absl::StatusOr<gpuledger::ledger::RunRecord> rec = ledger.GetRun(result->run_id);
  FUZZ_CHECK(rec.ok());
  if (!rec->pools.empty()) {
    capacity = 0;
    for (const gpuledger::ledger::RunPool& p : rec->pools) {
      const int64_t from = std::max(s.start, p.available_from);
      const int64_t to = p.retired_at < 0 ? s.end : std::min(s.end, p.retired_at);
      if (to > from) capacity += static_cast<__int128>(p.total_gpus()) * (to - from);
    }
  }
  FUZZ_CHECK(static_cast<__int128>(s.busy_gpu_seconds) + s.idle_gpu_seconds + s.down_gpu_seconds ==
             capacity);
  return 0;
}

// Strategy sets (traces/strategies.h LoadStrategies; it takes a path, so the
// input goes through a file). A set that loads is then compared the way the
// server compares a request's strategies (shipped pricing profiles only, no
// files) on a fixed three-job plan, its first four strategies at most, into
// a scratch ledger that is started afresh every 200 comparisons so it stays
// small. Invariants after an OK load: at least one strategy and one position
// per strategy; after an OK comparison: one result per strategy, and
// non-negative GPU-seconds and costs whose total is the sum of its parts
// (a fleet's: of its pools too).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "fuzz/fuzz_util.h"
#include "fuzz/workload_checks.h"
#include "compare/compare.h"
#include "traces/plan.h"

namespace rp = gpuledger::compare;

namespace {

constexpr char kPlan[] = R"(
name: "fuzz"
cluster { gpu: "H100" nodes: 4 }
jobs { id: "a" phase: PRETRAIN gpus: 16 gpu_hours: 64 }
jobs { id: "b" phase: RL gpus: 8 wall_clock_hours: 2 after: "a" }
jobs { id: "c" phase: EVAL gpus: 2 gpu_hours: 1 submit_seconds: 600 }
)";

const gpuledger::traces::Workload& Plan() {
  static const gpuledger::traces::Workload* w = [] {
    auto loaded = gpuledger::traces::LoadPlanText(kPlan, "fuzz.textproto");
    if (!loaded.ok()) __builtin_trap();
    return new gpuledger::traces::Workload(*std::move(loaded));
  }();
  return *w;
}

gpuledger::ledger::Ledger& ScratchLedger() {
  return gpuledger::fuzz::ScratchLedger("compare.sqlite", 200);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = gpuledger::fuzz::WriteInput("strategies.textproto", data, size);
  std::vector<gpuledger::traces::StrategyPlace> where;
  absl::StatusOr<std::vector<gpuledger::v1::Strategy>> set =
      gpuledger::traces::LoadStrategies(path, &where);
  if (!set.ok()) return 0;
  FUZZ_CHECK(!set->empty());
  FUZZ_CHECK(where.size() == set->size());
  if (set->size() > 4) set->resize(4);
  where.resize(set->size());
  rp::CompareOptions options;
  options.allow_profile_files = false;
  absl::StatusOr<std::vector<rp::StrategyResult>> results =
      rp::CompareStrategies(Plan(), *set, options, ScratchLedger(), where);
  if (!results.ok()) return 0;
  FUZZ_CHECK(results->size() == set->size());
  for (const rp::StrategyResult& r : *results) {
    FUZZ_CHECK(r.productive_gpu_seconds >= 0 && r.on_demand_gpu_seconds >= 0);
    FUZZ_CHECK(r.on_demand_micro_usd >= 0 && r.committed_micro_usd >= 0);
    FUZZ_CHECK(r.total_micro_usd == r.on_demand_micro_usd + r.committed_micro_usd);
    // A fleet's pools add up to its totals.
    int64_t pools = 0, capital = 0;
    for (const rp::FleetPoolResult& f : r.fleet) {
      FUZZ_CHECK(f.total_micro_usd >= 0 && f.busy_gpu_seconds >= f.productive_gpu_seconds);
      pools += f.total_micro_usd;
      capital += f.capital_micro_usd;
    }
    FUZZ_CHECK(r.fleet.empty() || (pools == r.total_micro_usd && capital == r.capital_micro_usd));
  }
  (void)rp::FormatComparison(*results, "table");
  (void)rp::FormatComparison(*results, "csv");
  return 0;
}

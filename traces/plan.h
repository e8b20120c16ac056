// Loading training plans: a protobuf text-format file becomes a validated,
// in-memory Workload (the cluster, the merged pricing, and each job's run
// time in integer seconds). Knows no scheduler and no ledger.
#ifndef GPULEDGER_TRACES_PLAN_H_
#define GPULEDGER_TRACES_PLAN_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "gpuledger/v1/plan.pb.h"

namespace gpuledger::traces {

struct PlanJob {
  std::string id;
  gpuledger::v1::Phase phase = gpuledger::v1::PHASE_UNSPECIFIED;
  std::string project;  // plans: defaults to the id; job traces: the type; SWF: "swf"
  int gpus = 0;
  int priority = 0;
  int64_t submit_seconds = 0;
  int64_t eligible_seconds = 0;   // job traces: queued from then (>= submit), 0: at submit
  int64_t run_seconds = 0;        // work converted to time on `gpus` GPUs
  int64_t requested_seconds = 0;  // asked of the scheduler; 0 if not given
  std::vector<int> after;         // indices into Workload::jobs
  // Seconds of work between checkpoints: 0 none, kAutoCheckpoint for the
  // Young/Daly interval (set where the failure rate is known, by the replay).
  int64_t checkpoint_seconds = 0;
  int64_t checkpoint_write_seconds = 0;  // each write stalls the job's GPUs
  std::string status;                    // job traces: completed, cancelled or failed
  // A mixed cluster: the pools the job may use, in its order of preference,
  // with its work converted to run time (and requested time, 0 if none)
  // there. run_seconds and requested_seconds are the first's. Empty on a
  // cluster of one pool.
  struct PoolRun {
    int pool = 0;  // index into Workload::pools
    int64_t run_seconds = 0;
    int64_t requested_seconds = 0;
  };
  std::vector<PoolRun> pool_runs;
};
constexpr int64_t kAutoCheckpoint = -1;

// The longest time any input may state, 100 years of seconds: longer is a
// unit mistake, and the bound keeps every GPU-second and micro-dollar product
// of a replay far from overflowing 64 bits (docs/metrics.md, "Bounds").
inline constexpr int64_t kMaxSeconds = 3'155'760'000;

// Nodes a cluster may have (and spares), GPUs per node, and GPUs in all, for
// plans and traces alike: far above any real cluster (the largest announced
// hold about a million GPUs), and they keep GPU counts within int and every
// GPU-second sum of a replay within int64 (docs/metrics.md, "Bounds").
inline constexpr int kMaxNodes = 1'000'000;
inline constexpr int kMaxGpusPerNode = 1024;
inline constexpr int64_t kMaxClusterGpus = 10'000'000;

// One pool of a mixed cluster (Cluster.pools).
struct ClusterPool {
  std::string name;
  gpuledger::v1::GpuModel gpu;
  int nodes = 0;  // every node, hot spares included
  int pod_nodes = 0;
  int spare_nodes = 0;
  std::optional<gpuledger::v1::FailureModelSpec> failure_model;
  std::string failure_model_name;
  int64_t restart_seconds = 0;
  // UTC instants (seconds since 1970); unset: from the start, and never.
  std::optional<int64_t> available_from_utc;
  std::optional<int64_t> retired_at_utc;
  int total_gpus() const { return nodes * gpu.gpus_per_node(); }
};

struct Workload {
  std::string name;    // plan name (file stem when the plan has none)
  std::string source;  // file path, or the name given with the text
  std::string sha256;  // hex SHA-256 of the plan's bytes (with a background trace: of both digests)
  // The cluster's GPU model (a mixed cluster's: its first pool's).
  gpuledger::v1::GpuModel gpu;
  // A mixed cluster's pools; empty for a cluster of one pool, which the
  // fields here describe. With pools, `nodes` is every pool's, and the
  // failure fields are unset (each pool has its own).
  std::vector<ClusterPool> pools;
  // Every model the plan may name: the built-in catalog and the plan's own.
  std::map<std::string, gpuledger::v1::GpuModel> catalog;
  int nodes = 0;        // every node, hot spares included
  int pod_nodes = 0;    // nodes per pod; 0: no pods
  int spare_nodes = 0;  // the last `spare_nodes` nodes stand by as hot spares
  // Failures (none if unset), the restart they cost, and the window reports
  // scale interruptions to.
  std::optional<gpuledger::v1::FailureModelSpec> failure_model;
  std::string failure_model_name;  // as the plan gave it
  int64_t restart_seconds = 0;
  double interruption_window_days = 0;
  // The UTC instant (seconds since 1970) of simulated second 0: the plan's
  // start_date, or replay's --start-date; unset: no calendar.
  std::optional<int64_t> start_utc;
  gpuledger::v1::Pricing pricing;  // built-in defaults, overridden by the plan
  // A plan's jobs as written (the first plan_jobs.size() of `jobs`; a
  // background trace's come after) and its measured throughput factors:
  // what RunOnPools converts again.
  std::vector<gpuledger::v1::Job> plan_jobs;
  std::vector<gpuledger::v1::ThroughputFactor> throughput_factors;
  std::vector<PlanJob> jobs;
  // Trace jobs left out, by reason ("run time <= 0", ...).
  std::map<std::string, int64_t> skipped;
  // Job traces: jobs kept, by how they ended.
  std::map<std::string, int64_t> jobs_by_status;

  int total_gpus() const {
    if (pools.empty()) return nodes * gpu.gpus_per_node();
    int gpus = 0;
    for (const ClusterPool& p : pools) gpus += p.total_gpus();
    return gpus;
  }
};

// The built-in catalog and defaults (traces/defaults.textproto, compiled in).
const gpuledger::v1::Defaults& BuiltinDefaults();

// Reads and validates a plan. Errors are InvalidArgument with a message that
// starts "FILE:LINE:COLUMN: " where a place in the file is known, and names
// the job and field for semantic errors; NotFound if the file can't be read.
absl::StatusOr<Workload> LoadPlanFile(const std::string& path);

// As LoadPlanFile, for plan text already in memory; `source` names it in
// messages. Without `allow_file_references` (plans sent over the network),
// a failure model may only name a shipped model, never a file, and a plan
// may not name a background_trace file.
absl::StatusOr<Workload> LoadPlanText(absl::string_view text, absl::string_view source,
                                      bool allow_file_references = true);

// The workload on `pools` (at least one) instead of its cluster: each plan
// job's pools (its `models`, else every pool its size and memory fit) and
// its work converted to run time on each, by the rules LoadPlanText
// follows (docs/metrics.md, "Work on another GPU model"); a background
// trace's jobs keep their run times, on every pool they fit. Prices are the
// caller's (a strategy's). Errors name the job and field, not a line, and
// call the pools' owner `pools_are`; a job too big for every pool is told
// `size_hint` as well.
absl::Status RunOnPools(std::vector<ClusterPool> pools, Workload* w,
                        absl::string_view pools_are = "the cluster",
                        absl::string_view size_hint = "");

// Checks a job id or project name given in a plan or trace: no control
// characters, and none of the names of a report's own rows ("idle", "down",
// "total", "all jobs", "unused term", in any case), so no report row can be mistaken for
// another. The InvalidArgument message starts "field FIELD: ".
absl::Status CheckName(absl::string_view value, absl::string_view field);

// Lower-case name of a phase as used in reports: "pretrain", "rl", ...
const std::string& PhaseName(gpuledger::v1::Phase phase);

// Hex SHA-256 of `bytes`.
std::string Sha256Hex(absl::string_view bytes);

}  // namespace gpuledger::traces

#endif  // GPULEDGER_TRACES_PLAN_H_

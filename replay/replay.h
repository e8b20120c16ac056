// Wires a workload, the scheduler and the ledger together: one replay of a
// plan becomes one run in the ledger.
#ifndef GPULEDGER_REPLAY_REPLAY_H_
#define GPULEDGER_REPLAY_REPLAY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gpuledger/v1/ledger_service.pb.h"
#include "ledger/store.h"
#include "scheduler/simulator.h"
#include "traces/plan.h"
#include "traces/swf.h"

namespace gpuledger::replay {

// What a run is part of, recorded with it.
struct RunLabels {
  int64_t group_id = 0;  // its run group (replay --seeds); 0: none
  std::string strategy;  // the capacity strategy; "" for a plain replay
  // The cluster's pool in a strategy (owned or reserved); kNone otherwise.
  ledger::Pool committed_pool = ledger::Pool::kNone;
  // A fleet strategy: each pool's capacity (owned or on demand), in the
  // workload's pool order; its entries are recorded as that pool's.
  std::vector<ledger::Pool> pool_capacity;
};

// What the ledger records of each job beyond the scheduler's JobSpec.
struct JobLabels {
  std::vector<gpuledger::v1::Phase> phase;
  std::vector<uint32_t> project;       // index into projects
  std::vector<std::string> projects;  // each distinct project once
};

// A workload with its jobs in the scheduler's form and their labels: the
// plan's own job records (workload.jobs) are not kept, so a large trace is
// held once, as the scheduler's jobs.
struct SchedulerJobs {
  traces::Workload workload;  // everything but its jobs
  std::vector<scheduler::JobSpec> specs;
  JobLabels labels;
};

// `workload`'s jobs converted (see ToJobSpecs), one at a time.
SchedulerJobs ToSchedulerJobs(traces::Workload workload);

// Reads an SWF trace (traces::ReadSwfFile) straight into the scheduler's
// form, never holding its plan jobs: the same jobs and errors as
// ToSchedulerJobs(LoadSwfFile(...)).
absl::StatusOr<SchedulerJobs> ReadSwfJobs(const std::string& path,
                                          const traces::SwfOptions& options);

struct ReplayResult {
  int64_t run_id = 0;
  scheduler::RunSummary summary;
  gpuledger::v1::RunMetrics metrics;
};

// One replay in progress: its run in the ledger and the simulator that
// writes it. Advance it in steps (each step commits what it wrote), then end
// it with Complete, Cancel or Fail. A ReplayRun dropped before it ends leaves
// its run "running" in the ledger: visibly incomplete.
class ReplayRun {
 public:
  // Checks `workload` against the scheduler's rules (Simulator::Create:
  // limits and dependency cycles) and only then opens a run in `ledger`: a
  // workload that cannot be replayed writes nothing. `ledger` must outlive the ReplayRun; the
  // ReplayRun keeps the workload (move it in to avoid a copy).
  // With `background_writes`, SQLite writes on a thread of its own (see
  // RunWriter::WriteInBackground): only for a ledger connection nobody else
  // uses meanwhile.
  static absl::StatusOr<std::unique_ptr<ReplayRun>> Start(
      traces::Workload workload, ledger::Ledger& ledger, int64_t seed,
      const scheduler::SchedulerOptions& options = {}, bool background_writes = false,
      const RunLabels& labels = {});
  // Start in two steps: Prepare builds the simulator and makes every check
  // Start makes (a workload it refuses is an error here), touching no
  // ledger; Open then writes the run and its jobs into `ledger`, which must
  // outlive the ReplayRun. A command line prepares before it opens (or
  // creates) a ledger, so bad input leaves no file.
  static absl::StatusOr<std::unique_ptr<ReplayRun>> Prepare(
      traces::Workload workload, int64_t seed, const scheduler::SchedulerOptions& options = {},
      const RunLabels& labels = {});
  // The same for jobs already in the scheduler's form.
  static absl::StatusOr<std::unique_ptr<ReplayRun>> Prepare(
      SchedulerJobs jobs, int64_t seed, const scheduler::SchedulerOptions& options = {},
      const RunLabels& labels = {});
  absl::Status Open(ledger::Ledger& ledger, bool background_writes = false);
  ~ReplayRun();

  int64_t run_id() const;
  // The workload without its jobs: once the simulator holds them (see
  // simulator().jobs()), the plan's own job records are released, so a
  // large trace is not held twice; what the ledger needs of them beyond the
  // scheduler's view is kept compactly (phase, project).
  const traces::Workload& workload() const { return workload_; }
  gpuledger::v1::Phase phase(int job) const { return labels_.phase[job]; }
  const std::string& project(int job) const {
    return labels_.projects[labels_.project[job]];
  }
  const scheduler::Simulator& simulator() const { return *sim_; }
  bool done() const { return sim_->done(); }

  // Applies every event through simulated time `t` and commits.
  absl::Status AdvanceTo(scheduler::Seconds t);
  // Applies at most `instants` event instants and commits.
  absl::Status AdvanceInstants(int instants);

  // Ends a done() replay: the run is marked complete with its schedule
  // metrics; if the simulator cannot finish (stopped early, or jobs never
  // ran: a scheduler bug), it is marked failed and the error returned.
  absl::StatusOr<ReplayResult> Complete();
  // Ends the replay early at simulated time `reached` (at least where the
  // simulator is, before its next event): running jobs and idle GPUs are
  // recorded up to then and the run is marked cancelled.
  absl::Status Cancel(scheduler::Seconds reached);
  // Marks the run failed where the simulator stands.
  absl::Status Fail();

 private:
  class Sink;
  ReplayRun(traces::Workload workload, JobLabels labels);
  traces::Workload workload_;  // without its jobs: the simulator has them
  JobLabels labels_;
  ledger::RunRecord run_;  // what Open writes
  std::unique_ptr<ledger::RunWriter> writer_;
  std::unique_ptr<Sink> sink_;
  std::unique_ptr<scheduler::Simulator> sim_;
};

// Checks `workload` against the scheduler's rules (limits, dependency
// cycles) and that its figures fit (priced over its longest failure-free
// window or `horizon_seconds`) as ReplayRun::Start does, without a ledger:
// callers check before they open one, so bad input does not even create it.
absl::Status CheckWorkload(const traces::Workload& workload,
                           const scheduler::SchedulerOptions& options, int64_t seed,
                           int64_t horizon_seconds = 0);

// Replays `workload` under `options.policy` (FCFS by default) into a new run
// of `ledger`, start to end.
// With `schedule_out`, also writes the schedule there as CSV.
absl::StatusOr<ReplayResult> ReplayWorkload(traces::Workload workload, ledger::Ledger& ledger,
                                            int64_t seed,
                                            const scheduler::SchedulerOptions& options = {},
                                            const std::string& schedule_out = "",
                                            const RunLabels& labels = {});

// Whether a job's nodes carry information worth a ledger's bytes: on nodes
// of several GPUs (gangs take whole nodes, within pods) or where nodes fail
// (a failure stops the jobs on its node). On a cluster of one-GPU nodes that
// never fail (an SWF trace's), a node is a GPU like any other, and which
// ones a job held changes no figure and no event: a replay records no nodes
// then, and lets the scheduler count GPUs instead of placing them.
bool NodesMatter(const traces::Workload& workload, const scheduler::SchedulerOptions& options);

// The rest of ReplayWorkload for a prepared replay: opens it in `ledger`
// (writing in the background), replays it start to end, completes it.
absl::StatusOr<ReplayResult> ReplayPrepared(std::unique_ptr<ReplayRun> run, ledger::Ledger& ledger,
                                            const std::string& schedule_out = "");

// Monte Carlo: replays `workload` with seeds first_seed .. first_seed +
// seeds - 1 into the ledger at `ledger_path`, as one new run group, on
// `threads` threads (0: one per core), each replay on a connection of its
// own. Every replay is deterministic, so the group's figures do not depend
// on the threads. Returns the group's id; on an error, the first error (the
// group and the runs written so far stay, runs cut short marked failed).
absl::StatusOr<int64_t> ReplayGroup(const traces::Workload& workload,
                                    const std::string& ledger_path, int64_t first_seed, int seeds,
                                    const scheduler::SchedulerOptions& options, int threads = 0);

// The scheduler's view of a workload's jobs: run time, estimate (the larger
// of requested time and run time), dependencies.
// Checkpoint intervals given as "auto" become the Young/Daly interval for
// the job's failure rate (its whole nodes' GPUs x the model's rate, planned
// maintenance included); with no failure model, no checkpoints.
std::vector<scheduler::JobSpec> ToJobSpecs(const traces::Workload& workload);

// The scheduler's failure model from a failure model file: the unexpected
// rate split over the causes by their counts, plus planned maintenance as a
// cause of its own.
scheduler::FailureModel ToFailureModel(const gpuledger::v1::FailureModelSpec& spec);

// `options` with the workload's spare nodes and, unless the options already
// carry failures of their own, its failures (drawn from `seed`) and restart
// time.
scheduler::SchedulerOptions WithWorkloadFailures(scheduler::SchedulerOptions options,
                                                 const traces::Workload& workload, int64_t seed);

// Nodes of an allocation in the ledger's notation: whole nodes as ranges
// ("0-255,300"), a part of one node as node[GPUs] ("3[4]").
std::string NodesText(const scheduler::Allocation& allocation, int gpus_per_node);

}  // namespace gpuledger::replay

#endif  // GPULEDGER_REPLAY_REPLAY_H_

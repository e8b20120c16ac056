#include "replay/replay.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "base/calendar.h"
#include "pricing/curve.h"
#include "pricing/rates.h"
#include "replay/metrics.h"
#include "traces/failures.h"

namespace gpuledger::replay {

namespace {

// Refuses a workload whose figures could pass what int64 micro-dollars hold:
// every GPU of the cluster (and every on-demand GPU-second its jobs could
// hold) over the longest window a replay without failures can have, or the
// horizon, at the highest of its rates. Failures can stretch a replay
// beyond this; a report of such a run is refused (OutOfRange) instead.
// A dated run's every instant must have a date (up to 9999-12-31).
absl::Status CheckCalendarFits(const traces::Workload& w, int64_t window) {
  if (!w.start_utc || *w.start_utc + window <= base::kLastUtcSecond) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "its start date, ", base::FormatUtc(*w.start_utc), ", leaves too little calendar: the "
      "replay's longest possible window (", window / base::kSecondsPerDay,
      " days) could end after 9999-12-31; give an earlier start date"));
}

absl::Status CheckMoneyFits(const traces::Workload& w, const std::vector<scheduler::JobSpec>& specs,
                            int64_t horizon_seconds) {
  int64_t window = std::max(scheduler::SerialBound(specs), horizon_seconds);
  // A job may wait for its pool to open.
  for (const traces::ClusterPool& p : w.pools) {
    if (p.available_from_utc && w.start_utc) {
      window += std::max<int64_t>(0, *p.available_from_utc - *w.start_utc);
      break;
    }
  }
  pricing::ExactUsd gpu_seconds = static_cast<pricing::ExactUsd>(w.total_gpus()) * window;
  for (const scheduler::JobSpec& j : specs) {
    int64_t longest = j.run_seconds;
    for (const scheduler::PoolChoice& c : j.pools) longest = std::max(longest, c.run_seconds);
    gpu_seconds += static_cast<pricing::ExactUsd>(j.gpus) * longest;
  }
  // A mixed cluster: every model's prices, at its TDP (the highest bound).
  for (const v1::ModelPricing& m : w.pricing.models()) {
    for (const traces::ClusterPool& p : w.pools) {
      if (p.gpu.name() != m.gpu()) continue;
      const v1::Pricing prices = pricing::PricingForModel(w.pricing, m.gpu());
      if (auto s = pricing::CheckCurvesBounded(prices, w.start_utc, window); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(w.source, ": ", s.message()));
      }
      if (auto s = pricing::CheckCostFits(
              pricing::ComputeRates(pricing::HighestPrices(prices, w.start_utc, window),
                                    p.gpu.tdp_watts(), p.gpu.gpus_per_node()),
              gpu_seconds, w.source);
          !s.ok()) {
        return s;
      }
      break;
    }
  }
  for (const absl::Status& s : {pricing::CheckCurvesPlaced(w.pricing, w.start_utc.has_value()),
                                pricing::CheckCurvesBounded(w.pricing, w.start_utc, window),
                                CheckCalendarFits(w, window)}) {
    if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat(w.source, ": ", s.message()));
  }
  // Prices that move are bounded by the highest they can reach in the window.
  return pricing::CheckCostFits(
      pricing::ComputeRates(pricing::HighestPrices(w.pricing, w.start_utc, window),
                            w.gpu.tdp_watts(), w.gpu.gpus_per_node()),
      gpu_seconds, w.source);
}

// A mixed cluster's pools for the scheduler, with their dates as simulated
// seconds (which need a calendar), and as the run records them.
absl::Status MixedPools(const traces::Workload& w, const scheduler::SchedulerOptions& options,
                        std::vector<scheduler::PoolSpec>* specs,
                        std::vector<ledger::RunPool>* records) {
  if (options.failure_model || !options.failures.empty()) {
    return absl::InvalidArgumentError(
        "a mixed cluster's failures come from its pools' failure models");
  }
  for (const traces::ClusterPool& p : w.pools) {
    scheduler::PoolSpec s;
    s.name = p.name;
    s.shape = {p.nodes, p.gpu.gpus_per_node(), p.pod_nodes};
    if (p.failure_model) s.failure_model = ToFailureModel(*p.failure_model);
    s.spare_nodes = p.spare_nodes;
    s.restart_seconds = p.restart_seconds;
    const std::string who = absl::StrCat("pool \"", p.name, "\": ");
    for (const auto& [field, utc] : {std::pair<const char*, const std::optional<int64_t>&>{
                                         "available_from", p.available_from_utc},
                                     {"retired_at", p.retired_at_utc}}) {
      if (utc && !w.start_utc) {
        return absl::InvalidArgumentError(absl::StrCat(
            who, field, " is a date, and the replay has no calendar: give the plan a "
                        "start_date, or --start-date"));
      }
    }
    if (p.available_from_utc) {
      s.available_from = std::max<int64_t>(0, *p.available_from_utc - *w.start_utc);
      if (s.available_from > scheduler::kMaxSimulatedSeconds / 2) {
        return absl::InvalidArgumentError(absl::StrCat(
            who, "available_from, ", base::FormatUtc(*p.available_from_utc),
            ", is further from the replay's start than a replay reaches"));
      }
    }
    // A retirement beyond any replay's reach is none.
    if (p.retired_at_utc && *p.retired_at_utc - *w.start_utc <= scheduler::kMaxSimulatedSeconds) {
      s.retired_at = *p.retired_at_utc - *w.start_utc;
      if (s.retired_at <= s.available_from) {
        return absl::InvalidArgumentError(absl::StrCat(
            who, "retired_at, ", base::FormatUtc(*p.retired_at_utc),
            ", is not after the replay's start, ", base::FormatUtc(*w.start_utc)));
      }
    }
    records->push_back({p.name, p.gpu.name(), p.nodes, p.gpu.gpus_per_node(), p.gpu.tdp_watts(),
                        s.available_from,
                        s.retired_at <= scheduler::kMaxSimulatedSeconds ? s.retired_at : -1});
    specs->push_back(std::move(s));
  }
  return absl::OkStatus();
}

// The simulator of a workload's cluster (one pool, or its pools), its
// errors naming the workload; a mixed cluster's pools for the scheduler and
// as the run records them.
absl::StatusOr<std::unique_ptr<scheduler::Simulator>> CreateSimulator(
    const traces::Workload& w, std::vector<scheduler::JobSpec> specs,
    const scheduler::SchedulerOptions& options, scheduler::Sink* sink,
    std::vector<scheduler::PoolSpec>* pools, std::vector<ledger::RunPool>* records) {
  absl::StatusOr<std::unique_ptr<scheduler::Simulator>> sim;
  if (w.pools.empty()) {
    sim = scheduler::Simulator::Create({w.nodes, w.gpu.gpus_per_node(), w.pod_nodes},
                                       std::move(specs), options, sink);
  } else {
    if (absl::Status s = MixedPools(w, options, pools, records); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(w.source, ": ", s.message()));
    }
    sim = scheduler::Simulator::Create(*pools, std::move(specs), options, sink);
  }
  if (!sim.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(w.source, ": ", sim.status().message()));
  }
  return sim;
}

}  // namespace

scheduler::FailureModel ToFailureModel(const v1::FailureModelSpec& spec) {
  // The causes' counts split the unexpected rate; planned maintenance is one
  // more cause at its own rate.
  scheduler::FailureModel m;
  const double unexpected = traces::PerGpuHour(spec.unexpected());
  const double planned = spec.has_planned() ? traces::PerGpuHour(spec.planned()) : 0.0;
  m.per_gpu_hour = unexpected + planned;
  double counted = 0;
  for (const auto& c : spec.causes()) counted += static_cast<double>(c.count());
  for (const auto& c : spec.causes()) {
    if (counted <= 0 || c.count() == 0) continue;
    m.causes.push_back({c.name(), unexpected * static_cast<double>(c.count()) / counted,
                        std::llround(c.repair_hours() * 3600)});
  }
  if (planned > 0) {
    m.causes.push_back({"planned maintenance", planned,
                        std::llround(spec.planned_repair_hours() * 3600), /*planned=*/true});
  }
  return m;
}

namespace {

// Turns plan jobs into the scheduler's jobs (see ToJobSpecs) and labels, one
// at a time.
class JobConverter {
 public:
  explicit JobConverter(const traces::Workload& w)
      : per_node_(w.gpu.gpus_per_node()),
        per_gpu_second_(w.failure_model ? ToFailureModel(*w.failure_model).per_gpu_hour / 3600.0
                                        : 0.0) {
    for (const traces::ClusterPool& p : w.pools) {
      pool_per_node_.push_back(p.gpu.gpus_per_node());
      pool_per_gpu_second_.push_back(
          p.failure_model ? ToFailureModel(*p.failure_model).per_gpu_hour / 3600.0 : 0.0);
    }
  }

  scheduler::JobSpec Spec(traces::PlanJob&& j) const {
    scheduler::JobSpec s{std::move(j.id),
                         j.gpus,
                         j.priority,
                         j.submit_seconds,
                         j.run_seconds,
                         std::move(j.after),
                         std::max(j.requested_seconds, j.run_seconds)};
    if (j.eligible_seconds > j.submit_seconds) s.eligible = j.eligible_seconds;
    s.checkpoint_seconds = j.checkpoint_seconds;
    s.checkpoint_write_seconds = j.checkpoint_write_seconds;
    int per_node = per_node_;
    double per_gpu_second = per_gpu_second_;
    for (const traces::PlanJob::PoolRun& r : j.pool_runs) {
      s.pools.push_back({r.pool, r.run_seconds, std::max(r.requested_seconds, r.run_seconds)});
    }
    // On a mixed cluster, "auto" is the interval for the first of its pools
    // that fails (the plan checks one does).
    for (const traces::PlanJob::PoolRun& r : j.pool_runs) {
      if (pool_per_gpu_second_[r.pool] > 0) {
        per_node = pool_per_node_[r.pool];
        per_gpu_second = pool_per_gpu_second_[r.pool];
        break;
      }
    }
    if (j.checkpoint_seconds == traces::kAutoCheckpoint) {
      // A job fails when any node it touches fails: whole nodes' GPUs.
      const int nodes = (j.gpus + per_node - 1) / per_node;
      const double rate = per_gpu_second * nodes * per_node;
      s.checkpoint_seconds =
          rate > 0 ? scheduler::YoungDalyInterval(j.checkpoint_write_seconds, rate) : 0;
    }
    return s;
  }

  // Appends `j` to `out`.
  void Add(traces::PlanJob&& j, SchedulerJobs* out) {
    JobLabels& l = out->labels;
    l.phase.push_back(j.phase);
    auto [it, added] =
        project_index_.try_emplace(j.project, static_cast<uint32_t>(l.projects.size()));
    if (added) l.projects.push_back(j.project);
    l.project.push_back(it->second);
    out->specs.push_back(Spec(std::move(j)));
  }

 private:
  const int per_node_;
  const double per_gpu_second_;
  std::vector<int> pool_per_node_;  // a mixed cluster's, by pool
  std::vector<double> pool_per_gpu_second_;
  absl::flat_hash_map<std::string, uint32_t> project_index_;
};

}  // namespace

std::vector<scheduler::JobSpec> ToJobSpecs(const traces::Workload& w) {
  const JobConverter c(w);
  std::vector<scheduler::JobSpec> specs;
  specs.reserve(w.jobs.size());
  for (const traces::PlanJob& j : w.jobs) specs.push_back(c.Spec(traces::PlanJob(j)));
  return specs;
}

SchedulerJobs ToSchedulerJobs(traces::Workload w) {
  SchedulerJobs out;
  std::vector<traces::PlanJob> jobs;
  jobs.swap(w.jobs);
  out.workload = std::move(w);
  out.specs.reserve(jobs.size());
  out.labels.phase.reserve(jobs.size());
  out.labels.project.reserve(jobs.size());
  JobConverter c(out.workload);
  for (traces::PlanJob& j : jobs) c.Add(std::move(j), &out);
  return out;
}

absl::StatusOr<SchedulerJobs> ReadSwfJobs(const std::string& path,
                                          const traces::SwfOptions& options) {
  SchedulerJobs out;
  // Room for every job the file can hold (address space, not memory, until
  // used): the vectors never move, and the pages they use are touched once.
  traces::ReserveRoom(traces::SwfJobsAtMost(path), &out.specs, &out.labels.phase,
                      &out.labels.project);
  std::optional<JobConverter> c;  // once the trace's header has set the cluster
  absl::Status s = traces::ReadSwfFile(path, options, &out.workload, [&](traces::PlanJob&& j) {
    if (!c) c.emplace(out.workload);
    c->Add(std::move(j), &out);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

bool NodesMatter(const traces::Workload& w, const scheduler::SchedulerOptions& options) {
  bool pools = false;
  for (const traces::ClusterPool& p : w.pools) {
    pools = pools || p.gpu.gpus_per_node() > 1 || p.failure_model.has_value();
  }
  return pools || w.gpu.gpus_per_node() > 1 || w.failure_model.has_value() ||
         options.failure_model.has_value() || !options.failures.empty();
}

scheduler::SchedulerOptions WithWorkloadFailures(scheduler::SchedulerOptions options,
                                                 const traces::Workload& w, int64_t seed) {
  if (!w.pools.empty()) {
    // Each pool has its own failures, spares and restart (MixedPools).
    options.failure_seed = static_cast<uint64_t>(seed);
    return options;
  }
  if (w.failure_model && !options.failure_model && options.failures.empty()) {
    options.failure_model = ToFailureModel(*w.failure_model);
    options.failure_seed = static_cast<uint64_t>(seed);
    options.restart_seconds = w.restart_seconds;
  }
  // Spot capacity taken back: the job restarts as after a failure.
  if (options.spot() && options.failures.empty() && !options.failure_model) {
    options.restart_seconds = w.restart_seconds;
  }
  options.spare_nodes = w.spare_nodes;
  return options;
}

// Turns scheduler callbacks into ledger rows.
class ReplayRun::Sink : public scheduler::Sink {
 public:
  // `keep_nodes`: record the nodes of each job's entries (see NodesMatter).
  Sink(int gpus_per_node, ledger::Pool committed_pool, bool keep_nodes, size_t jobs)
      : gpus_per_node_(gpus_per_node),
        committed_pool_(committed_pool),
        keep_nodes_(keep_nodes),
        nodes_(keep_nodes ? jobs : 0) {}
  // The simulator's jobs (for their ids), set once it is created.
  void set_jobs(const std::vector<scheduler::JobSpec>* jobs) { jobs_ = jobs; }
  // Set once the run is open, before the simulator reports anything.
  void set_writer(ledger::RunWriter* writer) { writer_ = writer; }
  // The failure model's causes by index, to name an interruption's.
  void set_causes(std::vector<std::string> names) { causes_ = std::move(names); }
  // A fleet strategy's capacity of each pool.
  void set_pool_capacity(std::vector<ledger::Pool> capacity) {
    pool_capacity_ = std::move(capacity);
  }
  // A mixed cluster's GPUs per node, first node (numbered across the
  // cluster) and failure causes, by pool.
  void set_pools(const std::vector<scheduler::PoolSpec>& pools) {
    int first = 0;
    for (const scheduler::PoolSpec& p : pools) {
      pool_per_node_.push_back(p.shape.gpus_per_node);
      pool_first_node_.push_back(first);
      first += p.shape.nodes;
      std::vector<std::string>& names = pool_causes_.emplace_back();
      if (p.failure_model) {
        for (const auto& c : p.failure_model->causes) names.push_back(c.name);
      }
    }
  }

  absl::Status OnJobStart(scheduler::Seconds, int job, const scheduler::Allocation& a) override {
    // Written with the job's usage entry when it ends or is stopped.
    if (keep_nodes_) {
      nodes_[job] =
          NodesText(a, pool_per_node_.empty() ? gpus_per_node_ : pool_per_node_[a.pool]);
    }
    return absl::OkStatus();
  }
  absl::Status OnJobEnd(scheduler::Seconds, int) override { return absl::OkStatus(); }
  absl::Status OnJobPreempted(scheduler::Seconds time, int job) override {
    return writer_->AppendJobEvent({time, (*jobs_)[job].id, "preempt", ""});
  }
  // A failure comes first, then the interruptions of the jobs on its node.
  absl::Status OnNodeFailure(scheduler::Seconds, const scheduler::NodeFailure& f) override {
    const std::vector<std::string>* causes = &causes_;
    if (!pool_causes_.empty()) {
      // A mixed cluster: the causes of the failed node's pool.
      size_t p = 0;
      while (p + 1 < pool_first_node_.size() && f.node >= pool_first_node_[p + 1]) ++p;
      causes = &pool_causes_[p];
    }
    cause_ = f.cause >= 0 && static_cast<size_t>(f.cause) < causes->size()
                 ? (*causes)[f.cause]
                 : (f.planned ? "planned maintenance" : "failure");
    return absl::OkStatus();
  }
  absl::Status OnJobInterrupted(scheduler::Seconds time, int job, int node) override {
    return writer_->AppendJobEvent(
        {time, (*jobs_)[job].id, "interrupt", absl::StrCat(node), cause_});
  }
  absl::Status OnSpotReclaimed(scheduler::Seconds time, int job) override {
    return writer_->AppendJobEvent(
        {time, (*jobs_)[job].id, "interrupt", "spot", "spot capacity reclaimed"});
  }
  absl::Status OnUsage(const scheduler::UsageInterval& u) override {
    // Plain values: the job by its ordinal (jobs are written in workload
    // order), the category by its index.
    const absl::string_view nodes =
        u.job >= 0 && keep_nodes_ && !u.on_demand ? absl::string_view(nodes_[u.job]) : "";
    return writer_->AppendEntry(u.job, category_[static_cast<int>(u.category)], u.start, u.end,
                                u.gpus,
                                u.on_demand              ? ledger::Pool::kOnDemand
                                : pool_capacity_.empty() ? committed_pool_
                                                         : pool_capacity_[u.pool],
                                nodes, u.pool);
  }

 private:
  const int gpus_per_node_;
  const ledger::Pool committed_pool_;
  const bool keep_nodes_;
  const std::vector<scheduler::JobSpec>* jobs_ = nullptr;
  ledger::RunWriter* writer_ = nullptr;
  std::vector<std::string> causes_;
  std::vector<ledger::Pool> pool_capacity_;
  std::vector<int> pool_per_node_;
  std::vector<int> pool_first_node_;
  std::vector<std::vector<std::string>> pool_causes_;
  std::string cause_;  // of the failure being reported
  // Each scheduler category's index among the ledger's (the same names).
  static_assert(static_cast<int>(scheduler::Category::kDown) == 6, "seven categories");
  const std::array<int, 7> category_ = [] {
    std::array<int, 7> index{};
    for (int c = 0; c < 7; ++c) {
      index[c] = ledger::CategoryIndex(scheduler::CategoryName(static_cast<scheduler::Category>(c)));
    }
    return index;
  }();
  std::vector<std::string> nodes_;  // of each job's current run (kept nodes only)
};

ReplayRun::ReplayRun(traces::Workload workload, JobLabels labels)
    : workload_(std::move(workload)), labels_(std::move(labels)) {}
ReplayRun::~ReplayRun() = default;

int64_t ReplayRun::run_id() const { return writer_->run_id(); }

absl::StatusOr<std::unique_ptr<ReplayRun>> ReplayRun::Start(
    traces::Workload w, ledger::Ledger& ledger, int64_t seed,
    const scheduler::SchedulerOptions& options, bool background_writes, const RunLabels& labels) {
  absl::StatusOr<std::unique_ptr<ReplayRun>> r = Prepare(std::move(w), seed, options, labels);
  if (!r.ok()) return r.status();
  if (absl::Status s = (*r)->Open(ledger, background_writes); !s.ok()) return s;
  return r;
}

absl::StatusOr<std::unique_ptr<ReplayRun>> ReplayRun::Prepare(
    traces::Workload w, int64_t seed, const scheduler::SchedulerOptions& options,
    const RunLabels& labels) {
  return Prepare(ToSchedulerJobs(std::move(w)), seed, options, labels);
}

absl::StatusOr<std::unique_ptr<ReplayRun>> ReplayRun::Prepare(
    SchedulerJobs jobs, int64_t seed, const scheduler::SchedulerOptions& options,
    const RunLabels& labels) {
  const traces::Workload& w = jobs.workload;
  ledger::RunRecord run;
  run.group_id = labels.group_id;
  run.strategy = labels.strategy;
  run.plan_name = w.name;
  run.plan_source = w.source;
  run.plan_sha256 = w.sha256;
  run.gpu_model = w.gpu.name();
  run.nodes = w.nodes;
  run.gpus_per_node = w.gpu.gpus_per_node();
  run.gpu_tdp_watts = w.gpu.tdp_watts();
  run.policy = scheduler::PolicyName(options.policy);
  run.seed = seed;
  run.start_utc = w.start_utc;
  google::protobuf::TextFormat::PrintToString(w.pricing, &run.pricing);

  const size_t n = jobs.specs.size();
  if (jobs.labels.phase.size() != n || jobs.labels.project.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat(w.source, ": ", n, " jobs but ",
                                                   jobs.labels.phase.size(), " labels"));
  }
  std::unique_ptr<ReplayRun> r(new ReplayRun(std::move(jobs.workload), std::move(jobs.labels)));
  // The simulator checks everything that could stop a replay (limits,
  // dependency cycles) when it is created, before any ledger is touched: a
  // workload it refuses writes nothing.
  const traces::Workload& wl = r->workload_;
  const bool keep_nodes = NodesMatter(wl, options);
  r->sink_ = std::make_unique<Sink>(wl.gpu.gpus_per_node(), labels.committed_pool, keep_nodes, n);
  scheduler::SchedulerOptions sim_options = WithWorkloadFailures(options, wl, seed);
  sim_options.place_nodes = keep_nodes;  // else GPUs are counted: the same schedule, faster
  if (sim_options.failure_model) {
    std::vector<std::string> causes;
    for (const auto& c : sim_options.failure_model->causes) causes.push_back(c.name);
    r->sink_->set_causes(std::move(causes));
  }
  std::vector<scheduler::PoolSpec> pools;
  absl::StatusOr<std::unique_ptr<scheduler::Simulator>> sim =
      CreateSimulator(wl, std::move(jobs.specs), sim_options, r->sink_.get(), &pools, &run.pools);
  if (!sim.ok()) return sim.status();
  if (!labels.pool_capacity.empty()) {
    if (labels.pool_capacity.size() != run.pools.size()) {
      return absl::InvalidArgumentError(absl::StrCat(w.source, ": ", labels.pool_capacity.size(),
                                                     " pool capacities for ", run.pools.size(),
                                                     " pools"));
    }
    for (size_t k = 0; k < run.pools.size(); ++k) run.pools[k].capacity = labels.pool_capacity[k];
    r->sink_->set_pool_capacity(labels.pool_capacity);
  }
  if (!pools.empty()) {
    r->sink_->set_pools(pools);
    std::set<std::string> models;
    std::string names;
    for (const ledger::RunPool& p : run.pools) {
      if (models.insert(p.gpu_model).second) {
        absl::StrAppend(&names, names.empty() ? "" : "+", p.gpu_model);
      }
    }
    run.gpu_model = names;
  }
  r->sim_ = std::move(*sim);
  r->sink_->set_jobs(&r->sim_->jobs());
  if (absl::Status s = CheckMoneyFits(wl, r->sim_->jobs(), 0); !s.ok()) return s;
  run.sim_start = r->sim_->start();  // where the run's days begin
  r->run_ = std::move(run);
  return r;
}

absl::Status ReplayRun::Open(ledger::Ledger& ledger, bool background_writes) {
  const std::vector<scheduler::JobSpec>& jobs = sim_->jobs();
  absl::StatusOr<std::unique_ptr<ledger::RunWriter>> writer = ledger.StartRun(
      run_, jobs.size(),
      [&](size_t i, ledger::JobRecord* rec) {
        // The plan's values: the scheduler's view keeps them as given.
        const scheduler::JobSpec& j = jobs[i];
        rec->job_id = j.id;
        rec->phase = traces::PhaseName(labels_.phase[i]);
        rec->project = project(static_cast<int>(i));
        rec->gpus = j.gpus;
        rec->priority = j.priority;
        rec->submit = j.submit;
        rec->run_seconds = j.run_seconds;
      },
      background_writes);
  if (!writer.ok()) return writer.status();
  writer_ = std::move(*writer);
  sink_->set_writer(writer_.get());
  return absl::OkStatus();
}

absl::Status ReplayRun::AdvanceTo(scheduler::Seconds t) {
  if (absl::Status s = sim_->RunUntil(t); !s.ok()) return s;
  return writer_->Flush();
}

absl::Status ReplayRun::AdvanceInstants(int instants) {
  for (int i = 0; i < instants && !sim_->done(); ++i) {
    if (absl::Status s = sim_->RunUntil(sim_->next_event_time()); !s.ok()) return s;
  }
  return writer_->Flush();
}

absl::StatusOr<ReplayResult> ReplayRun::Complete() {
  absl::StatusOr<scheduler::RunSummary> summary = sim_->Finish();
  if (!summary.ok()) {
    Fail().IgnoreError();
    return summary.status();
  }
  ReplayResult result{run_id(), *summary,
                      ComputeMetrics(sim_->jobs(), sim_->times(), *summary, workload_.total_gpus(),
                                     workload_.skipped)};
  result.metrics.set_interruption_window_days(workload_.interruption_window_days);
  if (!workload_.pools.empty()) {
    // Pools serve parts of the window: the cluster's GPU-seconds are what
    // its pools held in service (busy, idle and down).
    const int64_t busy = summary->busy_gpu_seconds - summary->on_demand_gpu_seconds;
    const int64_t capacity = busy + summary->idle_gpu_seconds + summary->down_gpu_seconds;
    result.metrics.set_utilization(
        capacity > 0 ? static_cast<double>(busy) / static_cast<double>(capacity) : 0.0);
  }
  for (const auto& [status, n] : workload_.jobs_by_status) {
    (*result.metrics.mutable_jobs_by_status())[status] = n;
  }
  std::string metrics;
  google::protobuf::TextFormat::PrintToString(result.metrics, &metrics);
  if (absl::Status s =
          writer_->Finish(ledger::RunStatus::kComplete, summary->start, summary->end, metrics,
                          summary->idle_gpu_seconds, summary->down_gpu_seconds);
      !s.ok()) {
    return s;
  }
  return result;
}

absl::Status ReplayRun::Cancel(scheduler::Seconds reached) {
  const scheduler::Seconds t = std::max(reached, sim_->now());
  if (absl::Status s = sim_->StopAt(t); !s.ok()) return s;
  return writer_->Finish(ledger::RunStatus::kCancelled, sim_->start(), t);
}

absl::Status ReplayRun::Fail() {
  return writer_->Finish(ledger::RunStatus::kFailed, sim_->start(), sim_->now());
}

std::string NodesText(const scheduler::Allocation& a, int gpus_per_node) {
  std::string out;
  for (const scheduler::NodeRun& run : a.parts) {
    if (!out.empty()) out += ",";
    absl::StrAppend(&out, run.first);
    if (run.count > 1) absl::StrAppend(&out, "-", run.first + run.count - 1);
    if (run.gpus_each < gpus_per_node) absl::StrAppend(&out, "[", run.gpus_each, "]");
  }
  return out;
}

absl::StatusOr<ReplayResult> ReplayWorkload(traces::Workload w, ledger::Ledger& ledger,
                                            int64_t seed,
                                            const scheduler::SchedulerOptions& options,
                                            const std::string& schedule_out,
                                            const RunLabels& labels) {
  absl::StatusOr<std::unique_ptr<ReplayRun>> run =
      ReplayRun::Prepare(std::move(w), seed, options, labels);
  if (!run.ok()) return run.status();
  return ReplayPrepared(std::move(*run), ledger, schedule_out);
}

absl::StatusOr<ReplayResult> ReplayPrepared(std::unique_ptr<ReplayRun> run, ledger::Ledger& ledger,
                                            const std::string& schedule_out) {
  // The replay owns the connection until it ends: SQLite can write on the
  // other core while the scheduler runs.
  if (absl::Status s = run->Open(ledger, /*background_writes=*/true); !s.ok()) return s;
  if (absl::Status s = run->AdvanceTo(std::numeric_limits<scheduler::Seconds>::max()); !s.ok()) {
    run->Fail().IgnoreError();  // keep what was written, visibly failed
    return s;
  }
  // The schedule is written before the run is marked complete: a run that
  // reports an error is never complete (a retry would duplicate it).
  if (!schedule_out.empty()) {
    const scheduler::Simulator& sim = run->simulator();
    std::vector<std::string> pools;
    for (const traces::ClusterPool& p : run->workload().pools) pools.push_back(p.name);
    if (absl::Status s = WriteScheduleCsv(schedule_out, sim.jobs(), sim.times(), pools); !s.ok()) {
      run->Fail().IgnoreError();
      return s;
    }
  }
  return run->Complete();
}

absl::Status CheckWorkload(const traces::Workload& workload,
                           const scheduler::SchedulerOptions& options, int64_t seed,
                           int64_t horizon_seconds) {
  scheduler::NullSink sink;
  std::vector<scheduler::PoolSpec> pools;
  std::vector<ledger::RunPool> records;
  auto sim = CreateSimulator(workload, ToJobSpecs(workload),
                             WithWorkloadFailures(options, workload, seed), &sink, &pools,
                             &records);
  if (!sim.ok()) return sim.status();
  return CheckMoneyFits(workload, (*sim)->jobs(), horizon_seconds);
}

absl::StatusOr<int64_t> ReplayGroup(const traces::Workload& workload,
                                    const std::string& ledger_path, int64_t first_seed, int seeds,
                                    const scheduler::SchedulerOptions& options, int threads) {
  if (seeds <= 0) return absl::InvalidArgumentError("--seeds must be positive");
  // Check the workload once, before the group is created: bad input writes
  // nothing.
  if (absl::Status s = CheckWorkload(workload, options, first_seed, 0); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> main = ledger::Ledger::Open(ledger_path);
  if (!main.ok()) return main.status();
  ledger::RunGroupRecord g;
  g.plan_name = workload.name;
  g.plan_sha256 = workload.sha256;
  g.policy = scheduler::PolicyName(options.policy);
  g.first_seed = first_seed;
  g.seeds = seeds;
  absl::StatusOr<int64_t> group = (*main)->CreateRunGroup(g);
  if (!group.ok()) return group.status();

  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // More threads than seeds, or than a machine runs usefully, only cost
  // memory (each holds a replay and a connection).
  constexpr int kMaxThreads = 256;
  threads = std::min({threads, seeds, kMaxThreads});
  std::atomic<int> next{0};
  std::mutex mu;
  absl::Status first_error;
  auto work = [&] {
    absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::Open(ledger_path);
    for (int i = next++; i < seeds; i = next++) {
      absl::Status s = l.status();
      if (s.ok()) {
        RunLabels labels;
        labels.group_id = *group;
        s = ReplayWorkload(workload, **l, first_seed + i, options, "", labels).status();
      }
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = s;
        next = seeds;  // stop handing out seeds
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // the system gives no more threads: the ones running share the seeds
    }
  }
  if (pool.empty()) work();  // not even one: replay here
  for (std::thread& t : pool) t.join();
  if (!first_error.ok()) return first_error;
  return *group;
}

}  // namespace gpuledger::replay

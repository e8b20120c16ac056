#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <optional>
#include <functional>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gpuledger/v1/ledger_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/convert.h"
#include "pricing/strategy.h"
#include "report/cost.h"
#include "server/ledger_service.h"
#include "ledger/store.h"
#include "compare/compare.h"
#include "replay/replay.h"
#include "traces/plan.h"

namespace gpuledger::server {
namespace {

namespace asio = boost::asio;
namespace v1 = gpuledger::v1;
using Clock = std::chrono::steady_clock;
using grpc::health::v1::HealthCheckResponse;

// A paced replay advances and reports this often (wall-clock).
constexpr auto kPaceTick = std::chrono::milliseconds(100);
// An unpaced replay yields to other work on the io_context after this many
// event instants; each step is one transaction.
constexpr int kInstantsPerStep = 1000;
// How often a waiting handler checks whether its client is still there.
constexpr auto kPollInterval = std::chrono::milliseconds(100);

// One replay running on the server.
struct Active {
  explicit Active(asio::io_context& io) : timer(io) {}

  // io thread only.
  std::unique_ptr<replay::ReplayRun> run;
  pricing::Rates rates;
  double speed = 0;
  Clock::time_point wall_start;
  asio::steady_timer timer;
  bool cancel = false;
  std::string cancel_reason;
  scheduler::Seconds reached = 0;  // simulated time shown so far

  // Shared with the handlers that watch it.
  std::mutex mu;
  std::condition_variable cv;
  v1::ReplayProgress latest;  // guarded by mu
  uint64_t version = 0;       // guarded by mu; bumps with every new message
};

// Final message for a run from the ledger: its state and figures. Jobs done
// are the caller's to fill in (the server knows them for its own replays).
v1::ReplayProgress FinalFromLedger(ledger::Ledger& l, const ledger::RunRecord& run) {
  v1::ReplayProgress p;
  p.set_name(server::RunName(run.id));
  p.set_state(server::StateFromStatus(run.status));
  p.set_final(true);
  p.set_sim_time_seconds(run.sim_end);
  absl::StatusOr<report::CostReport> r = report::BuildCostReport(l, run.id, "job", true);
  if (r.ok()) {
    p.set_jobs_total(r->jobs);
    p.set_gpu_seconds(r->jobs_total.gpu_seconds);
    p.set_rental_micro_usd(r->jobs_total.rental_micro_usd);
    p.set_owned_micro_usd(r->total.owned_micro_usd);
  }
  if (run.status == ledger::RunStatus::kRunning) {
    p.set_message("not running in this server: it was interrupted before it ended");
  }
  return p;
}

class ReplayManager {
 public:
  ReplayManager(asio::io_context& io, ledger::Ledger& writer, const ServeOptions& options)
      : io_(io), writer_(writer), options_(options) {}

  // Called from gRPC handlers. A partial report of a replay running here,
  // made on the io thread between two steps, so the ledger's entries and the
  // running jobs' unwritten usage (up to the time shown so far) are one
  // snapshot; nullopt for a run not running here.
  std::optional<absl::StatusOr<report::CostReport>> LiveReport(int64_t run_id, const std::string& by,
                                                               const v1::Pricing* pricing) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (shutting_down_ || active_.count(run_id) == 0) return std::nullopt;
    }
    using Result = std::optional<absl::StatusOr<report::CostReport>>;
    return OnIo<Result>([&]() -> Result {
      std::shared_ptr<Active> a;
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = active_.find(run_id);
        if (it == active_.end()) return std::nullopt;
        a = it->second;
      }
      const scheduler::Simulator& sim = a->run->simulator();
      const scheduler::Seconds now = std::max(a->reached, sim.now());
      const traces::Workload& w = a->run->workload();
      std::vector<ledger::UsageRecord> in_flight;
      for (const auto& [job, since] : sim.RunningSince()) {
        ledger::UsageRecord u;
        u.job_id = w.jobs[job].id;
        u.phase = traces::PhaseName(w.jobs[job].phase);
        u.category = "running";
        u.start = since;
        u.end = std::max(since, now);
        u.gpus = w.jobs[job].gpus;
        u.gpu_seconds = (u.end - u.start) * u.gpus;
        in_flight.push_back(std::move(u));
      }
      return report::BuildCostReport(writer_, run_id, by, /*allow_partial=*/true, pricing, &in_flight);
    });
  }

  absl::StatusOr<v1::Run> Start(const v1::StartReplayRequest& req) {
    absl::StatusOr<traces::Workload> w = LoadRequestedPlan(req);
    if (!w.ok()) return w.status();
    if (!(req.speed() >= 0) || std::isinf(req.speed())) {
      return absl::InvalidArgumentError("speed: must be a finite number >= 0");
    }
    return OnIo<absl::StatusOr<v1::Run>>([&]() -> absl::StatusOr<v1::Run> {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (shutting_down_) return absl::UnavailableError("the server is shutting down");
        if (static_cast<int>(active_.size()) >= options_.max_replays) {
          return absl::ResourceExhaustedError(absl::StrCat(
              "the server already runs ", active_.size(), " replays (--max-replays ",
              options_.max_replays, "); wait for one to end or cancel one"));
        }
      }
      const pricing::Rates rates = pricing::ComputeRates(w->pricing, w->gpu.tdp_watts());
      absl::StatusOr<std::unique_ptr<replay::ReplayRun>> run =
          replay::ReplayRun::Start(std::move(*w), writer_, req.seed());
      if (!run.ok()) return run.status();
      auto a = std::make_shared<Active>(io_);
      a->run = std::move(*run);
      a->rates = rates;
      a->speed = req.speed() > 0 ? req.speed() : options_.speed;
      a->wall_start = Clock::now();
      a->reached = a->run->simulator().start();
      const int64_t id = a->run->run_id();
      {
        std::lock_guard<std::mutex> lock(mu_);
        active_[id] = a;
      }
      Publish(*a, Progress(*a, a->run->simulator().start(), v1::Run::RUNNING));
      asio::post(io_, [this, a] { Step(a); });
      absl::StatusOr<ledger::RunRecord> rec = writer_.GetRun(id);
      if (!rec.ok()) return rec.status();
      return server::RunToProto(*rec);
    });
  }

  std::shared_ptr<Active> Find(int64_t run_id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = active_.find(run_id);
    return it == active_.end() ? nullptr : it->second;
  }

  // Asks a running replay to stop at its next step.
  void RequestCancel(const std::shared_ptr<Active>& a, std::string why) {
    asio::post(io_, [a, why = std::move(why)] {
      a->cancel = true;
      a->cancel_reason = why;
      a->timer.cancel();  // a paced replay waiting on its timer steps now
    });
  }

  // On the io thread: refuse new replays and cancel every running one.
  void CancelAllOnIo(const std::string& why) {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    for (auto& [id, a] : active_) {
      a->cancel = true;
      a->cancel_reason = why;
      a->timer.cancel();
    }
  }

  size_t active_count() {
    std::lock_guard<std::mutex> lock(mu_);
    return active_.size();
  }

  // A plan given inline or by name in the traces directory.
  absl::StatusOr<traces::Workload> LoadRequestedPlan(const v1::StartReplayRequest& req) {
    switch (req.plan_case()) {
      case v1::StartReplayRequest::kPlanText:
        // Named after its field, so messages read "plan_text:LINE:COL: ...".
        return traces::LoadPlanText(req.plan_text(),
                                    req.plan_source().empty() ? "plan_text" : req.plan_source(),
                                    /*allow_file_references=*/false);
      case v1::StartReplayRequest::kPlanName: {
        const std::string& name = req.plan_name();
        if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
                                std::string::npos ||
            name[0] == '.') {
          return absl::InvalidArgumentError(absl::StrCat(
              "plan_name: \"", name, "\" is not a plan name (letters, digits, '.', '_', '-')"));
        }
        const std::string path = absl::StrCat(options_.traces_dir, "/", name, ".textproto");
        if (!std::filesystem::exists(path)) {
          return absl::NotFoundError(absl::StrCat("plan_name: no plan \"", name, "\" in ",
                                                  options_.traces_dir));
        }
        return traces::LoadPlanFile(path);
      }
      default:
        return absl::InvalidArgumentError("plan: set plan_text or plan_name");
    }
  }

 private:
  // Runs `f` on the io thread and waits for its result.
  template <typename T>
  T OnIo(std::function<T()> f) {
    std::promise<T> done;
    asio::post(io_, [&] { done.set_value(f()); });
    return done.get_future().get();
  }

  v1::ReplayProgress Progress(const Active& a, scheduler::Seconds t, v1::Run::State state) {
    const scheduler::Simulator& sim = a.run->simulator();
    const int64_t busy = sim.BusyGpuSecondsThrough(t);
    const int64_t capacity = static_cast<int64_t>(a.run->workload().total_gpus()) * (t - sim.start());
    v1::ReplayProgress p;
    p.set_name(server::RunName(a.run->run_id()));
    p.set_state(state);
    p.set_sim_time_seconds(t);
    p.set_jobs_done(sim.jobs_done());
    p.set_jobs_total(sim.jobs_total());
    p.set_gpu_seconds(busy);
    // Exact amounts rounded once, as a report of the run rounds them.
    p.set_rental_micro_usd(pricing::ProgressRentalMicroUsd(a.rates, busy));
    p.set_owned_micro_usd(pricing::ProgressOwnedMicroUsd(a.rates, capacity, busy));
    return p;
  }

  static void Publish(Active& a, v1::ReplayProgress p) {
    {
      std::lock_guard<std::mutex> lock(a.mu);
      a.latest = std::move(p);
      ++a.version;
    }
    a.cv.notify_all();
  }

  // One step of a replay on the io thread: advance, commit, report, and
  // schedule the next step (after a tick when paced).
  void Step(const std::shared_ptr<Active>& a) {
    if (a->cancel) return Finish(a, v1::Run::CANCELLED, a->cancel_reason);
    const scheduler::Simulator& sim = a->run->simulator();
    absl::Status s;
    scheduler::Seconds shown = 0;
    if (a->speed > 0) {
      const double elapsed = std::chrono::duration<double>(Clock::now() - a->wall_start).count();
      const double target = static_cast<double>(sim.start()) + elapsed * a->speed;
      shown = target >= 9e18 ? std::numeric_limits<scheduler::Seconds>::max()
                             : static_cast<scheduler::Seconds>(target);
      s = a->run->AdvanceTo(shown);
    } else {
      s = a->run->AdvanceInstants(kInstantsPerStep);
      shown = sim.now();
    }
    if (!s.ok()) return Finish(a, v1::Run::FAILED, std::string(s.message()));
    if (a->run->done()) return Finish(a, v1::Run::COMPLETE, "");
    a->reached = shown;
    Publish(*a, Progress(*a, shown, v1::Run::RUNNING));
    if (a->speed > 0) {
      a->timer.expires_after(kPaceTick);
      a->timer.async_wait([this, a](const boost::system::error_code&) { Step(a); });
    } else {
      asio::post(io_, [this, a] { Step(a); });
    }
  }

  // Ends a replay in the ledger and sends its final message.
  void Finish(const std::shared_ptr<Active>& a, v1::Run::State state, std::string message) {
    absl::Status s;
    if (state == v1::Run::COMPLETE) {
      absl::StatusOr<replay::ReplayResult> summary = a->run->Complete();
      if (!summary.ok()) {
        state = v1::Run::FAILED;
        message = std::string(summary.status().message());
      }
    } else if (state == v1::Run::CANCELLED) {
      s = a->run->Cancel(a->reached);
    } else {
      s = a->run->Fail();
    }
    if (!s.ok()) message = absl::StrCat(message, "; ", s.message());
    const int64_t id = a->run->run_id();
    v1::ReplayProgress p;
    if (absl::StatusOr<ledger::RunRecord> run = writer_.GetRun(id); run.ok()) {
      p = FinalFromLedger(writer_, *run);
    }
    p.set_name(server::RunName(id));
    p.set_state(state);
    p.set_final(true);
    p.set_jobs_done(a->run->simulator().jobs_done());
    p.set_jobs_total(a->run->simulator().jobs_total());
    p.set_message(message);
    Publish(*a, std::move(p));
    std::lock_guard<std::mutex> lock(mu_);
    active_.erase(id);
  }

  asio::io_context& io_;
  ledger::Ledger& writer_;  // used on the io thread only
  const ServeOptions& options_;
  std::mutex mu_;
  std::map<int64_t, std::shared_ptr<Active>> active_;  // guarded by mu_
  bool shutting_down_ = false;                         // guarded by mu_
};

// Compares strategies: replays each into the ledger (below, after the
// services).
absl::Status Compare(ReplayManager& manager, const ServeOptions& o,
                     const v1::CompareStrategiesRequest& req, v1::CompareStrategiesResponse* resp);

class ReplayServiceImpl final : public v1::ReplayService::Service {
 public:
  ReplayServiceImpl(ReplayManager& manager, std::string ledger_path, const ServeOptions& options)
      : manager_(manager), path_(std::move(ledger_path)), options_(options) {}

  grpc::Status CompareStrategies(grpc::ServerContext*, const v1::CompareStrategiesRequest* req,
                                 v1::CompareStrategiesResponse* resp) override {
    return server::ToGrpcStatus(Compare(manager_, options_, *req, resp));
  }

  grpc::Status StartReplay(grpc::ServerContext*, const v1::StartReplayRequest* req,
                           v1::Run* resp) override {
    absl::StatusOr<v1::Run> run = manager_.Start(*req);
    if (!run.ok()) return server::ToGrpcStatus(run.status());
    *resp = std::move(*run);
    return grpc::Status::OK;
  }

  grpc::Status WatchReplay(grpc::ServerContext* ctx, const v1::WatchReplayRequest* req,
                           grpc::ServerWriter<v1::ReplayProgress>* writer) override {
    absl::StatusOr<int64_t> id = server::ParseRunName(req->name(), "name");
    if (!id.ok()) return server::ToGrpcStatus(id.status());
    std::shared_ptr<Active> a = manager_.Find(*id);
    if (a == nullptr) {
      // Not running here: its final state is in the ledger.
      absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::OpenForReading(path_);
      if (!l.ok()) return server::ToGrpcStatus(l.status());
      absl::StatusOr<ledger::RunRecord> run = (*l)->GetRun(*id);
      if (!run.ok()) return server::ToGrpcStatus(run.status());
      v1::ReplayProgress p = FinalFromLedger(**l, *run);
      if (absl::StatusOr<std::vector<ledger::JobRecord>> jobs = (*l)->ListJobs(*id); jobs.ok()) {
        int done = 0;
        for (const auto& j : *jobs) done += j.ended >= 0 ? 1 : 0;
        p.set_jobs_done(done);
      }
      writer->Write(p);
      return grpc::Status::OK;
    }
    uint64_t seen = 0;
    while (true) {
      v1::ReplayProgress p;
      {
        std::unique_lock<std::mutex> lock(a->mu);
        while (a->version == seen) {
          if (ctx->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled");
          a->cv.wait_for(lock, kPollInterval);
        }
        p = a->latest;
        seen = a->version;
      }
      if (!writer->Write(p)) return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
      if (p.final()) return grpc::Status::OK;
    }
  }

  grpc::Status CancelReplay(grpc::ServerContext* ctx, const v1::CancelReplayRequest* req,
                            v1::Run* resp) override {
    absl::StatusOr<int64_t> id = server::ParseRunName(req->name(), "name");
    if (!id.ok()) return server::ToGrpcStatus(id.status());
    std::shared_ptr<Active> a = manager_.Find(*id);
    if (a != nullptr) {
      // A replay that has sent its final message is over, though it may
      // not yet have left the list of active ones.
      std::lock_guard<std::mutex> lock(a->mu);
      if (a->latest.final()) a = nullptr;
    }
    if (a != nullptr) {
      manager_.RequestCancel(a, "cancelled by CancelReplay");
      std::unique_lock<std::mutex> lock(a->mu);
      const auto give_up = std::min(ctx->deadline(), std::chrono::system_clock::now() +
                                                         std::chrono::seconds(30));
      while (!a->latest.final()) {
        if (ctx->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
        if (std::chrono::system_clock::now() >= give_up) {
          return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                              "the replay did not stop in time; it will stop shortly");
        }
        a->cv.wait_for(lock, kPollInterval);
      }
    } else {
      absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::OpenForReading(path_);
      if (!l.ok()) return server::ToGrpcStatus(l.status());
      absl::StatusOr<ledger::RunRecord> run = (*l)->GetRun(*id);
      if (!run.ok()) return server::ToGrpcStatus(run.status());
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          run->status == ledger::RunStatus::kRunning
                              ? absl::StrCat("name: run ", *id, " is not running in this server")
                              : absl::StrCat("name: run ", *id, " is already ", ledger::RunStatusName(run->status)));
    }
    absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::OpenForReading(path_);
    if (!l.ok()) return server::ToGrpcStatus(l.status());
    absl::StatusOr<ledger::RunRecord> run = (*l)->GetRun(*id);
    if (!run.ok()) return server::ToGrpcStatus(run.status());
    *resp = server::RunToProto(*run);
    return grpc::Status::OK;
  }

 private:
  ReplayManager& manager_;
  std::string path_;
  const ServeOptions& options_;
};

// grpc.health.v1.Health, reporting each of our services (and "" for the
// server as a whole).
class HealthServiceImpl final : public grpc::health::v1::Health::Service {
 public:
  HealthServiceImpl() {
    for (const char* s : {"", "gpuledger.v1.LedgerService", "gpuledger.v1.ReplayService",
                          "grpc.health.v1.Health"}) {
      status_[s] = HealthCheckResponse::SERVING;
    }
  }

  grpc::Status Check(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest* req,
                     HealthCheckResponse* resp) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = status_.find(req->service());
    if (it == status_.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          absl::StrCat("service: unknown service \"", req->service(), "\""));
    }
    resp->set_status(it->second);
    return grpc::Status::OK;
  }

  grpc::Status Watch(grpc::ServerContext* ctx, const grpc::health::v1::HealthCheckRequest* req,
                     grpc::ServerWriter<HealthCheckResponse>* writer) override {
    std::unique_lock<std::mutex> lock(mu_);
    bool first = true;
    HealthCheckResponse::ServingStatus sent = HealthCheckResponse::UNKNOWN;
    while (!ctx->IsCancelled()) {
      auto it = status_.find(req->service());
      const auto now = it == status_.end() ? HealthCheckResponse::SERVICE_UNKNOWN : it->second;
      if (first || now != sent) {
        HealthCheckResponse resp;
        resp.set_status(now);
        lock.unlock();
        if (!writer->Write(resp)) return grpc::Status::OK;
        lock.lock();
        first = false;
        sent = now;
      }
      if (stopping_) return grpc::Status::OK;
      cv_.wait_for(lock, kPollInterval);
    }
    return grpc::Status::OK;
  }

  // Marks every service NOT_SERVING and ends the watches.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [name, status] : status_) status = HealthCheckResponse::NOT_SERVING;
      stopping_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, HealthCheckResponse::ServingStatus> status_;
  bool stopping_ = false;
};

// CompareStrategies: replays on the calling gRPC thread with a ledger
// connection of its own (SQLite's WAL lets it write beside the io thread).
absl::Status Compare(ReplayManager& manager, const ServeOptions& o,
                     const v1::CompareStrategiesRequest& req, v1::CompareStrategiesResponse* resp) {
  v1::StartReplayRequest plan;
  if (req.plan_case() == v1::CompareStrategiesRequest::kPlanText) plan.set_plan_text(req.plan_text());
  if (req.plan_case() == v1::CompareStrategiesRequest::kPlanName) plan.set_plan_name(req.plan_name());
  plan.set_plan_source(req.plan_source());
  absl::StatusOr<traces::Workload> w = manager.LoadRequestedPlan(plan);
  if (!w.ok()) return w.status();
  compare::CompareOptions options;
  options.seed = req.seed();
  options.allow_profile_files = false;  // a client may not make the server read files
  absl::StatusOr<scheduler::Policy> policy =
      scheduler::ParsePolicy(req.policy().empty() ? "fcfs" : req.policy());
  if (!policy.ok()) return absl::InvalidArgumentError(absl::StrCat("policy: ", policy.status().message()));
  options.policy = *policy;
  if (!req.horizon().empty()) {
    absl::StatusOr<int64_t> h = compare::ParseHorizon(req.horizon());
    if (!h.ok()) return absl::InvalidArgumentError(absl::StrCat("horizon: ", h.status().message()));
    options.horizon_seconds = *h;
  }
  std::vector<v1::Strategy> strategies;
  std::vector<traces::StrategyPlace> where;
  if (!req.own_sizes().empty()) {
    strategies = compare::OwnSizeSweep({req.own_sizes().begin(), req.own_sizes().end()});
    for (int i = 0; i < req.own_sizes_size(); ++i) {
      where.push_back({absl::StrCat("own_sizes[", i, "]"), {}, /*request=*/true});
    }
  } else if (!req.strategies().strategies().empty()) {
    strategies.assign(req.strategies().strategies().begin(), req.strategies().strategies().end());
    for (size_t i = 0; i < strategies.size(); ++i) {
      where.push_back({absl::StrCat("strategies.strategies[", i, "]"), {}, /*request=*/true});
    }
  } else {
    absl::StatusOr<std::vector<v1::Strategy>> defaults = traces::LoadStrategies("");
    if (!defaults.ok()) return defaults.status();
    strategies = *std::move(defaults);
  }
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::Open(o.ledger_path);
  if (!l.ok()) return l.status();
  absl::StatusOr<std::vector<compare::StrategyResult>> results =
      compare::CompareStrategies(*w, strategies, options, **l, where);
  if (!results.ok()) return results.status();
  for (const compare::StrategyResult& r : *results) {
    v1::StrategyComparison* c = resp->add_results();
    *c->mutable_strategy() = r.strategy;
    c->set_committed(ledger::PoolName(r.committed));
    c->set_committed_gpus(r.committed_gpus);
    c->set_run(server::RunName(r.run_id));
    c->set_total_micro_usd(r.total_micro_usd);
    c->set_amortized_micro_usd(r.amortized_micro_usd);
    c->set_on_demand_micro_usd(r.on_demand_micro_usd);
    c->set_committed_micro_usd(r.committed_micro_usd);
    c->set_capital_micro_usd(r.capital_micro_usd);
    c->set_usd_per_productive_gpu_hour(r.UsdPerProductiveGpuHour());
    c->set_committed_utilization(r.committed_utilization);
    c->set_makespan_seconds(r.window_seconds);
    c->set_horizon_seconds(r.horizon_seconds);
    c->set_breakeven_utilization(r.breakeven_utilization);
    c->set_breakeven_months(r.breakeven_months);
    c->set_resized_jobs(r.resized_jobs);
    for (const auto& [phase, t] : r.phase_finish) (*c->mutable_phase_finish_seconds())[phase] = t;
    c->set_productive_gpu_seconds(r.productive_gpu_seconds);
    c->set_on_demand_gpu_seconds(r.on_demand_gpu_seconds);
  }
  resp->set_table(compare::FormatComparison(*results, "table"));
  resp->set_csv(compare::FormatComparison(*results, "csv"));
  return absl::OkStatus();
}

// The options checked before anything starts; the host part of --listen.
absl::StatusOr<std::string> CheckServeOptions(const ServeOptions& o) {
  if (o.max_replays < 1) return absl::InvalidArgumentError("--max-replays: must be at least 1");
  if (std::error_code ec; !std::filesystem::is_directory(o.traces_dir, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--traces-dir: ", o.traces_dir, ": no such folder (where plans named in StartReplay live)"));
  }
  if (!(o.speed >= 0) || std::isinf(o.speed)) {
    return absl::InvalidArgumentError("--speed: must be a finite number >= 0");
  }
  const size_t colon = o.listen.rfind(':');
  int port_asked = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(o.listen).substr(colon + 1), &port_asked) ||
      port_asked < 0 || port_asked > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen: expected HOST:PORT with a port from 0 to 65535, got \"", o.listen, "\""));
  }
  return o.listen.substr(0, colon);
}

}  // namespace

absl::Status Serve(const ServeOptions& o, std::ostream& out) {
  absl::StatusOr<std::string> host = CheckServeOptions(o);
  if (!host.ok()) return host.status();
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> writer = ledger::Ledger::Open(o.ledger_path);
  if (!writer.ok()) return writer.status();
  if ((*writer)->migrated_from() > 0) {
    out << "migrated " << o.ledger_path << " from ledger schema version " << (*writer)->migrated_from()
        << " to " << ledger::kSchemaVersion << std::endl;
  }

  asio::io_context io;
  auto work = asio::make_work_guard(io);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  ReplayManager manager(io, **writer, o);
  server::LedgerServiceImpl ledger_service(
      o.ledger_path,
      [&](const v1::CompareStrategiesRequest& req, v1::CompareStrategiesResponse* resp) {
        return server::ToGrpcStatus(Compare(manager, o, req, resp));
      },
      [&](int64_t run, const std::string& by, const v1::Pricing* pricing) {
        return manager.LiveReport(run, by, pricing);
      });
  ReplayServiceImpl replay_service(manager, o.ledger_path, o);
  HealthServiceImpl health;

  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(o.listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&ledger_service);
  builder.RegisterService(&replay_service);
  builder.RegisterService(&health);
  // A second server on a busy port must fail, not share the port silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(o.max_message_bytes);
  builder.SetMaxSendMessageSize(o.max_message_bytes);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("--listen: cannot listen on ", o.listen));
  }

  std::promise<int> stop;
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    manager.CancelAllOnIo(absl::StrCat("server shutting down (signal ", signal, ")"));
    stop.set_value(signal);
  });
  std::thread io_thread([&io] { io.run(); });
  out << "listening on " << *host << ":" << port << std::endl;

  stop.get_future().wait();
  // From this thread, not the io thread: Shutdown waits for handlers, and
  // watchers wait for the io thread to finish cancelling their replays.
  health.Stop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(3));
  const auto give_up = Clock::now() + std::chrono::seconds(5);
  while (manager.active_count() > 0 && Clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  server->Wait();
  work.reset();
  io.stop();
  io_thread.join();
  return manager.active_count() > 0
             ? absl::DeadlineExceededError("replays did not stop in time; their runs stay incomplete")
             : absl::OkStatus();
}

}  // namespace gpuledger::server

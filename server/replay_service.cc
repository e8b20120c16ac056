// gpuledger.v1.ReplayService: replays started, watched and cancelled over
// gRPC, and strategies compared; the replays themselves run in the
// ReplayManager, on the io thread.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "compare/compare.h"
#include "compare/sensitivity.h"
#include "server/convert.h"
#include "server/ledger_service.h"
#include "server/replay_manager.h"
#include "server/security.h"
#include "traces/strategies.h"

namespace gpuledger::server {
namespace {

namespace v1 = gpuledger::v1;

class ReplayServiceImpl final : public v1::ReplayService::Service {
 public:
  ReplayServiceImpl(ReplayManager& manager, std::string ledger_path, const ServeOptions& options,
                    std::shared_ptr<const AuthTokens> tokens)
      : manager_(manager),
        path_(std::move(ledger_path)),
        options_(options),
        tokens_(std::move(tokens)) {}

  grpc::Status CompareStrategies(grpc::ServerContext* ctx, const v1::CompareStrategiesRequest* req,
                                 v1::CompareStrategiesResponse* resp) override {
    return server::ToGrpcStatus(
        Compare(manager_, options_, *req, resp, CallerOf(*ctx, tokens_.get()).line));
  }

  grpc::Status StartReplay(grpc::ServerContext* ctx, const v1::StartReplayRequest* req,
                           v1::Run* resp) override {
    absl::StatusOr<v1::Run> run = manager_.Start(*req, CallerOf(*ctx, tokens_.get()).line);
    if (!run.ok()) return server::ToGrpcStatus(run.status());
    *resp = std::move(*run);
    return grpc::Status::OK;
  }

  grpc::Status WatchReplay(grpc::ServerContext* ctx, const v1::WatchReplayRequest* req,
                           grpc::ServerWriter<v1::ReplayProgress>* writer) override {
    // Each watch holds a thread while it waits: their number is bounded.
    struct Held {
      std::atomic<int>& n;
      ~Held() { --n; }
    } held{watches_};
    if (const int n = ++watches_; n > options_.max_watches) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          absl::StrCat("the server already serves ", n - 1,
                                       " watches (--max-watches ", options_.max_watches,
                                       "); try again when one ends"));
    }
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
          if (ctx->IsCancelled())
            return grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled");
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
      const auto give_up =
          std::min(ctx->deadline(), std::chrono::system_clock::now() + std::chrono::seconds(30));
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
                              : absl::StrCat("name: run ", *id, " is already ",
                                             ledger::RunStatusName(run->status)));
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
  std::shared_ptr<const AuthTokens> tokens_;
  std::atomic<int> watches_{0};
};

}  // namespace

// CompareStrategies: replays on the calling gRPC thread with a ledger
// connection of its own (SQLite's WAL lets it write beside the io thread).
absl::Status Compare(ReplayManager& manager, const ServeOptions& o,
                     const v1::CompareStrategiesRequest& req, v1::CompareStrategiesResponse* resp,
                     int token) {
  // A comparison runs replays: it takes a replay's place while it does.
  absl::StatusOr<std::unique_ptr<ReplayManager::Slot>> slot = manager.TakeSlot(token);
  if (!slot.ok()) return slot.status();
  v1::StartReplayRequest plan;
  if (req.plan_case() == v1::CompareStrategiesRequest::kPlanText)
    plan.set_plan_text(req.plan_text());
  if (req.plan_case() == v1::CompareStrategiesRequest::kPlanName)
    plan.set_plan_name(req.plan_name());
  plan.set_plan_source(req.plan_source());
  absl::StatusOr<traces::Workload> w = manager.LoadRequestedPlan(plan);
  if (!w.ok()) return w.status();
  compare::CompareOptions options;
  options.seed = req.seed();
  options.allow_profile_files = false;  // a client may not make the server read files
  absl::StatusOr<scheduler::Policy> policy =
      scheduler::ParsePolicy(req.policy().empty() ? "fcfs" : req.policy());
  if (!policy.ok())
    return absl::InvalidArgumentError(absl::StrCat("policy: ", policy.status().message()));
  options.policy = *policy;
  if (!req.horizon().empty()) {
    absl::StatusOr<int64_t> h = compare::ParseHorizon(req.horizon());
    if (!h.ok()) return absl::InvalidArgumentError(absl::StrCat("horizon: ", h.status().message()));
    options.horizon_seconds = *h;
  }
  if (!(req.discount_rate() >= 0 && req.discount_rate() <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "discount_rate must be in [0, 1] (0.08 for 8% a year), got ", req.discount_rate()));
  }
  options.discount_rate = req.discount_rate();
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
  // Each assumption replays every strategy twice more.
  constexpr int kMaxVary = 8;
  if (req.vary_size() > kMaxVary) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "vary: at most ", kMaxVary, " assumptions a request (the vary limit), got ",
        req.vary_size()));
  }
  std::vector<compare::Variation> variations;
  for (int i = 0; i < req.vary_size(); ++i) {
    absl::StatusOr<compare::Variation> v = compare::ParseVariation(req.vary(i));
    if (!v.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("vary[", i, "]: ", v.status().message()));
    }
    variations.push_back(*v);
  }
  // Every case checked before the comparison writes anything.
  if (absl::Status s = compare::CheckVariations(*w, strategies, options, variations, where);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::Open(o.ledger_path);
  if (!l.ok()) return l.status();
  int64_t comparison_id = 0;
  absl::StatusOr<std::vector<compare::StrategyResult>> results =
      compare::CompareStrategies(*w, strategies, options, **l, where, &comparison_id);
  if (!results.ok()) return results.status();
  *resp = compare::ToResponse(*results);
  if (!variations.empty()) {
    absl::StatusOr<compare::Sensitivity> s =
        compare::Vary(*w, strategies, options, variations, where, *results);
    if (!s.ok()) return s.status();
    resp->set_sensitivity_table(compare::FormatSensitivity(*s, "table"));
    resp->set_sensitivity_csv(compare::FormatSensitivity(*s, "csv"));
  }
  resp->set_comparison(absl::StrCat("comparisons/", comparison_id));
  return absl::OkStatus();
}

std::unique_ptr<v1::ReplayService::Service> NewReplayService(
    ReplayManager& manager, std::string ledger_path, const ServeOptions& options,
    std::shared_ptr<const AuthTokens> tokens) {
  return std::make_unique<ReplayServiceImpl>(manager, std::move(ledger_path), options,
                                             std::move(tokens));
}

}  // namespace gpuledger::server

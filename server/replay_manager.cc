#include "server/replay_manager.h"

#include "web/page.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "absl/strings/str_cat.h"
#include "pricing/curve.h"
#include "pricing/strategy.h"
#include "server/convert.h"

namespace gpuledger::server {

namespace asio = boost::asio;
namespace v1 = gpuledger::v1;
using Clock = std::chrono::steady_clock;

v1::ReplayProgress FinalFromLedger(ledger::Ledger& l, const ledger::RunRecord& run) {
  v1::ReplayProgress p;
  p.set_name(server::RunName(run.id));
  p.set_state(server::StateFromStatus(run.status));
  p.set_final(true);
  p.set_sim_time_seconds(run.sim_end);
  absl::StatusOr<report::CostReport> r =
      report::BuildCostReport(l, run.id, ledger::GroupBy::kJob, true);
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

// Called from gRPC handlers. A partial report of a replay running here,
// made on the io thread between two steps, so the ledger's entries and the
// running jobs' unwritten usage (up to the time shown so far) are one
// snapshot; nullopt for a run not running here.
namespace {

// A running replay's jobs' usage not yet written, up to the time shown so
// far (io thread).
std::vector<ledger::UsageRecord> InFlight(const Active& a) {
  const scheduler::Simulator& sim = a.run->simulator();
  const scheduler::Seconds now = std::max(a.reached, sim.now());
  std::vector<ledger::UsageRecord> in_flight;
  for (const auto& [job, since] : sim.RunningSince()) {
    ledger::UsageRecord u;
    u.job_id = sim.jobs()[job].id;
    u.phase = traces::PhaseName(a.run->phase(job));
    u.category = "running";
    u.start = since;
    u.end = std::max(since, now);
    u.gpus = sim.jobs()[job].gpus;
    u.gpu_seconds = (u.end - u.start) * u.gpus;
    u.gpu_pool = std::max(0, sim.times()[job].pool);  // the pool of its current run
    in_flight.push_back(std::move(u));
  }
  return in_flight;
}

}  // namespace

std::shared_ptr<Active> ReplayManager::ActiveRun(int64_t run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return nullptr;
  auto it = active_.find(run_id);
  return it == active_.end() ? nullptr : it->second;
}

std::optional<absl::StatusOr<report::CostReport>> ReplayManager::LiveReport(
    int64_t run_id, ledger::GroupBy by, const v1::Pricing* pricing) {
  if (ActiveRun(run_id) == nullptr) return std::nullopt;
  using Result = std::optional<absl::StatusOr<report::CostReport>>;
  return OnIo<Result>([&]() -> Result {
    std::shared_ptr<Active> a = ActiveRun(run_id);
    if (a == nullptr) return std::nullopt;
    const std::vector<ledger::UsageRecord> in_flight = InFlight(*a);
    return report::BuildCostReport(writer_, run_id, by, /*allow_partial=*/true, pricing,
                                   &in_flight);
  });
}

std::optional<absl::StatusOr<std::string>> ReplayManager::LivePage(
    int64_t run_id, const web::PageContext& context) {
  if (ActiveRun(run_id) == nullptr) return std::nullopt;
  using Result = std::optional<absl::StatusOr<std::string>>;
  return OnIo<Result>([&]() -> Result {
    std::shared_ptr<Active> a = ActiveRun(run_id);
    if (a == nullptr) return std::nullopt;
    const std::vector<ledger::UsageRecord> in_flight = InFlight(*a);
    return web::RunPageOf(writer_, run_id, /*allow_partial=*/true, nullptr, context, &in_flight);
  });
}

absl::Status ReplayManager::Room(int token) {
  if (shutting_down_) return absl::UnavailableError("the server is shutting down");
  int total = 0, mine = 0;
  for (const auto& [id, a] : active_) {
    ++total;
    mine += a->token == token ? 1 : 0;
  }
  for (const auto& [t, n] : comparisons_) {
    total += n;
    mine += t == token ? n : 0;
  }
  if (total >= options_.max_replays) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the server already runs ", total, " replays (--max-replays ",
                     options_.max_replays, "); wait for one to end or cancel one"));
  }
  const int per_token =
      options_.max_replays_per_token > 0 ? options_.max_replays_per_token : options_.max_replays;
  if (token > 0 && mine >= per_token) {
    return absl::ResourceExhaustedError(
        absl::StrCat("this token already runs ", mine, " replays (--max-replays-per-token ",
                     per_token, "); wait for one to end or cancel one"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ReplayManager::Slot>> ReplayManager::TakeSlot(int token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (absl::Status s = Room(token); !s.ok()) return s;
  ++comparisons_[token];
  return std::make_unique<Slot>(*this, token);
}

ReplayManager::Slot::~Slot() {
  std::lock_guard<std::mutex> lock(m_.mu_);
  if (--m_.comparisons_[token_] == 0) m_.comparisons_.erase(token_);
}

absl::StatusOr<v1::Run> ReplayManager::Start(const v1::StartReplayRequest& req, int token) {
  absl::StatusOr<traces::Workload> w = LoadRequestedPlan(req);
  if (!w.ok()) return w.status();
  if (!(req.speed() >= 0) || std::isinf(req.speed())) {
    return absl::InvalidArgumentError("speed: must be a finite number >= 0");
  }
  return OnIo<absl::StatusOr<v1::Run>>([&]() -> absl::StatusOr<v1::Run> {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (absl::Status s = Room(token); !s.ok()) return s;
    }
    // Progress is estimated at the prices of simulated second 0 (where they
    // move, the final figures are charged segment by segment).
    pricing::Rates rates = pricing::ComputeRates(w->pricing, w->gpu.tdp_watts(), w->gpu.gpus_per_node());
    if (pricing::HasMovingPrices(w->pricing)) {
      absl::StatusOr<std::vector<pricing::PriceSegment>> first =
          pricing::PriceSegments(w->pricing, w->gpu.tdp_watts(), w->gpu.gpus_per_node(), w->start_utc, 0, 0);
      if (first.ok() && !first->empty()) rates = first->front().rates;
    }
    absl::StatusOr<std::unique_ptr<replay::ReplayRun>> run =
        replay::ReplayRun::Start(std::move(*w), writer_, req.seed());
    if (!run.ok()) return run.status();
    auto a = std::make_shared<Active>(io_);
    a->run = std::move(*run);
    a->rates = rates;
    a->speed = req.speed() > 0 ? req.speed() : options_.speed;
    a->wall_start = Clock::now();
    a->reached = a->run->simulator().start();
    a->token = token;
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

std::shared_ptr<Active> ReplayManager::Find(int64_t run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = active_.find(run_id);
  return it == active_.end() ? nullptr : it->second;
}

// Asks a running replay to stop at its next step.
void ReplayManager::RequestCancel(const std::shared_ptr<Active>& a, std::string why) {
  asio::post(io_, [a, why = std::move(why)] {
    a->cancel = true;
    a->cancel_reason = why;
    a->timer.cancel();  // a paced replay waiting on its timer steps now
  });
}

// On the io thread: refuse new replays and cancel every running one.
void ReplayManager::CancelAllOnIo(const std::string& why) {
  std::lock_guard<std::mutex> lock(mu_);
  shutting_down_ = true;
  for (auto& [id, a] : active_) {
    a->cancel = true;
    a->cancel_reason = why;
    a->timer.cancel();
  }
}

size_t ReplayManager::active_count() {
  std::lock_guard<std::mutex> lock(mu_);
  return active_.size();
}

std::map<int64_t, v1::ReplayProgress> ReplayManager::Running() {
  std::vector<std::pair<int64_t, std::shared_ptr<Active>>> active;
  {
    std::lock_guard<std::mutex> lock(mu_);
    active.assign(active_.begin(), active_.end());
  }
  std::map<int64_t, v1::ReplayProgress> out;
  for (const auto& [id, a] : active) {
    std::lock_guard<std::mutex> lock(a->mu);
    v1::ReplayProgress& p = out[id] = a->latest;
    p.set_name(absl::StrCat("runs/", id));
    if (p.state() == v1::Run::STATE_UNSPECIFIED) p.set_state(v1::Run::RUNNING);
  }
  return out;
}

// A plan given inline or by name in the traces directory.
absl::StatusOr<traces::Workload> ReplayManager::LoadRequestedPlan(
    const v1::StartReplayRequest& req) {
  switch (req.plan_case()) {
    case v1::StartReplayRequest::kPlanText:
      // Named after its field, so messages read "plan_text:LINE:COL: ...".
      return traces::LoadPlanText(req.plan_text(),
                                  req.plan_source().empty() ? "plan_text" : req.plan_source(),
                                  /*allow_file_references=*/false);
    case v1::StartReplayRequest::kPlanName: {
      const std::string& name = req.plan_name();
      if (name.empty() ||
          name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != std::string::npos ||
          name[0] == '.') {
        return absl::InvalidArgumentError(absl::StrCat(
            "plan_name: \"", name, "\" is not a plan name (letters, digits, '.', '_', '-')"));
      }
      const std::string path = absl::StrCat(options_.traces_dir, "/", name, ".textproto");
      if (!std::filesystem::exists(path)) {
        return absl::NotFoundError(
            absl::StrCat("plan_name: no plan \"", name, "\" in ", options_.traces_dir));
      }
      return traces::LoadPlanFile(path);
    }
    default:
      return absl::InvalidArgumentError("plan: set plan_text or plan_name");
  }
}

v1::ReplayProgress ReplayManager::Progress(const Active& a, scheduler::Seconds t,
                                           v1::Run::State state) {
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

void ReplayManager::Publish(Active& a, v1::ReplayProgress p) {
  {
    std::lock_guard<std::mutex> lock(a.mu);
    a.latest = std::move(p);
    ++a.version;
  }
  a.cv.notify_all();
}

// One step of a replay on the io thread: advance, commit, report, and
// schedule the next step (after a tick when paced).
void ReplayManager::Step(const std::shared_ptr<Active>& a) {
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
void ReplayManager::Finish(const std::shared_ptr<Active>& a, v1::Run::State state,
                           std::string message) {
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

}  // namespace gpuledger::server

#include "ledger/cost.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <limits>
#include <map>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"

namespace gpuledger::ledger {
namespace {

// Nano-dollars from dollars, rounded to nearest.
int64_t Nano(double usd) { return std::llround(usd * 1e9); }

}  // namespace

absl::Status ValidatePricing(const v1::Pricing& p, absl::string_view prefix) {
  auto check = [&](absl::string_view name, double v, double lo, double hi) {
    if (!std::isfinite(v) || v < lo || v > hi) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field ", prefix, name, " must be in [", lo, ", ", hi, "], got ", v));
    }
    return absl::OkStatus();
  };
  const auto& o = p.owned();
  // Bounds far above any real price (an H100 rents for about $2-12 an hour
  // and costs about $25,000-40,000 to buy, FACTS.md), and low enough that
  // every rate fits int64 nano-dollars per GPU-hour and every cost of a
  // replay fits 128 bits exactly (docs/metrics.md, "Bounds").
  constexpr double kMaxHourly = 1e4;     // $ per GPU-hour
  constexpr double kMaxCapital = 1e8;    // $ per GPU
  constexpr double kMaxKwh = 100;        // $ per kWh
  for (const absl::Status& s :
       {check("rental.usd_per_gpu_hour", p.rental().usd_per_gpu_hour(), 0, kMaxHourly),
        check("owned.capital_usd_per_gpu", o.capital_usd_per_gpu(), 0, kMaxCapital),
        check("owned.network_share", o.network_share(), 0, 100),
        check("owned.depreciation_years", o.depreciation_years(), 1.0 / 365.25, 1000),
        check("owned.residual_share", o.residual_share(), 0, 1),
        check("owned.server_power_factor", o.server_power_factor(), 0, 100),
        check("owned.busy_load", o.busy_load(), 0, 10),
        check("owned.idle_load", o.idle_load(), 0, 10),
        check("owned.pue", o.pue(), 1, 10),
        check("owned.usd_per_kwh", o.usd_per_kwh(), 0, kMaxKwh),
        check("owned.operations_share_per_year", o.operations_share_per_year(), 0, 100),
        check("owned.chip_usd", o.chip_usd(), 0, kMaxCapital),
        check("owned.server_multiplier", o.server_multiplier(), 0, 100),
        check("owned.value_decline_oom_per_year", o.value_decline_oom_per_year(), 0, 10),
        check("owned.cost_of_capital_per_year", o.cost_of_capital_per_year(), 0, 10),
        check("reserved.usd_per_gpu_hour", p.reserved().usd_per_gpu_hour(), 0, kMaxHourly),
        check("reserved.term_years", p.reserved().term_years(), 0, 1000)}) {
    if (!s.ok()) return s;
  }
  // A term is none (the window itself) or at least a day: a shorter one would
  // commit to billions of terms.
  if (p.reserved().term_years() > 0 && p.reserved().term_years() < 1.0 / 365.25) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field ", prefix, "reserved.term_years must be 0 (the window) or at least a day (",
        1.0 / 365.25, " years), got ", p.reserved().term_years()));
  }
  if (o.chip_usd() > 0 && !(o.server_multiplier() >= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field ", prefix, "owned.server_multiplier must be at least 1 with chip_usd (Epoch AI: "
        "1.64), got ", o.server_multiplier()));
  }
  if (CapitalUsdPerGpu(p) > 10 * kMaxCapital) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field ", prefix, "owned: capital per GPU with its server and network share must be at "
        "most $", 10 * kMaxCapital, ", got $", CapitalUsdPerGpu(p)));
  }
  if (o.depreciation() == v1::EPOCH_AI && !(o.value_decline_oom_per_year() > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field ", prefix, "owned.value_decline_oom_per_year must be positive for EPOCH_AI "
        "depreciation (Epoch AI: 0.14)"));
  }
  if (!v1::DepreciationMethod_IsValid(o.depreciation())) {
    return absl::InvalidArgumentError(absl::StrCat("field ", prefix, "owned.depreciation: unknown value ",
                                                   o.depreciation()));
  }
  return absl::OkStatus();
}

double CapitalUsdPerGpu(const v1::Pricing& p) {
  const auto& o = p.owned();
  const double base = o.chip_usd() > 0 ? o.chip_usd() * o.server_multiplier() : o.capital_usd_per_gpu();
  return base * (1.0 + o.network_share());
}

double ResidualShare(const v1::OwnedProfile& o) {
  if (o.depreciation() == v1::EPOCH_AI) {
    return std::pow(10.0, -o.value_decline_oom_per_year() * o.depreciation_years());
  }
  return o.residual_share();
}

double BreakEvenUtilization(const Rates& r) {
  const double denominator =
      static_cast<double>(r.rental - r.owned_busy_energy + r.owned_idle_energy);
  const double u = static_cast<double>(r.owned_fixed() + r.owned_idle_energy) / denominator;
  return denominator > 0 && u <= 1 ? u : std::numeric_limits<double>::infinity();
}

Rates ComputeRates(const v1::Pricing& p, double tdp_watts) {
  const auto& o = p.owned();
  Rates r;
  r.rental = Nano(p.rental().usd_per_gpu_hour());
  r.reserved = Nano(p.reserved().usd_per_gpu_hour());
  const double capital = CapitalUsdPerGpu(p);
  const double life_hours = o.depreciation_years() * kSecondsPerYear / 3600.0;
  const double hours_per_year = kSecondsPerYear / 3600.0;
  // The value lost over the life, spread evenly over every hour of it: the
  // capital less the residual (straight line), or what a decline of
  // `decline` orders of magnitude a year takes (Epoch AI).
  const double residual = ResidualShare(o);
  r.owned_depreciation = Nano(capital * (1.0 - residual) / life_hours);
  // Cost of capital on the average value not yet written off: linear from
  // capital to residual, or exponential decay for Epoch AI.
  double average_share = (1.0 + residual) / 2.0;
  if (o.depreciation() == v1::EPOCH_AI) {
    const double k = o.value_decline_oom_per_year() * std::log(10.0) * o.depreciation_years();
    average_share = (1.0 - residual) / k;
  }
  r.owned_financing = Nano(capital * average_share * o.cost_of_capital_per_year() / hours_per_year);
  r.owned_operations = Nano(capital * o.operations_share_per_year() / (kSecondsPerYear / 3600.0));
  // kW at the wall per GPU x $/kWh: TDP x server factor x load x PUE.
  const double kw = tdp_watts / 1000.0 * o.server_power_factor() * o.pue();
  r.owned_busy_energy = Nano(kw * o.busy_load() * o.usd_per_kwh());
  r.owned_idle_energy = Nano(kw * o.idle_load() * o.usd_per_kwh());
  return r;
}

int64_t CapitalMicroUsd(const v1::Pricing& p, int gpus) {
  // A whole number of micro-dollars per GPU, times the GPUs: the purchase is
  // exactly its unit price x quantity (the FOCUS export shows both).
  // ValidatePricing keeps a GPU's capital within $1e9, so it fits; the
  // product saturates rather than wraps (BuildCostReport refuses that).
  const __int128 micro = static_cast<__int128>(std::llround(CapitalUsdPerGpu(p) * 1e6)) * gpus;
  return micro >= kMaxMicroUsd ? kMaxMicroUsd : static_cast<int64_t>(micro);
}

namespace {

// Rounded half away from zero, in 128 bits.
ExactUsd RoundToMicro(ExactUsd amount) {
  constexpr ExactUsd kDiv = kExactPerMicroUsd;
  return (amount >= 0 ? amount + kDiv / 2 : amount - kDiv / 2) / kDiv;
}

bool FitsInt64(ExactUsd v) { return v <= INT64_MAX && v >= INT64_MIN; }

absl::Status TooMuchMoney(absl::string_view what) {
  return absl::OutOfRangeError(absl::StrCat(
      what, " exceeds $9,223,372,036,854.775807, the most gpuledger represents (int64 "
            "micro-dollars); lower the prices or the cluster"));
}

}  // namespace

absl::StatusOr<int64_t> ToMicroUsd(ExactUsd amount, absl::string_view what) {
  const ExactUsd q = RoundToMicro(amount);
  if (!FitsInt64(q)) return TooMuchMoney(what);
  return static_cast<int64_t>(q);
}

int64_t MoneySplitter::Take(ExactUsd part) {
  if (overflow_) return 0;
  sum_ += part;
  const ExactUsd q = RoundToMicro(sum_);
  if (!FitsInt64(q)) {
    overflow_ = true;
    return 0;
  }
  const int64_t delta = static_cast<int64_t>(q - rounded_);
  rounded_ = static_cast<int64_t>(q);
  return delta;
}

absl::Status MoneySplitter::status() const {
  return overflow_ ? TooMuchMoney("the total") : absl::OkStatus();
}

int64_t CostMicroUsd(int64_t gpu_seconds, int64_t nusd_per_gpu_hour) {
  const ExactUsd q = RoundToMicro(ExactCost(gpu_seconds, nusd_per_gpu_hour));
  if (q > INT64_MAX) return INT64_MAX;
  if (q < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(q);
}

int64_t ReservedCommitmentSeconds(const v1::Pricing& p, int64_t window) {
  const double term = p.reserved().term_years() * kSecondsPerYear;
  if (!(term >= 1)) return window;  // ValidatePricing refuses terms under a day
  // Capped far above any replay window (kMaxSimulatedSeconds is 1e11 s).
  return static_cast<int64_t>(std::min(std::ceil(static_cast<double>(window) / term) * term, 1e15));
}

namespace {

// Adds usage not yet in the ledger to the groups it belongs to (new groups
// after the ledger's, in the order met).
absl::Status AddInFlight(Ledger& ledger, const RunRecord& run, absl::string_view by,
                         const std::vector<UsageRecord>& in_flight,
                         std::vector<Ledger::GroupSum>* groups) {
  std::map<std::string, std::string> project;
  if (by == "project") {
    absl::StatusOr<std::vector<JobRecord>> jobs = ledger.ListJobs(run.id);
    if (!jobs.ok()) return jobs.status();
    for (const JobRecord& j : *jobs) project[j.job_id] = j.project;
  }
  std::map<std::string, size_t> index;  // group -> its place, so a big run stays linear
  for (size_t i = 0; i < groups->size(); ++i) index.emplace((*groups)[i].group, i);
  auto add = [&](const std::string& key, const UsageRecord& u, int64_t start, int64_t end) {
    auto [at, fresh] = index.emplace(key, groups->size());
    if (fresh) groups->push_back({key, 0, start, end, 0});
    Ledger::GroupSum* it = &(*groups)[at->second];
    const int64_t gs = (end - start) * u.gpus;
    it->gpu_seconds += gs;
    if (u.pool == "on-demand") it->on_demand_gpu_seconds += gs;
    it->first_start = std::min(it->first_start, start);
    it->last_end = std::max(it->last_end, end);
  };
  for (const UsageRecord& u : in_flight) {
    if (u.end <= u.start) continue;
    if (by == "day") {
      ForEachDay(run.sim_start, u.start, u.end,
                 [&](int64_t day, int64_t from, int64_t to) { add(DayName(day), u, from, to); });
      continue;
    }
    add(by == "job" ? u.job_id : by == "phase" ? u.phase : by == "project" ? project[u.job_id]
        : by == "pool" ? u.pool : u.category,
        u, u.start, u.end);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CostReport> BuildCostReport(Ledger& ledger, int64_t run_id,
                                           absl::string_view group_by,
                                           bool allow_partial,
                                           const v1::Pricing* pricing_override,
                                           const std::vector<UsageRecord>* in_flight) {
  absl::StatusOr<RunRecord> run = ledger.GetRun(run_id);
  if (!run.ok()) return run.status();
  if (run->status != kComplete && !allow_partial) {
    return absl::FailedPreconditionError(absl::StrCat(
        "run ", run_id, " is ", run->status,
        ", not complete; its figures are partial (to see them anyway: --partial on the command line, "
        "allow_partial over gRPC)"));
  }
  v1::Pricing pricing;
  if (!google::protobuf::TextFormat::ParseFromString(run->pricing, &pricing)) {
    return absl::DataLossError(absl::StrCat("run ", run_id, ": stored pricing is unreadable"));
  }
  std::string committed;
  if (!run->strategy.empty()) {
    absl::StatusOr<std::string> c = ledger.CommittedPool(run_id);
    if (!c.ok()) return c.status();
    committed = *c;
  }
  // A strategy's cluster costs what its pool costs; on-demand use costs rent.
  const bool owned_cluster = run->strategy.empty() || committed == "owned";
  const bool reserved_cluster = committed == "reserved";
  if (pricing_override != nullptr) {
    // A price for capacity the run never had would change nothing: refused.
    for (const auto& [set, used, part] :
         {std::tuple<bool, bool, const char*>{pricing_override->has_owned(), owned_cluster, "owned"},
          {pricing_override->has_reserved(), reserved_cluster, "reserved"}}) {
      if (set && !used) {
        return absl::InvalidArgumentError(absl::StrCat(
            "pricing_override.", part, ": run ", run_id, " has no ", part, " capacity (",
            run->strategy.empty() ? "a plain replay prices rental and owned"
                                  : absl::StrCat("its strategy's cluster is ", committed.empty() ? "none" : committed),
            "), so these prices would change nothing"));
      }
    }
    pricing.MergeFrom(*pricing_override);
    if (auto s = ValidatePricing(pricing, "pricing_override."); !s.ok()) return s;
  }

  absl::StatusOr<std::vector<Ledger::GroupSum>> groups = ledger.SumByGroup(run_id, group_by);
  if (!groups.ok()) return groups.status();
  if (in_flight != nullptr && run->status == kRunning) {
    if (absl::Status s = AddInFlight(ledger, *run, group_by, *in_flight, &*groups); !s.ok()) return s;
  }
  absl::StatusOr<int64_t> idle = ledger.IdleGpuSeconds(run_id);
  if (!idle.ok()) return idle.status();

  CostReport report;
  report.run = *run;
  report.group_by = std::string(group_by);
  report.rates = ComputeRates(pricing, run->gpu_tdp_watts);
  report.strategy = !run->strategy.empty();
  report.committed = committed;
  const int64_t busy_rate = owned_cluster      ? report.rates.owned_busy()
                            : reserved_cluster ? report.rates.reserved
                                               : 0;
  const int64_t idle_rate = owned_cluster      ? report.rates.owned_idle()
                            : reserved_cluster ? report.rates.reserved
                                               : 0;
  const int64_t down_rate = owned_cluster      ? report.rates.owned_down()
                            : reserved_cluster ? report.rates.reserved
                                               : 0;
  report.capital_micro_usd = owned_cluster ? CapitalMicroUsd(pricing, run->total_gpus()) : 0;
  if (report.capital_micro_usd == kMaxMicroUsd) {
    return absl::OutOfRangeError(absl::StrCat("run ", run_id, ": the cluster's capital exceeds "
                                              "$9,223,372,036,854.775807, the most gpuledger represents"));
  }
  report.window_seconds = run->sim_end - run->sim_start;
  report.idle_gpu_seconds = *idle;

  // Each row's exact cost, rounded by one splitter per view: the rows of any
  // grouping add up to the same totals, to the micro-dollar.
  MoneySplitter rental, owned;
  auto add = [&](CostRow row, ExactUsd rental_exact, ExactUsd owned_exact) {
    report.total.gpu_seconds += row.gpu_seconds;
    row.rental_micro_usd = rental.Take(rental_exact);
    row.owned_micro_usd = owned.Take(owned_exact);
    report.rows.push_back(std::move(row));
  };
  ExactUsd on_demand = 0;
  for (const auto& g : *groups) {
    report.busy_gpu_seconds += g.gpu_seconds;
    report.on_demand_gpu_seconds += g.on_demand_gpu_seconds;
    on_demand += ExactCost(g.on_demand_gpu_seconds, report.rates.rental);
    add(CostRow{g.group, g.gpu_seconds, 0, 0, g.first_start, g.last_end},
        ExactCost(g.gpu_seconds, report.rates.rental),
        ExactCost(g.gpu_seconds - g.on_demand_gpu_seconds, busy_rate) +
            ExactCost(g.on_demand_gpu_seconds, report.rates.rental));
  }
  report.jobs_total = report.total;
  report.jobs_total.group = "all jobs";
  report.jobs_total.rental_micro_usd = rental.total();
  report.jobs_total.owned_micro_usd = owned.total();
  report.jobs_total.first_start = run->sim_start;
  report.jobs_total.last_end = run->sim_end;
  // Idle capacity: nothing to a renter, the full fixed cost to an owner.
  add(CostRow{"idle", *idle, 0, 0, run->sim_start, run->sim_end}, 0, ExactCost(*idle, idle_rate));
  // Down capacity: an owner pays for nodes under repair, a renter does not.
  absl::StatusOr<int64_t> down = ledger.DownGpuSeconds(run_id);
  if (!down.ok()) return down.status();
  report.down_gpu_seconds = *down;
  if (*down > 0) {
    add(CostRow{"down", *down, 0, 0, run->sim_start, run->sim_end}, 0,
        ExactCost(*down, down_rate));
  }
  // Reserved capacity is paid for whole terms: what the term has left after
  // the window is part of the run's cost (as in compare and the FOCUS export).
  if (reserved_cluster) {
    const int64_t committed = ReservedCommitmentSeconds(pricing, report.window_seconds);
    const int64_t after = static_cast<int64_t>(run->total_gpus()) * (committed - report.window_seconds);
    if (after > 0) {
      add(CostRow{"unused term", after, 0, 0, run->sim_end, run->sim_start + committed}, 0,
          ExactCost(after, report.rates.reserved));
    }
  }
  for (const absl::Status& s : {rental.status(), owned.status()}) {
    if (!s.ok()) {
      return absl::OutOfRangeError(absl::StrCat("run ", run_id, ": ", s.message()));
    }
  }
  report.total.rental_micro_usd = rental.total();
  report.total.owned_micro_usd = owned.total();
  absl::StatusOr<int64_t> od = ToMicroUsd(on_demand);
  if (!od.ok()) return absl::OutOfRangeError(absl::StrCat("run ", run_id, ": ", od.status().message()));
  report.on_demand_micro_usd = *od;
  report.total.group = "total";
  report.total.first_start = run->sim_start;
  report.total.last_end = run->sim_end;
  for (const CostRow& row : report.rows) report.total.last_end = std::max(report.total.last_end, row.last_end);
  absl::StatusOr<int64_t> jobs = ledger.CountJobs(run_id);
  if (!jobs.ok()) return jobs.status();
  report.jobs = static_cast<int>(*jobs);
  return report;
}

}  // namespace gpuledger::ledger

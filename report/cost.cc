#include "report/cost.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <limits>
#include <map>

#include "absl/strings/str_cat.h"
#include "pricing/curve.h"
#include "google/protobuf/text_format.h"

namespace gpuledger::report {

namespace {

// Adds usage not yet in the ledger to the groups it belongs to (new groups
// after the ledger's, in the order met).
absl::Status AddInFlight(ledger::Ledger& ledger, const ledger::RunRecord& run, ledger::GroupBy by,
                         const std::vector<ledger::UsageRecord>& in_flight,
                         const std::vector<int64_t>* cuts,
                         std::vector<ledger::Ledger::GroupSum>* groups) {
  std::map<std::string, std::string> project;
  if (by == ledger::GroupBy::kProject) {
    absl::StatusOr<std::vector<ledger::JobRecord>> jobs = ledger.ListJobs(run.id);
    if (!jobs.ok()) return jobs.status();
    for (const ledger::JobRecord& j : *jobs) project[j.job_id] = j.project;
  }
  const ledger::RunCalendar calendar = ledger::CalendarOf(run);
  std::map<std::string, size_t> index;  // group -> its place, so a big run stays linear
  for (size_t i = 0; i < groups->size(); ++i) index.emplace((*groups)[i].group, i);
  auto add = [&](const std::string& key, const ledger::UsageRecord& u, int64_t start, int64_t end) {
    auto [at, fresh] = index.emplace(key, groups->size());
    if (fresh) groups->push_back({key});
    ledger::AddToGroup((*groups)[at->second], fresh, start, end, u.gpus, u.pool, cuts);
  };
  for (const ledger::UsageRecord& u : in_flight) {
    if (u.end <= u.start) continue;
    if (ledger::IsPeriod(by)) {
      // Cut at days, each labelled by the period holding it.
      ledger::ForEachDay(calendar, u.start, u.end, [&](int64_t, int64_t from, int64_t to) {
        add(calendar.PeriodLabel(by, from), u, from, to);
      });
      continue;
    }
    add(by == ledger::GroupBy::kJob       ? u.job_id
        : by == ledger::GroupBy::kPhase   ? u.phase
        : by == ledger::GroupBy::kProject ? project[u.job_id]
        : by == ledger::GroupBy::kPool    ? std::string(ledger::PoolName(u.pool))
                                          : u.category,
        u, u.start, u.end);
  }
  return absl::OkStatus();
}

// The prices a run's report uses: its stored pricing with the override
// merged in, and what its cluster was.
struct RunPricing {
  v1::Pricing pricing;
  ledger::Pool committed = ledger::Pool::kNone;
  bool owned_cluster = false;
  bool reserved_cluster = false;
};

absl::StatusOr<RunPricing> PricingOf(ledger::Ledger& ledger, const ledger::RunRecord& run,
                                     const v1::Pricing* pricing_override) {
  RunPricing p;
  if (!google::protobuf::TextFormat::ParseFromString(run.pricing, &p.pricing)) {
    return absl::DataLossError(absl::StrCat("run ", run.id, ": stored pricing is unreadable"));
  }
  if (!run.strategy.empty()) {
    absl::StatusOr<ledger::Pool> c = ledger.CommittedPool(run.id);
    if (!c.ok()) return c.status();
    p.committed = *c;
  }
  // A strategy's cluster costs what its pool costs; on-demand use costs rent.
  p.owned_cluster = run.strategy.empty() || p.committed == ledger::Pool::kOwned;
  p.reserved_cluster = p.committed == ledger::Pool::kReserved;
  if (pricing_override == nullptr) return p;
  // A price for capacity the run never had would change nothing: refused.
  for (const auto& [set, used, part] :
       {std::tuple<bool, bool, const char*>{pricing_override->has_owned(), p.owned_cluster,
                                            "owned"},
        {pricing_override->has_reserved(), p.reserved_cluster, "reserved"}}) {
    if (set && !used) {
      return absl::InvalidArgumentError(absl::StrCat(
          "pricing_override.", part, ": run ", run.id, " has no ", part, " capacity (",
          run.strategy.empty()
              ? "a plain replay prices rental and owned"
              : absl::StrCat("its strategy's cluster is ", p.committed == ledger::Pool::kNone
                                                               ? "none"
                                                               : ledger::PoolName(p.committed)),
          "), so these prices would change nothing"));
    }
  }
  pricing::MergePricing(*pricing_override, &p.pricing);
  if (auto s = pricing::ValidatePricing(p.pricing, "pricing_override."); !s.ok()) return s;
  return p;
}

// The report's rows, each priced exactly and rounded by one splitter per
// view, so the rows of any grouping add up to the same totals, to the
// micro-dollar: the groups, then idle, down and unused term.
// With prices that move, a group is charged segment by segment: its
// GPU-seconds in each segment at that segment's rates (`capacity`: idle and
// down GPU-seconds by segment). With constant prices there is one segment.
absl::Status AddRows(const RunPricing& p, const std::vector<ledger::Ledger::GroupSum>& groups,
                     int64_t down, const ledger::Ledger::CapacitySegments* capacity,
                     CostReport* report) {
  const ledger::RunRecord& run = report->run;
  const pricing::Rates& rates = report->rates;
  // What a GPU-second of the run's own cluster costs, busy, idle or down.
  const pricing::StateRates committed = report->cluster_rates();
  std::vector<pricing::Rates> seg_rates;
  std::vector<pricing::StateRates> seg_committed;
  for (const pricing::PriceSegment& s : report->segments) {
    seg_rates.push_back(s.rates);
    seg_committed.push_back(pricing::CapacityRates(s.rates, report->capacity()));
  }
  // A group's exact cost in both views, segment by segment when prices move.
  auto priced = [&](const ledger::Ledger::GroupSum& g) {
    std::pair<pricing::ExactUsd, pricing::ExactUsd> c{0, 0};
    if (seg_rates.empty()) {
      c.first = pricing::ExactCost(g.gpu_seconds, rates.rental);
      c.second = pricing::ExactCost(g.gpu_seconds - g.on_demand_gpu_seconds, committed.busy) +
                 pricing::ExactCost(g.on_demand_gpu_seconds, rates.rental);
      return c;
    }
    for (size_t k = 0; k < g.segments.size() && k < seg_rates.size(); ++k) {
      const int64_t od = k < g.on_demand_segments.size() ? g.on_demand_segments[k] : 0;
      c.first += pricing::ExactCost(g.segments[k], seg_rates[k].rental);
      c.second += pricing::ExactCost(g.segments[k] - od, seg_committed[k].busy) +
                  pricing::ExactCost(od, seg_rates[k].rental);
    }
    return c;
  };
  auto on_demand_cost = [&](const ledger::Ledger::GroupSum& g) {
    if (seg_rates.empty()) return pricing::ExactCost(g.on_demand_gpu_seconds, rates.rental);
    pricing::ExactUsd c = 0;
    for (size_t k = 0; k < g.on_demand_segments.size() && k < seg_rates.size(); ++k)
      c += pricing::ExactCost(g.on_demand_segments[k], seg_rates[k].rental);
    return c;
  };
  auto capacity_cost = [&](int64_t gpu_seconds, const std::vector<int64_t>* by_segment,
                           int64_t pricing::StateRates::*state) {
    if (seg_rates.empty() || by_segment == nullptr)
      return pricing::ExactCost(gpu_seconds, committed.*state);
    pricing::ExactUsd c = 0;
    for (size_t k = 0; k < by_segment->size() && k < seg_committed.size(); ++k)
      c += pricing::ExactCost((*by_segment)[k], seg_committed[k].*state);
    return c;
  };
  pricing::MoneySplitter rental, owned;
  auto add = [&](CostRow row, pricing::ExactUsd rental_exact, pricing::ExactUsd owned_exact) {
    report->total.gpu_seconds += row.gpu_seconds;
    row.rental_micro_usd = rental.Take(rental_exact);
    row.owned_micro_usd = owned.Take(owned_exact);
    report->rows.push_back(std::move(row));
  };
  pricing::ExactUsd on_demand = 0;
  for (const auto& g : groups) {
    report->busy_gpu_seconds += g.gpu_seconds;
    report->on_demand_gpu_seconds += g.on_demand_gpu_seconds;
    on_demand += on_demand_cost(g);
    const auto [rental_exact, owned_exact] = priced(g);
    add(CostRow{g.group, g.gpu_seconds, 0, 0, g.first_start, g.last_end}, rental_exact,
        owned_exact);
  }
  report->jobs_total = report->total;
  report->jobs_total.group = "all jobs";
  report->jobs_total.rental_micro_usd = rental.total();
  report->jobs_total.owned_micro_usd = owned.total();
  report->jobs_total.first_start = run.sim_start;
  report->jobs_total.last_end = run.sim_end;
  // Idle capacity: nothing to a renter, the full fixed cost to an owner.
  add(CostRow{"idle", report->idle_gpu_seconds, 0, 0, run.sim_start, run.sim_end}, 0,
      capacity_cost(report->idle_gpu_seconds, capacity ? &capacity->idle : nullptr,
                    &pricing::StateRates::idle));
  // Down capacity: an owner pays for nodes under repair, a renter does not.
  if (down > 0) {
    add(CostRow{"down", down, 0, 0, run.sim_start, run.sim_end}, 0,
        capacity_cost(down, capacity ? &capacity->down : nullptr, &pricing::StateRates::down));
  }
  // Reserved capacity is paid for whole terms: what the term has left after
  // the window is part of the run's cost (as in compare and the FOCUS export).
  if (p.reserved_cluster) {
    const int64_t after =
        pricing::UnusedTermGpuSeconds(p.pricing, run.total_gpus(), report->window_seconds);
    if (after > 0) {
      const int64_t term = pricing::ReservedCommitmentSeconds(p.pricing, report->window_seconds);
      // At the last term's rate: the one in force when the window ends.
      const int64_t rate = seg_rates.empty() ? rates.reserved : seg_rates.back().reserved;
      add(CostRow{"unused term", after, 0, 0, run.sim_end, run.sim_start + term}, 0,
          pricing::ExactCost(after, rate));
    }
  }
  for (const absl::Status& s : {rental.status(), owned.status()}) {
    if (!s.ok()) return absl::OutOfRangeError(absl::StrCat("run ", run.id, ": ", s.message()));
  }
  report->total.rental_micro_usd = rental.total();
  report->total.owned_micro_usd = owned.total();
  absl::StatusOr<int64_t> od = pricing::ToMicroUsd(on_demand);
  if (!od.ok())
    return absl::OutOfRangeError(absl::StrCat("run ", run.id, ": ", od.status().message()));
  report->on_demand_micro_usd = *od;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CostReport> BuildCostReport(ledger::Ledger& ledger, int64_t run_id,
                                           ledger::GroupBy group_by, bool allow_partial,
                                           const v1::Pricing* pricing_override,
                                           const std::vector<ledger::UsageRecord>* in_flight) {
  absl::StatusOr<ledger::RunRecord> run = ledger.GetRun(run_id);
  if (!run.ok()) return run.status();
  if (run->status != ledger::RunStatus::kComplete && !allow_partial) {
    return absl::FailedPreconditionError(
        absl::StrCat("run ", run_id, " is ", ledger::RunStatusName(run->status),
                     ", not complete; its figures are partial (to see them anyway: --partial on "
                     "the command line, "
                     "allow_partial over gRPC)"));
  }
  if (!run->pools.empty()) {
    return absl::UnimplementedError(absl::StrCat(
        "run ", run_id, " is a mixed cluster (", run->gpu_model,
        "): pricing each pool as its GPU model is not built yet; its usage is in the ledger "
        "(gpuledger ledger verify, --schedule-out)"));
  }
  absl::StatusOr<RunPricing> p = PricingOf(ledger, *run, pricing_override);
  if (!p.ok()) return p.status();
  // Prices that move: the window cut where they change, each group summed
  // by segment from the entries.
  std::vector<pricing::PriceSegment> segments;
  std::vector<int64_t> cuts;
  std::optional<ledger::Ledger::CapacitySegments> capacity;
  if (pricing::HasMovingPrices(p->pricing)) {
    absl::StatusOr<std::vector<pricing::PriceSegment>> s = pricing::PriceSegments(
        p->pricing, run->gpu_tdp_watts, run->gpus_per_node, run->start_utc, run->sim_start,
        std::max(run->sim_end, run->sim_start));
    if (!s.ok()) return absl::Status(s.status().code(), absl::StrCat("run ", run_id, ": ", s.status().message()));
    segments = *std::move(s);
    for (size_t k = 1; k < segments.size(); ++k) cuts.push_back(segments[k].start);
    absl::StatusOr<ledger::Ledger::CapacitySegments> c = ledger.CapacityInSegments(run_id, cuts);
    if (!c.ok()) return c.status();
    capacity = *std::move(c);
  }
  absl::StatusOr<std::vector<ledger::Ledger::GroupSum>> groups =
      segments.empty() ? ledger.SumByGroup(run_id, group_by)
                       : ledger.SumEntriesByGroup(run_id, group_by, &cuts);
  if (!groups.ok()) return groups.status();
  if (in_flight != nullptr && run->status == ledger::RunStatus::kRunning) {
    if (absl::Status s = AddInFlight(ledger, *run, group_by, *in_flight,
                                     segments.empty() ? nullptr : &cuts, &*groups);
        !s.ok())
      return s;
  }
  absl::StatusOr<int64_t> idle = ledger.IdleGpuSeconds(run_id);
  if (!idle.ok()) return idle.status();
  CostReport report;
  report.run = *run;
  report.group_by = group_by;
  report.rates = segments.empty() ? pricing::ComputeRates(p->pricing, run->gpu_tdp_watts, run->gpus_per_node)
                                  : segments.front().rates;
  report.segments = std::move(segments);
  report.strategy = !run->strategy.empty();
  report.committed = p->committed;
  report.capital_micro_usd =
      p->owned_cluster ? pricing::CapitalMicroUsd(p->pricing, run->total_gpus(), run->gpus_per_node) : 0;
  if (report.capital_micro_usd == pricing::kMaxMicroUsd) {
    return pricing::TooMuchMoney(absl::StrCat("run ", run_id, ": the cluster's capital"));
  }
  report.window_seconds = run->sim_end - run->sim_start;
  report.idle_gpu_seconds = *idle;
  absl::StatusOr<int64_t> down = ledger.DownGpuSeconds(run_id);
  if (!down.ok()) return down.status();
  report.down_gpu_seconds = *down;
  if (absl::Status s = AddRows(*p, *groups, *down, capacity ? &*capacity : nullptr, &report);
      !s.ok())
    return s;
  report.total.group = "total";
  report.total.first_start = run->sim_start;
  report.total.last_end = run->sim_end;
  for (const CostRow& row : report.rows)
    report.total.last_end = std::max(report.total.last_end, row.last_end);
  absl::StatusOr<int64_t> jobs = ledger.CountJobs(run_id);
  if (!jobs.ok()) return jobs.status();
  report.jobs = static_cast<int>(*jobs);
  return report;
}

}  // namespace gpuledger::report

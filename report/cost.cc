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
  if (pricing_override->models_size() > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "pricing_override.models: run ", run.id, " is a cluster of one pool (", run.gpu_model,
        "), priced by the profile's own fields; prices of a model are for a mixed cluster's "
        "pools"));
  }
  pricing::MergePricing(*pricing_override, &p.pricing);
  if (auto s = pricing::ValidatePricing(p.pricing, "pricing_override."); !s.ok()) return s;
  return p;
}

// What a cluster's GPU-seconds cost at its prices: rental, and owned (or a
// strategy's committed capacity), segment by segment when prices move.
struct Pricer {
  pricing::Rates rates;
  pricing::StateRates committed;  // a GPU-second of the cluster, busy, idle or down
  std::vector<pricing::Rates> seg_rates;
  std::vector<pricing::StateRates> seg_committed;

  Pricer(const pricing::Rates& r, pricing::Capacity capacity,
         const std::vector<pricing::PriceSegment>& segments)
      : rates(r), committed(pricing::CapacityRates(r, capacity)) {
    for (const pricing::PriceSegment& s : segments) {
      seg_rates.push_back(s.rates);
      seg_committed.push_back(pricing::CapacityRates(s.rates, capacity));
    }
  }
  // A group's exact cost in both views.
  std::pair<pricing::ExactUsd, pricing::ExactUsd> Priced(const ledger::Ledger::GroupSum& g) const {
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
  }
  pricing::ExactUsd OnDemand(const ledger::Ledger::GroupSum& g) const {
    if (seg_rates.empty()) return pricing::ExactCost(g.on_demand_gpu_seconds, rates.rental);
    pricing::ExactUsd c = 0;
    for (size_t k = 0; k < g.on_demand_segments.size() && k < seg_rates.size(); ++k)
      c += pricing::ExactCost(g.on_demand_segments[k], seg_rates[k].rental);
    return c;
  }
  // Idle or down capacity (`state`), by segment where prices move.
  pricing::ExactUsd Capacity(int64_t gpu_seconds, const std::vector<int64_t>* by_segment,
                             int64_t pricing::StateRates::*state) const {
    if (seg_rates.empty() || by_segment == nullptr)
      return pricing::ExactCost(gpu_seconds, committed.*state);
    pricing::ExactUsd c = 0;
    for (size_t k = 0; k < by_segment->size() && k < seg_committed.size(); ++k)
      c += pricing::ExactCost((*by_segment)[k], seg_committed[k].*state);
    return c;
  }
};

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
  const Pricer pricer(rates, report->capacity(), report->segments);
  const std::vector<pricing::Rates>& seg_rates = pricer.seg_rates;
  auto priced = [&](const ledger::Ledger::GroupSum& g) { return pricer.Priced(g); };
  auto on_demand_cost = [&](const ledger::Ledger::GroupSum& g) { return pricer.OnDemand(g); };
  auto capacity_cost = [&](int64_t gpu_seconds, const std::vector<int64_t>* by_segment,
                           int64_t pricing::StateRates::*state) {
    return pricer.Capacity(gpu_seconds, by_segment, state);
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

// A mixed cluster's report: each pool priced as its GPU model (the run's
// prices for the model, with the override's over them) for the entries of
// that pool; each row's exact cost the sum over the pools, rounded by one
// splitter per view as for one pool, so every grouping adds up to the same
// totals. A partial report leaves out the running jobs' current runs.
absl::StatusOr<CostReport> BuildMixedCostReport(ledger::Ledger& ledger,
                                                const ledger::RunRecord& run,
                                                ledger::GroupBy group_by,
                                                const v1::Pricing* pricing_override) {
  // A fleet strategy's pools are owned or on demand; a plain replay's are
  // priced in both views.
  const bool fleet = !run.strategy.empty();
  for (const ledger::RunPool& p : run.pools) {
    if (fleet != (p.capacity != ledger::Pool::kNone)) {
      return absl::DataLossError(absl::StrCat(
          "run ", run.id, ": pool \"", p.name, "\" ",
          fleet ? "of a strategy's run has no capacity (owned or on demand)"
                : "of a plain replay names a capacity"));
    }
  }
  v1::Pricing stored;
  if (!google::protobuf::TextFormat::ParseFromString(run.pricing, &stored)) {
    return absl::DataLossError(absl::StrCat("run ", run.id, ": stored pricing is unreadable"));
  }
  if (pricing_override != nullptr && pricing_override->has_reserved()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "pricing_override.reserved: run ", run.id,
        " has no reserved capacity (a plain replay prices rental and owned), so these prices "
        "would change nothing"));
  }
  if (pricing_override != nullptr) {
    for (const v1::ModelPricing& m : pricing_override->models()) {
      bool used = false;
      for (const ledger::RunPool& p : run.pools) used = used || p.gpu_model == m.gpu();
      if (!used) {
        return absl::InvalidArgumentError(absl::StrCat(
            "pricing_override.models: run ", run.id, " has no pool of model \"", m.gpu(),
            "\" (its pools: ", run.gpu_model, "), so these prices would change nothing"));
      }
    }
  }
  absl::StatusOr<std::vector<ledger::Ledger::GroupSum>> canonical =
      ledger.SumEntriesByGroup(run.id, group_by);
  if (!canonical.ok()) return canonical.status();
  CostReport report;
  report.run = run;
  report.group_by = group_by;
  report.window_seconds = run.sim_end - run.sim_start;
  report.strategy = fleet;
  for (const ledger::RunPool& p : run.pools) {
    if (p.capacity == ledger::Pool::kOwned) report.committed = ledger::Pool::kOwned;
  }
  struct PoolPrices {
    std::optional<Pricer> pricer;
    std::map<std::string, ledger::Ledger::GroupSum> groups;
    std::optional<ledger::Ledger::CapacitySegments> capacity;
    int64_t idle = 0, down = 0;
  };
  std::vector<PoolPrices> pools(run.pools.size());
  for (size_t k = 0; k < run.pools.size(); ++k) {
    const ledger::RunPool& rp = run.pools[k];
    const int pool = static_cast<int>(k);
    v1::Pricing prices = pricing::PricingForModel(stored, rp.gpu_model);
    if (pricing_override != nullptr) {
      pricing::MergePricing(pricing::PricingForModel(*pricing_override, rp.gpu_model), &prices);
      if (auto s = pricing::ValidatePricing(prices, "pricing_override."); !s.ok()) return s;
    }
    std::vector<pricing::PriceSegment> segments;
    std::vector<int64_t> cuts;
    if (pricing::HasMovingPrices(prices)) {
      absl::StatusOr<std::vector<pricing::PriceSegment>> s =
          pricing::PriceSegments(prices, rp.gpu_tdp_watts, rp.gpus_per_node, run.start_utc,
                                 run.sim_start, std::max(run.sim_end, run.sim_start));
      if (!s.ok()) {
        return absl::Status(s.status().code(),
                            absl::StrCat("run ", run.id, ": ", s.status().message()));
      }
      segments = *std::move(s);
      for (size_t i = 1; i < segments.size(); ++i) cuts.push_back(segments[i].start);
      absl::StatusOr<ledger::Ledger::CapacitySegments> c =
          ledger.CapacityInSegments(run.id, cuts, pool);
      if (!c.ok()) return c.status();
      pools[k].capacity = *std::move(c);
    }
    const pricing::Rates rates =
        segments.empty() ? pricing::ComputeRates(prices, rp.gpu_tdp_watts, rp.gpus_per_node)
                         : segments.front().rates;
    // An on-demand pool of a fleet costs its rent, nothing idle or down.
    const bool rented = rp.capacity == ledger::Pool::kOnDemand;
    pools[k].pricer.emplace(rates, rented ? pricing::Capacity::kNone : pricing::Capacity::kOwned,
                            segments);
    absl::StatusOr<std::vector<ledger::Ledger::GroupSum>> groups =
        ledger.SumEntriesByGroup(run.id, group_by, segments.empty() ? nullptr : &cuts, pool);
    if (!groups.ok()) return groups.status();
    for (ledger::Ledger::GroupSum& g : *groups) pools[k].groups[g.group] = std::move(g);
    absl::StatusOr<int64_t> idle = ledger.IdleGpuSeconds(run.id, pool);
    if (!idle.ok()) return idle.status();
    absl::StatusOr<int64_t> down = ledger.DownGpuSeconds(run.id, pool);
    if (!down.ok()) return down.status();
    pools[k].idle = *idle;
    pools[k].down = *down;
    CostReport::PoolLine line;
    line.pool = rp;
    line.rates = rates;
    line.moving = segments.size() > 1;
    line.segments = segments;
    line.capital_micro_usd =
        rented ? 0
               : pricing::CapitalMicroUsd(
                     prices, static_cast<int>(std::min<int64_t>(rp.total_gpus(), INT32_MAX)),
                     rp.gpus_per_node);
    if (line.capital_micro_usd == pricing::kMaxMicroUsd ||
        report.capital_micro_usd > pricing::kMaxMicroUsd - line.capital_micro_usd) {
      return pricing::TooMuchMoney(absl::StrCat("run ", run.id, ": the cluster's capital"));
    }
    report.capital_micro_usd += line.capital_micro_usd;
    line.idle_gpu_seconds = *idle;
    line.down_gpu_seconds = *down;
    report.pools.push_back(std::move(line));
  }
  report.rates = report.pools.front().rates;
  pricing::MoneySplitter rental, owned;
  std::vector<pricing::ExactUsd> pool_rental(pools.size(), 0), pool_owned(pools.size(), 0);
  pricing::ExactUsd on_demand = 0;  // a fleet's on-demand pools
  auto add = [&](CostRow row, pricing::ExactUsd rental_exact, pricing::ExactUsd owned_exact) {
    report.total.gpu_seconds += row.gpu_seconds;
    row.rental_micro_usd = rental.Take(rental_exact);
    row.owned_micro_usd = owned.Take(owned_exact);
    report.rows.push_back(std::move(row));
  };
  for (const ledger::Ledger::GroupSum& g : *canonical) {
    pricing::ExactUsd rental_exact = 0, owned_exact = 0;
    for (size_t k = 0; k < pools.size(); ++k) {
      auto it = pools[k].groups.find(g.group);
      if (it == pools[k].groups.end()) continue;
      const auto [r, o] = pools[k].pricer->Priced(it->second);
      rental_exact += r;
      owned_exact += o;
      pool_rental[k] += r;
      pool_owned[k] += o;
      report.pools[k].busy_gpu_seconds += it->second.gpu_seconds;
      report.on_demand_gpu_seconds += it->second.on_demand_gpu_seconds;
      on_demand += pools[k].pricer->OnDemand(it->second);
    }
    report.busy_gpu_seconds += g.gpu_seconds;
    add(CostRow{g.group, g.gpu_seconds, 0, 0, g.first_start, g.last_end}, rental_exact,
        owned_exact);
  }
  report.jobs_total = report.total;
  report.jobs_total.group = "all jobs";
  report.jobs_total.rental_micro_usd = rental.total();
  report.jobs_total.owned_micro_usd = owned.total();
  report.jobs_total.first_start = run.sim_start;
  report.jobs_total.last_end = run.sim_end;
  // Idle and down capacity: each pool's at its owned rates.
  int64_t idle = 0, down = 0;
  pricing::ExactUsd idle_exact = 0, down_exact = 0;
  for (size_t k = 0; k < pools.size(); ++k) {
    const PoolPrices& pp = pools[k];
    const pricing::ExactUsd i = pp.pricer->Capacity(
        pp.idle, pp.capacity ? &pp.capacity->idle : nullptr, &pricing::StateRates::idle);
    const pricing::ExactUsd d = pp.pricer->Capacity(
        pp.down, pp.capacity ? &pp.capacity->down : nullptr, &pricing::StateRates::down);
    idle += pp.idle;
    down += pp.down;
    idle_exact += i;
    down_exact += d;
    pool_owned[k] += i + d;
  }
  report.idle_gpu_seconds = idle;
  report.down_gpu_seconds = down;
  add(CostRow{"idle", idle, 0, 0, run.sim_start, run.sim_end}, 0, idle_exact);
  if (down > 0) add(CostRow{"down", down, 0, 0, run.sim_start, run.sim_end}, 0, down_exact);
  for (const absl::Status& s : {rental.status(), owned.status()}) {
    if (!s.ok()) return absl::OutOfRangeError(absl::StrCat("run ", run.id, ": ", s.message()));
  }
  for (size_t k = 0; k < pools.size(); ++k) {
    absl::StatusOr<int64_t> r = pricing::ToMicroUsd(pool_rental[k]);
    absl::StatusOr<int64_t> o = pricing::ToMicroUsd(pool_owned[k]);
    if (!r.ok() || !o.ok()) {
      return absl::OutOfRangeError(absl::StrCat("run ", run.id, ": a pool's cost is too large"));
    }
    report.pools[k].rental_micro_usd = *r;
    report.pools[k].owned_micro_usd = *o;
  }
  report.total.rental_micro_usd = rental.total();
  report.total.owned_micro_usd = owned.total();
  absl::StatusOr<int64_t> od = pricing::ToMicroUsd(on_demand);
  if (!od.ok()) {
    return absl::OutOfRangeError(absl::StrCat("run ", run.id, ": ", od.status().message()));
  }
  report.on_demand_micro_usd = *od;
  report.total.group = "total";
  report.total.first_start = run.sim_start;
  report.total.last_end = run.sim_end;
  for (const CostRow& row : report.rows)
    report.total.last_end = std::max(report.total.last_end, row.last_end);
  absl::StatusOr<int64_t> jobs = ledger.CountJobs(run.id);
  if (!jobs.ok()) return jobs.status();
  report.jobs = static_cast<int>(*jobs);
  return report;
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
  if (!run->pools.empty()) return BuildMixedCostReport(ledger, *run, group_by, pricing_override);
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

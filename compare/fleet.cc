#include "compare/fleet.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/calendar.h"
#include "compare/internal.h"
#include "pricing/curve.h"
#include "pricing/rates.h"
#include "pricing/strategy.h"
#include "scheduler/types.h"
#include "traces/pricing.h"

namespace gpuledger::compare {
namespace {

namespace pb = google::protobuf;
namespace v1 = gpuledger::v1;
using internal::Bad;

// More pools than any fleet needs, and few enough that a run's pool index
// stays small.
constexpr int kMaxFleetPools = 64;

// Simulated seconds of a UTC instant, from the plan's start.
int64_t Sim(int64_t utc, int64_t start_utc) { return utc - start_utc; }

}  // namespace

absl::StatusOr<Fleet> CheckFleet(const v1::Strategy& s, const traces::Workload& w,
                                 const traces::StrategyPlace& place, const std::string& who,
                                 const CompareOptions& o) {
  // The fields of a one-pool strategy have no meaning beside pools.
  const pb::Descriptor* d = v1::Strategy::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->name() == "name" || f->name() == "description" || f->name() == "pools") continue;
    if (s.GetReflection()->HasField(s, f)) {
      return Bad(place.Field(f->name()),
                 absl::StrCat(who, "field ", f->name(),
                              " sizes or prices one committed pool; a fleet (pools) gives each "
                              "pool's gpu, gpus, capacity, pricing and dates instead"));
    }
  }
  if (s.pools_size() > kMaxFleetPools) {
    return Bad(place.Field("pools"), absl::StrCat(who, "a fleet has at most ", kMaxFleetPools,
                                                  " pools, got ", s.pools_size()));
  }
  Fleet fleet;
  std::set<std::string> names;
  // The profile each (model, capacity) is priced by: pools of one model
  // and capacity share their prices.
  std::map<std::pair<std::string, ledger::Pool>, std::string> profile_of;
  std::map<std::string, v1::Pricing> by_model;
  std::vector<std::string> models;  // in pool order, once each
  for (int j = 0; j < s.pools_size(); ++j) {
    const v1::StrategyPool& sp = s.pools(j);
    const std::string at = absl::StrCat("pools[", j, "]");
    auto field = [&](const char* name) { return absl::StrCat(at, ".", name); };
    auto bad = [&](const char* name, const std::string& what) {
      return Bad(place.Field(field(name)), absl::StrCat(who, "field ", field(name), ": ", what));
    };
    FleetPool fp;
    auto model = w.catalog.find(sp.gpu());
    if (model == w.catalog.end()) {
      std::vector<std::string> known;
      for (const auto& [name, m] : w.catalog) known.push_back(name);
      return bad("gpu", absl::StrCat(sp.gpu().empty() ? "required" : absl::StrCat("unknown GPU model \"", sp.gpu(), "\""),
                                     " (the catalog's: ", absl::StrJoin(known, ", "), ")"));
    }
    fp.gpu = model->second;
    const int per_node = fp.gpu.gpus_per_node();
    if (sp.gpus() < per_node || sp.gpus() > 10000000) {
      return bad("gpus", absl::StrCat("must be at least one ", per_node, "-GPU ", sp.gpu(),
                                      " node and at most 10000000, got ", sp.gpus()));
    }
    if (sp.gpus() % per_node != 0) {
      return bad("gpus", absl::StrCat("must be whole ", per_node, "-GPU ", sp.gpu(),
                                      " nodes, got ", sp.gpus(), " (", sp.gpus() / per_node * per_node,
                                      " or ", (sp.gpus() / per_node + 1) * per_node, ")"));
    }
    fp.gpus = sp.gpus();
    if (sp.capacity().empty()) {
      return bad("capacity", "required: \"owned\" (bought on available_from, or when the work "
                             "starts) or \"on-demand\" (rented by the GPU-hour)");
    } else if (sp.capacity() == "owned") {
      fp.capacity = ledger::Pool::kOwned;
    } else if (sp.capacity() == "on-demand") {
      fp.capacity = ledger::Pool::kOnDemand;
    } else {
      return bad("capacity",
                 absl::StrCat("must be \"owned\" or \"on-demand\", got \"", sp.capacity(), "\"",
                              sp.capacity() == "reserved"
                                  ? " (a fleet's pools are not reserved yet: reserve one pool "
                                    "with committed: \"reserved\" instead)"
                                  : ""));
    }
    fp.name = sp.name().empty() ? sp.gpu() : sp.name();
    if (absl::Status st = traces::CheckName(fp.name, field("name")); !st.ok()) {
      return Bad(place.Field(field("name")), absl::StrCat(who, st.message()));
    }
    if (!names.insert(fp.name).second) {
      return bad(sp.name().empty() ? "gpu" : "name",
                 absl::StrCat("two pools are named \"", fp.name,
                              "\"; name each pool (field name) so reports can tell them apart"));
    }
    if (fp.name != sp.gpu() && w.catalog.count(fp.name) > 0) {
      return bad("name", absl::StrCat("\"", fp.name, "\" is the name of another GPU model; a ",
                                      sp.gpu(), " pool named after it would read as one"));
    }
    for (const auto& [name, text, out] :
         {std::tuple<const char*, const std::string&, std::optional<int64_t>*>{
              "available_from", sp.available_from(), &fp.from_utc},
          {"retired_at", sp.retired_at(), &fp.until_utc}}) {
      if (text.empty()) continue;
      absl::StatusOr<int64_t> t = base::ParseUtc(text);
      if (!t.ok()) return bad(name, std::string(t.status().message()));
      if (!w.start_utc) {
        return bad(name,
                   "a date needs a dated plan: give the plan a start_date (or compare "
                   "--start-date)");
      }
      *out = *t;
    }
    if (fp.until_utc && *fp.until_utc <= std::max(fp.from_utc.value_or(*w.start_utc), *w.start_utc)) {
      return bad("retired_at",
                 absl::StrCat(base::FormatUtc(*fp.until_utc), " is not after the pool is in service (",
                              base::FormatUtc(std::max(fp.from_utc.value_or(*w.start_utc),
                                                       *w.start_utc)),
                              ")"));
    }
    if (fp.capacity == ledger::Pool::kOnDemand && fp.from_utc && *fp.from_utc < *w.start_utc) {
      fp.from_utc = *w.start_utc;  // nothing is rented before the plan starts
    }
    const auto key = std::make_pair(sp.gpu(), fp.capacity);
    if (auto [it, fresh] = profile_of.emplace(key, sp.pricing()); !fresh && it->second != sp.pricing()) {
      return bad("pricing",
                 absl::StrCat("the fleet's ", ledger::PoolName(fp.capacity), " ", sp.gpu(),
                              " pools are priced by one profile (\"", it->second,
                              "\" before), got \"", sp.pricing(), "\""));
    }
    if (by_model.count(sp.gpu()) == 0) {
      by_model[sp.gpu()] = pricing::PricingForModel(traces::BuiltinDefaults().pricing(), sp.gpu());
      models.push_back(sp.gpu());
    }
    if (!sp.pricing().empty()) {
      if (absl::Status st = internal::MergeProfile(
              place, who, field("pricing"), sp.pricing(), "",
              fp.capacity == ledger::Pool::kOwned ? "owned" : "rental", o.allow_profile_files,
              &by_model[sp.gpu()]);
          !st.ok()) {
        return st;
      }
    }
    fleet.pools.push_back(std::move(fp));
  }
  if (fleet.pools.empty()) return Bad(place.Field("pools"), who + "a fleet needs a pool");
  for (const std::string& m : models) {
    v1::Pricing& p = by_model[m];
    internal::ApplySensitivity(o, &p);
    if (absl::Status st = pricing::ValidatePricing(p, ""); !st.ok()) {
      return Bad(place.Field("pools"), absl::StrCat(who, "the ", m, " pools' prices: ", st.message()));
    }
    if (absl::Status st = pricing::CheckCurvesPlaced(p, w.start_utc.has_value()); !st.ok()) {
      return Bad(place.Field("pools"), absl::StrCat(who, "the ", m, " pools' prices: ", st.message()));
    }
  }
  for (FleetPool& fp : fleet.pools) fp.pricing = by_model[fp.gpu.name()];
  return fleet;
}

absl::StatusOr<traces::Workload> FleetWorkload(const Fleet& f, const traces::Workload& w) {
  traces::Workload out = w;
  std::vector<traces::ClusterPool> pools;
  for (const FleetPool& fp : f.pools) {
    traces::ClusterPool cp;
    cp.name = fp.name;
    cp.gpu = fp.gpu;
    cp.nodes = fp.gpus / fp.gpu.gpus_per_node();
    // The plan's failures on every pool (a mixed plan's: its first pool of
    // the model's, none for a model it lacks).
    if (w.pools.empty()) {
      cp.failure_model = w.failure_model;
      cp.failure_model_name = w.failure_model_name;
      cp.restart_seconds = w.restart_seconds;
    } else {
      for (const traces::ClusterPool& p : w.pools) {
        if (p.gpu.name() != fp.gpu.name()) continue;
        cp.failure_model = p.failure_model;
        cp.failure_model_name = p.failure_model_name;
        cp.restart_seconds = p.restart_seconds;
        break;
      }
    }
    cp.available_from_utc = fp.from_utc;
    cp.retired_at_utc = fp.until_utc;
    pools.push_back(std::move(cp));
  }
  // A plan written for a cluster of one model measured its work there: a
  // job that names no model it was measured on was measured on that one
  // (on the fleet's other models it runs by their throughput factor).
  if (w.pools.empty()) {
    for (v1::Job& job : out.plan_jobs) {
      if (!job.has_flops() && job.measured_on().empty()) job.set_measured_on(w.gpu.name());
    }
  }
  // A one-model plan's "auto" checkpoints with its failures turned off
  // (--vary failure_rate=0): nothing fails, so nothing is saved, as a
  // one-pool replay has it.
  if (w.pools.empty() && !w.failure_model) {
    for (traces::PlanJob& j : out.jobs) {
      if (j.checkpoint_seconds == traces::kAutoCheckpoint) j.checkpoint_seconds = 0;
    }
  }
  if (absl::Status s = traces::RunOnPools(
          std::move(pools), &out, "the strategy",
          "; a fleet runs each job at the size the plan gives it (only a one-pool strategy "
          "shrinks a job to fit): add a pool it fits");
      !s.ok()) {
    return s;
  }
  // Each model's prices where a report of the run reads them.
  out.pricing = traces::BuiltinDefaults().pricing();
  out.pricing.clear_models();
  std::set<std::string> done;
  for (const FleetPool& fp : f.pools) {
    if (!done.insert(fp.gpu.name()).second) continue;
    v1::ModelPricing* m = out.pricing.add_models();
    m->set_gpu(fp.gpu.name());
    *m->mutable_rental() = fp.pricing.rental();
    *m->mutable_owned() = fp.pricing.owned();
  }
  return out;
}

std::vector<ledger::Pool> FleetCapacity(const Fleet& f) {
  std::vector<ledger::Pool> out;
  for (const FleetPool& fp : f.pools) out.push_back(fp.capacity);
  return out;
}

absl::Status PriceFleet(const Fleet& f, std::optional<int64_t> start_utc, ledger::Ledger& ledger,
                        StrategyResult* r) {
  const std::string who = absl::StrCat("strategy \"", r->strategy.name(), "\": ");
  const int64_t end = r->window_start + r->horizon_seconds;
  r->fleet.clear();
  std::vector<pricing::ExactUsd> exact;
  pricing::ExactUsd amortized = 0;
  int64_t owned_held = 0, owned_busy = 0;
  for (size_t k = 0; k < f.pools.size(); ++k) {
    const FleetPool& fp = f.pools[k];
    const int pool = static_cast<int>(k);
    const bool owned = fp.capacity == ledger::Pool::kOwned;
    FleetPoolResult pr;
    pr.name = fp.name;
    pr.gpu = fp.gpu.name();
    pr.gpus = fp.gpus;
    pr.capacity = fp.capacity;
    pr.available_from = fp.from_utc ? std::max<int64_t>(0, Sim(*fp.from_utc, *start_utc)) : 0;
    pr.retired_at = fp.until_utc ? Sim(*fp.until_utc, *start_utc) : -1;
    // Held from the window's start (or its arrival) to the horizon (or its
    // retirement).
    const int64_t held_from = std::max(r->window_start, pr.available_from);
    const int64_t in_service_to = pr.retired_at < 0 ? end : std::min(end, pr.retired_at);
    if (in_service_to <= held_from && (fp.from_utc || fp.until_utc)) {
      // Arrives after the horizon, or leaves before the work starts: it
      // would be paid for (or listed) and never used.
      const auto date = [&](int64_t t) { return base::FormatDate(*start_utc + t); };
      return absl::InvalidArgumentError(absl::StrCat(
          who, "pool \"", fp.name, "\" is in service ",
          pr.retired_at < 0 ? absl::StrCat("from ", date(pr.available_from))
                            : absl::StrCat(date(pr.available_from), " to ", date(pr.retired_at)),
          ", outside the comparison's span (", date(r->window_start), ", the work's start, to ",
          date(end), ", the horizon's end): lengthen --horizon, or change the pool's dates or "
          "drop it"));
    }
    const int64_t held_to = in_service_to;
    absl::StatusOr<std::vector<pricing::PriceSegment>> segments =
        pricing::PriceSegments(fp.pricing, fp.gpu.tdp_watts(), fp.gpu.gpus_per_node(), start_utc,
                               r->window_start, end);
    if (!segments.ok()) {
      return absl::Status(segments.status().code(),
                          absl::StrCat(who, "pool \"", fp.name, "\": ", segments.status().message()));
    }
    std::vector<int64_t> cuts;
    for (size_t i = 1; i < segments->size(); ++i) cuts.push_back((*segments)[i].start);
    absl::StatusOr<std::vector<ledger::Ledger::GroupSum>> groups =
        ledger.SumEntriesByGroup(r->run_id, ledger::GroupBy::kCategory, &cuts, pool);
    if (!groups.ok()) return groups.status();
    absl::StatusOr<ledger::Ledger::CapacitySegments> capacity =
        ledger.CapacityInSegments(r->run_id, cuts, pool);
    if (!capacity.ok()) return capacity.status();
    pricing::ExactUsd cost = 0;
    for (size_t i = 0; i < segments->size(); ++i) {
      const pricing::PriceSegment& seg = (*segments)[i];
      int64_t busy = 0;
      for (const ledger::Ledger::GroupSum& g : *groups) {
        if (i < g.segments.size()) busy += g.segments[i];
      }
      const int64_t down = i < capacity->down.size() ? capacity->down[i] : 0;
      if (owned) {
        const int64_t overlap =
            std::max<int64_t>(0, std::min(seg.end, held_to) - std::max(seg.start, held_from));
        cost += pricing::OwnedPoolCost(seg.rates, static_cast<int64_t>(fp.gpus) * overlap, busy,
                                       down);
        amortized += pricing::ExactCost(busy, seg.rates.owned_busy());
      } else {
        cost += pricing::ExactCost(busy, seg.rates.rental);
        amortized += pricing::ExactCost(busy, seg.rates.rental);
      }
      pr.busy_gpu_seconds += busy;
    }
    for (const ledger::Ledger::GroupSum& g : *groups) {
      if (g.group == scheduler::CategoryName(scheduler::Category::kProductive)) {
        pr.productive_gpu_seconds += g.gpu_seconds;
      }
    }
    if (owned) {
      pr.held_gpu_seconds = static_cast<int64_t>(fp.gpus) * (held_to - held_from);
      pr.capital_micro_usd =
          pricing::CapitalMicroUsd(fp.pricing, fp.gpus, fp.gpu.gpus_per_node());
      if (pr.capital_micro_usd == pricing::kMaxMicroUsd ||
          r->capital_micro_usd > pricing::kMaxMicroUsd - pr.capital_micro_usd) {
        return pricing::TooMuchMoney(who + "the fleet's capital");
      }
      r->capital_micro_usd += pr.capital_micro_usd;
      owned_held += pr.held_gpu_seconds;
      owned_busy += pr.busy_gpu_seconds;
      r->committed_gpus += fp.gpus;
    } else {
      r->on_demand_gpu_seconds += pr.busy_gpu_seconds;
    }
    exact.push_back(cost);
    r->fleet.push_back(std::move(pr));
  }
  // One total, split over the pools so they add up to it.
  pricing::MoneySplitter split;
  for (size_t k = 0; k < exact.size(); ++k) {
    r->fleet[k].total_micro_usd = split.Take(exact[k]);
    (r->fleet[k].capacity == ledger::Pool::kOwned ? r->committed_micro_usd
                                                  : r->on_demand_micro_usd) +=
        r->fleet[k].total_micro_usd;
  }
  if (absl::Status st = split.status(); !st.ok()) {
    return absl::OutOfRangeError(absl::StrCat(who, st.message()));
  }
  r->total_micro_usd = split.total();
  absl::StatusOr<int64_t> am = pricing::ToMicroUsd(amortized, who + "the amortized cost");
  if (!am.ok()) return am.status();
  r->amortized_micro_usd = *am;
  r->committed = r->committed_gpus > 0 ? ledger::Pool::kOwned : ledger::Pool::kNone;
  r->paid_gpus = r->committed_gpus;
  r->committed_busy_gpu_seconds = owned_busy;
  r->committed_utilization =
      owned_held > 0 ? static_cast<double>(owned_busy) / static_cast<double>(owned_held) : 0;
  // Break-even figures are one pool's against renting; a fleet's pools
  // each have their own prices, so none is given for the whole.
  r->breakeven_utilization = std::numeric_limits<double>::quiet_NaN();
  r->breakeven_months = std::numeric_limits<double>::quiet_NaN();
  return absl::OkStatus();
}

absl::StatusOr<CashFlow> FleetCashFlow(const Fleet& f, ledger::Ledger& ledger,
                                       const CashFlowInput& base) {
  std::vector<CashFlow> flows;
  bool committed = false;
  for (size_t k = 0; k < f.pools.size(); ++k) {
    const FleetPool& fp = f.pools[k];
    const bool owned = fp.capacity == ledger::Pool::kOwned;
    CashFlowInput in = base;
    in.gpu_pool = static_cast<int>(k);
    in.pricing = &fp.pricing;
    in.tdp_watts = fp.gpu.tdp_watts();
    in.gpus_per_node = fp.gpu.gpus_per_node();
    in.committed = owned ? ledger::Pool::kOwned : ledger::Pool::kNone;
    in.paid_gpus = owned ? fp.gpus : 0;
    // Bought on the day it arrives, else when the work starts.
    in.purchased_utc = owned ? fp.from_utc : std::nullopt;
    if (owned && fp.until_utc && Sim(*fp.until_utc, base.start_utc) < base.horizon_end) {
      in.sold = Sim(*fp.until_utc, base.start_utc);
    }
    committed = committed || owned;
    absl::StatusOr<CashFlow> c = BuildCashFlow(ledger, in);
    if (!c.ok()) {
      return absl::Status(c.status().code(),
                          absl::StrCat("pool \"", fp.name, "\": ", c.status().message()));
    }
    flows.push_back(*std::move(c));
  }
  return SumCashFlows(flows, base.discount_rate, committed);
}

}  // namespace gpuledger::compare

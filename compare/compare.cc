#include "compare/compare.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/calendar.h"
#include "compare/fleet.h"
#include "compare/internal.h"
#include "report/cost.h"
#include "report/format.h"
#include "replay/replay.h"
#include "traces/pricing.h"
#include "pricing/curve.h"
#include "pricing/strategy.h"
#include "traces/strategies.h"

namespace gpuledger::compare {
namespace pb = google::protobuf;
namespace internal {

absl::Status Bad(const std::string& at, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(at, ": ", what));
}

absl::Status MergeProfile(const traces::StrategyPlace& place, const std::string& who,
                          const std::string& field, const std::string& name, const char* fallback,
                          const char* part, bool allow_files, v1::Pricing* pricing) {
  if (!allow_files && traces::IsProfileFile(name)) {
    return Bad(place.Field(field),
               absl::StrCat(who, "field ", field, ": only shipped profiles here, not files"));
  }
  absl::StatusOr<v1::Pricing> profile = traces::LoadPricingProfile(name.empty() ? fallback : name);
  if (!profile.ok()) {
    return Bad(place.Field(field),
               absl::StrCat(who, "field ", field, ": ", profile.status().message()));
  }
  const pb::FieldDescriptor* f = v1::Pricing::descriptor()->FindFieldByName(part);
  if (!profile->GetReflection()->HasField(*profile, f)) {
    return Bad(place.Field(field),
               absl::StrCat(who, "field ", field, ": profile \"", name.empty() ? fallback : name,
                            "\" prices no ", part, " capacity"));
  }
  v1::Pricing only;  // the profile's prices for this pool alone
  only.GetReflection()->MutableMessage(&only, f)->CopyFrom(
      profile->GetReflection()->GetMessage(*profile, f));
  pricing::MergePricing(only, pricing);
  return absl::OkStatus();
}

void ApplySensitivity(const CompareOptions& o, v1::Pricing* pricing) {
  if (o.pricing_over) pricing::MergePricing(*o.pricing_over, pricing);
  if (o.capital_scale != 1) {
    v1::OwnedProfile* owned = pricing->mutable_owned();
    owned->set_capital_usd_per_gpu(owned->capital_usd_per_gpu() * o.capital_scale);
    owned->set_chip_usd(owned->chip_usd() * o.capital_scale);
    owned->set_usd_per_node(owned->usd_per_node() * o.capital_scale);
    owned->set_installation_usd_per_node(owned->installation_usd_per_node() * o.capital_scale);
  }
}

}  // namespace internal

namespace {

// What a strategy needs, checked: sizes and merged prices.
struct Plan {
  const v1::Strategy* s = nullptr;
  ledger::Pool committed = ledger::Pool::kNone;  // owned, reserved or none
  int committed_gpus = 0;
  v1::Pricing pricing;  // defaults <- committed profile <- on-demand profile
  std::optional<int64_t> purchased_utc;  // owned, dated: purchased_on
  int loan_months = 0;                   // owned: financed; 0 = cash
  std::optional<Fleet> fleet;            // a fleet (Strategy.pools)
};

using internal::Bad;

// The committed pool's size: one of committed_gpus or committed_share_of_peak,
// at least a node and at most 10M GPUs, rounded down to whole nodes.
absl::StatusOr<int> CommittedGpus(const v1::Strategy& s, const traces::Workload& w,
                                  const traces::StrategyPlace& place, const std::string& who) {
  const int per_node = w.gpu.gpus_per_node();
  const int peak = (w.nodes - w.spare_nodes) * per_node;
  if (s.has_committed_gpus() == s.has_committed_share_of_peak()) {
    return Bad(place.Field(s.has_committed_gpus() ? "committed_share_of_peak" : "committed"),
               who + "give exactly one of committed_gpus and committed_share_of_peak");
  }
  const double gpus =
      s.has_committed_gpus() ? s.committed_gpus() : s.committed_share_of_peak() * peak;
  const std::string size_field =
      s.has_committed_gpus() ? "committed_gpus" : "committed_share_of_peak";
  if (!(gpus >= per_node)) {
    return Bad(place.Field(size_field),
               absl::StrCat(who, "committed capacity must be at least one ", per_node,
                            "-GPU node, got ", gpus, " GPUs"));
  }
  if (gpus > 1e7) {
    return Bad(place.Field(size_field),
               absl::StrCat(who,
                            "committed capacity must be at most 10000000 GPUs (the "
                            "largest cluster a plan may have), got ",
                            absl::StrFormat("%.0f", gpus), " GPUs"));
  }
  return static_cast<int>(gpus) / per_node * per_node;
}

// The strategy's pricing: defaults, its committed pool's profile, its
// on-demand profile, checked.
absl::Status PriceStrategyPlan(const v1::Strategy& s, const traces::StrategyPlace& place,
                               const std::string& who, const CompareOptions& o, Plan* p) {
  const bool allow_files = o.allow_profile_files;
  p->pricing = traces::BuiltinDefaults().pricing();
  if (p->committed == ledger::Pool::kOwned) {
    if (auto st = internal::MergeProfile(place, who, "committed_pricing", s.committed_pricing(),
                               "owned-straight-line", "owned", allow_files, &p->pricing);
        !st.ok()) {
      return st;
    }
  } else if (p->committed == ledger::Pool::kReserved) {
    if (auto st = internal::MergeProfile(place, who, "committed_pricing", s.committed_pricing(),
                               "reserved-1y", "reserved", allow_files, &p->pricing);
        !st.ok()) {
      return st;
    }
    if (s.has_term_years()) p->pricing.mutable_reserved()->set_term_years(s.term_years());
    if (!(p->pricing.reserved().usd_per_gpu_hour() > 0) &&
        !p->pricing.reserved().has_usd_per_gpu_hour_curve()) {
      return Bad(place.Field("committed_pricing"),
                 who + "the reserved pricing profile sets no reserved.usd_per_gpu_hour");
    }
  }
  if (auto st = internal::MergeProfile(place, who, "on_demand_pricing", s.on_demand_pricing(), "on-demand",
                             "rental", allow_files, &p->pricing);
      !st.ok()) {
    return st;
  }
  // Spot: the run's rented capacity is charged below the on-demand price.
  if (s.spot()) p->pricing.mutable_rental()->set_spot_discount(s.spot_discount());
  // A sensitivity case's prices over every strategy's (compare --vary).
  internal::ApplySensitivity(o, &p->pricing);
  if (auto st = pricing::ValidatePricing(p->pricing, ""); !st.ok()) {
    return Bad(place.Field(absl::StrContains(st.message(), "term_years") ? "term_years" : ""),
               who + std::string(st.message()));
  }
  return absl::OkStatus();
}

// The owned pool over time: its purchase date, financing and idle capacity
// rented out, each only for an owned pool.
absl::Status CheckOwning(const v1::Strategy& s, const traces::Workload& w,
                         const traces::StrategyPlace& place, const std::string& who, Plan* p) {
  const bool owned = p->committed == ledger::Pool::kOwned;
  auto only_owned = [&](const char* field) {
    return Bad(place.Field(field),
               absl::StrCat(who, "field ", field, " is for an owned pool (committed: \"owned\")"));
  };
  if (!s.purchased_on().empty()) {
    if (!owned) return only_owned("purchased_on");
    absl::StatusOr<int64_t> t = base::ParseUtc(s.purchased_on());
    if (!t.ok()) {
      return Bad(place.Field("purchased_on"),
                 absl::StrCat(who, "field purchased_on: ", t.status().message()));
    }
    if (!w.start_utc) {
      return Bad(place.Field("purchased_on"),
                 who +
                     "field purchased_on needs a dated plan: give the plan a start_date (or "
                     "compare --start-date)");
    }
    if (*t > *w.start_utc) {
      return Bad(place.Field("purchased_on"),
                 absl::StrCat(who, "field purchased_on (", base::FormatUtc(*t),
                              ") is after the plan's start (", base::FormatUtc(*w.start_utc),
                              "): the pool must be there when the work starts"));
    }
    p->purchased_utc = *t;
  }
  if (owned && p->pricing.owned().has_resale_usd_per_gpu_curve() && !w.start_utc) {
    return Bad(place.Field("committed_pricing"),
               who +
                   "its profile's owned.resale_usd_per_gpu_curve dates the resale, which needs a "
                   "dated plan: give the plan a start_date (or compare --start-date)");
  }
  // Paid or earned by calendar month: only a dated plan has them.
  auto needs_date = [&](const char* field) {
    return Bad(place.Field(field),
               absl::StrCat(who, "field ", field,
                            " needs a dated plan (its cash flow is by calendar month): give the "
                            "plan a start_date (or compare --start-date)"));
  };
  if (s.has_loan_rate_per_year() || s.has_loan_years()) {
    const char* field = s.has_loan_years() ? "loan_years" : "loan_rate_per_year";
    if (!owned) return only_owned(field);
    if (!w.start_utc) return needs_date(field);
    if (s.has_loan_rate_per_year() != s.has_loan_years()) {
      return Bad(place.Field(s.has_loan_years() ? "loan_rate_per_year" : "loan_years"),
                 who + "a loan needs both loan_rate_per_year and loan_years");
    }
    if (!(s.loan_rate_per_year() >= 0 && s.loan_rate_per_year() <= 1)) {
      return Bad(place.Field("loan_rate_per_year"),
                 absl::StrCat(who, "field loan_rate_per_year must be in [0, 1] (0.08 for 8%), got ",
                              s.loan_rate_per_year()));
    }
    if (!(s.loan_years() >= 1.0 / 12 && s.loan_years() <= 100)) {
      return Bad(place.Field("loan_years"),
                 absl::StrCat(who, "field loan_years must be in [1/12, 100] (a month to 100 "
                              "years), got ",
                              s.loan_years()));
    }
    p->loan_months = static_cast<int>(std::llround(s.loan_years() * 12));
  }
  for (const auto& [field, v] : {std::pair<const char*, double>{"rent_out_idle_share",
                                                                s.rent_out_idle_share()},
                                 {"rent_out_discount", s.rent_out_discount()}}) {
    if (v == 0) continue;
    if (!owned) return only_owned(field);
    if (!w.start_utc && std::string(field) == "rent_out_idle_share") return needs_date(field);
    if (!(v >= 0 && v <= 1)) {
      return Bad(place.Field(field),
                 absl::StrCat(who, "field ", field, " must be in [0, 1], got ", v));
    }
  }
  return absl::OkStatus();
}

// Spot capacity: the on-demand pool's discount and how often it is taken
// back, each required once spot is set, and only then.
absl::Status CheckSpot(const v1::Strategy& s, const traces::StrategyPlace& place,
                       const std::string& who) {
  if (!s.spot()) {
    for (const auto& [field, set] :
         {std::pair<const char*, bool>{"spot_discount", s.has_spot_discount()},
          {"spot_interruptions_per_node_day", s.has_spot_interruptions_per_node_day()},
          {"spot_notice_seconds", s.has_spot_notice_seconds()}}) {
      if (set) return Bad(place.Field(field), absl::StrCat(who, "field ", field, " needs spot: true"));
    }
    return absl::OkStatus();
  }
  if (!s.on_demand()) {
    return Bad(place.Field("spot"),
               who + "spot capacity is on-demand capacity taken back: set on_demand too");
  }
  if (!s.has_spot_discount() || !(s.spot_discount() > 0 && s.spot_discount() < 1)) {
    return Bad(place.Field("spot_discount"),
               absl::StrCat(who, "field spot_discount (the share below the on-demand price) ",
                            s.has_spot_discount() ? "must be in (0, 1), got " : "is required",
                            s.has_spot_discount() ? absl::StrCat(s.spot_discount()) : ""));
  }
  const double max_rate = scheduler::kMaxSpotInterruptionsPerNodeDay;
  if (!s.has_spot_interruptions_per_node_day() ||
      !(s.spot_interruptions_per_node_day() >= 0 && s.spot_interruptions_per_node_day() <= max_rate)) {
    return Bad(place.Field("spot_interruptions_per_node_day"),
               absl::StrCat(who, "field spot_interruptions_per_node_day ",
                            s.has_spot_interruptions_per_node_day()
                                ? absl::StrCat("must be in [0, ", max_rate, "], got ",
                                               s.spot_interruptions_per_node_day())
                                : "is required (how often the provider takes a node back)"));
  }
  const auto max_notice = static_cast<double>(scheduler::kMaxSpotNoticeSeconds);
  if (s.has_spot_notice_seconds() &&
      !(s.spot_notice_seconds() >= 0 && s.spot_notice_seconds() <= max_notice)) {
    return Bad(place.Field("spot_notice_seconds"),
               absl::StrCat(who, "field spot_notice_seconds must be in [0, ", max_notice,
                            "], got ", s.spot_notice_seconds()));
  }
  return absl::OkStatus();
}

absl::StatusOr<Plan> Check(const v1::Strategy& s, const traces::Workload& w,
                           const traces::StrategyPlace& place, const CompareOptions& o) {
  const std::string at = place.at;
  Plan p;
  p.s = &s;
  const std::string who = absl::StrCat("strategy \"", s.name(), "\": ");
  if (s.name().empty()) return Bad(at, "strategy without a name");
  if (s.pools_size() > 0) {
    absl::StatusOr<Fleet> fleet = CheckFleet(s, w, place, who, o);
    if (!fleet.ok()) return fleet.status();
    p.fleet = *std::move(fleet);
    p.pricing = traces::BuiltinDefaults().pricing();
    p.pricing.clear_models();
    return p;
  }
  if (!ledger::ParsePool(s.committed(), &p.committed) || p.committed == ledger::Pool::kOnDemand) {
    return Bad(place.Field("committed"),
               who + "field committed must be \"owned\", \"reserved\" or empty, got \"" +
                   s.committed() + "\"");
  }
  if (s.committed().empty() && !s.on_demand()) {
    return Bad(at, who + "no capacity: set committed or on_demand");
  }
  if (!s.committed().empty()) {
    absl::StatusOr<int> gpus = CommittedGpus(s, w, place, who);
    if (!gpus.ok()) return gpus.status();
    p.committed_gpus = *gpus;
  }
  if (absl::Status st = CheckSpot(s, place, who); !st.ok()) return st;
  if (absl::Status st = PriceStrategyPlan(s, place, who, o, &p); !st.ok()) return st;
  if (s.on_demand_cap_gpus() < 0 || !(s.burst_after_hours() >= 0) ||
      !(s.provisioning_minutes() >= 0) || s.burst_after_hours() > 1e6 ||
      s.provisioning_minutes() > 1e6) {
    return Bad(place.Field(s.on_demand_cap_gpus() < 0 ? "on_demand_cap_gpus"
                           : !(s.burst_after_hours() >= 0) || s.burst_after_hours() > 1e6
                               ? "burst_after_hours"
                               : "provisioning_minutes"),
               who +
                   "on_demand_cap_gpus, burst_after_hours and provisioning_minutes must "
                   "not be negative, and the hours and minutes at most 1,000,000");
  }
  if (absl::Status st = CheckOwning(s, w, place, who, &p); !st.ok()) return st;
  return p;
}

// The workload as the strategy runs it: the committed pool as the cluster,
// and jobs too big for every pool shrunk to the biggest (same GPU-hours).
traces::Workload Shape(const traces::Workload& w, const Plan& p, int* resized) {
  traces::Workload out = w;
  const int per_node = w.gpu.gpus_per_node();
  out.nodes = p.committed_gpus / per_node;
  if (out.nodes > 0) {
    out.nodes += w.spare_nodes;
  } else {
    out.spare_nodes = 0;
  }
  out.pricing = p.pricing;
  const v1::Strategy& s = *p.s;
  int64_t limit = p.committed_gpus;
  if (s.on_demand()) {
    limit = s.on_demand_cap_gpus() == 0 ? std::numeric_limits<int>::max()
                                        : std::max(limit, int64_t{s.on_demand_cap_gpus()});
  }
  *resized = 0;
  for (traces::PlanJob& j : out.jobs) {
    if (j.gpus <= limit) continue;
    const int gpus =
        limit >= per_node ? static_cast<int>(limit / per_node * per_node) : static_cast<int>(limit);
    auto scale = [&](int64_t seconds) {
      return static_cast<int64_t>((static_cast<__int128>(seconds) * j.gpus + gpus - 1) / gpus);
    };
    j.run_seconds = scale(j.run_seconds);
    if (j.requested_seconds > 0) j.requested_seconds = scale(j.requested_seconds);
    j.gpus = gpus;
    ++*resized;
  }
  return out;
}

// Dollars to the cent.
std::string Money(int64_t micro, bool grouped = false) { return report::Money(micro, 2, grouped); }

// A cost per productive GPU-hour; `none` for a cost with no productive work
// (nothing per hour can be said), 0 when nothing was spent or done.
std::string PerProductive(int64_t micro_usd, int64_t productive, int places, const char* none) {
  if (productive <= 0 && micro_usd != 0) return none;
  return report::UsdPerGpuHour(micro_usd, productive, places);
}

}  // namespace

std::vector<v1::Strategy> OwnSizeSweep(const std::vector<int>& gpus) {
  std::vector<v1::Strategy> out;
  for (int g : gpus) {
    v1::Strategy s;
    s.set_name(absl::StrCat("own ", g));
    s.set_committed(ledger::PoolName(ledger::Pool::kOwned));
    s.set_committed_gpus(g);
    out.push_back(s);
  }
  return out;
}

absl::StatusOr<int64_t> ParseHorizon(absl::string_view text) {
  double v = 0;
  const double unit = text.empty()         ? 0
                      : text.back() == 'y' ? 365.25 * 86400
                      : text.back() == 'd' ? 86400
                      : text.back() == 'h' ? 3600
                      : text.back() == 's' ? 1
                                           : 0;
  if (unit == 0 || !absl::SimpleAtod(text.substr(0, text.size() - 1), &v) || !(v > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a positive duration such as 4y, 90d, 2000h"));
  }
  if (v * unit > 1000 * 365.25 * 86400) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is longer than 1000 years, the longest horizon"));
  }
  return std::llround(v * unit);
}

namespace {

// Each strategy checked, in order: bad input replays nothing.
absl::StatusOr<std::vector<Plan>> CheckAll(const traces::Workload& w,
                                           const std::vector<v1::Strategy>& strategies,
                                           const CompareOptions& o,
                                           const std::vector<traces::StrategyPlace>& where) {
  if (pricing::HasMovingPrices(w.pricing)) {
    // Strategies are priced by their own profiles; a plan's curve would be
    // silently unused.
    return absl::InvalidArgumentError(absl::StrCat(
        w.source,
        ": the plan's prices move, but compare prices each strategy by its own profiles "
        "(committed_pricing, on_demand_pricing), not by the plan's; give the curve in a "
        "profile (such as on-demand-falling), or replay the plan and use report or export"));
  }
  std::vector<Plan> plans;
  for (size_t i = 0; i < strategies.size(); ++i) {
    const traces::StrategyPlace place =
        i < where.size() ? where[i] : traces::StrategyPlace{absl::StrCat("strategy #", i + 1)};
    if (!w.pools.empty() && strategies[i].pools_size() == 0) {
      return Bad(place.at,
                 absl::StrCat("strategy \"", strategies[i].name(), "\": the plan's cluster is mixed (",
                              w.pools.size(),
                              " pools), and this strategy sizes one committed pool of one model; "
                              "give it pools of its own (a fleet: docs/compare.md, \"Fleets\"), "
                              "or replay the plan and use report or export"));
    }
    absl::StatusOr<Plan> p = Check(strategies[i], w, place, o);
    if (!p.ok()) return p.status();
    if (absl::Status st = pricing::CheckCurvesPlaced(p->pricing, w.start_utc.has_value());
        !st.ok()) {
      return Bad(place.Field(""), absl::StrCat("strategy \"", p->s->name(), "\": ", st.message()));
    }
    plans.push_back(*p);
  }
  return plans;
}

scheduler::SchedulerOptions StrategyOptions(const v1::Strategy& s, const CompareOptions& o) {
  scheduler::SchedulerOptions options{o.policy, o.backfill_depth};
  options.on_demand = s.on_demand();
  options.on_demand_cap_gpus = s.on_demand_cap_gpus();
  options.burst_after_seconds = std::llround(s.burst_after_hours() * 3600);
  options.provisioning_seconds = std::llround(s.provisioning_minutes() * 60);
  if (s.spot()) {
    options.spot_interruptions_per_node_day = s.spot_interruptions_per_node_day();
    // EC2 warns two minutes before it takes a spot instance back (Amazon
    // EC2 User Guide, "Spot Instance interruption notices").
    options.spot_notice_seconds =
        s.has_spot_notice_seconds() ? std::llround(s.spot_notice_seconds()) : 120;
    options.spot_seed = static_cast<uint64_t>(o.seed);
  }
  return options;
}

}  // namespace

absl::Status CheckStrategies(const traces::Workload& w, const std::vector<v1::Strategy>& strategies,
                             const CompareOptions& o,
                             const std::vector<traces::StrategyPlace>& where) {
  absl::StatusOr<std::vector<Plan>> plans = CheckAll(w, strategies, o, where);
  if (!plans.ok()) return plans.status();
  for (const Plan& p : *plans) {
    int resized = 0;
    if (p.fleet) {
      absl::StatusOr<traces::Workload> fw = FleetWorkload(*p.fleet, w);
      absl::Status s = fw.ok() ? replay::CheckWorkload(*fw, StrategyOptions(*p.s, o), o.seed,
                                                      o.horizon_seconds.value_or(0))
                               : fw.status();
      if (!s.ok()) {
        return absl::Status(s.code(),
                            absl::StrCat("strategy \"", p.s->name(), "\": ", s.message()));
      }
      continue;
    }
    // Reserved capacity is paid for whole terms beyond the window.
    const int64_t horizon = pricing::PaidSecondsBound(p.pricing, o.horizon_seconds.value_or(0));
    if (absl::Status s =
            replay::CheckWorkload(Shape(w, p, &resized), StrategyOptions(*p.s, o), o.seed, horizon);
        !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("strategy \"", p.s->name(), "\": ", s.message()));
    }
  }
  return absl::OkStatus();
}

namespace {

// A strategy's costs over its horizon at prices that move: the horizon cut
// where they change, each part of the run's usage charged at the prices in
// force (as a report of the run charges it); the same sums as the constant
// formulas in each segment.
struct SegmentCosts {
  pricing::ExactUsd on_demand = 0, committed = 0, amortized_committed = 0;
  pricing::PriceSegment first;  // the prices at the window's start
};
absl::StatusOr<SegmentCosts> CostsBySegment(const Plan& p, const traces::Workload& w,
                                            ledger::Ledger& ledger, const StrategyResult& r) {
  const int64_t end = r.window_start + r.horizon_seconds;
  absl::StatusOr<std::vector<pricing::PriceSegment>> segments =
      pricing::PriceSegments(p.pricing, w.gpu.tdp_watts(), w.gpu.gpus_per_node(), w.start_utc,
                             r.window_start, end);
  if (!segments.ok()) return segments.status();
  std::vector<int64_t> cuts;
  for (size_t k = 1; k < segments->size(); ++k) cuts.push_back((*segments)[k].start);
  absl::StatusOr<std::vector<StretchUsage>> usage = UsageBetween(ledger, r.run_id, cuts);
  if (!usage.ok()) return usage.status();
  SegmentCosts c;
  for (size_t k = 0; k < segments->size(); ++k) {
    const pricing::PriceSegment& seg = (*segments)[k];
    const auto [busy, on_demand, down] = (*usage)[k];
    const int64_t held = static_cast<int64_t>(r.paid_gpus) * (seg.end - seg.start);
    c.on_demand += pricing::ExactCost(on_demand, seg.rates.rental);
    if (r.committed == ledger::Pool::kOwned) {
      c.committed += pricing::OwnedPoolCost(seg.rates, held, busy - on_demand, down);
      c.amortized_committed += pricing::ExactCost(busy - on_demand, seg.rates.owned_busy());
    } else if (r.committed == ledger::Pool::kReserved) {
      c.committed += pricing::ExactCost(held, seg.rates.reserved);
    }
  }
  if (r.committed == ledger::Pool::kReserved) {
    // Whole terms: the last one's rest after the horizon, at its rate.
    c.committed += pricing::ExactCost(
        pricing::UnusedTermGpuSeconds(p.pricing, r.paid_gpus, r.horizon_seconds),
        segments->back().rates.reserved);
  }
  c.first = segments->front();
  return c;
}

// A replayed strategy's costs over its horizon: exact amounts, rounded once,
// the committed part and the on-demand part adding up to the total (a
// report of the run shows the same total).
absl::Status PriceStrategy(const Plan& p, const traces::Workload& w,
                           const scheduler::RunSummary& sum, int paid_gpus, ledger::Ledger& ledger,
                           StrategyResult* r) {
  const std::string who = absl::StrCat("strategy \"", p.s->name(), "\": ");
  // Prices that move: the break-even figures at the window's start.
  std::optional<SegmentCosts> moving;
  if (pricing::HasMovingPrices(p.pricing)) {
    absl::StatusOr<SegmentCosts> c = CostsBySegment(p, w, ledger, *r);
    if (!c.ok()) return absl::Status(c.status().code(), who + std::string(c.status().message()));
    moving = *std::move(c);
  }
  const v1::Pricing& prices = moving ? moving->first.pricing : p.pricing;
  const pricing::Rates rates =
      moving ? moving->first.rates
             : pricing::ComputeRates(p.pricing, w.gpu.tdp_watts(), w.gpu.gpus_per_node());
  const int64_t capacity = static_cast<int64_t>(paid_gpus) * r->horizon_seconds;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r->breakeven_utilization = nan;
  r->breakeven_months = nan;
  pricing::ExactUsd committed = 0;
  const pricing::ExactUsd on_demand =
      moving ? moving->on_demand : pricing::ExactCost(r->on_demand_gpu_seconds, rates.rental);
  if (r->committed == ledger::Pool::kOwned) {
    committed = moving ? moving->committed
                       : pricing::OwnedPoolCost(rates, capacity, r->committed_busy_gpu_seconds,
                                                sum.down_gpu_seconds);
    absl::StatusOr<int64_t> amortized = pricing::ToMicroUsd(
        moving ? moving->amortized_committed + on_demand
               : pricing::OwnedAmortizedCost(rates, r->committed_busy_gpu_seconds, on_demand),
        absl::StrCat(who, "the amortized cost"));
    if (!amortized.ok()) return amortized.status();
    r->amortized_micro_usd = *amortized;
    r->breakeven_utilization = pricing::BreakEvenUtilization(rates);
    r->capital_micro_usd = pricing::CapitalMicroUsd(p.pricing, paid_gpus, w.gpu.gpus_per_node());
  } else if (r->committed == ledger::Pool::kReserved) {
    committed = moving ? moving->committed
                       : pricing::ReservedPoolCost(p.pricing, rates, paid_gpus, r->horizon_seconds);
    r->breakeven_utilization = pricing::ReservedBreakEvenUtilization(prices);
  }
  pricing::MoneySplitter split;
  // On demand first, as a report of the run splits it.
  r->on_demand_micro_usd = split.Take(on_demand);
  r->committed_micro_usd = split.Take(committed);
  if (absl::Status st = split.status(); !st.ok()) {
    return absl::OutOfRangeError(absl::StrCat(who, st.message()));
  }
  r->total_micro_usd = r->committed_micro_usd + r->on_demand_micro_usd;
  if (r->committed != ledger::Pool::kOwned) r->amortized_micro_usd = r->total_micro_usd;
  if (capacity > 0) {
    r->committed_utilization = static_cast<double>(r->committed_busy_gpu_seconds) / capacity;
  }
  if (r->committed == ledger::Pool::kOwned) {
    r->breakeven_months =
        pricing::BreakEvenMonths(prices, w.gpu.gpus_per_node(), rates, r->committed_utilization);
  }
  return absl::OkStatus();
}

// A spot strategy's reclaims and what they cost: the on-demand GPU-seconds
// of each price segment priced at the on-demand price and at the spot
// price (the difference is what the discount saved), and its lost part at
// the spot price; each rounded once.
absl::Status SpotFigures(const Plan& p, const traces::Workload& w, const scheduler::RunSummary& sum,
                         ledger::Ledger& ledger, StrategyResult* r) {
  r->spot_interruptions = sum.spot_interruptions;
  r->spot_lost_gpu_seconds = sum.on_demand_lost_gpu_seconds;
  absl::StatusOr<std::vector<pricing::PriceSegment>> segments =
      pricing::PriceSegments(p.pricing, w.gpu.tdp_watts(), w.gpu.gpus_per_node(), w.start_utc,
                             r->window_start, r->window_start + r->horizon_seconds);
  if (!segments.ok()) return segments.status();
  std::vector<int64_t> cuts;
  for (size_t k = 1; k < segments->size(); ++k) cuts.push_back((*segments)[k].start);
  absl::StatusOr<std::vector<ledger::Ledger::GroupSum>> groups =
      ledger.SumEntriesByGroup(r->run_id, ledger::GroupBy::kCategory, &cuts);
  if (!groups.ok()) return groups.status();
  pricing::ExactUsd saved = 0, lost = 0;
  for (const ledger::Ledger::GroupSum& g : *groups) {
    for (size_t k = 0; k < g.on_demand_segments.size() && k < segments->size(); ++k) {
      const pricing::Rates& rates = (*segments)[k].rates;
      const int64_t gs = g.on_demand_segments[k];
      saved += pricing::ExactCost(gs, rates.rental_list) - pricing::ExactCost(gs, rates.rental);
      if (g.group == scheduler::CategoryName(scheduler::Category::kLost)) {
        lost += pricing::ExactCost(gs, rates.rental);
      }
    }
  }
  const std::string who = absl::StrCat("strategy \"", p.s->name(), "\": ");
  absl::StatusOr<int64_t> saved_micro = pricing::ToMicroUsd(saved, who + "what spot saved");
  if (!saved_micro.ok()) return saved_micro.status();
  absl::StatusOr<int64_t> lost_micro = pricing::ToMicroUsd(lost, who + "the work lost on spot");
  if (!lost_micro.ok()) return lost_micro.status();
  r->spot_saved_micro_usd = *saved_micro;
  r->spot_lost_micro_usd = *lost_micro;
  return absl::OkStatus();
}

// Each phase finishes with its last job.
absl::Status PhaseFinishes(ledger::Ledger& ledger, int64_t start, StrategyResult* r) {
  absl::StatusOr<std::vector<ledger::JobRecord>> jobs = ledger.ListJobs(r->run_id);
  if (!jobs.ok()) return jobs.status();
  std::map<std::string, size_t> index;
  for (const ledger::JobRecord& j : *jobs) {
    auto [it, fresh] = index.try_emplace(j.phase, r->phase_finish.size());
    if (fresh) r->phase_finish.push_back({j.phase, 0});
    r->phase_finish[it->second].second =
        std::max(r->phase_finish[it->second].second, j.ended - start);
  }
  return absl::OkStatus();
}

// A fleet strategy replayed on its pools and priced pool by pool.
absl::StatusOr<StrategyResult> RunFleet(const Plan& p, const traces::Workload& w,
                                        const CompareOptions& o, ledger::Ledger& ledger) {
  const v1::Strategy& s = *p.s;
  const std::string who = absl::StrCat("strategy \"", s.name(), "\": ");
  StrategyResult r;
  r.strategy = s;
  absl::StatusOr<traces::Workload> fleet = FleetWorkload(*p.fleet, w);
  if (!fleet.ok()) return absl::Status(fleet.status().code(), who + std::string(fleet.status().message()));
  replay::RunLabels labels;
  labels.strategy = s.name();
  labels.pool_capacity = FleetCapacity(*p.fleet);
  absl::StatusOr<replay::ReplayResult> done = replay::ReplayWorkload(
      *std::move(fleet), ledger, o.seed, StrategyOptions(s, o), "", labels);
  if (!done.ok()) return absl::Status(done.status().code(), who + std::string(done.status().message()));
  const scheduler::RunSummary& sum = done->summary;
  r.run_id = done->run_id;
  r.window_start = sum.start;
  r.window_seconds = sum.end - sum.start;
  r.horizon_seconds = std::max(r.window_seconds, o.horizon_seconds.value_or(0));
  r.productive_gpu_seconds = sum.busy_gpu_seconds - sum.lost_gpu_seconds - sum.restart_gpu_seconds -
                             sum.checkpoint_gpu_seconds - sum.provisioning_gpu_seconds;
  if (absl::Status st = PriceFleet(*p.fleet, w.start_utc, ledger, &r); !st.ok()) return st;
  if (absl::Status st = PhaseFinishes(ledger, sum.start, &r); !st.ok()) return st;
  return r;
}

// One checked strategy replayed into the ledger and priced.
absl::StatusOr<StrategyResult> RunStrategy(const Plan& p, const traces::Workload& w,
                                           const CompareOptions& o, ledger::Ledger& ledger) {
  if (p.fleet) return RunFleet(p, w, o, ledger);
  const v1::Strategy& s = *p.s;
  StrategyResult r;
  r.strategy = s;
  r.committed = p.committed;
  r.committed_gpus = p.committed_gpus;
  traces::Workload shaped = Shape(w, p, &r.resized_jobs);
  // Owned or reserved: the whole cluster is paid for, hot spares included.
  const int paid_gpus = r.committed == ledger::Pool::kNone ? 0 : shaped.total_gpus();
  replay::RunLabels labels;
  labels.strategy = s.name();
  labels.committed_pool = p.committed;
  absl::StatusOr<replay::ReplayResult> done =
      replay::ReplayWorkload(std::move(shaped), ledger, o.seed, StrategyOptions(s, o), "", labels);
  if (!done.ok()) {
    return absl::Status(done.status().code(),
                        absl::StrCat("strategy \"", s.name(), "\": ", done.status().message()));
  }
  const scheduler::RunSummary& sum = done->summary;
  r.run_id = done->run_id;
  r.window_start = sum.start;
  r.paid_gpus = paid_gpus;
  r.window_seconds = sum.end - sum.start;
  r.horizon_seconds = std::max(r.window_seconds, o.horizon_seconds.value_or(0));
  r.on_demand_gpu_seconds = sum.on_demand_gpu_seconds;
  r.committed_busy_gpu_seconds = sum.busy_gpu_seconds - sum.on_demand_gpu_seconds;
  r.productive_gpu_seconds = sum.busy_gpu_seconds - sum.lost_gpu_seconds - sum.restart_gpu_seconds -
                             sum.checkpoint_gpu_seconds - sum.provisioning_gpu_seconds;
  if (absl::Status st = PriceStrategy(p, w, sum, paid_gpus, ledger, &r); !st.ok()) return st;
  if (s.spot()) {
    if (absl::Status st = SpotFigures(p, w, sum, ledger, &r); !st.ok()) return st;
  }
  if (absl::Status st = PhaseFinishes(ledger, sum.start, &r); !st.ok()) return st;
  return r;
}

// A dated comparison: each strategy's cash flow, every one from the same
// first month (the earliest purchase, or the window's start).
absl::Status AddCashFlows(const std::vector<Plan>& plans, const traces::Workload& w,
                          const CompareOptions& o, ledger::Ledger& ledger,
                          std::vector<StrategyResult>* results) {
  const int64_t start = *w.start_utc;
  int64_t first = base::kLastUtcSecond;
  // One horizon for every cash flow, so all share their months and sell on
  // one day: --horizon, stretched to the longest replay when one outlasts it.
  int64_t horizon_end = 0;
  for (const StrategyResult& r : *results) {
    horizon_end = std::max(horizon_end, r.window_start + r.horizon_seconds);
  }
  for (size_t i = 0; i < plans.size(); ++i) {
    const StrategyResult& r = (*results)[i];
    first = std::min(first, plans[i].purchased_utc.value_or(start + r.window_start));
    if (plans[i].fleet) {
      for (const FleetPool& fp : plans[i].fleet->pools) {
        if (fp.capacity == ledger::Pool::kOwned && fp.from_utc) first = std::min(first, *fp.from_utc);
      }
    }
    if (start + r.window_start + r.horizon_seconds > base::kLastUtcSecond + 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("strategy \"", r.strategy.name(), "\": its horizon ends after ",
                       base::FormatUtc(base::kLastUtcSecond),
                       ", the last date gpuledger has; shorten --horizon"));
    }
  }
  for (size_t i = 0; i < plans.size(); ++i) {
    const Plan& p = plans[i];
    StrategyResult& r = (*results)[i];
    CashFlowInput in;
    in.run_id = r.run_id;
    in.start_utc = start;
    in.window_start = r.window_start;
    in.horizon_end = horizon_end;
    in.first_utc = first;
    in.pricing = &p.pricing;
    in.tdp_watts = w.gpu.tdp_watts();
    in.gpus_per_node = w.gpu.gpus_per_node();
    in.committed = p.committed;
    in.paid_gpus = r.paid_gpus;
    in.purchased_utc = p.purchased_utc;
    in.loan_months = p.loan_months;
    in.loan_rate = p.s->loan_rate_per_year();
    in.rent_out_share = p.s->rent_out_idle_share();
    in.rent_out_discount = p.s->rent_out_discount();
    in.discount_rate = o.discount_rate;
    absl::StatusOr<CashFlow> cash =
        p.fleet ? FleetCashFlow(*p.fleet, ledger, in) : BuildCashFlow(ledger, in);
    if (!cash.ok()) {
      return absl::Status(cash.status().code(), absl::StrCat("strategy \"", r.strategy.name(),
                                                             "\": ", cash.status().message()));
    }
    r.cash = *std::move(cash);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<StrategyResult>> CompareStrategies(
    const traces::Workload& w, const std::vector<v1::Strategy>& strategies, const CompareOptions& o,
    ledger::Ledger& ledger, const std::vector<traces::StrategyPlace>& where,
    int64_t* comparison_id, std::vector<int64_t>* replayed) {
  absl::StatusOr<std::vector<Plan>> plans = CheckAll(w, strategies, o, where);
  if (!plans.ok()) return plans.status();
  std::vector<StrategyResult> results;
  for (const Plan& p : *plans) {
    absl::StatusOr<StrategyResult> r = RunStrategy(p, w, o, ledger);
    if (!r.ok()) return r.status();
    if (replayed != nullptr) replayed->push_back(r->run_id);
    results.push_back(*std::move(r));
  }
  if (w.start_utc) {
    if (absl::Status s = AddCashFlows(*plans, w, o, ledger, &results); !s.ok()) return s;
  }
  ledger::ComparisonRecord kept;
  kept.plan_name = w.name;
  kept.results = ToResponse(results).SerializeAsString();
  absl::StatusOr<int64_t> id = ledger.AddComparison(kept);
  if (!id.ok()) return id.status();
  if (comparison_id != nullptr) *comparison_id = *id;
  return results;
}

absl::StatusOr<v1::CompareStrategiesResponse> KeptComparison(ledger::Ledger& ledger, int64_t id,
                                                             std::string* plan_name) {
  absl::StatusOr<ledger::ComparisonRecord> c = ledger.GetComparison(id);
  if (!c.ok()) return c.status();
  v1::CompareStrategiesResponse kept;
  if (!kept.ParseFromString(c->results)) {
    return absl::DataLossError(absl::StrCat("comparison ", id, ": its results are unreadable"));
  }
  if (plan_name != nullptr) *plan_name = c->plan_name;
  return kept;
}

namespace {

void CashToProto(const CashFlow& f, v1::CashFlow* out) {
  for (const CashMonth& m : f.months) {
    v1::CashMonth* o = out->add_months();
    o->set_month(m.month);
    o->set_purchase_micro_usd(m.purchase);
    o->set_loan_micro_usd(m.loan);
    o->set_rent_micro_usd(m.rent);
    o->set_reserved_micro_usd(m.reserved);
    o->set_energy_micro_usd(m.energy);
    o->set_operations_micro_usd(m.operations);
    o->set_rent_out_micro_usd(m.rent_out);
    o->set_resale_micro_usd(m.resale);
    o->set_net_micro_usd(m.net);
    o->set_cumulative_micro_usd(m.cumulative);
    o->set_rent_same_work_cumulative_micro_usd(m.rent_same_work_cumulative);
  }
  out->set_paid_micro_usd(f.paid);
  out->set_received_micro_usd(f.received);
  out->set_net_micro_usd(f.net);
  out->set_present_cost_micro_usd(f.present_cost);
  out->set_discount_rate(f.discount_rate);
  out->set_resale_micro_usd(f.resale);
  out->set_book_value_micro_usd(f.book_value);
  out->set_breakeven_month(f.breakeven_month);
}

CashFlow CashFromProto(const v1::CashFlow& f) {
  CashFlow out;
  for (const v1::CashMonth& o : f.months()) {
    CashMonth m;
    m.month = o.month();
    m.purchase = o.purchase_micro_usd();
    m.loan = o.loan_micro_usd();
    m.rent = o.rent_micro_usd();
    m.reserved = o.reserved_micro_usd();
    m.energy = o.energy_micro_usd();
    m.operations = o.operations_micro_usd();
    m.rent_out = o.rent_out_micro_usd();
    m.resale = o.resale_micro_usd();
    m.net = o.net_micro_usd();
    m.cumulative = o.cumulative_micro_usd();
    m.rent_same_work_cumulative = o.rent_same_work_cumulative_micro_usd();
    out.months.push_back(m);
  }
  out.paid = f.paid_micro_usd();
  out.received = f.received_micro_usd();
  out.net = f.net_micro_usd();
  out.present_cost = f.present_cost_micro_usd();
  out.discount_rate = f.discount_rate();
  out.resale = f.resale_micro_usd();
  out.book_value = f.book_value_micro_usd();
  out.breakeven_month = f.breakeven_month();
  return out;
}

}  // namespace

v1::CompareStrategiesResponse ToResponse(const std::vector<StrategyResult>& results) {
  v1::CompareStrategiesResponse resp;
  for (const StrategyResult& r : results) {
    v1::StrategyComparison* c = resp.add_results();
    *c->mutable_strategy() = r.strategy;
    c->set_committed(ledger::PoolName(r.committed));
    c->set_committed_gpus(r.committed_gpus);
    c->set_run(absl::StrCat("runs/", r.run_id));
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
    if (r.cash) CashToProto(*r.cash, c->mutable_cash_flow());
    c->set_spot_interruptions(r.spot_interruptions);
    c->set_spot_lost_gpu_seconds(r.spot_lost_gpu_seconds);
    c->set_spot_saved_micro_usd(r.spot_saved_micro_usd);
    c->set_spot_lost_micro_usd(r.spot_lost_micro_usd);
    for (const FleetPoolResult& f : r.fleet) {
      v1::FleetPoolCost* fc = c->add_fleet_pools();
      fc->set_name(f.name);
      fc->set_gpu(f.gpu);
      fc->set_gpus(f.gpus);
      fc->set_capacity(ledger::PoolName(f.capacity));
      fc->set_total_micro_usd(f.total_micro_usd);
      fc->set_capital_micro_usd(f.capital_micro_usd);
      fc->set_busy_gpu_seconds(f.busy_gpu_seconds);
      fc->set_productive_gpu_seconds(f.productive_gpu_seconds);
      fc->set_held_gpu_seconds(f.held_gpu_seconds);
    }
  }
  resp.set_table(FormatComparison(results, "table"));
  resp.set_csv(FormatComparison(results, "csv"));
  resp.set_cash_flow_table(FormatCashFlow(results, "table"));
  resp.set_cash_flow_csv(FormatCashFlow(results, "csv"));
  return resp;
}

StrategyResult FromComparison(const v1::StrategyComparison& c) {
  StrategyResult r;
  r.strategy = c.strategy();
  ledger::ParsePool(c.committed(), &r.committed);
  r.committed_gpus = c.committed_gpus();
  absl::string_view run = c.run();
  if (!absl::ConsumePrefix(&run, "runs/") || !absl::SimpleAtoi(run, &r.run_id)) r.run_id = 0;
  r.total_micro_usd = c.total_micro_usd();
  r.amortized_micro_usd = c.amortized_micro_usd();
  r.on_demand_micro_usd = c.on_demand_micro_usd();
  r.committed_micro_usd = c.committed_micro_usd();
  r.capital_micro_usd = c.capital_micro_usd();
  r.committed_utilization = c.committed_utilization();
  r.window_seconds = c.makespan_seconds();
  r.horizon_seconds = c.horizon_seconds();
  r.breakeven_utilization = c.breakeven_utilization();
  r.breakeven_months = c.breakeven_months();
  r.resized_jobs = c.resized_jobs();
  std::map<std::string, int64_t> phases(c.phase_finish_seconds().begin(),
                                        c.phase_finish_seconds().end());
  r.phase_finish.assign(phases.begin(), phases.end());
  r.productive_gpu_seconds = c.productive_gpu_seconds();
  r.on_demand_gpu_seconds = c.on_demand_gpu_seconds();
  if (c.has_cash_flow()) r.cash = CashFromProto(c.cash_flow());
  r.spot_interruptions = c.spot_interruptions();
  r.spot_lost_gpu_seconds = c.spot_lost_gpu_seconds();
  r.spot_saved_micro_usd = c.spot_saved_micro_usd();
  r.spot_lost_micro_usd = c.spot_lost_micro_usd();
  for (const v1::FleetPoolCost& fc : c.fleet_pools()) {
    FleetPoolResult f;
    f.name = fc.name();
    f.gpu = fc.gpu();
    f.gpus = fc.gpus();
    ledger::ParsePool(fc.capacity(), &f.capacity);
    f.total_micro_usd = fc.total_micro_usd();
    f.capital_micro_usd = fc.capital_micro_usd();
    f.busy_gpu_seconds = fc.busy_gpu_seconds();
    f.productive_gpu_seconds = fc.productive_gpu_seconds();
    f.held_gpu_seconds = fc.held_gpu_seconds();
    r.fleet.push_back(std::move(f));
  }
  return r;
}

namespace {

// The phases any strategy's jobs belong to, in first-seen order.
std::vector<std::string> Phases(const std::vector<StrategyResult>& results) {
  std::vector<std::string> phases;
  for (const auto& r : results) {
    for (const auto& [phase, t] : r.phase_finish) {
      if (std::find(phases.begin(), phases.end(), phase) == phases.end()) phases.push_back(phase);
    }
  }
  return phases;
}

// When `phase` finished in a strategy's replay, days; NaN if it has none.
double Finish(const StrategyResult& r, const std::string& phase) {
  for (const auto& [p, t] : r.phase_finish) {
    if (p == phase) return t / 86400.0;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// A figure, "" when undefined, "never" when infinite. The format is checked
// at compile time (clang's absl checker insists).
std::string Num(double v, const absl::FormatSpec<double>& fmt) {
  if (std::isnan(v)) return std::string("");
  if (std::isinf(v)) return std::string("never");
  return absl::StrFormat(fmt, v);
}

bool AnySpot(const std::vector<StrategyResult>& results) {
  return std::any_of(results.begin(), results.end(),
                     [](const StrategyResult& r) { return r.strategy.spot(); });
}

// Spot strategies: what the discount saved and what reclaims cost.
void AppendSpotSummary(const std::vector<StrategyResult>& results, std::string* out) {
  if (!AnySpot(results)) return;
  std::vector<std::vector<std::string>> cells = {{"strategy", "spot GPU-h", "reclaimed runs",
                                                  "lost GPU-h", "discount saved USD",
                                                  "lost work USD"}};
  for (const auto& r : results) {
    if (!r.strategy.spot()) continue;
    cells.push_back({r.strategy.name(),
                     report::WithThousands(r.on_demand_gpu_seconds / 3600),
                     absl::StrCat(r.spot_interruptions),
                     absl::StrFormat("%.1f", r.spot_lost_gpu_seconds / 3600.0),
                     Money(r.spot_saved_micro_usd, true), Money(r.spot_lost_micro_usd, true)});
  }
  absl::StrAppend(out, "\nspot capacity:\n",
                  report::AlignedTable(cells, [](size_t i) { return i == 0; }),
                  "\ndiscount saved: the spot GPU-hours at the on-demand price less what they "
                  "cost; lost work: the work reclaimed machines took with them (redone), at the "
                  "spot price.\n");
}

// Fleet strategies: each one's pools by GPU model, what they cost over the
// horizon and per productive GPU-hour of that model.
void AppendFleetSummary(const std::vector<StrategyResult>& results, std::string* out) {
  std::vector<std::vector<std::string>> cells = {{"strategy", "model", "pools", "total USD",
                                                  "capital USD", "productive GPU-h",
                                                  "USD/productive GPU-h"}};
  for (const auto& r : results) {
    std::vector<std::string> models;
    std::map<std::string, std::vector<size_t>> pools_of;
    for (size_t k = 0; k < r.fleet.size(); ++k) {
      auto [it, fresh] = pools_of.try_emplace(r.fleet[k].gpu);
      if (fresh) models.push_back(r.fleet[k].gpu);
      it->second.push_back(k);
    }
    for (const std::string& m : models) {
      int64_t total = 0, capital = 0, productive = 0;
      std::vector<std::string> pools;
      for (size_t k : pools_of[m]) {
        const FleetPoolResult& f = r.fleet[k];
        total += f.total_micro_usd;
        capital += f.capital_micro_usd;
        productive += f.productive_gpu_seconds;
        std::string when;
        if (k < static_cast<size_t>(r.strategy.pools_size())) {
          const v1::StrategyPool& sp = r.strategy.pools(static_cast<int>(k));
          if (!sp.available_from().empty()) absl::StrAppend(&when, " from ", sp.available_from());
          if (!sp.retired_at().empty()) absl::StrAppend(&when, " to ", sp.retired_at());
        }
        pools.push_back(absl::StrCat(ledger::PoolName(f.capacity), " ",
                                     report::WithThousands(f.gpus), when));
      }
      cells.push_back({r.strategy.name(), m, absl::StrJoin(pools, "; "), Money(total, true),
                       capital > 0 ? Money(capital, true) : "-",
                       report::WithThousands(productive / 3600),
                       PerProductive(total, productive, 4, "-")});
    }
  }
  if (cells.size() == 1) return;
  absl::StrAppend(out, "\nfleets by GPU model:\n",
                  report::AlignedTable(cells, [](size_t i) { return i <= 2; }),
                  "\ntotal USD: the model's pools over the horizon (owned: capital, energy and "
                  "operations while held, used or idle; on demand: the GPU-hours jobs held);\n"
                  "USD/productive GPU-h: that total per GPU-hour of productive work done on the "
                  "model.\n");
}

std::string ComparisonCsv(const std::vector<StrategyResult>& results,
                          const std::vector<std::string>& phases) {
  std::string out =
      "strategy,committed,committed_gpus,on_demand,total_usd,usd_per_productive_gpu_hour,"
      "amortized_usd,on_demand_usd,committed_usd,capital_usd,committed_utilization,makespan_days,"
      "horizon_days,breakeven_utilization,breakeven_months,resized_jobs,run";
  for (const auto& p : phases) absl::StrAppend(&out, ",", report::CsvField("finish_days_" + p));
  // A dated comparison (every result has a cash flow, or none does).
  const bool dated = !results.empty() && results.front().cash.has_value();
  if (dated) out += ",cash_net_usd,present_cost_usd,cash_breakeven_month";
  const bool spot = AnySpot(results);
  if (spot) out += ",spot_interruptions,spot_lost_gpu_hours,spot_saved_usd,spot_lost_usd";
  // Fleets: each GPU model's part, in the order the fleets name them.
  std::vector<std::string> models;
  for (const auto& r : results) {
    for (const FleetPoolResult& f : r.fleet) {
      if (std::find(models.begin(), models.end(), f.gpu) == models.end()) models.push_back(f.gpu);
    }
  }
  for (const std::string& m : models) {
    for (const char* col : {"usd_", "capital_usd_", "productive_gpu_hours_", "usd_per_productive_gpu_hour_"}) {
      absl::StrAppend(&out, ",", report::CsvField(col + m));
    }
  }
  out += "\n";
  for (const auto& r : results) {
    absl::StrAppend(&out, report::CsvField(r.strategy.name()), ",", ledger::PoolName(r.committed),
                    ",", r.committed_gpus, ",", r.RentsOnDemand() ? "yes" : "no", ",",
                    Money(r.total_micro_usd), ",",
                    PerProductive(r.total_micro_usd, r.productive_gpu_seconds, 6, ""), ",",
                    Money(r.amortized_micro_usd), ",", Money(r.on_demand_micro_usd), ",",
                    Money(r.committed_micro_usd), ",", Money(r.capital_micro_usd), ",",
                    Num(r.committed_utilization, "%.6f"), ",",
                    absl::StrFormat("%.4f", r.window_seconds / 86400.0), ",",
                    absl::StrFormat("%.4f", r.horizon_seconds / 86400.0), ",",
                    Num(r.breakeven_utilization, "%.6f"), ",", Num(r.breakeven_months, "%.3f"), ",",
                    r.resized_jobs, ",", r.run_id);
    for (const auto& p : phases) absl::StrAppend(&out, ",", Num(Finish(r, p), "%.4f"));
    if (dated) {
      absl::StrAppend(&out, ",", Money(r.cash->net), ",", Money(r.cash->present_cost), ",",
                      r.cash->breakeven_month);
    }
    if (spot) {
      absl::StrAppend(&out, ",", r.spot_interruptions, ",",
                      absl::StrFormat("%.6f", r.spot_lost_gpu_seconds / 3600.0), ",",
                      Money(r.spot_saved_micro_usd), ",", Money(r.spot_lost_micro_usd));
    }
    for (const std::string& m : models) {
      int64_t total = 0, capital = 0, productive = 0;
      bool any = false;
      for (const FleetPoolResult& f : r.fleet) {
        if (f.gpu != m) continue;
        any = true;
        total += f.total_micro_usd;
        capital += f.capital_micro_usd;
        productive += f.productive_gpu_seconds;
      }
      if (!any) {
        out += ",,,,";
        continue;
      }
      absl::StrAppend(&out, ",", Money(total), ",", Money(capital), ",",
                      absl::StrFormat("%.6f", productive / 3600.0), ",",
                      PerProductive(total, productive, 6, ""));
    }
    out += "\n";
  }
  return out;
}

// A dated comparison's cash: each strategy's totals, present cost and
// break-even month.
void AppendCashSummary(const std::vector<StrategyResult>& results, std::string* out) {
  if (results.empty() || !results.front().cash) return;
  const CashFlow& any = *results.front().cash;
  std::vector<std::vector<std::string>> cells = {
      {"strategy", "paid USD", "received USD", "net USD",
       absl::StrFormat("present cost USD at %.2f%%", 100 * any.discount_rate), "resale USD",
       "book value USD", "cash break-even"}};
  for (const auto& r : results) {
    if (!r.cash) continue;
    const CashFlow& c = *r.cash;
    const bool owned = r.committed == ledger::Pool::kOwned;
    cells.push_back({r.strategy.name(), Money(c.paid, true), Money(c.received, true),
                     Money(c.net, true), Money(c.present_cost, true),
                     owned ? Money(c.resale, true) : "-", owned ? Money(c.book_value, true) : "-",
                     c.breakeven_month.empty() ? "-" : c.breakeven_month});
  }
  // A fleet's pool retired before the horizon is sold on that day.
  bool retired = false;
  for (const auto& r : results) {
    for (const FleetPoolResult& f : r.fleet) {
      retired = retired || (f.capacity == ledger::Pool::kOwned && f.retired_at >= 0 &&
                            f.retired_at < r.window_start + r.horizon_seconds);
    }
  }
  absl::StrAppend(out, "\ncash flow, ", any.months.front().month, " to ", any.months.back().month,
                  " (by month: --cash-flow):\n",
                  report::AlignedTable(cells, [](size_t i) { return i == 0 || i == 7; }),
                  "\npaid: purchases, loan payments, rent, reserved commitments, energy and "
                  "operations; received: idle capacity rented out and the hardware's resale at "
                  "the horizon",
                  retired ? " (a pool retired before it: on its retired_at date)" : "", ";\n"
                  "present cost: each month's net discounted to the first month's start;\n"
                  "cash break-even: the month from which cumulative net cash stays at or below "
                  "renting the same GPU-hours on demand.\n");
}

std::string ComparisonTable(const std::vector<StrategyResult>& results,
                            const std::vector<std::string>& phases) {
  std::vector<std::vector<std::string>> cells = {
      {"strategy", "capacity", "total USD", "USD/productive GPU-h", "amortized USD", "capital USD",
       "utilization", "makespan d", "break-even util.", "break-even months"}};
  for (const auto& p : phases) cells[0].push_back(p + " done d");
  for (const auto& r : results) {
    std::string capacity = r.committed == ledger::Pool::kNone
                               ? std::string()
                               : absl::StrCat(ledger::PoolName(r.committed), " ",
                                              report::WithThousands(r.committed_gpus));
    const char* rented = r.strategy.spot() ? "spot" : "on-demand";
    if (r.strategy.on_demand()) capacity += capacity.empty() ? rented : absl::StrCat(" + ", rented);
    if (!r.fleet.empty()) {
      std::vector<std::string> parts;
      for (const FleetPoolResult& f : r.fleet) {
        parts.push_back(absl::StrCat(ledger::PoolName(f.capacity), " ", report::WithThousands(f.gpus),
                                     " ", f.gpu));
      }
      capacity = absl::StrJoin(parts, " + ");
    }
    std::vector<std::string> row = {
        r.strategy.name(),
        capacity,
        Money(r.total_micro_usd, true),
        PerProductive(r.total_micro_usd, r.productive_gpu_seconds, 4, "-"),
        Money(r.amortized_micro_usd, true),
        r.capital_micro_usd > 0 ? Money(r.capital_micro_usd, true) : "-",
        r.committed_gpus > 0 ? absl::StrFormat("%.2f%%", 100 * r.committed_utilization) : "-",
        absl::StrFormat("%.2f", r.window_seconds / 86400.0),
        std::isnan(r.breakeven_utilization) ? "-" : Num(100 * r.breakeven_utilization, "%.2f%%"),
        std::isnan(r.breakeven_months) ? "-" : Num(r.breakeven_months, "%.1f")};
    for (const auto& p : phases) row.push_back(Num(Finish(r, p), "%.2f"));
    cells.push_back(row);
  }
  std::string out = report::AlignedTable(cells, [](size_t i) { return i <= 1; });
  int64_t horizon = 0;
  for (const auto& r : results) horizon = std::max(horizon, r.horizon_seconds);
  absl::StrAppend(
      &out, "\ntotal USD: what each strategy pays over its horizon (its replay, or --horizon: ",
      absl::StrFormat("%.2f", horizon / 86400.0),
      " days at most), committed capacity whether used or not;\n"
      "amortized USD: owned capacity charged only for the GPU-hours the plan used;\n"
      "break-even util.: the utilization of committed GPUs at which they cost what "
      "renting on demand does;\n"
      "break-even months: months of use, at this utilization, after which owning has "
      "cost less cash than renting.\n");
  AppendCashSummary(results, &out);
  AppendFleetSummary(results, &out);
  AppendSpotSummary(results, &out);
  for (const auto& r : results) {
    if (r.resized_jobs > 0) {
      absl::StrAppend(&out, r.strategy.name(), ": ", r.resized_jobs,
                      " jobs ran on fewer GPUs than planned, for longer (same GPU-hours)\n");
    }
  }
  return out;
}

}  // namespace

std::string FormatCashFlow(const std::vector<StrategyResult>& results, absl::string_view format) {
  if (results.empty() || !results.front().cash) return "";
  const bool csv = format == "csv";
  std::string out;
  if (csv) {
    out =
        "strategy,month,purchase_usd,loan_usd,rent_usd,reserved_usd,energy_usd,operations_usd,"
        "rent_out_usd,resale_usd,net_usd,cumulative_usd,rent_same_work_cumulative_usd\n";
  }
  for (const auto& r : results) {
    if (!r.cash) continue;
    std::vector<std::vector<std::string>> cells = {
        {"month", "purchase", "loan", "rent", "reserved", "energy", "operations", "rent out",
         "resale", "net", "cumulative", "renting same work"}};
    for (const CashMonth& m : r.cash->months) {
      std::vector<std::string> row = {m.month};
      for (int64_t v : {m.purchase, m.loan, m.rent, m.reserved, m.energy, m.operations,
                        m.rent_out, m.resale, m.net, m.cumulative, m.rent_same_work_cumulative}) {
        row.push_back(Money(v, !csv));
      }
      if (csv) {
        absl::StrAppend(&out, report::CsvField(r.strategy.name()), ",", absl::StrJoin(row, ","),
                        "\n");
      } else {
        cells.push_back(std::move(row));
      }
    }
    if (!csv) {
      absl::StrAppend(&out, out.empty() ? "" : "\n", r.strategy.name(), " (USD):\n",
                      report::AlignedTable(cells, [](size_t i) { return i == 0; }));
    }
  }
  return out;
}

bool ParsePlainNumber(absl::string_view text, double* v) {
  absl::string_view digits = text;
  absl::ConsumePrefix(&digits, "-");
  if (digits.empty() || digits.front() == '.' || digits.back() == '.' ||
      std::count(digits.begin(), digits.end(), '.') > 1 ||
      !std::all_of(digits.begin(), digits.end(),
                   [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) {
    return false;
  }
  return absl::SimpleAtod(text, v) && std::isfinite(*v);
}

bool ParseNumberOrPercent(absl::string_view text, double* v) {
  const bool percent = absl::ConsumeSuffix(&text, "%");
  if (!ParsePlainNumber(text, v)) return false;
  if (percent) *v /= 100;
  return true;
}

absl::StatusOr<double> ParseRate(absl::string_view text) {
  double v = 0;
  if (!ParseNumberOrPercent(text, &v) || !(v >= 0 && v <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a yearly rate from 0 to 100% such as 8% or 0.08"));
  }
  return v;
}

std::string FormatComparison(const std::vector<StrategyResult>& results, absl::string_view format) {
  const std::vector<std::string> phases = Phases(results);
  return format == "csv" ? ComparisonCsv(results, phases) : ComparisonTable(results, phases);
}

}  // namespace gpuledger::compare

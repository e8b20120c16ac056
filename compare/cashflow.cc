#include "compare/cashflow.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/calendar.h"
#include "pricing/asset.h"
#include "pricing/curve.h"
#include "pricing/rates.h"

namespace gpuledger::compare {
namespace {

namespace v1 = gpuledger::v1;
using pricing::ExactCost;
using pricing::ExactUsd;

// Whole micro-dollars as an exact amount.
ExactUsd Exact(int64_t micro) { return static_cast<ExactUsd>(micro) * pricing::kExactPerMicroUsd; }

// The lines of a month before rounding.
struct ExactMonth {
  ExactUsd purchase = 0, loan = 0, rent = 0, reserved = 0, energy = 0, operations = 0,
           rent_out = 0, resale = 0, same_work = 0;
};

// A stretch [start, end) of simulated seconds in one month and one price
// segment.
struct Piece {
  int64_t start = 0, end = 0;
  size_t month = 0, segment = 0;
};

// The first month from which owning (or reserving) has cost no more cash
// than renting the same work, for good; "never".
std::string BreakEvenMonth(const std::vector<CashMonth>& months) {
  size_t from = months.size();
  while (from > 0 && months[from - 1].cumulative <= months[from - 1].rent_same_work_cumulative) {
    --from;
  }
  return from == months.size() ? "never" : months[from].month;
}

}  // namespace

absl::StatusOr<std::vector<StretchUsage>> UsageBetween(ledger::Ledger& ledger, int64_t run_id,
                                                       const std::vector<int64_t>& cuts,
                                                       int gpu_pool) {
  absl::StatusOr<std::vector<ledger::Ledger::GroupSum>> groups =
      ledger.SumEntriesByGroup(run_id, ledger::GroupBy::kPool, &cuts, gpu_pool);
  if (!groups.ok()) return groups.status();
  absl::StatusOr<ledger::Ledger::CapacitySegments> capacity =
      ledger.CapacityInSegments(run_id, cuts, gpu_pool);
  if (!capacity.ok()) return capacity.status();
  std::vector<StretchUsage> out(cuts.size() + 1);
  for (size_t k = 0; k < out.size(); ++k) {
    for (const ledger::Ledger::GroupSum& g : *groups) {
      if (k < g.segments.size()) out[k].busy += g.segments[k];
      if (k < g.on_demand_segments.size()) out[k].on_demand += g.on_demand_segments[k];
    }
    if (k < capacity->down.size()) out[k].down = capacity->down[k];
  }
  return out;
}

absl::StatusOr<CashFlow> BuildCashFlow(ledger::Ledger& ledger, const CashFlowInput& in) {
  const v1::Pricing& p = *in.pricing;
  const bool owned = in.committed == ledger::Pool::kOwned;
  const bool reserved = in.committed == ledger::Pool::kReserved;
  const int64_t bought =
      owned && in.purchased_utc ? *in.purchased_utc - in.start_utc : in.window_start;
  if (bought > in.horizon_end) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bought on ", base::FormatDate(in.start_utc + bought), ", after the horizon ends (",
        base::FormatDate(in.start_utc + in.horizon_end), "): lengthen --horizon"));
  }
  // Sold before the horizon's end (a fleet's pool), else at it.
  const int64_t sold = std::clamp(in.sold.value_or(in.horizon_end), bought, in.horizon_end);
  // Prices over the horizon, from the window's start (as a report of the
  // run has them); before it, an owned pool idles at the first segment's.
  absl::StatusOr<std::vector<pricing::PriceSegment>> segments = pricing::PriceSegments(
      p, in.tdp_watts, in.gpus_per_node, in.start_utc, in.window_start, in.horizon_end);
  if (!segments.ok()) return segments.status();
  // The months, from the comparison's first to the horizon's end.
  CashFlow out;
  out.discount_rate = in.discount_rate;
  std::vector<int64_t> month_starts;  // simulated seconds
  base::ForEachPeriod(base::Period::kMonth,
                      base::PeriodOf(base::Period::kMonth, in.first_utc).start,
                      in.start_utc + in.horizon_end,
                      [&](const base::PeriodSpan& span, int64_t, int64_t) {
                        out.months.push_back(CashMonth{span.label});
                        month_starts.push_back(span.start - in.start_utc);
                      });
  if (out.months.empty()) return out;
  auto month_of = [&](int64_t t) {
    return static_cast<size_t>(
        std::upper_bound(month_starts.begin(), month_starts.end(), t) - month_starts.begin() - 1);
  };
  std::set<int64_t> bounds(month_starts.begin(), month_starts.end());
  bounds.insert(in.window_start);
  bounds.insert(bought);
  bounds.insert(sold);
  for (const pricing::PriceSegment& s : *segments) bounds.insert(s.start);
  bounds.insert(in.horizon_end);
  std::vector<Piece> pieces;
  size_t segment = 0;  // the price segment holding the piece (both in order)
  for (auto it = bounds.begin(); std::next(it) != bounds.end(); ++it) {
    while (segment + 1 < segments->size() && (*segments)[segment + 1].start <= *it) ++segment;
    pieces.push_back({*it, *std::next(it), month_of(*it), segment});
  }
  // Each piece's GPU-seconds from the run's entries (none lie outside the
  // window): the ledger's segments between these cuts are the pieces.
  std::vector<int64_t> cuts;
  for (size_t k = 1; k < pieces.size(); ++k) cuts.push_back(pieces[k].start);
  absl::StatusOr<std::vector<StretchUsage>> usage =
      UsageBetween(ledger, in.run_id, cuts, in.gpu_pool);
  if (!usage.ok()) return usage.status();

  std::vector<ExactMonth> exact(out.months.size());
  for (size_t k = 0; k < pieces.size(); ++k) {
    const Piece& piece = pieces[k];
    const pricing::Rates& r = (*segments)[piece.segment].rates;
    const auto [busy, on_demand, down] = (*usage)[k];
    const int64_t committed_busy = busy - on_demand;
    const bool held = (owned && piece.start >= bought && piece.start < sold) ||
                      (reserved && piece.start >= in.window_start);
    const int64_t capacity_seconds =
        held ? static_cast<int64_t>(in.paid_gpus) * (piece.end - piece.start) : 0;
    ExactMonth& m = exact[piece.month];
    m.rent += ExactCost(on_demand, r.rental);
    m.same_work += ExactCost(busy, r.rental_list);  // on demand, without spot's discount
    if (reserved) m.reserved += ExactCost(capacity_seconds, r.reserved);
    if (owned) {
      const int64_t idle = std::max<int64_t>(0, capacity_seconds - committed_busy - down);
      // Idle GPU-hours sold: rent_out_share of them, at the on-demand price
      // less the discount, drawing busy power instead of idle.
      const int64_t sold_rate =
          std::llround(in.rent_out_share * (1 - in.rent_out_discount) * r.rental_list);
      const int64_t sold_energy =
          std::llround(in.rent_out_share * (r.owned_busy_energy - r.owned_idle_energy));
      m.operations += ExactCost(capacity_seconds, r.owned_operations);
      m.energy += ExactCost(committed_busy, r.owned_busy_energy) +
                  ExactCost(idle, r.owned_idle_energy) + ExactCost(idle, sold_energy);
      m.rent_out += ExactCost(idle, sold_rate);
    }
  }
  // Reserved capacity is paid for whole terms: what the last one has left
  // after the horizon is owed in its last month, at that term's rate.
  if (reserved) {
    exact.back().reserved += ExactCost(
        pricing::UnusedTermGpuSeconds(p, in.paid_gpus, in.horizon_end - in.window_start),
        segments->back().rates.reserved);
  }
  if (owned) {
    const int64_t capital = pricing::CapitalMicroUsd(p, in.paid_gpus, in.gpus_per_node);
    const size_t bought_month = month_of(bought);
    if (in.loan_months == 0) {
      exact[bought_month].purchase += Exact(capital);
    } else {
      absl::StatusOr<std::vector<pricing::LoanPayment>> loan =
          pricing::LoanSchedule(capital, in.loan_rate, in.loan_months);
      if (!loan.ok()) return loan.status();
      // Payments from the month after the purchase; the balance still owed
      // at the horizon is repaid in its last month.
      size_t j = 0;
      for (; j < loan->size() && bought_month + 1 + j < exact.size(); ++j) {
        exact[bought_month + 1 + j].loan += Exact((*loan)[j].payment);
      }
      if (j < loan->size()) exact.back().loan += Exact(j == 0 ? capital : (*loan)[j - 1].balance);
    }
    // What the hardware (installation is not sold) fetches at an age.
    const __int128 hardware =
        static_cast<__int128>(std::llround(pricing::HardwareUsdPerGpu(p, in.gpus_per_node) * 1e6)) *
        in.paid_gpus;
    if (hardware > pricing::kMaxMicroUsd) return pricing::TooMuchMoney("the hardware's value");
    const v1::OwnedProfile& o = p.owned();
    const int64_t life = std::llround(o.depreciation_years() * pricing::kSecondsPerYear);
    // `age` old, sold at simulated second `sold`.
    bool resale_too_big = false;
    auto value_at = [&](int64_t age, int64_t sold) -> int64_t {
      if (o.has_resale_share()) return std::llround(static_cast<double>(hardware) * o.resale_share());
      if (o.has_resale_usd_per_gpu_curve()) {
        // The used price on the day of the sale, for every GPU.
        const double micro = pricing::ResaleUsdPerGpu(o.resale_usd_per_gpu_curve(),
                                                      in.start_utc + sold) *
                             1e6 * in.paid_gpus;
        if (!(micro <= static_cast<double>(pricing::kMaxMicroUsd))) {
          resale_too_big = true;
          return 0;
        }
        return std::llround(micro);
      }
      if (o.depreciation() == v1::EPOCH_AI) {
        return pricing::EpochValue(static_cast<int64_t>(hardware), o.value_decline_oom_per_year(),
                                   age);
      }
      return pricing::StraightLineValue(static_cast<int64_t>(hardware), o.residual_share(), life,
                                        age);
    };
    // A horizon longer than the hardware's life replaces it when each life
    // ends (as the amortized view charges): the same hardware bought again,
    // in cash at the same price, the old sold at its value then.
    int64_t last = bought;
    for (int64_t t = bought + life; life > 0 && t < sold; t += life) {
      exact[month_of(t)].purchase += Exact(capital);
      exact[month_of(t)].resale += Exact(value_at(life, t));
      last = t;
    }
    // The hardware in use sold at the horizon (or on its sale date).
    const int64_t age = sold - last;
    out.resale = value_at(age, sold);
    out.book_value = pricing::StraightLineValue(capital, pricing::ResidualShare(o), life, age);
    (sold < in.horizon_end ? exact[month_of(sold)] : exact.back()).resale += Exact(out.resale);
    if (resale_too_big) return pricing::TooMuchMoney("the hardware's resale value");
  }

  // Each line rounded as one total split over the months, so its months add
  // up to it exactly.
  pricing::MoneySplitter purchase, loan, rent, reserved_paid, energy, operations, rent_out, resale,
      same_work;
  int64_t cumulative = 0;
  __int128 paid_total = 0, received_total = 0;
  std::vector<int64_t> nets;
  for (size_t i = 0; i < exact.size(); ++i) {
    const ExactMonth& e = exact[i];
    CashMonth& m = out.months[i];
    m.purchase = purchase.Take(e.purchase);
    m.loan = loan.Take(e.loan);
    m.rent = rent.Take(e.rent);
    m.reserved = reserved_paid.Take(e.reserved);
    m.energy = energy.Take(e.energy);
    m.operations = operations.Take(e.operations);
    m.rent_out = rent_out.Take(e.rent_out);
    m.resale = resale.Take(e.resale);
    same_work.Take(e.same_work);
    const __int128 paid = static_cast<__int128>(m.purchase) + m.loan + m.rent + m.reserved +
                          m.energy + m.operations;
    const __int128 received = static_cast<__int128>(m.rent_out) + m.resale;
    const __int128 total = static_cast<__int128>(cumulative) + paid - received;
    if (paid > pricing::kMaxMicroUsd || total > pricing::kMaxMicroUsd ||
        total < -pricing::kMaxMicroUsd) {
      return pricing::TooMuchMoney("a strategy's cash flow");
    }
    m.net = static_cast<int64_t>(paid - received);
    cumulative = static_cast<int64_t>(total);
    m.cumulative = cumulative;
    m.rent_same_work_cumulative = same_work.total();
    paid_total += paid;
    received_total += received;
    if (paid_total > pricing::kMaxMicroUsd || received_total > pricing::kMaxMicroUsd) {
      return pricing::TooMuchMoney("a strategy's cash flow");
    }
    nets.push_back(m.net);
  }
  out.paid = static_cast<int64_t>(paid_total);
  out.received = static_cast<int64_t>(received_total);
  for (const pricing::MoneySplitter* s : {&purchase, &loan, &rent, &reserved_paid, &energy,
                                          &operations, &rent_out, &resale, &same_work}) {
    if (!s->status().ok()) return pricing::TooMuchMoney("a strategy's cash flow");
  }
  out.net = cumulative;
  out.present_cost = pricing::PresentValue(nets, in.discount_rate);
  if (in.committed != ledger::Pool::kNone) out.breakeven_month = BreakEvenMonth(out.months);
  return out;
}

absl::StatusOr<CashFlow> SumCashFlows(const std::vector<CashFlow>& flows, double discount_rate,
                                      bool committed) {
  CashFlow out;
  out.discount_rate = discount_rate;
  if (flows.empty()) return out;
  out.months = flows.front().months;
  for (CashMonth& m : out.months) m = CashMonth{m.month};
  // In 128 bits, each sum checked against the ledger's bound.
  auto add = [](int64_t* to, int64_t v) {
    const __int128 t = static_cast<__int128>(*to) + v;
    if (t > pricing::kMaxMicroUsd || t < -pricing::kMaxMicroUsd) return false;
    *to = static_cast<int64_t>(t);
    return true;
  };
  bool fits = true;
  for (const CashFlow& f : flows) {
    if (f.months.size() != out.months.size()) {
      return absl::InternalError("a fleet's pools have cash flows over different months");
    }
    for (size_t i = 0; i < f.months.size(); ++i) {
      const CashMonth& a = f.months[i];
      CashMonth& m = out.months[i];
      for (const auto& [to, v] :
           {std::pair<int64_t*, int64_t>{&m.purchase, a.purchase}, {&m.loan, a.loan},
            {&m.rent, a.rent}, {&m.reserved, a.reserved}, {&m.energy, a.energy},
            {&m.operations, a.operations}, {&m.rent_out, a.rent_out}, {&m.resale, a.resale},
            {&m.net, a.net}, {&m.rent_same_work_cumulative, a.rent_same_work_cumulative}}) {
        fits = fits && add(to, v);
      }
    }
    fits = fits && add(&out.paid, f.paid) && add(&out.received, f.received) &&
           add(&out.resale, f.resale) && add(&out.book_value, f.book_value);
  }
  if (!fits) return pricing::TooMuchMoney("a strategy's cash flow");
  std::vector<int64_t> nets;
  int64_t cumulative = 0;
  for (CashMonth& m : out.months) {
    if (!add(&cumulative, m.net)) return pricing::TooMuchMoney("a strategy's cash flow");
    m.cumulative = cumulative;
    nets.push_back(m.net);
  }
  out.net = cumulative;
  out.present_cost = pricing::PresentValue(nets, discount_rate);
  if (committed) out.breakeven_month = BreakEvenMonth(out.months);
  return out;
}

}  // namespace gpuledger::compare

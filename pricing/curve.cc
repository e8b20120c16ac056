#include "pricing/curve.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/calendar.h"

namespace gpuledger::pricing {

namespace v1 = gpuledger::v1;

namespace {

constexpr double kMinChangePerYear = -0.99;
constexpr double kMaxChangePerYear = 10;

// One price a curve may move: where its curve and scalar are, and its bounds
// (ValidatePricing's for the scalar).
struct Moving {
  const char* field;  // "rental.usd_per_gpu_hour_curve"
  const char* unit;   // "per GPU-hour"
  // A reserved rate is fixed for a term when the term begins: the curve's
  // value at each term's start holds for the whole term.
  bool per_term = false;
  double lo, hi;
  std::function<bool(const v1::Pricing&)> has;
  std::function<const v1::PriceCurve&(const v1::Pricing&)> curve;
  std::function<double(const v1::Pricing&)> base;
  std::function<v1::PriceCurve*(v1::Pricing*)> mutable_curve;
  std::function<void(v1::Pricing*, double)> set;
  std::function<bool(const v1::Pricing&)> has_scalar;
  std::function<void(v1::Pricing*)> clear;  // the curve
};

const std::vector<Moving>& Prices() {
  static const std::vector<Moving> kPrices = {
      {"rental.usd_per_gpu_hour_curve", "per GPU-hour", false, 0, kMaxUsdPerGpuHour,
       [](const v1::Pricing& p) { return p.rental().has_usd_per_gpu_hour_curve(); },
       [](const v1::Pricing& p) -> const v1::PriceCurve& {
         return p.rental().usd_per_gpu_hour_curve();
       },
       [](const v1::Pricing& p) { return p.rental().usd_per_gpu_hour(); },
       [](v1::Pricing* p) { return p->mutable_rental()->mutable_usd_per_gpu_hour_curve(); },
       [](v1::Pricing* p, double v) { p->mutable_rental()->set_usd_per_gpu_hour(v); },
       [](const v1::Pricing& p) { return p.rental().has_usd_per_gpu_hour(); },
       [](v1::Pricing* p) { p->mutable_rental()->clear_usd_per_gpu_hour_curve(); }},
      {"reserved.usd_per_gpu_hour_curve", "per GPU-hour", true, 0, kMaxUsdPerGpuHour,
       [](const v1::Pricing& p) { return p.reserved().has_usd_per_gpu_hour_curve(); },
       [](const v1::Pricing& p) -> const v1::PriceCurve& {
         return p.reserved().usd_per_gpu_hour_curve();
       },
       [](const v1::Pricing& p) { return p.reserved().usd_per_gpu_hour(); },
       [](v1::Pricing* p) { return p->mutable_reserved()->mutable_usd_per_gpu_hour_curve(); },
       [](v1::Pricing* p, double v) { p->mutable_reserved()->set_usd_per_gpu_hour(v); },
       [](const v1::Pricing& p) { return p.reserved().has_usd_per_gpu_hour(); },
       [](v1::Pricing* p) { p->mutable_reserved()->clear_usd_per_gpu_hour_curve(); }},
      {"owned.usd_per_kwh_curve", "per kWh", false, 0, 100,
       [](const v1::Pricing& p) { return p.owned().has_usd_per_kwh_curve(); },
       [](const v1::Pricing& p) -> const v1::PriceCurve& { return p.owned().usd_per_kwh_curve(); },
       [](const v1::Pricing& p) { return p.owned().usd_per_kwh(); },
       [](v1::Pricing* p) { return p->mutable_owned()->mutable_usd_per_kwh_curve(); },
       [](v1::Pricing* p, double v) { p->mutable_owned()->set_usd_per_kwh(v); },
       [](const v1::Pricing& p) { return p.owned().has_usd_per_kwh(); },
       [](v1::Pricing* p) { p->mutable_owned()->clear_usd_per_kwh_curve(); }},
  };
  return kPrices;
}


// A curve placed on a run's clock: point instants in simulated seconds.
struct Placed {
  std::vector<int64_t> at;
  std::vector<double> usd;
  bool linear = false;
  double base = 0;     // the price with no points
  double change = 0;   // change_per_year
  int64_t origin = 0;  // where change_per_year starts with no points (the window's start)
  int64_t term_start = 0, term = 0;  // per_term: the terms' start and length (0: one)
};

double Compound(double usd, double change, int64_t seconds) {
  if (change == 0 || seconds <= 0) return usd;
  return usd * std::pow(1 + change, static_cast<double>(seconds) / kSecondsPerYear);
}

// The curve's value at simulated second s.
double ValueAt(const Placed& c, int64_t s) {
  if (c.at.empty()) return Compound(c.base, c.change, s - c.origin);
  if (s < c.at.front()) return c.usd.front();
  const size_t i = std::upper_bound(c.at.begin(), c.at.end(), s) - c.at.begin() - 1;
  if (i + 1 == c.at.size()) return Compound(c.usd[i], c.change, s - c.at[i]);
  if (!c.linear) return c.usd[i];
  const double share = static_cast<double>(s - c.at[i]) / static_cast<double>(c.at[i + 1] - c.at[i]);
  return c.usd[i] + (c.usd[i + 1] - c.usd[i]) * share;
}

// Every midnight of the run's clock in (lo, hi): UTC midnights for a dated
// run, multiples of a day from simulated second 0 for another.
absl::Status AddMidnights(int64_t lo, int64_t hi, int64_t utc_offset, std::set<int64_t>* cuts) {
  constexpr int64_t kDay = base::kSecondsPerDay;
  if (hi <= lo) return absl::OkStatus();
  // First midnight after lo, in simulated seconds.
  const int64_t u = lo + utc_offset;
  int64_t m = (u >= 0 ? u / kDay + 1 : -((-u) / kDay)) * kDay - utc_offset;
  if (m <= lo) m += kDay;
  for (; m < hi; m += kDay) {
    cuts->insert(m);
    if (static_cast<int64_t>(cuts->size()) > kMaxPriceSegments) {
      return absl::InvalidArgumentError(absl::StrCat(
          "prices that move change more than ", kMaxPriceSegments,
          " times over the window; shorten the window or use STEP points"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool HasMovingPrices(const v1::Pricing& p) {
  for (const Moving& m : Prices()) {
    if (m.has(p)) return true;
  }
  return false;
}

namespace {

// The checks of one curve, `field` naming it after `prefix`.
absl::Status CheckCurve(const v1::PriceCurve& c, absl::string_view prefix, absl::string_view field,
                        double lo, double hi) {
  auto invalid = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("field ", prefix, field, what));
  };
  if (!c.csv().empty()) {
    return invalid(absl::StrCat(".csv: \"", c.csv(),
                                "\" can only be read from a file on this machine (a "
                                "plan or profile sent inline names no files)"));
  }
  if (c.points().empty() && !c.has_change_per_year()) {
    return invalid(": a curve needs points or change_per_year");
  }
  if (c.has_change_per_year() &&
      !(c.change_per_year() >= kMinChangePerYear && c.change_per_year() <= kMaxChangePerYear)) {
    return invalid(absl::StrCat(".change_per_year must be in [", kMinChangePerYear, ", ",
                                kMaxChangePerYear, "], got ", c.change_per_year()));
  }
  int64_t last = -1;
  for (int i = 0; i < c.points_size(); ++i) {
    const v1::PriceCurve::Point& pt = c.points(i);
    const std::string at = absl::StrCat(".points[", i, "]");
    absl::StatusOr<int64_t> t = base::ParseUtc(pt.date());
    if (!t.ok()) return invalid(absl::StrCat(at, ".date: ", t.status().message()));
    if (*t <= last) {
      return invalid(absl::StrCat(at, ".date: ", pt.date(),
                                  " is not after the point before it (points go in date "
                                  "order, one per instant)"));
    }
    last = *t;
    if (!(std::isfinite(pt.usd()) && pt.usd() >= lo && pt.usd() <= hi)) {
      return invalid(absl::StrCat(at, ".usd must be in [", lo, ", ", hi, "], got ", pt.usd()));
    }
  }
  return absl::OkStatus();
}

constexpr const char* kResaleCurve = "owned.resale_usd_per_gpu_curve";
// $ per GPU, as ValidatePricing bounds capital_usd_per_gpu.
constexpr double kMaxResaleUsdPerGpu = 1e8;

}  // namespace

absl::Status ValidateCurves(const v1::Pricing& p, absl::string_view prefix) {
  for (const Moving& m : Prices()) {
    if (!m.has(p)) continue;
    if (absl::Status s = CheckCurve(m.curve(p), prefix, m.field, m.lo, m.hi); !s.ok()) return s;
  }
  if (p.owned().has_resale_usd_per_gpu_curve()) {
    const v1::PriceCurve& c = p.owned().resale_usd_per_gpu_curve();
    if (absl::Status s = CheckCurve(c, prefix, kResaleCurve, 0, kMaxResaleUsdPerGpu); !s.ok()) return s;
    if (c.points().empty() && c.csv().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field ", prefix, kResaleCurve, ": a used-price series needs dated points"));
    }
  }
  return absl::OkStatus();
}

double ResaleUsdPerGpu(const v1::PriceCurve& c, int64_t utc) {
  Placed placed;
  placed.linear = c.interpolation() == v1::PriceCurve::LINEAR;
  placed.change = c.change_per_year();
  for (const v1::PriceCurve::Point& pt : c.points()) {
    absl::StatusOr<int64_t> t = base::ParseUtc(pt.date());
    if (!t.ok()) continue;  // ValidateCurves has passed: not reached
    placed.at.push_back(*t);
    placed.usd.push_back(pt.usd());
  }
  return ValueAt(placed, utc);
}

namespace {

// The highest price curve `m` of `p` reaches over a window of `window`
// seconds from simulated second 0 (UTC `start_utc` when dated): its points
// and base, and the compounding of change_per_year after its last point (or
// from the window's start) to the window's end. Not capped.
double Reach(const Moving& m, const v1::Pricing& p, std::optional<int64_t> start_utc,
             int64_t window) {
  const v1::PriceCurve& c = m.curve(p);
  window = std::max<int64_t>(window, 0);
  double hi = c.points().empty() ? m.base(p) : 0;
  for (const auto& pt : c.points()) hi = std::max(hi, pt.usd());
  if (!(c.change_per_year() > 0)) return hi;
  double last = m.base(p);
  int64_t grow = window;
  if (!c.points().empty()) {
    last = c.points(c.points_size() - 1).usd();
    absl::StatusOr<int64_t> t = base::ParseUtc(c.points(c.points_size() - 1).date());
    if (t.ok() && start_utc) grow = std::max<int64_t>(0, *start_utc + window - *t);
  }
  return std::max(hi, Compound(last, c.change_per_year(), grow));
}

}  // namespace

v1::Pricing HighestPrices(const v1::Pricing& p, std::optional<int64_t> start_utc, int64_t window) {
  v1::Pricing out = p;
  for (const Moving& m : Prices()) {
    if (!m.has(p)) continue;
    const double hi = Reach(m, p, start_utc, window);
    m.set(&out, std::isfinite(hi) ? std::min(hi, m.hi) : m.hi);
  }
  return out;
}

absl::Status CheckCurvesBounded(const v1::Pricing& p, std::optional<int64_t> start_utc,
                                int64_t window) {
  for (const Moving& m : Prices()) {
    if (!m.has(p)) continue;
    const double reach = Reach(m, p, start_utc, window);
    if (!(reach <= m.hi)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field pricing.", m.field, ".change_per_year: rising ",
          m.curve(p).change_per_year() * 100, "% a year, the price could reach $",
          absl::StrFormat("%.2f", reach), " ", m.unit,
          " by the end of the replay's longest possible window (",
          window / base::kSecondsPerDay, " days), above the bound of $", m.hi,
          "; lower the rate of change"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCurvesPlaced(const v1::Pricing& p, bool dated) {
  if (dated) return absl::OkStatus();
  for (const Moving& m : Prices()) {
    if (m.has(p) && !m.curve(p).points().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field pricing.", m.field,
          ".points: dated prices need a start date to be placed on; set the plan's start_date "
          "(or replay --start-date), or give the curve change_per_year alone"));
    }
  }
  return absl::OkStatus();
}

std::vector<SetCurve> SetCurves(v1::Pricing* p) {
  std::vector<SetCurve> out;
  for (const Moving& m : Prices()) {
    if (m.has(*p)) out.push_back({m.field, m.mutable_curve(p), m.lo, m.hi});
  }
  if (p->owned().has_resale_usd_per_gpu_curve()) {
    out.push_back(
        {kResaleCurve, p->mutable_owned()->mutable_resale_usd_per_gpu_curve(), 0, kMaxResaleUsdPerGpu});
  }
  return out;
}

void MergePricing(const v1::Pricing& over, v1::Pricing* base) {
  base->MergeFrom(over);
  for (const Moving& m : Prices()) {
    if (m.has(over)) {
      *m.mutable_curve(base) = m.curve(over);
    } else if (m.has_scalar(over)) {
      m.clear(base);  // a constant price given over a moving one replaces it
    }
  }
  if (over.owned().has_resale_usd_per_gpu_curve()) {
    *base->mutable_owned()->mutable_resale_usd_per_gpu_curve() =
        over.owned().resale_usd_per_gpu_curve();
  }
}

v1::Pricing PricingForModel(const v1::Pricing& pricing, absl::string_view model) {
  v1::Pricing out = pricing;
  out.clear_models();
  for (const v1::ModelPricing& m : pricing.models()) {
    if (m.gpu() != model) continue;
    v1::Pricing over;
    if (m.has_rental()) *over.mutable_rental() = m.rental();
    if (m.has_owned()) *over.mutable_owned() = m.owned();
    if (m.has_reserved()) *over.mutable_reserved() = m.reserved();
    MergePricing(over, &out);
  }
  return out;
}

absl::StatusOr<std::vector<PriceSegment>> PriceSegments(const v1::Pricing& pricing,
                                                        double tdp_watts, int gpus_per_node,
                                                        std::optional<int64_t> start_utc,
                                                        int64_t from, int64_t to) {
  std::vector<PriceSegment> out;
  if (to < from) to = from;
  // Simulated second -> the curve clock: UTC for a dated run; for another,
  // seconds from the window's start (its days begin there, as its report's).
  const int64_t offset = start_utc ? *start_utc : -from;
  std::set<int64_t> cuts;
  std::vector<std::pair<const Moving*, Placed>> placed;
  for (const Moving& m : Prices()) {
    if (!m.has(pricing)) continue;
    const v1::PriceCurve& c = m.curve(pricing);
    Placed p;
    p.linear = c.interpolation() == v1::PriceCurve::LINEAR;
    p.base = m.base(pricing);
    p.change = c.change_per_year();
    p.origin = from;  // with no points, change_per_year runs from the window's start
    if (!c.points().empty() && !start_utc) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field pricing.", m.field,
          ".points: dated prices need the run's start date; give the plan a start_date (or "
          "replay --start-date), or use change_per_year alone"));
    }
    for (const v1::PriceCurve::Point& pt : c.points()) {
      absl::StatusOr<int64_t> t = base::ParseUtc(pt.date());
      if (!t.ok()) return t.status();  // ValidateCurves has passed: not reached
      p.at.push_back(*t - offset);
      p.usd.push_back(pt.usd());
    }
    if (m.per_term) {
      // Terms from the window's start; the whole window with no term.
      const int64_t term = ReservedTermSeconds(pricing);
      p.term_start = from;
      p.term = term;
      if (term > 0) {
        for (int64_t t = from + term; t < to; t += term) cuts.insert(t);
      }
      placed.emplace_back(&m, std::move(p));
      continue;
    }
    for (int64_t t : p.at) {
      if (t > from && t < to) cuts.insert(t);
    }
    if (p.linear) {
      for (size_t i = 0; i + 1 < p.at.size(); ++i) {
        if (p.usd[i] == p.usd[i + 1]) continue;
        if (auto s = AddMidnights(std::max(from, p.at[i]), std::min(to, p.at[i + 1]), offset, &cuts);
            !s.ok())
          return s;
      }
    }
    if (p.change != 0) {
      const int64_t after = p.at.empty() ? p.origin : p.at.back();
      if (auto s = AddMidnights(std::max(from, after), to, offset, &cuts); !s.ok()) return s;
    }
    placed.emplace_back(&m, std::move(p));
  }
  std::vector<int64_t> bounds = {from};
  bounds.insert(bounds.end(), cuts.begin(), cuts.end());
  bounds.push_back(to);
  out.reserve(bounds.size() - 1);
  for (size_t i = 0; i + 1 < bounds.size(); ++i) {
    if (bounds[i + 1] <= bounds[i] && !(from == to && i == 0)) continue;
    PriceSegment seg;
    seg.start = bounds[i];
    seg.end = bounds[i + 1];
    seg.pricing = pricing;
    for (const auto& [m, p] : placed) {
      // A reserved rate is the curve's at the start of the segment's term.
      const int64_t at = p.term > 0 ? p.term_start + (seg.start - p.term_start) / p.term * p.term
                         : m->per_term ? p.term_start
                                       : seg.start;
      const double v = ValueAt(p, at);
      if (!(std::isfinite(v) && v >= m->lo && v <= m->hi)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "field pricing.", m->field, " reaches $", v, " ", m->unit, " at ",
            start_utc ? base::FormatUtc(*start_utc + seg.start)
                      : absl::StrCat("simulated second ", seg.start),
            ", outside [", m->lo, ", ", m->hi, "]; bound its change_per_year"));
      }
      m->set(&seg.pricing, v);
      m->clear(&seg.pricing);  // a segment's pricing is a constant profile
    }
    seg.rates = ComputeRates(seg.pricing, tdp_watts, gpus_per_node);
    out.push_back(std::move(seg));
  }
  return out;
}

absl::StatusOr<std::vector<v1::PriceCurve::Point>> ParsePriceCsv(absl::string_view text,
                                                                 absl::string_view path, double lo,
                                                                 double hi) {
  std::vector<v1::PriceCurve::Point> out;
  absl::ConsumePrefix(&text, "\xef\xbb\xbf");  // a spreadsheet's byte-order mark
  int64_t last = -1;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    if (out.empty() && line == "date,usd") continue;
    std::vector<absl::string_view> f = absl::StrSplit(line, ',');
    const auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", line_no, ": ", why));
    };
    if (f.size() != 2) return bad("expected date,usd");
    v1::PriceCurve::Point p;
    const absl::string_view date = absl::StripAsciiWhitespace(f[0]);
    absl::StatusOr<int64_t> t = base::ParseUtc(date);
    if (!t.ok()) return bad(absl::StrCat("date: ", t.status().message()));
    if (*t <= last) {
      return bad(absl::StrCat("date: ", date,
                              " is not after the line before it (dates go in order, one per "
                              "instant)"));
    }
    last = *t;
    double usd = 0;
    if (!absl::SimpleAtod(absl::StripAsciiWhitespace(f[1]), &usd) || !std::isfinite(usd)) {
      return bad(absl::StrCat("usd: not a number: \"", f[1], "\""));
    }
    if (usd < lo || usd > hi) return bad(absl::StrCat("usd must be in [", lo, ", ", hi, "], got ", usd));
    p.set_date(std::string(date));
    p.set_usd(usd);
    out.push_back(std::move(p));
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no price points (date,usd lines)"));
  }
  return out;
}

}  // namespace gpuledger::pricing

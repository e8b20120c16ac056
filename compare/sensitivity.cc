#include "compare/sensitivity.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/ascii.h"
#include "report/format.h"

namespace gpuledger::compare {
namespace {

namespace v1 = gpuledger::v1;

struct Range {
  const char* field;
  double lo, hi;
};
constexpr Range kRanges[] = {{"rental_change_per_year", -0.99, 10}, {"purchase_price", 0, 10},
                             {"resale_share", 0, 1},                {"spare_utilization", 0, 1},
                             {"discount_rate", 0, 1},               {"failure_rate", 0, 100}};

absl::StatusOr<double> Number(absl::string_view text, absl::string_view whole) {
  double v = 0;
  if (!ParseNumberOrPercent(absl::StripAsciiWhitespace(text), &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--vary ", whole, ": \"", text, "\" is not a number"));
  }
  return v;
}

// The comparison's inputs with one assumption changed.
struct Inputs {
  traces::Workload workload;
  std::vector<v1::Strategy> strategies;
  CompareOptions options;
};

Inputs Apply(const Inputs& given, const std::string& field, double v) {
  Inputs in = given;
  v1::Pricing over = in.options.pricing_over.value_or(v1::Pricing());
  if (field == "rental_change_per_year") {
    over.mutable_rental()->mutable_usd_per_gpu_hour_curve()->set_change_per_year(v);
    in.options.pricing_over = over;
  } else if (field == "purchase_price") {
    in.options.capital_scale *= v;
  } else if (field == "resale_share") {
    over.mutable_owned()->set_resale_share(v);
    in.options.pricing_over = over;
  } else if (field == "spare_utilization") {
    for (v1::Strategy& s : in.strategies) {
      if (s.committed() == "owned") s.set_rent_out_idle_share(v);
    }
  } else if (field == "discount_rate") {
    in.options.discount_rate = v;
  } else if (field == "failure_rate") {
    if (v == 0) {
      in.workload.failure_model.reset();
    } else if (in.workload.failure_model) {
      // A rate is interruptions over GPU-days: scale the days.
      v1::FailureModelSpec& m = *in.workload.failure_model;
      m.mutable_unexpected()->set_days(m.unexpected().days() / v);
      if (m.has_planned()) m.mutable_planned()->set_days(m.planned().days() / v);
    }
  }
  return in;
}

std::string Value(double v) { return absl::StrFormat("%g", v); }

}  // namespace

absl::StatusOr<Variation> ParseVariation(absl::string_view text) {
  const size_t eq = text.find('=');
  const size_t dots = text.find("..");
  if (eq == absl::string_view::npos || dots == absl::string_view::npos || dots < eq) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--vary ", text, ": expected FIELD=LOW..HIGH, such as purchase_price=0.8..1.2"));
  }
  Variation out;
  out.field = std::string(text.substr(0, eq));
  const Range* range = nullptr;
  for (const Range& r : kRanges) {
    if (out.field == r.field) range = &r;
  }
  if (range == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("--vary ", text, ": no field \"", out.field,
                                                   "\"; one of ", absl::StrJoin(kVaryFields, ", ")));
  }
  absl::StatusOr<double> low = Number(text.substr(eq + 1, dots - eq - 1), text);
  if (!low.ok()) return low.status();
  absl::StatusOr<double> high = Number(text.substr(dots + 2), text);
  if (!high.ok()) return high.status();
  out.low = *low;
  out.high = *high;
  // Say which end is wrong, and the field's range.
  const std::string at = absl::StrCat("--vary ", text, ": ", out.field);
  const std::string range_text = absl::StrCat(" (it may go from ", range->lo, " to ", range->hi, ")");
  if (!(out.low >= range->lo)) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, "'s low end, ", out.low, ", is below ", range->lo, range_text));
  }
  if (!(out.high <= range->hi)) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, "'s high end, ", out.high, ", is above ", range->hi, range_text));
  }
  if (!(out.low < out.high)) {
    return absl::InvalidArgumentError(absl::StrCat(at, "'s low end, ", out.low,
                                                   ", must be below its high end, ", out.high));
  }
  return out;
}

int64_t JudgedCost(const StrategyResult& r) {
  return r.cash ? r.cash->present_cost : r.total_micro_usd;
}

namespace {

SensitivityCase CaseOf(const std::vector<StrategyResult>& results, std::string field,
                       double value) {
  SensitivityCase c;
  c.field = std::move(field);
  c.value = value;
  for (const StrategyResult& r : results) c.cost.push_back(JudgedCost(r));
  c.winner = static_cast<size_t>(std::min_element(c.cost.begin(), c.cost.end()) - c.cost.begin());
  return c;
}

}  // namespace

namespace {

struct Case {
  const Variation* variation;
  double value;
  Inputs inputs;
};

// Every case, checked.
absl::StatusOr<std::vector<Case>> Cases(const traces::Workload& workload,
                                        const std::vector<v1::Strategy>& strategies,
                                        const CompareOptions& options,
                                        const std::vector<Variation>& variations,
                                        const std::vector<traces::StrategyPlace>& where) {
  const Inputs given{workload, strategies, options};
  std::vector<Case> cases;
  for (const Variation& v : variations) {
    if (v.field == "discount_rate" && !workload.start_utc) {
      return absl::InvalidArgumentError(
          "--vary discount_rate: the plan has no start date, so no cash flow to discount; give "
          "it a start_date, or --start-date");
    }
    if ((v.field == "resale_share" || v.field == "spare_utilization") && !workload.start_utc) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--vary ", v.field,
          ": the plan has no start date, and only a dated comparison's cash flow has resale and "
          "idle hours sold; give it a start_date, or --start-date"));
    }
    if (v.field == "spare_utilization" &&
        std::none_of(strategies.begin(), strategies.end(),
                     [](const v1::Strategy& s) { return s.committed() == "owned"; })) {
      return absl::InvalidArgumentError(
          "--vary spare_utilization: no strategy owns a committed pool whose idle hours it could "
          "sell (committed: \"owned\"; a fleet's pools sell none), so it would change nothing");
    }
    if (v.field == "failure_rate" && !workload.failure_model) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--vary failure_rate: ", workload.source,
          " has no failure model to scale; give the plan one (failure_model: \"llama3\")"));
    }
    for (double value : {v.low, v.high}) {
      Inputs in = Apply(given, v.field, value);
      if (absl::Status s = CheckStrategies(in.workload, in.strategies, in.options, where);
          !s.ok()) {
        return absl::Status(s.code(), absl::StrCat("--vary ", v.field, "=", Value(value), ": ",
                                                   s.message()));
      }
      cases.push_back({&v, value, std::move(in)});
    }
  }
  return cases;
}

}  // namespace

absl::Status CheckVariations(const traces::Workload& workload,
                             const std::vector<v1::Strategy>& strategies,
                             const CompareOptions& options,
                             const std::vector<Variation>& variations,
                             const std::vector<traces::StrategyPlace>& where) {
  std::set<std::string> seen;
  for (const Variation& v : variations) {
    if (!seen.insert(v.field).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--vary ", v.field, ": given twice; vary each assumption once, over its whole range"));
    }
  }
  return Cases(workload, strategies, options, variations, where).status();
}

absl::StatusOr<Sensitivity> Vary(const traces::Workload& workload,
                                 const std::vector<v1::Strategy>& strategies,
                                 const CompareOptions& options,
                                 const std::vector<Variation>& variations,
                                 const std::vector<traces::StrategyPlace>& where,
                                 const std::vector<StrategyResult>& base) {
  absl::StatusOr<std::vector<Case>> cases =
      Cases(workload, strategies, options, variations, where);
  if (!cases.ok()) return cases.status();
  Sensitivity out;
  out.present_cost = !base.empty() && base.front().cash.has_value();
  out.discount_rate = options.discount_rate;
  for (const StrategyResult& r : base) out.strategies.push_back(r.strategy.name());
  out.base = CaseOf(base, "", 0);
  for (const Case& c : *cases) {
    absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::Open(":memory:");
    if (!l.ok()) return l.status();
    absl::StatusOr<std::vector<StrategyResult>> results = CompareStrategies(
        c.inputs.workload, c.inputs.strategies, c.inputs.options, **l, where);
    if (!results.ok()) {
      return absl::Status(results.status().code(),
                          absl::StrCat("--vary ", c.variation->field, "=", Value(c.value), ": ",
                                       results.status().message()));
    }
    out.cases.push_back(CaseOf(*results, c.variation->field, c.value));
  }
  return out;
}

std::vector<size_t> SwingOrder(const Sensitivity& s) {
  std::vector<size_t> order;  // index of each variation's low case
  for (size_t i = 0; i + 1 < s.cases.size(); i += 2) order.push_back(i);
  auto swing = [&](size_t i) {
    __int128 most = 0;  // a difference of two int64 amounts
    for (size_t k = 0; k < s.strategies.size(); ++k) {
      const __int128 d = static_cast<__int128>(s.cases[i + 1].cost[k]) - s.cases[i].cost[k];
      most = std::max(most, d < 0 ? -d : d);
    }
    return most;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return swing(a) > swing(b); });
  return order;
}

std::string FormatSensitivity(const Sensitivity& s, absl::string_view format) {
  const std::vector<size_t> order = SwingOrder(s);
  if (format == "csv") {
    std::string out = "assumption,value,strategy,judged_usd,wins\n";
    auto rows = [&](const SensitivityCase& c) {
      for (size_t k = 0; k < s.strategies.size(); ++k) {
        absl::StrAppend(&out, c.field, ",", c.field.empty() ? "" : Value(c.value), ",",
                        report::CsvField(s.strategies[k]), ",", report::Money(c.cost[k], 2), ",",
                        k == c.winner ? "yes" : "no", "\n");
      }
    };
    rows(s.base);
    for (size_t i : order) {
      rows(s.cases[i]);
      rows(s.cases[i + 1]);
    }
    return out;
  }
  std::vector<std::vector<std::string>> cells = {{"assumption", "value"}};
  for (const std::string& name : s.strategies) cells[0].push_back(name);
  cells[0].push_back("winner");
  auto row = [&](const SensitivityCase& c) {
    std::vector<std::string> r = {c.field.empty() ? "(as given)" : c.field,
                                  c.field.empty() ? "" : Value(c.value)};
    for (int64_t v : c.cost) r.push_back(report::Money(v, 2, true));
    r.push_back(s.strategies[c.winner]);
    cells.push_back(std::move(r));
  };
  row(s.base);
  for (size_t i : order) {
    cells.push_back({});
    row(s.cases[i]);
    row(s.cases[i + 1]);
  }
  std::string out = absl::StrCat(
      "sensitivity: each assumption at its low and its high value, the rest as given; "
      "strategies judged by ",
      s.present_cost ? absl::StrFormat("present cost at %.2f%% (USD)", 100 * s.discount_rate)
                     : std::string("total USD over the horizon"),
      ", the widest swing first:\n",
      report::AlignedTable(cells,
                           [&](size_t i) { return i == 0 || i == s.strategies.size() + 2; }));
  std::vector<std::string> movers;
  for (size_t i : order) {
    for (const SensitivityCase* c : {&s.cases[i], &s.cases[i + 1]}) {
      if (c->winner != s.base.winner) {
        movers.push_back(
            absl::StrCat(c->field, " at ", Value(c->value), ": ", s.strategies[c->winner]));
      }
    }
  }
  absl::StrAppend(&out, movers.empty()
                            ? absl::StrCat("no assumption in these ranges changes the winner (",
                                           s.strategies[s.base.winner], ")\n")
                            : absl::StrCat("the winner changes with ", absl::StrJoin(movers, "; "),
                                           "\n"));
  return out;
}

}  // namespace gpuledger::compare

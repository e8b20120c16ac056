// The page of a comparison: each strategy's total cost stacked by what it
// paid for, cost against makespan (the frontier of an --own-sizes sweep),
// and each strategy's utilization of its committed GPUs against its
// break-even utilization.
#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "report/format.h"
#include "compare/sensitivity.h"
#include "web/json.h"
#include "web/page.h"
#include "web/page_parts.h"

namespace gpuledger::web {
namespace {

// A strategy's total in three parts that add up to it: its committed
// capacity's cost for the GPU-hours used and for the rest (idle), and
// on-demand use. Owned: used is the amortized cost less on-demand; reserved:
// the committed cost's share by utilization.
struct Parts {
  int64_t used = 0, idle = 0, on_demand = 0;
};
Parts PartsOf(const compare::StrategyResult& r) {
  Parts p;
  p.on_demand = r.on_demand_micro_usd;
  const int64_t committed = r.total_micro_usd - r.on_demand_micro_usd;
  if (r.committed == ledger::Pool::kOwned) {
    p.used = std::clamp<int64_t>(r.amortized_micro_usd - r.on_demand_micro_usd, 0, committed);
  } else if (r.committed == ledger::Pool::kReserved) {
    const double u = std::clamp(r.committed_utilization, 0.0, 1.0);
    p.used = std::clamp<int64_t>(std::llround(static_cast<double>(committed) * u), 0, committed);
  }
  p.idle = committed - p.used;
  return p;
}

std::string Name(const compare::StrategyResult& r) { return r.strategy.name(); }

std::string StackSpec(const std::vector<compare::StrategyResult>& results) {
  std::string values;
  std::vector<std::string> names;
  for (const auto& r : results) {
    names.push_back(Name(r));
    const Parts p = PartsOf(r);
    int order = 0;
    for (const auto& [part, micro] :
         {std::pair<const char*, int64_t>{"committed capacity, used", p.used},
          {"committed capacity, idle", p.idle},
          {"on-demand", p.on_demand}}) {
      absl::StrAppend(&values, values.empty() ? "" : ",", "{\"strategy\":", JsonString(Name(r)),
                      ",\"part\":", JsonString(part), ",\"order\":", order++,
                      ",\"micro_usd\":", micro, ",\"usd\":",
                      JsonNumber(static_cast<double>(micro) / 1e6), ",\"total\":",
                      JsonString("$" + report::Money(r.total_micro_usd, 2, true)), "}");
    }
  }
  return absl::StrCat(
      "{", kSchema, R"(,"title":{"text":"Total cost per strategy",)",
      R"("subtitle":"over each strategy's horizon; committed capacity is paid for used or not"},)",
      R"("width":"container","height":300,"data":{"values":[)", values, "]},",
      R"("mark":{"type":"bar"},)",
      R"("encoding":{"x":{"field":"strategy","type":"nominal","sort":)", StringList(names),
      R"(,"title":"strategy","axis":{"labelAngle":-20,"labelLimit":200}},)",
      R"("y":{"field":"usd","type":"quantitative","stack":"zero","title":"USD"},)",
      R"("color":{"field":"part","type":"nominal","title":"paid for",)",
      R"("scale":{"domain":["committed capacity, used","committed capacity, idle","on-demand"],)",
      R"("range":["#4c78a8","#bab0ac","#f58518"]},"legend":{"labelLimit":260}},)",
      R"("order":{"field":"order","type":"quantitative"},)",
      R"("tooltip":[{"field":"strategy","title":"strategy"},{"field":"part","title":"paid for"},)",
      R"({"field":"usd","title":"USD","format":"$,.2f"},{"field":"total","title":"strategy's total"}]}})");
}

// Cost against time to finish, one point per strategy.
std::string FrontierSpec(const std::vector<compare::StrategyResult>& results) {
  std::string values;
  for (const auto& r : results) {
    const bool pays = r.committed != ledger::Pool::kNone && std::isfinite(r.breakeven_utilization) &&
                      r.committed_utilization >= r.breakeven_utilization;
    absl::StrAppend(
        &values, values.empty() ? "" : ",", "{\"strategy\":", JsonString(Name(r)),
        ",\"makespan_s\":", r.window_seconds, ",\"micro_usd\":", r.total_micro_usd,
        ",\"usd\":", JsonNumber(static_cast<double>(r.total_micro_usd) / 1e6),
        ",\"gpus\":", r.committed_gpus, ",\"verdict\":",
        JsonString(r.committed == ledger::Pool::kNone ? "no committed capacity"
                   : pays ? "at or above break-even utilization"
                          : "below break-even utilization"),
        "}");
  }
  return absl::StrCat(
      "{", kSchema, R"(,"title":{"text":"Cost against makespan",)",
      R"("subtitle":"one point per strategy: lower is cheaper, left finishes sooner"},)",
      R"("width":"container","height":300,"data":{"values":[)", values, "]},",
      R"("transform":[{"calculate":"datum.makespan_s / 86400","as":"makespan"}],)",
      R"("layer":[{"mark":{"type":"line","color":"#bbb","strokeDash":[3,3]},)",
      R"("encoding":{"x":{"field":"makespan","type":"quantitative","title":"makespan, days",)",
      R"("scale":{"zero":false}},"y":{"field":"usd","type":"quantitative","title":"total USD",)",
      R"("scale":{"zero":false}},"order":{"field":"makespan"}}},)",
      R"({"mark":{"type":"point","filled":true,"size":90},)",
      R"("encoding":{"x":{"field":"makespan","type":"quantitative"},)",
      R"("y":{"field":"usd","type":"quantitative"},)",
      R"("color":{"field":"verdict","type":"nominal","title":"utilization",)",
      R"("scale":{"domain":["at or above break-even utilization","below break-even utilization",)",
      R"("no committed capacity"],"range":["#54a24b","#e45756","#888"]},"legend":{"labelLimit":280}},)",
      R"("tooltip":[{"field":"strategy","title":"strategy"},)",
      R"({"field":"makespan","title":"makespan, days","format":".2f"},)",
      R"({"field":"usd","title":"total USD","format":"$,.2f"},{"field":"verdict","title":"utilization"}]}},)",
      R"({"mark":{"type":"text","align":"left","dx":7,"dy":-7},)",
      R"("encoding":{"x":{"field":"makespan","type":"quantitative"},)",
      R"("y":{"field":"usd","type":"quantitative"},"text":{"field":"strategy"}}}]})");
}

// Utilization of the committed GPUs, with each strategy's break-even marked.
std::string UtilizationSpec(const std::vector<compare::StrategyResult>& results) {
  std::string values;
  std::vector<std::string> names;
  for (const auto& r : results) {
    if (r.committed == ledger::Pool::kNone) continue;
    names.push_back(Name(r));
    absl::StrAppend(&values, values.empty() ? "" : ",", "{\"strategy\":", JsonString(Name(r)),
                    ",\"utilization\":", JsonNumber(100 * r.committed_utilization),
                    ",\"breakeven\":",
                    JsonNumber(std::isfinite(r.breakeven_utilization)
                                   ? 100 * r.breakeven_utilization
                                   : std::nan("")),
                    "}");
  }
  return absl::StrCat(
      "{", kSchema, R"(,"title":{"text":"Utilization of the committed GPUs",)",
      R"("subtitle":"bars: this replay; black ticks: the utilization at which committing costs what renting on demand does"},)",
      R"("width":"container","height":220,"data":{"values":[)", values, "]},",
      R"("layer":[{"mark":{"type":"bar","color":"#4c78a8"},)",
      R"("encoding":{"x":{"field":"strategy","type":"nominal","sort":)", StringList(names),
      R"(,"title":"strategy","axis":{"labelAngle":-20,"labelLimit":200}},)",
      R"("y":{"field":"utilization","type":"quantitative","title":"utilization, %",)",
      R"("scale":{"domain":[0,100]}},)",
      R"("tooltip":[{"field":"strategy","title":"strategy"},)",
      R"({"field":"utilization","title":"utilization, %","format":".2f"},)",
      R"({"field":"breakeven","title":"break-even, %","format":".2f"}]}},)",
      R"~({"transform":[{"filter":"isValid(datum.breakeven)"}],)~",
      R"("mark":{"type":"tick","color":"#111","thickness":3},)",
      R"("encoding":{"x":{"field":"strategy","type":"nominal","sort":)", StringList(names), "},",
      R"("y":{"field":"breakeven","type":"quantitative"}}}]})");
}

// A dated comparison: each strategy's cumulative net cash, month by month.
std::string CashSpec(const std::vector<compare::StrategyResult>& results) {
  std::string values;
  std::vector<std::string> names;
  for (const auto& r : results) {
    if (!r.cash) continue;
    names.push_back(Name(r));
    for (const compare::CashMonth& m : r.cash->months) {
      absl::StrAppend(&values, values.empty() ? "" : ",", "{\"strategy\":", JsonString(Name(r)),
                      ",\"month\":", JsonString(m.month), ",\"micro_usd\":", m.cumulative,
                      ",\"usd\":", JsonNumber(static_cast<double>(m.cumulative) / 1e6), "}");
    }
  }
  return absl::StrCat(
      "{", kSchema, R"(,"title":{"text":"Cumulative net cash",)",
      R"("subtitle":"what each strategy has paid less what it has received, to each month's end, the resale in the last"},)",
      R"("width":"container","height":300,"data":{"values":[)", values, "]},",
      R"("mark":{"type":"line","point":true},)",
      R"("encoding":{"x":{"field":"month","type":"temporal","timeUnit":"utcyearmonth","title":"month"},)",
      R"("y":{"field":"usd","type":"quantitative","title":"cumulative net USD"},)",
      R"("color":{"field":"strategy","type":"nominal","sort":)", StringList(names),
      R"(,"legend":{"labelLimit":260}},)",
      R"("tooltip":[{"field":"strategy","title":"strategy"},{"field":"month","title":"month"},)",
      R"({"field":"usd","title":"cumulative net USD","format":"$,.2f"}]}})");
}

// Sensitivity: for each assumption (widest swing first) and strategy, a bar
// from its cost at one end to the other; a tick at its cost as given.
std::string TornadoSpec(const compare::Sensitivity& s) {
  std::string values;
  for (size_t i = 0; i + 1 < s.cases.size(); i += 2) {
    const compare::SensitivityCase& low = s.cases[i];
    const compare::SensitivityCase& high = s.cases[i + 1];
    for (size_t k = 0; k < s.strategies.size(); ++k) {
      absl::StrAppend(&values, values.empty() ? "" : ",", "{\"assumption\":", JsonString(low.field),
                      ",\"strategy\":", JsonString(s.strategies[k]), ",\"low_value\":",
                      JsonNumber(low.value), ",\"high_value\":", JsonNumber(high.value),
                      ",\"low_micro_usd\":", low.cost[k], ",\"high_micro_usd\":", high.cost[k],
                      ",\"low\":", JsonNumber(static_cast<double>(low.cost[k]) / 1e6),
                      ",\"high\":", JsonNumber(static_cast<double>(high.cost[k]) / 1e6),
                      ",\"given\":", JsonNumber(static_cast<double>(s.base.cost[k]) / 1e6), "}");
    }
  }
  // Widest swing first, as the table orders them.
  std::vector<std::string> sorted;
  for (size_t i : compare::SwingOrder(s)) sorted.push_back(s.cases[i].field);
  const std::string judged = s.present_cost ? "present cost, USD" : "total USD";
  return absl::StrCat(
      "{", kSchema, R"(,"title":{"text":"What moves each strategy's cost",)",
      R"("subtitle":"each assumption from its low to its high value, the rest as given; ticks: as given"},)",
      R"("width":"container","height":{"step":14},"data":{"values":[)", values, "]},",
      R"("encoding":{"y":{"field":"assumption","type":"nominal","sort":)", StringList(sorted),
      R"(,"title":"assumption"},"yOffset":{"field":"strategy","sort":)",
      StringList(s.strategies), R"(},"color":{"field":"strategy","type":"nominal","sort":)",
      StringList(s.strategies), R"(,"legend":{"labelLimit":260}}},)",
      R"("layer":[{"mark":{"type":"bar"},"encoding":{"x":{"field":"low","type":"quantitative","title":")",
      judged, R"("},"x2":{"field":"high"},)",
      R"("tooltip":[{"field":"assumption"},{"field":"strategy"},{"field":"low_value","title":"low"},)",
      R"({"field":"low","title":"USD at low","format":"$,.2f"},{"field":"high_value","title":"high"},)",
      R"({"field":"high","title":"USD at high","format":"$,.2f"}]}},)",
      R"({"mark":{"type":"tick","color":"#111","thickness":2},"encoding":{"x":{"field":"given","type":"quantitative"}}}]})");
}

}  // namespace

std::string ComparePage(const std::string& plan,
                        const std::vector<compare::StrategyResult>& results,
                        const PageContext& context, const std::string& table,
                        const compare::Sensitivity* sensitivity) {
  const std::string title = absl::StrCat("compare ", plan, ": gpuledger");
  std::string body = absl::StrCat("<header><h1>Comparison: ", HtmlEscape(plan),
                                  "</h1>\n<p class=\"sub\">", results.size(),
                                  " strategies</p></header>\n<dl class=\"headline\">\n");
  if (!results.empty()) {
    auto cheapest = std::min_element(results.begin(), results.end(), [](const auto& a, const auto& b) {
      return a.total_micro_usd < b.total_micro_usd;
    });
    auto fastest = std::min_element(results.begin(), results.end(), [](const auto& a, const auto& b) {
      return a.window_seconds < b.window_seconds;
    });
    body += Figure("cheapest", "cheapest", "$" + report::Money(cheapest->total_micro_usd, 2, true),
                   absl::StrCat(cheapest->total_micro_usd, " micro-USD"), Name(*cheapest));
    body += Figure("fastest", "soonest done",
                   absl::StrCat(report::Decimal(fastest->window_seconds, 86400, 2), " days"),
                   absl::StrCat(fastest->window_seconds, " s"), Name(*fastest));
  }
  body += "</dl>\n";
  body += Chart("strategies", StackSpec(results));
  body += Chart("frontier", FrontierSpec(results));
  if (std::any_of(results.begin(), results.end(),
                  [](const auto& r) { return r.committed != ledger::Pool::kNone; })) {
    body += Chart("utilization", UtilizationSpec(results));
  }
  if (!results.empty() && results.front().cash) body += Chart("cash", CashSpec(results));
  if (sensitivity != nullptr && !sensitivity->cases.empty()) {
    body += Chart("tornado", TornadoSpec(*sensitivity));
  }
  body += absl::StrCat("<section><h2>The comparison</h2><pre class=\"table\">",
                       HtmlEscape(table.empty() ? compare::FormatComparison(results, "table")
                                                : table),
                       sensitivity != nullptr && !sensitivity->cases.empty()
                           ? HtmlEscape("\n" + compare::FormatSensitivity(*sensitivity, "table"))
                           : "",
                       "</pre></section>\n");
  return Document(title, body, context);
}

absl::StatusOr<std::string> ComparisonPageOf(ledger::Ledger& ledger, int64_t id,
                                             const PageContext& context) {
  std::string plan;
  absl::StatusOr<gpuledger::v1::CompareStrategiesResponse> kept =
      compare::KeptComparison(ledger, id, &plan);
  if (!kept.ok()) return kept.status();
  std::vector<compare::StrategyResult> results;
  for (const auto& r : kept->results()) results.push_back(compare::FromComparison(r));
  return ComparePage(plan, results, context, kept->table());
}

}  // namespace gpuledger::web

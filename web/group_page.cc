// The page of a run group: the group table, and each figure's spread over
// the seeds as a histogram with its p5, mean and p95 marked, and the
// interruptions over simulated time.
#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "report/format.h"
#include "web/json.h"
#include "web/page.h"
#include "web/page_parts.h"

namespace gpuledger::web {
namespace {

// The figures drawn, in this order, where the group has them.
constexpr const char* kDrawn[] = {"makespan_days", "owned_usd",  "rental_usd",
                                  "interruptions", "goodput",    "gpu_hours"};

// One figure's histogram over the runs, with rules at p5, mean and p95.
std::string DistributionSpec(const report::GroupReport& g, const report::GroupStat& s) {
  const std::string label = report::GroupFigureLabel(s.name, g.interruption_window_days);
  std::string values;
  for (size_t i = 0; i < g.runs.size(); ++i) {
    auto v = g.run_figures[i].find(s.name);
    if (v == g.run_figures[i].end()) continue;
    absl::StrAppend(&values, values.empty() ? "" : ",", "{\"run\":", g.runs[i].id,
                    ",\"seed\":", g.runs[i].seed, ",\"value\":", JsonNumber(v->second),
                    ",\"text\":", JsonString(report::GroupFigureValue(s.name, v->second)), "}");
  }
  std::string marks;
  for (const auto& [stat, v] : {std::pair<const char*, double>{"p5", s.p5}, {"mean", s.mean},
                                {"p95", s.p95}}) {
    absl::StrAppend(&marks, marks.empty() ? "" : ",", "{\"stat\":", JsonString(stat),
                    ",\"value\":", JsonNumber(v), ",\"label\":",
                    JsonString(absl::StrCat(stat, " ", report::GroupFigureValue(s.name, v))),
                    "}");
  }
  return absl::StrCat(
      "{", kSchema, R"(,"title":{"text":)", JsonString(absl::StrCat(label, " over the seeds")),
      R"(,"subtitle":)",
      JsonString(absl::StrCat(g.runs.size(), " replays; p5 and p95 nearest-rank")),
      R"(},"width":"container","height":200,"layer":[)",
      R"({"data":{"values":[)", values, "]},",
      R"("mark":{"type":"bar","color":"#4c78a8","opacity":0.85},)",
      R"("encoding":{"x":{"field":"value","type":"quantitative","bin":{"maxbins":20},"title":)",
      JsonString(label), s.name == "goodput" ? R"(,"axis":{"format":".2%"})" : "", R"(},"y":{"aggregate":"count","type":"quantitative","title":"runs"},)",
      R"("tooltip":[{"aggregate":"count","type":"quantitative","title":"runs"},)",
      R"({"field":"value","bin":{"maxbins":20},"type":"quantitative","title":"from"}]}},)",
      R"({"data":{"values":[)", marks, "]},",
      R"("layer":[{"mark":{"type":"rule","strokeWidth":2},)",
      R"("encoding":{"x":{"field":"value","type":"quantitative"},)",
      R"("color":{"field":"stat","type":"nominal","title":"marked",)",
      R"("scale":{"domain":["p5","mean","p95"],"range":["#f58518","#e45756","#f58518"]}},)",
      R"("strokeDash":{"field":"stat","type":"nominal","legend":null,)",
      R"("scale":{"domain":["p5","mean","p95"],"range":[[4,3],[1,0],[4,3]]}},)",
      R"("tooltip":[{"field":"label","title":"marked"}]}},)",
      R"({"mark":{"type":"text","align":"left","dx":3,"dy":-4,"baseline":"bottom"},)",
      R"("encoding":{"x":{"field":"value","type":"quantitative"},"y":{"value":0},)",
      R"("text":{"field":"label"}}}]}]})");
}

// Interruptions over simulated time: per day of each run's window, summed
// over the runs, by cause (a node failure's, as the failure model names it;
// preemptions apart).
std::string InterruptionsSpec(const report::GroupReport& g,
                              const std::vector<std::vector<ledger::JobEvent>>& events) {
  std::map<std::pair<int64_t, std::string>, int64_t> per_day;
  for (size_t i = 0; i < g.runs.size() && i < events.size(); ++i) {
    for (const ledger::JobEvent& e : events[i]) {
      const std::string cause = e.kind == "preempt" ? "preempted by a higher priority"
                                : e.cause.empty()   ? "a node failure (cause not recorded)"
                                                    : e.cause;
      per_day[{(e.time - g.runs[i].sim_start) / 86400, cause}]++;
    }
  }
  std::string values;
  for (const auto& [key, n] : per_day) {
    absl::StrAppend(&values, values.empty() ? "" : ",", "{\"day\":", key.first,
                    ",\"cause\":", JsonString(key.second), ",\"events\":", n, ",\"per_run\":",
                    JsonNumber(static_cast<double>(n) / static_cast<double>(g.runs.size())), "}");
  }
  return absl::StrCat(
      "{", kSchema, R"(,"title":{"text":"Interruptions over simulated time by cause, all seeds",)",
      R"("subtitle":"jobs stopped per day of the window, summed over the replays"},)",
      R"("width":"container","height":220,"data":{"values":[)", values, "]},",
      R"("mark":{"type":"bar"},)",
      R"("encoding":{"x":{"field":"day","type":"quantitative","title":"simulated day of the window",)",
      R"("bin":{"step":1}},"y":{"aggregate":"sum","field":"events","type":"quantitative",)",
      R"("title":"jobs stopped, all replays"},)",
      R"("color":{"field":"cause","type":"nominal","title":"cause",)",
      R"("legend":{"orient":"bottom","columns":4,"labelLimit":220,"symbolLimit":0},)",
      R"("scale":{"scheme":"category20"}},)",
      R"("tooltip":[{"field":"day","title":"day"},{"field":"cause","title":"cause"},)",
      R"({"aggregate":"sum","field":"events","title":"events"}]}})");
}

}  // namespace

std::string GroupPage(const report::GroupReport& g,
                      const std::vector<std::vector<ledger::JobEvent>>& events,
                      const PageContext& context) {
  const ledger::RunGroupRecord& grp = g.group;
  const std::string title = absl::StrCat("group ", grp.id, " ", grp.plan_name, ": gpuledger");
  std::string body = absl::StrCat(
      "<header><h1>Run group ", grp.id, ": ", HtmlEscape(grp.plan_name), "</h1>\n<p class=\"sub\">",
      g.runs.size(), " replays, seeds ", grp.first_seed, "-", grp.first_seed + grp.seeds - 1, ", ",
      HtmlEscape(grp.policy), "; runs ", g.first_run(), "..", g.last_run(),
      "</p></header>\n<dl class=\"headline\">\n");
  std::map<std::string, const report::GroupStat*> stats;
  for (const auto& s : g.stats) stats[s.name] = &s;
  for (const char* name : kDrawn) {
    auto it = stats.find(name);
    if (it == stats.end()) continue;
    const report::GroupStat& s = *it->second;
    body += Figure(s.name, absl::StrCat("mean ", report::GroupFigureLabel(s.name, g.interruption_window_days)),
                   report::GroupFigureValue(s.name, s.mean), "",
                   absl::StrCat("p5 ", report::GroupFigureValue(s.name, s.p5), ", p95 ",
                                report::GroupFigureValue(s.name, s.p95)));
  }
  body += "</dl>\n";
  for (const char* name : kDrawn) {
    auto it = stats.find(name);
    if (it != stats.end()) body += Chart(absl::StrCat("dist-", name), DistributionSpec(g, *it->second));
  }
  const bool any_events = std::any_of(events.begin(), events.end(),
                                      [](const auto& e) { return !e.empty(); });
  if (any_events) {
    body += Chart("interruptions", InterruptionsSpec(g, events));
  } else {
    body += "<p>No job was interrupted or preempted in any replay of the group.</p>\n";
  }
  body += absl::StrCat("<section><h2>The group's figures</h2><pre class=\"table\">",
                       HtmlEscape(report::FormatGroupReport(g, "table")), "</pre></section>\n");
  return Document(title, body, context);
}

absl::StatusOr<std::string> GroupPageOf(ledger::Ledger& ledger, int64_t group_id,
                                        const PageContext& context) {
  absl::StatusOr<report::GroupReport> g = report::BuildGroupReport(ledger, group_id);
  if (!g.ok()) return g.status();
  std::vector<std::vector<ledger::JobEvent>> events;
  for (const ledger::RunRecord& run : g->runs) {
    absl::StatusOr<std::vector<ledger::JobEvent>> e = ledger.ListJobEvents(run.id);
    if (!e.ok()) return e.status();
    events.push_back(*std::move(e));
  }
  return GroupPage(*g, events, context);
}

}  // namespace gpuledger::web

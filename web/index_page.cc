// The server's index page and its progress endpoint (web/page.h).
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "report/format.h"
#include "web/json.h"
#include "web/page.h"
#include "web/page_parts.h"

namespace gpuledger::web {

std::string ProgressJson(const std::map<int64_t, gpuledger::v1::ReplayProgress>& running) {
  std::string out = "{\"replays\":[";
  bool first = true;
  for (const auto& [id, p] : running) {
    absl::StrAppend(&out, first ? "" : ",", "{\"run\":", id, ",\"state\":",
                    JsonString(absl::AsciiStrToLower(gpuledger::v1::Run::State_Name(p.state()))),
                    ",\"sim_time_seconds\":", p.sim_time_seconds(), ",\"jobs_done\":",
                    p.jobs_done(), ",\"jobs_total\":", p.jobs_total(), ",\"gpu_seconds\":",
                    p.gpu_seconds(), ",\"rental_micro_usd\":", p.rental_micro_usd(),
                    ",\"owned_micro_usd\":", p.owned_micro_usd(), "}");
    first = false;
  }
  return out + "]}\n";
}

std::string IndexPage(const std::string& ledger_path, const std::vector<ledger::RunRecord>& runs,
                      const std::vector<ledger::RunGroupRecord>& groups,
                      const std::vector<ledger::ComparisonRecord>& comparisons,
                      const std::map<int64_t, gpuledger::v1::ReplayProgress>& running) {
  auto count = [](size_t n, const char* one, const char* many) {
    return absl::StrCat(n, " ", n == 1 ? one : many);
  };
  std::string body = absl::StrCat(
      "<header><h1>gpuledger</h1>\n<p class=\"sub\">ledger ", HtmlEscape(ledger_path), ": ",
      count(runs.size(), "run", "runs"), ", ", count(groups.size(), "run group", "run groups"),
      ", ", count(comparisons.size(), "comparison", "comparisons"), "</p></header>\n");
  if (!running.empty()) {
    body += "<section><h2>Running now</h2><table class=\"runs\"><tr><th>run</th><th>progress</th></tr>\n";
    for (const auto& [id, p] : running) {
      absl::StrAppend(&body, "<tr><td><a href=\"/runs/", id, "\">run ", id,
                      "</a></td><td data-progress-run=\"", id, "\">simulated day ",
                      report::Decimal(p.sim_time_seconds(), 86400, 2), ", ", p.jobs_done(), " of ",
                      p.jobs_total(), " jobs done</td></tr>\n");
    }
    body += "</table></section>\n";
  }
  if (!groups.empty()) {
    body += "<section><h2>Run groups</h2><table class=\"runs\"><tr><th>group</th><th>plan</th>"
            "<th>seeds</th><th>policy</th><th>created</th></tr>\n";
    for (const auto& g : groups) {
      absl::StrAppend(&body, "<tr><td><a href=\"/groups/", g.id, "\">group ", g.id, "</a></td><td>",
                      HtmlEscape(g.plan_name), "</td><td class=\"num\">", g.first_seed, "-",
                      g.first_seed + g.seeds - 1, "</td><td>", HtmlEscape(g.policy), "</td><td>",
                      HtmlEscape(g.created), "</td></tr>\n");
    }
    body += "</table></section>\n";
  }
  if (!comparisons.empty()) {
    body += "<section><h2>Comparisons</h2><table class=\"runs\"><tr><th>comparison</th>"
            "<th>plan</th><th>created</th></tr>\n";
    for (const auto& c : comparisons) {
      absl::StrAppend(&body, "<tr><td><a href=\"/comparisons/", c.id, "\">comparison ", c.id,
                      "</a></td><td>", HtmlEscape(c.plan_name), "</td><td>",
                      HtmlEscape(c.created), "</td></tr>\n");
    }
    body += "</table></section>\n";
  }
  body += "<section><h2>Runs</h2>";
  if (runs.empty()) {
    body += "<p>No runs yet: <code>gpuledger replay PLAN --ledger LEDGER</code> adds one.</p>";
  } else {
    body += "<table class=\"runs\"><tr><th>run</th><th>plan</th><th>status</th><th>policy</th>"
            "<th>seed</th><th>GPUs</th><th>strategy</th><th>group</th><th>simulated days</th>"
            "<th>started</th></tr>\n";
    std::vector<const ledger::RunRecord*> newest;
    for (const auto& r : runs) newest.push_back(&r);
    std::sort(newest.begin(), newest.end(), [](auto* a, auto* b) { return a->id > b->id; });
    for (const ledger::RunRecord* r : newest) {
      absl::StrAppend(
          &body, "<tr><td><a href=\"/runs/", r->id, "\">run ", r->id, "</a></td><td>",
          HtmlEscape(r->plan_name), "</td><td>", ledger::RunStatusName(r->status), "</td><td>",
          HtmlEscape(r->policy), "</td><td class=\"num\">", r->seed, "</td><td class=\"num\">",
          report::WithThousands(r->total_gpus()), "</td><td>", HtmlEscape(r->strategy),
          "</td><td>",
          r->group_id > 0 ? absl::StrCat("<a href=\"/groups/", r->group_id, "\">", r->group_id,
                                         "</a>")
                          : "",
          "</td><td class=\"num\">", report::Decimal(std::max<int64_t>(0, r->sim_end - r->sim_start), 86400, 2),
          "</td><td>", HtmlEscape(r->wall_start), "</td></tr>\n");
    }
    body += "</table>";
  }
  body += "</section>\n";
  PageContext context;
  context.served = true;
  return Document("gpuledger", body, context);
}

}  // namespace gpuledger::web

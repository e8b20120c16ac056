#include "web/page.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "report/format.h"
#include "web/json.h"
#include "web/page_parts.h"

namespace gpuledger::web {
namespace {

// Colors: work in blues and greens, the rest by what it is.
const std::map<std::string, std::string>& CategoryColors() {
  static const auto* colors = new std::map<std::string, std::string>{
      {"checkpoint", "#f58518"}, {"restart", "#eeca3b"}, {"lost", "#e45756"},
      {"provisioning", "#b279a2"}, {"running", "#9ecae9"}, {"idle", "#bab0ac"},
      {"down", "#6b6b6b"}};
  return *colors;
}
constexpr const char* kWorkColors[] = {"#4c78a8", "#54a24b", "#72b7b2", "#1f5591",
                                       "#88d27a", "#2f7f6f", "#7aa6d8", "#3a7d2c",
                                       "#9d755d", "#5a5ab0"};

// The usage chart's series and their colors, in stacking order.
struct Palette {
  std::vector<std::string> names, colors;
};
Palette SeriesPalette(const report::RunTimeline& t) {
  Palette p;
  int work = 0;
  for (const auto& s : t.usage) {
    // Work named like a category, or like other work (a project "lost", an
    // empty phase): its name says what it is, so every series has its own.
    std::string name = s.name;
    if (s.category == "productive") {
      auto used = [&](const std::string& n) {
        return std::find(p.names.begin(), p.names.end(), n) != p.names.end();
      };
      const bool like_category =
          name.empty() || name == "running" ||
          std::find(std::begin(ledger::kCategories), std::end(ledger::kCategories), name) !=
              std::end(ledger::kCategories);
      if ((!t.productive_by.empty() && like_category) || used(name)) {
        name = absl::StrCat(name, " (", t.productive_by.empty() ? "work" : t.productive_by, ")");
      }
      while (used(name)) name += "'";
    }
    p.names.push_back(name);
    auto c = CategoryColors().find(s.category);
    p.colors.push_back(s.category == "productive" || c == CategoryColors().end()
                           ? kWorkColors[work++ % std::size(kWorkColors)]
                           : c->second);
  }
  return p;
}

// The time axis: the window in days, not rounded past it.
std::string XDomain(const report::RunTimeline& t) {
  return absl::StrCat(R"("scale":{"domain":[)", JsonNumber(t.start / 86400.0), ",",
                      JsonNumber(t.end / 86400.0), R"(],"nice":false})");
}

// A bucket's length in words: "1-hour", "2-day".
std::string BucketWords(int64_t seconds) {
  return seconds % 86400 == 0  ? absl::StrCat(seconds / 86400, "-day")
         : seconds % 3600 == 0 ? absl::StrCat(seconds / 3600, "-hour")
                               : absl::StrCat(seconds / 60, "-minute");
}

// Where did the GPU-hours go: average GPUs per bucket, stacked by series.
// The data is one row per bucket: a (its start) and b (its end) in simulated
// seconds and s0, s1, ... the GPU-seconds of each series in it; a last row
// at the window's end, with none, closes the last step.
std::string UsageSpec(const report::RunTimeline& t, int total_gpus) {
  const Palette p = SeriesPalette(t);
  const std::vector<std::string> keys = Keys("s", t.usage.size());
  std::string values;
  for (int k = 0; k <= t.buckets; ++k) {
    const bool closing = k == t.buckets;
    absl::StrAppend(&values, k ? ",{" : "{", "\"a\":", closing ? t.end : t.BucketStart(k),
                    ",\"b\":", closing ? t.end : t.BucketEnd(k));
    for (size_t s = 0; s < t.usage.size(); ++s) {
      absl::StrAppend(&values, ",\"", keys[s], "\":", closing ? 0 : t.usage[s].gpu_seconds[k]);
    }
    values += "}";
  }
  return absl::StrCat(
      "{", kSchema, ",",
      R"("title":{"text":"Cluster GPUs over simulated time","subtitle":)",
      JsonString(absl::StrCat("average over each ", BucketWords(t.bucket_seconds),
                              " bucket; ",
                              total_gpus > 0 ? absl::StrCat(total_gpus, " GPUs in the cluster")
                                             : std::string("no cluster of its own: every GPU on demand"))),
      R"(},"width":"container","height":320,"data":{"values":[)", values, "]},",
      R"("transform":[{"fold":)", StringList(keys), R"(,"as":["key","gpu_seconds"]},)",
      R"({"lookup":"key","from":{"data":{"values":)", KeyNames(keys, p.names),
      R"(},"key":"key","fields":["series","order"]}},)",
      R"({"calculate":"datum.a / 86400","as":"day"},)",
      R"({"calculate":"datum.b > datum.a ? datum.gpu_seconds / (datum.b - datum.a) : 0","as":"gpus"},)",
      R"({"calculate":"datum.gpu_seconds / 3600","as":"gpu_hours"}],)",
      R"("mark":{"type":"area","interpolate":"step-after"},)",
      R"("encoding":{"x":{"field":"day","type":"quantitative","title":"simulated time, days",)",
      XDomain(t), R"(},"y":{"field":"gpus","type":"quantitative","stack":"zero","title":"GPUs"},)",
      R"("color":{"field":"series","type":"nominal","title":)",
      JsonString(t.productive_by.empty()
                     ? "category"
                     : absl::StrCat("category, work by ", t.productive_by)),
      R"(,"scale":{"domain":)", StringList(p.names), R"(,"range":)", StringList(p.colors),
      R"(},"sort":)", StringList(p.names), R"(},"order":{"field":"order","type":"quantitative"},)",
      R"("tooltip":[{"field":"series","title":"series"},)",
      R"({"field":"day","title":"from day","format":".2f"},)",
      R"({"field":"gpus","title":"GPUs, average","format":",.2f"},)",
      R"({"field":"gpu_hours","title":"GPU-hours","format":",.2f"}]}})");
}

// The jobs as bars from first start to end, colored by phase (as the usage
// chart colors work when it splits work by phase).
std::string GanttSpec(const report::RunTimeline& t) {
  std::string values;
  std::vector<std::string> phases;
  for (const auto& b : t.bars) {
    if (std::find(phases.begin(), phases.end(), b.phase) == phases.end()) phases.push_back(b.phase);
    absl::StrAppend(&values, values.empty() ? "" : ",", "{\"job\":", JsonString(b.job_id),
                    ",\"phase\":", JsonString(b.phase), ",\"project\":", JsonString(b.project),
                    ",\"gpus\":", b.gpus, ",\"submit_s\":", b.submit, ",\"start_s\":", b.start,
                    ",\"end_s\":", b.end, ",\"gpu_seconds\":", b.gpu_seconds, "}");
  }
  std::string scale;
  if (t.productive_by == "phase") {
    const Palette p = SeriesPalette(t);
    std::vector<std::string> domain, range;
    for (size_t i = 0; i < p.names.size(); ++i) {
      if (t.usage[i].category == "productive") {
        domain.push_back(t.usage[i].name);  // the bars' phases, as they are
        range.push_back(p.colors[i]);
      }
    }
    for (const auto& ph : phases) {  // a phase with no work in the window
      if (std::find(domain.begin(), domain.end(), ph) == domain.end()) {
        domain.push_back(ph);
        range.push_back(kWorkColors[domain.size() % std::size(kWorkColors)]);
      }
    }
    scale = absl::StrCat(R"(,"scale":{"domain":)", StringList(domain), R"(,"range":)",
                         StringList(range), "}");
  }
  const size_t n = t.bars.size();
  const std::string subtitle =
      static_cast<int64_t>(n) < t.jobs
          ? absl::StrCat("the ", n, " jobs with the most GPU-hours, of ", t.jobs)
          : absl::StrCat(n, n == 1 ? " job" : " jobs", ", first start to end");
  // A row a job for a plan's few; thin bars for a trace's many.
  const int height = static_cast<int>(n <= 30 ? std::max<size_t>(n * 22, 60)
                                              : std::clamp<size_t>(n * 3, 200, 600));
  return absl::StrCat(
      "{", kSchema, ",",
      R"("title":{"text":"Jobs over simulated time","subtitle":)", JsonString(subtitle),
      R"(},"width":"container","height":)", height, R"(,"data":{"values":[)", values, "]},",
      R"("transform":[{"calculate":"datum.submit_s / 86400","as":"submit"},)",
      R"({"calculate":"datum.start_s / 86400","as":"start"},)",
      R"({"calculate":"datum.end_s / 86400","as":"end"},)",
      R"({"calculate":"datum.gpu_seconds / 3600","as":"gpu_hours"}],)",
      R"("mark":{"type":"bar"},)",
      R"("encoding":{"y":{"field":"job","type":"nominal","sort":null,"title":"job",)",
      R"("axis":{"labelLimit":160,"labels":)", n <= 60 ? "true" : "false", R"(}},)",
      R"("x":{"field":"start","type":"quantitative","title":"simulated time, days",)", XDomain(t),
      "},",
      R"("x2":{"field":"end"},)",
      R"("color":{"field":"phase","type":"nominal","title":"phase")", scale, "},",
      R"("tooltip":[{"field":"job","title":"job"},{"field":"phase","title":"phase"},)",
      R"({"field":"project","title":"project"},{"field":"gpus","title":"GPUs"},)",
      R"({"field":"submit","title":"submitted, day","format":".2f"},)",
      R"({"field":"start","title":"started, day","format":".2f"},)",
      R"({"field":"end","title":"ended, day","format":".2f"},)",
      R"({"field":"gpu_hours","title":"GPU-hours","format":",.2f"}]}})");
}

// Cumulative cost in both views, and the owned cluster's purchase price.
// The data is one row per bucket: b (its end, simulated seconds), r (the
// rental view's micro-dollars in it) and o0, o1, ... (the owned view's by
// part), so each view's amounts add up to its total; a first row of none
// at the window's start. The chart sums them as it goes.
std::string CostSpec(const report::CostReport& r, const report::RunTimeline& t) {
  const std::string owned_title = r.strategy ? "the strategy's cost" : "owned";
  std::vector<std::string> parts;
  for (const auto& p : t.owned) parts.push_back(absl::StrCat(owned_title, ": ", p.name));
  const std::vector<std::string> keys = Keys("o", t.owned.size());
  std::string values;
  for (int k = -1; k < t.buckets; ++k) {
    absl::StrAppend(&values, k >= 0 ? ",{" : "{", "\"b\":", k >= 0 ? t.BucketEnd(k) : t.start,
                    ",\"r\":", k >= 0 ? t.rental_micro_usd[k] : 0);
    for (size_t p = 0; p < t.owned.size(); ++p) {
      absl::StrAppend(&values, ",\"", keys[p], "\":", k >= 0 ? t.owned[p].micro_usd[k] : 0);
    }
    values += "}";
  }
  std::vector<std::string> domain = {"rental"}, colors = {"#e45756"};
  static const char* kPartColors[] = {"#4c78a8", "#72b7b2", "#bab0ac", "#f58518", "#9d755d"};
  for (size_t p = 0; p < parts.size(); ++p) {
    domain.push_back(parts[p]);
    colors.push_back(kPartColors[p % std::size(kPartColors)]);
  }
  const bool owned_cluster = r.owned_cluster();
  std::string purchase;
  // The purchase price as a line. Where it is more than 20 times the higher
  // total, a linear axis would flatten the curves: the axis is then
  // symmetric-log (linear near zero, logarithmic beyond), and says so.
  const int64_t highest = std::max(r.total.rental_micro_usd, r.total.owned_micro_usd);
  const bool capital_shown = owned_cluster && r.capital_micro_usd > 0;
  const bool symlog = capital_shown && r.capital_micro_usd / 20 > highest;
  if (capital_shown) {
    purchase = absl::StrCat(
        R"(,{"data":{"values":[{"usd":)",
        JsonNumber(static_cast<double>(r.capital_micro_usd) / 1e6), R"(,"label":)",
        JsonString(absl::StrCat("purchase price of the owned cluster: $",
                                report::Money(r.capital_micro_usd, 2, true))),
        R"(}]},"layer":[{"mark":{"type":"rule","strokeDash":[6,4],"color":"#333"},)",
        R"("encoding":{"y":{"field":"usd","type":"quantitative"},)",
        R"("tooltip":[{"field":"label","title":"line"}]}},)",
        R"({"mark":{"type":"text","align":"left","dx":4,"dy":-6,"color":"#333"},)",
        R"("encoding":{"y":{"field":"usd","type":"quantitative"},"x":{"value":0},)",
        R"("text":{"field":"label"}}}]})");
  }
  // Each view's total at the window's end, as the headline prints it: the
  // higher one above its curve, the lower one below, so they never overlap.
  auto end_label = [&](int64_t micro, const std::string& label, bool above) {
    return absl::StrCat(
        R"(,{"data":{"values":[{"day":)", JsonNumber(t.end / 86400.0), R"(,"usd":)",
        JsonNumber(micro / 1e6), R"(,"label":)", JsonString(label),
        R"(}]},"mark":{"type":"text","align":"right","dx":-4,"dy":)", above ? -8 : 14,
        R"(,"color":"#222"},"encoding":{"x":{"field":"day","type":"quantitative"},)",
        R"("y":{"field":"usd","type":"quantitative"},"text":{"field":"label"}}})");
  };
  const bool rental_higher = r.total.rental_micro_usd >= r.total.owned_micro_usd;
  const std::string totals =
      end_label(r.total.rental_micro_usd,
                "rental $" + report::Money(r.total.rental_micro_usd, 2, true), rental_higher) +
      end_label(r.total.owned_micro_usd,
                absl::StrCat(owned_title, " $", report::Money(r.total.owned_micro_usd, 2, true)),
                !rental_higher);
  const std::string tooltip =
      R"("tooltip":[{"field":"series","title":"cost"},{"field":"day","title":"day","format":".2f"},)"
      R"({"field":"usd","title":"USD so far","format":"$,.2f"}])";
  return absl::StrCat(
      "{", kSchema, ",",
      R"("title":{"text":"Cumulative cost over the window","subtitle":)",
      JsonString(absl::StrCat(
          "rental: the jobs' GPU-hours at the rental price; ", owned_title,
          ": stacked by part, idle capacity included",
          symlog ? "; log scale (the price is far above)" : "")),
      R"(},"width":"container","height":320,"data":{"values":[)", values, "]},",
      R"("layer":[{"transform":[{"fold":)", StringList(keys),
      R"(,"as":["key","micro_usd"]},{"lookup":"key","from":{"data":{"values":)",
      KeyNames(keys, parts), R"(},"key":"key","fields":["series","order"]}},)",
      R"({"window":[{"op":"sum","field":"micro_usd","as":"cumulative"}],"sort":[{"field":"b"}],)",
      R"("groupby":["key"]},{"calculate":"datum.cumulative / 1e6","as":"usd"},)",
      R"({"calculate":"datum.b / 86400","as":"day"}],)",
      R"("mark":{"type":"area","interpolate":"linear","opacity":0.85},)",
      R"("encoding":{"x":{"field":"day","type":"quantitative","title":"simulated time, days",)",
      XDomain(t), R"(},"y":{"field":"usd","type":"quantitative","stack":"zero","title":)",
      symlog ? R"("USD, symmetric log scale","scale":{"type":"symlog"}},)" : R"("USD"},)",
      R"("color":{"field":"series","type":"nominal","title":"cost","legend":{"labelLimit":320},)",
      R"("scale":{"domain":)", StringList(domain), R"(,"range":)", StringList(colors), R"(}},)",
      R"("order":{"field":"order","type":"quantitative"},)", tooltip, "}},",
      R"({"transform":[{"window":[{"op":"sum","field":"r","as":"cumulative"}],"sort":[{"field":"b"}]},)",
      R"({"calculate":"datum.cumulative / 1e6","as":"usd"},{"calculate":"datum.b / 86400","as":"day"},)",
      R"({"calculate":"'rental'","as":"series"}],)",
      R"("mark":{"type":"line","strokeWidth":2.5},)",
      R"("encoding":{"x":{"field":"day","type":"quantitative"},)",
      R"("y":{"field":"usd","type":"quantitative"},"color":{"field":"series","type":"nominal"},)",
      tooltip, "}}", totals, purchase, "]}");
}

}  // namespace

std::string RunPage(const report::CostReport& r, const report::RunTimeline& t,
                    const PageContext& context) {
  const report::HeadlineFigures h = report::Headline(r);
  const ledger::RunRecord& run = r.run;
  const std::string title = absl::StrCat("run ", run.id, " ", run.plan_name, ": gpuledger");
  std::string body = absl::StrCat(
      "<header><h1>Run ", run.id, ": ", HtmlEscape(run.plan_name), "</h1>\n<p class=\"sub\">",
      HtmlEscape(ledger::RunStatusName(run.status)), ", ", HtmlEscape(run.policy), ", seed ",
      run.seed, "; ",
      run.nodes > 0 ? absl::StrCat(report::WithThousands(run.nodes), " nodes x ",
                                   run.gpus_per_node, " ", HtmlEscape(run.gpu_model), " = ",
                                   report::WithThousands(run.total_gpus()), " GPUs")
                    : absl::StrCat("every ", HtmlEscape(run.gpu_model), " GPU on demand"),
      run.status == ledger::RunStatus::kComplete
          ? absl::StrCat("; simulated window ", h.window_days, " days")
          : absl::StrCat("; simulated so far ", report::Decimal(t.end - t.start, 86400, 2),
                         " days"),
      "</p></header>\n<dl class=\"headline\">\n");
  body += Figure("gpu_hours", "GPU-hours used by jobs", h.gpu_hours,
                 absl::StrCat(r.jobs_total.gpu_seconds, " GPU-seconds"));
  body += Figure("idle_gpu_hours", "GPU-hours idle", h.idle_gpu_hours,
                 absl::StrCat(r.idle_gpu_seconds, " GPU-seconds"));
  body += Figure("rental_usd", "rental", "$" + h.rental_usd,
                 absl::StrCat(r.total.rental_micro_usd, " micro-USD"));
  body += Figure("owned_usd", r.strategy ? "the strategy's cost" : "owned (idle included)",
                 "$" + h.owned_usd, absl::StrCat(r.total.owned_micro_usd, " micro-USD"));
  if (r.owned_cluster()) {
    body += Figure("capital_usd", "owned cluster's purchase price", "$" + h.capital_usd,
                   absl::StrCat(r.capital_micro_usd, " micro-USD"));
  }
  if (!h.utilization.empty()) body += Figure("utilization", "utilization", h.utilization);
  if (!h.break_even.empty()) {
    body += Figure("break_even", "break-even utilization of owning", h.break_even);
  }
  body += "</dl>\n";
  body += Chart("usage", UsageSpec(t, run.total_gpus()));
  body += Chart("jobs", GanttSpec(t));
  body += Chart("cost", CostSpec(r, t));
  report::ReportOptions o;
  body += absl::StrCat("<section><h2>The ledger's figures by category</h2><pre class=\"table\">",
                       HtmlEscape(report::FormatReport(r, o)), "</pre></section>\n");
  return Document(title, body, context);
}


absl::StatusOr<std::string> RunPageOf(ledger::Ledger& ledger, int64_t run_id, bool allow_partial,
                                      const gpuledger::v1::Pricing* pricing,
                                      const PageContext& context,
                                      const std::vector<ledger::UsageRecord>* in_flight) {
  absl::StatusOr<report::CostReport> r = report::BuildCostReport(
      ledger, run_id, ledger::GroupBy::kCategory, allow_partial, pricing, in_flight);
  if (!r.ok()) return r.status();
  absl::StatusOr<report::RunTimeline> t =
      report::BuildRunTimeline(ledger, *r, 2000, 200, in_flight);
  if (!t.ok()) return t.status();
  return RunPage(*r, *t, context);
}

}  // namespace gpuledger::web

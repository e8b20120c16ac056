#include "report/format.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/calendar.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/text_format.h"
#include "gpuledger/v1/ledger_service.pb.h"
#include "report/metrics_text.h"

namespace gpuledger::report {
namespace {

namespace v1 = gpuledger::v1;
using report::CostReport;
using report::CostRow;

std::string Usd(int64_t micro, bool grouped) { return Money(micro, grouped ? 2 : 6, grouped); }
std::string Hours(int64_t gpu_seconds, bool grouped) {
  return Decimal(gpu_seconds, 3600, grouped ? 2 : 6, grouped);
}
std::string Days(int64_t seconds) { return Decimal(seconds, 86400, 2); }

// The GPU-hours column of a report: each row's GPU-seconds in hours, rounded
// together as the money is (each row gets its step of the rounded running
// sum), so the rows add up to the subtotal and the total as printed.
std::map<const CostRow*, std::string> HoursColumn(const CostReport& r, bool grouped) {
  const int places = grouped ? 2 : 6;
  int64_t unit = 1;  // rounded hours in 10^-places
  for (int i = 0; i < places; ++i) unit *= 10;
  std::map<const CostRow*, std::string> out;
  __int128 seconds = 0;
  int64_t shown = 0;
  auto step = [&](int64_t gpu_seconds) {
    seconds += gpu_seconds;
    const int64_t rounded = static_cast<int64_t>((seconds * unit * 2 + 3600) / (2 * 3600));
    const int64_t part = rounded - shown;
    shown = rounded;
    return Decimal(part, unit, places, grouped);
  };
  size_t jobs = 0;
  while (jobs < r.rows.size() && r.rows[jobs].group != "idle") ++jobs;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    out[&r.rows[i]] = step(r.rows[i].gpu_seconds);
    if (i + 1 == jobs) out[&r.jobs_total] = Decimal(shown, unit, places, grouped);
  }
  if (jobs == 0) out[&r.jobs_total] = Decimal(0, unit, places, grouped);
  out[&r.total] = Decimal(shown, unit, places, grouped);
  return out;
}
// Rates are nano-dollars per GPU-hour.
std::string Rate(int64_t nano) { return Decimal(nano, 1'000'000'000, 4); }
std::string ExactRate(int64_t nano) { return Decimal(nano, 1'000'000'000, 9); }

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// Columns padded to their widest cell; `left(i)` says which align left.
// An empty row is drawn as a rule.

std::string Csv(const CostReport& r, const ReportOptions& o) {
  std::vector<std::string> header = {"group", "gpu_hours"};
  if (o.rental) header.push_back("rental_usd");
  if (o.owned) header.push_back("owned_usd");
  for (const char* c : {"gpu_seconds", "start_seconds", "end_seconds"}) header.push_back(c);
  std::string out = absl::StrJoin(header, ",") + "\n";
  const std::map<const CostRow*, std::string> hours = HoursColumn(r, false);
  auto row = [&](const CostRow& c) {
    // Group names come from plan ids; quote them if they need it.
    std::vector<std::string> f = {CsvField(c.group), hours.at(&c)};
    if (o.rental) f.push_back(Usd(c.rental_micro_usd, false));
    if (o.owned) f.push_back(Usd(c.owned_micro_usd, false));
    f.push_back(absl::StrCat(c.gpu_seconds));
    f.push_back(absl::StrCat(c.first_start));
    f.push_back(absl::StrCat(c.last_end));
    out += absl::StrJoin(f, ",") + "\n";
  };
  for (const auto& c : r.rows) row(c);
  row(r.total);
  return out;
}

// The JSON "metrics" member of a run's schedule metrics, with its line end.
std::string MetricsJson(const v1::RunMetrics& m) {
  std::string out;
  std::vector<std::string> skipped;
  std::map<std::string, int64_t> sorted(m.skipped_by_reason().begin(), m.skipped_by_reason().end());
  for (const auto& [reason, n] : sorted)
    skipped.push_back(absl::StrCat(JsonString(reason), ": ", n));
  absl::StrAppend(
      &out, "  \"metrics\": {\"jobs_done\": ", m.jobs_done(),
      ", \"jobs_skipped\": ", m.jobs_skipped(), ", \"skipped_by_reason\": {",
      absl::StrJoin(skipped, ", "), "}, \"makespan_seconds\": ", m.makespan_seconds(),
      ", \"wait_mean_seconds\": ", absl::StrFormat("%.3f", m.wait_mean_seconds()),
      ", \"wait_median_seconds\": ", absl::StrFormat("%.1f", m.wait_median_seconds()),
      ", \"wait_p95_seconds\": ", m.wait_p95_seconds(), ", \"dependency_wait_mean_seconds\": ",
      absl::StrFormat("%.1f", m.dependency_wait_mean_seconds()),
      ", \"bounded_slowdown_mean\": ", absl::StrFormat("%.6f", m.bounded_slowdown_mean()),
      ", \"utilization\": ",
      m.has_utilization() ? absl::StrFormat("%.6f", m.utilization()) : "null",
      ", \"preemptions\": ", m.preemptions(), ", \"lost_gpu_seconds\": ", m.lost_gpu_seconds(),
      ", \"interruptions\": ", m.interruptions(),
      ", \"planned_interruptions\": ", m.planned_interruptions(),
      ", \"interruptions_per_window\": ",
      absl::StrFormat("%.3f", report::InterruptionsPerWindow(m)),
      ", \"interruption_window_days\": ", absl::StrFormat("%g", m.interruption_window_days()),
      ", \"goodput\": ", absl::StrFormat("%.6f", m.goodput()),
      ", \"checkpoint_gpu_seconds\": ", m.checkpoint_gpu_seconds(),
      ", \"restart_gpu_seconds\": ", m.restart_gpu_seconds(), "},\n");
  return out;
}

std::string Json(const CostReport& r, const ReportOptions& o) {
  auto row = [&](const CostRow& c) {
    std::string s =
        absl::StrCat("{\"group\": ", JsonString(c.group), ", \"gpu_seconds\": ", c.gpu_seconds,
                     ", \"gpu_hours\": ", Hours(c.gpu_seconds, false));
    if (o.rental) {
      absl::StrAppend(&s, ", \"rental_usd\": ", Usd(c.rental_micro_usd, false),
                      ", \"rental_micro_usd\": ", c.rental_micro_usd);
    }
    if (o.owned) {
      absl::StrAppend(&s, ", \"owned_usd\": ", Usd(c.owned_micro_usd, false),
                      ", \"owned_micro_usd\": ", c.owned_micro_usd);
    }
    absl::StrAppend(&s, ", \"start_seconds\": ", c.first_start, ", \"end_seconds\": ", c.last_end,
                    "}");
    return s;
  };
  const auto& run = r.run;
  std::string out = "{\n";
  absl::StrAppend(&out, "  \"run\": {\"id\": ", run.id, ", \"plan\": ", JsonString(run.plan_name),
                  ", \"plan_sha256\": ", JsonString(run.plan_sha256),
                  ", \"status\": ", JsonString(ledger::RunStatusName(run.status)),
                  ", \"policy\": ", JsonString(run.policy), ", \"seed\": ", run.seed,
                  ", \"gpu_model\": ", JsonString(run.gpu_model), ", \"gpus\": ", run.total_gpus(),
                  ", \"jobs\": ", r.jobs, ", \"sim_start_seconds\": ", run.sim_start,
                  ", \"sim_end_seconds\": ", run.sim_end,
                  ", \"wall_start\": ", JsonString(run.wall_start),
                  ", \"wall_end\": ", JsonString(run.wall_end),
                  run.start_utc ? absl::StrCat(", \"start_date\": ",
                                               JsonString(base::FormatUtc(*run.start_utc)))
                                : std::string(),
                  "},\n");
  if (v1::RunMetrics m;
      !r.run.metrics.empty() && google::protobuf::TextFormat::ParseFromString(r.run.metrics, &m)) {
    out += MetricsJson(m);
  }
  if (!r.segments.empty()) {
    // Prices that move: how many segments, and each one's bounds and rates.
    absl::StrAppend(&out, "  \"price_segments\": [");
    for (size_t k = 0; k < r.segments.size(); ++k) {
      const pricing::PriceSegment& s = r.segments[k];
      absl::StrAppend(&out, k ? ", " : "", "{\"start_seconds\": ", s.start,
                      ", \"end_seconds\": ", s.end,
                      ", \"rental_usd_per_gpu_hour\": ", ExactRate(s.rates.rental),
                      ", \"reserved_usd_per_gpu_hour\": ", ExactRate(s.rates.reserved),
                      ", \"busy_energy_usd_per_gpu_hour\": ", ExactRate(s.rates.owned_busy_energy),
                      "}");
    }
    out += "],\n";
  }
  absl::StrAppend(&out, "  \"group_by\": ", JsonString(ledger::GroupByName(r.group_by)),
                  ",\n  \"rows\": [\n");
  for (size_t i = 0; i < r.rows.size(); ++i) {
    absl::StrAppend(&out, "    ", row(r.rows[i]), i + 1 < r.rows.size() ? ",\n" : "\n");
  }
  absl::StrAppend(&out, "  ],\n  \"jobs_total\": ", row(r.jobs_total),
                  ",\n  \"total\": ", row(r.total));
  if (!r.pools.empty()) {
    // A mixed cluster: each pool's rates and share instead of one cluster's.
    absl::StrAppend(&out, ",\n  \"pools\": [");
    for (size_t k = 0; k < r.pools.size(); ++k) {
      const CostReport::PoolLine& p = r.pools[k];
      absl::StrAppend(
          &out, k ? ",\n    " : "\n    ", "{\"name\": ", JsonString(p.pool.name),
          ", \"gpu_model\": ", JsonString(p.pool.gpu_model), ", \"gpus\": ", p.pool.total_gpus(),
          p.pool.capacity == ledger::Pool::kNone
              ? std::string()
              : absl::StrCat(", \"capacity\": ", JsonString(ledger::PoolName(p.pool.capacity))),
          ", \"available_from_seconds\": ", p.pool.available_from, ", \"retired_at_seconds\": ",
          p.pool.retired_at < 0 ? std::string("null") : absl::StrCat(p.pool.retired_at),
          ", \"busy_gpu_hours\": ", Hours(p.busy_gpu_seconds, false),
          ", \"idle_gpu_hours\": ", Hours(p.idle_gpu_seconds, false),
          ", \"down_gpu_hours\": ", Hours(p.down_gpu_seconds, false),
          ", \"rental_usd_per_gpu_hour\": ", ExactRate(p.rates.rental),
          ", \"owned_capital_usd\": ", Usd(p.capital_micro_usd, false),
          ", \"owned_usd_per_busy_gpu_hour\": ", ExactRate(p.rates.owned_busy()),
          ", \"rental_usd\": ", Usd(p.rental_micro_usd, false),
          ", \"owned_usd\": ", Usd(p.owned_micro_usd, false), "}");
    }
    absl::StrAppend(&out, "\n  ]\n}\n");
    return out;
  }
  if (o.rental) {
    absl::StrAppend(&out, ",\n  \"rental\": {\"usd_per_gpu_hour\": ", ExactRate(r.rates.rental),
                    "}");
  }
  if (o.owned) {
    absl::StrAppend(&out, ",\n  \"owned\": {\"capital_usd\": ", Usd(r.capital_micro_usd, false),
                    ", \"depreciation_usd_per_gpu_hour\": ", ExactRate(r.rates.owned_depreciation),
                    ", \"financing_usd_per_gpu_hour\": ", ExactRate(r.rates.owned_financing),
                    ", \"operations_usd_per_gpu_hour\": ", ExactRate(r.rates.owned_operations),
                    ", \"busy_energy_usd_per_gpu_hour\": ", ExactRate(r.rates.owned_busy_energy),
                    ", \"idle_energy_usd_per_gpu_hour\": ", ExactRate(r.rates.owned_idle_energy),
                    // As the table words them: the rate of a busy GPU-hour, and the
                    // window's owned cost per GPU-hour used (idle capacity included).
                    ", \"usd_per_busy_gpu_hour\": ", ExactRate(r.rates.owned_busy()),
                    ", \"usd_per_gpu_hour_used\": ",
                    r.cluster_busy_gpu_seconds() > 0
                        ? UsdPerGpuHour(r.cluster_micro_usd(), r.cluster_busy_gpu_seconds(), 4)
                        : std::string("null"),
                    "}");
  }
  out += "\n}\n";
  return out;
}

}  // namespace

// People's names of a group report's figures.

std::string GroupFigureLabel(const std::string& name, double window_days) {
  if (name == "gpu_hours") return "GPU-hours held by jobs";
  if (name == "rental_usd") return "rental USD";
  if (name == "owned_usd") return "owned USD (idle and down included)";
  if (name == "interruptions") return "unexpected interruptions";
  if (name == "interruptions_per_window") {
    return absl::StrCat("unexpected interruptions per ", absl::StrFormat("%g", window_days),
                        " days");
  }
  if (name == "planned_interruptions") return "planned interruptions";
  if (name == "goodput") return "goodput (productive / held)";
  if (name == "makespan_days") return "makespan, days";
  if (absl::StartsWith(name, "wall_clock_days:")) {
    return absl::StrCat("wall-clock days: ", name.substr(16));
  }
  return name;
}

std::string GroupFigureValue(const std::string& name, double v) {
  if (name == "goodput") return absl::StrFormat("%.2f%%", 100 * v);
  if (name == "gpu_hours" || name == "rental_usd" || name == "owned_usd") {
    return Decimal(static_cast<__int128>(std::llround(v * 100)), 100, 2, true);
  }
  if (name == "interruptions" || name == "planned_interruptions") return absl::StrFormat("%.1f", v);
  return absl::StrFormat("%.2f", v);
}

std::string FormatGroupReport(const report::GroupReport& r, absl::string_view format) {
  const auto& g = r.group;
  if (format == "csv") {
    std::string out = "figure,mean,p5,p95\n";
    for (const auto& s : r.stats) {
      absl::StrAppend(&out, CsvField(s.name), ",", absl::StrFormat("%.6f", s.mean), ",",
                      absl::StrFormat("%.6f", s.p5), ",", absl::StrFormat("%.6f", s.p95), "\n");
    }
    return out;
  }
  if (format == "json") {
    std::vector<std::string> runs, stats;
    for (const auto& run : r.runs) {
      v1::RunMetrics m;
      google::protobuf::TextFormat::ParseFromString(run.metrics, &m);
      runs.push_back(absl::StrCat("{\"id\": ", run.id, ", \"seed\": ", run.seed,
                                  ", \"interruptions\": ", m.interruptions(),
                                  ", \"planned_interruptions\": ", m.planned_interruptions(),
                                  ", \"goodput\": ", absl::StrFormat("%.6f", m.goodput()),
                                  ", \"makespan_seconds\": ", m.makespan_seconds(), "}"));
    }
    for (const auto& s : r.stats) {
      stats.push_back(absl::StrCat("{\"name\": ", JsonString(s.name),
                                   ", \"mean\": ", absl::StrFormat("%.6f", s.mean),
                                   ", \"p5\": ", absl::StrFormat("%.6f", s.p5),
                                   ", \"p95\": ", absl::StrFormat("%.6f", s.p95), "}"));
    }
    return absl::StrCat(
        "{\n  \"group\": {\"id\": ", g.id, ", \"plan\": ", JsonString(g.plan_name),
        ", \"plan_sha256\": ", JsonString(g.plan_sha256), ", \"policy\": ", JsonString(g.policy),
        ", \"first_seed\": ", g.first_seed, ", \"seeds\": ", g.seeds,
        ", \"interruption_window_days\": ", absl::StrFormat("%g", r.interruption_window_days),
        "},\n  \"runs\": [\n    ", absl::StrJoin(runs, ",\n    "), "\n  ],\n  \"stats\": [\n    ",
        absl::StrJoin(stats, ",\n    "), "\n  ]\n}\n");
  }
  std::string out =
      absl::StrCat("group ", g.id, "  ", g.plan_name, "  (", r.runs.size(), " replays, seeds ",
                   g.first_seed, "-", g.first_seed + g.seeds - 1, ", ", g.policy, "); runs ",
                   r.first_run(), "..", r.last_run(), "\n\n");
  std::vector<std::vector<std::string>> cells = {{"figure", "mean", "p5", "p95"}};
  for (const auto& s : r.stats) {
    cells.push_back({GroupFigureLabel(s.name, r.interruption_window_days),
                     GroupFigureValue(s.name, s.mean), GroupFigureValue(s.name, s.p5),
                     GroupFigureValue(s.name, s.p95)});
  }
  out += AlignedTable(cells, [](size_t i) { return i == 0; });
  out +=
      "\np5 and p95: nearest-rank percentiles over the runs; one run's figures: "
      "gpuledger report --run ID\n";
  return out;
}

std::string BeyondWorkText(const CostReport& r) {
  if (r.group_by != ledger::GroupBy::kCategory) return "";
  const CostRow* productive = nullptr;
  CostRow extra;
  std::vector<std::string> parts;
  const CostRow* down = nullptr;
  for (const CostRow& c : r.rows) {
    if (c.group == "productive") productive = &c;
    if (c.group == "down") down = &c;
    if (c.group != "checkpoint" && c.group != "lost" && c.group != "restart") continue;
    extra.gpu_seconds += c.gpu_seconds;
    extra.rental_micro_usd += c.rental_micro_usd;
    extra.owned_micro_usd += c.owned_micro_usd;
    parts.push_back(absl::StrCat(c.group, " ", Hours(c.gpu_seconds, true)));
  }
  if (parts.empty() || productive == nullptr || productive->gpu_seconds == 0) return "";
  std::string out = absl::StrCat(
      "beyond the jobs' work (productive): ", Hours(extra.gpu_seconds, true), " GPU-hours, +",
      Decimal(static_cast<__int128>(extra.gpu_seconds) * 100, productive->gpu_seconds, 2), "% (",
      absl::StrJoin(parts, ", "), "): rental $", Usd(extra.rental_micro_usd, true), ", owned $",
      Usd(extra.owned_micro_usd, true), "\n");
  if (down != nullptr) {
    absl::StrAppend(&out, "owned: nodes under repair ", Hours(down->gpu_seconds, true),
                    " GPU-hours, $", Usd(down->owned_micro_usd, true), "\n");
  }
  return out;
}

namespace {

// A strategy run's lines under the table: its pool and what each costs.
void StrategyLines(const CostReport& r, std::string* out) {
  const auto& run = r.run;
  absl::StrAppend(
      out, "strategy \"", run.strategy, "\": the cluster is ",
      r.committed == ledger::Pool::kNone ? std::string("none (all on demand)")
                                         : std::string(ledger::PoolName(r.committed)),
      "; strategy USD prices each entry by its pool: on-demand at $", Rate(r.rates.rental),
      " per GPU-hour",
      r.committed == ledger::Pool::kReserved
          ? absl::StrCat(", reserved at $", Rate(r.rates.reserved), " per GPU-hour used or not")
          : std::string(),
      r.committed == ledger::Pool::kOwned ? ", owned as below" : "", "\n");
  absl::StrAppend(out, "strategy \"", run.strategy, "\": $", Usd(r.total.owned_micro_usd, true),
                  " = ",
                  r.committed == ledger::Pool::kNone
                      ? std::string()
                      : absl::StrCat(ledger::PoolName(r.committed), " cluster $",
                                     Usd(r.cluster_micro_usd(), true), " (idle included) + "),
                  "on-demand $", Usd(r.on_demand_micro_usd, true), " (",
                  Hours(r.on_demand_gpu_seconds, true), " GPU-hours)\n");
}

// The owned cluster's lines: its rates, the window's cost per GPU-hour used
// and, beside rental, the break-even utilization.
void OwnedLines(const CostReport& r, const ReportOptions& o, std::string* out) {
  const auto& run = r.run;
  const auto& rt = r.rates;
  absl::StrAppend(
      out, "owned: cluster capital $", Usd(r.capital_micro_usd, true), " (",
      WithThousands(run.total_gpus()), " GPUs); per GPU-hour: depreciation $",
      Rate(rt.owned_depreciation),
      rt.owned_financing > 0 ? absl::StrCat(" + cost of capital $", Rate(rt.owned_financing)) : "",
      " + operations $", Rate(rt.owned_operations), " + energy $", Rate(rt.owned_busy_energy),
      " busy / $", Rate(rt.owned_idle_energy), " idle = $", Rate(rt.owned_busy()),
      " per busy GPU-hour\n");
  // The owned cluster's own cost and use: on-demand spend is not part of it.
  const int64_t owned_cost = r.cluster_micro_usd();
  const int64_t owned_busy = r.cluster_busy_gpu_seconds();
  if (owned_busy > 0) {
    absl::StrAppend(out, "owned: the window's cost $", Usd(owned_cost, true), " over ",
                    Hours(owned_busy, true), " GPU-hours used = $",
                    UsdPerGpuHour(owned_cost, owned_busy, 4),
                    " per GPU-hour used, idle capacity included\n");
  }
  if (o.rental) {
    const double u = pricing::BreakEvenUtilization(rt);
    if (std::isinf(u)) {
      absl::StrAppend(out, "break-even: renting at $", Rate(rt.rental),
                      " costs less than owning at any utilization\n");
    } else {
      const double used = r.window_seconds > 0 && run.total_gpus() > 0
                              ? static_cast<double>(r.busy_gpu_seconds - r.on_demand_gpu_seconds) /
                                    (static_cast<double>(r.window_seconds) * run.total_gpus())
                              : 0;
      absl::StrAppend(
          out, "break-even: owning costs what renting does at ", absl::StrFormat("%.2f%%", 100 * u),
          " utilization of the owned GPUs (this run: ", absl::StrFormat("%.2f%%", 100 * used),
          ")\n");
    }
  }
}

// A mixed cluster's pools, for the report's cluster line.
std::string PoolsText(const CostReport& r) {
  std::vector<std::string> parts;
  for (const CostReport::PoolLine& p : r.pools) {
    std::string when;
    if (p.pool.available_from > r.run.sim_start) {
      absl::StrAppend(&when, ", from day ", Days(p.pool.available_from));
    }
    if (p.pool.retired_at >= 0) absl::StrAppend(&when, ", until day ", Days(p.pool.retired_at));
    parts.push_back(absl::StrCat(
        p.pool.name, p.pool.name == p.pool.gpu_model ? "" : absl::StrCat(" (", p.pool.gpu_model, ")"),
        " ", WithThousands(p.pool.nodes), " nodes x ", p.pool.gpus_per_node, " = ",
        WithThousands(p.pool.total_gpus()), " GPUs", when));
  }
  return absl::StrCat("pools ", absl::StrJoin(parts, "; "), "; ",
                      WithThousands(r.run.total_gpus()), " GPUs in all");
}

// A mixed cluster's lines: each pool priced as its model, its use and its
// share of the totals.
void PoolLines(const CostReport& r, const ReportOptions& o, std::string* out) {
  for (const CostReport::PoolLine& p : r.pools) {
    const pricing::Rates& rt = p.rates;
    absl::StrAppend(out, "pool ", p.pool.name, " (", p.pool.gpu_model, "): ",
                    Hours(p.busy_gpu_seconds, true), " GPU-hours used, ",
                    Hours(p.idle_gpu_seconds, true), " idle",
                    p.down_gpu_seconds > 0
                        ? absl::StrCat(", ", Hours(p.down_gpu_seconds, true), " down")
                        : std::string(),
                    "\n");
    if (o.rental) {
      absl::StrAppend(out, "  rental: $", Rate(rt.rental), " per GPU-hour held by a job",
                      p.moving ? " (at the window's start; prices move)" : "", "; $",
                      Usd(p.rental_micro_usd, true), "\n");
    }
    if (o.owned && p.pool.capacity == ledger::Pool::kOnDemand) {
      // A fleet's rented pool: its rent, nothing idle.
      absl::StrAppend(out, "  strategy: rented on demand, $", Rate(rt.rental),
                      " per GPU-hour held by a job, idle capacity free; $",
                      Usd(p.owned_micro_usd, true), "\n");
    } else if (o.owned) {
      absl::StrAppend(
          out, "  ", p.pool.capacity == ledger::Pool::kOwned ? "strategy, owned" : "owned",
          ": capital $", Usd(p.capital_micro_usd, true), " (",
          WithThousands(p.pool.total_gpus()), " GPUs); $", Rate(rt.owned_busy()),
          " per busy GPU-hour (depreciation $", Rate(rt.owned_depreciation),
          rt.owned_financing > 0 ? absl::StrCat(" + cost of capital $", Rate(rt.owned_financing))
                                 : "",
          " + operations $", Rate(rt.owned_operations), " + energy $",
          Rate(rt.owned_busy_energy), ")", p.moving ? " at the window's start (prices move)" : "",
          "; $", Usd(p.owned_micro_usd, true),
          p.busy_gpu_seconds > 0
              ? absl::StrCat(" = $", UsdPerGpuHour(p.owned_micro_usd, p.busy_gpu_seconds, 4),
                             " per GPU-hour used, idle capacity included")
              : std::string(),
          "\n");
    }
  }
  if (o.rental) *out += "rental: idle capacity costs a renter nothing\n";
  if (o.owned && r.busy_gpu_seconds > 0) {
    absl::StrAppend(out, r.strategy ? "strategy" : "owned", ": the window's cost $",
                    Usd(r.total.owned_micro_usd, true),
                    " over ", Hours(r.busy_gpu_seconds, true), " GPU-hours used = $",
                    UsdPerGpuHour(r.total.owned_micro_usd, r.busy_gpu_seconds, 4),
                    " per GPU-hour used, idle capacity included\n");
  }
}

// What moved over a run's price segments: each price whose rate changed,
// from the window's first to its last.
std::string MovingPricesLine(const CostReport& r) {
  const pricing::Rates& a = r.segments.front().rates;
  const pricing::Rates& b = r.segments.back().rates;
  std::vector<std::string> moved;
  for (const auto& [name, field] :
       {std::pair<const char*, int64_t pricing::Rates::*>{"rental", &pricing::Rates::rental},
        {"reserved", &pricing::Rates::reserved},
        {"owned energy (busy)", &pricing::Rates::owned_busy_energy}}) {
    bool changed = false;
    for (const pricing::PriceSegment& s : r.segments) changed |= s.rates.*field != a.*field;
    if (changed) {
      moved.push_back(absl::StrCat(name, " $", Rate(a.*field), " to $", Rate(b.*field)));
    }
  }
  return absl::StrCat("prices move: ", WithThousands(static_cast<int64_t>(r.segments.size())),
                      " segments of constant prices, each GPU-second charged at those in force (",
                      moved.empty() ? "no rate changed" : absl::StrJoin(moved, ", "),
                      " per GPU-hour, first to last segment); the rates below are the first's\n");
}

std::string Table(const CostReport& r, const ReportOptions& o) {
  const auto& run = r.run;
  std::string out = absl::StrCat(
      "run ", run.id, "  ", run.plan_name, "  (", ledger::RunStatusName(run.status), ", ",
      run.policy, ", seed ", run.seed, ")\n", "cluster: ",
      !r.pools.empty() ? PoolsText(r) :
      run.nodes > 0 ? absl::StrCat(WithThousands(run.nodes), " nodes x ", run.gpus_per_node, " ",
                                   run.gpu_model, " = ", WithThousands(run.total_gpus()), " GPUs")
                    : absl::StrCat("none of its own (every ", run.gpu_model, " GPU on demand)"),
      "; simulated window ", Days(r.window_seconds), " days (", WithThousands(r.window_seconds),
      " s)\n",
      // A dated run says when its window was; start and end days stay days
      // from simulated second 0.
      run.start_utc
          ? absl::StrCat("calendar: ", base::FormatUtc(*run.start_utc + run.sim_start), " to ",
                         base::FormatUtc(*run.start_utc + run.sim_end),
                         run.sim_start == 0
                             ? ""
                             : absl::StrCat(" (simulated second 0 is ",
                                            base::FormatUtc(*run.start_utc), ")"),
                         "\n")
          : std::string(),
      "\n");
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> head = {ledger::GroupByName(r.group_by), "GPU-hours"};
  if (o.rental) head.push_back("rental USD");
  if (o.owned) head.push_back(r.strategy ? "strategy USD" : "owned USD");
  head.push_back("start day");
  head.push_back("end day");
  cells.push_back(head);
  const std::map<const CostRow*, std::string> hours = HoursColumn(r, true);
  auto add = [&](const CostRow& c) {
    std::vector<std::string> f = {c.group, hours.at(&c)};
    if (o.rental) f.push_back(Usd(c.rental_micro_usd, true));
    if (o.owned) f.push_back(Usd(c.owned_micro_usd, true));
    f.push_back(Days(c.first_start));
    f.push_back(Days(c.last_end));
    cells.push_back(f);
  };
  // Job rows, then the jobs' subtotal and idle capacity, then the total
  // (= subtotal + idle = every row above it). An empty line is a rule.
  // Cluster-wide rows (idle, down) come after the jobs' subtotal.
  // The cluster-wide rows start at "idle" (a reserved name, never a job's).
  size_t jobs = 0;
  while (jobs < r.rows.size() && r.rows[jobs].group != "idle") ++jobs;
  for (size_t i = 0; i < jobs; ++i) add(r.rows[i]);
  cells.push_back({});
  add(r.jobs_total);
  for (size_t i = jobs; i < r.rows.size(); ++i) add(r.rows[i]);
  cells.push_back({});
  add(r.total);
  out += AlignedTable(cells, [](size_t i) { return i == 0; });
  out += "\n" + BeyondWorkText(r);
  if (r.segments.size() > 1) out += MovingPricesLine(r);
  if (o.rental && r.pools.empty()) {
    absl::StrAppend(&out, "rental: $", Rate(r.rates.rental),
                    " per GPU-hour held by a job; idle capacity costs a renter nothing\n");
  }
  if (!r.pools.empty()) {
    PoolLines(r, o, &out);
  } else {
    if (o.owned && r.strategy) StrategyLines(r, &out);
    if (o.owned && r.owned_cluster()) OwnedLines(r, o, &out);
  }
  if (v1::RunMetrics m;
      !r.run.metrics.empty() && google::protobuf::TextFormat::ParseFromString(r.run.metrics, &m)) {
    out += "\nschedule (" + r.run.policy + "):\n" + MetricsText(m);
  }
  return out;
}

}  // namespace

// A CSV field, quoted when it holds a comma, quote or newline.
std::string CsvField(const std::string& v) {
  // A text that a spreadsheet would run as a formula (=, +, -, @, or a tab
  // or CR first: OWASP's CSV injection rule) is shown as text: a leading
  // apostrophe, quoted. Numbers, negative ones too, stay numbers.
  double number = 0;
  const bool formula = !v.empty() &&
                       std::string_view("=+-@\t\r").find(v[0]) != std::string_view::npos &&
                       !absl::SimpleAtod(v, &number);
  if (!formula && v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string q = formula ? "\"'" : "\"";
  for (char ch : v) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

std::string WithThousands(int64_t v) {
  std::string digits = std::to_string(v);
  if (v < 0) digits.erase(0, 1);
  std::string out;
  int n = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (n > 0 && n % 3 == 0) out += ',';
    out += *it;
    ++n;
  }
  if (v < 0) out += '-';
  return std::string(out.rbegin(), out.rend());
}

std::string UsdPerGpuHour(int64_t micro_usd, int64_t gpu_seconds, int places) {
  if (gpu_seconds <= 0) return Decimal(0, 1, places);
  return Decimal(static_cast<__int128>(micro_usd) * 3600,
                 static_cast<__int128>(gpu_seconds) * 1'000'000, places);
}

std::string ReplaySummaryText(const ReplayHeadline& h, const CostReport& report,
                              const v1::RunMetrics& metrics) {
  // A mixed cluster's GPUs by model ("32 H800 + 16 B200"), in pool order.
  std::string gpus = absl::StrCat(WithThousands(h.total_gpus), " ", h.gpu);
  if (!report.pools.empty()) {
    std::vector<std::pair<std::string, int64_t>> by_model;
    for (const CostReport::PoolLine& p : report.pools) {
      auto it = std::find_if(by_model.begin(), by_model.end(),
                             [&](const auto& m) { return m.first == p.pool.gpu_model; });
      if (it == by_model.end()) {
        by_model.push_back({p.pool.gpu_model, p.pool.total_gpus()});
      } else {
        it->second += p.pool.total_gpus();
      }
    }
    std::vector<std::string> parts;
    for (const auto& [model, n] : by_model) parts.push_back(absl::StrCat(WithThousands(n), " ", model));
    gpus = absl::StrJoin(parts, " + ");
  }
  return absl::StrCat("run ", h.run_id, " complete: ", h.plan, ", ", h.jobs_completed, " jobs on ",
                      gpus, " (", h.policy, ", seed ", h.seed,
                      ")\n", "simulated ", Decimal(h.window_seconds, 86400, 2), " days; ",
                      Decimal(h.busy_gpu_seconds, 3600, 2, true), " GPU-hours used, ",
                      Decimal(h.idle_gpu_seconds, 3600, 2, true), " idle\n", "rental $",
                      Money(report.total.rental_micro_usd, 2, true), "; owned $",
                      Money(report.total.owned_micro_usd, 2, true), " (idle capacity included)\n",
                      BeyondWorkText(report), MetricsText(metrics));
}

std::string Money(int64_t micro_usd, int places, bool grouped) {
  return Decimal(micro_usd, 1'000'000, places, grouped);
}

std::string Decimal(__int128 num, __int128 den, int places, bool grouped) {
  const bool neg = num < 0;
  if (neg) num = -num;
  __int128 scale = 1;
  for (int i = 0; i < places; ++i) scale *= 10;
  const __int128 scaled = (num * scale * 2 + den) / (2 * den);
  const int64_t whole = static_cast<int64_t>(scaled / scale);
  std::string frac = std::to_string(static_cast<int64_t>(scaled % scale));
  frac = std::string(places - frac.size(), '0') + frac;
  std::string w = grouped ? WithThousands(whole) : std::to_string(whole);
  std::string out = (neg && scaled != 0 ? "-" : "") + w;
  if (places > 0) out += "." + frac;
  return out;
}

std::string FormatRecords(const Records& r, absl::string_view format) {
  auto is_num = [&](size_t i) { return i < r.numeric.size() && r.numeric[i]; };
  std::string out;
  if (format == "csv") {
    out = absl::StrJoin(r.columns, ",") + "\n";
    for (const auto& row : r.rows) {
      std::vector<std::string> f;
      for (const std::string& v : row) f.push_back(CsvField(v));
      out += absl::StrJoin(f, ",") + "\n";
    }
    return out;
  }
  if (format == "json") {
    out = "[\n";
    for (size_t k = 0; k < r.rows.size(); ++k) {
      std::vector<std::string> f;
      for (size_t i = 0; i < r.columns.size() && i < r.rows[k].size(); ++i) {
        f.push_back(JsonString(r.columns[i]) + ": " +
                    (is_num(i) ? r.rows[k][i] : JsonString(r.rows[k][i])));
      }
      absl::StrAppend(&out, "  {", absl::StrJoin(f, ", "), "}",
                      k + 1 < r.rows.size() ? ",\n" : "\n");
    }
    return out + "]\n";
  }
  std::vector<std::vector<std::string>> cells = {r.columns};
  cells.insert(cells.end(), r.rows.begin(), r.rows.end());
  return AlignedTable(cells, [&](size_t i) { return !is_num(i); });
}

std::string FormatReport(const CostReport& report, const ReportOptions& options) {
  if (options.format == "csv") return Csv(report, options);
  if (options.format == "json") return Json(report, options);
  return Table(report, options);
}

std::string AlignedTable(const std::vector<std::vector<std::string>>& cells,
                         const std::function<bool(size_t)>& left) {
  std::vector<size_t> width;
  for (const auto& line : cells) {
    if (width.size() < line.size()) width.resize(line.size(), 0);
    for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  size_t rule = 0;
  for (size_t w : width) rule += w + 2;
  std::string out;
  for (const auto& cell : cells) {
    if (cell.empty()) {
      out += std::string(rule >= 2 ? rule - 2 : 0, '-') + "\n";
      continue;
    }
    std::string line;
    for (size_t i = 0; i < cell.size(); ++i) {
      const std::string pad(width[i] - cell[i].size(), ' ');
      if (i > 0) line += "  ";
      line += left(i) ? cell[i] + (i + 1 < cell.size() ? pad : "") : pad + cell[i];
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace gpuledger::report

namespace gpuledger::report {

HeadlineFigures Headline(const CostReport& r) {
  HeadlineFigures h;
  // As the table's GPU-hours column prints them: rounded together, so the
  // rows add up to the totals as printed.
  const std::map<const CostRow*, std::string> hours = HoursColumn(r, true);
  h.gpu_hours = hours.at(&r.jobs_total);
  h.idle_gpu_hours = Hours(0, true);
  for (const CostRow& row : r.rows) {
    if (row.group == "idle") h.idle_gpu_hours = hours.at(&row);
  }
  h.rental_usd = Usd(r.total.rental_micro_usd, true);
  h.owned_usd = Usd(r.total.owned_micro_usd, true);
  h.capital_usd = Usd(r.capital_micro_usd, true);
  h.window_days = Days(r.window_seconds);
  if (v1::RunMetrics m; !r.run.metrics.empty() &&
                        google::protobuf::TextFormat::ParseFromString(r.run.metrics, &m) &&
                        m.has_utilization()) {
    h.utilization = absl::StrFormat("%.2f%%", 100 * m.utilization());
  }
  // As the table's break-even line (OwnedLines): for a run with an owned cluster.
  if (r.owned_cluster()) {
    const double u = pricing::BreakEvenUtilization(r.rates);
    h.break_even = std::isinf(u) ? "never" : absl::StrFormat("%.2f%%", 100 * u);
  }
  return h;
}

}  // namespace gpuledger::report

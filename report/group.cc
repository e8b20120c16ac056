#include "report/group.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "gpuledger/v1/ledger_service.pb.h"
#include "google/protobuf/text_format.h"
#include "report/cost.h"

namespace gpuledger::report {

double InterruptionsPerWindow(const v1::RunMetrics& m) {
  if (m.interruption_window_days() <= 0 || m.makespan_seconds() <= 0) return 0;
  return m.interruptions() * m.interruption_window_days() * 86400.0 /
         static_cast<double>(m.makespan_seconds());
}

int64_t GroupReport::first_run() const {
  int64_t id = 0;
  for (const auto& r : runs) id = id == 0 ? r.id : std::min(id, r.id);
  return id;
}

int64_t GroupReport::last_run() const {
  int64_t id = 0;
  for (const auto& r : runs) id = std::max(id, r.id);
  return id;
}

double NearestRank(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * n - 1e-9));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

absl::StatusOr<GroupReport> BuildGroupReport(ledger::Ledger& ledger, int64_t group_id) {
  GroupReport report;
  absl::StatusOr<ledger::RunGroupRecord> group = ledger.GetRunGroup(group_id);
  if (!group.ok()) return group.status();
  report.group = *std::move(group);
  absl::StatusOr<std::vector<ledger::RunRecord>> runs = ledger.ListRunsInGroup(group_id);
  if (!runs.ok()) return runs.status();
  report.runs = *std::move(runs);
  if (static_cast<int>(report.runs.size()) != report.group.seeds) {
    return absl::FailedPreconditionError(
        absl::StrCat("run group ", group_id, " has ", report.runs.size(), " of its ",
                     report.group.seeds, " runs (a replay failed or was stopped before it began)"));
  }

  // Each figure's values, in the order figures are first met.
  std::vector<std::string> order;
  std::map<std::string, std::vector<double>> values;
  auto add = [&](const std::string& name, double v) {
    auto [it, fresh] = values.try_emplace(name);
    if (fresh) order.push_back(name);
    it->second.push_back(v);
    report.run_figures.back()[name] = v;
  };
  for (const ledger::RunRecord& run : report.runs) {
    report.run_figures.emplace_back();
    if (run.status != ledger::RunStatus::kComplete) {
      return absl::FailedPreconditionError(absl::StrCat("run ", run.id, " of group ", group_id,
                                                        " is ", ledger::RunStatusName(run.status),
                                                        ", not complete"));
    }
    absl::StatusOr<CostReport> cost =
        BuildCostReport(ledger, run.id, ledger::GroupBy::kCategory, false);
    if (!cost.ok()) return cost.status();
    v1::RunMetrics m;
    google::protobuf::TextFormat::ParseFromString(run.metrics, &m);
    report.interruption_window_days = m.interruption_window_days();
    add("gpu_hours", static_cast<double>(cost->jobs_total.gpu_seconds) / 3600.0);
    add("rental_usd", static_cast<double>(cost->total.rental_micro_usd) / 1e6);
    add("owned_usd", static_cast<double>(cost->total.owned_micro_usd) / 1e6);
    add("interruptions", m.interruptions());
    if (m.interruption_window_days() > 0 && m.makespan_seconds() > 0) {
      add("interruptions_per_window", InterruptionsPerWindow(m));
    }
    add("planned_interruptions", m.planned_interruptions());
    add("goodput", m.goodput());
    add("makespan_days", static_cast<double>(m.makespan_seconds()) / 86400.0);
    absl::StatusOr<std::vector<ledger::JobRecord>> jobs =
        ledger.ListJobs(run.id, 0, kMaxJobsWithWallClock + 1);
    if (!jobs.ok()) return jobs.status();
    if (static_cast<int>(jobs->size()) <= kMaxJobsWithWallClock) {
      for (const ledger::JobRecord& j : *jobs) {
        add("wall_clock_days:" + j.job_id, static_cast<double>(j.ended - j.started) / 86400.0);
      }
    }
  }
  for (const std::string& name : order) {
    std::vector<double>& v = values[name];
    double sum = 0;
    for (double x : v) sum += x;
    GroupStat s;
    s.name = name;
    s.mean = sum / static_cast<double>(v.size());
    s.p5 = NearestRank(v, 5);
    s.p95 = NearestRank(v, 95);
    report.stats.push_back(s);
  }
  return report;
}

}  // namespace gpuledger::report

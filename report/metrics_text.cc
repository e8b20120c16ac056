#include "report/metrics_text.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "report/group.h"

namespace gpuledger::report {

namespace v1 = gpuledger::v1;

std::string MetricsText(const v1::RunMetrics& m) {
  std::string skipped;
  if (m.jobs_skipped() > 0) {
    std::vector<std::string> parts;
    std::map<std::string, int64_t> sorted(m.skipped_by_reason().begin(),
                                          m.skipped_by_reason().end());
    for (const auto& [reason, n] : sorted) parts.push_back(absl::StrCat(reason, ": ", n));
    skipped = absl::StrCat(" (", absl::StrJoin(parts, ", "), ")");
  }
  return absl::StrFormat(
             "jobs: %d done, %d skipped%s\n"
             "makespan: %d s (%.2f days)\n"
             "wait (ready to start): mean %.1f s, median %.1f s, 95th percentile %d s%s\n"
             "bounded slowdown (10 s): mean %.3f\n"
             "utilization: %s\n"
             "preemptions: %d, lost work %d GPU-seconds\n",
             m.jobs_done(), m.jobs_skipped(), skipped, m.makespan_seconds(),
             m.makespan_seconds() / 86400.0, m.wait_mean_seconds(), m.wait_median_seconds(),
             m.wait_p95_seconds(),
             m.dependency_wait_mean_seconds() > 0
                 ? absl::StrFormat(
                       "; before that, waiting on dependencies: mean %.1f s (%.2f days)",
                       m.dependency_wait_mean_seconds(), m.dependency_wait_mean_seconds() / 86400)
                 : std::string(),
             m.bounded_slowdown_mean(),
             m.has_utilization() ? absl::StrFormat("%.2f%%", 100 * m.utilization())
                                 : std::string("- (no cluster of its own: all on demand)"),
             m.preemptions(), m.lost_gpu_seconds()) +
         StatusText(m) + FailuresText(m);
}

std::string StatusText(const v1::RunMetrics& m) {
  if (m.jobs_by_status().empty()) return "";
  int64_t total = 0;
  for (const auto& [status, n] : m.jobs_by_status()) total += n;
  std::vector<std::string> parts;
  for (const char* status : {"completed", "cancelled", "failed"}) {
    auto it = m.jobs_by_status().find(status);
    const int64_t n = it == m.jobs_by_status().end() ? 0 : it->second;
    parts.push_back(
        absl::StrFormat("%d %s (%.1f%%)", n, status, total > 0 ? 100.0 * n / total : 0.0));
  }
  return absl::StrCat("trace jobs: ", absl::StrJoin(parts, ", "),
                      "; each charged for the GPU time it held\n");
}

std::string FailuresText(const v1::RunMetrics& m) {
  std::string spot;
  if (m.spot_interruptions() > 0) {
    spot = absl::StrFormat("spot capacity reclaimed: %d runs, %d GPU-seconds of work lost\n",
                           m.spot_interruptions(), m.spot_lost_gpu_seconds());
  }
  if (m.interruptions() == 0 && m.planned_interruptions() == 0 && m.checkpoint_gpu_seconds() == 0 &&
      m.interruption_window_days() == 0 && m.spot_interruptions() == 0) {
    return "";
  }
  std::string per_window;
  if (m.interruption_window_days() > 0) {
    per_window = absl::StrFormat(" (%.1f unexpected per %g days)", InterruptionsPerWindow(m),
                                 m.interruption_window_days());
  }
  return absl::StrFormat(
             "interruptions: %d unexpected, %d planned%s\n"
             "goodput: %.2f%% (checkpoint writes %d, restarts %d GPU-seconds)\n",
             m.interruptions(), m.planned_interruptions(), per_window, 100 * m.goodput(),
             m.checkpoint_gpu_seconds(), m.restart_gpu_seconds()) +
         spot;
}

}  // namespace gpuledger::report

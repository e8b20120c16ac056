// Renders cost reports as an aligned table, CSV or JSON. The three carry the
// same figures; CSV and JSON print exact decimals of the integer amounts.
#ifndef GPULEDGER_REPORT_FORMAT_H_
#define GPULEDGER_REPORT_FORMAT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "gpuledger/v1/ledger_service.pb.h"
#include "report/cost.h"
#include "report/group.h"

namespace gpuledger::report {

struct ReportOptions {
  bool rental = true;            // --view rental or both
  bool owned = true;             // --view owned or both
  std::string format = "table";  // table, csv or json
};

std::string FormatReport(const report::CostReport& report, const ReportOptions& options);

// A run group's figures (mean, 5th and 95th percentiles over its runs) as
// a table, CSV (figure,mean,p5,p95) or JSON (with each run's seed,
// interruptions and goodput).
std::string FormatGroupReport(const report::GroupReport& report, absl::string_view format);
// A group figure's label and a value of it as the group table prints them
// ("makespan, days", "12.34").
std::string GroupFigureLabel(const std::string& name, double window_days);
std::string GroupFigureValue(const std::string& name, double v);

// For a report by category: what checkpoints, lost work and restarts add to
// the jobs' work (productive), in GPU-hours and both views, and the owned
// cost of nodes under repair. "" when there is none or another grouping.
std::string BeyondWorkText(const report::CostReport& report);

// What `gpuledger replay` says of the run it has just written.
struct ReplayHeadline {
  int64_t run_id = 0;
  std::string plan;  // the workload's name
  int64_t jobs_completed = 0;
  int total_gpus = 0;
  std::string gpu;     // the GPU model
  std::string policy;  // its name
  int64_t seed = 0;
  int64_t window_seconds = 0;  // simulated
  int64_t busy_gpu_seconds = 0;
  int64_t idle_gpu_seconds = 0;
};
// Its summary: the run, the window and its GPU-hours, both totals, what
// was spent beyond the work, and the schedule metrics.
std::string ReplaySummaryText(const ReplayHeadline& h, const report::CostReport& report,
                              const gpuledger::v1::RunMetrics& metrics);

// The figures a page about a run heads with (web/page.h), each with the
// digits the table report prints it with: the jobs' GPU-hours and the idle
// ones, both totals, the owned cluster's purchase price, the simulated window
// in days, the utilization (from the run's metrics; "" without them) and the
// break-even utilization of owning against renting ("never" when owning never
// breaks even; "" for a run with no owned cluster).
struct HeadlineFigures {
  std::string gpu_hours;
  std::string idle_gpu_hours;
  std::string rental_usd;
  std::string owned_usd;
  std::string capital_usd;
  std::string window_days;
  std::string utilization;
  std::string break_even;
};
HeadlineFigures Headline(const report::CostReport& report);

// Plain records (runs, jobs, usage entries) as a table, CSV or JSON array of
// objects; numeric columns are right-aligned and unquoted in JSON.
struct Records {
  std::vector<std::string> columns;
  std::vector<bool> numeric;
  std::vector<std::vector<std::string>> rows;
};
std::string FormatRecords(const Records& records, absl::string_view format);

// A CSV field: quoted when it holds a comma, quote or line break; a text a
// spreadsheet would take for a formula (=, +, -, @, tab or CR first) gets a leading
// apostrophe and quotes. Numbers stay as they are.
std::string CsvField(const std::string& v);

// "1,234,567" for an integer.
std::string WithThousands(int64_t v);
// `num / den` as a decimal with `places` digits, rounded half away from zero;
// with thousands separators if `grouped`.
std::string Decimal(__int128 num, __int128 den, int places, bool grouped = false);

// Dollars of `micro_usd` to `places` decimals (2: cents, 6: exact), rounded
// half away from zero, with thousands separators if `grouped`: the one
// formatter of every amount of money in every output (tables, CSV, JSON,
// FOCUS, compare). Prices per GPU-hour are exact decimals too (Decimal);
// the statistics of a run group over seeds (means of totals) are doubles,
// printed to the cent.
std::string Money(int64_t micro_usd, int places, bool grouped = false);

// Dollars per GPU-hour of `micro_usd` over `gpu_seconds`, exactly, to
// `places` decimals (rounded half away from zero); "0" to those places for
// no GPU-seconds.
std::string UsdPerGpuHour(int64_t micro_usd, int64_t gpu_seconds, int places);

// Rows of cells padded to columns two spaces apart; `left(i)` says which
// columns align left (the rest align right). An empty row is a rule.
std::string AlignedTable(const std::vector<std::vector<std::string>>& cells,
                         const std::function<bool(size_t)>& left);

}  // namespace gpuledger::report

#endif  // GPULEDGER_REPORT_FORMAT_H_

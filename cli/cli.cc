#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "base/calendar.h"
#include "report/cost.h"
#include "report/group.h"
#include "ledger/store.h"
#include "compare/compare.h"
#include "compare/sensitivity.h"
#include "report/focus.h"
#include "report/format.h"
#include "web/page.h"
#include "replay/metrics.h"
#include "report/metrics_text.h"
#include "server/query.h"
#include "server/server.h"
#include "replay/replay.h"
#include "traces/generate.h"
#include "traces/jobtrace.h"
#include "traces/plan.h"
#include "traces/pricing.h"
#include "traces/swf.h"

namespace gpuledger::cli {
namespace {

constexpr int kBadInput = 2;

// What --by accepts: the ledger's groupings, by name.
std::vector<std::string> GroupByNames() {
  std::vector<std::string> out;
  for (ledger::GroupBy by : ledger::kGroupBys) out.emplace_back(ledger::GroupByName(by));
  return out;
}
// Where replay, report, export and serve keep the ledger unless told
// otherwise: $GPULEDGER_LEDGER, else the user's data folder
// ($XDG_DATA_HOME, else ~/.local/share)/gpuledger/ledger.sqlite, never the
// folder the user happens to stand in (a source tree, say).
std::string DefaultLedger() {
  if (const char* env = std::getenv("GPULEDGER_LEDGER"); env != nullptr && *env != '\0') return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg == '/') {
    return absl::StrCat(xdg, "/gpuledger/ledger.sqlite");
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/') {
    return absl::StrCat(home, "/.local/share/gpuledger/ledger.sqlite");
  }
  return "";  // no home: --ledger must be given
}

absl::Status NoLedger() {
  return absl::InvalidArgumentError(
      "no ledger: give --ledger FILE (or set GPULEDGER_LEDGER, or HOME for the default "
      "~/.local/share/gpuledger/ledger.sqlite)");
}

// The default ledger's folder is made when a write first needs it.
void MakeLedgerFolder(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return;
  std::error_code ec;
  std::filesystem::create_directories(path.substr(0, slash), ec);
}

int Fail(std::ostream& err, const absl::Status& s) {
  err << "gpuledger: " << s.message() << "\n";
  return kBadInput;
}

// Opens a ledger to write into; a migration of its schema is said on `err`.
absl::StatusOr<std::unique_ptr<ledger::Ledger>> OpenToWrite(const std::string& path,
                                                            std::ostream& err, bool create = true) {
  if (create && path == DefaultLedger()) MakeLedgerFolder(path);
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::Open(path, create);
  if (l.ok() && (*l)->migrated_from() > 0) {
    err << "gpuledger: " << path << ": migrated the ledger from schema version "
        << (*l)->migrated_from() << " to " << ledger::kSchemaVersion << "\n";
  }
  return l;
}

struct ReplayArgs {
  std::string plan;
  std::string ledger;
  int64_t seed = 0;
  std::string format = "auto";
  int capacity = 0;
  int gpus_per_node = 1;
  bool gpus_per_node_set = false;
  std::string policy = "fcfs";
  int backfill_depth = -1;
  std::string schedule_out;
  std::optional<int> seeds;  // Monte Carlo: that many replays, seeds seed..seed+seeds-1
  int threads = 0;           // for them; 0: one per core
  std::string start_date;    // the calendar date of simulated second 0 (over the plan's)
  bool start_date_given = false;
};

struct ReportArgs {
  std::string ledger;
  std::optional<int64_t> run;
  std::optional<int64_t> group;
  std::optional<int64_t> comparison;  // a comparison compare kept
  std::string pricing;  // a pricing profile to reprice the run with
  std::string view = "both";
  std::string by = "job";
  std::string format = "table";
  bool partial = false;
  std::string html;  // write the run's HTML page here instead
  bool html_given = false;     // --html was on the command line (even as "")
  bool table_options = false;  // --by, --view or --format was
  bool by_or_view = false;     // --by or --view was
};


bool IsSwfInput(const ReplayArgs& a) {
  return a.format == "swf" || (a.format == "auto" && traces::IsSwfPath(a.plan));
}

// The replay's input: a plan, an SWF trace or a job trace, by --format or
// the file's name.
absl::StatusOr<traces::Workload> LoadReplayInput(const ReplayArgs& a) {
  const bool swf = IsSwfInput(a);
  const bool trace = a.format == "trace" || (a.format == "auto" && traces::IsJobTracePath(a.plan));
  return swf     ? traces::LoadSwfFile(a.plan, {a.capacity, a.gpus_per_node})
         : trace ? traces::LoadJobTraceFile(a.plan,
                                            {a.capacity, a.gpus_per_node_set ? a.gpus_per_node : 0})
                 : traces::LoadPlanFile(a.plan);
}

// `replay --seeds N`: a run group, and its report.
int DoReplayGroup(const ReplayArgs& a, const traces::Workload& w, scheduler::Policy policy,
                  std::ostream& out, std::ostream& err) {
  if (!a.schedule_out.empty()) {
    return Fail(err,
                absl::InvalidArgumentError("--schedule-out writes one replay; not with --seeds"));
  }
  if (absl::Status s = replay::CheckWorkload(w, {policy, a.backfill_depth}, a.seed); !s.ok()) {
    return Fail(err, s);
  }
  if (absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = OpenToWrite(a.ledger, err); !l.ok()) {
    return Fail(err, l.status());
  }
  absl::StatusOr<int64_t> group =
      replay::ReplayGroup(w, a.ledger, a.seed, *a.seeds, {policy, a.backfill_depth}, a.threads);
  if (!group.ok()) return Fail(err, group.status());
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::Open(a.ledger);
  if (!l.ok()) return Fail(err, l.status());
  absl::StatusOr<report::GroupReport> report = report::BuildGroupReport(**l, *group);
  if (!report.ok()) return Fail(err, report.status());
  out << report::FormatGroupReport(*report, "table") << "ledger " << a.ledger
      << "; again: gpuledger report --ledger " << a.ledger << " --group " << *group << "\n";
  return 0;
}

// --start-date, if given: the instant of simulated second 0.
absl::StatusOr<std::optional<int64_t>> StartDate(bool given, const std::string& text) {
  if (!given) return std::optional<int64_t>();
  absl::StatusOr<int64_t> t = base::ParseUtc(text);
  if (!t.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--start-date ", t.status().message()));
  }
  return std::optional<int64_t>(*t);
}

int DoReplay(const ReplayArgs& a, std::ostream& out, std::ostream& err) {
  if (a.ledger.empty()) return Fail(err, NoLedger());
  // Load and check the input before the ledger is even opened: bad input
  // changes nothing.
  absl::StatusOr<scheduler::Policy> policy = scheduler::ParsePolicy(a.policy);
  if (!policy.ok()) return Fail(err, policy.status());
  absl::StatusOr<std::optional<int64_t>> start_utc = StartDate(a.start_date_given, a.start_date);
  if (!start_utc.ok()) return Fail(err, start_utc.status());
  // One replay of an SWF trace reads it straight into the scheduler's jobs
  // (a large trace is then held once); everything else loads a workload.
  absl::StatusOr<replay::SchedulerJobs> jobs =
      IsSwfInput(a) && !a.seeds
          ? replay::ReadSwfJobs(a.plan, {a.capacity, a.gpus_per_node})
          : [&]() -> absl::StatusOr<replay::SchedulerJobs> {
              absl::StatusOr<traces::Workload> w = LoadReplayInput(a);
              if (!w.ok()) return w.status();
              if (a.seeds) return replay::SchedulerJobs{*std::move(w), {}, {}};
              return replay::ToSchedulerJobs(*std::move(w));
            }();
  if (!jobs.ok()) return Fail(err, jobs.status());
  if (*start_utc) jobs->workload.start_utc = *start_utc;
  if ((a.seeds && *a.seeds < 1) || a.threads < 0) {
    return Fail(err, absl::InvalidArgumentError(
                         "--seeds must be at least 1 and --threads must not be negative"));
  }
  // A group replays the workload once per seed: it keeps its plan jobs.
  if (a.seeds) return DoReplayGroup(a, jobs->workload, *policy, out, err);
  if (!a.schedule_out.empty()) {
    if (absl::Status s = replay::CheckScheduleOut(a.schedule_out, a.ledger); !s.ok())
      return Fail(err, s);
  }
  const traces::Workload& w = jobs->workload;
  report::ReplayHeadline h{
      0, w.name, 0, w.total_gpus(), w.gpu.name(), scheduler::PolicyName(*policy), a.seed};
  // Every check first, then the ledger (bad input creates no file).
  absl::StatusOr<std::unique_ptr<replay::ReplayRun>> prepared =
      replay::ReplayRun::Prepare(*std::move(jobs), a.seed, {*policy, a.backfill_depth});
  if (!prepared.ok()) return Fail(err, prepared.status());
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = OpenToWrite(a.ledger, err);
  if (!l.ok()) return Fail(err, l.status());
  absl::StatusOr<replay::ReplayResult> r =
      replay::ReplayPrepared(std::move(*prepared), **l, a.schedule_out);
  if (!r.ok()) return Fail(err, r.status());
  // Totals only: grouped by category, one pass over the entries, however
  // many jobs the run has.
  absl::StatusOr<report::CostReport> report =
      report::BuildCostReport(**l, r->run_id, ledger::GroupBy::kCategory, /*allow_partial=*/false);
  if (!report.ok()) return Fail(err, report.status());
  h.run_id = r->run_id;
  h.jobs_completed = r->summary.jobs_completed;
  h.window_seconds = r->summary.end - r->summary.start;
  h.busy_gpu_seconds = r->summary.busy_gpu_seconds;
  h.idle_gpu_seconds = r->summary.idle_gpu_seconds;
  out << report::ReplaySummaryText(h, *report, r->metrics) << "ledger " << a.ledger
      << "; details: gpuledger report --ledger " << a.ledger << " --run " << r->run_id << "\n";
  return 0;
}

// Writes `text` to `path` (the option `flag` named it) beside the target and
// renames it there, so a failure leaves nothing; `path` must not be the
// ledger.
// OK when a file can be written at `path` (the option `flag` named it): not
// the ledger, and in a folder that exists and can be written to.
absl::Status CheckWritable(const std::string& path, const std::string& ledger, const char* flag) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat(flag, ": needs a file name"));
  if (absl::Status s = replay::CheckOutputFile(path, ledger, flag); !s.ok()) return s;
  // Only a page may be replaced: never a plan, a strategies file, another
  // ledger or anything else that is not HTML.
  if (std::ifstream in(path, std::ios::binary); in) {
    char head[15] = {};
    in.read(head, sizeof head);
    const absl::string_view start(head, static_cast<size_t>(in.gcount()));
    if (!start.empty() && !absl::StartsWithIgnoreCase(start, "<!DOCTYPE html")) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag, ": ", path, " exists and is not an HTML page; refusing to write over it"));
    }
  }
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", path, ": the folder ", dir.string(), " does not exist"));
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, ": cannot write in ",
                                                   dir.string(), ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status WriteWhole(const std::string& path, const std::string& ledger, const char* flag,
                        absl::string_view text) {
  if (absl::Status s = CheckWritable(path, ledger, flag); !s.ok()) return s;
  const std::string tmp = path + ".partial";
  {
    std::ofstream file(tmp, std::ios::binary);
    if (!file || !file.write(text.data(), static_cast<std::streamsize>(text.size())) ||
        !file.flush()) {
      const int e = errno;
      std::remove(tmp.c_str());
      return absl::UnavailableError(absl::StrCat(path, ": cannot write: ", std::strerror(e)));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    return absl::UnavailableError(absl::StrCat(path, ": cannot write: ", std::strerror(e)));
  }
  return absl::OkStatus();
}

struct CompareArgs {
  std::string plan;
  std::string ledger;
  std::string strategies;  // file; "" for the default set
  std::string horizon;     // "4y", ...; "" for each replay's window
  std::vector<int> own_sizes;
  std::string policy = "fcfs";
  std::string format = "table";
  int64_t seed = 0;
  std::string html;  // also write the comparison's HTML page here
  bool html_given = false;
  std::string start_date;  // over the plan's start_date
  bool start_date_given = false;
  std::string discount_rate;  // "8%"; "" for 0
  bool cash_flow = false;     // print the cash flow by month
  std::vector<std::string> vary;  // FIELD=LOW..HIGH
};

int DoCompare(const CompareArgs& a, std::ostream& out, std::ostream& err) {
  absl::StatusOr<scheduler::Policy> policy = scheduler::ParsePolicy(a.policy);
  if (!policy.ok()) return Fail(err, policy.status());
  compare::CompareOptions o;
  o.policy = *policy;
  o.seed = a.seed;
  if (!a.horizon.empty()) {
    absl::StatusOr<int64_t> h = compare::ParseHorizon(a.horizon);
    if (!h.ok())
      return Fail(err,
                  absl::InvalidArgumentError(absl::StrCat("--horizon: ", h.status().message())));
    o.horizon_seconds = *h;
  }
  if (!a.discount_rate.empty()) {
    absl::StatusOr<double> rate = compare::ParseRate(a.discount_rate);
    if (!rate.ok()) {
      return Fail(err, absl::InvalidArgumentError(
                           absl::StrCat("--discount-rate: ", rate.status().message())));
    }
    o.discount_rate = *rate;
  }
  absl::StatusOr<std::optional<int64_t>> start_utc = StartDate(a.start_date_given, a.start_date);
  if (!start_utc.ok()) return Fail(err, start_utc.status());
  std::vector<compare::Variation> variations;
  for (const std::string& v : a.vary) {
    absl::StatusOr<compare::Variation> parsed = compare::ParseVariation(v);
    if (!parsed.ok()) return Fail(err, parsed.status());
    variations.push_back(*parsed);
  }
  std::vector<traces::StrategyPlace> where;
  absl::StatusOr<std::vector<v1::Strategy>> strategies =
      a.own_sizes.empty() ? traces::LoadStrategies(a.strategies, &where)
                          : compare::OwnSizeSweep(a.own_sizes);
  for (size_t i = 0; i < a.own_sizes.size(); ++i) {
    where.push_back({absl::StrCat("--own-sizes ", a.own_sizes[i])});
  }
  if (!strategies.ok()) return Fail(err, strategies.status());
  absl::StatusOr<traces::Workload> w = traces::LoadPlanFile(a.plan);
  if (!w.ok()) return Fail(err, w.status());
  if (*start_utc) w->start_utc = *start_utc;
  if ((a.cash_flow || !a.discount_rate.empty()) && !w->start_utc) {
    return Fail(err, absl::InvalidArgumentError(absl::StrCat(
                         a.plan, ": ", a.cash_flow ? "--cash-flow" : "--discount-rate",
                         " needs a dated plan (its cash flow is by calendar month): give the plan "
                         "a start_date, or --start-date")));
  }
  if (absl::Status s = compare::CheckStrategies(*w, *strategies, o, where); !s.ok())
    return Fail(err, s);
  if (absl::Status s = compare::CheckVariations(*w, *strategies, o, variations, where); !s.ok())
    return Fail(err, s);
  if (a.html_given) {  // before any replay: a bad path changes nothing
    if (absl::Status s = CheckWritable(a.html, a.ledger, "--html"); !s.ok()) return Fail(err, s);
  }
  // Without --ledger the runs live in memory for the comparison only.
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l =
      a.ledger.empty() ? ledger::Ledger::Open(":memory:") : OpenToWrite(a.ledger, err);
  if (!l.ok()) return Fail(err, l.status());
  int64_t comparison_id = 0;
  std::vector<int64_t> replayed;  // complete runs, in order, for a failure to name
  absl::StatusOr<std::vector<compare::StrategyResult>> results =
      compare::CompareStrategies(*w, *strategies, o, **l, where, &comparison_id, &replayed);
  if (!results.ok()) {
    // A replay that cannot finish is found only by running it: the runs
    // replayed before it stay in the ledger (each complete and sound; its
    // own is marked failed), and no comparison is kept. Say which.
    if (a.ledger.empty() || replayed.empty()) return Fail(err, results.status());
    return Fail(err, absl::Status(results.status().code(),
                                  absl::StrCat(results.status().message(),
                                               "; the comparison stops (no comparison is kept), "
                                               "and the ",
                                               replayed.size() == 1 ? "run replayed before it stays"
                                                                    : "runs replayed before it stay",
                                               " in the ledger: ",
                                               absl::StrJoin(replayed, ", "))));
  }
  std::optional<compare::Sensitivity> sensitivity;
  if (!variations.empty()) {
    absl::StatusOr<compare::Sensitivity> s =
        compare::Vary(*w, *strategies, o, variations, where, *results);
    if (!s.ok()) return Fail(err, s.status());
    sensitivity = *std::move(s);
  }
  size_t page_bytes = 0;
  if (!a.html.empty()) {
    const std::string page =
        web::ComparePage(w->name, *results, {}, "", sensitivity ? &*sensitivity : nullptr);
    if (absl::Status s = WriteWhole(a.html, a.ledger, "--html", page); !s.ok()) return Fail(err, s);
    page_bytes = page.size();
  }
  if (a.format == "table") {
    // A mixed cluster's pools, each as its GPUs and model.
    std::vector<std::string> cluster;
    for (const traces::ClusterPool& p : w->pools) {
      cluster.push_back(absl::StrCat(report::WithThousands(p.total_gpus()), " ", p.gpu.name()));
    }
    if (cluster.empty()) {
      cluster.push_back(absl::StrCat(report::WithThousands(w->total_gpus()), " ", w->gpu.name()));
    }
    out << "compare: " << w->name << " (" << absl::StrJoin(cluster, " + ") << " planned), " << results->size() << " strategies, " << a.policy
        << "\n\n";
  }
  out << compare::FormatComparison(*results, a.format);
  if (a.cash_flow) {
    out << (a.format == "table" ? "\n" : "") << compare::FormatCashFlow(*results, a.format);
  }
  if (sensitivity) {
    out << (a.format == "table" ? "\n" : "") << compare::FormatSensitivity(*sensitivity, a.format);
  }
  if (a.format == "table") {
    out << (a.ledger.empty()
                ? std::string("runs not kept: give --ledger FILE to keep one run per strategy\n")
                : absl::StrCat("ledger ", a.ledger, ": one run per strategy and comparison ",
                               comparison_id, "; gpuledger report --ledger ", a.ledger,
                               " --run ID --by pool, or --comparison ", comparison_id, "\n"));
    if (!a.html.empty()) {
      out << "wrote " << a.html << ": the comparison's page (" << report::WithThousands(page_bytes)
          << " bytes; open it in a browser, it needs nothing else)\n";
    }
  }
  return 0;
}

struct GenArgs {
  std::string preset;
  int64_t jobs = 0;
  uint64_t seed = 0;
  std::optional<int> cluster_gpus;  // the preset's unless given
  std::string output;
};

int DoGen(const GenArgs& a, std::ostream& out, std::ostream& err) {
  absl::StatusOr<v1::GeneratorPreset> preset = traces::LoadGeneratorPreset(a.preset);
  if (!preset.ok()) return Fail(err, preset.status());
  traces::GenerateOptions o;
  o.jobs = a.jobs;
  o.seed = a.seed;
  if (a.cluster_gpus && *a.cluster_gpus <= 0) {
    return Fail(err, absl::InvalidArgumentError(
                         absl::StrCat("--cluster-gpus must be positive, got ", *a.cluster_gpus)));
  }
  o.cluster_gpus = a.cluster_gpus.value_or(0);
  o.json = absl::EndsWith(a.output, ".jsonl") || absl::EndsWith(a.output, ".jsonl.gz");
  if (!traces::IsJobTracePath(a.output)) {
    return Fail(err, absl::InvalidArgumentError(absl::StrCat(
                         "-o: \"", a.output, "\" must end in .csv, .jsonl or either .gz")));
  }
  if (absl::Status s = traces::GenerateTraceFile(*preset, o, a.output); !s.ok())
    return Fail(err, s);
  out << "wrote " << report::WithThousands(a.jobs) << " jobs (preset " << preset->name()
      << ", seed " << a.seed << ") to " << a.output << "; replay: gpuledger replay " << a.output
      << "\n";
  return 0;
}

struct ExportArgs {
  std::string ledger;
  std::optional<int64_t> run;
  std::string format = "focus";
  std::string output;  // "" for standard output
  report::FocusOptions focus;
};

int DoExport(const ExportArgs& a, std::ostream& out, std::ostream& err) {
  if (a.ledger.empty()) return Fail(err, NoLedger());
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::OpenForReading(a.ledger);
  if (!l.ok()) return Fail(err, l.status());
  int64_t run_id = 0;
  if (a.run) {
    run_id = *a.run;
  } else {
    absl::StatusOr<ledger::RunRecord> latest = (*l)->LatestCompleteRun();
    if (!latest.ok()) return Fail(err, latest.status());
    run_id = latest->id;
  }
  if (a.output.empty()) {
    if (absl::Status s = report::ExportFocus(**l, run_id, a.focus, out); !s.ok())
      return Fail(err, s);
    return 0;
  }
  if (absl::Status s = replay::CheckOutputFile(a.output, a.ledger, "-o"); !s.ok())
    return Fail(err, s);
  // Write beside the target and rename, so a failed export leaves nothing.
  const std::string tmp = a.output + ".partial";
  {
    std::ofstream file(tmp, std::ios::binary);
    if (!file) {
      return Fail(err, absl::UnavailableError(
                           absl::StrCat(a.output, ": cannot write: ", std::strerror(errno))));
    }
    if (absl::Status s = report::ExportFocus(**l, run_id, a.focus, file); !s.ok()) {
      std::remove(tmp.c_str());
      return Fail(err, s);
    }
  }
  if (std::rename(tmp.c_str(), a.output.c_str()) != 0) {
    return Fail(err, absl::UnavailableError(absl::StrCat(a.output, ": cannot write")));
  }
  return 0;
}

// A report's page written to --html, and what was written ("run 3").
int WritePage(const ReportArgs& a, const absl::StatusOr<std::string>& page,
              const std::string& what, std::ostream& out, std::ostream& err) {
  if (!page.ok()) return Fail(err, page.status());
  if (absl::Status s = WriteWhole(a.html, a.ledger, "--html", *page); !s.ok()) return Fail(err, s);
  out << "wrote " << a.html << ": " << what << " (" << report::WithThousands(page->size())
      << " bytes; open it in a browser, it needs nothing else)\n";
  return 0;
}

// A comparison as the ledger keeps it: its table (or CSV) as printed when it
// ran, and a dated one's cash flow by month; or its page.
int ReportComparison(const ReportArgs& a, ledger::Ledger& l, std::ostream& out,
                     std::ostream& err) {
  if (!a.pricing.empty() || a.by_or_view) {
    return Fail(err, absl::InvalidArgumentError(
                         "--comparison prints a comparison as compare priced it; --pricing, --by "
                         "and --view are for runs"));
  }
  if (!a.html.empty()) {
    return WritePage(a, web::ComparisonPageOf(l, *a.comparison),
                     absl::StrCat("comparison ", *a.comparison), out, err);
  }
  if (a.format == "json") {
    return Fail(err, absl::InvalidArgumentError(
                         "--comparison prints as a table or CSV (--format table or csv); over gRPC "
                         "its results are messages"));
  }
  std::string plan;
  absl::StatusOr<v1::CompareStrategiesResponse> kept =
      compare::KeptComparison(l, *a.comparison, &plan);
  if (!kept.ok()) return Fail(err, kept.status());
  if (a.format == "csv") {
    out << kept->csv() << kept->cash_flow_csv();
    return 0;
  }
  out << "comparison " << *a.comparison << ": " << plan << ", " << kept->results_size()
      << " strategies\n\n"
      << kept->table();
  if (!kept->cash_flow_table().empty()) out << "\n" << kept->cash_flow_table();
  return 0;
}

int DoReport(const ReportArgs& a, std::ostream& out, std::ostream& err) {
  if (a.ledger.empty()) return Fail(err, NoLedger());
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::OpenForReading(a.ledger);
  if (!l.ok()) return Fail(err, l.status());
  if (a.html_given && a.html.empty()) {
    return Fail(err, absl::InvalidArgumentError("--html: needs a file name"));
  }
  if (!a.html.empty() && a.table_options) {
    return Fail(err, absl::InvalidArgumentError(
                         "--html writes the whole run's page; --by, --view and --format are for "
                         "the printed report (leave them out)"));
  }
  if (a.comparison) return ReportComparison(a, **l, out, err);
  if (a.group && !a.pricing.empty()) {
    return Fail(err, absl::InvalidArgumentError(
                         "--pricing reprices one run (--run); a group's figures are its runs' own"));
  }
  if (a.group && !a.html.empty()) {
    return WritePage(a, web::GroupPageOf(**l, *a.group), absl::StrCat("run group ", *a.group), out,
                     err);
  }
  if (a.group) {
    absl::StatusOr<report::GroupReport> group = report::BuildGroupReport(**l, *a.group);
    if (!group.ok()) return Fail(err, group.status());
    out << report::FormatGroupReport(*group, a.format);
    return 0;
  }
  int64_t run_id = 0;
  if (a.run) {
    run_id = *a.run;
  } else {
    absl::StatusOr<ledger::RunRecord> latest = (*l)->LatestCompleteRun();
    if (!latest.ok()) {
      return Fail(err,
                  absl::NotFoundError(absl::StrCat(a.ledger, ": ", latest.status().message())));
    }
    run_id = latest->id;
  }
  std::optional<v1::Pricing> profile;
  if (!a.pricing.empty()) {
    absl::StatusOr<v1::Pricing> p = traces::LoadPricingProfile(a.pricing);
    if (!p.ok()) return Fail(err, p.status());
    profile = *std::move(p);
  }
  ledger::GroupBy by = ledger::GroupBy::kJob;
  ledger::ParseGroupBy(a.by, &by);  // --by accepts only GroupByNames()
  absl::StatusOr<report::CostReport> report =
      report::BuildCostReport(**l, run_id, by, a.partial, profile ? &*profile : nullptr);
  if (!report.ok()) {
    absl::string_view message = report.status().message();
    if (!profile || !absl::ConsumePrefix(&message, "pricing_override."))
      return Fail(err, report.status());
    return Fail(err, absl::Status(report.status().code(),
                                  absl::StrCat("--pricing ", a.pricing, ": ", message)));
  }
  if (!a.html.empty()) {
    return WritePage(a, web::RunPageOf(**l, run_id, a.partial, profile ? &*profile : nullptr),
                     absl::StrCat("run ", run_id), out, err);
  }
  report::ReportOptions o;
  o.rental = a.view != "owned";
  o.owned = a.view != "rental";
  o.format = a.format;
  out << report::FormatReport(*report, o);
  return 0;
}

// Levenshtein distance, for "did you mean".
size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

CLI::App* AddReplay(CLI::App& app, ReplayArgs& replay) {
  CLI::App* c = app.add_subcommand(
      "replay", "Replay a plan (.textproto) into a SQLite ledger and print a summary");
  c->add_option("plan", replay.plan, "Plan file in protobuf text format")->required();
  replay.ledger = DefaultLedger();
  c->add_option("--ledger", replay.ledger, "Ledger file (created if missing)")
      ->capture_default_str();
  c->add_option("--seed", replay.seed, "Seed recorded with the run (random models draw from it)")
      ->capture_default_str();
  c->add_option("--seeds", replay.seeds,
                "Monte Carlo: replay N times with seeds --seed .. --seed+N-1, as one run group, "
                "and print the mean and 5th/95th percentiles");
  c->add_option("--threads", replay.threads, "Threads for --seeds (0: one per core; at most 256)")
      ->capture_default_str();
  c->add_option("--format", replay.format,
                "Input format: a plan (.textproto), an SWF trace (.swf, .swf.gz) or a job trace "
                "(.jsonl, .csv, either .gz; docs/traces.md); auto goes by the file name")
      ->check(CLI::IsMember({"auto", "plan", "swf", "trace"}))
      ->capture_default_str();
  c->add_option("--policy", replay.policy, "Scheduling policy")
      ->check(CLI::IsMember({"fcfs", "easy", "conservative", "priority"}))
      ->capture_default_str();
  c->add_option("--backfill-depth", replay.backfill_depth,
                "Waiting jobs a backfilling pass examines after the head (negative: all)")
      ->capture_default_str();
  c->add_option("--capacity", replay.capacity,
                "SWF: GPUs of the cluster (default: the trace's MaxProcs, else MaxNodes)");
  c->add_option("--gpus-per-node", replay.gpus_per_node,
                "GPUs per node (SWF: default 1; job traces: the file's, else the GPU model's)")
      ->capture_default_str();
  c->callback([&replay, c] {
    replay.gpus_per_node_set = c->count("--gpus-per-node") > 0;
    replay.start_date_given = c->count("--start-date") > 0;
  });
  c->add_option("--schedule-out", replay.schedule_out,
                "Also write the schedule as CSV: job_id,submit,start,end,gpus");
  c->add_option("--start-date", replay.start_date,
                "UTC date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) of simulated second 0; overrides the "
                "plan's start_date. Reports then group by real days, weeks, months, quarters");
  return c;
}

CLI::App* AddReport(CLI::App& app, ReportArgs& report) {
  CLI::App* c = app.add_subcommand("report", "Print the cost report of a run in a ledger");
  report.ledger = DefaultLedger();
  c->add_option("--ledger", report.ledger, "Ledger file")->capture_default_str();
  auto* run_opt = c->add_option("--run", report.run, "Run id (default: the newest complete run)");
  auto* group_opt =
      c->add_option("--group", report.group,
                    "Run group id (from replay --seeds): mean and percentiles over its runs")
          ->excludes(run_opt);
  c->add_option("--comparison", report.comparison,
                "Comparison id (kept by compare --ledger): its table as compare printed it, and a "
                "dated one's cash flow by month")
      ->excludes(run_opt)
      ->excludes(group_opt);
  c->add_option("--pricing", report.pricing,
                "Reprice the run with a pricing profile: a shipped one (on-demand, "
                "on-demand-hyperscaler, on-demand-falling, reserved-1y, reserved-3y, "
                "reserved-1y-market, owned-straight-line, owned-epoch, owned-financed) or a "
                ".textproto file");
  c->add_option("--view", report.view, "Which prices to show")
      ->check(CLI::IsMember({"rental", "owned", "both"}))
      ->capture_default_str();
  c->add_option("--by", report.by, "Group rows by (month and quarter: runs with a start date)")
      ->check(CLI::IsMember(GroupByNames()))
      ->capture_default_str();
  c->add_option("--format", report.format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  c->add_flag("--partial", report.partial,
              "Report a run that is not complete (its figures are partial)");
  c->add_option("--html", report.html,
                "Write the run's report as one HTML page with charts to this file (opens offline "
                "in any browser)");
  return c;
}

CLI::App* AddCompare(CLI::App& app, CompareArgs& compare) {
  CLI::App* c = app.add_subcommand(
      "compare",
      "Replay a plan under ways of getting its GPUs (owned, reserved, on-demand) and "
      "compare their costs");
  c->add_option("plan", compare.plan, "Plan file in protobuf text format")->required();
  c->add_option("--ledger", compare.ledger,
                "Keep each strategy's run in this ledger (created if missing); without it the "
                "replays are priced and not kept");
  auto* strategies_opt = c->add_option(
      "--strategies", compare.strategies,
      "Strategies file (gpuledger.v1.StrategySet); default: traces/strategies/default.textproto");
  c->add_option("--own-sizes", compare.own_sizes,
                "Sweep: own N GPUs and queue, for each N (e.g. 512,1024,2048,4096)")
      ->delimiter(',')
      ->excludes(strategies_opt);
  c->add_option("--horizon", compare.horizon,
                "Price every strategy over this long (4y, 90d, 2000h); default: each replay");
  c->add_option("--policy", compare.policy, "Scheduling policy")
      ->check(CLI::IsMember({"fcfs", "easy", "conservative", "priority"}))
      ->capture_default_str();
  c->add_option("--seed", compare.seed, "Seed (failures)")->capture_default_str();
  c->add_option("--format", compare.format, "Output format")
      ->check(CLI::IsMember({"table", "csv"}))
      ->capture_default_str();
  c->add_option("--html", compare.html,
                "Also write the comparison as one HTML page with charts to this file");
  c->add_option("--start-date", compare.start_date,
                "ISO 8601 date (UTC) of the plan's first second, over its start_date; a dated "
                "comparison adds each strategy's cash flow (docs/compare.md)");
  c->add_option("--discount-rate", compare.discount_rate,
                "Yearly rate the cash flow is discounted at for the present cost (8% or 0.08; "
                "default 0)");
  c->add_flag("--cash-flow", compare.cash_flow,
              "Also print each strategy's cash flow month by month (a dated plan)");
  c->add_option("--vary", compare.vary,
                absl::StrCat("Sensitivity: FIELD=LOW..HIGH, replayed at each end (repeatable; "
                             "fields: ",
                             absl::StrJoin(compare::kVaryFields, ", "), ")"));
  return c;
}

CLI::App* AddGen(CLI::App& app, GenArgs& gen) {
  CLI::App* c =
      app.add_subcommand("gen", "Generate a synthetic job trace from a preset (docs/traces.md)");
  c->add_option(
       "--preset", gen.preset,
       absl::StrCat("Preset: a shipped one (", absl::StrJoin(traces::GeneratorPresetNames(), ", "),
                    "; docs/traces.md) or a .textproto file"))
      ->required();
  c->add_option("--jobs", gen.jobs, "Jobs to generate")->required();
  c->add_option("--seed", gen.seed, "Seed: the same seed gives the same file")
      ->capture_default_str();
  c->add_option("--cluster-gpus", gen.cluster_gpus,
                "Cluster size written in the trace (default: the preset's)");
  c->add_option("-o,--output", gen.output, "Trace file: .csv or .jsonl, optionally .gz")
      ->required();
  return c;
}

CLI::App* AddExport(CLI::App& app, ExportArgs& exp) {
  CLI::App* c = app.add_subcommand("export", "Export a run's costs (FinOps FOCUS 1.3 CSV)");
  exp.ledger = DefaultLedger();
  c->add_option("--ledger", exp.ledger, "Ledger file")->capture_default_str();
  c->add_option("--run", exp.run, "Run id (default: the newest complete run)");
  c->add_option("--format", exp.format, "Export format")
      ->check(CLI::IsMember({"focus"}))
      ->capture_default_str();
  c->add_option("--view", exp.focus.view,
                "A plain replay's cluster as bought (owned) or rented by the GPU-hour (rental); "
                "strategy replays bill each entry by its pool")
      ->check(CLI::IsMember({"owned", "rental"}))
      ->capture_default_str();
  c->add_option("--epoch", exp.focus.epoch,
                "Calendar date of simulated second 0 (YYYY-MM-DD, UTC) for a run without a start "
                "date (a dated run's rows carry its own dates)")
      ->capture_default_str();
  c->add_option("--focus-version", exp.focus.version,
                "FOCUS version: 1.3 (current) or 1.2 (the columns and rows of the export before 1.3)")
      ->check(CLI::IsMember({"1.3", "1.2"}))
      ->capture_default_str();
  c->add_option("--dataset", exp.focus.dataset,
                "FOCUS dataset: cost-and-usage, or contract-commitment (1.3: one row per term of "
                "the run's reserved capacity)")
      ->check(CLI::IsMember({"cost-and-usage", "contract-commitment"}))
      ->capture_default_str();
  c->add_option("-o,--output", exp.output, "Write here instead of standard output");
  return c;
}

CLI::App* AddServe(CLI::App& app, server::ServeOptions& serve) {
  serve.traces_dir = GPULEDGER_DEFAULT_TRACES_DIR;
  CLI::App* c = app.add_subcommand(
      "serve", "Serve a ledger over gRPC (LedgerService, ReplayService, health, reflection)");
  serve.ledger_path = DefaultLedger();
  c->add_option("--ledger", serve.ledger_path, "Ledger file (created if missing)")
      ->capture_default_str();
  c->add_option("--listen", serve.listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  c->add_option("--http", serve.http,
                "Also serve a read-only web view of the ledger (its runs' and groups' pages) on "
                "this HOST:PORT, e.g. 127.0.0.1:8080 (port 0: any free port; loopback unless TLS "
                "or --insecure)");
  c->add_option("--speed", serve.speed,
                "Simulated seconds per wall-clock second for replays (86400: a day a "
                "second); 0 runs as fast as possible")
      ->capture_default_str();
  c->add_option("--max-replays", serve.max_replays, "Replays running at once")
      ->capture_default_str();
  c->add_option("--traces-dir", serve.traces_dir, "Where plans named in StartReplay live")
      ->capture_default_str();
  c->add_option("--max-message-bytes", serve.max_message_bytes,
                "Largest request or response, bytes")
      ->capture_default_str();
  // Exposure and limits (docs/security.md).
  c->add_option("--tls-cert", serve.tls_cert,
                "TLS certificate chain (PEM) for the gRPC port and the web view");
  c->add_option("--tls-key", serve.tls_key, "TLS private key (PEM) of --tls-cert");
  c->add_option("--tls-client-ca", serve.tls_client_ca,
                "Require client certificates signed by this CA (PEM)");
  c->add_flag("--insecure", serve.insecure,
              "Serve a non-loopback address without TLS (and so without tokens); prints a warning");
  c->add_option("--auth-tokens", serve.auth_tokens,
                "Tokens file: one \"TOKEN ROLE\" per line (role read or replay); every call then "
                "needs \"authorization: Bearer TOKEN\"");
  c->add_option("--allow-unauthenticated", serve.allow_unauthenticated,
                "Services open without a token: health, reflection")
      ->delimiter(',');
  c->add_option("--max-page-size", serve.max_page_size, "Rows a list call may ask for")
      ->capture_default_str();
  c->add_option("--max-replays-per-token", serve.max_replays_per_token,
                "Replays (and comparisons) one token runs at once; 0: --max-replays")
      ->capture_default_str();
  c->add_option("--max-watches", serve.max_watches, "WatchReplay streams open at once")
      ->capture_default_str();
  return c;
}

CLI::App* AddQuery(CLI::App& app, server::QueryOptions& query) {
  CLI::App* c = app.add_subcommand("query", "Ask a running gpuledger server");
  c->add_option("--server", query.server, "HOST:PORT of the server")->capture_default_str();
  c->add_option("--timeout", query.timeout_seconds, "Deadline of each call, seconds")
      ->capture_default_str();
  c->add_flag("--tls", query.tls, "Speak TLS, trusting the system's certificate authorities");
  c->add_option("--tls-ca", query.tls_ca, "Speak TLS, trusting this CA (PEM)");
  c->add_option("--tls-cert", query.tls_cert, "Client certificate (PEM), for servers that ask");
  c->add_option("--tls-key", query.tls_key, "Private key (PEM) of --tls-cert");
  c->add_option("--token-file", query.token_file,
                "Send the token in this file (default: $GPULEDGER_TOKEN, if set)");
  c->add_option("what", query.what, "runs, jobs, usage, report or group")
      ->required()
      ->check(CLI::IsMember({"runs", "jobs", "usage", "report", "group"}));
  c->add_option("--group", query.group,
                "group: the run group to summarize; runs: only that group's runs");
  c->add_option("--run", query.run, "Run id (default: the newest complete run)");
  c->add_option("--format", query.format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  c->add_option("--view", query.view, "report: which prices to show")
      ->check(CLI::IsMember({"rental", "owned", "both"}))
      ->capture_default_str();
  c->add_option("--by", query.by, "report: group rows by")
      ->check(CLI::IsMember(GroupByNames()))
      ->capture_default_str();
  c->add_flag("--partial", query.partial, "report: allow a run that is not complete");
  c->add_option("--rental-usd", query.rental_usd_per_gpu_hour,
                "report: what if rental cost this many USD per GPU-hour");
  c->add_option("--job", query.job, "usage: only this job");
  c->add_option("--phase", query.phase, "usage: only this phase");
  c->add_option("--category", query.category, "usage: only this category");
  c->add_option("--from", query.from_seconds, "usage: entries ending after this simulated second");
  c->add_option("--to", query.to_seconds, "usage: entries starting before this simulated second");
  return c;
}

// `gpuledger ledger migrate|repair LEDGER [--force]`.
struct LedgerArgs {
  std::string file;
  bool force = false;
};
struct LedgerCommands {
  CLI::App* ledger;
  CLI::App* migrate;
  CLI::App* repair;
  CLI::App* verify;
};
LedgerCommands AddLedger(CLI::App& app, LedgerArgs& a) {
  LedgerCommands c;
  c.ledger = app.add_subcommand("ledger", "Look after a ledger file");
  c.ledger->require_subcommand(1);
  c.migrate = c.ledger->add_subcommand(
      "migrate", "Upgrade a ledger's schema to this gpuledger's (readers never change a ledger)");
  c.migrate->add_option("ledger", a.file, "Ledger file")->required();
  c.repair = c.ledger->add_subcommand(
      "repair",
      "Mark runs left running by a writer that died as abandoned (their rows stay; "
      "reports never count them)");
  c.repair->add_option("ledger", a.file, "Ledger file")->required();
  c.verify = c.ledger->add_subcommand(
      "verify",
      "Check a ledger without changing it: SQLite's integrity check, every run's invariants "
      "and content digest (exit 0 if sound, 1 naming what differs)");
  c.verify->add_option("ledger", a.file, "Ledger file")->required();
  c.repair->add_flag(
      "--force", a.force,
      "Abandon every running run: also those whose writer cannot be checked (another "
      "host, before schema 6) or whose writer's process id is alive (it may have been "
      "reused); a replay still writing into the ledger then fails, its run abandoned");
  return c;
}

int DoLedgerMigrate(const LedgerArgs& a, std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::Open(a.file, false);
  if (!l.ok()) return Fail(err, l.status());
  if ((*l)->migrated_from() > 0) {
    out << a.file << ": migrated from schema version " << (*l)->migrated_from() << " to "
        << ledger::kSchemaVersion << "\n";
  } else {
    out << a.file << ": schema version " << ledger::kSchemaVersion << " is current\n";
  }
  return 0;
}

int DoLedgerRepair(const LedgerArgs& a, std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = OpenToWrite(a.file, err, false);
  if (!l.ok()) return Fail(err, l.status());
  absl::StatusOr<std::vector<ledger::Ledger::Repair>> done = (*l)->RepairRuns(a.force);
  if (!done.ok()) return Fail(err, done.status());
  int abandoned = 0;
  for (const auto& r : *done) {
    out << "run " << r.run << ": " << (r.abandoned ? "abandoned" : "left running") << " (" << r.why
        << ")\n";
    abandoned += r.abandoned;
  }
  out << a.file << ": " << abandoned << " run" << (abandoned == 1 ? "" : "s") << " abandoned, "
      << done->size() - abandoned << " left running\n";
  return 0;
}

// "3 complete, 1 running" of the counts by status, in RunStatus order.
std::string ByStatus(const std::map<std::string, int64_t>& counts) {
  std::string out;
  for (ledger::RunStatus st : {ledger::RunStatus::kComplete, ledger::RunStatus::kRunning,
                               ledger::RunStatus::kFailed, ledger::RunStatus::kCancelled,
                               ledger::RunStatus::kAbandoned}) {
    auto it = counts.find(ledger::RunStatusName(st));
    if (it == counts.end()) continue;
    absl::StrAppend(&out, out.empty() ? "" : ", ", it->second, " ", it->first);
  }
  return out;
}

int DoLedgerVerify(const LedgerArgs& a, std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::OpenForReading(a.file);
  if (!l.ok()) return Fail(err, l.status());
  absl::StatusOr<ledger::Verification> v = (*l)->Verify();
  if (!v.ok()) return Fail(err, absl::Status(v.status().code(),
                                             absl::StrCat(a.file, ": ", v.status().message())));
  for (const std::string& p : v->problems) out << a.file << ": " << p << "\n";
  const auto count = [](int64_t n, const char* one, const char* many) {
    return absl::StrCat(n, " ", n == 1 ? one : many);
  };
  std::string summary = v->sound() ? "sound: " : "NOT SOUND: ";
  if (!v->sound()) {
    absl::StrAppend(&summary, count(v->problem_count, "problem", "problems"), "; ");
  }
  absl::StrAppend(&summary, count(v->runs, "run", "runs"));
  if (v->runs > 0) absl::StrAppend(&summary, " (", ByStatus(v->runs_by_status), ")");
  absl::StrAppend(&summary, ", ", count(v->groups, "group", "groups"));
  if (v->incomplete_groups > 0) absl::StrAppend(&summary, " (", v->incomplete_groups, " incomplete)");
  absl::StrAppend(&summary, ", ", count(v->jobs, "job", "jobs"), ", ",
                  count(v->entries, "entry", "entries"), ", ", count(v->events, "event", "events"),
                  "; ", count(v->digests, "digest matches", "digests match"));
  out << a.file << ": " << summary << "\n";
  return v->sound() ? 0 : 1;
}

int DoServe(const server::ServeOptions& serve, std::ostream& out, std::ostream& err) {
  if (serve.ledger_path.empty()) return Fail(err, NoLedger());
  absl::Status s = server::Serve(serve, out, err);
  return s.ok() ? 0 : Fail(err, s);
}

int DoQuery(const server::QueryOptions& query, std::ostream& out, std::ostream& err) {
  absl::Status s = server::RunQuery(query, out);
  return s.ok() ? 0 : Fail(err, s);
}

// A word where a command belongs that is no command of `parent`: says so,
// naming the nearest, and returns true.
bool Unknown(const CLI::App& parent, const char* word, const std::string& what, std::ostream& err) {
  std::vector<std::string> names;
  for (const CLI::App* sub : parent.get_subcommands({})) names.push_back(sub->get_name());
  if (std::find(names.begin(), names.end(), word) != names.end()) return false;
  std::string nearest = names.front();
  for (const std::string& n : names) {
    if (EditDistance(word, n) < EditDistance(word, nearest)) nearest = n;
  }
  err << "gpuledger: unknown " << what << " \"" << word << "\""
      << (EditDistance(word, nearest) <= 2 ? absl::StrCat("; did you mean \"", nearest, "\"?") : "")
      << " (" << what << "s: " << absl::StrJoin(names, ", ") << ")\n";
  return true;
}

// CLI11's help lists an option's exclusions in the order of their addresses
// in memory, which differs from build to build; this lists them by name.
class StableFormatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* opt) const override {
    std::string text = CLI::Formatter::make_option_opts(opt);
    const std::string label = " " + get_label("Excludes") + ":";
    const size_t at = text.find(label);  // the last part CLI11 writes
    if (at == std::string::npos) return text;
    std::vector<std::string> names;
    for (const CLI::Option* o : opt->get_excludes()) names.push_back(o->get_name());
    std::sort(names.begin(), names.end());
    text.resize(at);
    text += label;
    for (const std::string& n : names) text += " " + n;
    return text;
  }
};

}  // namespace

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"gpuledger: replay GPU training plans and price every GPU-second"};
  app.name("gpuledger");
  app.formatter(std::make_shared<StableFormatter>());  // subcommands inherit it
  app.require_subcommand(1);
  ReplayArgs replay;
  ReportArgs report;
  CompareArgs compare;
  GenArgs gen;
  ExportArgs exp;
  server::ServeOptions serve;
  LedgerArgs lg;
  server::QueryOptions query;
  // In the order `gpuledger --help` lists them.
  CLI::App* rp = AddReplay(app, replay);
  CLI::App* rr = AddReport(app, report);
  CLI::App* cp = AddCompare(app, compare);
  CLI::App* gn = AddGen(app, gen);
  CLI::App* ex = AddExport(app, exp);
  CLI::App* sv = AddServe(app, serve);
  const LedgerCommands lgc = AddLedger(app, lg);
  CLI::App* qy = AddQuery(app, query);
  app.set_version_flag("--version", absl::StrCat("gpuledger ", GPULEDGER_VERSION,
                                                 " (ledger schema ", ledger::kSchemaVersion, ")"));
  if (argc > 1 && argv[1][0] != '-' && Unknown(app, argv[1], "command", err)) return kBadInput;
  if (argc > 2 && std::string_view(argv[1]) == "ledger" && argv[2][0] != '-' &&
      Unknown(*lgc.ledger, argv[2], "ledger command", err)) {
    return kBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? 0 : kBadInput;
  }
  if (rp->parsed()) return DoReplay(replay, out, err);
  if (cp->parsed()) {
    compare.html_given = cp->count("--html") > 0;
    compare.start_date_given = cp->count("--start-date") > 0;
    return DoCompare(compare, out, err);
  }
  if (ex->parsed()) {
    exp.focus.epoch_given = ex->count("--epoch") > 0;
    return DoExport(exp, out, err);
  }
  if (gn->parsed()) return DoGen(gen, out, err);
  if (lgc.migrate->parsed()) return DoLedgerMigrate(lg, out, err);
  if (lgc.repair->parsed()) return DoLedgerRepair(lg, out, err);
  if (lgc.verify->parsed()) return DoLedgerVerify(lg, out, err);
  if (sv->parsed()) return DoServe(serve, out, err);
  if (qy->parsed()) return DoQuery(query, out, err);
  if (rr->parsed()) {
    report.html_given = rr->count("--html") > 0;
    report.table_options = rr->count("--by") + rr->count("--view") + rr->count("--format") > 0;
    report.by_or_view = rr->count("--by") + rr->count("--view") > 0;
    return DoReport(report, out, err);
  }
  err << "gpuledger: no command given; see gpuledger --help\n";  // require_subcommand(1) prevents
                                                                 // it
  return kBadInput;
}

}  // namespace gpuledger::cli

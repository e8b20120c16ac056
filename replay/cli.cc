#include "replay/cli.h"

#include <CLI/CLI.hpp>

#include <optional>
#include <ostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/cost.h"
#include "ledger/store.h"
#include "replay/format.h"
#include "replay/replay.h"
#include "traces/plan.h"

namespace gpuledger::replay {
namespace {

constexpr int kBadInput = 2;

int Fail(std::ostream& err, const absl::Status& s) {
  err << "gpuledger: " << s.message() << "\n";
  return kBadInput;
}

struct ReplayArgs {
  std::string plan;
  std::string ledger;
  int64_t seed = 0;
};

struct ReportArgs {
  std::string ledger;
  std::optional<int64_t> run;
  std::string view = "both";
  std::string by = "job";
  std::string format = "table";
  bool partial = false;
};

int DoReplay(const ReplayArgs& a, std::ostream& out, std::ostream& err) {
  // Load and check the plan before the ledger is even opened: bad input
  // changes nothing.
  absl::StatusOr<traces::Workload> w = traces::LoadPlanFile(a.plan);
  if (!w.ok()) return Fail(err, w.status());
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::Open(a.ledger);
  if (!l.ok()) return Fail(err, l.status());
  absl::StatusOr<ReplayResult> r = ReplayWorkload(*w, **l, a.seed);
  if (!r.ok()) return Fail(err, r.status());

  const auto& s = r->summary;
  absl::StatusOr<ledger::CostReport> report =
      ledger::BuildCostReport(**l, r->run_id, "job", /*allow_partial=*/false);
  if (!report.ok()) return Fail(err, report.status());
  out << "run " << r->run_id << " complete: " << w->name << ", " << s.jobs_completed
      << " jobs on " << WithThousands(w->total_gpus()) << " " << w->gpu.name()
      << " (fcfs, seed " << a.seed << ")\n"
      << "simulated " << Decimal(s.end - s.start, 86400, 2) << " days; "
      << Decimal(s.busy_gpu_seconds, 3600, 2, true) << " GPU-hours used, "
      << Decimal(s.idle_gpu_seconds, 3600, 2, true) << " idle\n"
      << "rental $" << Decimal(report->total.rental_micro_usd, 1'000'000, 2, true)
      << "; owned $" << Decimal(report->total.owned_micro_usd, 1'000'000, 2, true)
      << " (idle capacity included)\n"
      << "ledger " << a.ledger << "; details: gpuledger report --ledger " << a.ledger
      << " --run " << r->run_id << "\n";
  return 0;
}

int DoReport(const ReportArgs& a, std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l =
      ledger::Ledger::Open(a.ledger, /*create=*/false);
  if (!l.ok()) return Fail(err, l.status());
  int64_t run_id = 0;
  if (a.run) {
    run_id = *a.run;
  } else {
    absl::StatusOr<ledger::RunRecord> latest = (*l)->LatestCompleteRun();
    if (!latest.ok()) {
      return Fail(err, absl::NotFoundError(absl::StrCat(a.ledger, ": ", latest.status().message())));
    }
    run_id = latest->id;
  }
  absl::StatusOr<ledger::CostReport> report =
      ledger::BuildCostReport(**l, run_id, a.by, a.partial);
  if (!report.ok()) return Fail(err, report.status());
  ReportOptions o;
  o.rental = a.view != "owned";
  o.owned = a.view != "rental";
  o.format = a.format;
  out << FormatReport(*report, o);
  return 0;
}

}  // namespace

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"gpuledger: replay GPU training plans and price every GPU-second"};
  app.name("gpuledger");
  app.require_subcommand(1);

  ReplayArgs replay;
  CLI::App* rp = app.add_subcommand(
      "replay", "Replay a plan (.textproto) into a SQLite ledger and print a summary");
  rp->add_option("plan", replay.plan, "Plan file in protobuf text format")->required();
  rp->add_option("--ledger", replay.ledger, "Ledger file (created if missing)")->required();
  rp->add_option("--seed", replay.seed,
                 "Seed recorded with the run (random models draw from it)")
      ->capture_default_str();

  ReportArgs report;
  CLI::App* rt = app.add_subcommand("report", "Print the cost report of a run in a ledger");
  rt->add_option("--ledger", report.ledger, "Ledger file")->required();
  rt->add_option("--run", report.run, "Run id (default: the newest complete run)");
  rt->add_option("--view", report.view, "Which prices to show")
      ->check(CLI::IsMember({"rental", "owned", "both"}))
      ->capture_default_str();
  rt->add_option("--by", report.by, "Group rows by")
      ->check(CLI::IsMember({"job", "phase", "project", "category", "day"}))
      ->capture_default_str();
  rt->add_option("--format", report.format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  rt->add_flag("--partial", report.partial,
               "Report a run that is not complete (its figures are partial)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? 0 : kBadInput;
  }
  if (rp->parsed()) return DoReplay(replay, out, err);
  return DoReport(report, out, err);
}

}  // namespace gpuledger::replay

// Issue 11: figures right under any input. Each test names the defect it
// guards (numbered as in the issue); each failed on the code before its fix.
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "report/cost.h"
#include "ledger/store.h"
#include "report/focus.h"
#include "report/format.h"
#include "tests/cli_test.h"

namespace gpuledger {
namespace {

const std::string kSource = GPULEDGER_SOURCE_DIR;
const std::string kDeepSeek = kSource + "/traces/deepseek-v3-r1.textproto";

class Robustness : public testing::CliTest {
 protected:
  // "123.456789" as micro-dollars.
  static int64_t Micro(const std::string& usd) {
    std::vector<std::string> parts = absl::StrSplit(usd, '.');
    int64_t whole = 0, frac = 0;
    EXPECT_TRUE(absl::SimpleAtoi(parts[0], &whole)) << usd;
    std::string f = parts.size() > 1 ? parts[1] : "";
    f.resize(6, '0');
    EXPECT_TRUE(absl::SimpleAtoi(f, &frac)) << usd;
    return whole * 1'000'000 + frac;
  }
  // Runs in the ledger, whatever their status; -1 if it cannot be opened.
  int Runs() {
    auto l = ledger::Ledger::Open(ledger_, /*create=*/false);
    if (!l.ok()) return -1;
    auto runs = (*l)->ListRuns();
    return runs.ok() ? static_cast<int>(runs->size()) : -1;
  }
};

// Defect 2: a huge submit time crashed the replay and left a run "running".
TEST_F(Robustness, HugeSubmitTimeIsRefusedAndWritesNothing) {
  ASSERT_EQ(Cli({"replay", kDeepSeek, "--ledger", ledger_}).code, 0);
  for (const char* t : {"9223372036854775807", "9223372036854775000"}) {
    const std::string plan = Write(
        "huge.textproto",
        absl::StrCat("jobs { id: \"a\" phase: PRETRAIN gpus: 8 gpu_hours: 5 submit_seconds: ", t,
                     " }\n"));
    Result r = Cli({"replay", plan, "--ledger", ledger_});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(absl::StrContains(r.err, "field submit_seconds must be in [0, 3155760000]"))
        << r.err;
    EXPECT_EQ(Runs(), 1);
  }
}

// Defect 2: jobs that could run past the longest representable replay are
// refused before anything is written (40 chained runs of 99 years).
TEST_F(Robustness, JobsPastTheLongestReplayAreRefused) {
  std::string plan = "cluster { nodes: 1 }\n";
  for (int i = 0; i < 40; ++i) {
    absl::StrAppend(&plan, "jobs { id: \"j", i,
                    "\" phase: PRETRAIN gpus: 8 wall_clock_hours: 867834",
                    i > 0 ? absl::StrCat(" after: \"j", i - 1, "\"") : "", " }\n");
  }
  Result r = Cli({"replay", Write("long.textproto", plan), "--ledger", ledger_});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "could run past simulated second 100000000000")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(ledger_));
}

// Defect 4: --schedule-out that cannot be written fails before the replay.
TEST_F(Robustness, UnwritableScheduleOutChangesNothing) {
  Result r =
      Cli({"replay", kDeepSeek, "--ledger", ledger_, "--schedule-out", "/nonexistent/x.csv"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--schedule-out: /nonexistent/x.csv: cannot write"))
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(ledger_));
  // A folder that exists but cannot be written (as root, permissions do not
  // stop us: a path under a regular file does).
  const std::string file = Write("file", "x");
  r = Cli({"replay", kDeepSeek, "--ledger", ledger_, "--schedule-out", file + "/x.csv"});
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(std::filesystem::exists(ledger_));
  // And a good one is written whole, with no .partial left.
  r = Cli({"replay", kDeepSeek, "--ledger", ledger_, "--schedule-out", Path("s.csv")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(Path("s.csv")));
  EXPECT_FALSE(std::filesystem::exists(Path("s.csv.partial")));
  EXPECT_EQ(Runs(), 1);
}

// Defect 6: gen --cluster-gpus 0 was ignored.
TEST_F(Robustness, GenRefusesZeroClusterGpus) {
  Result r =
      Cli({"gen", "--preset", "kalos", "--jobs", "10", "--cluster-gpus", "0", "-o", Path("k.csv")});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "gpuledger: --cluster-gpus must be positive, got 0\n");
  EXPECT_FALSE(std::filesystem::exists(Path("k.csv")));
}

// Defect 12: a huge own size is named as too big, not too small.
TEST_F(Robustness, HugeOwnSizeIsNamedAsTooBig) {
  Result r = Cli({"compare", kDeepSeek, "--ledger", ledger_, "--own-sizes", "100000000"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "committed capacity must be at most 10000000 GPUs"))
      << r.err;
  EXPECT_TRUE(
      absl::StartsWith(r.err, "gpuledger: --own-sizes 100000000: strategy \"own 100000000\""))
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(ledger_));
}

// Defect 3: prices the validator accepted overflowed into negative dollars.
TEST_F(Robustness, PricesBeyondTheBoundsAreRefused) {
  std::string text;
  {
    std::ifstream in(kDeepSeek);
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  Result r = Cli({"replay",
                  Write("p.textproto", text + "pricing { rental { usd_per_gpu_hour: 1e7 } "
                                              "owned { capital_usd_per_gpu: 1e11 } }\n"),
                  "--ledger", ledger_});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(
      r.err, "field pricing.rental.usd_per_gpu_hour must be in [0, 10000], got 1e+07"))
      << r.err;
  r = Cli({"replay",
           Write("c.textproto", text + "pricing { owned { capital_usd_per_gpu: 1e11 } }\n"),
           "--ledger", ledger_});
  EXPECT_TRUE(
      absl::StrContains(r.err, "field pricing.owned.capital_usd_per_gpu must be in [0, 1e+08]"))
      << r.err;
  // Within the bounds, but a plan whose cost could pass int64 micro-dollars.
  r = Cli({"replay",
           Write("big.textproto",
                 "cluster { nodes: 1000000 }\npricing { rental { usd_per_gpu_hour: 10000 } }\n"
                 "jobs { id: \"a\" phase: PRETRAIN gpus: 8 wall_clock_hours: 876000 }\n"),
           "--ledger", ledger_});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "could cost more than $9,223,372,036,854.78")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(ledger_));
}

// Defect 8: every grouping of a report sums to the same totals, and the FOCUS
// export's EffectiveCost to the report's, to the micro-dollar.
TEST_F(Robustness, EveryGroupingSumsToOneTotal) {
  for (const std::string& plan :
       {kDeepSeek, kSource + "/traces/deepseek-v3-r1-failures.textproto"}) {
    ASSERT_EQ(Cli({"replay", plan, "--ledger", ledger_}).code, 0);
    std::string first_total;
    for (const char* by : {"job", "phase", "project", "category", "pool", "day"}) {
      Result r = Cli({"report", "--ledger", ledger_, "--by", by, "--format", "csv"});
      ASSERT_EQ(r.code, 0) << r.err;
      std::vector<std::string> lines = absl::StrSplit(absl::StripSuffix(r.out, "\n"), '\n');
      // Columns: group, GPU-hours, rental, owned, ...: the rows above the
      // total add up to it, in micro-dollars.
      int64_t rental = 0, owned = 0, hours = 0;  // hours in micro-hours
      for (size_t i = 1; i + 1 < lines.size(); ++i) {
        std::vector<std::string> f = absl::StrSplit(lines[i], ',');
        hours += Micro(f[f.size() - 6]);
        rental += Micro(f[f.size() - 5]);
        owned += Micro(f[f.size() - 4]);
      }
      std::vector<std::string> total = absl::StrSplit(lines.back(), ',');
      EXPECT_EQ(hours, Micro(total[1])) << by;  // the GPU-hours column adds up too
      EXPECT_EQ(rental, Micro(total[2])) << by;
      EXPECT_EQ(owned, Micro(total[3])) << by;
      const std::string t = absl::StrJoin(total.begin() + 1, total.begin() + 4, ",");
      if (first_total.empty()) first_total = t;
      EXPECT_EQ(t, first_total) << "--by " << by;
    }
    std::vector<std::string> total = absl::StrSplit(first_total, ',');
    for (const char* view : {"owned", "rental"}) {
      auto l = ledger::Ledger::Open(ledger_, false);
      ASSERT_TRUE(l.ok());
      auto run = (*l)->LatestCompleteRun();
      report::FocusOptions o;
      o.view = view;
      report::FocusTotals sums;
      std::ostringstream csv;
      ASSERT_TRUE(report::ExportFocus(**l, run->id, o, csv, &sums).ok());
      EXPECT_EQ(sums.effective, Micro(total[std::string(view) == "owned" ? 2 : 1])) << view;
    }
  }
}

// Defect 7: read commands never write: not into another SQLite file, not a
// migration of an old ledger; a write migrates and says so.
TEST_F(Robustness, ReadersNeverWriteAndWritersSayTheyMigrated) {
  auto bytes = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  const std::string other = Path("other.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", nullptr, nullptr,
                           nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  const std::string before = bytes(other);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"report", "--ledger", other},
        {"export", "--ledger", other, "--run", "1"},
        {"replay", kDeepSeek, "--ledger", other}}) {
    Result r = Cli(args);
    EXPECT_EQ(r.code, 2) << args[0];
    EXPECT_TRUE(absl::StrContains(r.err, other + ": not a gpuledger ledger")) << r.err;
    EXPECT_EQ(bytes(other), before) << args[0];
  }
  const std::string old = Path("v1.sqlite");
  std::filesystem::copy_file(GPULEDGER_TEST_DATA "/ledger_v1.sqlite", old);
  const std::string v1 = bytes(old);
  Result r = Cli({"report", "--ledger", old});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "gpuledger: " + old +
                       ": ledger schema version 1 is older than this gpuledger's (" +
                       std::to_string(ledger::kSchemaVersion) +
                       "); reading never changes a ledger: upgrade it first with gpuledger ledger "
                       "migrate " +
                       old + "\n");
  EXPECT_EQ(bytes(old), v1);
  r = Cli({"ledger", "migrate", old});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, old + ": migrated from schema version 1 to " +
                       std::to_string(ledger::kSchemaVersion) + "\n");
  EXPECT_EQ(Cli({"report", "--ledger", old}).code, 0);
  EXPECT_EQ(Cli({"ledger", "migrate", old}).out,
            old + ": schema version " + std::to_string(ledger::kSchemaVersion) + " is current\n");
  // A replay into an old ledger migrates it and says so.
  const std::string again = Path("again.sqlite");
  std::filesystem::copy_file(GPULEDGER_TEST_DATA "/ledger_v1.sqlite", again);
  r = Cli({"replay", kDeepSeek, "--ledger", again});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, again + ": migrated the ledger from schema version 1"))
      << r.err;
  // A missing ledger is named; a folder is not a ledger.
  EXPECT_EQ(Cli({"report", "--ledger", Path("none.sqlite")}).err,
            "gpuledger: " + Path("none.sqlite") + ": no such ledger\n");
  EXPECT_FALSE(std::filesystem::exists(Path("none.sqlite")));
  EXPECT_EQ(Cli({"report", "--ledger", dir_.string()}).err,
            "gpuledger: " + dir_.string() + ": is a folder, not a ledger file\n");
}

// Defect 13: the JSON's names say what the table's words say.
TEST_F(Robustness, JsonNamesTheOwnedRatesAsTheTableDoes) {
  ASSERT_EQ(Cli({"replay", kDeepSeek, "--ledger", ledger_}).code, 0);
  const std::string json = Cli({"report", "--ledger", ledger_, "--format", "json"}).out;
  const std::string table = Cli({"report", "--ledger", ledger_}).out;
  auto after = [](const std::string& text, const std::string& key, size_t n) {
    const size_t at = text.find(key);
    return at == std::string::npos ? std::string() : text.substr(at + key.size(), n);
  };
  auto before = [](const std::string& text, const std::string& key) {
    const size_t at = text.find(key);
    if (at == std::string::npos) return std::string();
    const size_t dollar = text.rfind('$', at);
    return text.substr(dollar + 1, at - dollar - 2);
  };
  // "$0.8085 per busy GPU-hour" and "$0.9300 per GPU-hour used".
  const std::string busy = before(table, "per busy GPU-hour");
  const std::string used = before(table, "per GPU-hour used, idle capacity included");
  ASSERT_FALSE(busy.empty());
  ASSERT_FALSE(used.empty());
  EXPECT_EQ(after(json, "\"usd_per_busy_gpu_hour\": ", busy.size()), busy);
  EXPECT_EQ(after(json, "\"usd_per_gpu_hour_used\": ", used.size()), used);
  EXPECT_EQ(json.find("\"usd_per_gpu_hour\": "),
            json.find("\"rental\": {\"usd_per_gpu_hour\": ") + 11);
}

// Defect 15: file errors say what is wrong with the file.
TEST_F(Robustness, FileErrorsSayWhatIsWrong) {
  Result r = Cli({"replay", dir_.string(), "--ledger", ledger_});
  EXPECT_EQ(r.err, "gpuledger: " + dir_.string() + ": is a folder, not a plan file\n");
  r = Cli({"replay", Path("missing.textproto"), "--ledger", ledger_});
  EXPECT_EQ(r.err, "gpuledger: " + Path("missing.textproto") +
                       ": cannot read plan file: No such file or directory\n");
  const std::string trace =
      Write("t.csv", "# cluster_gpus: 8\nid,submit_seconds,gpus,run_seconds\na,0,8,10\n");
  r = Cli({"compare", trace, "--ledger", ledger_});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "gpuledger: " + trace +
                       ": is a trace, not a plan (.textproto); gpuledger replay takes traces\n");
  EXPECT_FALSE(std::filesystem::exists(ledger_));
}

// Defect 19: what was silently accepted is refused.
TEST_F(Robustness, NothingIsSilentlyAccepted) {
  Result r = Cli({"replay", kDeepSeek, "--ledger", ledger_, "--seeds", "0"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "gpuledger: --seeds must be at least 1 and --threads must not be negative\n");
  EXPECT_FALSE(std::filesystem::exists(ledger_));
  r = Cli(
      {"serve", "--ledger", ledger_, "--traces-dir", "/nonexistent", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--traces-dir: /nonexistent: no such folder")) << r.err;
  ASSERT_EQ(Cli({"replay", kDeepSeek, "--ledger", ledger_}).code, 0);
  r = Cli({"report", "--ledger", ledger_, "--pricing", "reserved-1y"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(
      absl::StrContains(r.err, "--pricing reserved-1y: reserved: run 1 has no reserved capacity"))
      << r.err;
  EXPECT_EQ(Cli({"report", "--ledger", ledger_, "--pricing", "owned-epoch"}).code, 0);
}

// Defect 20: a version, the nearest command for a misspelt one, every preset.
TEST_F(Robustness, VersionNearestCommandAndEveryPreset) {
  Result r = Cli({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, absl::StrCat("gpuledger ", GPULEDGER_VERSION_FOR_TEST, " (ledger schema ",
                                ledger::kSchemaVersion, ")\n"));
  r = Cli({"reploy", "plan.textproto"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(
      absl::StartsWith(r.err, "gpuledger: unknown command \"reploy\"; did you mean \"replay\"?"))
      << r.err;
  r = Cli({"ledger", "reapir", "x.sqlite"});
  EXPECT_TRUE(absl::StartsWith(
      r.err, "gpuledger: unknown ledger command \"reapir\"; did you mean \"repair\"?"))
      << r.err;
  r = Cli({"gen", "--help"});
  for (const char* preset : {"kalos", "seren", "pretrain-campaign", "rl-campaign"}) {
    EXPECT_TRUE(absl::StrContains(r.out, preset)) << preset << "\n" << r.out;
  }
}

// Defect 21: fields a spreadsheet would run as formulas are shown as text.
TEST_F(Robustness, CsvFieldsAreNeverFormulas) {
  EXPECT_EQ(report::CsvField("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(report::CsvField("+1+2"), "\"'+1+2\"");
  EXPECT_EQ(report::CsvField("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(report::CsvField("-2+3"), "\"'-2+3\"");
  EXPECT_EQ(report::CsvField("-2.5"), "-2.5");  // a number stays a number
  EXPECT_EQ(report::CsvField("plain"), "plain");
  const std::string plan =
      Write("f.textproto",
            "jobs { id: \"a\" project: \"=HYPERLINK(1)\" phase: RL gpus: 8 gpu_hours: 1 }\n");
  ASSERT_EQ(Cli({"replay", plan, "--ledger", ledger_}).code, 0);
  Result r = Cli({"report", "--ledger", ledger_, "--by", "project", "--format", "csv"});
  EXPECT_TRUE(absl::StrContains(r.out, "\n\"'=HYPERLINK(1)\",")) << r.out;
  r = Cli({"export", "--ledger", ledger_});
  EXPECT_TRUE(absl::StrContains(r.out, ",\"'=HYPERLINK(1)\",")) << r.out;
  EXPECT_FALSE(absl::StrContains(r.out, ",=HYPERLINK"));
}

// Defect 22: a run left running by a writer that died can be closed.
TEST_F(Robustness, RepairAbandonsRunsWhoseWriterDied) {
  ledger::RunRecord run;
  run.plan_name = "p";
  run.gpu_model = "H800";
  run.nodes = 1;
  run.gpus_per_node = 8;
  run.policy = "fcfs";
  // A writer in another process that dies mid-run.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto l = ledger::Ledger::Open(ledger_);
    if (!l.ok()) _exit(1);
    auto w = (*l)->StartRun(run, std::vector<ledger::JobRecord>{});
    if (!w.ok() || !(*w)->Flush().ok()) _exit(1);
    _exit(0);  // no Finish: the run stays "running"
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  // And one this process is still writing.
  auto l = ledger::Ledger::Open(ledger_);
  ASSERT_TRUE(l.ok());
  auto live = (*l)->StartRun(run, std::vector<ledger::JobRecord>{});
  ASSERT_TRUE(live.ok());
  ASSERT_TRUE((*live)->Flush().ok());

  Result r = Cli({"ledger", "repair", ledger_});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(
      r.out, absl::StrCat("run 1: abandoned (its writer (process ", child, ") is gone)")))
      << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "run 2: left running (its writer (process")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, ": 1 run abandoned, 1 left running")) << r.out;
  EXPECT_EQ((*l)->GetRun(1)->status, ledger::RunStatus::kAbandoned);
  r = Cli({"report", "--ledger", ledger_, "--run", "1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "run 1 is abandoned, not complete")) << r.err;
  // Abandoned is final: the append-only rules refuse any change to it.
  EXPECT_NE(sqlite3_exec((*l)->db(), "UPDATE runs SET status = 'complete' WHERE run_id = 1",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  // --force abandons a run whose writer's process id is alive (it may be reused).
  r = Cli({"ledger", "repair", "--force", ledger_});
  EXPECT_TRUE(absl::StrContains(r.out, "run 2: abandoned (forced)")) << r.out;
  EXPECT_FALSE((*live)->Finish(ledger::RunStatus::kComplete, 0, 0).ok());  // abandoned is final
}

// Defect 23: time blocked on `after` dependencies is not queueing delay.
TEST_F(Robustness, WaitIsQueueingDelayApartFromDependencies) {
  // b waits an hour for a; c (16 GPUs on a 16-GPU cluster) queues behind both
  // after its dependency a ends.
  const std::string plan =
      Write("d.textproto",
            "cluster { nodes: 2 }\n"
            "jobs { id: \"a\" phase: PRETRAIN gpus: 8 wall_clock_hours: 1 }\n"
            "jobs { id: \"b\" phase: SFT gpus: 8 wall_clock_hours: 2 after: \"a\" }\n"
            "jobs { id: \"c\" phase: RL gpus: 16 wall_clock_hours: 1 after: \"a\" }\n");
  ASSERT_EQ(Cli({"replay", plan, "--ledger", ledger_}).code, 0);
  Result r = Cli({"report", "--ledger", ledger_, "--format", "json"});
  // a: ready 0, starts 0. b: ready 3600, starts 3600. c: ready 3600, starts
  // when b ends at 10800: queued 7200 s. Dependencies: (0 + 3600 + 3600) / 3.
  EXPECT_TRUE(absl::StrContains(r.out, "\"wait_mean_seconds\": 2400.000")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "\"dependency_wait_mean_seconds\": 2400.0")) << r.out;
  // Bounded slowdown counts the queueing delay only: (1 + 1 + (7200 + 3600) / 3600) / 3.
  EXPECT_TRUE(absl::StrContains(r.out, "\"bounded_slowdown_mean\": 1.666667")) << r.out;
}

// Defect 24: the default ledger lives in the user's data folder, not the
// working folder, and compare keeps no runs unless asked to.
TEST_F(Robustness, DefaultLedgerIsTheUsersAndCompareKeepsNothingByDefault) {
  const std::string home = Path("home");
  const char* old_home = std::getenv("HOME");
  const std::string saved_home = old_home ? old_home : "";
  setenv("HOME", home.c_str(), 1);
  unsetenv("XDG_DATA_HOME");
  unsetenv("GPULEDGER_LEDGER");
  const auto cwd = std::filesystem::current_path();
  std::filesystem::create_directories(Path("work"));
  std::filesystem::current_path(Path("work"));
  Result r = Cli({"replay", kDeepSeek});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string expected = home + "/.local/share/gpuledger/ledger.sqlite";
  EXPECT_TRUE(std::filesystem::exists(expected));
  EXPECT_TRUE(std::filesystem::is_empty(Path("work")));
  EXPECT_EQ(Cli({"report", "--by", "phase"}).code, 0);
  r = Cli({"compare", kDeepSeek});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "runs not kept: give --ledger FILE")) << r.out;
  EXPECT_TRUE(std::filesystem::is_empty(Path("work")));
  auto l = ledger::Ledger::OpenForReading(expected);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ((*l)->ListRuns()->size(), 1u);  // compare added none
  setenv("GPULEDGER_LEDGER", Path("env.sqlite").c_str(), 1);
  EXPECT_EQ(Cli({"replay", kDeepSeek}).code, 0);
  EXPECT_TRUE(std::filesystem::exists(Path("env.sqlite")));
  unsetenv("GPULEDGER_LEDGER");
  std::filesystem::current_path(cwd);
  setenv("HOME", saved_home.c_str(), 1);
}

// From the review of this fixes: outputs never overwrite the ledger,
// a folder is no output file, and the checks come before the replay.
TEST_F(Robustness, OutputsNeverOverwriteTheLedger) {
  ASSERT_EQ(Cli({"replay", kDeepSeek, "--ledger", ledger_}).code, 0);
  for (const std::string& target : {ledger_, ledger_ + "-wal", dir_.string()}) {
    if (!std::filesystem::exists(target)) continue;
    Result r = Cli({"replay", kDeepSeek, "--ledger", ledger_, "--schedule-out", target});
    EXPECT_EQ(r.code, 2) << target;
    EXPECT_TRUE(absl::StrContains(r.err, "--schedule-out: " + target)) << r.err;
    EXPECT_EQ(Runs(), 1) << target;  // nothing replayed, nothing destroyed
  }
  Result r = Cli({"export", "--ledger", ledger_, "-o", ledger_});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "gpuledger: -o: " + ledger_ + " is the ledger " + ledger_ +
                       "; writing there would destroy it\n");
  EXPECT_EQ(Runs(), 1);
  r = Cli({"export", "--ledger", ledger_, "-o", "/nonexistent/x.csv"});
  EXPECT_EQ(r.err, "gpuledger: /nonexistent/x.csv: cannot write: No such file or directory\n");
  // A ledger not created yet, named the same (found by a golden transcript:
  // the schedule was written over the new ledger's file, its rows left in
  // the WAL).
  const std::string fresh = Path("fresh.sqlite");
  r = Cli({"replay", kDeepSeek, "--ledger", fresh, "--schedule-out", Path("./fresh.sqlite")});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "gpuledger: --schedule-out: " + Path("./fresh.sqlite") + " is the ledger " +
                       fresh + "; writing there would destroy it\n");
  EXPECT_FALSE(std::filesystem::exists(fresh));
  r = Cli({"replay", kDeepSeek, "--ledger", fresh, "--schedule-out", fresh + "-wal"});
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(std::filesystem::exists(fresh));
}

// A ledger in a folder its reader cannot write (as a user who is not root:
// root writes anywhere) is read, as immutable.
TEST_F(Robustness, AReaderWhoCannotWriteTheFolderReadsTheLedger) {
  if (getuid() != 0) GTEST_SKIP() << "needs root to act as another user";
  const std::string folder = Path("ro");
  std::filesystem::create_directories(folder);
  const std::string ledger = folder + "/l.sqlite";
  ASSERT_EQ(Cli({"replay", kDeepSeek, "--ledger", ledger}).code, 0);
  std::filesystem::permissions(
      folder, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                  std::filesystem::perms::group_read | std::filesystem::perms::group_exec |
                  std::filesystem::perms::others_read | std::filesystem::perms::others_exec);
  std::filesystem::permissions(dir_, std::filesystem::perms::others_exec,
                               std::filesystem::perm_options::add);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    auto l = ledger::Ledger::OpenForReading(ledger);
    if (!l.ok()) _exit(1);
    auto report = report::BuildCostReport(**l, 1, ledger::GroupBy::kJob, false);
    _exit(report.ok() && report->total.rental_micro_usd > 0 ? 0 : 2);
  }
  int status = 0;
  waitpid(child, &status, 0);
  std::filesystem::permissions(folder, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: open failed, 2: report failed, 3: no user 65534";
}

TEST_F(Robustness, ManyThreadsAndUnknownEnumValuesAndNoHome) {
  const std::string tiny = Write("tiny.textproto",
                                 "cluster { nodes: 1 }\n"
                                 "jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }\n");
  Result r = Cli({"replay", tiny, "--ledger", ledger_, "--seeds", "300", "--threads", "100000"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Runs(), 300);
  r = Cli({"gen", "--preset", "kalos", "--jobs", "10", "--cluster-gpus", "100000000", "-o",
           Path("g.csv")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--cluster-gpus must be in [1, 10000000]")) << r.err;
  // Without HOME or GPULEDGER_LEDGER there is no default ledger: never the working folder.
  const char* home = std::getenv("HOME");
  const std::string saved = home ? home : "";
  unsetenv("HOME");
  unsetenv("GPULEDGER_LEDGER");
  unsetenv("XDG_DATA_HOME");
  r = Cli({"replay", tiny});
  setenv("HOME", saved.c_str(), 1);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "no ledger: give --ledger FILE")) << r.err;
  EXPECT_FALSE(std::filesystem::exists("gpuledger.sqlite"));
}

}  // namespace
}  // namespace gpuledger

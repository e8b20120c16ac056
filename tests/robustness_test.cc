// Issue 11: figures right under any input. Each test names the defect it
// guards (numbered as in the issue); each failed on the code before its fix.
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ledger/store.h"
#include "tests/cli_test.h"

namespace gpuledger {
namespace {

const std::string kSource = GPULEDGER_SOURCE_DIR;
const std::string kDeepSeek = kSource + "/traces/deepseek-v3-r1.textproto";

class Robustness : public testing::CliTest {
 protected:
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
    const std::string plan = Write("huge.textproto", absl::StrCat(
        "jobs { id: \"a\" phase: PRETRAIN gpus: 8 gpu_hours: 5 submit_seconds: ", t, " }\n"));
    Result r = Cli({"replay", plan, "--ledger", ledger_});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(absl::StrContains(r.err, "field submit_seconds must be in [0, 3155760000]")) << r.err;
    EXPECT_EQ(Runs(), 1);
  }
}

// Defect 2: jobs that could run past the longest representable replay are
// refused before anything is written (40 chained runs of 99 years).
TEST_F(Robustness, JobsPastTheLongestReplayAreRefused) {
  std::string plan = "cluster { nodes: 1 }\n";
  for (int i = 0; i < 40; ++i) {
    absl::StrAppend(&plan, "jobs { id: \"j", i, "\" phase: PRETRAIN gpus: 8 wall_clock_hours: 867834",
                    i > 0 ? absl::StrCat(" after: \"j", i - 1, "\"") : "", " }\n");
  }
  Result r = Cli({"replay", Write("long.textproto", plan), "--ledger", ledger_});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "could run past simulated second 100000000000")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(ledger_));
}

// Defect 4: --schedule-out that cannot be written fails before the replay.
TEST_F(Robustness, UnwritableScheduleOutChangesNothing) {
  Result r = Cli({"replay", kDeepSeek, "--ledger", ledger_, "--schedule-out", "/nonexistent/x.csv"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--schedule-out: /nonexistent/x.csv: cannot write")) << r.err;
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
  Result r = Cli({"gen", "--preset", "kalos", "--jobs", "10", "--cluster-gpus", "0", "-o", Path("k.csv")});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "gpuledger: --cluster-gpus must be positive, got 0\n");
  EXPECT_FALSE(std::filesystem::exists(Path("k.csv")));
}

// Defect 12: a huge own size is named as too big, not too small.
TEST_F(Robustness, HugeOwnSizeIsNamedAsTooBig) {
  Result r = Cli({"compare", kDeepSeek, "--ledger", ledger_, "--own-sizes", "100000000"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "committed capacity must be at most 10000000 GPUs")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(ledger_));
}

}  // namespace
}  // namespace gpuledger

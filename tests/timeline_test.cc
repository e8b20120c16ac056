// The timeline pictures are drawn from (report/timeline.h) against the
// ledger's own figures: per bucket, every GPU of the cluster is in exactly
// one series; each series summed over the buckets is what the report by
// category (or phase, or project) says; each view's costs add up to the
// report's totals to the micro-dollar, for plain replays, failures and
// repairs, SWF traces and strategy runs with on-demand use.
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/cli.h"
#include "gtest/gtest.h"
#include "ledger/store.h"
#include "report/cost.h"
#include "report/timeline.h"
#include "tests/temp_dir.h"

namespace gpuledger {
namespace {

const std::string kSource = GPULEDGER_SOURCE_DIR;

class TimelineTest : public testing::TempDirTest {
 protected:
  // Runs the command line in-process; the ledger is Path("l.sqlite").
  void Cli(std::vector<std::string> args) {
    args.insert(args.begin(), "gpuledger");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    ASSERT_EQ(cli::RunCli(static_cast<int>(argv.size()), argv.data(), out, err), 0) << err.str();
  }
  std::string LedgerPath() { return Path("l.sqlite"); }

  // Checks every run of the ledger; returns how many were checked.
  int CheckAll(int max_buckets = 2000, int max_bars = 200) {
    auto l = ledger::Ledger::Open(LedgerPath());
    EXPECT_TRUE(l.ok()) << l.status();
    auto runs = (*l)->ListRuns();
    EXPECT_TRUE(runs.ok());
    for (const auto& run : *runs) Check(**l, run.id, max_buckets, max_bars);
    return static_cast<int>(runs->size());
  }

  void Check(ledger::Ledger& l, int64_t run_id, int max_buckets, int max_bars) {
    SCOPED_TRACE(absl::StrCat("run ", run_id));
    auto by_category = report::BuildCostReport(l, run_id, ledger::GroupBy::kCategory, false);
    ASSERT_TRUE(by_category.ok()) << by_category.status();
    auto t = report::BuildRunTimeline(l, *by_category, max_buckets, max_bars);
    ASSERT_TRUE(t.ok()) << t.status();
    const auto& run = by_category->run;

    // The buckets cut the window, at most max_buckets of them.
    ASSERT_GT(t->buckets, 0);
    EXPECT_LE(t->buckets, max_buckets);
    EXPECT_EQ(t->BucketStart(0), run.sim_start);
    EXPECT_EQ(t->BucketEnd(t->buckets - 1), run.sim_end);
    EXPECT_LT(t->BucketStart(t->buckets - 1), run.sim_end);

    // Per bucket, the cluster's GPUs are each in one series (GPUs rented on
    // demand beside the cluster come on top).
    std::vector<int64_t> in_bucket(t->buckets, 0);
    std::map<std::string, int64_t> by_series_category;
    for (const auto& s : t->usage) {
      ASSERT_EQ(s.gpu_seconds.size(), static_cast<size_t>(t->buckets));
      const int64_t sum = std::accumulate(s.gpu_seconds.begin(), s.gpu_seconds.end(), int64_t{0});
      EXPECT_GT(sum, 0) << s.name;  // only series with GPU-seconds
      by_series_category[s.category] += sum;
      for (int k = 0; k < t->buckets; ++k) in_bucket[k] += s.gpu_seconds[k];
    }
    const bool on_demand = by_category->on_demand_gpu_seconds > 0;
    for (int k = 0; k < t->buckets && run.total_gpus() > 0; ++k) {
      const int64_t capacity = (t->BucketEnd(k) - t->BucketStart(k)) * run.total_gpus();
      if (on_demand) {
        EXPECT_GE(in_bucket[k], capacity) << "bucket " << k;
      } else {
        EXPECT_EQ(in_bucket[k], capacity) << "bucket " << k;
      }
    }
    // Each category's GPU-seconds are the report's.
    std::map<std::string, int64_t> reported;
    for (const auto& row : by_category->rows) {
      if (row.group != "unused term" && row.gpu_seconds > 0) reported[row.group] = row.gpu_seconds;
    }
    EXPECT_EQ(by_series_category, reported);

    // Work split by phase (or project): each series is the report's group.
    if (!t->productive_by.empty()) {
      auto by = report::BuildCostReport(
          l, run_id, t->productive_by == "phase" ? ledger::GroupBy::kPhase : ledger::GroupBy::kProject,
          false);
      ASSERT_TRUE(by.ok());
      // The report's phase groups hold every entry of the phase's jobs; the
      // series only their productive work: at most, and equal without
      // checkpoints, restarts and lost work.
      const size_t cluster_rows =
          (by_category->idle_gpu_seconds > 0 ? 1 : 0) + (by_category->down_gpu_seconds > 0 ? 1 : 0);
      const bool only_work = by_category->rows.size() == 1 + cluster_rows;
      for (const auto& s : t->usage) {
        if (s.category != "productive") continue;
        auto row = std::find_if(by->rows.begin(), by->rows.end(),
                                [&](const report::CostRow& r) { return r.group == s.name; });
        ASSERT_NE(row, by->rows.end()) << s.name;
        const int64_t sum =
            std::accumulate(s.gpu_seconds.begin(), s.gpu_seconds.end(), int64_t{0});
        if (only_work) {
          EXPECT_EQ(sum, row->gpu_seconds) << s.name;
        } else {
          EXPECT_LE(sum, row->gpu_seconds) << s.name;
        }
      }
    }

    // Each view's money adds up to the report's total, to the micro-dollar.
    EXPECT_EQ(std::accumulate(t->rental_micro_usd.begin(), t->rental_micro_usd.end(), int64_t{0}),
              by_category->total.rental_micro_usd);
    int64_t owned = 0;
    for (const auto& p : t->owned) {
      owned += std::accumulate(p.micro_usd.begin(), p.micro_usd.end(), int64_t{0});
    }
    EXPECT_EQ(owned, by_category->total.owned_micro_usd);

    // Bars: every job that started, or the max_bars biggest, by start.
    int64_t started = 0;
    auto jobs = l.ListJobs(run_id);
    ASSERT_TRUE(jobs.ok());
    for (const auto& j : *jobs) started += j.started >= 0;
    EXPECT_EQ(t->jobs, static_cast<int64_t>(jobs->size()));
    EXPECT_EQ(static_cast<int64_t>(t->bars.size()), std::min<int64_t>(started, max_bars));
    for (size_t i = 1; i < t->bars.size(); ++i) EXPECT_LE(t->bars[i - 1].start, t->bars[i].start);
    for (const auto& b : t->bars) EXPECT_LE(b.start, b.end);
    if (started > max_bars && !t->bars.empty()) {
      // No job left out held more than the smallest shown.
      auto by_job = report::BuildCostReport(l, run_id, ledger::GroupBy::kJob, false);
      ASSERT_TRUE(by_job.ok());
      int64_t smallest = INT64_MAX;
      std::map<std::string, bool> shown;
      for (const auto& b : t->bars) smallest = std::min(smallest, b.gpu_seconds), shown[b.job_id] = true;
      for (const auto& row : by_job->rows) {
        if (row.group == "idle" || row.group == "down" || shown.count(row.group)) continue;
        EXPECT_LE(row.gpu_seconds, smallest) << row.group;
      }
    }
    checked_++;
  }
  int checked_ = 0;
};

TEST(BucketSeconds, SmallestRoundLengthWithinTheLimit) {
  EXPECT_EQ(report::BucketSeconds(0, 2000), 60);
  EXPECT_EQ(report::BucketSeconds(60 * 2000, 2000), 60);
  EXPECT_EQ(report::BucketSeconds(60 * 2000 + 1, 2000), 300);
  EXPECT_EQ(report::BucketSeconds(5934378, 2000), 3600);  // 68.7 days in hours
  EXPECT_EQ(report::BucketSeconds(5934378, 1000), 7200);
  // Centuries: whole years a bucket, still within the limit.
  const int64_t long_window = int64_t{3153600000} * 100;  // 10,000 years
  const int64_t b = report::BucketSeconds(long_window, 100);
  EXPECT_LE((long_window + b - 1) / b, 100);
  EXPECT_EQ(b % (365 * 86400), 0);
}

TEST_F(TimelineTest, PlanByPhase) {
  Cli({"replay", kSource + "/traces/deepseek-v3-r1.textproto", "--ledger", LedgerPath()});
  EXPECT_EQ(CheckAll(), 1);
  EXPECT_EQ(checked_, 1);
  auto l = ledger::Ledger::Open(LedgerPath());
  auto r = report::BuildCostReport(**l, 1, ledger::GroupBy::kCategory, false);
  auto t = report::BuildRunTimeline(**l, *r);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->productive_by, "phase");
  EXPECT_EQ(t->usage.front().name, "pretrain");  // work first, in plan order
  EXPECT_EQ(t->usage.back().name, "idle");
  EXPECT_EQ(t->bars.size(), 6u);
  // Fewer buckets: the same sums.
  EXPECT_EQ(CheckAll(50, 3), 1);
}

// Prices that move (a falling rent, a stepping energy price, failures and
// repairs): the chart's money still adds up to the report's totals, and a
// bucket across a price change is charged each side at its own price.
TEST_F(TimelineTest, MovingPricesAddUpToTheReport) {
  const std::string plan = Path("moving.textproto");
  {
    std::ifstream in(kSource + "/traces/deepseek-v3-r1-failures.textproto");
    std::ostringstream text;
    text << in.rdbuf()
         << "\nstart_date: \"2024-12-26T07:00:00Z\"\n"
            "pricing { rental { usd_per_gpu_hour_curve { interpolation: LINEAR\n"
            "  points { date: \"2025-01-01\" usd: 2.4 } points { date: \"2025-03-01\" usd: 1.7 } } }\n"
            "  owned { usd_per_kwh_curve { points { date: \"2025-01-01\" usd: 0.08 }\n"
            "  points { date: \"2025-02-10T13:00:00Z\" usd: 0.11 } } } }\n";
    std::ofstream(plan) << text.str();
  }
  Cli({"replay", plan, "--ledger", LedgerPath(), "--seed", "2"});
  EXPECT_EQ(CheckAll(), 1);
  EXPECT_EQ(CheckAll(40, 3), 1);  // buckets of several days, each across many prices
  // Buckets of a day: the first (Dec 26 07:00 to Dec 27 07:00, before the
  // first point) is priced at the first point's $2.40.
  auto l = ledger::Ledger::Open(LedgerPath());
  auto r = report::BuildCostReport(**l, 1, ledger::GroupBy::kCategory, false);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_GT(r->segments.size(), 1u);
  auto t = report::BuildRunTimeline(**l, *r, 100, 10);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->bucket_seconds, 86400);
  int64_t first_day = 0;
  for (const auto& s : t->usage) {
    if (s.category != "idle" && s.category != "down") first_day += s.gpu_seconds[0];
  }
  EXPECT_EQ(t->rental_micro_usd[0], pricing::CostMicroUsd(first_day, 2'400'000'000));
}

TEST_F(TimelineTest, FailuresRepairsAndRestarts) {
  Cli({"replay", kSource + "/traces/deepseek-v3-r1-failures.textproto", "--ledger", LedgerPath(),
       "--seed", "3"});
  Cli({"replay", kSource + "/traces/llama3-405b.textproto", "--ledger", LedgerPath()});
  EXPECT_EQ(CheckAll(), 2);
  EXPECT_EQ(CheckAll(7, 1), 2);
  auto l = ledger::Ledger::Open(LedgerPath());
  auto r = report::BuildCostReport(**l, 2, ledger::GroupBy::kCategory, false);
  auto t = report::BuildRunTimeline(**l, *r);
  ASSERT_TRUE(t.ok());
  std::vector<std::string> names;
  for (const auto& s : t->usage) names.push_back(s.name);
  // One job, one phase: work in one series, then what failures cost.
  EXPECT_EQ(names, (std::vector<std::string>{"productive", "checkpoint", "restart", "lost", "idle",
                                             "down"}));
}

// Each interruption names its cause, as the failure model names it.
TEST_F(TimelineTest, InterruptionsNameTheirCause) {
  Cli({"replay", kSource + "/traces/llama3-405b.textproto", "--ledger", LedgerPath()});
  auto l = ledger::Ledger::Open(LedgerPath());
  auto events = (*l)->ListJobEvents(1);
  ASSERT_TRUE(events.ok());
  ASSERT_GT(events->size(), 100u);
  std::map<std::string, int> causes;
  for (const auto& e : *events) {
    EXPECT_EQ(e.kind, "interrupt");
    causes[e.cause]++;
  }
  EXPECT_EQ(causes.count(""), 0u);
  EXPECT_GT(causes["faulty GPU"], 0);           // the commonest in Llama 3's table
  EXPECT_GT(causes["planned maintenance"], 0);  // and the planned ones
  EXPECT_GE(causes.size(), 10u);
}

TEST_F(TimelineTest, SwfTraceManyJobs) {
  Cli({"replay", std::string(GPULEDGER_TEST_DATA) + "/lublin_256.swf.gz", "--ledger",
       LedgerPath(), "--policy", "easy"});
  EXPECT_EQ(CheckAll(), 1);
  EXPECT_EQ(CheckAll(500, 25), 1);
}

TEST_F(TimelineTest, StrategiesWithOnDemandAndReservedTerms) {
  Cli({"compare", kSource + "/traces/deepseek-v3-r1.textproto", "--ledger", LedgerPath()});
  Cli({"compare", kSource + "/traces/deepseek-v3-r1.textproto", "--ledger", LedgerPath(),
       "--own-sizes", "512,4096"});
  EXPECT_GE(CheckAll(), 4);
}

}  // namespace
}  // namespace gpuledger

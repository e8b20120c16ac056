// End to end: the DeepSeek V3 + R1 plan against its published cost table,
// determinism, the command line's formats, and bad input changing nothing.
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "google/protobuf/text_format.h"
#include "gpuledger/v1/ledger_service.pb.h"
#include "report/cost.h"
#include "report/group.h"
#include "cli/cli.h"
#include "replay/replay.h"
#include "tests/cli_test.h"

namespace gpuledger::replay {
namespace {

const std::string kSource = GPULEDGER_SOURCE_DIR;
const std::string kDeepSeek = kSource + "/traces/deepseek-v3-r1.textproto";

using ReplayTest = testing::CliTest;

// A CSV report as rows of group -> column -> value.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  const std::map<std::string, std::string>& Row(const std::string& group) const {
    for (const auto& r : rows) {
      if (r.at("group") == group) return r;
    }
    ADD_FAILURE() << "no row " << group;
    static const std::map<std::string, std::string> kNone;
    return kNone;
  }
};
Csv ParseCsv(const std::string& text) {
  Csv csv;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<std::string> f = absl::StrSplit(line, ',');
    if (csv.header.empty()) {
      csv.header = f;
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < f.size() && i < csv.header.size(); ++i) row[csv.header[i]] = f[i];
    csv.rows.push_back(row);
  }
  return csv;
}
double Num(const std::map<std::string, std::string>& row, const std::string& col) {
  double v = NAN;
  EXPECT_TRUE(row.count(col) && absl::SimpleAtod(row.at(col), &v)) << col;
  return v;
}

// Published figures (FACTS.md): the code computes them from the plan's inputs.
void ExpectWithinTenthPercent(double actual, double published, const std::string& what) {
  EXPECT_NEAR(actual, published, published * 0.001) << what;
}

TEST_F(ReplayTest, DeepSeekReproducesThePublishedCostTable) {
  Result r = Cli({"replay", kDeepSeek, "--ledger", ledger_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("run 1 complete"), std::string::npos) << r.out;

  Result by_job = Cli({"report", "--ledger", ledger_, "--by", "job", "--format", "csv"});
  ASSERT_EQ(by_job.code, 0) << by_job.err;
  const Csv jobs = ParseCsv(by_job.out);
  const auto& pretrain = jobs.Row("v3-pretrain");
  ExpectWithinTenthPercent(Num(pretrain, "gpu_hours"), 2'664'000, "V3 pre-training GPU-hours");
  ExpectWithinTenthPercent(Num(pretrain, "rental_usd"), 5'328'000, "V3 pre-training USD");
  // About 54.2 days of simulated time on 2,048 GPUs.
  const double days = (Num(pretrain, "end_seconds") - Num(pretrain, "start_seconds")) / 86400;
  EXPECT_NEAR(days, 54.2, 0.05);

  double job_hours = 0, job_usd = 0;
  for (const auto& row : jobs.rows) {
    if (row.at("group") != "idle" && row.at("group") != "total") {
      job_hours += Num(row, "gpu_hours");
      job_usd += Num(row, "rental_usd");
    }
  }
  ExpectWithinTenthPercent(job_hours, 2'935'000, "all jobs GPU-hours");
  ExpectWithinTenthPercent(job_usd, 5'870'000, "all jobs USD");
  EXPECT_NEAR(Num(jobs.Row("total"), "rental_usd"), job_usd, 1e-6);  // idle rents for nothing

  Result by_project = Cli({"report", "--ledger", ledger_, "--by", "project", "--format", "csv"});
  ASSERT_EQ(by_project.code, 0);
  const Csv projects = ParseCsv(by_project.out);
  ExpectWithinTenthPercent(Num(projects.Row("DeepSeek-V3"), "gpu_hours"), 2'788'000,
                           "V3 GPU-hours");
  ExpectWithinTenthPercent(Num(projects.Row("DeepSeek-V3"), "rental_usd"), 5'576'000, "V3 USD");
  ExpectWithinTenthPercent(Num(projects.Row("DeepSeek-R1"), "gpu_hours"), 147'000, "R1 GPU-hours");
  ExpectWithinTenthPercent(Num(projects.Row("DeepSeek-R1"), "rental_usd"), 294'000, "R1 USD");

  // The owned view shows the $51.2M cluster and its cost per GPU-hour:
  // $25,000 over 35,064 h = $0.713 of capital (FACTS.md) plus energy.
  auto l = ledger::Ledger::Open(ledger_);
  ASSERT_TRUE(l.ok());
  auto report = report::BuildCostReport(**l, 1, ledger::GroupBy::kJob, false);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->capital_micro_usd, 51'200'000LL * 1'000'000);
  EXPECT_NEAR(report->rates.owned_depreciation / 1e9, 0.713, 0.0005);
  // Energy: 700 W x 1.82 x 0.75 x PUE 1.25 x $0.08/kWh, "about $0.096".
  EXPECT_NEAR(report->rates.owned_busy_energy / 1e9, 0.096, 0.001);
  Result table = Cli({"report", "--ledger", ledger_});
  EXPECT_NE(table.out.find("$51,200,000.00"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("2,664,000."), std::string::npos) << table.out;
}

TEST_F(ReplayTest, CsvRowsAddUpToTheTotalRowAndIdleRentsForNothing) {
  ASSERT_EQ(Cli({"replay", kDeepSeek, "--ledger", ledger_}).code, 0);
  for (const char* by : {"job", "phase", "project", "category"}) {
    Result r = Cli({"report", "--ledger", ledger_, "--by", by, "--format", "csv"});
    ASSERT_EQ(r.code, 0) << r.err;
    const Csv csv = ParseCsv(r.out);
    ASSERT_GE(csv.header.size(), 4u);
    EXPECT_EQ(std::vector<std::string>(csv.header.begin(), csv.header.begin() + 4),
              (std::vector<std::string>{"group", "gpu_hours", "rental_usd", "owned_usd"}));
    ASSERT_GE(csv.rows.size(), 3u);
    EXPECT_EQ(csv.rows.back().at("group"), "total");
    EXPECT_EQ(csv.rows[csv.rows.size() - 2].at("group"), "idle");
    EXPECT_EQ(Num(csv.Row("idle"), "rental_usd"), 0);
    EXPECT_GT(Num(csv.Row("idle"), "owned_usd"), 0);
    // Exact: sum the integer columns.
    int64_t seconds = 0;
    for (size_t i = 0; i + 1 < csv.rows.size(); ++i) {
      seconds += std::stoll(csv.rows[i].at("gpu_seconds"));
    }
    EXPECT_EQ(seconds, std::stoll(csv.rows.back().at("gpu_seconds"))) << by;
    for (const char* col : {"rental_usd", "owned_usd"}) {
      int64_t micro = 0;
      for (size_t i = 0; i + 1 < csv.rows.size(); ++i) {
        std::string v = csv.rows[i].at(col);
        v.erase(v.find('.'), 1);  // six decimals: micro-dollars
        micro += std::stoll(v);
      }
      std::string total = csv.rows.back().at(col);
      total.erase(total.find('.'), 1);
      EXPECT_EQ(micro, std::stoll(total)) << by << " " << col;
    }
  }
  Result rental_only = Cli({"report", "--ledger", ledger_, "--view", "rental", "--format", "csv"});
  EXPECT_EQ(rental_only.out.find("owned_usd"), std::string::npos);
  Result json = Cli({"report", "--ledger", ledger_, "--format", "json"});
  EXPECT_NE(json.out.find("\"group\": \"v3-pretrain\""), std::string::npos);
  EXPECT_NE(json.out.find("\"capital_usd\": 51200000.000000"), std::string::npos);
}

TEST_F(ReplayTest, SamePlanTwiceGivesIdenticalRows) {
  ASSERT_EQ(Cli({"replay", kDeepSeek, "--ledger", ledger_, "--seed", "7"}).code, 0);
  ASSERT_EQ(Cli({"replay", kDeepSeek, "--ledger", ledger_, "--seed", "7"}).code, 0);
  auto l = ledger::Ledger::Open(ledger_);
  ASSERT_TRUE(l.ok());
  auto u1 = (*l)->ListUsage(1), u2 = (*l)->ListUsage(2);
  ASSERT_TRUE(u1.ok() && u2.ok());
  ASSERT_EQ(u1->size(), u2->size());
  ASSERT_FALSE(u1->empty());
  for (size_t i = 0; i < u1->size(); ++i) {
    const auto &a = (*u1)[i], &b = (*u2)[i];
    EXPECT_EQ(std::tie(a.job_id, a.phase, a.category, a.start, a.end, a.gpus, a.gpu_seconds),
              std::tie(b.job_id, b.phase, b.category, b.start, b.end, b.gpus, b.gpu_seconds));
  }
  auto e1 = (*l)->ListJobEvents(1), e2 = (*l)->ListJobEvents(2);
  ASSERT_EQ(e1->size(), e2->size());
  for (size_t i = 0; i < e1->size(); ++i) {
    EXPECT_EQ(std::tie((*e1)[i].time, (*e1)[i].job_id, (*e1)[i].kind, (*e1)[i].nodes),
              std::tie((*e2)[i].time, (*e2)[i].job_id, (*e2)[i].kind, (*e2)[i].nodes));
  }
  // The idle total kept with each run is the sum of its idle entries.
  int64_t idle = 0;
  for (const auto& u : *u1) idle += u.category == "idle" ? u.gpu_seconds : 0;
  EXPECT_GT(idle, 0);
  EXPECT_EQ(*(*l)->IdleGpuSeconds(1), idle);
  EXPECT_EQ(*(*l)->IdleGpuSeconds(2), idle);
  auto r1 = (*l)->GetRun(1), r2 = (*l)->GetRun(2);
  EXPECT_EQ(
      std::tie(r1->plan_sha256, r1->pricing, r1->sim_start, r1->sim_end, r1->seed, r1->status),
      std::tie(r2->plan_sha256, r2->pricing, r2->sim_start, r2->sim_end, r2->seed, r2->status));
}

// The failures variant keeps the published work as "productive" and shows
// what failures add on top, by category; the owned view carries down time.
TEST_F(ReplayTest, DeepSeekWithFailuresAddsCategoriesOnTopOfThePublishedWork) {
  const std::string variant = kSource + "/traces/deepseek-v3-r1-failures.textproto";
  ASSERT_EQ(Cli({"replay", kDeepSeek, "--ledger", ledger_}).code, 0);
  Result r = Cli({"replay", variant, "--ledger", ledger_, "--seed", "3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("beyond the jobs' work (productive): "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("interruptions: "), std::string::npos) << r.out;

  auto l = ledger::Ledger::Open(ledger_);
  ASSERT_TRUE(l.ok());
  auto plain = report::BuildCostReport(**l, 1, ledger::GroupBy::kCategory, false);
  auto failing = report::BuildCostReport(**l, 2, ledger::GroupBy::kCategory, false);
  ASSERT_TRUE(plain.ok() && failing.ok());
  std::map<std::string, report::CostRow> rows;
  for (const auto& row : failing->rows) rows[row.group] = row;
  // The work is the plan's, to the GPU-second.
  EXPECT_EQ(rows["productive"].gpu_seconds, plain->jobs_total.gpu_seconds);
  for (const char* extra : {"checkpoint", "lost", "restart"}) {
    EXPECT_GT(rows[extra].gpu_seconds, 0) << extra;
    EXPECT_GT(rows[extra].rental_micro_usd, 0) << extra;
  }
  EXPECT_EQ(failing->jobs_total.gpu_seconds,
            rows["productive"].gpu_seconds + rows["checkpoint"].gpu_seconds +
                rows["lost"].gpu_seconds + rows["restart"].gpu_seconds);
  // Down time: owned pays for it, a renter does not; it is in the total.
  ASSERT_GT(rows["down"].gpu_seconds, 0);
  EXPECT_EQ(rows["down"].rental_micro_usd, 0);
  EXPECT_EQ(rows["down"].owned_micro_usd,
            pricing::CostMicroUsd(rows["down"].gpu_seconds, failing->rates.owned_down()));
  EXPECT_GT(failing->total.owned_micro_usd, plain->total.owned_micro_usd);
  // The run's metrics carry interruptions and goodput, in JSON too.
  Result json = Cli({"report", "--ledger", ledger_, "--run", "2", "--format", "json"});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_NE(json.out.find("\"interruptions\": "), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"goodput\": 0.9"), std::string::npos) << json.out;
  Result table = Cli({"report", "--ledger", ledger_, "--run", "2", "--by", "category"});
  EXPECT_NE(table.out.find("owned: nodes under repair "), std::string::npos) << table.out;
}

TEST_F(ReplayTest, SameSeedSameFailuresOtherSeedOthers) {
  const std::string variant = kSource + "/traces/deepseek-v3-r1-failures.textproto";
  for (const char* seed : {"5", "5", "6"}) {
    ASSERT_EQ(Cli({"replay", variant, "--ledger", ledger_, "--seed", seed}).code, 0);
  }
  auto l = ledger::Ledger::Open(ledger_);
  ASSERT_TRUE(l.ok());
  auto u1 = (*l)->ListUsage(1), u2 = (*l)->ListUsage(2), u3 = (*l)->ListUsage(3);
  ASSERT_TRUE(u1.ok() && u2.ok() && u3.ok());
  auto key = [](const std::vector<ledger::UsageRecord>& u) {
    std::vector<std::tuple<std::string, std::string, int64_t, int64_t, int, std::string>> k;
    for (const auto& r : u) k.emplace_back(r.job_id, r.category, r.start, r.end, r.gpus, r.nodes);
    return k;
  };
  EXPECT_EQ(key(*u1), key(*u2));
  EXPECT_NE(key(*u1), key(*u3));
  auto e1 = (*l)->ListJobEvents(1), e2 = (*l)->ListJobEvents(2);
  ASSERT_TRUE(e1.ok() && e2.ok());
  ASSERT_FALSE(e1->empty());  // interruptions are job events
  ASSERT_EQ(e1->size(), e2->size());
  for (size_t i = 0; i < e1->size(); ++i) {
    EXPECT_EQ(std::tie((*e1)[i].time, (*e1)[i].kind, (*e1)[i].nodes),
              std::tie((*e2)[i].time, (*e2)[i].kind, (*e2)[i].nodes));
  }
}

TEST_F(ReplayTest, SeedsMakeARunGroupWhoseFiguresComeFromItsRuns) {
  const std::string variant = kSource + "/traces/deepseek-v3-r1-failures.textproto";
  Result r = Cli(
      {"replay", variant, "--ledger", ledger_, "--seeds", "4", "--seed", "10", "--threads", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("group 1  deepseek-v3-r1-failures  (4 replays, seeds 10-13, fcfs)"),
            std::string::npos)
      << r.out;
  // One thread gives the same group; a single replay the same run.
  ASSERT_EQ(Cli({"replay", variant, "--ledger", ledger_, "--seeds", "4", "--seed", "10",
                 "--threads", "1"})
                .code,
            0);
  ASSERT_EQ(Cli({"replay", variant, "--ledger", ledger_, "--seed", "12"}).code, 0);

  auto l = ledger::Ledger::Open(ledger_);
  ASSERT_TRUE(l.ok());
  auto g1 = report::BuildGroupReport(**l, 1), g2 = report::BuildGroupReport(**l, 2);
  ASSERT_TRUE(g1.ok() && g2.ok()) << g1.status() << g2.status();
  ASSERT_EQ(g1->runs.size(), 4u);
  ASSERT_EQ(g1->stats.size(), g2->stats.size());
  for (size_t i = 0; i < g1->stats.size(); ++i) {
    EXPECT_EQ(g1->stats[i].name, g2->stats[i].name);
    EXPECT_DOUBLE_EQ(g1->stats[i].mean, g2->stats[i].mean) << g1->stats[i].name;
    EXPECT_DOUBLE_EQ(g1->stats[i].p95, g2->stats[i].p95) << g1->stats[i].name;
  }
  const ledger::RunRecord single = *(*l)->GetRun(9);
  ASSERT_EQ(single.group_id, 0);
  const ledger::RunRecord& same_seed = g1->runs[2];
  EXPECT_EQ(same_seed.seed, 12);
  EXPECT_EQ(same_seed.metrics, single.metrics);
  EXPECT_EQ(same_seed.sim_end, single.sim_end);

  // The figures are those of the runs: mean, and with 4 runs the nearest-rank
  // 5th percentile is the smallest and the 95th the largest.
  std::vector<double> interruptions, goodput;
  for (const auto& run : g1->runs) {
    v1::RunMetrics m;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(run.metrics, &m));
    interruptions.push_back(m.interruptions());
    goodput.push_back(m.goodput());
  }
  std::map<std::string, report::GroupStat> stat;
  for (const auto& st : g1->stats) stat[st.name] = st;
  EXPECT_DOUBLE_EQ(stat["interruptions"].mean,
                   (interruptions[0] + interruptions[1] + interruptions[2] + interruptions[3]) / 4);
  EXPECT_DOUBLE_EQ(stat["interruptions"].p5,
                   *std::min_element(interruptions.begin(), interruptions.end()));
  EXPECT_DOUBLE_EQ(stat["goodput"].p95, *std::max_element(goodput.begin(), goodput.end()));
  EXPECT_TRUE(stat.count("wall_clock_days:v3-pretrain"));
  EXPECT_TRUE(stat.count("interruptions_per_window"));

  Result csv = Cli({"report", "--ledger", ledger_, "--group", "1", "--format", "csv"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(csv.out.substr(0, csv.out.find('\n')), "figure,mean,p5,p95");
  Result json = Cli({"report", "--ledger", ledger_, "--group", "1", "--format", "json"});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_NE(json.out.find("\"seed\": 13, \"interruptions\": "), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"goodput\": "), std::string::npos);
  Result missing = Cli({"report", "--ledger", ledger_, "--group", "7"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err, "gpuledger: no run group 7 in the ledger\n");
}

TEST(GroupStats, NearestRankPercentiles) {
  std::vector<double> v = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  EXPECT_EQ(report::NearestRank(v, 5), 1);    // ceil(1.0) = rank 1
  EXPECT_EQ(report::NearestRank(v, 95), 19);  // ceil(19.0) = rank 19
  EXPECT_EQ(report::NearestRank(v, 50), 10);
  std::vector<double> one = {42};
  EXPECT_EQ(report::NearestRank(one, 5), 42);
}

TEST(Checkpoints, AutoIsTheYoungDalyIntervalOfTheJobsFailureRate) {
  auto w = traces::LoadPlanFile(kSource + "/traces/llama3-405b.textproto");
  ASSERT_TRUE(w.ok()) << w.status();
  const auto specs = ToJobSpecs(*w);
  ASSERT_EQ(specs.size(), 1u);
  // The model file's record: (419 + 47) interruptions on 16,384 GPUs in 54
  // days; the job holds 16,384 GPUs, so its mean time between interruptions
  // is 54 days / 466, and the interval sqrt(2 x write x that).
  const double mtbf = 54.0 * 86400 / 466 * 16384 / specs[0].gpus;
  const double expected = std::sqrt(2.0 * specs[0].checkpoint_write_seconds * mtbf);
  EXPECT_GT(specs[0].checkpoint_write_seconds, 0);
  EXPECT_NEAR(static_cast<double>(specs[0].checkpoint_seconds), expected, 1.0);
}

TEST_F(ReplayTest, PricingProfilesRepriceARunAndTheBreakEvenIsPrinted) {
  ASSERT_EQ(Cli({"replay", kDeepSeek, "--ledger", ledger_}).code, 0);
  auto l = ledger::Ledger::Open(ledger_);
  ASSERT_TRUE(l.ok());
  auto plain = report::BuildCostReport(**l, 1, ledger::GroupBy::kJob, false);
  ASSERT_TRUE(plain.ok());
  // Break-even by hand from the default profile's numbers: depreciation
  // $25,000 / (4 x 8,766 h); energy 700 W x 1.82 x 0.75 x 1.25 x $0.08/kWh,
  // busy and idle alike; rental $2: u = (depreciation + energy) / $2.
  const double depreciation = 25000.0 / (4 * 8766);
  const double energy = 0.7 * 1.82 * 0.75 * 1.25 * 0.08;
  const double u = (depreciation + energy) / 2.0;
  EXPECT_NEAR(pricing::BreakEvenUtilization(plain->rates), u, 1e-6);
  Result table = Cli({"report", "--ledger", ledger_});
  EXPECT_NE(table.out.find(
                absl::StrFormat("break-even: owning costs what renting does at %.2f%%", 100 * u)),
            std::string::npos)
      << table.out;

  Result epoch =
      Cli({"report", "--ledger", ledger_, "--pricing", "owned-epoch", "--format", "json"});
  ASSERT_EQ(epoch.code, 0) << epoch.err;
  // Capital: 2,048 x $15,244 x 1.64 x 1.23.
  EXPECT_NE(
      epoch.out.find("\"capital_usd\": " + absl::StrFormat("%.6f", 2048 * 15244 * 1.64 * 1.23)),
      std::string::npos)
      << epoch.out;
  // Rental is untouched by an owned profile; on-demand-hyperscaler triples it.
  Result hyper = Cli({"report", "--ledger", ledger_, "--pricing", "on-demand-hyperscaler", "--by",
                      "project", "--format", "csv"});
  ASSERT_EQ(hyper.code, 0) << hyper.err;
  const Csv rows = ParseCsv(hyper.out);
  ExpectWithinTenthPercent(Num(rows.Row("DeepSeek-R1"), "rental_usd"), 3 * 294'000, "R1 at $6");
  Result bad = Cli({"report", "--ledger", ledger_, "--pricing", "no-such-profile"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("unknown pricing profile \"no-such-profile\" (shipped: "),
            std::string::npos)
      << bad.err;
}

TEST_F(ReplayTest, JobTracesChargeCancelledAndFailedJobsForWhatTheyHeld) {
  const std::string trace = Path("t.csv");
  std::ofstream(trace) << "# gpu: A100\n# cluster_gpus: 16\n"
                          "id,submit_seconds,gpus,run_seconds,status,type\n"
                          "a,0,8,100,completed,pretrain\nb,5,16,50,failed,eval\n"
                          "c,10,4,30,cancelled,debug\n";
  Result r = Cli({"replay", trace, "--ledger", ledger_, "--policy", "easy"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("3 jobs on 16 A100"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("trace jobs: 1 completed (33.3%), 1 cancelled (33.3%), 1 failed (33.3%)"),
            std::string::npos)
      << r.out;
  auto l = ledger::Ledger::Open(ledger_);
  auto report = report::BuildCostReport(**l, 1, ledger::GroupBy::kJob, false);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->jobs_total.gpu_seconds, 8 * 100 + 16 * 50 + 4 * 30);
  Result json = Cli({"report", "--ledger", ledger_, "--format", "json"});
  EXPECT_NE(json.out.find("\"metrics\""), std::string::npos);
}

TEST_F(ReplayTest, BadPlanExitsTwoAndWritesNothing) {
  ASSERT_EQ(Cli({"replay", kDeepSeek, "--ledger", ledger_}).code, 0);
  const std::string bad = Write("bad.textproto",
                                "jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }\n"
                                "jobs { id: \"b\" phase: RL gpus: 8 gpu_hours: 1\n"
                                "  after: \"a\" after: \"missing\" }\n");
  Result r = Cli({"replay", bad, "--ledger", ledger_});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "gpuledger: " + bad + ":3:14: job \"b\": field after: unknown job \"missing\"\n");
  auto l = ledger::Ledger::Open(ledger_);
  EXPECT_EQ((*l)->ListRuns()->size(), 1u);  // only the good run

  // A bad plan never creates a ledger file either.
  const std::string fresh = (dir_ / "fresh.sqlite").string();
  EXPECT_EQ(Cli({"replay", bad, "--ledger", fresh}).code, 2);
  EXPECT_FALSE(std::filesystem::exists(fresh));
  EXPECT_EQ(Cli({"replay", (dir_ / "none.textproto").string(), "--ledger", fresh}).code, 2);
  EXPECT_FALSE(std::filesystem::exists(fresh));
}

TEST_F(ReplayTest, ReportErrors) {
  Result missing_file = Cli({"report", "--ledger", ledger_});
  EXPECT_EQ(missing_file.code, 2);
  EXPECT_EQ(missing_file.err, "gpuledger: " + ledger_ + ": no such ledger\n");
  EXPECT_FALSE(std::filesystem::exists(ledger_));  // a report creates nothing
  ASSERT_TRUE(ledger::Ledger::Open(ledger_).ok());
  Result none = Cli({"report", "--ledger", ledger_});
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("no complete run"), std::string::npos) << none.err;
  const std::string not_a_ledger = Write("notes.txt", "hello, this is not SQLite\n");
  Result garbage = Cli({"report", "--ledger", not_a_ledger});
  EXPECT_EQ(garbage.code, 2);
  EXPECT_NE(garbage.err.find("not a database"), std::string::npos) << garbage.err;
  ASSERT_EQ(Cli({"replay", kDeepSeek, "--ledger", ledger_}).code, 0);
  Result missing = Cli({"report", "--ledger", ledger_, "--run", "9"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err, "gpuledger: no run 9 in the ledger\n");
  Result bad_view = Cli({"report", "--ledger", ledger_, "--view", "cheap"});
  EXPECT_EQ(bad_view.code, 2);
  EXPECT_NE(bad_view.err.find("--view"), std::string::npos) << bad_view.err;
  Result help = Cli({"replay", "--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("--ledger"), std::string::npos);
}

TEST_F(ReplayTest, TheBinaryExitsTwoOnBadInput) {
  const std::string bad =
      Write("cycle.textproto", "jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 after: \"a\" }\n");
  const std::string cmd = std::string(GPULEDGER_BINARY) + " replay " + bad + " --ledger " +
                          ledger_ + " 2>" + (dir_ / "err").string();
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  std::ifstream err(dir_ / "err");
  std::string line;
  std::getline(err, line);
  EXPECT_EQ(line,
            "gpuledger: " + bad + ":1:47: job \"a\": field after: a job cannot wait for itself");
}

TEST(NodesText, RangesAndPartNodes) {
  scheduler::Allocation a;
  a.parts = {{0, 3, 8}, {5, 1, 8}};
  EXPECT_EQ(NodesText(a, 8), "0-2,5");
  a.parts = {{3, 1, 4}};
  EXPECT_EQ(NodesText(a, 8), "3[4]");
}

}  // namespace
}  // namespace gpuledger::replay

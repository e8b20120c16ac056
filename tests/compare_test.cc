// gpuledger compare: each strategy against a hand calculation from the plan
// replayed plainly and the pricing profiles' numbers.
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "report/cost.h"
#include "google/protobuf/text_format.h"
#include "compare/compare.h"
#include "report/focus.h"
#include "report/format.h"
#include "replay/replay.h"
#include "tests/temp_dir.h"
#include "traces/plan.h"

namespace gpuledger::replay {
namespace {

const std::string kDeepSeek =
    std::string(GPULEDGER_SOURCE_DIR) + "/traces/deepseek-v3-r1.textproto";

class CompareTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    auto l = ledger::Ledger::Open(Path("ledger.sqlite"));
    ASSERT_TRUE(l.ok());
    ledger_ = std::move(*l);
    auto w = traces::LoadPlanFile(kDeepSeek);
    ASSERT_TRUE(w.ok());
    plan_ = *w;
  }
  std::map<std::string, compare::StrategyResult> Run(const std::vector<v1::Strategy>& strategies,
                                                     const compare::CompareOptions& o = {}) {
    auto r = compare::CompareStrategies(plan_, strategies, o, *ledger_);
    EXPECT_TRUE(r.ok()) << r.status();
    std::map<std::string, compare::StrategyResult> out;
    if (r.ok()) {
      for (auto& x : *r) out[x.strategy.name()] = x;
    }
    return out;
  }
  std::unique_ptr<ledger::Ledger> ledger_;
  traces::Workload plan_;
};

TEST_F(CompareTest, DefaultStrategiesAgainstThePlainReplayAndTheProfiles) {
  // The plan replayed as published, priced both ways.
  auto plain = ReplayWorkload(plan_, *ledger_, 0);
  ASSERT_TRUE(plain.ok());
  auto report = report::BuildCostReport(*ledger_, plain->run_id, ledger::GroupBy::kJob, false);
  ASSERT_TRUE(report.ok());

  auto strategies = traces::LoadStrategies("");
  ASSERT_TRUE(strategies.ok()) << strategies.status();
  auto r = Run(*strategies);
  ASSERT_EQ(r.size(), 5u);

  // All on demand at $2: every GPU-hour the jobs held, the published $5.87M.
  const compare::StrategyResult& od = r["all on-demand"];
  EXPECT_EQ(od.total_micro_usd, report->jobs_total.rental_micro_usd);
  EXPECT_NEAR(od.total_micro_usd / 1e6, 5'870'000, 5'870);  // within 0.1%
  EXPECT_EQ(od.on_demand_gpu_seconds, report->jobs_total.gpu_seconds);
  EXPECT_EQ(od.committed_gpus, 0);

  // Owning the peak: amortized is the owned busy rate on the plan's
  // GPU-hours; the total is the cluster over the replay, idle included.
  const compare::StrategyResult& own = r["own the peak"];
  EXPECT_EQ(own.committed_gpus, 2048);
  EXPECT_EQ(own.capital_micro_usd, 51'200'000LL * 1'000'000);
  // (The report rounds each row to the micro-dollar; compare rounds totals.)
  EXPECT_NEAR(own.amortized_micro_usd, report->jobs_total.owned_micro_usd, 10);
  EXPECT_NEAR(own.total_micro_usd, report->total.owned_micro_usd, 10);
  // Break-even by hand from owned-straight-line and on-demand: $25,000 over
  // 4 x 8,766 h plus energy (700 W x 1.82 x 0.75 x 1.25 x $0.08/kWh, busy and
  // idle alike) against $2: u = (0.71298 + 0.09555) / 2.
  const double energy = 0.7 * 1.82 * 0.75 * 1.25 * 0.08;
  const double u = (25000.0 / (4 * 8766) + energy) / 2.0;
  EXPECT_NEAR(own.breakeven_utilization, u, 1e-6);
  // Months: $25,000 of capital over (2u' - energy) x 730.5 h a month, u'
  // the strategy's utilization of its GPUs.
  const double used = own.committed_utilization;
  EXPECT_NEAR(own.breakeven_months, 25000.0 / ((2 * used - energy) * 8766.0 / 12), 1e-6);

  // Reserved for the plan's duration: 2,048 GPUs x the replay x $1.50.
  const compare::StrategyResult& res = r["reserved for the plan"];
  EXPECT_EQ(res.total_micro_usd, pricing::CostMicroUsd(2048 * res.window_seconds, 1'500'000'000));
  EXPECT_NEAR(res.breakeven_utilization, 0.75, 1e-12);

  // Half the cluster and queueing: big jobs shrink and the plan takes longer.
  const compare::StrategyResult& half = r["own half, queue"];
  EXPECT_EQ(half.committed_gpus, 1024);
  EXPECT_GT(half.resized_jobs, 0);
  EXPECT_GT(half.window_seconds, own.window_seconds);
  EXPECT_EQ(half.productive_gpu_seconds, own.productive_gpu_seconds);  // same work
  // Bursting: jobs beyond the owned half ran on demand.
  EXPECT_GT(r["own half, burst"].on_demand_gpu_seconds, 0);
  // `gpuledger report` on each strategy's run prices every entry by its
  // pool: its strategy total is compare's (the horizon is the replay here).
  for (const auto& [name, result] : r) {
    auto rep = report::BuildCostReport(*ledger_, result.run_id, ledger::GroupBy::kPool, false);
    ASSERT_TRUE(rep.ok()) << name;
    EXPECT_TRUE(rep->strategy) << name;
    EXPECT_NEAR(rep->total.owned_micro_usd, result.total_micro_usd, 10) << name;
    EXPECT_EQ(rep->capital_micro_usd, result.capital_micro_usd) << name;
  }
  // Every replay is in the ledger, its entries labelled by pool.
  auto pools = ledger_->SumByGroup(r["own half, burst"].run_id, ledger::GroupBy::kPool);
  ASSERT_TRUE(pools.ok());
  std::map<std::string, int64_t> by_pool;
  for (const auto& g : *pools) by_pool[g.group] = g.gpu_seconds;
  EXPECT_EQ(by_pool["on-demand"], r["own half, burst"].on_demand_gpu_seconds);
  EXPECT_EQ(by_pool["owned"], r["own half, burst"].committed_busy_gpu_seconds);
}

TEST_F(CompareTest, OwnSizeSweepTradesCapitalForTime) {
  auto r = Run(compare::OwnSizeSweep({512, 1024, 2048, 4096}));
  ASSERT_EQ(r.size(), 4u);
  const auto &a = r["own 512"], &b = r["own 1024"], &c = r["own 2048"], &d = r["own 4096"];
  EXPECT_GT(a.window_seconds, b.window_seconds);
  EXPECT_GT(b.window_seconds, c.window_seconds);
  EXPECT_GE(c.window_seconds, d.window_seconds);
  EXPECT_LT(a.capital_micro_usd, b.capital_micro_usd);
  EXPECT_LT(b.capital_micro_usd, c.capital_micro_usd);
  EXPECT_LT(c.capital_micro_usd, d.capital_micro_usd);
  // The larger cluster stands idle more.
  EXPECT_LT(d.committed_utilization, c.committed_utilization);
}

TEST_F(CompareTest, AHorizonChargesOwnedCapacityForAllOfIt) {
  compare::CompareOptions o;
  o.horizon_seconds = *compare::ParseHorizon("4y");
  auto r = Run(compare::OwnSizeSweep({2048}), o);
  const compare::StrategyResult& own = r["own 2048"];
  EXPECT_EQ(own.horizon_seconds, 4 * pricing::kSecondsPerYear);
  // Four years of straight-line write-off is the whole $51.2M, plus energy
  // for every GPU-hour of the four years (busy and idle cost the same here).
  const double energy = 0.7 * 1.82 * 0.75 * 1.25 * 0.08;
  EXPECT_NEAR(own.total_micro_usd / 1e6, 51'200'000 + energy * 2048 * 4 * 8766,
              2048 * 4 * 8766 * 1e-9 + 1);
  EXPECT_EQ(
      compare::ParseHorizon("soon").status().message(),
      "\"soon\" is not a positive duration such as 4y, 90d, 2000h");  // callers name the field
}

// Issue 11, defect 10: a reserved run has one total: its report (with the
// term's unused rest), its FOCUS export and compare without a horizon; a
// horizon is compare's own question (whole terms over it).
TEST_F(CompareTest, AReservedRunHasOneTotal) {
  v1::Strategy s;
  s.set_name("reserved 3y");
  s.set_committed("reserved");
  s.set_committed_share_of_peak(1);
  s.set_committed_pricing("reserved-3y");
  auto r = Run({s});
  const compare::StrategyResult& res = r["reserved 3y"];
  // 2,048 GPUs x 3 years (one whole term) x $0.72.
  EXPECT_EQ(res.total_micro_usd,
            pricing::CostMicroUsd(2048 * 3 * pricing::kSecondsPerYear, 720'000'000));
  auto report = report::BuildCostReport(*ledger_, res.run_id, ledger::GroupBy::kPool, false);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->total.owned_micro_usd, res.total_micro_usd);
  EXPECT_EQ(report->rows.back().group, "unused term");
  EXPECT_EQ(report->total.gpu_seconds, 2048 * 3 * pricing::kSecondsPerYear);
  report::FocusTotals sums;
  std::ostringstream csv;
  ASSERT_TRUE(report::ExportFocus(*ledger_, res.run_id, {}, csv, &sums).ok());
  EXPECT_EQ(sums.effective, res.total_micro_usd);
  EXPECT_EQ(sums.billed, res.total_micro_usd);
  compare::CompareOptions four;
  four.horizon_seconds = *compare::ParseHorizon("4y");
  EXPECT_EQ(Run({s}, four)["reserved 3y"].total_micro_usd,
            pricing::CostMicroUsd(2048 * 6 * pricing::kSecondsPerYear, 720'000'000));  // two terms
}

// Spot: on-demand GPU-hours at the on-demand price less the discount; the
// saving is the rest of the on-demand price; a report and the FOCUS export
// of the run charge the same total; a rate of 0 reclaims nothing.
TEST_F(CompareTest, SpotChargesBelowListAndSaysWhatItSaved) {
  auto w = traces::LoadPlanFile(std::string(GPULEDGER_SOURCE_DIR) +
                                "/traces/deepseek-v3-r1-failures.textproto");
  ASSERT_TRUE(w.ok()) << w.status();
  plan_ = *w;
  v1::Strategy rent, spot, calm;
  rent.set_name("rent");
  rent.set_on_demand(true);
  spot = rent;
  spot.set_name("spot");
  spot.set_spot(true);
  spot.set_spot_discount(0.6);
  spot.set_spot_interruptions_per_node_day(0.005);
  calm = spot;
  calm.set_name("calm");
  calm.set_spot_interruptions_per_node_day(0);
  auto r = Run({rent, spot, calm});
  const compare::StrategyResult& s = r["spot"];
  // The default on-demand profile: $2 per GPU-hour; spot 60% below: $0.80.
  EXPECT_EQ(s.on_demand_micro_usd, pricing::CostMicroUsd(s.on_demand_gpu_seconds, 800'000'000));
  EXPECT_EQ(s.spot_saved_micro_usd,
            pricing::CostMicroUsd(s.on_demand_gpu_seconds, 1'200'000'000));
  EXPECT_GT(s.spot_interruptions, 0);
  EXPECT_EQ(s.spot_lost_gpu_seconds, 0);  // 120 s of notice covers every write
  EXPECT_GT(s.on_demand_gpu_seconds, r["rent"].on_demand_gpu_seconds);  // restarts
  EXPECT_EQ(r["calm"].spot_interruptions, 0);
  EXPECT_EQ(r["calm"].on_demand_gpu_seconds, r["rent"].on_demand_gpu_seconds);
  auto report = report::BuildCostReport(*ledger_, s.run_id, ledger::GroupBy::kPool, false);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->total.owned_micro_usd, s.total_micro_usd);
  report::FocusTotals sums;
  std::ostringstream csv;
  ASSERT_TRUE(report::ExportFocus(*ledger_, s.run_id, {}, csv, &sums).ok());
  EXPECT_EQ(sums.effective, s.total_micro_usd);
  EXPECT_NE(csv.str().find(",Dynamic,"), std::string::npos);
  // Spot fields without spot, and spot without its discount, are refused.
  v1::Strategy half = rent;
  half.set_spot_discount(0.5);
  EXPECT_FALSE(compare::CompareStrategies(plan_, {half}, {}, *ledger_).ok());
  v1::Strategy bare = spot;
  bare.clear_spot_discount();
  EXPECT_FALSE(compare::CompareStrategies(plan_, {bare}, {}, *ledger_).ok());
}

// Defect 9: a strategy's report counts only its own cluster's use, and
// splits its total into the cluster's part and on-demand spend.
TEST_F(CompareTest, StrategyReportsSplitTheClusterFromOnDemand) {
  auto strategies = traces::LoadStrategies("");
  ASSERT_TRUE(strategies.ok());
  auto r = Run(*strategies);
  for (const auto& [name, res] : r) {
    auto report = report::BuildCostReport(*ledger_, res.run_id, ledger::GroupBy::kJob, false);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->total.owned_micro_usd, res.total_micro_usd) << name;
    EXPECT_EQ(report->on_demand_micro_usd, res.on_demand_micro_usd) << name;
    v1::RunMetrics m;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(report->run.metrics, &m));
    if (res.committed == ledger::Pool::kNone) {
      EXPECT_FALSE(m.has_utilization()) << name;
    } else {
      EXPECT_NEAR(m.utilization(), res.committed_utilization, 1e-4) << name;
    }
    const std::string text = report::FormatReport(*report, {});
    if (name == "own half, burst") {
      auto usd = [](int64_t micro) { return report::Decimal(micro, 1'000'000, 2, true); };
      EXPECT_NE(text.find("strategy \"own half, burst\": $" + usd(res.total_micro_usd) +
                          " = owned cluster $" + usd(res.committed_micro_usd) +
                          " (idle included) + on-demand $" + usd(res.on_demand_micro_usd)),
                std::string::npos)
          << text;
      EXPECT_NE(text.find(absl::StrFormat("utilization: %.2f%%", 100 * res.committed_utilization)),
                std::string::npos)
          << text;
      EXPECT_LT(res.committed_utilization, 0.1);  // half the peak owned, its big phases on demand
    }
    if (name == "all on-demand") {
      EXPECT_NE(text.find("cluster: none of its own (every H800 GPU on demand)"), std::string::npos)
          << text;
    }
  }
}

TEST_F(CompareTest, BadStrategiesReplayNothing) {
  const std::string path = Path("s.textproto");
  std::ofstream(path) << "strategies { name: \"ok\" on_demand: true }\n"
                         "strategies { name: \"x\" committed: \"leased\" committed_gpus: 8 }\n";
  std::vector<traces::StrategyPlace> where;
  auto s = traces::LoadStrategies(path, &where);
  ASSERT_TRUE(s.ok());
  auto r = compare::CompareStrategies(plan_, *s, {}, *ledger_, where);
  EXPECT_EQ(r.status().message(),
            path +
                ":2:24: strategy \"x\": field committed must be \"owned\", \"reserved\" or empty, "
                "got \"leased\"");
  EXPECT_TRUE(ledger_->ListRuns()->empty());
  std::ofstream(path) << "strategies { name: \"y\" committed: \"owned\" committed_gpus: 8 "
                         "committed_pricing: \"nope\" }\n";
  r = compare::CompareStrategies(plan_, *traces::LoadStrategies(path), {}, *ledger_);
  EXPECT_NE(r.status().message().find(
                "strategy \"y\": field committed_pricing: unknown pricing profile \"nope\""),
            absl::string_view::npos)
      << r.status();
  // A profile must price what it is used for.
  std::ofstream(path) << "strategies { name: \"w\" committed: \"owned\" committed_gpus: 8 "
                         "committed_pricing: \"on-demand-hyperscaler\" }\n";
  r = compare::CompareStrategies(plan_, *traces::LoadStrategies(path), {}, *ledger_);
  EXPECT_EQ(r.status().message(),
            "strategy #1: strategy \"w\": field committed_pricing: profile "
            "\"on-demand-hyperscaler\" prices no owned capacity");
  compare::CompareOptions remote;
  remote.allow_profile_files = false;
  std::ofstream(path)
      << "strategies { name: \"v\" on_demand: true on_demand_pricing: \"/etc/passwd\" }\n";
  r = compare::CompareStrategies(plan_, *traces::LoadStrategies(path), remote, *ledger_);
  EXPECT_EQ(r.status().message(),
            "strategy #1: strategy \"v\": field on_demand_pricing: only shipped profiles here, not "
            "files");
  EXPECT_TRUE(ledger_->ListRuns()->empty());
  std::ofstream(path) << "strategies { name: \"z\" colour: 3 }\n";
  const std::string message(traces::LoadStrategies(path).status().message());
  EXPECT_EQ(message.substr(0, path.size() + 3), path + ":1:") << message;  // file and line
  EXPECT_NE(message.find("colour"), std::string::npos) << message;
}

}  // namespace
}  // namespace gpuledger::replay

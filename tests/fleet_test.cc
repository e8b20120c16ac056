// Fleet strategies (Strategy.pools) against figures worked out by hand: an
// owned H800 pool and a B200 pool rented on demand, two 8-GPU jobs of 576
// H800 GPU-hours each, priced over a 10-day horizon; a pool sold on a date;
// and the inputs a fleet refuses.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "compare/compare.h"
#include "gtest/gtest.h"
#include "ledger/store.h"
#include "report/cost.h"
#include "report/focus.h"
#include "report/timeline.h"
#include "tests/temp_dir.h"
#include "traces/plan.h"

namespace gpuledger::compare {
namespace {

constexpr int64_t kUsd = 1'000'000;  // micro-dollars

// Owned H800 by hand: $35,064 a GPU over 4 years (35,064 hours) to nothing,
// so $1 per GPU-hour; energy 0.7 kW x 2 x load x $0.10: busy (0.5) $0.07,
// idle (0.25) $0.035 per GPU-hour.
constexpr char kOwned[] = R"pb(
  owned {
    capital_usd_per_gpu: 35064 network_share: 0 depreciation: STRAIGHT_LINE
    depreciation_years: 4 residual_share: 0 server_power_factor: 2 busy_load: 0.5
    idle_load: 0.25 pue: 1 usd_per_kwh: 0.1 operations_share_per_year: 0
    cost_of_capital_per_year: 0
  })pb";
// B200 rented at $5 per GPU-hour.
constexpr char kRent[] = "rental { usd_per_gpu_hour: 5 }";

// Job b runs on the B200 pool: 576 H800 GPU-hours on 8 GPUs are 259,200 s
// of H800 time, which a B200 does 2,250 / 989 (dense BF16) times as fast:
// ceil(259,200 x 989 / 2,250) = ceil(113,932.8) s.
constexpr int64_t kOnB200 = 113'933;

class FleetTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    auto l = ledger::Ledger::Open(Path("l.sqlite"));
    ASSERT_TRUE(l.ok()) << l.status();
    ledger_ = std::move(*l);
    auto w = traces::LoadPlanText(R"(
      name: "fleet" start_date: "2025-01-01"
      cluster { gpu: "H800" nodes: 1 }
      jobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: 576 }
      jobs { id: "b" phase: RL gpus: 8 gpu_hours: 576 })",
                                  "fleet.textproto");
    ASSERT_TRUE(w.ok()) << w.status();
    plan_ = *w;
    std::ofstream(Path("owned.textproto")) << kOwned;
    std::ofstream(Path("rent.textproto")) << kRent;
  }
  // H800 owned (preferred), then B200 on demand.
  v1::Strategy Fleet(const std::string& h800_retired = "") {
    v1::Strategy s;
    s.set_name("fleet");
    v1::StrategyPool* h = s.add_pools();
    h->set_gpu("H800");
    h->set_gpus(8);
    h->set_capacity("owned");
    h->set_pricing(Path("owned.textproto"));
    h->set_available_from("2025-01-01");
    h->set_retired_at(h800_retired);
    v1::StrategyPool* b = s.add_pools();
    b->set_gpu("B200");
    b->set_gpus(8);
    b->set_capacity("on-demand");
    b->set_pricing(Path("rent.textproto"));
    return s;
  }
  absl::StatusOr<std::vector<StrategyResult>> Compare(const std::vector<v1::Strategy>& s,
                                                      int64_t horizon = 10 * 86400) {
    CompareOptions o;
    if (horizon > 0) o.horizon_seconds = horizon;
    return CompareStrategies(plan_, s, o, *ledger_);
  }
  std::unique_ptr<ledger::Ledger> ledger_;
  traces::Workload plan_;
};

TEST_F(FleetTest, EachPoolPricedAsWhatItIs) {
  auto r = Compare({Fleet()});
  ASSERT_TRUE(r.ok()) << r.status();
  const StrategyResult& s = (*r)[0];
  ASSERT_EQ(s.fleet.size(), 2u);
  const FleetPoolResult& h800 = s.fleet[0];
  const FleetPoolResult& b200 = s.fleet[1];
  // a takes the preferred H800 pool; b, which finds it full, the B200 one.
  EXPECT_EQ(h800.busy_gpu_seconds, 8 * 259'200);
  EXPECT_EQ(b200.busy_gpu_seconds, 8 * kOnB200);
  EXPECT_EQ(h800.productive_gpu_seconds, 8 * 259'200);
  EXPECT_EQ(s.window_seconds, 259'200);
  // H800 owned over the whole horizon: 8 x 240 h = 1,920 GPU-hours at $1,
  // 576 busy at $0.07 and 1,344 idle at $0.035.
  EXPECT_EQ(h800.held_gpu_seconds, 8 * 864'000);
  EXPECT_EQ(h800.total_micro_usd, 1920 * kUsd + 40'320'000 + 47'040'000);
  EXPECT_EQ(h800.capital_micro_usd, 8 * 35'064 * kUsd);
  // B200 on demand: only its GPU-hours, 8 x 113,933 s at $5 (911,464 x 5 /
  // 3,600 = $1,265.922222...), nothing for the rest of the horizon.
  EXPECT_EQ(b200.total_micro_usd, 1'265'922'222);
  EXPECT_EQ(b200.capital_micro_usd, 0);
  EXPECT_EQ(s.total_micro_usd, h800.total_micro_usd + b200.total_micro_usd);
  EXPECT_EQ(s.capital_micro_usd, h800.capital_micro_usd);
  EXPECT_EQ(s.committed_gpus, 8);
  EXPECT_EQ(s.on_demand_gpu_seconds, 8 * kOnB200);
  // Each phase is done when its job is, on the pool it ran on.
  const std::vector<std::pair<std::string, int64_t>> done = {{"pretrain", 259'200},
                                                             {"rl", kOnB200}};
  EXPECT_EQ(s.phase_finish, done);
  // The run's entries name each pool's capacity.
  auto run = ledger_->GetRun(s.run_id);
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->pools.size(), 2u);
  EXPECT_EQ(run->pools[0].capacity, ledger::Pool::kOwned);
  EXPECT_EQ(run->pools[1].capacity, ledger::Pool::kOnDemand);
  // Kept and read back, the comparison says the same.
  StrategyResult back = FromComparison(ToResponse(*r).results(0));
  ASSERT_EQ(back.fleet.size(), 2u);
  EXPECT_EQ(back.fleet[1].total_micro_usd, b200.total_micro_usd);
  EXPECT_EQ(back.fleet[1].capacity, ledger::Pool::kOnDemand);
  const std::string table = FormatComparison(*r, "table");
  EXPECT_TRUE(absl::StrContains(table, "owned 8 H800 + on-demand 8 B200")) << table;
  EXPECT_TRUE(absl::StrContains(table, "fleets by GPU model")) << table;
}

TEST_F(FleetTest, TheReportOfTheRunCostsWhatCompareDoesOverItsWindow) {
  auto r = Compare({Fleet()}, 0);  // the horizon is the replay
  ASSERT_TRUE(r.ok()) << r.status();
  const StrategyResult& s = (*r)[0];
  EXPECT_EQ(s.horizon_seconds, s.window_seconds);
  for (ledger::GroupBy by : ledger::kGroupBys) {
    auto c = report::BuildCostReport(*ledger_, s.run_id, by, false);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->total.owned_micro_usd, s.total_micro_usd) << ledger::GroupByName(by);
    int64_t sum = 0;
    for (const report::CostRow& row : c->rows) sum += row.owned_micro_usd;
    EXPECT_EQ(sum, s.total_micro_usd) << ledger::GroupByName(by);
    ASSERT_EQ(c->pools.size(), 2u);
    EXPECT_EQ(c->pools[1].capital_micro_usd, 0);  // rented, not bought
    if (by != ledger::GroupBy::kJob) continue;
    // The HTML page's buckets charge the same: the rented pool's idle
    // hours nothing.
    auto t = report::BuildRunTimeline(*ledger_, *c, 2000, 200, nullptr);
    ASSERT_TRUE(t.ok()) << t.status();
    int64_t buckets = 0;
    for (const report::CostPart& part : t->owned) {
      for (int64_t v : part.micro_usd) buckets += v;
    }
    EXPECT_EQ(buckets, s.total_micro_usd);
  }
  // The FOCUS export bills the same, with a purchase for the owned pool only.
  std::ostringstream csv;
  ASSERT_TRUE(report::ExportFocus(*ledger_, s.run_id, {}, csv).ok());
  std::istringstream in(csv.str());
  std::string line;
  int purchases = 0;
  while (std::getline(in, line)) {
    if (absl::StrContains(line, ",Purchase,")) {
      ++purchases;
      EXPECT_TRUE(absl::StrContains(line, "H800")) << line;
    }
  }
  EXPECT_EQ(purchases, 1);
  auto v = ledger_->Verify();
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->sound()) << (v->problems.empty() ? "" : v->problems.front());
}

TEST_F(FleetTest, APoolSoldOnADateIsPaidForUntilThenAndResoldThen) {
  auto r = Compare({Fleet("2025-01-05")});
  ASSERT_TRUE(r.ok()) << r.status();
  const StrategyResult& s = (*r)[0];
  const FleetPoolResult& h800 = s.fleet[0];
  // Held 4 days: 8 x 96 h = 768 GPU-hours at $1; 576 busy, 192 idle.
  EXPECT_EQ(h800.held_gpu_seconds, 8 * 4 * 86'400);
  EXPECT_EQ(h800.total_micro_usd, 768 * kUsd + 40'320'000 + 6'720'000);
  ASSERT_TRUE(s.cash.has_value());
  const CashFlow& c = *s.cash;
  ASSERT_EQ(c.months.size(), 1u);  // January 2025
  const CashMonth& jan = c.months[0];
  EXPECT_EQ(jan.purchase, 8 * 35'064 * kUsd);
  // Sold 4 days into a 1,461-day life, straight line to nothing:
  // $280,512 x (1 - 4 / 1,461) = $279,744.
  EXPECT_EQ(jan.resale, 279'744 * kUsd);
  EXPECT_EQ(c.resale, 279'744 * kUsd);
  EXPECT_EQ(jan.energy, 40'320'000 + 6'720'000);
  EXPECT_EQ(jan.rent, 1'265'922'222);
  EXPECT_EQ(c.net, 768 * kUsd + 47'040'000 + 1'265'922'222);
}

TEST_F(FleetTest, AFleetRefusesWhatItCannotMean) {
  auto refused = [&](v1::Strategy s, const std::string& words) {
    auto r = Compare({s});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(r.status().message(), words)) << r.status();
  };
  v1::Strategy s = Fleet();
  s.set_committed("owned");
  refused(s, "field committed sizes or prices one committed pool");
  s = Fleet();
  s.mutable_pools(1)->set_capacity("reserved");
  refused(s, "field pools[1].capacity: must be \"owned\" or \"on-demand\"");
  s = Fleet();
  s.mutable_pools(0)->set_gpu("H900");
  refused(s, "field pools[0].gpu: unknown GPU model \"H900\"");
  s = Fleet();
  s.mutable_pools(0)->set_gpus(4);
  refused(s, "field pools[0].gpus: must be at least one 8-GPU H800 node");
  s = Fleet();
  s.mutable_pools(0)->set_gpus(12);
  refused(s, "field pools[0].gpus: must be whole 8-GPU H800 nodes, got 12 (8 or 16)");
  s = Fleet();
  s.mutable_pools(1)->clear_capacity();
  refused(s, "field pools[1].capacity: required");
  s = Fleet();
  s.mutable_pools(1)->set_gpu("H800");
  refused(s, "two pools are named \"H800\"");
  s = Fleet("2024-12-31");
  refused(s, "field pools[0].retired_at");
  // A job no pool fits is refused (a one-pool strategy would shrink it).
  auto big = traces::LoadPlanText(R"(
      name: "big" start_date: "2025-01-01"
      cluster { gpu: "H800" nodes: 3 }
      jobs { id: "a" phase: PRETRAIN gpus: 24 gpu_hours: 576 })",
                                  "big.textproto");
  ASSERT_TRUE(big.ok()) << big.status();
  plan_ = *big;
  refused(Fleet(), "job \"a\": field gpus: 24 GPUs fit no pool of the strategy (H800: 8 GPUs");
  // Nothing was replayed.
  auto runs = ledger_->ListRuns();
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
}

TEST_F(FleetTest, APoolOutsideTheHorizonIsRefusedNotPaidFor) {
  // The B200 pool would arrive after the 10-day horizon ends: bought and
  // never used, so refused rather than charged (or silently left out).
  v1::Strategy s = Fleet();
  s.mutable_pools(1)->set_capacity("owned");
  s.mutable_pools(1)->set_pricing(Path("owned.textproto"));
  s.mutable_pools(1)->set_available_from("2025-02-01");
  auto r = Compare({s});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(r.status().message(),
                                "pool \"B200\" is in service from 2025-02-01, outside the "
                                "comparison's span (2025-01-01, the work's start, to 2025-01-11"))
      << r.status();
}

}  // namespace
}  // namespace gpuledger::compare

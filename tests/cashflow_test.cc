// A dated comparison's cash flow, month by month, against calculations
// written out here: one 8-GPU job of 72 hours from 2025-01-30 (48 hours in
// January, 24 in February) priced over a 10-day horizon (to 2025-02-09).
#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "compare/compare.h"
#include "compare/sensitivity.h"
#include "gtest/gtest.h"
#include "pricing/asset.h"
#include "report/cost.h"
#include "tests/temp_dir.h"
#include "traces/plan.h"

namespace gpuledger::compare {
namespace {

constexpr int64_t kUsd = 1'000'000;  // micro-dollars

// Owned by hand: $35,064 a GPU, 4 years straight line to nothing; energy
// 0.7 kW (H800) x 2 x 0.5 load x $0.10 = $0.07 busy, $0.035 idle, per GPU-hour.
constexpr char kOwned[] = R"pb(
  owned {
    capital_usd_per_gpu: 35064 network_share: 0 depreciation: STRAIGHT_LINE
    depreciation_years: 4 residual_share: 0 server_power_factor: 2 busy_load: 0.5
    idle_load: 0.25 pue: 1 usd_per_kwh: 0.1 operations_share_per_year: 0
    cost_of_capital_per_year: 0
  })pb";

class CashFlowTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    auto l = ledger::Ledger::Open(Path("l.sqlite"));
    ASSERT_TRUE(l.ok()) << l.status();
    ledger_ = std::move(*l);
    auto w = traces::LoadPlanText(R"(
      name: "cash" start_date: "2025-01-30"
      cluster { gpu: "H800" nodes: 1 }
      jobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: 576 })",
                                  "cash.textproto");
    ASSERT_TRUE(w.ok()) << w.status();
    plan_ = *w;
    std::ofstream(Path("owned.textproto")) << kOwned;
    std::string resold = kOwned;
    resold.insert(resold.rfind('}'), " resale_share: 1 ");
    std::ofstream(Path("resold.textproto")) << resold;
  }
  v1::Strategy Own(const std::string& name, const std::string& profile = "owned.textproto") {
    v1::Strategy s;
    s.set_name(name);
    s.set_committed("owned");
    s.set_committed_gpus(8);
    s.set_committed_pricing(Path(profile));
    s.set_purchased_on("2025-01-01");
    return s;
  }
  absl::StatusOr<std::vector<StrategyResult>> Compare(const std::vector<v1::Strategy>& s,
                                                      double discount = 0) {
    CompareOptions o;
    o.horizon_seconds = 10 * 86400;
    o.discount_rate = discount;
    return CompareStrategies(plan_, s, o, *ledger_);
  }
  std::unique_ptr<ledger::Ledger> ledger_;
  traces::Workload plan_;
};

TEST_F(CashFlowTest, RentingPaysEachMonthItsHours) {
  v1::Strategy rent;
  rent.set_name("rent");
  rent.set_on_demand(true);
  auto r = Compare({rent});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE((*r)[0].cash.has_value());
  const CashFlow& c = *(*r)[0].cash;
  ASSERT_EQ(c.months.size(), 2u);
  EXPECT_EQ(c.months[0].month, "2025-01");
  EXPECT_EQ(c.months[1].month, "2025-02");
  // $2 x 8 GPUs x 48 h, then x 24 h; the months add up to the total.
  EXPECT_EQ(c.months[0].rent, 768 * kUsd);
  EXPECT_EQ(c.months[1].rent, 384 * kUsd);
  EXPECT_EQ(c.net, (*r)[0].on_demand_micro_usd);
  EXPECT_EQ(c.months[1].cumulative, 1152 * kUsd);
  EXPECT_EQ(c.months[1].rent_same_work_cumulative, 1152 * kUsd);
  EXPECT_EQ(c.breakeven_month, "");  // nothing committed
}

TEST_F(CashFlowTest, AnOwnedPoolBoughtOnADateIdlesUntilTheWorkAndIsResoldAtTheHorizon) {
  auto r = Compare({Own("own")}, 0.12);
  ASSERT_TRUE(r.ok()) << r.status();
  const CashFlow& c = *(*r)[0].cash;
  ASSERT_EQ(c.months.size(), 2u);
  // January: the purchase, 8 x $35,064; idle from the 1st to the 30th (29
  // days) and busy the 30th and 31st.
  EXPECT_EQ(c.months[0].purchase, 280'512 * kUsd);
  EXPECT_EQ(c.months[0].energy, std::llround((29 * 24 * 8 * 0.035 + 48 * 8 * 0.07) * kUsd));
  // February to the 9th: busy a day, idle 7 days.
  EXPECT_EQ(c.months[1].energy, std::llround((24 * 8 * 0.07 + 7 * 24 * 8 * 0.035) * kUsd));
  // Resold at 39 days old: 280,512 x (1 - 39 / 1,461) = $273,024 (straight
  // line, the book value too).
  EXPECT_EQ(c.months[1].resale, 273'024 * kUsd);
  EXPECT_EQ(c.resale, 273'024 * kUsd);
  EXPECT_EQ(c.book_value, 273'024 * kUsd);
  const int64_t jan = 280'512 * kUsd + c.months[0].energy;
  const int64_t feb = c.months[1].energy - 273'024 * kUsd;
  EXPECT_EQ(c.months[0].net, jan);
  EXPECT_EQ(c.months[1].net, feb);
  EXPECT_EQ(c.net, jan + feb);
  EXPECT_EQ(c.paid, jan + c.months[1].energy);
  EXPECT_EQ(c.received, 273'024 * kUsd);
  // Discounted at 12% a year: February a twelfth of a year later.
  EXPECT_EQ(c.present_cost, std::llround(jan + feb / std::pow(1.12, 1.0 / 12)));
  // Cumulative $7,770 against $1,152 of renting the same work: never.
  EXPECT_EQ(c.breakeven_month, "never");
}

// A dated used-price series sells the hardware at its value on the day of
// the sale: LINEAR from $30,000 a GPU on 2025-01-01 to $24,000 on 2025-03-01,
// so on 2025-02-09 (the horizon, 39 of the 59 days) 30,000 - 6,000 x 39/59.
TEST_F(CashFlowTest, AUsedPriceSeriesGivesTheResaleOnTheDayOfTheSale) {
  std::string curve = kOwned;
  curve.insert(curve.rfind('}'),
               " resale_usd_per_gpu_curve { interpolation: LINEAR points { date: \"2025-01-01\" "
               "usd: 30000 } points { date: \"2025-03-01\" usd: 24000 } } ");
  std::ofstream(Path("used.textproto")) << curve;
  auto r = Compare({Own("own", "used.textproto")});
  ASSERT_TRUE(r.ok()) << r.status();
  const CashFlow& c = *(*r)[0].cash;
  const int64_t resale = std::llround((30000 + (24000.0 - 30000) * (39.0 / 59)) * 1e6 * 8);
  EXPECT_EQ(resale, 208'271'186'441);  // $208,271.19 for the 8 GPUs
  EXPECT_EQ(c.resale, resale);
  EXPECT_EQ(c.months[1].resale, resale);
  EXPECT_EQ(c.book_value, 273'024 * kUsd);  // the books still depreciate straight
  // resale_share, set too, wins.
  std::string both = curve;
  both.insert(both.rfind('}'), " resale_share: 0.5 ");
  std::ofstream(Path("both.textproto")) << both;
  auto half = Compare({Own("own", "both.textproto")});
  ASSERT_TRUE(half.ok()) << half.status();
  EXPECT_EQ(half->front().cash->resale, 140'256 * kUsd);
  // A series needs dated points, in order, and a dated plan.
  std::ofstream(Path("bare.textproto"))
      << "owned { resale_usd_per_gpu_curve { change_per_year: -0.2 } }";
  auto bare = Compare({Own("own", "bare.textproto")});
  EXPECT_EQ(bare.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(bare.status().message(),
                                "owned.resale_usd_per_gpu_curve: a used-price series needs dated "
                                "points"))
      << bare.status();
  std::ofstream(Path("unordered.textproto"))
      << "owned { resale_usd_per_gpu_curve { points { date: \"2025-03-01\" usd: 1 } "
         "points { date: \"2025-01-01\" usd: 2 } } }";
  auto unordered = Compare({Own("own", "unordered.textproto")});
  EXPECT_TRUE(absl::StrContains(unordered.status().message(),
                                "owned.resale_usd_per_gpu_curve.points[1].date: 2025-01-01 is not "
                                "after the point before it"))
      << unordered.status();
  traces::Workload undated = plan_;
  undated.start_utc.reset();
  v1::Strategy own = Own("own", "used.textproto");
  own.clear_purchased_on();
  auto no_date = CompareStrategies(undated, {own}, {}, *ledger_);
  EXPECT_TRUE(absl::StrContains(no_date.status().message(),
                                "owned.resale_usd_per_gpu_curve dates the resale, which needs a "
                                "dated plan"))
      << no_date.status();
}

// A replay that outlasts --horizon stretches it, and then every strategy's
// cash flow runs to the end of the longest, so all sell on one day.
TEST_F(CashFlowTest, EveryCashFlowRunsToTheSameHorizon) {
  v1::Strategy rent;
  rent.set_name("rent, slow to come up");
  rent.set_on_demand(true);
  rent.set_provisioning_minutes(24 * 60);  // its replay: a day more, 4 days
  CompareOptions o;
  o.horizon_seconds = 86400;  // shorter than either replay
  auto r = CompareStrategies(plan_, {Own("own"), rent}, o, *ledger_);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)[0].horizon_seconds, 3 * 86400);  // each total keeps its own replay
  EXPECT_EQ((*r)[1].horizon_seconds, 4 * 86400);
  const CashFlow& own = *(*r)[0].cash;
  const CashFlow& renting = *(*r)[1].cash;
  ASSERT_EQ(own.months.size(), renting.months.size());
  // Owned from 2025-01-01, sold on 2025-02-03 (the renter's end), 33 days
  // old: 280,512 x (1 - 33 / 1,461) = 280,512 - 192 x 33; idle power to then.
  EXPECT_EQ(own.resale, (280'512 - 192 * 33) * kUsd);
  // February: busy the 1st, idle the 2nd.
  EXPECT_EQ(own.months[1].energy, std::llround((24 * 8 * 0.07 + 24 * 8 * 0.035) * kUsd));
}

// A horizon longer than the hardware's 4-year life (1,461 days) buys it
// again when each life ends, as the amortized view charges: on 2029-01-01
// and 2033-01-01; the last is sold at the horizon (2035-01-29T12:00, ten
// years of 365.25 days after the window's start), 759.5 days old:
// 280,512 x (1 - 759.5 / 1,461) = 280,512 - 192 x 759.5 = $134,688.
TEST_F(CashFlowTest, AHorizonPastTheHardwaresLifeReplacesIt) {
  CompareOptions o;
  o.horizon_seconds = 10 * pricing::kSecondsPerYear;
  auto r = CompareStrategies(plan_, {Own("own")}, o, *ledger_);
  ASSERT_TRUE(r.ok()) << r.status();
  const CashFlow& c = *(*r)[0].cash;
  std::vector<std::string> bought;
  for (const CashMonth& m : c.months) {
    if (m.purchase > 0) {
      bought.push_back(m.month);
      EXPECT_EQ(m.purchase, 280'512 * kUsd) << m.month;
    }
  }
  EXPECT_EQ(bought, (std::vector<std::string>{"2025-01", "2029-01", "2033-01"}));
  EXPECT_EQ(c.resale, 134'688 * kUsd);
  EXPECT_EQ(c.received, 134'688 * kUsd);  // the old ones are worth nothing
  EXPECT_EQ(c.months.back().month, "2035-01");
}

TEST_F(CashFlowTest, ALoanPaysFromTheNextMonthAndIsRepaidAtTheHorizon) {
  v1::Strategy s = Own("own on a loan");
  s.set_loan_rate_per_year(0.12);
  s.set_loan_years(1);
  auto r = Compare({s});
  ASSERT_TRUE(r.ok()) << r.status();
  const CashFlow& c = *(*r)[0].cash;
  EXPECT_EQ(c.months[0].purchase, 0);
  EXPECT_EQ(c.months[0].loan, 0);
  // February: the first payment and the balance left after it, i.e. the
  // principal and one month's interest at 1%.
  EXPECT_EQ(c.months[1].loan, (280'512 + 2'805.12) * kUsd);
  auto schedule = pricing::LoanSchedule(280'512 * kUsd, 0.12, 12);
  ASSERT_TRUE(schedule.ok());
  EXPECT_EQ(c.months[1].loan, (*schedule)[0].payment + (*schedule)[0].balance);
}

TEST_F(CashFlowTest, IdleCapacityRentedOutEarnsAndDrawsBusyPower) {
  v1::Strategy s = Own("own, rent out");
  s.set_rent_out_idle_share(0.5);
  s.set_rent_out_discount(0.25);
  auto r = Compare({Own("own"), s});
  ASSERT_TRUE(r.ok()) << r.status();
  const CashFlow& plain = *(*r)[0].cash;
  const CashFlow& c = *(*r)[1].cash;
  // January's 5,568 idle GPU-hours (29 days x 24 x 8): half sold at $2 less
  // 25%, i.e. $0.75 a GPU-hour of idle; and $0.0175 more energy each (half
  // of them at $0.07 instead of $0.035).
  EXPECT_EQ(c.months[0].rent_out, 4'176 * kUsd);
  EXPECT_EQ(c.months[0].energy - plain.months[0].energy, std::llround(5568 * 0.0175 * kUsd));
  EXPECT_EQ(c.months[1].rent_out, std::llround(7 * 24 * 8 * 0.75 * kUsd));
}

TEST_F(CashFlowTest, BreakEvenIsTheMonthFromWhichOwningStaysBelowRenting) {
  // Resold for all it cost: February's cumulative is January's and
  // February's energy, $282, under the $1,152 of renting the same work;
  // January's $280,734 is not under $768.
  auto r = Compare({Own("own, resold whole", "resold.textproto")});
  ASSERT_TRUE(r.ok()) << r.status();
  const CashFlow& c = *(*r)[0].cash;
  EXPECT_EQ(c.months[1].resale, 280'512 * kUsd);
  EXPECT_EQ(c.months[1].cumulative, c.months[0].energy + c.months[1].energy);
  EXPECT_EQ(c.breakeven_month, "2025-02");
}

TEST_F(CashFlowTest, ReservedCapacityPaysByMonthAndOwesTheRestOfItsTermAtTheHorizon) {
  v1::Strategy s;
  s.set_name("reserve");
  s.set_committed("reserved");
  s.set_committed_gpus(8);  // reserved-1y: $1.50, one year
  auto r = Compare({s});
  ASSERT_TRUE(r.ok()) << r.status();
  const CashFlow& c = *(*r)[0].cash;
  // January 30 and 31; then February to the 9th and the year's other
  // 8,526 hours.
  EXPECT_EQ(c.months[0].reserved, 8 * 48 * 1.5 * kUsd);
  EXPECT_EQ(c.months[1].reserved, 8 * (192 + 8526) * 1.5 * kUsd);
  EXPECT_EQ(c.net, (*r)[0].committed_micro_usd);
}

// Failures: nodes under repair draw no power, so an owned pool's energy is
// its busy GPU-seconds at busy power and the rest, less the down ones, at
// idle power; the months add up to that, rounded once.
TEST_F(CashFlowTest, NodesUnderRepairDrawNoPower) {
  auto w = traces::LoadPlanFile(std::string(GPULEDGER_SOURCE_DIR) +
                                "/traces/deepseek-v3-r1-failures.textproto");
  ASSERT_TRUE(w.ok()) << w.status();
  w->start_utc = plan_.start_utc;
  v1::Strategy own = Own("own");
  own.set_committed_gpus(2048);
  own.clear_purchased_on();  // bought at the window's start
  CompareOptions o;
  o.seed = 3;
  auto r = CompareStrategies(*w, {own}, o, *ledger_);
  ASSERT_TRUE(r.ok()) << r.status();
  const StrategyResult& x = (*r)[0];
  auto down = ledger_->DownGpuSeconds(x.run_id);
  ASSERT_TRUE(down.ok());
  ASSERT_GT(*down, 0);  // the seed has failures
  const int64_t capacity = int64_t{2048} * x.horizon_seconds;
  const int64_t idle = capacity - x.committed_busy_gpu_seconds - *down;
  // $0.07 and $0.035 per GPU-hour: 70,000,000 and 35,000,000 nano-dollars.
  const __int128 exact = static_cast<__int128>(x.committed_busy_gpu_seconds) * 70'000'000 +
                         static_cast<__int128>(idle) * 35'000'000;
  int64_t energy = 0;
  for (const CashMonth& m : x.cash->months) energy += m.energy;
  EXPECT_EQ(energy, static_cast<int64_t>((exact + 1'800'000) / 3'600'000));
}

// Strategies whose prices move (a falling on-demand price, 1-year reserved
// contracts at market prices): compare charges each segment as a report of
// the run does, and the cash flow adds up to the same totals.
TEST_F(CashFlowTest, StrategiesWhosePricesMoveCostWhatTheirRunsReport) {
  v1::Strategy rent;
  rent.set_name("rent falling");
  rent.set_on_demand(true);
  rent.set_on_demand_pricing("on-demand-falling");
  v1::Strategy reserve;
  reserve.set_name("reserve market");
  reserve.set_committed("reserved");
  reserve.set_committed_gpus(8);
  reserve.set_committed_pricing("reserved-1y-market");
  CompareOptions o;  // no horizon: each run's own window, as its report has it
  auto r = CompareStrategies(plan_, {rent, reserve}, o, *ledger_);
  ASSERT_TRUE(r.ok()) << r.status();
  for (const StrategyResult& x : *r) {
    auto report = report::BuildCostReport(*ledger_, x.run_id, ledger::GroupBy::kJob, false);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(x.total_micro_usd, report->total.owned_micro_usd) << x.strategy.name();
    EXPECT_EQ(x.cash->net, x.total_micro_usd) << x.strategy.name();
  }
  // Falling from $2 at the window's start, cut at each midnight: less than
  // $2 x 576 GPU-hours.
  auto falling = report::BuildCostReport(*ledger_, (*r)[0].run_id, ledger::GroupBy::kJob, false);
  ASSERT_TRUE(falling.ok());
  EXPECT_EQ(falling->segments.size(), 3u);
  EXPECT_LT((*r)[0].total_micro_usd, 1152 * kUsd);
  EXPECT_GT((*r)[0].total_micro_usd, 1100 * kUsd);
  // Undated, the market's dated prices have nowhere to go.
  plan_.start_utc.reset();
  EXPECT_EQ(CompareStrategies(plan_, {reserve}, o, *ledger_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// compare --vary: each case replayed and judged by its present cost; a
// free pool (purchase_price 0) wins against renting, and the table says so.
TEST_F(CashFlowTest, VaryingAnAssumptionReplaysEachEndAndNamesWhatMovesTheWinner) {
  v1::Strategy rent;
  rent.set_name("rent");
  rent.set_on_demand(true);
  const std::vector<v1::Strategy> strategies = {rent, Own("own")};
  CompareOptions o;
  o.horizon_seconds = 10 * 86400;
  auto base = CompareStrategies(plan_, strategies, o, *ledger_);
  ASSERT_TRUE(base.ok()) << base.status();
  auto price = ParseVariation("purchase_price=0..0.5");
  ASSERT_TRUE(price.ok()) << price.status();
  auto spare = ParseVariation("spare_utilization=0%..50%");
  ASSERT_TRUE(spare.ok()) << spare.status();
  EXPECT_EQ(spare->high, 0.5);
  auto s = Vary(plan_, strategies, o, {*price, *spare}, {}, *base);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->present_cost);
  EXPECT_EQ(s->base.cost[0], 1152 * kUsd);  // rent: $2 x 576 GPU-hours
  EXPECT_EQ(s->base.winner, 0u);
  ASSERT_EQ(s->cases.size(), 4u);
  // Free hardware: only January's and February's energy ($221.76 + $60.48).
  EXPECT_EQ(s->cases[0].cost[1], std::llround(282.24 * kUsd));
  EXPECT_EQ(s->cases[0].winner, 1u);
  // Half the price: half the purchase and half the resale (39 days old).
  EXPECT_EQ(s->cases[1].cost[1], (140'256 - 136'512) * kUsd + s->cases[0].cost[1]);
  // Half the idle hours sold at $2: January's 5,568 and February's 1,344
  // idle GPU-hours, half of them at $2 (less $0.0175 more energy each).
  EXPECT_EQ(s->cases[3].cost[1],
            s->base.cost[1] - std::llround((5568 + 1344) * (0.5 * 2 - 0.0175) * kUsd));
  EXPECT_EQ(s->cases[3].winner, 1u);
  const std::string table = FormatSensitivity(*s, "table");
  EXPECT_TRUE(absl::StrContains(table, "the winner changes with spare_utilization at 0.5: own; "
                                       "purchase_price at 0: own"))
      << table;
  // Refused before any case is replayed.
  EXPECT_EQ(ParseVariation("price=1..2").status().message(),
            "--vary price=1..2: no field \"price\"; one of rental_change_per_year, "
            "purchase_price, resale_share, spare_utilization, discount_rate, failure_rate");
  EXPECT_EQ(ParseVariation("resale_share=0.5..2").status().message(),
            "--vary resale_share=0.5..2: resale_share's high end, 2, is above 1 (it may go from 0 "
            "to 1)");
  EXPECT_EQ(ParseVariation("purchase_price=-1..2").status().message(),
            "--vary purchase_price=-1..2: purchase_price's low end, -1, is below 0 (it may go "
            "from 0 to 10)");
  EXPECT_EQ(ParseVariation("resale_share=0.5..0.5").status().message(),
            "--vary resale_share=0.5..0.5: resale_share's low end, 0.5, must be below its high "
            "end, 0.5");
  // One assumption varied twice is refused.
  EXPECT_EQ(CheckVariations(plan_, {Own("own")}, {},
                            {*ParseVariation("purchase_price=0.5..1.5"),
                             *ParseVariation("purchase_price=0.6..1.4")},
                            {})
                .message(),
            "--vary purchase_price: given twice; vary each assumption once, over its whole range");
  EXPECT_FALSE(ParseVariation("purchase_price=0x1..2").ok());
  EXPECT_FALSE(ParseVariation("purchase_price=1").ok());
  auto fail = ParseVariation("failure_rate=0..2");
  ASSERT_TRUE(fail.ok());
  EXPECT_EQ(CheckVariations(plan_, strategies, o, {*fail}, {}).message(),
            "--vary failure_rate: cash.textproto has no failure model to scale; give the plan one "
            "(failure_model: \"llama3\")");
}

// --vary failure_rate scales the plan's failure model: at 0 the comparison
// is the one without failures, and more failures cost the renter more.
TEST_F(CashFlowTest, VaryingTheFailureRateScalesTheFailureModel) {
  auto w = traces::LoadPlanFile(std::string(GPULEDGER_SOURCE_DIR) +
                                "/traces/deepseek-v3-r1-failures.textproto");
  ASSERT_TRUE(w.ok()) << w.status();
  v1::Strategy rent;
  rent.set_name("rent");
  rent.set_on_demand(true);
  CompareOptions o;
  o.seed = 3;
  auto base = CompareStrategies(*w, {rent}, o, *ledger_);
  ASSERT_TRUE(base.ok()) << base.status();
  traces::Workload none = *w;
  none.failure_model.reset();
  auto clean = CompareStrategies(none, {rent}, o, *ledger_);
  ASSERT_TRUE(clean.ok()) << clean.status();
  auto v = ParseVariation("failure_rate=0..3");
  ASSERT_TRUE(v.ok());
  auto s = Vary(*w, {rent}, o, {*v}, {}, *base);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->cases[0].cost[0], (*clean)[0].total_micro_usd);
  EXPECT_GT(s->cases[1].cost[0], s->base.cost[0]);
  EXPECT_GT(s->base.cost[0], s->cases[0].cost[0]);
}

TEST_F(CashFlowTest, OwningOverTimeIsRefusedWhereItMeansNothing) {
  v1::Strategy late = Own("late");
  late.set_purchased_on("2025-02-01");
  EXPECT_EQ(Compare({late}).status().message(),
            "strategy #1: strategy \"late\": field purchased_on (2025-02-01T00:00:00Z) is after "
            "the plan's start (2025-01-30T00:00:00Z): the pool must be there when the work "
            "starts");
  v1::Strategy half = Own("half a loan");
  half.set_loan_years(3);
  EXPECT_EQ(Compare({half}).status().message(),
            "strategy #1: strategy \"half a loan\": a loan needs both loan_rate_per_year and "
            "loan_years");
  v1::Strategy rent;
  rent.set_name("rent");
  rent.set_on_demand(true);
  rent.set_rent_out_idle_share(0.5);
  EXPECT_EQ(Compare({rent}).status().message(),
            "strategy #1: strategy \"rent\": field rent_out_idle_share is for an owned pool "
            "(committed: \"owned\")");
  plan_.start_utc.reset();
  EXPECT_EQ(Compare({Own("undated")}).status().message(),
            "strategy #1: strategy \"undated\": field purchased_on needs a dated plan: give the "
            "plan a start_date (or compare --start-date)");
  EXPECT_EQ(ParseRate("8%").value(), 0.08);
  EXPECT_EQ(ParseRate("0.08").value(), 0.08);
  EXPECT_FALSE(ParseRate("108%").ok());
  EXPECT_FALSE(ParseRate("eight").ok());
  EXPECT_FALSE(ParseRate("0x1").ok());
  EXPECT_FALSE(ParseRate("").ok());
  EXPECT_FALSE(ParseRate("1e-1").ok());
  EXPECT_EQ(ParseHorizon("1001y").status().message(),
            "\"1001y\" is longer than 1000 years, the longest horizon");
  // A loan or idle hours sold are paid by calendar month: a dated plan only.
  v1::Strategy loan = Own("loan");
  loan.clear_purchased_on();
  loan.set_loan_rate_per_year(0.05);
  loan.set_loan_years(2);
  EXPECT_EQ(Compare({loan}).status().message(),
            "strategy #1: strategy \"loan\": field loan_years needs a dated plan (its cash flow is "
            "by calendar month): give the plan a start_date (or compare --start-date)");
}

}  // namespace
}  // namespace gpuledger::compare

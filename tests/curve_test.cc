// Prices that move (issue 16): curves cut into segments of constant prices
// by hand-worked cases, and a replay charged at the prices in force while
// each GPU-second ran: a price step splits a job's cost into exactly its
// two segments, and every grouping of a moving-price run (and its FOCUS
// export) adds up to one total, to the micro-dollar.
#include "pricing/curve.h"

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "ledger/store.h"
#include "replay/replay.h"
#include "report/cost.h"
#include "report/focus.h"
#include "tests/temp_dir.h"
#include "traces/plan.h"
#include "traces/pricing.h"

namespace gpuledger {
namespace {

namespace v1 = gpuledger::v1;

constexpr int64_t kDay = 86400;
constexpr int64_t kJan1 = 1735689600;  // 2025-01-01T00:00:00Z
constexpr int64_t kNano = 1'000'000'000;

v1::Pricing Text(const std::string& text) {
  v1::Pricing p = traces::BuiltinDefaults().pricing();
  v1::Pricing over;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &over)) << text;
  pricing::MergePricing(over, &p);
  EXPECT_TRUE(pricing::ValidatePricing(p, "").ok()) << pricing::ValidatePricing(p, "");
  return p;
}

std::vector<pricing::PriceSegment> Segments(const v1::Pricing& p, std::optional<int64_t> start,
                                            int64_t from, int64_t to) {
  auto s = pricing::PriceSegments(p, 700, 8, start, from, to);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : std::vector<pricing::PriceSegment>{};
}

TEST(PriceCurve, AStepSplitsTheWindowAtItsInstant) {
  const v1::Pricing p = Text(R"(rental { usd_per_gpu_hour_curve {
      points { date: "2025-01-01" usd: 2 } points { date: "2025-01-01T10:00:00Z" usd: 3 } } })");
  const auto s = Segments(p, kJan1, 0, 20 * 3600);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].start, 0);
  EXPECT_EQ(s[0].end, 36000);
  EXPECT_EQ(s[0].rates.rental, 2 * kNano);
  EXPECT_EQ(s[1].start, 36000);
  EXPECT_EQ(s[1].end, 72000);
  EXPECT_EQ(s[1].rates.rental, 3 * kNano);
  // Energy and the owned rates do not move.
  EXPECT_EQ(s[0].rates.owned_busy_energy, s[1].rates.owned_busy_energy);
  // A run that starts later is placed on the same dates: all at $3.
  const auto later = Segments(p, kJan1 + kDay, 0, kDay);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].rates.rental, 3 * kNano);
  // Before the first point: the first point's price.
  const auto before = Segments(p, kJan1 - 2 * kDay, 0, kDay);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].rates.rental, 2 * kNano);
}

TEST(PriceCurve, LinearMovesAtEachMidnightBetweenPoints) {
  // $2 on Jan 1 to $4 on Jan 5: the value at each midnight holds for its day.
  const v1::Pricing p = Text(R"(rental { usd_per_gpu_hour_curve { interpolation: LINEAR
      points { date: "2025-01-01" usd: 2 } points { date: "2025-01-05" usd: 4 } } })");
  // A run from Dec 31 18:00 for 6 days.
  const auto s = Segments(p, kJan1 - 6 * 3600, 0, 6 * kDay);
  const std::vector<int64_t> want_starts = {0,
                                            6 * 3600,
                                            6 * 3600 + kDay,
                                            6 * 3600 + 2 * kDay,
                                            6 * 3600 + 3 * kDay,
                                            6 * 3600 + 4 * kDay};
  const std::vector<int64_t> want_rates = {2 * kNano, 2 * kNano,         2'500'000'000,
                                           3 * kNano, 3'500'000'000, 4 * kNano};
  ASSERT_EQ(s.size(), want_starts.size());
  for (size_t k = 0; k < s.size(); ++k) {
    EXPECT_EQ(s[k].start, want_starts[k]) << k;
    EXPECT_EQ(s[k].rates.rental, want_rates[k]) << k;
  }
  EXPECT_EQ(s.back().end, 6 * kDay);
}

TEST(PriceCurve, ARateOfChangeCompoundsFromSecondZeroWithoutADate) {
  // $2 falling 50% a year, undated: midnights are days from second 0.
  const v1::Pricing p = Text("rental { usd_per_gpu_hour: 2 usd_per_gpu_hour_curve { change_per_year: -0.5 } }");
  const auto s = Segments(p, std::nullopt, 0, 400 * kDay);
  ASSERT_EQ(s.size(), 400u);
  EXPECT_EQ(s[0].rates.rental, 2 * kNano);
  // Day 365 starts 365 x 86,400 s in: 2 x 0.5^(31,536,000 / 31,557,600).
  const double day365 = 2 * std::pow(0.5, 31536000.0 / 31557600.0);
  EXPECT_EQ(s[365].start, 365 * kDay);
  EXPECT_EQ(s[365].rates.rental, std::llround(day365 * 1e9));
  EXPECT_NEAR(day365, 1.000474, 1e-6);  // a year and a quarter-day short of $1
}

TEST(PriceCurve, AReservedRateIsFixedForEachTermAtItsStart) {
  // Terms of half a year (15,778,800 s) from the window's start; the
  // curve's June step does not move a term already begun.
  const v1::Pricing p = Text(R"(reserved { usd_per_gpu_hour: 1 term_years: 0.5
      usd_per_gpu_hour_curve { points { date: "2025-01-01" usd: 1.5 }
                               points { date: "2025-06-01" usd: 2.5 } } })");
  const auto s = Segments(p, kJan1, 0, 365 * kDay);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].end, 15778800);
  EXPECT_EQ(s[0].rates.reserved, 1'500'000'000);
  EXPECT_EQ(s[1].rates.reserved, 2'500'000'000);
  // With no term the window's start price holds throughout.
  const v1::Pricing whole = Text(R"(reserved { usd_per_gpu_hour: 1
      usd_per_gpu_hour_curve { points { date: "2025-01-01" usd: 1.5 }
                               points { date: "2025-06-01" usd: 2.5 } } })");
  const auto one = Segments(whole, kJan1, 0, 365 * kDay);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].rates.reserved, 1'500'000'000);
}

TEST(PriceCurve, BadCurvesAreRefusedNamingTheField) {
  v1::Pricing p = traces::BuiltinDefaults().pricing();
  auto* c = p.mutable_rental()->mutable_usd_per_gpu_hour_curve();
  EXPECT_EQ(pricing::ValidatePricing(p, "pricing.").message(),
            "field pricing.rental.usd_per_gpu_hour_curve: a curve needs points or change_per_year");
  c->add_points()->set_date("2025-02-01");
  c->add_points()->set_date("2025-01-01");
  EXPECT_TRUE(absl::StrContains(pricing::ValidatePricing(p, "pricing.").message(),
                                "pricing.rental.usd_per_gpu_hour_curve.points[1].date: 2025-01-01 is "
                                "not after the point before it"));
  c->mutable_points(1)->set_date("2025-03-01");
  c->mutable_points(1)->set_usd(-1);
  EXPECT_EQ(pricing::ValidatePricing(p, "pricing.").message(),
            "field pricing.rental.usd_per_gpu_hour_curve.points[1].usd must be in [0, 10000], got -1");
  c->mutable_points(1)->set_usd(1);
  EXPECT_TRUE(pricing::ValidatePricing(p, "pricing.").ok());
  // Dated points need a dated run.
  EXPECT_TRUE(absl::StrContains(pricing::PriceSegments(p, 700, 8, std::nullopt, 0, 10).status().message(),
                                "dated prices need the run's start date"));
  EXPECT_FALSE(pricing::CheckCurvesPlaced(p, false).ok());
  // Growth past the bound is refused at the instant it gets there.
  v1::Pricing grow = Text("rental { usd_per_gpu_hour: 9000 usd_per_gpu_hour_curve { change_per_year: 1 } }");
  auto s = pricing::PriceSegments(grow, 700, 8, kJan1, 0, 400 * kDay);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.status().message(), "rental.usd_per_gpu_hour_curve reaches $")) << s.status();
}

TEST(PriceCurve, MergingReplacesACurveWhole) {
  v1::Pricing base = Text(R"(rental { usd_per_gpu_hour_curve {
      points { date: "2025-01-01" usd: 2 } points { date: "2025-02-01" usd: 3 } } })");
  v1::Pricing over;
  over.mutable_rental()->mutable_usd_per_gpu_hour_curve()->add_points()->set_date("2026-01-01");
  pricing::MergePricing(over, &base);
  ASSERT_EQ(base.rental().usd_per_gpu_hour_curve().points_size(), 1);
  EXPECT_EQ(base.rental().usd_per_gpu_hour_curve().points(0).date(), "2026-01-01");
}

TEST(PriceCurve, CsvPointsNameTheirLine) {
  auto ok = pricing::ParsePriceCsv("\xef\xbb\xbf" "date,usd\n# H100 index\n2025-01-01,2.10\n\n2025-02-01, 1.95\n",
                                   "c.csv", 0, 10);
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[1].date(), "2025-02-01");
  EXPECT_EQ((*ok)[1].usd(), 1.95);
  EXPECT_EQ(pricing::ParsePriceCsv("2025-01-01,2\n2025-13-01,2\n", "c.csv", 0, 10).status().message(),
            "c.csv:2: date: \"2025-13-01\": no such date (expected YYYY-MM-DD or "
            "YYYY-MM-DDTHH:MM:SSZ, UTC)");
  EXPECT_EQ(pricing::ParsePriceCsv("2025-01-01,two\n", "c.csv", 0, 10).status().message(),
            "c.csv:1: usd: not a number: \"two\"");
  EXPECT_EQ(pricing::ParsePriceCsv("2025-01-02,1\n2025-01-01,2\n", "c.csv", 0, 10).status().message(),
            "c.csv:2: date: 2025-01-01 is not after the line before it (dates go in order, one per "
            "instant)");
  EXPECT_EQ(pricing::ParsePriceCsv("2025-01-01,-3\n", "c.csv", 0, 10).status().message(),
            "c.csv:1: usd must be in [0, 10], got -3");
}

class MovingPriceReplay : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    auto l = ledger::Ledger::Open(Path("l.sqlite"));
    ASSERT_TRUE(l.ok()) << l.status();
    ledger_ = std::move(*l);
  }
  int64_t Replay(const std::string& plan_text) {
    auto w = traces::LoadPlanText(plan_text, "moving.textproto");
    EXPECT_TRUE(w.ok()) << w.status();
    if (!w.ok()) return 0;
    auto r = replay::ReplayWorkload(*w, *ledger_, 1);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->run_id : 0;
  }
  std::unique_ptr<ledger::Ledger> ledger_;
};

// One job of 8 GPUs for 20 hours from 2025-01-01, the rental price $2 until
// 10:00 and $3 after: 8 x 10 h x $2 + 8 x 10 h x $3 = $400, where a price
// read at the start would say $320 and one read at the end $480.
TEST_F(MovingPriceReplay, AJobAcrossAPriceStepIsChargedEachSegment) {
  const int64_t run = Replay(R"(
    name: "step" start_date: "2025-01-01"
    cluster { gpu: "H800" nodes: 1 }
    pricing { rental { usd_per_gpu_hour_curve {
      points { date: "2025-01-01" usd: 2 } points { date: "2025-01-01T10:00:00Z" usd: 3 } } } }
    jobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: 160 })");
  auto r = report::BuildCostReport(*ledger_, run, ledger::GroupBy::kJob, false);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->rows.size(), 2u);  // the job, idle
  EXPECT_EQ(r->rows[0].gpu_seconds, 8 * 20 * 3600);
  EXPECT_EQ(r->rows[0].rental_micro_usd, (8 * 10 * 2 + 8 * 10 * 3) * int64_t{1'000'000});
  EXPECT_EQ(r->total.rental_micro_usd, 400'000'000);
  EXPECT_EQ(r->segments.size(), 2u);
  // The owned view does not move: what a constant-price run of it says.
  auto flat = Replay(R"(
    name: "flat" start_date: "2025-01-01"
    cluster { gpu: "H800" nodes: 1 }
    jobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: 160 })");
  auto f = report::BuildCostReport(*ledger_, flat, ledger::GroupBy::kJob, false);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(r->total.owned_micro_usd, f->total.owned_micro_usd);
  // The FOCUS rental rows: one per segment, at $2 and $3, adding up to $400.
  std::ostringstream csv;
  report::FocusTotals sums;
  report::FocusOptions o;
  o.view = "rental";
  ASSERT_TRUE(report::ExportFocus(*ledger_, run, o, csv, &sums).ok());
  EXPECT_EQ(sums.rows, 2);
  EXPECT_EQ(sums.billed, 400'000'000);
  EXPECT_TRUE(absl::StrContains(csv.str(), ",2.000000000,")) << csv.str();
  EXPECT_TRUE(absl::StrContains(csv.str(), ",3.000000000,"));
}

// Refused before anything is written: a rate of change that has compounded
// past the bound between its last point and the run's start, and a start
// date whose longest possible window would run past 9999.
TEST_F(MovingPriceReplay, CurvesAndDatesThatCannotFitWriteNothing) {
  for (const char* plan : {R"(
    name: "grown" start_date: "2025-01-01"
    cluster { gpu: "H800" nodes: 1 }
    pricing { rental { usd_per_gpu_hour_curve {
      points { date: "2000-01-01" usd: 1 } change_per_year: 1 } } }
    jobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: 160 })",
                           R"(
    name: "late" start_date: "9999-12-31"
    cluster { gpu: "H800" nodes: 1 }
    jobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: 1600 })"}) {
    SCOPED_TRACE(plan);
    auto w = traces::LoadPlanText(plan, "bad.textproto");
    ASSERT_TRUE(w.ok()) << w.status();
    auto r = replay::ReplayWorkload(*w, *ledger_, 1);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(r.status().message(), "bad.textproto: ")) << r.status();
    auto runs = ledger_->ListRuns();
    ASSERT_TRUE(runs.ok());
    EXPECT_TRUE(runs->empty());
  }
}

// A plan with failures, its rental moving linearly and its energy price
// stepping: every grouping gives the same totals in both views, its rows
// add up to them, and the FOCUS export adds up to them too.
TEST_F(MovingPriceReplay, EveryGroupingOfAMovingPriceRunSumsToOneTotal) {
  auto w = traces::LoadPlanFile(std::string(GPULEDGER_SOURCE_DIR) +
                                "/traces/deepseek-v3-r1-failures.textproto");
  ASSERT_TRUE(w.ok()) << w.status();
  w->start_utc = kJan1 - 5 * 3600 - 17;
  v1::Pricing moving;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"(
      rental { usd_per_gpu_hour_curve { interpolation: LINEAR
        points { date: "2025-01-01" usd: 2.4 } points { date: "2025-03-01" usd: 1.7 } } }
      owned { usd_per_kwh_curve { points { date: "2025-01-01" usd: 0.08 }
                                  points { date: "2025-02-10T13:00:00Z" usd: 0.11 } } })",
                                                            &moving));
  pricing::MergePricing(moving, &w->pricing);
  ASSERT_TRUE(pricing::ValidatePricing(w->pricing, "").ok());
  auto rr = replay::ReplayWorkload(*w, *ledger_, 3);
  ASSERT_TRUE(rr.ok()) << rr.status();
  auto by_job = report::BuildCostReport(*ledger_, rr->run_id, ledger::GroupBy::kJob, false);
  ASSERT_TRUE(by_job.ok()) << by_job.status();
  EXPECT_GT(by_job->segments.size(), 50u);
  for (ledger::GroupBy by : ledger::kGroupBys) {
    SCOPED_TRACE(ledger::GroupByName(by));
    auto r = report::BuildCostReport(*ledger_, rr->run_id, by, false);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->total.rental_micro_usd, by_job->total.rental_micro_usd);
    EXPECT_EQ(r->total.owned_micro_usd, by_job->total.owned_micro_usd);
    int64_t rental = 0, owned = 0;
    for (const report::CostRow& row : r->rows) {
      rental += row.rental_micro_usd;
      owned += row.owned_micro_usd;
    }
    EXPECT_EQ(rental, r->total.rental_micro_usd);
    EXPECT_EQ(owned, r->total.owned_micro_usd);
  }
  // Not what the window's first prices would give.
  v1::Pricing first = by_job->segments.front().pricing;
  auto at_start = report::BuildCostReport(*ledger_, rr->run_id, ledger::GroupBy::kJob, false, &first);
  ASSERT_TRUE(at_start.ok()) << at_start.status();
  EXPECT_GT(at_start->total.rental_micro_usd, by_job->total.rental_micro_usd);  // it falls
  EXPECT_LT(at_start->total.owned_micro_usd, by_job->total.owned_micro_usd);    // energy rises
  for (const char* view : {"owned", "rental"}) {
    std::ostringstream csv;
    report::FocusTotals sums;
    report::FocusOptions o;
    o.view = view;
    ASSERT_TRUE(report::ExportFocus(*ledger_, rr->run_id, o, csv, &sums).ok());
    EXPECT_EQ(sums.effective, std::string(view) == "owned" ? by_job->total.owned_micro_usd
                                                           : by_job->total.rental_micro_usd)
        << view;
  }
}

}  // namespace
}  // namespace gpuledger

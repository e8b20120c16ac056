// Owning over time (issue 16), each figure against a calculation written
// out here: book value from a purchase date by straight line and by Epoch
// AI's decline, the resale value at a horizon, a loan's payments and a
// present value.
#include "pricing/asset.h"

#include <cmath>
#include <numeric>

#include "base/calendar.h"
#include "gtest/gtest.h"
#include "pricing/rates.h"

namespace gpuledger::pricing {
namespace {

constexpr int64_t kMicro = 1'000'000;

int64_t At(const char* date) { return *base::ParseUtc(date); }

TEST(Asset, StraightLineFromAPurchaseDate) {
  // 2,048 H800 at $25,000, bought 2024-12-01, written off over 4 years
  // (4 x 365.25 days) to nothing: $51.2M; $38.4M a year later (2025-12-01
  // is 365 days on, a quarter-day short of a year: 51.2M x (1 - 365/1461));
  // nothing left on 2028-12-01, 1,461 days on.
  const int64_t cost = 2048 * 25'000 * kMicro;
  const int64_t bought = At("2024-12-01");
  const int64_t life = 4 * kSecondsPerYear;
  EXPECT_EQ(StraightLineValue(cost, 0, life, 0), cost);
  EXPECT_EQ(StraightLineValue(cost, 0, life, At("2025-12-01") - bought),
            cost - std::llround(51.2e12 * 365.0 / 1461.0));
  EXPECT_EQ(StraightLineValue(cost, 0, life, At("2028-12-01") - bought), 0);
  EXPECT_EQ(StraightLineValue(cost, 0, life, At("2030-01-01") - bought), 0);
  // With a 10% residual: $5.12M stays after the life.
  EXPECT_EQ(StraightLineValue(cost, 0.1, life, At("2029-06-01") - bought), 5'120'000 * kMicro);
  // Before the purchase it is worth what it cost.
  EXPECT_EQ(StraightLineValue(cost, 0, life, -86400), cost);
}

TEST(Asset, EpochDeclineAndTheResaleAtTheHorizon) {
  // 0.14 orders of magnitude a year: $40,000 is worth 40,000 x 10^-0.28 =
  // $20,992.298410 two years on, and a $25,000 GPU 25,000 x 10^-0.56 =
  // $6,885.571758 at a 4-year horizon.
  EXPECT_EQ(EpochValue(40'000 * kMicro, 0.14, 2 * kSecondsPerYear), 20'992'298'410);
  EXPECT_EQ(EpochValue(25'000 * kMicro, 0.14, 4 * kSecondsPerYear), 6'885'571'758);
  EXPECT_EQ(EpochValue(25'000 * kMicro, 0.14, 0), 25'000 * kMicro);
  // A value's monthly falls add up to the cost less the value at the end.
  const int64_t cost = 51'200'000 * kMicro, bought = At("2024-12-01");
  int64_t fallen = 0, before = cost;
  base::ForEachPeriod(base::Period::kMonth, bought, At("2028-12-01"),
                      [&](const base::PeriodSpan&, int64_t, int64_t to) {
                        const int64_t now = EpochValue(cost, 0.14, to - bought);
                        fallen += before - now;
                        before = now;
                      });
  EXPECT_EQ(fallen + EpochValue(cost, 0.14, At("2028-12-01") - bought), cost);
}

TEST(Asset, ALoansPaymentsRepayItExactly) {
  // $1.2M at 6% a year over 12 months: i = 0.5% a month, payment
  // P i / (1 - (1 + i)^-12) = $103,279.715648 (rounded); the first month's
  // interest is $6,000 (1.2M x 0.005); the last payment clears the balance.
  auto s = LoanSchedule(1'200'000 * kMicro, 0.06, 12);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 12u);
  EXPECT_EQ((*s)[0].payment, 103'279'715'648);
  EXPECT_EQ((*s)[0].interest, 6'000 * kMicro);
  EXPECT_EQ((*s)[0].principal, 97'279'715'648);
  EXPECT_EQ((*s)[0].balance, 1'102'720'284'352);
  EXPECT_EQ((*s)[11].interest, 513'829'431);
  EXPECT_EQ((*s)[11].payment, 103'279'715'655);
  EXPECT_EQ((*s)[11].balance, 0);
  int64_t principal = 0, interest = 0;
  for (const LoanPayment& p : *s) {
    principal += p.principal;
    interest += p.interest;
  }
  EXPECT_EQ(principal, 1'200'000 * kMicro);
  EXPECT_EQ(interest, 39'356'587'783);  // 12 payments less the principal, to the rounding
  // No interest: equal parts.
  auto flat = LoanSchedule(1'200 * kMicro, 0, 12);
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ((*flat)[5].payment, 100 * kMicro);
  EXPECT_FALSE(LoanSchedule(1, 0.06, 0).ok());
  EXPECT_FALSE(LoanSchedule(1, -0.01, 12).ok());
}

TEST(Asset, PresentValueDiscountsEachMonth) {
  // Pay $100 now, get $110 in 12 months: at 10% a year that nets to 0.
  std::vector<int64_t> flows(13, 0);
  flows[0] = -100 * kMicro;
  flows[12] = 110 * kMicro;
  EXPECT_EQ(PresentValue(flows, 0.10), 0);
  // $1,000 at the start of each of 12 months at 8%: sum of 1000 / 1.08^(m/12).
  std::vector<int64_t> rent(12, -1'000 * kMicro);
  double want = 0;
  for (int m = 0; m < 12; ++m) want -= 1000.0 / std::pow(1.08, m / 12.0);
  EXPECT_EQ(PresentValue(rent, 0.08), std::llround(want * 1e6));
  EXPECT_NEAR(want, -11'586.93, 0.01);
  EXPECT_EQ(PresentValue(rent, 0), -12'000 * kMicro);
}

}  // namespace
}  // namespace gpuledger::pricing

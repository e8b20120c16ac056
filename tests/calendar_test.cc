// The UTC calendar (base/calendar.h) against dates worked out by hand and
// checked with Python's datetime.
#include "base/calendar.h"

#include <vector>

#include "gtest/gtest.h"

namespace gpuledger::base {
namespace {

TEST(Calendar, DaysAndDates) {
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil({2024, 12, 1}), 20058);
  EXPECT_EQ(DaysFromCivil({9999, 12, 31}), 2932896);
  const CivilDate d = CivilFromDays(20058);
  EXPECT_EQ(d.year, 2024);
  EXPECT_EQ(d.month, 12);
  EXPECT_EQ(d.day, 1);
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(2100));
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2100, 2), 28);
  EXPECT_FALSE(IsValidDate({2025, 2, 29}));
  EXPECT_TRUE(IsValidDate({2024, 2, 29}));
}

TEST(Calendar, ParsesUtcStrictly) {
  EXPECT_EQ(*ParseUtc("2024-12-01"), 1733011200);
  EXPECT_EQ(*ParseUtc("2024-12-01T00:00:00Z"), 1733011200);
  EXPECT_EQ(*ParseUtc("2024-12-01T01:02:03+00:00"), 1733011200 + 3723);
  EXPECT_EQ(*ParseUtc("1970-01-01"), 0);
  EXPECT_EQ(*ParseUtc("9999-12-31T23:59:59Z"), kLastUtcSecond);
  for (const char* bad : {"", "2024-12", "2024-13-01", "2025-02-29", "1969-12-31", "2024-12-01T24:00:00Z",
                          "2024-12-01T10:00:00", "2024-12-01T10:00:00+01:00", "2024-12-01 10:00:00Z",
                          "24-12-01", "2024-12-01x"}) {
    EXPECT_FALSE(ParseUtc(bad).ok()) << bad;
  }
  EXPECT_EQ(FormatUtc(1733011200 + 3723), "2024-12-01T01:02:03Z");
  EXPECT_EQ(FormatDate(1733011200 + 86399), "2024-12-01");
}

TEST(Calendar, PeriodsAndTheirLabels) {
  const int64_t dec1 = 1733011200;  // Sunday 2024-12-01, ISO 2024-W48
  PeriodSpan w = PeriodOf(Period::kWeek, dec1);
  EXPECT_EQ(w.label, "2024-W48");
  EXPECT_EQ(w.start, dec1 - 6 * kSecondsPerDay);  // Monday 2024-11-25
  EXPECT_EQ(w.end, dec1 + kSecondsPerDay);
  // 2024-12-30 is in ISO week 1 of 2025; 2021-01-03 in week 53 of 2020.
  EXPECT_EQ(PeriodOf(Period::kWeek, *ParseUtc("2024-12-30")).label, "2025-W01");
  EXPECT_EQ(PeriodOf(Period::kWeek, *ParseUtc("2021-01-03")).label, "2020-W53");
  const PeriodSpan m = PeriodOf(Period::kMonth, *ParseUtc("2024-02-10T12:00:00Z"));
  EXPECT_EQ(m.label, "2024-02");
  EXPECT_EQ(m.end - m.start, 29 * kSecondsPerDay);
  const PeriodSpan q = PeriodOf(Period::kQuarter, dec1);
  EXPECT_EQ(q.label, "2024-Q4");
  EXPECT_EQ(q.start, *ParseUtc("2024-10-01"));
  EXPECT_EQ(q.end, *ParseUtc("2025-01-01"));
  EXPECT_EQ(PeriodOf(Period::kDay, dec1 + 5).label, "2024-12-01");
  // An interval cut at the bounds: 2024-12-30 to 2025-01-02 by month.
  std::vector<std::string> labels;
  int64_t covered = 0;
  ForEachPeriod(Period::kMonth, *ParseUtc("2024-12-30"), *ParseUtc("2025-01-02"),
                [&](const PeriodSpan& s, int64_t from, int64_t to) {
                  labels.push_back(s.label);
                  covered += to - from;
                });
  EXPECT_EQ(labels, (std::vector<std::string>{"2024-12", "2025-01"}));
  EXPECT_EQ(covered, 3 * kSecondsPerDay);
}

}  // namespace
}  // namespace gpuledger::base

// The civil calendar in UTC, for plans that start on a date: instants as
// whole seconds since 1970-01-01T00:00:00Z (no leap seconds, as POSIX time),
// dates from 1970-01-01 to 9999-12-31 in the proleptic Gregorian calendar,
// and the periods reports group by: days, ISO 8601 weeks (Monday to
// Sunday, numbered in their ISO week-numbering year), months and quarters.
// The arithmetic is absl's civil time; this adds strict parsing, labels and
// periods.
#ifndef GPULEDGER_BASE_CALENDAR_H_
#define GPULEDGER_BASE_CALENDAR_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gpuledger::base {

inline constexpr int64_t kSecondsPerDay = 86400;

// a / b rounded towards minus infinity (b != 0).
inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
// 9999-12-31T23:59:59Z, the last instant a date here may have.
inline constexpr int64_t kLastUtcSecond = 253402300799;

struct CivilDate {
  int64_t year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
};

// Days from 1970-01-01 to `date` (negative before it); the date is not
// checked (see IsValidDate).
int64_t DaysFromCivil(const CivilDate& date);
// The date `days` after 1970-01-01.
CivilDate CivilFromDays(int64_t days);
bool IsLeapYear(int64_t year);
int DaysInMonth(int64_t year, int month);
bool IsValidDate(const CivilDate& date);

// "YYYY-MM-DD" (midnight) or "YYYY-MM-DDTHH:MM:SS" followed by "Z" or
// "+00:00": seconds since 1970. A date before 1970 or after 9999, a field
// out of range (month 13, February 30, hour 24) or any other text is
// InvalidArgument saying which.
absl::StatusOr<int64_t> ParseUtc(absl::string_view text);
// "YYYY-MM-DDTHH:MM:SSZ" and "YYYY-MM-DD" of an instant in [0, kLastUtcSecond].
std::string FormatUtc(int64_t seconds);
std::string FormatDate(int64_t seconds);

enum class Period { kDay, kWeek, kMonth, kQuarter };
// "day", "week", "month", "quarter".
const char* PeriodName(Period period);

// The period holding instant `t` (in [0, kLastUtcSecond]): [start, end) in
// seconds, and its label: "2024-12-01", "2024-W48", "2024-12", "2024-Q4".
struct PeriodSpan {
  int64_t start = 0;
  int64_t end = 0;
  std::string label;
};
PeriodSpan PeriodOf(Period period, int64_t t);

// Calls f(const PeriodSpan&, from, to) for each period [from, to) of
// [start, end) cut at the periods' bounds, in order.
template <typename F>
void ForEachPeriod(Period period, int64_t start, int64_t end, const F& f) {
  for (int64_t t = start; t < end;) {
    const PeriodSpan span = PeriodOf(period, t);
    const int64_t to = span.end < end ? span.end : end;
    f(span, t, to);
    t = to;
  }
}

}  // namespace gpuledger::base

#endif  // GPULEDGER_BASE_CALENDAR_H_

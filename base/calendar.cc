#include "base/calendar.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace gpuledger::base {

namespace {

const absl::CivilDay kEpoch(1970, 1, 1);

// Reads `n` digits of `s` from `at` into *v.
bool Digits(absl::string_view s, size_t at, size_t n, int64_t* v) {
  if (at + n > s.size()) return false;
  int64_t x = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return false;
    x = x * 10 + (s[i] - '0');
  }
  *v = x;
  return true;
}

// The Monday that starts ISO week 1 of ISO year `year`: the week holding
// January 4.
absl::CivilDay IsoWeekOneMonday(int64_t year) {
  return absl::PrevWeekday(absl::CivilDay(year, 1, 5), absl::Weekday::monday);
}

}  // namespace

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  if (month < 1 || month > 12) return 0;
  const absl::CivilMonth m(year, month);
  return static_cast<int>(absl::CivilDay(m + 1) - absl::CivilDay(m));
}

bool IsValidDate(const CivilDate& d) {
  return d.year >= 1970 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= DaysInMonth(d.year, d.month);
}

// absl's civil time does the calendar arithmetic.
int64_t DaysFromCivil(const CivilDate& date) {
  return absl::CivilDay(date.year, date.month, date.day) - kEpoch;
}

CivilDate CivilFromDays(int64_t days) {
  const absl::CivilDay d = kEpoch + days;
  return {d.year(), d.month(), d.day()};
}

absl::StatusOr<int64_t> ParseUtc(absl::string_view s) {
  const auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", absl::CHexEscape(s.substr(0, 40)), "\": ", why,
        " (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC)"));
  };
  CivilDate d;
  int64_t month = 0, day = 0;
  if (s.size() < 10 || !Digits(s, 0, 4, &d.year) || s[4] != '-' || !Digits(s, 5, 2, &month) ||
      s[7] != '-' || !Digits(s, 8, 2, &day)) {
    return bad("not a date");
  }
  d.month = static_cast<int>(month);
  d.day = static_cast<int>(day);
  if (d.year < 1970) return bad("before 1970");
  if (!IsValidDate(d)) return bad("no such date");
  int64_t seconds = DaysFromCivil(d) * kSecondsPerDay;
  if (s.size() == 10) return seconds;
  int64_t h = 0, m = 0, sec = 0;
  if (s[10] != 'T' || !Digits(s, 11, 2, &h) || s.size() < 19 || s[13] != ':' ||
      !Digits(s, 14, 2, &m) || s[16] != ':' || !Digits(s, 17, 2, &sec)) {
    return bad("not a time of day after the date");
  }
  const absl::string_view zone = s.substr(19);
  if (zone != "Z" && zone != "+00:00") return bad("not UTC (end it with Z)");
  if (h > 23 || m > 59 || sec > 59) return bad("no such time of day");
  return seconds + h * 3600 + m * 60 + sec;
}

std::string FormatDate(int64_t seconds) {
  const CivilDate d = CivilFromDays(FloorDiv(seconds, kSecondsPerDay));
  return absl::StrFormat("%04d-%02d-%02d", d.year, d.month, d.day);
}

std::string FormatUtc(int64_t seconds) {
  const int64_t in_day = seconds - FloorDiv(seconds, kSecondsPerDay) * kSecondsPerDay;
  return absl::StrFormat("%sT%02d:%02d:%02dZ", FormatDate(seconds), in_day / 3600,
                         in_day / 60 % 60, in_day % 60);
}

const char* PeriodName(Period p) {
  switch (p) {
    case Period::kDay:
      return "day";
    case Period::kWeek:
      return "week";
    case Period::kMonth:
      return "month";
    case Period::kQuarter:
      return "quarter";
  }
  return "";
}

PeriodSpan PeriodOf(Period p, int64_t t) {
  const int64_t days = FloorDiv(t, kSecondsPerDay);
  const CivilDate d = CivilFromDays(days);
  PeriodSpan s;
  switch (p) {
    case Period::kDay:
      s.start = days * kSecondsPerDay;
      s.end = s.start + kSecondsPerDay;
      s.label = FormatDate(t);
      break;
    case Period::kWeek: {
      const absl::CivilDay day = kEpoch + days;
      const absl::CivilDay monday =
          absl::GetWeekday(day) == absl::Weekday::monday ? day
                                                          : absl::PrevWeekday(day, absl::Weekday::monday);
      // The ISO year is the year of the week's Thursday.
      const int64_t iso_year = (monday + 3).year();
      const int64_t week = (monday - IsoWeekOneMonday(iso_year)) / 7 + 1;
      s.start = (monday - kEpoch) * kSecondsPerDay;
      s.end = s.start + 7 * kSecondsPerDay;
      s.label = absl::StrFormat("%04d-W%02d", iso_year, week);
      break;
    }
    case Period::kMonth: {
      s.start = DaysFromCivil({d.year, d.month, 1}) * kSecondsPerDay;
      s.end = s.start + DaysInMonth(d.year, d.month) * kSecondsPerDay;
      s.label = absl::StrFormat("%04d-%02d", d.year, d.month);
      break;
    }
    case Period::kQuarter: {
      const int first = (d.month - 1) / 3 * 3 + 1;
      s.start = DaysFromCivil({d.year, first, 1}) * kSecondsPerDay;
      s.end = first == 10 ? DaysFromCivil({d.year + 1, 1, 1}) * kSecondsPerDay
                          : DaysFromCivil({d.year, first + 3, 1}) * kSecondsPerDay;
      s.label = absl::StrFormat("%04d-Q%d", d.year, (d.month - 1) / 3 + 1);
      break;
    }
  }
  return s;
}

}  // namespace gpuledger::base

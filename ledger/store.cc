// Names of statuses and pools, and the ledger's clock.
#include "ledger/store.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <initializer_list>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "base/calendar.h"
#include "ledger/store_internal.h"

namespace gpuledger::ledger {

// "HOST:PID" of this process.
std::string ThisWriter() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return absl::StrCat(host, ":", getpid());
}

// An instant of `clock` as ISO 8601 UTC.
std::string Iso8601(const Clock& clock) {
  const std::time_t t = static_cast<std::time_t>(clock());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

// The value of `all` whose name is `name`; false (and *out unchanged) if none.
template <typename E>
bool ParseByName(absl::string_view name, std::initializer_list<E> all, const char* (*name_of)(E),
                 E* out) {
  for (E e : all) {
    if (name == name_of(e)) {
      *out = e;
      return true;
    }
  }
  return false;
}

}  // namespace

const char* RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kComplete:
      return "complete";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kCancelled:
      return "cancelled";
    case RunStatus::kAbandoned:
      return "abandoned";
  }
  return "";
}

bool ParseRunStatus(absl::string_view name, RunStatus* status) {
  return ParseByName(name,
                     {RunStatus::kRunning, RunStatus::kComplete, RunStatus::kFailed,
                      RunStatus::kCancelled, RunStatus::kAbandoned},
                     RunStatusName, status);
}

std::string FormatRunPools(const std::vector<RunPool>& pools) {
  std::string out;
  for (const RunPool& p : pools) {
    absl::StrAppend(&out, p.name, "\t", p.gpu_model, "\t", p.nodes, "\t", p.gpus_per_node, "\t",
                    absl::StrFormat("%.17g", p.gpu_tdp_watts), "\t", p.available_from, "\t",
                    p.retired_at, p.capacity == Pool::kNone ? "" : "\t",
                    PoolName(p.capacity), "\n");
  }
  return out;
}

absl::StatusOr<std::vector<RunPool>> ParseRunPools(absl::string_view text) {
  std::vector<RunPool> pools;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> f = absl::StrSplit(line, '\t');
    RunPool p;
    if ((f.size() != 7 && f.size() != 8) || !absl::SimpleAtoi(f[2], &p.nodes) ||
        !absl::SimpleAtoi(f[3], &p.gpus_per_node) || !absl::SimpleAtod(f[4], &p.gpu_tdp_watts) ||
        !absl::SimpleAtoi(f[5], &p.available_from) || !absl::SimpleAtoi(f[6], &p.retired_at)) {
      return absl::DataLossError(absl::StrCat("a run's pools are unreadable: \"", line, "\""));
    }
    if (f.size() == 8 && (!ParsePool(f[7], &p.capacity) || p.capacity == Pool::kNone)) {
      return absl::DataLossError(absl::StrCat("a run's pools are unreadable: \"", line, "\""));
    }
    p.name = std::string(f[0]);
    p.gpu_model = std::string(f[1]);
    pools.push_back(std::move(p));
  }
  return pools;
}

const char* PoolName(Pool pool) {
  switch (pool) {
    case Pool::kNone:
      return "";
    case Pool::kOwned:
      return "owned";
    case Pool::kReserved:
      return "reserved";
    case Pool::kOnDemand:
      return "on-demand";
  }
  return "";
}

bool ParsePool(absl::string_view name, Pool* pool) {
  return ParseByName(name, {Pool::kNone, Pool::kOwned, Pool::kReserved, Pool::kOnDemand}, PoolName,
                     pool);
}

const char* GroupByName(GroupBy by) {
  switch (by) {
    case GroupBy::kJob:
      return "job";
    case GroupBy::kPhase:
      return "phase";
    case GroupBy::kProject:
      return "project";
    case GroupBy::kCategory:
      return "category";
    case GroupBy::kPool:
      return "pool";
    case GroupBy::kDay:
      return "day";
    case GroupBy::kWeek:
      return "week";
    case GroupBy::kMonth:
      return "month";
    case GroupBy::kQuarter:
      return "quarter";
    case GroupBy::kModel:
      return "model";
  }
  return "";
}

bool IsStoredGrouping(GroupBy by) {
  return by != GroupBy::kJob && by != GroupBy::kWeek && by != GroupBy::kMonth &&
         by != GroupBy::kQuarter && by != GroupBy::kModel;
}

bool IsPeriod(GroupBy by) {
  return by == GroupBy::kDay || by == GroupBy::kWeek || by == GroupBy::kMonth ||
         by == GroupBy::kQuarter;
}

namespace {

constexpr int64_t kWeekSeconds = 7 * base::kSecondsPerDay;

base::Period PeriodOfGroup(GroupBy by) {
  return by == GroupBy::kWeek    ? base::Period::kWeek
         : by == GroupBy::kMonth ? base::Period::kMonth
         : by == GroupBy::kQuarter ? base::Period::kQuarter
                                   : base::Period::kDay;
}

}  // namespace

absl::Status RunCalendar::CanGroup(GroupBy by, int64_t run_id) const {
  if (dated() || (by != GroupBy::kMonth && by != GroupBy::kQuarter)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "run ", run_id, " has no start date, so it has no ", GroupByName(by),
      "s: give its plan a start_date (or replay it with --start-date), or group by day or week "
      "(counted from its start)"));
}

int64_t RunCalendar::DayIndex(int64_t t) const {
  return dated() ? base::FloorDiv(*start_utc + t, base::kSecondsPerDay)
                 : base::FloorDiv(t - sim_start, base::kSecondsPerDay);
}

int64_t RunCalendar::DayEnd(int64_t day) const {
  return dated() ? (day + 1) * base::kSecondsPerDay - *start_utc
                 : sim_start + (day + 1) * base::kSecondsPerDay;
}

std::string RunCalendar::DayLabel(int64_t day) const {
  if (!dated()) return "day " + std::to_string(day + 1);
  return base::FormatDate(day * base::kSecondsPerDay);
}

std::string RunCalendar::PeriodLabel(GroupBy by, int64_t t) const {
  if (by == GroupBy::kDay) return DayLabel(DayIndex(t));
  if (!dated()) return "week " + std::to_string(base::FloorDiv(t - sim_start, kWeekSeconds) + 1);
  return base::PeriodOf(PeriodOfGroup(by), *start_utc + t).label;
}

bool ParseGroupBy(absl::string_view name, GroupBy* by) {
  for (GroupBy g : kGroupBys) {
    if (name == GroupByName(g)) {
      *by = g;
      return true;
    }
  }
  return false;
}

Clock DefaultClock() {
  const char* fixed = std::getenv("SOURCE_DATE_EPOCH");
  int64_t at = 0;
  if (fixed != nullptr && absl::SimpleAtoi(fixed, &at) && at >= 0 && at <= 253402300799) {
    return [at] { return at; };  // at most 9999-12-31T23:59:59Z
  }
  return [] {
    return static_cast<int64_t>(
        std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
  };
}

std::string Ledger::Now() const { return Iso8601(clock_); }

}  // namespace gpuledger::ledger

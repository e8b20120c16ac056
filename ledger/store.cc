// Names of statuses and pools, and the ledger's clock.
#include "ledger/store.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <initializer_list>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
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
  }
  return "";
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

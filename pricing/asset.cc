#include "pricing/asset.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "pricing/rates.h"

namespace gpuledger::pricing {

namespace {

int64_t Round(long double v) { return static_cast<int64_t>(std::llroundl(v)); }

}  // namespace

int64_t StraightLineValue(int64_t cost, double residual_share, int64_t life_seconds,
                          int64_t age_seconds) {
  if (age_seconds <= 0 || life_seconds <= 0) return cost;
  const long double share =
      static_cast<long double>(std::min(age_seconds, life_seconds)) / life_seconds;
  const long double written_off = (1.0L - residual_share) * static_cast<long double>(cost) * share;
  return cost - Round(written_off);
}

int64_t EpochValue(int64_t cost, double decline_oom_per_year, int64_t age_seconds) {
  if (age_seconds <= 0) return cost;
  const long double years = static_cast<long double>(age_seconds) / kSecondsPerYear;
  return Round(static_cast<long double>(cost) *
               std::pow(10.0L, -static_cast<long double>(decline_oom_per_year) * years));
}

absl::StatusOr<std::vector<LoanPayment>> LoanSchedule(int64_t principal, double annual_rate,
                                                      int months) {
  if (months < 1 || months > 1200) {
    return absl::InvalidArgumentError(
        absl::StrCat("a loan's term must be 1 to 1,200 months, got ", months));
  }
  if (!(annual_rate >= 0 && annual_rate <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("a loan's interest rate must be in [0, 1] a year, got ", annual_rate));
  }
  if (principal < 0) return absl::InvalidArgumentError("a loan's principal must not be negative");
  const long double i = static_cast<long double>(annual_rate) / 12;
  const int64_t payment =
      i == 0 ? Round(static_cast<long double>(principal) / months)
             : Round(static_cast<long double>(principal) * i / (1 - std::pow(1 + i, -months)));
  std::vector<LoanPayment> out;
  out.reserve(months);
  int64_t balance = principal;
  for (int m = 0; m < months; ++m) {
    LoanPayment p;
    p.interest = Round(static_cast<long double>(balance) * i);
    p.principal = m + 1 == months ? balance : std::clamp<int64_t>(payment - p.interest, 0, balance);
    p.payment = p.interest + p.principal;
    balance -= p.principal;
    p.balance = balance;
    out.push_back(p);
  }
  return out;
}

int64_t PresentValue(const std::vector<int64_t>& monthly, double annual_rate) {
  long double sum = 0;
  for (size_t m = 0; m < monthly.size(); ++m) {
    sum += static_cast<long double>(monthly[m]) /
           std::pow(1.0L + annual_rate, static_cast<long double>(m) / 12);
  }
  return Round(sum);
}

}  // namespace gpuledger::pricing

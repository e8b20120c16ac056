// Owning over time (issue 16): what hardware bought on a date is worth
// later (straight-line book value, Epoch AI's market-value decline), a
// loan's monthly payments, and the present value of monthly cash flows. In
// integer micro-dollars, each figure rounded once, half away from zero, so
// schedules add up exactly: a loan's principal parts sum to the principal,
// and a value's monthly falls sum to the cost less the value at the end.
// (Groundwork: compare does not price purchases by date yet.)
#ifndef GPULEDGER_PRICING_ASSET_H_
#define GPULEDGER_PRICING_ASSET_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace gpuledger::pricing {

// Straight line: `cost` falls evenly to `residual_share` of itself over
// `life_seconds`, then stays there; `age_seconds` from the purchase
// (negative: not bought yet, worth its cost).
int64_t StraightLineValue(int64_t cost, double residual_share, int64_t life_seconds,
                          int64_t age_seconds);

// Epoch AI: the market value falls `decline_oom_per_year` orders of
// magnitude a year (0.14: to 72% each year), years of 365.25 days.
int64_t EpochValue(int64_t cost, double decline_oom_per_year, int64_t age_seconds);

// A loan of `principal` at `annual_rate` (0.08 for 8%) repaid in `months`
// equal monthly payments (an annuity: rate / 12 a month; with no interest,
// principal / months), the last adjusted so the balance ends at zero.
struct LoanPayment {
  int64_t payment = 0;    // interest + principal
  int64_t interest = 0;   // the month's interest on the balance before it
  int64_t principal = 0;  // the part that repays the loan
  int64_t balance = 0;    // owed after this payment
};
// InvalidArgument for months outside [1, 1200], a rate outside [0, 1], or a
// negative principal.
absl::StatusOr<std::vector<LoanPayment>> LoanSchedule(int64_t principal, double annual_rate,
                                                      int months);

// The present value of monthly cash flows at `annual_rate`: flow m (m = 0,
// 1, ...: the month m months after the first) discounted by
// (1 + annual_rate)^(m / 12), summed and rounded once. Flows are signed
// (payments negative, receipts positive).
int64_t PresentValue(const std::vector<int64_t>& monthly, double annual_rate);

}  // namespace gpuledger::pricing

#endif  // GPULEDGER_PRICING_ASSET_H_

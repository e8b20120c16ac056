// `gpuledger compare --vary FIELD=LOW..HIGH`: each assumption set to its low
// and to its high value, the rest as given, every strategy replayed and
// priced again; which strategy wins each case, and which assumptions move
// the winner (docs/compare.md, "Sensitivity").
#ifndef GPULEDGER_COMPARE_SENSITIVITY_H_
#define GPULEDGER_COMPARE_SENSITIVITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compare/compare.h"

namespace gpuledger::compare {

// What --vary may change, each with its range (docs/compare.md).
//   rental_change_per_year  the on-demand price's yearly change, a curve from
//                           its starting price (-0.99 to 10)
//   purchase_price          the owned capital, as a multiple of the
//                           profile's (0 to 10)
//   resale_share            the hardware's resale value at the horizon, a
//                           share of it (0 to 1)
//   spare_utilization       the share of an owned pool's idle GPU-hours
//                           rented out (0 to 1)
//   discount_rate           a dated comparison's yearly discount rate (0 to 1)
//   failure_rate            the plan's failure rates, as a multiple (0 to 100)
struct Variation {
  std::string field;
  double low = 0;
  double high = 0;
};
inline constexpr const char* kVaryFields[] = {"rental_change_per_year", "purchase_price",
                                               "resale_share",           "spare_utilization",
                                               "discount_rate",          "failure_rate"};

// "FIELD=LOW..HIGH" (percentages allowed for shares and rates: "8%..12%").
absl::StatusOr<Variation> ParseVariation(absl::string_view text);

struct SensitivityCase {
  std::string field;  // "" for the comparison as given
  double value = 0;
  std::vector<int64_t> cost;  // per strategy, in the comparison's order
  size_t winner = 0;          // the cheapest
};

struct Sensitivity {
  // Strategies are judged by their present cost (a dated comparison) or
  // their total over the horizon.
  bool present_cost = false;
  double discount_rate = 0;
  std::vector<std::string> strategies;
  SensitivityCase base;
  std::vector<SensitivityCase> cases;  // each variation's low, then high
};

// The cost a strategy is judged by.
int64_t JudgedCost(const StrategyResult& r);

// Checks every case of `variations` as CompareStrategies would, replaying
// nothing: callers check before the comparison itself writes anything.
absl::Status CheckVariations(const traces::Workload& workload,
                             const std::vector<gpuledger::v1::Strategy>& strategies,
                             const CompareOptions& options,
                             const std::vector<Variation>& variations,
                             const std::vector<traces::StrategyPlace>& where);

// Each variation replayed (in a ledger of its own, in memory) against
// `base`, the comparison as given. Refuses a variation that cannot apply
// (discount_rate without a date, failure_rate without a failure model),
// naming it, before replaying any case.
absl::StatusOr<Sensitivity> Vary(const traces::Workload& workload,
                                 const std::vector<gpuledger::v1::Strategy>& strategies,
                                 const CompareOptions& options,
                                 const std::vector<Variation>& variations,
                                 const std::vector<traces::StrategyPlace>& where,
                                 const std::vector<StrategyResult>& base);

// The variations in order of the widest swing of any strategy's cost
// between their two cases (a tornado chart's order; ties keep the given
// order), each as the index of its low case in `s.cases`.
std::vector<size_t> SwingOrder(const Sensitivity& s);

// A table (the assumptions in order of the largest swing they cause, and
// those that move the winner), or CSV with one row per case and strategy.
std::string FormatSensitivity(const Sensitivity& s, absl::string_view format);

}  // namespace gpuledger::compare

#endif  // GPULEDGER_COMPARE_SENSITIVITY_H_

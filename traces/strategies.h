// Strategy sets (traces/strategies/*.textproto, a gpuledger.v1.StrategySet):
// ways of getting a plan's GPUs, for `gpuledger compare`. Loaded here, with
// where each strategy and field was written; compare/ prices them.
#ifndef GPULEDGER_TRACES_STRATEGIES_H_
#define GPULEDGER_TRACES_STRATEGIES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gpuledger/v1/plan.pb.h"

namespace gpuledger::traces {

// Where a strategy was written, for messages: the strategy itself
// ("FILE:LINE:COL", or a request's field path such as
// "strategies.strategies[2]"), and each field the file wrote.
struct StrategyPlace {
  std::string at;
  std::map<std::string, std::string> fields;  // field -> "FILE:LINE:COL"
  bool request = false;                       // a request's path: a field is at + "." + name
  // The position of `field`, else of the message holding it, else the strategy's.
  std::string Field(absl::string_view field) const;
};

// The shipped default set (traces/strategies/default.textproto), or a file.
// Errors name FILE:LINE:COL and the field.
// With `where`, also each strategy's place for messages.
absl::StatusOr<std::vector<gpuledger::v1::Strategy>> LoadStrategies(
    const std::string& path, std::vector<StrategyPlace>* where = nullptr);

// A pricing profile named by a file (it has a '/' or ends in ".textproto")
// rather than a shipped profile's name.
bool IsProfileFile(absl::string_view reference);

}  // namespace gpuledger::traces

#endif  // GPULEDGER_TRACES_STRATEGIES_H_

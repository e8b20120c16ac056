// Renders cost reports as an aligned table, CSV or JSON. The three carry the
// same figures; CSV and JSON print exact decimals of the integer amounts.
#ifndef GPULEDGER_REPLAY_FORMAT_H_
#define GPULEDGER_REPLAY_FORMAT_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "ledger/cost.h"

namespace gpuledger::replay {

struct ReportOptions {
  bool rental = true;  // --view rental or both
  bool owned = true;   // --view owned or both
  std::string format = "table";  // table, csv or json
};

std::string FormatReport(const ledger::CostReport& report, const ReportOptions& options);

// "1,234,567" for an integer.
std::string WithThousands(int64_t v);
// `num / den` as a decimal with `places` digits, rounded half away from zero;
// with thousands separators if `grouped`.
std::string Decimal(__int128 num, int64_t den, int places, bool grouped = false);

}  // namespace gpuledger::replay

#endif  // GPULEDGER_REPLAY_FORMAT_H_

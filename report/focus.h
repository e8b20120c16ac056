// FOCUS export: a run's ledger as FinOps FOCUS rows: FOCUS 1.3's Cost and
// Usage dataset (or 1.2's), and 1.3's Contract Commitment dataset for its
// reserved capacity (docs/focus.md maps every column).
#ifndef GPULEDGER_REPORT_FOCUS_H_
#define GPULEDGER_REPORT_FOCUS_H_

#include <cstdint>
#include <iosfwd>
#include <string>

#include "absl/status/status.h"
#include "ledger/store.h"

namespace gpuledger::report {

struct FocusOptions {
  // How a plain replay's cluster (entries without a pool) is billed: "owned"
  // (bought at the window's start) or "rental" (jobs' GPU-hours rented).
  // Strategy replays bill each entry by its pool.
  std::string view = "owned";
  // The calendar date of simulated second 0 (UTC), "YYYY-MM-DD", for a run
  // without a start date; a run with one is dated by it, and an epoch given
  // (`epoch_given`) that is not that instant is refused.
  std::string epoch = "2025-01-01";
  bool epoch_given = false;
  // The FOCUS version: "1.3" (the current one) or "1.2" (the export before
  // 1.3, byte for byte).
  std::string version = "1.3";
  // "cost-and-usage", or "contract-commitment" (FOCUS 1.3 only): one row per
  // term of the run's reserved capacity.
  std::string dataset = "cost-and-usage";
};

// What the rows add up to, micro-dollars.
struct FocusTotals {
  int64_t billed = 0;
  int64_t effective = 0;
  int64_t rows = 0;
};

// Writes the CSV (header, then rows). FailedPrecondition for a run that is
// not complete; InvalidArgument for a bad view, epoch, version or dataset.
// `totals` counts the Cost and Usage rows (a contract-commitment export adds
// its ContractCommitmentCost to `billed`).
absl::Status ExportFocus(ledger::Ledger& ledger, int64_t run_id, const FocusOptions& options,
                         std::ostream& out, FocusTotals* totals = nullptr);

}  // namespace gpuledger::report

#endif  // GPULEDGER_REPORT_FOCUS_H_

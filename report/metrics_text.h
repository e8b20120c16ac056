// A run's schedule metrics (gpuledger.v1.RunMetrics, as stored with the run)
// as lines for people: the replay's summary and every report print them.
#ifndef GPULEDGER_REPORT_METRICS_TEXT_H_
#define GPULEDGER_REPORT_METRICS_TEXT_H_

#include <string>

#include "gpuledger/v1/ledger_service.pb.h"

namespace gpuledger::report {

// One line per metric, for people.
std::string MetricsText(const gpuledger::v1::RunMetrics& metrics);
// Job traces: the jobs by how they ended ("" for plans).
std::string StatusText(const gpuledger::v1::RunMetrics& metrics);
// The failure lines of MetricsText ("" for a replay without failures).
std::string FailuresText(const gpuledger::v1::RunMetrics& metrics);

}  // namespace gpuledger::report

#endif  // GPULEDGER_REPORT_METRICS_TEXT_H_

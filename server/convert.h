// Conversions between the ledger's records and the gRPC API's messages,
// and the API's resource names ("runs/{run}", "runs/{run}/jobs/{job}").
#ifndef GPULEDGER_SERVER_CONVERT_H_
#define GPULEDGER_SERVER_CONVERT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gpuledger/v1/ledger_service.pb.h"
#include "report/cost.h"
#include "report/group.h"
#include "ledger/store.h"

namespace gpuledger::server {

std::string RunName(int64_t run_id);

// Parses "runs/{run}" with a positive integer run id. InvalidArgument naming
// `field` (e.g. "name", "parent") otherwise.
absl::StatusOr<int64_t> ParseRunName(absl::string_view name, absl::string_view field);

std::string GroupName(int64_t group_id);
// Parses "groups/{group}", as ParseRunName.
absl::StatusOr<int64_t> ParseGroupName(absl::string_view name, absl::string_view field);

gpuledger::v1::Run::State StateFromStatus(ledger::RunStatus status);

gpuledger::v1::Run RunToProto(const ledger::RunRecord& run);
ledger::RunRecord RunFromProto(const gpuledger::v1::Run& run);

gpuledger::v1::RunJob JobToProto(int64_t run_id, const ledger::JobRecord& job);
gpuledger::v1::UsageEntry UsageToProto(const ledger::UsageRecord& usage);

// The view only says which figures the client asked for; both are filled.
gpuledger::v1::CostReport ReportToProto(const report::CostReport& report,
                                        gpuledger::v1::CostView view);
report::CostReport ReportFromProto(const gpuledger::v1::CostReport& report);

gpuledger::v1::GroupReport GroupReportToProto(const report::GroupReport& report);
report::GroupReport GroupReportFromProto(const gpuledger::v1::GroupReport& report);

}  // namespace gpuledger::server

#endif  // GPULEDGER_SERVER_CONVERT_H_

// Job traces: one job per line, as JSON Lines (gpuledger.v1.TraceJob in
// protobuf's JSON mapping) or CSV with a header row of the same field names;
// plain or gzip-compressed. Read line by line: the file is never held. Lines
// starting with '#' are comments; "# key: value" comments before the first
// job (in CSV, before the header row) set the cluster: gpu (a catalog model), cluster_gpus,
// gpus_per_node. docs/traces.md.
#ifndef GPULEDGER_TRACES_JOBTRACE_H_
#define GPULEDGER_TRACES_JOBTRACE_H_

#include <string>

#include "absl/status/statusor.h"
#include "traces/plan.h"

namespace gpuledger::traces {

struct JobTraceOptions {
  int capacity = 0;       // GPUs; 0: the file's cluster_gpus comment
  int gpus_per_node = 0;  // 0: the file's gpus_per_node, else the GPU model's
};

// Jobs of size 0, above capacity, or above one node and not a whole number
// of nodes, and jobs with run time 0, are skipped and counted by reason; a
// negative size or time, or a malformed line, is InvalidArgument naming
// FILE:LINE and the field.
absl::StatusOr<Workload> LoadJobTraceFile(const std::string& path, const JobTraceOptions& options);

// True for .jsonl, .csv, and either .gz.
bool IsJobTracePath(const std::string& path);

}  // namespace gpuledger::traces

#endif  // GPULEDGER_TRACES_JOBTRACE_H_

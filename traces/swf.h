// Reading job traces in the Standard Workload Format (Parallel Workloads
// Archive): 18 whitespace-separated fields per job, ';' comment and header
// lines, -1 for unknown. Plain or gzip-compressed.
#ifndef GPULEDGER_TRACES_SWF_H_
#define GPULEDGER_TRACES_SWF_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "traces/plan.h"

namespace gpuledger::traces {

struct SwfOptions {
  int capacity = 0;       // GPUs; 0: the header's MaxProcs, else MaxNodes
  int gpus_per_node = 1;  // SWF processors become GPUs, this many per node
};

// Reads an SWF trace into a Workload on a cluster of the trace's capacity:
// job = field 1 (id), 2 (submit), 4 (run time), 5 (allocated processors, or
// field 8, requested processors, where 5 is not positive), 9 (requested
// time); times rounded to whole seconds; estimate = max(requested, run time).
// Jobs with run time <= 0, size <= 0, size above capacity (or, with nodes of
// several GPUs, a size above one node that is not a whole number of nodes)
// are skipped and counted in Workload::skipped by reason. Fields after the
// 18th are ignored. A malformed line is InvalidArgument naming FILE:LINE.
absl::StatusOr<Workload> LoadSwfFile(const std::string& path, const SwfOptions& options);

// As LoadSwfFile, but hands each job kept to `each` as it is read instead
// of holding them all: `workload` gets everything else (its jobs stay
// empty). A trace found bad after some jobs were handed over (a repeated id
// is found at the end) is still an error; an error from `each` stops the
// reading and is returned.
absl::Status ReadSwfFile(const std::string& path, const SwfOptions& options, Workload* workload,
                         const std::function<absl::Status(PlanJob&&)>& each);

// At least as many jobs as the SWF trace at `path` can hold, from its size
// (0 if it is compressed or cannot be read): room to reserve.
size_t SwfJobsAtMost(const std::string& path);

// True if `path` names an SWF trace (.swf or .swf.gz).
bool IsSwfPath(const std::string& path);

}  // namespace gpuledger::traces

#endif  // GPULEDGER_TRACES_SWF_H_

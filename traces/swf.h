// Reading job traces in the Standard Workload Format (Parallel Workloads
// Archive): 18 whitespace-separated fields per job, ';' comment and header
// lines, -1 for unknown. Plain or gzip-compressed.
#ifndef GPULEDGER_TRACES_SWF_H_
#define GPULEDGER_TRACES_SWF_H_

#include <cstddef>
#include <functional>
#include <new>
#include <stdexcept>
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

// At least as many jobs as the SWF trace at `path` can hold, from its size,
// up to kSwfReserveCap: room to reserve. 0 for anything but a regular,
// uncompressed file (a pipe is not even opened).
inline constexpr size_t kSwfReserveCap = size_t{1} << 24;
size_t SwfJobsAtMost(const std::string& path);

// Reserves room for `n` elements in each vector if it can: room is a hint,
// so a reservation the allocator refuses is left out (they then grow).
template <typename... V>
void ReserveRoom(size_t n, V*... vectors) {
  try {
    (vectors->reserve(n), ...);
  } catch (const std::bad_alloc&) {
  } catch (const std::length_error&) {
  }
}

// True if `path` names an SWF trace (.swf or .swf.gz).
bool IsSwfPath(const std::string& path);

}  // namespace gpuledger::traces

#endif  // GPULEDGER_TRACES_SWF_H_

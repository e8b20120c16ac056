// A run's content digest: SHA-256 over what the run recorded (its fields,
// jobs, usage entries and job events, in the order written), kept with the
// run when it ends so that `gpuledger ledger verify` can tell a run that
// is exactly as written from one that is not. The bytes hashed are
// docs/ledger.md's ("Content digest"): integers and text framed so that no
// two runs' contents give the same bytes, and nothing that a copy of the
// run into another ledger would change (its id, its group's id, its
// writer, its stored totals, entry ids). Internal to ledger/.
#ifndef GPULEDGER_LEDGER_DIGEST_H_
#define GPULEDGER_LEDGER_DIGEST_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "ledger/store.h"

namespace gpuledger::ledger {

class RunDigest {
 public:
  RunDigest();
  ~RunDigest();
  RunDigest(const RunDigest&) = delete;
  RunDigest& operator=(const RunDigest&) = delete;

  // Jobs in ordinal order; entries and events each in the order written.
  void AddJob(absl::string_view id, absl::string_view phase, absl::string_view project,
              int64_t gpus, int64_t priority, int64_t submit, int64_t run_seconds);
  // `job`: the job's ordinal, -1 for a cluster-wide entry; `category`: its
  // index in kCategories; `gpu_pool`: its cluster pool (0 on one pool).
  void AddEntry(int64_t job, int category, int64_t start, int64_t end, int64_t gpus, Pool pool,
                absl::string_view nodes, int gpu_pool = 0);
  void AddEvent(const JobEvent& event);
  // Lower-case hex of the digest of `run`'s fields (with the idle and down
  // totals it stores) and everything added; call once.
  std::string Finish(const RunRecord& run, int64_t idle_gpu_seconds, int64_t down_gpu_seconds);

 private:
  struct Part;
  std::unique_ptr<Part> jobs_, entries_, events_;
};

}  // namespace gpuledger::ledger

#endif  // GPULEDGER_LEDGER_DIGEST_H_

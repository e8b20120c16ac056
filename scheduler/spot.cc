// Spot capacity: on-demand machines the provider takes back, with notice.
#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/random.h"
#include "scheduler/simulator_impl.h"

namespace gpuledger::scheduler {

namespace {

// Keeps the reclaim draws apart from the failure streams of the same seed.
constexpr uint64_t kSpotStreams = 0x53504f54'00000000ull;  // "SPOT"

}  // namespace

double SpotNoticeAfter(uint64_t seed, int job, int run, int nodes, double per_node_day) {
  base::Random random(seed ^ kSpotStreams,
                      (static_cast<uint64_t>(job) << 32) | static_cast<uint32_t>(run));
  return std::ceil(random.Exponential(per_node_day * nodes / 86400.0));
}

void SimulatorImpl::DrawSpotReclaim(int job, Seconds t) {
  const JobSpec& j = jobs_[job];
  RunSlot& run = Run(job);
  // One draw per run: run k of job i always gets notice at the same point
  // of its run, whatever else the replay does.
  const int per_node = pools_[0].spec.shape.gpus_per_node;  // on demand: one pool
  const double after = SpotNoticeAfter(options_.spot_seed, job, spot_runs_[job]++,
                                       (j.gpus + per_node - 1) / per_node,
                                       options_.spot_interruptions_per_node_day);
  const Seconds end =
      t + run.provisioning_in_run + run.restart_in_run + WallFor(job, remaining_[job]);
  const Seconds notice = options_.spot_notice_seconds;
  // A run that ends by the end of its notice is never interrupted.
  if (!(after < static_cast<double>(end - t - notice))) return;
  run.spot_notice_at = t + static_cast<Seconds>(after);
  const Seconds work_from = t + run.provisioning_in_run + run.restart_in_run;
  run.spot_saves = j.checkpoint_seconds > 0 && j.checkpoint_write_seconds > 0 &&
                   notice >= j.checkpoint_write_seconds && run.spot_notice_at >= work_from;
  const Seconds stop = run.spot_notice_at + (run.spot_saves ? j.checkpoint_write_seconds : notice);
  events_.Push(stop, EventKind::kSpotStop, job, epoch_[job]);
}

absl::Status SimulatorImpl::SpotStop(int job, Seconds t) {
  ++times_[job].spot_interruptions;
  ++summary_.spot_interruptions;
  if (absl::Status s = RequeueInterrupted(
          job, t, "spot capacity is reclaimed too often for its run and checkpoints");
      !s.ok()) {
    return s;
  }
  return sink_->OnSpotReclaimed(t, job);
}

}  // namespace gpuledger::scheduler

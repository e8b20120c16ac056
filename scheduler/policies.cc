// The policies: fcfs, easy, conservative and priority with preemption
// (docs/metrics.md, "Policies, exactly"), and the estimates they plan with.
#include "scheduler/simulator_impl.h"

#include <algorithm>
#include <limits>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace gpuledger::scheduler {

namespace {

// Free GPUs over future time, as steps: from steps[i].first until the next
// step's time, steps[i].second GPUs are free. The last step lasts forever.
using Profile = std::vector<std::pair<Seconds, int64_t>>;

// Earliest step index from which `gpus` are free for `length` seconds. The
// last step must have `gpus` free.
size_t EarliestFit(const Profile& p, int64_t gpus, Seconds length) {
  size_t i = 0;
  while (true) {
    while (p[i].second < gpus) ++i;  // the last step has the whole cluster
    const Seconds until = p[i].first + length;
    size_t j = i + 1;
    while (j < p.size() && p[j].first < until && p[j].second >= gpus) ++j;
    if (j == p.size() || p[j].first >= until) return i;
    i = j;
  }
}

// Takes `gpus` from [p[i].first, p[i].first + length).
void Reserve(Profile* p, size_t i, int64_t gpus, Seconds length) {
  const Seconds until = (*p)[i].first + length;
  size_t j = i;
  while (j < p->size() && (*p)[j].first < until) ++j;
  // Split the step that covers `until` so the reservation ends exactly there.
  if (j == p->size() || (*p)[j].first > until) {
    p->insert(p->begin() + j, {until, (*p)[j - 1].second});
  }
  for (size_t k = i; k < j; ++k) (*p)[k].second -= gpus;
}

}  // namespace

Seconds SimulatorImpl::Estimate(int job) const {
  // What is left of the requested time after saved work: the slack asked
  // beyond the run time, the work left with its checkpoint writes, and any
  // restart.
  const JobSpec& j = jobs_[job];
  const Seconds requested = j.estimate > 0 ? j.estimate : j.run_seconds;
  // A job in a run owes no restart: the restart it owed is its run's.
  return requested - j.run_seconds + WallFor(job, remaining_[job]) + RestartOwed(job) +
         (slot_[job] >= 0 ? Run(job).restart_in_run : 0);
}

absl::Status SimulatorImpl::Schedule(Seconds t) {
  absl::Status s;
  switch (options_.policy) {
    case Policy::kFcfs:
      s = StartFromHead(t);
      break;
    case Policy::kEasy:
      s = StartFromHead(t);
      if (s.ok() && !waiting_.empty()) s = EasyBackfill(t);
      break;
    case Policy::kConservative:
      s = ConservativeBackfill(t);
      break;
    case Policy::kPriority:
      s = PriorityPass(t);
      break;
  }
  if (s.ok() && options_.on_demand) {
    // Jobs leaving the queue for on-demand capacity may unblock it: give the
    // cluster's policy another look.
    absl::StatusOr<bool> burst = BurstPass(t);
    if (!burst.ok()) return burst.status();
    if (*burst && !waiting_.empty()) {
      arrived_.clear();
      for (const QueueKey& k : waiting_) arrived_.push_back(JobOf(k));
      ended_ = true;
      easy_valid_ = false;
      return Schedule(t);
    }
  }
  arrived_.clear();
  ended_ = false;
  return s;
}

absl::Status SimulatorImpl::StartFromHead(Seconds t) {
  while (!waiting_.empty()) {
    const int head = JobOf(*waiting_.begin());
    if (!Allocate(head, jobs_[head].gpus)) break;
    if (absl::Status s = Start(head, t); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// EASY's shadow time for `head` (needing `need` GPUs): when enough GPUs free
// up, at running jobs' estimated ends and repair ends in time order, and the
// GPUs left over then (easy_extra_); false, with nothing valid, if they never do.
bool SimulatorImpl::EasyShadow(int head, int64_t need) {
  int64_t avail = cluster_.free_gpus();
  if (repairs_.empty()) {
    auto it = running_by_estimated_end_.begin();
    for (; it != running_by_estimated_end_.end(); ++it) {
      avail += jobs_[it->second].gpus;
      if (avail >= need) break;
    }
    if (it == running_by_estimated_end_.end()) {
      easy_valid_ = false;
      return false;
    }
    easy_shadow_ = it->first;
    // Every running job whose estimated end is at or before the shadow time.
    for (++it; it != running_by_estimated_end_.end() && it->first == easy_shadow_; ++it) {
      avail += jobs_[it->second].gpus;
    }
  } else {
    // Nodes under repair come back too: GPUs free up at running jobs'
    // estimated ends and at repair ends, in time order.
    frees_.clear();
    for (const auto& [end, job] : running_by_estimated_end_)
      frees_.push_back({end, jobs_[job].gpus});
    AddRepairReturns(&frees_);
    std::sort(frees_.begin(), frees_.end());
    size_t i = 0;
    for (; i < frees_.size(); ++i) {
      avail += frees_[i].second;
      if (avail >= need) break;
    }
    if (i == frees_.size()) {
      easy_valid_ = false;
      return false;
    }
    easy_shadow_ = frees_[i].first;
    for (++i; i < frees_.size() && frees_[i].first == easy_shadow_; ++i) avail += frees_[i].second;
  }
  easy_extra_ = avail - need;
  easy_head_ = head;
  easy_valid_ = true;
  if (times_[head].reservation < 0) times_[head].reservation = easy_shadow_;
  return true;
}

absl::Status SimulatorImpl::EasyBackfill(Seconds t) {
  const int head = JobOf(*waiting_.begin());
  const int64_t need = jobs_[head].gpus;
  // With no end since the last pass and the same head, the shadow time and
  // extra GPUs are what that pass left, and every job it examined would be
  // refused again (it can only have fewer GPUs and less time): only the jobs
  // that joined the queue since need a look. Exact, and keeps a pass at the
  // cost of the jobs it examines.
  const bool incremental =
      easy_valid_ && !ended_ && easy_head_ == head && options_.backfill_depth < 0;
  if (!incremental && !EasyShadow(head, need)) return absl::OkStatus();

  auto consider = [&](int job) -> absl::StatusOr<bool> {
    const int gpus = jobs_[job].gpus;
    if (!cluster_.Fits(gpus)) return false;
    const bool ends_by_shadow = t + Estimate(job) <= easy_shadow_;
    if (!ends_by_shadow && gpus > easy_extra_) return false;
    if (!ends_by_shadow) easy_extra_ -= gpus;
    Allocate(job, gpus);  // it fits
    if (absl::Status s = Start(job, t); !s.ok()) return s;
    return true;
  };

  if (incremental) {
    fresh_.clear();
    for (int job : arrived_) {
      if (job != head && waiting_.count(Key(job))) fresh_.push_back(Key(job));
    }
    std::sort(fresh_.begin(), fresh_.end());
    for (const QueueKey& k : fresh_) {
      if (cluster_.free_gpus() == 0) break;
      if (absl::StatusOr<bool> r = consider(JobOf(k)); !r.ok()) return r.status();
    }
    return absl::OkStatus();
  }
  int examined = 0;
  for (auto w = std::next(waiting_.begin()); w != waiting_.end();) {
    if (cluster_.free_gpus() == 0) break;  // nothing else can fit now
    if (options_.backfill_depth >= 0 && examined >= options_.backfill_depth) break;
    ++examined;
    const int job = JobOf(*w);
    ++w;  // Start erases `job` from the queue; move on first
    if (absl::StatusOr<bool> r = consider(job); !r.ok()) return r.status();
  }
  return absl::OkStatus();
}

absl::Status SimulatorImpl::ConservativeBackfill(Seconds t) {
  // The profile of free GPUs from the running jobs' estimated ends.
  Profile profile = {{t, cluster_.free_gpus()}};
  frees_.clear();
  for (const auto& [end, job] : running_by_estimated_end_) frees_.push_back({end, jobs_[job].gpus});
  if (!repairs_.empty()) {
    AddRepairReturns(&frees_);  // nodes under repair come back too
    std::sort(frees_.begin(), frees_.end());
  }
  for (const auto& [end, gpus] : frees_) {
    if (profile.back().first == end) {
      profile.back().second += gpus;
    } else {
      profile.push_back({end, profile.back().second + gpus});
    }
  }
  std::vector<int> start_now;
  int examined = 0;
  for (const QueueKey& k : waiting_) {
    if (options_.backfill_depth >= 0 && examined > options_.backfill_depth) break;
    ++examined;
    const int job = JobOf(k);
    if (profile.back().second < jobs_[job].gpus) continue;  // cannot fit until nodes return
    const size_t i = EarliestFit(profile, jobs_[job].gpus, Estimate(job));
    const Seconds at = profile[i].first;
    if (times_[job].reservation < 0) times_[job].reservation = at;
    Reserve(&profile, i, jobs_[job].gpus, Estimate(job));
    if (at == t) start_now.push_back(job);
  }
  for (int job : start_now) {
    // Node fragmentation can refuse it: it keeps its reservation.
    if (!Allocate(job, jobs_[job].gpus)) continue;
    if (absl::Status s = Start(job, t); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status SimulatorImpl::PriorityPass(Seconds t) {
  while (!waiting_.empty()) {
    const int head = JobOf(*waiting_.begin());
    const int gpus = jobs_[head].gpus;
    if (Allocate(head, gpus)) {
      if (absl::Status s = Start(head, t); !s.ok()) return s;
      continue;
    }
    // Which strictly lower-priority jobs, taken in victim order, make room?
    // Release them one by one; if that is not enough, take their GPUs back,
    // so nobody is stopped for nothing.
    chosen_.clear();
    for (const auto& [priority, neg_start, neg_job] : victims_) {
      if (priority >= jobs_[head].priority || cluster_.Fits(gpus)) break;
      cluster_.Release(Held(-neg_job));
      chosen_.push_back(-neg_job);
    }
    const bool room = cluster_.Fits(gpus);
    for (auto it = chosen_.rbegin(); it != chosen_.rend(); ++it) cluster_.Reclaim(Held(*it));
    if (!room) break;  // the head waits, and so does everyone behind it
    for (int victim : chosen_) {
      if (absl::Status s = Preempt(victim, t); !s.ok()) return s;
    }
    Allocate(head, gpus);  // the victims made room
    if (absl::Status s = Start(head, t); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace gpuledger::scheduler

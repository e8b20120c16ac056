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

constexpr size_t kNever = static_cast<size_t>(-1);

// Earliest step index from which `gpus` are free for `length` seconds, or
// kNever.
size_t EarliestFit(const Profile& p, int64_t gpus, Seconds length) {
  size_t i = 0;
  while (true) {
    while (i < p.size() && p[i].second < gpus) ++i;
    if (i == p.size()) return kNever;
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

Seconds SimulatorImpl::Estimate(int job, int pool) const {
  // What is left of the requested time on the pool after saved work: the
  // slack asked beyond the run time there, the work left with its
  // checkpoint writes, and any restart.
  const PoolChoice c = ChoiceOn(job, pool);
  // A job in a run owes no restart: the restart it owed is its run's.
  return c.estimate - c.run_seconds + WallFor(job, RemainingOn(job, pool)) +
         RestartOwed(job, pool) + (slot_[job] >= 0 ? Run(job).restart_in_run : 0);
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
    if (AllocateFirst(head, t) < 0) break;
    if (absl::Status s = Start(head, t); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// The shadow time on `pool` for a job needing `need` GPUs: when enough GPUs
// free up there, at running jobs' estimated ends and repair ends in time
// order (a pool not yet open frees its GPUs in service when it opens), and
// the GPUs left over then; false if they never do.
bool SimulatorImpl::PoolShadow(int p, int64_t need, Seconds t, Seconds* shadow, int64_t* extra) {
  const PoolState& pool = pools_[p];
  const bool opened = t >= pool.spec.available_from;
  int64_t avail = opened ? pool.cluster.free_gpus() : 0;
  if (opened && pool.repairs.empty()) {
    const auto& running = pool.running_by_estimated_end;
    auto it = running.begin();
    for (; it != running.end(); ++it) {
      avail += jobs_[it->second].gpus;
      if (avail >= need) break;
    }
    if (it == running.end()) return false;
    *shadow = it->first;
    // Every running job whose estimated end is at or before the shadow time.
    for (++it; it != running.end() && it->first == *shadow; ++it) {
      avail += jobs_[it->second].gpus;
    }
  } else {
    // Nodes under repair come back too: GPUs free up at running jobs'
    // estimated ends and at repair ends, in time order.
    frees_.clear();
    if (!opened) {
      frees_.push_back({pool.spec.available_from, pool.cluster.free_gpus()});
    } else {
      for (const auto& [end, job] : pool.running_by_estimated_end)
        frees_.push_back({end, jobs_[job].gpus});
      AddRepairReturns(p, &frees_);
      std::sort(frees_.begin(), frees_.end());
    }
    size_t i = 0;
    for (; i < frees_.size(); ++i) {
      avail += frees_[i].second;
      if (avail >= need) break;
    }
    if (i == frees_.size()) return false;
    *shadow = frees_[i].first;
    for (++i; i < frees_.size() && frees_[i].first == *shadow; ++i) avail += frees_[i].second;
  }
  *extra = avail - need;
  return true;
}

// EASY's shadow time for `head`: on each of its pools in preference order
// (not retired, and where its estimate from the shadow time ends by the
// retirement), the pool's shadow time; the earliest wins, ties going to the
// preferred pool. False, with nothing valid, if there is none.
bool SimulatorImpl::EasyShadow(int head, Seconds t) {
  const int64_t need = jobs_[head].gpus;
  bool found = false;
  for (int k = 0, n = ChoiceCount(head); k < n; ++k) {
      const PoolChoice c = Choice(head, k);
    const PoolState& pool = pools_[c.pool];
    if (pool.retires() && t >= pool.spec.retired_at) continue;
    Seconds shadow = 0;
    int64_t extra = 0;
    if (!PoolShadow(c.pool, need, t, &shadow, &extra)) continue;
    if (pool.retires() && shadow + Estimate(head, c.pool) > pool.spec.retired_at) continue;
    if (!found || shadow < easy_shadow_) {
      found = true;
      easy_shadow_ = shadow;
      easy_extra_ = extra;
      easy_pool_ = c.pool;
    }
  }
  if (!found) {
    easy_valid_ = false;
    return false;
  }
  easy_head_ = head;
  easy_valid_ = true;
  if (times_[head].reservation < 0) times_[head].reservation = easy_shadow_;
  return true;
}

absl::Status SimulatorImpl::EasyBackfill(Seconds t) {
  const int head = JobOf(*waiting_.begin());
  // With no end since the last pass and the same head, the shadow time and
  // extra GPUs are what that pass left, and every job it examined would be
  // refused again (it can only have fewer GPUs and less time): only the jobs
  // that joined the queue since need a look. Exact, and keeps a pass at the
  // cost of the jobs it examines.
  const bool incremental =
      easy_valid_ && !ended_ && easy_head_ == head && options_.backfill_depth < 0;
  if (!incremental && !EasyShadow(head, t)) {
    // One pool: the head always has a shadow time (the cluster's capacity
    // in service holds it). On a mixed cluster it may have none (its pools'
    // retirements come first): nothing to protect, so the rest of the queue
    // backfills without a reservation.
    if (pools_.size() == 1 && !retiring_) return absl::OkStatus();
    easy_pool_ = -1;
    easy_shadow_ = std::numeric_limits<Seconds>::max();
    easy_extra_ = 0;
  }

  // A job starts on the first of its pools where it may start and fits; on
  // the head's pool only if it ends by the shadow time or fits within the
  // extra GPUs (which it then uses up).
  auto consider = [&](int job) -> absl::StatusOr<bool> {
    const int gpus = jobs_[job].gpus;
    for (int k = 0, n = ChoiceCount(job); k < n; ++k) {
      const PoolChoice c = Choice(job, k);
      const int p = c.pool;
      if (!pools_[p].cluster.Fits(gpus) || !Usable(job, p, t)) continue;
      if (p == easy_pool_) {
        const bool ends_by_shadow = t + Estimate(job, p) <= easy_shadow_;
        if (!ends_by_shadow && gpus > easy_extra_) continue;
        if (!ends_by_shadow) easy_extra_ -= gpus;
      }
      Allocate(job, p);  // it fits
      if (absl::Status s = Start(job, t); !s.ok()) return s;
      return true;
    }
    return false;
  };

  if (incremental) {
    fresh_.clear();
    for (int job : arrived_) {
      if (job != head && waiting_.count(Key(job))) fresh_.push_back(Key(job));
    }
    std::sort(fresh_.begin(), fresh_.end());
    for (const QueueKey& k : fresh_) {
      if (FreeGpus(t) == 0) break;
      if (absl::StatusOr<bool> r = consider(JobOf(k)); !r.ok()) return r.status();
    }
    return absl::OkStatus();
  }
  int examined = 0;
  for (auto w = std::next(waiting_.begin()); w != waiting_.end();) {
    if (FreeGpus(t) == 0) break;  // nothing else can fit now
    if (options_.backfill_depth >= 0 && examined >= options_.backfill_depth) break;
    ++examined;
    const int job = JobOf(*w);
    ++w;  // Start erases `job` from the queue; move on first
    if (absl::StatusOr<bool> r = consider(job); !r.ok()) return r.status();
  }
  return absl::OkStatus();
}

void SimulatorImpl::BuildProfile(int p, Seconds t, Profile* profile) {
  // Free GPUs from the running jobs' estimated ends, and nodes under repair
  // coming back; a pool not yet open has none until it opens, and none from
  // its retirement on (no run there ends after it).
  const PoolState& pool = pools_[p];
  profile->clear();
  const bool opened = t >= pool.spec.available_from;
  profile->push_back({t, opened ? pool.cluster.free_gpus() : 0});
  frees_.clear();
  if (!opened) {
    frees_.push_back({pool.spec.available_from, pool.cluster.free_gpus()});
  } else {
    for (const auto& [end, job] : pool.running_by_estimated_end) {
      frees_.push_back({end, jobs_[job].gpus});
    }
    if (!pool.repairs.empty()) {
      AddRepairReturns(p, &frees_);
      std::sort(frees_.begin(), frees_.end());
    }
  }
  for (const auto& [end, gpus] : frees_) {
    if (pool.retires() && end >= pool.spec.retired_at) break;
    if (profile->back().first == end) {
      profile->back().second += gpus;
    } else {
      profile->push_back({end, profile->back().second + gpus});
    }
  }
  if (pool.retires()) {
    if (profile->back().first == pool.spec.retired_at) {
      profile->back().second = 0;
    } else {
      profile->push_back({pool.spec.retired_at, 0});
    }
  }
}

absl::Status SimulatorImpl::ConservativeBackfill(Seconds t) {
  // Each pool's profile of free GPUs. A job takes the earliest reservation
  // over its pools, ties going to the preferred one.
  for (int p = 0; p < static_cast<int>(pools_.size()); ++p) BuildProfile(p, t, &profiles_[p]);
  start_now_.clear();
  int examined = 0;
  for (const QueueKey& k : waiting_) {
    if (options_.backfill_depth >= 0 && examined > options_.backfill_depth) break;
    ++examined;
    const int job = JobOf(k);
    int best = -1;
    size_t best_step = kNever;
    Seconds best_at = 0;
    for (int k = 0, n = ChoiceCount(job); k < n; ++k) {
      const PoolChoice c = Choice(job, k);
      const Profile& profile = profiles_[c.pool];
      // Cannot fit until nodes return, or before the pool retires.
      const size_t i = EarliestFit(profile, jobs_[job].gpus, Estimate(job, c.pool));
      if (i == kNever) continue;
      if (best < 0 || profile[i].first < best_at) {
        best = c.pool;
        best_step = i;
        best_at = profile[i].first;
      }
    }
    if (best < 0) continue;
    if (times_[job].reservation < 0) times_[job].reservation = best_at;
    Reserve(&profiles_[best], best_step, jobs_[job].gpus, Estimate(job, best));
    if (best_at == t) start_now_.push_back({job, best});
  }
  for (const auto& [job, p] : start_now_) {
    // Node fragmentation can refuse it: it keeps its reservation.
    if (!Allocate(job, p)) continue;
    if (absl::Status s = Start(job, t); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status SimulatorImpl::PriorityPass(Seconds t) {
  while (!waiting_.empty()) {
    const int head = JobOf(*waiting_.begin());
    const int gpus = jobs_[head].gpus;
    if (AllocateFirst(head, t) >= 0) {
      if (absl::Status s = Start(head, t); !s.ok()) return s;
      continue;
    }
    // On the first of its pools (in preference order) where it may start:
    // which strictly lower-priority jobs there, taken in victim order, make
    // room? Release them one by one; if that is not enough, take their GPUs
    // back, so nobody is stopped for nothing.
    int room = -1;
    for (int k = 0, n = ChoiceCount(head); k < n && room < 0; ++k) {
      const PoolChoice c = Choice(head, k);
      if (!Usable(head, c.pool, t)) continue;
      Cluster& cluster = pools_[c.pool].cluster;
      chosen_.clear();
      for (const auto& [priority, neg_start, neg_job] : pools_[c.pool].victims) {
        if (priority >= jobs_[head].priority || cluster.Fits(gpus)) break;
        cluster.Release(Held(-neg_job));
        chosen_.push_back(-neg_job);
      }
      if (cluster.Fits(gpus)) room = c.pool;
      for (auto it = chosen_.rbegin(); it != chosen_.rend(); ++it) cluster.Reclaim(Held(*it));
    }
    if (room < 0) break;  // the head waits, and so does everyone behind it
    for (int victim : chosen_) {
      if (absl::Status s = Preempt(victim, t); !s.ok()) return s;
    }
    Allocate(head, room);  // the victims made room
    if (absl::Status s = Start(head, t); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace gpuledger::scheduler

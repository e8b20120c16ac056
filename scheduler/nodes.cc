// Node health: failures, repairs and hot spares.
#include "scheduler/simulator_impl.h"

#include <algorithm>
#include <limits>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace gpuledger::scheduler {

int SimulatorImpl::InService(int p) const {
  const Cluster& cluster = pools_[p].cluster;
  return cluster.shape().nodes - cluster.down_gpus() / cluster.shape().gpus_per_node;
}

void SimulatorImpl::AddRepairReturns(int p, std::vector<std::pair<Seconds, int64_t>>* frees) const {
  // Repaired nodes rejoin service, earliest first, while fewer than planned
  // serve; the others will stand by as spares.
  const PoolState& pool = pools_[p];
  int serving = InService(p);
  const int target = pool.planned_nodes();
  for (const auto& [up, node] : pool.repairs) {
    if (serving >= target) break;
    frees->push_back({up, pool.spec.shape.gpus_per_node});
    ++serving;
  }
}

Seconds SimulatorImpl::NextFailureTime() const {
  if (!streams_.empty()) {
    return failure_heap_.empty() ? std::numeric_limits<Seconds>::max() : failure_heap_.top().first;
  }
  return next_failure_ < options_.failures.size() ? options_.failures[next_failure_].time
                                                  : std::numeric_limits<Seconds>::max();
}

NodeFailure SimulatorImpl::PopFailure() {
  if (streams_.empty()) return options_.failures[next_failure_++];
  const int node = failure_heap_.top().second;
  failure_heap_.pop();
  const int k = stream_of_node_[node];
  const NodeFailure f = pending_[k];
  pending_[k] = streams_[k].Next();
  failure_heap_.push({pending_[k].time, node});
  return f;
}

absl::Status SimulatorImpl::FailNode(const NodeFailure& f, Seconds t) {
  const int node = f.node;
  if (node < 0 || node >= total_nodes_) return absl::OkStatus();
  const int p = PoolOf(node);
  PoolState& pool = pools_[p];
  // A pool not yet open or already retired has no nodes to fail.
  if (!pool.open(t)) return absl::OkStatus();
  const int local = node - pool.base;
  if (absl::Status s = sink_->OnNodeFailure(t, f); !s.ok()) return s;
  const Seconds up = t + f.repair_seconds;
  if (pool.spares.count(local)) {
    // A spare fails: it is under repair instead of standing by.
    if (f.repair_seconds <= 0) return absl::OkStatus();
    pool.spares.erase(local);
    node_up_at_[node] = up;
    pool.repairs.insert({up, local});
    events_.Push(up, EventKind::kNodeUp, node, ++node_epoch_[node]);
    return absl::OkStatus();
  }
  if (pool.cluster.down(local)) {
    // Failing again while under repair: down until the later repair ends.
    if (up > node_up_at_[node]) {
      pool.repairs.erase({node_up_at_[node], local});
      node_up_at_[node] = up;
      pool.repairs.insert({up, local});
      events_.Push(up, EventKind::kNodeUp, node, ++node_epoch_[node]);
    }
    return absl::OkStatus();
  }
  on_failed_node_.clear();
  for (int job : RunningJobs(p)) {
    for (const NodeRun& r : Held(job).parts) {
      if (local >= r.first && local < r.first + r.count) {
        on_failed_node_.push_back(job);
        break;
      }
    }
  }
  for (int job : on_failed_node_) {
    if (f.planned) {
      ++times_[job].planned_interruptions;
      ++summary_.planned_interruptions;
    } else {
      ++times_[job].interruptions;
      ++summary_.interruptions;
    }
    if (absl::Status s = RequeueInterrupted(
            job, t, "its checkpoints are too far apart for its failure rate");
        !s.ok()) {
      return s;
    }
    if (absl::Status s = sink_->OnJobInterrupted(t, job, node); !s.ok()) return s;
  }
  if (f.repair_seconds <= 0) return absl::OkStatus();  // back at once
  if (!pool.spares.empty()) {
    // A spare takes the failed node's place at once, so interrupted jobs
    // (at the head of the queue) need not wait for the repair.
    pool.cluster.MarkUp(*pool.spares.begin());
    pool.spares.erase(pool.spares.begin());
  }
  pool.cluster.MarkDown(local);
  node_up_at_[node] = up;
  pool.repairs.insert({up, local});
  events_.Push(up, EventKind::kNodeUp, node, ++node_epoch_[node]);
  ended_ = true;
  return absl::OkStatus();
}

}  // namespace gpuledger::scheduler

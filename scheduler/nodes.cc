// Node health: failures, repairs and hot spares.
#include "scheduler/simulator_impl.h"

#include <algorithm>
#include <limits>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace gpuledger::scheduler {

int SimulatorImpl::InService() const {
  return cluster_.shape().nodes - cluster_.down_gpus() / cluster_.shape().gpus_per_node;
}

void SimulatorImpl::AddRepairReturns(std::vector<std::pair<Seconds, int64_t>>* frees) const {
  // Repaired nodes rejoin service, earliest first, while fewer than planned
  // serve; the others will stand by as spares.
  int serving = InService();
  const int target = cluster_.shape().nodes - options_.spare_nodes;
  for (const auto& [up, node] : repairs_) {
    if (serving >= target) break;
    frees->push_back({up, cluster_.shape().gpus_per_node});
    ++serving;
  }
}

Seconds SimulatorImpl::NextFailureTime() const {
  if (options_.failure_model) {
    return failure_heap_.empty() ? std::numeric_limits<Seconds>::max() : failure_heap_.top().first;
  }
  return next_failure_ < options_.failures.size() ? options_.failures[next_failure_].time
                                                  : std::numeric_limits<Seconds>::max();
}

NodeFailure SimulatorImpl::PopFailure() {
  if (!options_.failure_model) return options_.failures[next_failure_++];
  const int node = failure_heap_.top().second;
  failure_heap_.pop();
  const NodeFailure f = pending_[node];
  pending_[node] = streams_[node].Next();
  failure_heap_.push({pending_[node].time, node});
  return f;
}

absl::Status SimulatorImpl::FailNode(const NodeFailure& f, Seconds t) {
  const int node = f.node;
  if (node < 0 || node >= cluster_.shape().nodes) return absl::OkStatus();
  if (absl::Status s = sink_->OnNodeFailure(t, f); !s.ok()) return s;
  const Seconds up = t + f.repair_seconds;
  if (spares_.count(node)) {
    // A spare fails: it is under repair instead of standing by.
    if (f.repair_seconds <= 0) return absl::OkStatus();
    spares_.erase(node);
    node_up_at_[node] = up;
    repairs_.insert({up, node});
    events_.Push(up, EventKind::kNodeUp, node, ++node_epoch_[node]);
    return absl::OkStatus();
  }
  if (cluster_.down(node)) {
    // Failing again while under repair: down until the later repair ends.
    if (up > node_up_at_[node]) {
      repairs_.erase({node_up_at_[node], node});
      node_up_at_[node] = up;
      repairs_.insert({up, node});
      events_.Push(up, EventKind::kNodeUp, node, ++node_epoch_[node]);
    }
    return absl::OkStatus();
  }
  on_failed_node_.clear();
  for (int job : RunningJobs()) {
    for (const NodeRun& r : Held(job).parts) {
      if (node >= r.first && node < r.first + r.count) {
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
  if (!spares_.empty()) {
    // A spare takes the failed node's place at once, so interrupted jobs
    // (at the head of the queue) need not wait for the repair.
    cluster_.MarkUp(*spares_.begin());
    spares_.erase(spares_.begin());
  }
  cluster_.MarkDown(node);
  node_up_at_[node] = up;
  repairs_.insert({up, node});
  events_.Push(up, EventKind::kNodeUp, node, ++node_epoch_[node]);
  ended_ = true;
  return absl::OkStatus();
}

}  // namespace gpuledger::scheduler

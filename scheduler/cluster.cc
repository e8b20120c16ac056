#include "scheduler/cluster.h"

#include <cassert>

namespace gpuledger::scheduler {

Cluster::Cluster(ClusterShape shape)
    : shape_(shape),
      free_per_node_(shape.nodes, shape.gpus_per_node),
      free_gpus_(shape.total_gpus()),
      free_nodes_(shape.nodes) {}

bool Cluster::Fits(int gpus) const {
  const int per_node = shape_.gpus_per_node;
  if (gpus <= 0) return false;
  if (gpus >= per_node) {
    return gpus % per_node == 0 && gpus / per_node <= free_nodes_;
  }
  for (int free : free_per_node_) {
    if (free >= gpus) return true;
  }
  return false;
}

std::optional<Allocation> Cluster::Allocate(int gpus) {
  if (!Fits(gpus)) return std::nullopt;
  const int per_node = shape_.gpus_per_node;
  Allocation a;
  if (gpus >= per_node) {
    int wanted = gpus / per_node;
    for (int n = 0; n < shape_.nodes && wanted > 0; ++n) {
      if (free_per_node_[n] == per_node) {
        free_per_node_[n] = 0;
        a.parts.emplace_back(n, per_node);
        --wanted;
      }
    }
    assert(wanted == 0);
    free_nodes_ -= gpus / per_node;
  } else {
    int best = -1;
    for (int n = 0; n < shape_.nodes; ++n) {
      const int free = free_per_node_[n];
      if (free >= gpus && (best < 0 || free < free_per_node_[best])) best = n;
    }
    assert(best >= 0);
    if (free_per_node_[best] == per_node) --free_nodes_;
    free_per_node_[best] -= gpus;
    a.parts.emplace_back(best, gpus);
  }
  free_gpus_ -= gpus;
  return a;
}

void Cluster::Release(const Allocation& allocation) {
  for (const auto& [node, gpus] : allocation.parts) {
    free_per_node_[node] += gpus;
    assert(free_per_node_[node] <= shape_.gpus_per_node);
    if (free_per_node_[node] == shape_.gpus_per_node) ++free_nodes_;
    free_gpus_ += gpus;
  }
}

}  // namespace gpuledger::scheduler

#include "scheduler/cluster.h"

#include <algorithm>
#include <cassert>

namespace gpuledger::scheduler {

Cluster::Cluster(ClusterShape shape, bool place)
    : shape_(shape),
      counting_(!place && shape.gpus_per_node == 1 && shape.pod_nodes <= 0),
      node_free_(shape.nodes, shape.gpus_per_node),
      pod_free_nodes_(0),
      free_gpus_(shape.total_gpus()),
      free_nodes_(shape.nodes),
      down_(shape.nodes, false) {
  if (shape_.nodes > 0) free_ranges_[0] = shape_.nodes;
  pod_free_nodes_.assign(PodCount(), 0);
  for (int p = 0; p < PodCount(); ++p) {
    const int begin = p * (shape_.pod_nodes > 0 ? shape_.pod_nodes : shape_.nodes);
    const int end =
        shape_.pod_nodes > 0 ? std::min(shape_.nodes, begin + shape_.pod_nodes) : shape_.nodes;
    pod_free_nodes_[p] = end - begin;
  }
}

int Cluster::PodCount() const {
  if (shape_.pod_nodes <= 0) return 1;
  return (shape_.nodes + shape_.pod_nodes - 1) / shape_.pod_nodes;
}

bool Cluster::Fits(int gpus) const {
  const int per_node = shape_.gpus_per_node;
  if (gpus <= 0) return false;
  if (gpus >= per_node) {
    return gpus % per_node == 0 && gpus / per_node <= free_nodes_;
  }
  if (free_nodes_ > 0) return true;
  return partial_.lower_bound({gpus, -1}) != partial_.end();
}

void Cluster::MarkWholeNodesUsed(int begin, int count) {
  // Split the free range that holds [begin, begin + count).
  auto it = std::prev(free_ranges_.upper_bound(begin));
  const int r_begin = it->first, r_end = it->second;
  assert(r_begin <= begin && begin + count <= r_end);
  free_ranges_.erase(it);
  if (r_begin < begin) free_ranges_[r_begin] = begin;
  if (begin + count < r_end) free_ranges_[begin + count] = r_end;
  free_nodes_ -= count;
  for (int n = begin; n < begin + count;) {
    // Count per pod without visiting every node of a large run.
    const int pod = PodOf(n);
    const int pod_end = shape_.pod_nodes > 0 ? (pod + 1) * shape_.pod_nodes : shape_.nodes;
    const int upto = std::min(begin + count, pod_end);
    pod_free_nodes_[pod] -= upto - n;
    n = upto;
  }
}

void Cluster::TakeWholeNodes(int begin, int end, int count, Allocation* a) {
  while (count > 0) {
    // The first free range that ends after `begin`.
    auto it = free_ranges_.upper_bound(begin);
    if (it != free_ranges_.begin() && std::prev(it)->second > begin) it = std::prev(it);
    assert(it != free_ranges_.end() && it->first < end);
    const int from = std::max(it->first, begin);
    const int take = std::min(count, std::min(it->second, end) - from);
    for (int n = from; n < from + take; ++n) node_free_[n] = 0;
    MarkWholeNodesUsed(from, take);
    a->parts.push_back({from, take, shape_.gpus_per_node});
    count -= take;
    begin = from + take;
  }
}

void Cluster::AddFreeRange(int begin, int count) {
  int b = begin, e = begin + count;
  auto next = free_ranges_.lower_bound(b);
  if (next != free_ranges_.end() && next->first == e) {
    e = next->second;
    next = free_ranges_.erase(next);
  }
  if (next != free_ranges_.begin()) {
    auto prev = std::prev(next);
    if (prev->second == b) {
      b = prev->first;
      free_ranges_.erase(prev);
    }
  }
  free_ranges_[b] = e;
  free_nodes_ += count;
  for (int n = begin; n < begin + count;) {
    const int pod = PodOf(n);
    const int pod_end = shape_.pod_nodes > 0 ? (pod + 1) * shape_.pod_nodes : shape_.nodes;
    const int upto = std::min(begin + count, pod_end);
    pod_free_nodes_[pod] += upto - n;
    n = upto;
  }
}

std::optional<Allocation> Cluster::Allocate(int gpus) {
  Allocation a;
  if (!AllocateInto(gpus, &a)) return std::nullopt;
  return a;
}

bool Cluster::AllocateInto(int gpus, Allocation* out) {
  if (!Fits(gpus)) return false;
  const int per_node = shape_.gpus_per_node;
  Allocation& a = *out;
  a.parts.clear();
  if (counting_) {  // one-GPU nodes: `gpus` of them, any
    a.parts.push_back({-1, gpus, 1});
    free_nodes_ -= gpus;
    free_gpus_ -= gpus;
    return true;
  }
  if (gpus >= per_node) {
    const int wanted = gpus / per_node;
    if (shape_.pod_nodes <= 0) {
      TakeWholeNodes(0, shape_.nodes, wanted, &a);
    } else {
      const int pods = PodCount();
      int best = -1;
      for (int p = 0; p < pods; ++p) {
        if (pod_free_nodes_[p] >= wanted &&
            (best < 0 || pod_free_nodes_[p] < pod_free_nodes_[best])) {
          best = p;
        }
      }
      if (best >= 0) {
        TakeWholeNodes(best * shape_.pod_nodes, (best + 1) * shape_.pod_nodes, wanted, &a);
      } else {
        pod_order_.resize(pods);
        for (int p = 0; p < pods; ++p) pod_order_[p] = p;
        // Fullest first, lowest number on ties (std::sort: stable_sort
        // would allocate a buffer on every call).
        std::sort(pod_order_.begin(), pod_order_.end(), [&](int x, int y) {
          return pod_free_nodes_[x] != pod_free_nodes_[y] ? pod_free_nodes_[x] > pod_free_nodes_[y]
                                                          : x < y;
        });
        int left = wanted;
        for (int p : pod_order_) {
          if (left == 0) break;
          const int take = std::min(left, pod_free_nodes_[p]);
          if (take == 0) continue;
          TakeWholeNodes(p * shape_.pod_nodes, (p + 1) * shape_.pod_nodes, take, &a);
          left -= take;
        }
        // Keep runs in node order: the ledger lists nodes ascending.
        std::sort(a.parts.begin(), a.parts.end(),
                  [](const NodeRun& x, const NodeRun& y) { return x.first < y.first; });
      }
    }
  } else {
    int node = -1;
    auto it = partial_.lower_bound({gpus, -1});
    if (it != partial_.end()) {
      node = it->second;
      partial_.erase(it);
    } else {
      node = free_ranges_.begin()->first;
      MarkWholeNodesUsed(node, 1);
    }
    node_free_[node] -= gpus;
    if (node_free_[node] > 0) partial_.insert({node_free_[node], node});
    a.parts.push_back({node, 1, gpus});
  }
  free_gpus_ -= gpus;
  return true;
}

void Cluster::Release(const Allocation& allocation) {
  const int per_node = shape_.gpus_per_node;
  for (const NodeRun& r : allocation.parts) {
    if (r.first < 0) {  // counted
      free_nodes_ += r.count;
      free_gpus_ += r.count;
      continue;
    }
    if (r.gpus_each == per_node) {
      for (int n = r.first; n < r.first + r.count; ++n) node_free_[n] = per_node;
      AddFreeRange(r.first, r.count);
    } else {
      const int node = r.first;
      if (node_free_[node] > 0) partial_.erase({node_free_[node], node});
      node_free_[node] += r.gpus_each;
      assert(node_free_[node] <= per_node);
      if (node_free_[node] == per_node) {
        AddFreeRange(node, 1);
      } else {
        partial_.insert({node_free_[node], node});
      }
    }
    free_gpus_ += r.count * r.gpus_each;
  }
}

void Cluster::MarkDown(int node) {
  assert(!counting_ && !down_[node] && node_free_[node] == shape_.gpus_per_node);
  node_free_[node] = 0;
  MarkWholeNodesUsed(node, 1);
  free_gpus_ -= shape_.gpus_per_node;
  down_[node] = true;
  ++down_nodes_;
}

void Cluster::MarkUp(int node) {
  assert(down_[node]);
  down_[node] = false;
  --down_nodes_;
  node_free_[node] = shape_.gpus_per_node;
  AddFreeRange(node, 1);
  free_gpus_ += shape_.gpus_per_node;
}

void Cluster::Reclaim(const Allocation& allocation) {
  const int per_node = shape_.gpus_per_node;
  for (const NodeRun& r : allocation.parts) {
    if (r.first < 0) {  // counted
      free_nodes_ -= r.count;
      free_gpus_ -= r.count;
      continue;
    }
    if (r.gpus_each == per_node) {
      for (int n = r.first; n < r.first + r.count; ++n) node_free_[n] = 0;
      MarkWholeNodesUsed(r.first, r.count);
    } else {
      const int node = r.first;
      if (node_free_[node] == per_node) {
        MarkWholeNodesUsed(node, 1);
      } else {
        partial_.erase({node_free_[node], node});
      }
      node_free_[node] -= r.gpus_each;
      if (node_free_[node] > 0) partial_.insert({node_free_[node], node});
    }
    free_gpus_ -= r.count * r.gpus_each;
  }
}

}  // namespace gpuledger::scheduler

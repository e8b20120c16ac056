// The cluster model: nodes of equal size grouped into pods (leaf switches),
// and gang allocation. A job of at least one node's worth of GPUs takes whole
// nodes; a smaller job takes part of a single node. All of a job's GPUs are
// granted at once or not at all.
//
// Placement, deterministic:
// - part of a node: the partly used node with the fewest free GPUs that can
//   hold the job (lowest number on ties), else the lowest-numbered free node;
// - whole nodes, no pods: the lowest-numbered free nodes;
// - whole nodes with pods: if the gang fits in one pod, the pod with the
//   fewest free nodes that can hold it (least fragmentation; lowest number on
//   ties); otherwise the fewest pods: pods by most free nodes first (lowest
//   number on ties). Within a pod, its lowest-numbered free nodes.
//
// Free nodes are kept as ranges, so allocating k nodes costs about the
// number of ranges touched, not the cluster's size.
#ifndef GPULEDGER_SCHEDULER_CLUSTER_H_
#define GPULEDGER_SCHEDULER_CLUSTER_H_

#include <map>
#include <memory_resource>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "scheduler/types.h"

namespace gpuledger::scheduler {

class Cluster {
 public:
  // `place`: false counts GPUs instead of placing them on nodes, for a shape
  // of one-GPU nodes and no pods (ignored for others): every allocation is
  // then one run whose `first` is -1. Nodes must not go down then.
  explicit Cluster(ClusterShape shape, bool place = true);
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  const ClusterShape& shape() const { return shape_; }
  int free_gpus() const { return free_gpus_; }
  int free_nodes() const { return free_nodes_; }

  // True if a request for `gpus` could be granted now. A request that is
  // neither below one node nor a whole number of nodes never fits.
  bool Fits(int gpus) const;

  // Grants `gpus` GPUs, or returns nullopt and changes nothing.
  std::optional<Allocation> Allocate(int gpus);
  // As Allocate, into `out` (its runs replaced); false if they are not free.
  bool AllocateInto(int gpus, Allocation* out);

  // Returns a grant made by Allocate.
  void Release(const Allocation& allocation);
  // Takes back exactly the GPUs of a grant just released (and not granted
  // since): undoes Release, for trying what a release would make room for.
  void Reclaim(const Allocation& allocation);

  // A node with all its GPUs free goes down (for repair) or comes back up.
  void MarkDown(int node);
  void MarkUp(int node);
  bool down(int node) const { return down_[node]; }
  int down_gpus() const { return down_nodes_ * shape_.gpus_per_node; }

 private:
  int PodOf(int node) const { return shape_.pod_nodes > 0 ? node / shape_.pod_nodes : 0; }
  int PodCount() const;
  // Takes `count` free whole nodes from [begin, end), lowest first.
  void TakeWholeNodes(int begin, int end, int count, Allocation* a);
  void MarkWholeNodesUsed(int begin, int count);
  void AddFreeRange(int begin, int count);

  ClusterShape shape_;
  bool counting_;  // GPUs counted, not placed
  // Tree nodes come from this pool and go back to it: allocating and
  // releasing GPUs calls no allocator once the pool has grown.
  std::pmr::unsynchronized_pool_resource pool_;
  std::pmr::map<int, int> free_ranges_{&pool_};         // begin -> end (exclusive) of free nodes
  std::pmr::set<std::pair<int, int>> partial_{&pool_};  // (free GPUs, node) of partly used nodes
  std::vector<int> node_free_;                          // free GPUs per node
  std::vector<int> pod_free_nodes_;                     // whole free nodes per pod
  std::vector<int> pod_order_;                          // scratch for spreading a gang over pods
  int free_gpus_;
  int free_nodes_;  // nodes with all their GPUs free
  std::vector<bool> down_;
  int down_nodes_ = 0;
};

}  // namespace gpuledger::scheduler

#endif  // GPULEDGER_SCHEDULER_CLUSTER_H_

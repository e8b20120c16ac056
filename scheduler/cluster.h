// The cluster model: nodes of equal size and gang allocation. A job of at
// least one node's worth of GPUs takes whole nodes; a smaller job takes part
// of a single node. All of a job's GPUs are granted at once or not at all.
#ifndef GPULEDGER_SCHEDULER_CLUSTER_H_
#define GPULEDGER_SCHEDULER_CLUSTER_H_

#include <optional>
#include <vector>

#include "scheduler/types.h"

namespace gpuledger::scheduler {

class Cluster {
 public:
  explicit Cluster(ClusterShape shape);

  const ClusterShape& shape() const { return shape_; }
  int free_gpus() const { return free_gpus_; }
  int free_nodes() const { return free_nodes_; }

  // True if a request for `gpus` could be granted now.
  bool Fits(int gpus) const;

  // Grants `gpus` GPUs, or returns nullopt and changes nothing if they are
  // not free. Whole-node requests take the lowest-numbered free nodes; a
  // part-node request takes the node with the fewest free GPUs that can hold
  // it (lowest number on ties), keeping whole nodes free for gangs.
  // A request that is neither below one node nor a multiple of it never fits.
  std::optional<Allocation> Allocate(int gpus);

  // Returns a grant made by Allocate.
  void Release(const Allocation& allocation);

 private:
  ClusterShape shape_;
  std::vector<int> free_per_node_;
  int free_gpus_;
  int free_nodes_;  // nodes with all their GPUs free
};

}  // namespace gpuledger::scheduler

#endif  // GPULEDGER_SCHEDULER_CLUSTER_H_

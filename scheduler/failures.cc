#include "scheduler/failures.h"

#include "base/random.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <tuple>

namespace gpuledger::scheduler {

NodeFailureStream::NodeFailureStream(uint64_t seed, int node, int gpus_per_node,
                                     const FailureModel& model, Seconds start)
    : random_(seed, static_cast<uint64_t>(node)),  // one independent stream per node
      node_(node),
      rate_per_second_(model.per_gpu_hour * gpus_per_node / 3600.0),
      model_(&model),
      clock_(static_cast<double>(start)) {
  double total = 0;
  for (const FailureCause& c : model.causes) total += c.weight;
  double sum = 0;
  for (const FailureCause& c : model.causes) {
    sum += c.weight;
    cumulative_.push_back(total > 0 ? sum / total : 1.0);
  }
}

NodeFailure NodeFailureStream::Next() {
  NodeFailure f;
  f.node = node_;
  if (rate_per_second_ <= 0) {
    f.time = std::numeric_limits<Seconds>::max();
    return f;
  }
  // Exponential gap by inversion; the clock keeps fractions so that the
  // rounding of each failure to whole seconds does not bias the rate.
  clock_ += -std::log1p(-random_.Uniform()) / rate_per_second_;
  f.time = clock_ >= 9e18 ? std::numeric_limits<Seconds>::max()
                          : static_cast<Seconds>(std::ceil(clock_));
  const double u = random_.Uniform();
  f.cause = static_cast<int>(std::upper_bound(cumulative_.begin(), cumulative_.end(), u) -
                             cumulative_.begin());
  f.cause = std::min<int>(f.cause, static_cast<int>(model_->causes.size()) - 1);
  if (f.cause >= 0 && !model_->causes.empty()) {
    f.repair_seconds = model_->causes[f.cause].repair_seconds;
    f.planned = model_->causes[f.cause].planned;
  }
  return f;
}

std::vector<NodeFailure> FailureSchedule(uint64_t seed, int nodes, int gpus_per_node,
                                         const FailureModel& model, Seconds start, Seconds end) {
  std::vector<NodeFailure> out;
  for (int n = 0; n < nodes; ++n) {
    NodeFailureStream stream(seed, n, gpus_per_node, model, start);
    for (NodeFailure f = stream.Next(); f.time < end; f = stream.Next()) out.push_back(f);
  }
  std::sort(out.begin(), out.end(), [](const NodeFailure& a, const NodeFailure& b) {
    return std::tie(a.time, a.node) < std::tie(b.time, b.node);
  });
  return out;
}

Seconds YoungDalyInterval(Seconds checkpoint_cost_seconds, double failures_per_second) {
  if (failures_per_second <= 0) return std::numeric_limits<Seconds>::max();
  const double mtbf = 1.0 / failures_per_second;
  const double interval = std::sqrt(2.0 * static_cast<double>(checkpoint_cost_seconds) * mtbf);
  return std::max<Seconds>(1, std::llround(interval));
}

}  // namespace gpuledger::scheduler

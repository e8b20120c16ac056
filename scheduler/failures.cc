#include "scheduler/failures.h"

#include "scheduler/random.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <tuple>

namespace gpuledger::scheduler {
namespace {

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

NodeFailureStream::NodeFailureStream(uint64_t seed, int node, int gpus_per_node,
                                     const FailureModel& model, Seconds start)
    : node_(node),
      rate_per_second_(model.per_gpu_hour * gpus_per_node / 3600.0),
      model_(&model),
      clock_(static_cast<double>(start)) {
  // One independent stream per node: the seed and node number mixed.
  uint64_t x = seed ^ (static_cast<uint64_t>(node) * 0xD1B54A32D192ED03ull);
  for (uint64_t& s : s_) s = SplitMix64(&x);
  double total = 0;
  for (const FailureCause& c : model.causes) total += c.weight;
  double sum = 0;
  for (const FailureCause& c : model.causes) {
    sum += c.weight;
    cumulative_.push_back(total > 0 ? sum / total : 1.0);
  }
}

double NodeFailureStream::Uniform() {
  // xoshiro256** (Blackman and Vigna), top 53 bits as a double in [0, 1).
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return static_cast<double>(result >> 11) * 0x1.0p-53;
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
  clock_ += -std::log1p(-Uniform()) / rate_per_second_;
  f.time = clock_ >= 9e18 ? std::numeric_limits<Seconds>::max()
                          : static_cast<Seconds>(std::ceil(clock_));
  const double u = Uniform();
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

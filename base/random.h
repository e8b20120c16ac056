// A small portable random generator: the same seed gives the same numbers on
// every platform and compiler (no std distributions). SplitMix64 seeds
// xoshiro256** (Blackman and Vigna). The one stream both the scheduler (its
// failure models) and the trace generator draw from; header-only.
#ifndef GPULEDGER_BASE_RANDOM_H_
#define GPULEDGER_BASE_RANDOM_H_

#include <cmath>
#include <cstdint>

namespace gpuledger::base {

inline uint64_t SplitMix64(uint64_t* x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Random {
 public:
  // `seed` and `stream` mixed: independent streams from one seed.
  explicit Random(uint64_t seed, uint64_t stream = 0) {
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
    for (uint64_t& s : s_) s = SplitMix64(&x);
  }
  // Uniform in [0, 1): the top 53 bits.
  double Uniform() {
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
  // Exponential with the given rate, by inversion.
  double Exponential(double rate) { return -std::log1p(-Uniform()) / rate; }
  // Standard normal (Box-Muller, one of the pair).
  double Normal() {
    const double u = 1.0 - Uniform();  // (0, 1]
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * Uniform());
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace gpuledger::base

#endif  // GPULEDGER_BASE_RANDOM_H_

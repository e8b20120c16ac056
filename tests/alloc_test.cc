// The scheduler's event loop calls no allocator per event once warmed up:
// this binary counts every operator new and replays a synthetic trace.
#include <atomic>
#include <cstdlib>
#include <limits>
#include <new>
#include <random>

#include "gtest/gtest.h"
#include "scheduler/simulator.h"

namespace {
std::atomic<long> allocations{0};
}  // namespace

// The replacements pair malloc with free; GCC cannot see that and warns at
// every inlined delete.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace gpuledger::scheduler {
namespace {

using Null = NullSink;

// 20,000 jobs at about 90% load on 2,048 nodes of 8 GPUs: sizes a power of
// two up to 1,024 GPUs, log-normal run times, Poisson arrivals.
std::vector<JobSpec> Trace() {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> power(0, 10);
  std::lognormal_distribution<double> run(std::log(1800.0), 1.5);
  std::exponential_distribution<double> gap(1.0 / 70);
  std::vector<JobSpec> jobs;
  double t = 0;
  for (int i = 0; i < 20000; ++i) {
    JobSpec j;
    j.id = std::to_string(i);
    j.gpus = 1 << power(rng);
    j.run_seconds = std::max<Seconds>(1, std::min<Seconds>(std::llround(run(rng)), 7 * 86400));
    j.submit = std::llround(t);
    t += gap(rng);
    jobs.push_back(std::move(j));
  }
  return jobs;
}

class SteadyState : public ::testing::TestWithParam<Policy> {};

TEST_P(SteadyState, NoAllocationPerEvent) {
  std::vector<JobSpec> jobs = Trace();
  const Seconds half = jobs[jobs.size() / 2].submit;
  Null sink;
  auto sim = Simulator::Create({2048, 8, 32}, std::move(jobs), {GetParam(), -1}, &sink);
  ASSERT_TRUE(sim.ok());
  ASSERT_TRUE((*sim)->RunUntil(half).ok());  // warm-up: pools and queues grow
  const int done_before = (*sim)->jobs_done();
  const long before = allocations.load();
  ASSERT_TRUE((*sim)->RunUntil(std::numeric_limits<Seconds>::max()).ok());
  const long allocated = allocations.load() - before;
  const int ends = (*sim)->jobs_done() - done_before;
  ASSERT_GT(ends, 9000);
  // About 20,000 events (ends and arrivals) in the second half; growing a
  // pool or a heap now and then is fine, one allocation an event is not.
  EXPECT_LT(allocated, ends / 100) << allocated << " allocations for " << ends << " job ends";
}

INSTANTIATE_TEST_SUITE_P(Policies, SteadyState,
                         ::testing::Values(Policy::kFcfs, Policy::kEasy, Policy::kPriority),
                         [](const auto& info) { return std::string(PolicyName(info.param)); });

}  // namespace
}  // namespace gpuledger::scheduler

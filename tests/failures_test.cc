// Failure models: the Llama 3 calibration, per-node streams that depend only
// on (seed, node), and the Young/Daly checkpoint interval.
#include <cmath>
#include <string>

#include "gtest/gtest.h"
#include "scheduler/failures.h"
#include "traces/failures.h"

namespace gpuledger {
namespace {

using scheduler::FailureModel;
using scheduler::FailureSchedule;
using scheduler::NodeFailure;
using scheduler::Seconds;

const std::string kLlama3 = GPULEDGER_SOURCE_DIR "/traces/failures/llama3.textproto";

FailureModel FromSpec(const v1::FailureModelSpec& spec) {
  FailureModel m;
  m.per_gpu_hour = traces::PerGpuHour(spec.unexpected());
  for (const auto& c : spec.causes()) {
    m.causes.push_back({c.name(), static_cast<double>(c.count()),
                        static_cast<Seconds>(std::llround(c.repair_hours() * 3600))});
  }
  return m;
}

TEST(FailureModelFile, Llama3CausesAddUpToTheUnexpectedCount) {
  auto spec = traces::LoadFailureModelFile(kLlama3);
  ASSERT_TRUE(spec.ok()) << spec.status();
  int64_t sum = 0;
  for (const auto& c : spec->causes()) sum += c.count();
  EXPECT_EQ(sum, spec->unexpected().interruptions());
  // 419 in 54 days on 16,384 GPUs (Llama 3 paper): the derived rate gives it back.
  EXPECT_NEAR(traces::PerGpuHour(spec->unexpected()) * 16384 * 54 * 24, 419, 1e-9);
}

TEST(FailureModelFile, BadValuesNameTheField) {
  auto bad = traces::LoadFailureModelText("unexpected { interruptions: 5 gpus: 0 days: 1 }",
                                          "f.textproto");
  EXPECT_EQ(bad.status().message(),
            "f.textproto:1:1: field unexpected: interruptions must not be negative, gpus and days "
            "must be positive");
  auto repair = traces::LoadFailureModelText(
      "unexpected { interruptions: 5 gpus: 8 days: 1 }\n"
      "causes { name: \"a\" count: 1 repair_hours: 1 }\ncauses { name: \"b\" count: 1 "
      "repair_hours: -2 }",
      "f.textproto");
  EXPECT_EQ(
      repair.status().message(),
      "f.textproto:3:1: field causes: cause \"b\": count and repair_hours must not be negative");
  auto restart = traces::LoadFailureModelText(
      "unexpected { interruptions: 5 gpus: 8 days: 1 }\ncauses { name: \"a\" count: 1 }\n"
      "restart_overhead_minutes: -1",
      "f.textproto");
  EXPECT_EQ(restart.status().message(),
            "f.textproto:3:1: field restart_overhead_minutes must not be negative");
  auto parse = traces::LoadFailureModelText("unexpected { gpus: x }", "f.textproto");
  EXPECT_EQ(parse.status().message().substr(0, 17), "f.textproto:1:20:");
  auto nocause =
      traces::LoadFailureModelText("unexpected { interruptions: 5 gpus: 8 days: 1 }", "f");
  EXPECT_EQ(nocause.status().message(), "f: field causes: give at least one cause with a count");
}

TEST(FailureSchedule, ReproducesTheLlama3RateOnItsCluster) {
  auto spec = traces::LoadFailureModelFile(kLlama3);
  ASSERT_TRUE(spec.ok());
  const FailureModel model = FromSpec(*spec);
  // 2,048 nodes of 8 H100 for 54 days, 20 seeds: the mean count is the
  // Poisson mean 419 within 5% (its standard error here is about 1.1%).
  double total = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    total += static_cast<double>(FailureSchedule(seed, 2048, 8, model, 0, 54 * 86400).size());
  }
  EXPECT_NEAR(total / 20, 419, 419 * 0.05);
}

TEST(FailureSchedule, SameSeedSameFailuresAndNodesAreIndependent) {
  FailureModel m{1e-2, {{"a", 3, 3600}, {"b", 1, 60}}};  // ~920 failures
  const auto one = FailureSchedule(42, 16, 8, m, 0, 30 * 86400);
  const auto two = FailureSchedule(42, 16, 8, m, 0, 30 * 86400);
  ASSERT_FALSE(one.empty());
  ASSERT_EQ(one.size(), two.size());
  int a = 0;
  for (size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(std::tie(one[i].time, one[i].node, one[i].cause),
              std::tie(two[i].time, two[i].node, two[i].cause));
    EXPECT_EQ(one[i].repair_seconds, one[i].cause == 0 ? 3600 : 60);
    a += one[i].cause == 0;
  }
  // Causes by weight: about 3 in 4 are "a" (standard error ~1.4%).
  EXPECT_GT(one.size(), 800u);
  EXPECT_NEAR(static_cast<double>(a) / one.size(), 0.75, 0.05);
  // Node 3's failures do not depend on how many nodes the cluster has.
  const auto bigger = FailureSchedule(42, 64, 8, m, 0, 30 * 86400);
  std::vector<Seconds> small3, big3;
  for (const auto& f : one)
    if (f.node == 3) small3.push_back(f.time);
  for (const auto& f : bigger)
    if (f.node == 3) big3.push_back(f.time);
  EXPECT_EQ(small3, big3);
  // And another seed gives other failures.
  EXPECT_NE(FailureSchedule(43, 16, 8, m, 0, 30 * 86400).front().time, one.front().time);
}

TEST(YoungDaly, MatchesItsFormula) {
  // sqrt(2 x 300 s x MTBF); a job of 16,384 GPUs at Llama 3's rate fails
  // every 54 x 24 / 419 h = 3.093 h = 11,135 s: sqrt(600 x 11,135) = 2,585 s.
  const double per_second = 16384 * (419.0 / (16384.0 * 54 * 24)) / 3600;
  const double mtbf = 1 / per_second;
  EXPECT_EQ(scheduler::YoungDalyInterval(300, per_second), std::llround(std::sqrt(2 * 300 * mtbf)));
  EXPECT_EQ(scheduler::YoungDalyInterval(300, per_second), 2585);
  EXPECT_EQ(scheduler::YoungDalyInterval(0, per_second), 1);
}

}  // namespace
}  // namespace gpuledger

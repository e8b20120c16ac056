// Mixed clusters from a plan to the ledger: pools of GPU models, jobs that
// name the models they may use, work converted per model, capacity that
// arrives on a date, and every entry marked with its pool.
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ledger/store.h"
#include "replay/replay.h"
#include "report/cost.h"
#include "report/timeline.h"
#include "report/focus.h"
#include <sstream>
#include "traces/plan.h"

namespace gpuledger::replay {
namespace {

class MixedTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gpuledger_mixed_" + std::to_string(::getpid()) + "_" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Replays `plan` into a fresh ledger; the run's record and entries.
  void Replay(const std::string& plan) {
    absl::StatusOr<traces::Workload> w = traces::LoadPlanText(plan, "mixed.textproto");
    ASSERT_TRUE(w.ok()) << w.status();
    workload_ = *w;
    auto ledger = ledger::Ledger::Open((dir_ / "l.sqlite").string());
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    absl::StatusOr<ReplayResult> r = ReplayWorkload(*std::move(w), **ledger, 0, {}, "", {});
    ASSERT_TRUE(r.ok()) << r.status();
    absl::StatusOr<ledger::RunRecord> run = (*ledger)->GetRun(r->run_id);
    ASSERT_TRUE(run.ok());
    run_ = *run;
    // Every grouping's rows add up to the same totals, to the micro-dollar.
    for (ledger::GroupBy by : ledger::kGroupBys) {
      absl::StatusOr<report::CostReport> c = report::BuildCostReport(**ledger, r->run_id, by, false);
      ASSERT_TRUE(c.ok()) << c.status();
      if (by == ledger::GroupBy::kJob) job_report_ = *c;
      if (by == ledger::GroupBy::kModel) model_report_ = *c;
      int64_t rental = 0, owned = 0;
      for (const report::CostRow& row : c->rows) {
        rental += row.rental_micro_usd;
        owned += row.owned_micro_usd;
      }
      EXPECT_EQ(rental, c->total.rental_micro_usd) << ledger::GroupByName(by);
      EXPECT_EQ(owned, c->total.owned_micro_usd) << ledger::GroupByName(by);
      if (by != ledger::GroupBy::kJob) {
        EXPECT_EQ(c->total.rental_micro_usd, job_report_.total.rental_micro_usd);
        EXPECT_EQ(c->total.owned_micro_usd, job_report_.total.owned_micro_usd);
      }
    }
    absl::StatusOr<std::vector<ledger::UsageRecord>> usage = (*ledger)->ListUsage(r->run_id);
    ASSERT_TRUE(usage.ok());
    usage_ = *usage;
    // The HTML page's buckets, priced pool by pool, add up to the report.
    absl::StatusOr<report::RunTimeline> t =
        report::BuildRunTimeline(**ledger, job_report_, 2000, 200, nullptr);
    ASSERT_TRUE(t.ok()) << t.status();
    int64_t bucket_rental = 0, bucket_owned = 0;
    for (int64_t v : t->rental_micro_usd) bucket_rental += v;
    for (const report::CostPart& part : t->owned) {
      for (int64_t v : part.micro_usd) bucket_owned += v;
    }
    EXPECT_EQ(bucket_rental, job_report_.total.rental_micro_usd);
    EXPECT_EQ(bucket_owned, job_report_.total.owned_micro_usd);
    // Every pool's busy, idle and down GPU-seconds fill its GPUs over the
    // part of the window it serves, and the digest matches.
    absl::StatusOr<ledger::Verification> v = (*ledger)->Verify();
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_TRUE(v->sound()) << (v->problems.empty() ? "" : v->problems.front());
    EXPECT_EQ(v->digests, 1);
  }
  absl::Status ReplayError(const std::string& plan) {
    absl::StatusOr<traces::Workload> w = traces::LoadPlanText(plan, "mixed.textproto");
    if (!w.ok()) return w.status();
    auto ledger = ledger::Ledger::Open((dir_ / "l.sqlite").string());
    if (!ledger.ok()) return ledger.status();
    return ReplayWorkload(*std::move(w), **ledger, 0, {}, "", {}).status();
  }
  // The productive entry of job `id`: its pool, start and end.
  const ledger::UsageRecord& Work(const std::string& id) const {
    for (const ledger::UsageRecord& u : usage_) {
      if (u.job_id == id && u.category == "productive") return u;
    }
    ADD_FAILURE() << "no work of " << id;
    return usage_.front();
  }
  double Peak(const std::string& model, bool fp8) const {
    const auto& m = workload_.catalog.at(model);
    return fp8 ? m.peak_fp8_tflops() : m.peak_bf16_tflops();
  }

  std::filesystem::path dir_;
  traces::Workload workload_;
  ledger::RunRecord run_;
  report::CostReport job_report_, model_report_;
  std::vector<ledger::UsageRecord> usage_;
};

constexpr char kTwoPools[] = R"(
start_date: "2025-01-01"
cluster {
  pools { gpu: "H800" nodes: 1 }
  pools { gpu: "B200" nodes: 1 }
}
)";

TEST_F(MixedTest, TheSameFlopsBudgetRunsForTheRatioOfPeaks) {
  // 8 GPUs at 50% MFU of dense FP8: 8 x 1979 x 1e12 x 0.5 FLOP/s on H800,
  // 8 x 4500 x 1e12 x 0.5 on B200; the budget is 7.9e21 FLOPs.
  Replay(std::string(kTwoPools) + R"(
jobs { id: "on-h800" phase: PRETRAIN gpus: 8 models: "H800"
       flops { tokens: 1e10 flops_per_token: 7.9e11 mfu: 0.5 precision: FP8 } }
jobs { id: "on-b200" phase: PRETRAIN gpus: 8 models: "B200"
       flops { tokens: 1e10 flops_per_token: 7.9e11 mfu: 0.5 precision: FP8 } }
)");
  const double flops = 1e10 * 7.9e11;
  const ledger::UsageRecord& h = Work("on-h800");
  const ledger::UsageRecord& b = Work("on-b200");
  EXPECT_EQ(h.gpu_pool, 0);
  EXPECT_EQ(b.gpu_pool, 1);
  EXPECT_EQ(h.end - h.start, std::ceil(flops / (8 * Peak("H800", true) * 1e12 * 0.5)));
  EXPECT_EQ(b.end - b.start, std::ceil(flops / (8 * Peak("B200", true) * 1e12 * 0.5)));
  // By hand: 7.9e21 / 7.916e15 = 997,979 s; 7.9e21 / 1.8e16 = 438,889 s.
  EXPECT_EQ(h.end - h.start, 997979);
  EXPECT_EQ(b.end - b.start, 438889);
  // Charged each model's rate: the shipped defaults' $2 an H800 GPU-hour
  // and $4.23 a B200 one (traces/defaults.textproto), in micro-dollars
  // rounded once per row.
  ASSERT_EQ(model_report_.rows.size(), 3u);  // H800, B200, idle
  EXPECT_EQ(model_report_.rows[0].group, "H800");
  EXPECT_EQ(model_report_.rows[0].rental_micro_usd, 8 * 997979 * 2'000'000LL / 3600);
  EXPECT_EQ(model_report_.rows[1].group, "B200");
  EXPECT_EQ(model_report_.rows[1].rental_micro_usd, (8 * 438889 * 4'230'000LL + 1800) / 3600);
  // Owned: 8 H800 at $25,000 and 8 B200 at $45,000.
  EXPECT_EQ(model_report_.capital_micro_usd, (8 * 25'000LL + 8 * 45'000LL) * 1'000'000);
  ASSERT_EQ(model_report_.pools.size(), 2u);
  EXPECT_EQ(model_report_.pools[0].rates.rental, 2'000'000'000);  // nano-dollars per GPU-hour
  EXPECT_EQ(model_report_.pools[1].rates.rental, 4'230'000'000);
  ASSERT_EQ(run_.pools.size(), 2u);
  EXPECT_EQ(run_.pools[1].gpu_model, "B200");
  EXPECT_EQ(run_.pools[1].gpu_tdp_watts, 1000);
  EXPECT_EQ(run_.gpu_model, "H800+B200");
}

TEST_F(MixedTest, MfuByModelAndMeasuredWorkScalePerPool) {
  // "a" at 40% MFU on B200 (its own figure) and 50% elsewhere; "b"
  // measured as 800 GPU-hours on H800 in BF16 runs 989 / 2250 as long on
  // B200: ceil(800 x 3600 / 8 / (2250 / 989)) = 158,240 s.
  Replay(std::string(kTwoPools) + R"(
jobs { id: "a" phase: PRETRAIN gpus: 8 models: "B200"
       flops { tokens: 1e10 flops_per_token: 7.2e11 mfu: 0.5 precision: FP8
               mfu_by_model { key: "B200" value: 0.4 } } }
jobs { id: "b" phase: SFT gpus: 8 models: "B200" gpu_hours: 800 measured_on: "H800" }
)");
  EXPECT_EQ(Work("a").end - Work("a").start,
            std::ceil(1e10 * 7.2e11 / (8 * Peak("B200", true) * 1e12 * 0.4)));
  const double factor = Peak("B200", false) / Peak("H800", false);
  EXPECT_EQ(Work("b").end - Work("b").start, std::ceil(800 * 3600.0 / 8 / factor));
  EXPECT_EQ(Work("b").end - Work("b").start, 158240);
}

TEST_F(MixedTest, PreferredPoolWhenFreeOtherwiseTheNextAndNotBeforeAPoolArrives) {
  // B200 arrives on 2025-01-03 (172,800 s in). "first" may use only B200:
  // it starts then. "second" prefers B200 and may use H800: B200 is taken,
  // so it runs on H800 once "first" no longer blocks the queue (FCFS).
  Replay(R"(
start_date: "2025-01-01"
cluster {
  pools { gpu: "H800" nodes: 1 }
  pools { gpu: "B200" nodes: 1 available_from: "2025-01-03" }
}
jobs { id: "first" phase: SFT gpus: 8 models: "B200" wall_clock_hours: 10 }
jobs { id: "second" phase: SFT gpus: 8 models: "B200" models: "H800" wall_clock_hours: 10 }
)");
  EXPECT_EQ(Work("first").gpu_pool, 1);
  EXPECT_EQ(Work("first").start, 172800);
  EXPECT_EQ(Work("second").gpu_pool, 0);
  EXPECT_EQ(Work("second").start, 172800);
  for (const ledger::UsageRecord& u : usage_) {
    if (u.gpu_pool == 1) {
      EXPECT_GE(u.start, 172800) << u.category;
    }
  }
  EXPECT_EQ(run_.pools[1].available_from, 172800);
}

TEST_F(MixedTest, AModelNameReachesEveryPoolOfThatModelAndVerifyHoldsOnAnyPool) {
  // Two H100 pools and a B200 one. "y" names the model H100: with h1 taken
  // by "x", it starts at once on h2. "z" prefers B200 (FLOPs at its peak)
  // and, B200 being taken by "w", runs on H100 at the H100's: the ledger
  // verifies (its work is in the seconds of the pool it ran on) and its
  // slowdown is counted at the H100 run time (1: it never waited).
  Replay(R"(
start_date: "2025-01-01"
cluster {
  pools { name: "h1" gpu: "H100" nodes: 1 }
  pools { name: "h2" gpu: "H100" nodes: 1 }
  pools { gpu: "B200" nodes: 1 }
}
jobs { id: "x" phase: SFT gpus: 8 models: "h1" wall_clock_hours: 100 }
jobs { id: "w" phase: SFT gpus: 8 models: "B200" wall_clock_hours: 100 }
jobs { id: "y" phase: SFT gpus: 8 models: "H100" wall_clock_hours: 1 submit_seconds: 100 }
jobs { id: "z" phase: SFT gpus: 8 models: "B200" models: "H100" submit_seconds: 200
       flops { tokens: 1e10 flops_per_token: 7.9e11 mfu: 0.5 precision: FP8 } }
)");
  EXPECT_EQ(Work("y").gpu_pool, 1);
  EXPECT_EQ(Work("y").start, 100);
  EXPECT_EQ(Work("z").gpu_pool, 1);  // h2, free again after "y"
  EXPECT_EQ(Work("z").end - Work("z").start, 997979);  // at the H100's 1,979 TFLOPS
}

TEST_F(MixedTest, AClusterOfOnePoolWrittenAsPoolsReplays) {
  Replay(R"(
start_date: "2025-01-01"
cluster { pools { name: "only" gpu: "B200" nodes: 2 } }
jobs { id: "a" phase: SFT gpus: 8 gpu_hours: 80 measured_on: "H800" }
)");
  ASSERT_EQ(run_.pools.size(), 1u);
  EXPECT_EQ(Work("a").end - Work("a").start, std::ceil(80 * 3600.0 / 8 / (2250.0 / 989)));
}

TEST(RunOnPools, ConvertsAPlansJobsAsAPlanWrittenOnThosePoolsWould) {
  // The same jobs, once on a one-pool B200 cluster then moved onto H800 and
  // B200 pools, once written on those pools: the same runs on each pool.
  const std::string jobs = R"(
throughput_factors { gpu: "B200" measured_on: "H800" factor: 2.5 }
jobs { id: "a" phase: PRETRAIN gpus: 16 token_rate { tokens: 1e11 gpu_hours_per_trillion_tokens: 180000 }
       measured_on: "H800" precision: FP8 }
jobs { id: "b" phase: SFT gpus: 8 models: "B200" gpu_hours: 900 measured_on: "H800" requested_hours: 200 }
jobs { id: "c" phase: EVAL gpus: 8 flops { tokens: 1e10 flops_per_token: 1e12 mfu: 0.4 }
       memory_gb_per_gpu: 120 after: "a" }
)";
  absl::StatusOr<traces::Workload> one =
      traces::LoadPlanText(R"(cluster { gpu: "B200" nodes: 2 })" + jobs, "one.textproto");
  ASSERT_TRUE(one.ok()) << one.status();
  absl::StatusOr<traces::Workload> mixed = traces::LoadPlanText(
      R"(cluster { pools { gpu: "H800" nodes: 2 } pools { gpu: "B200" nodes: 2 } })" + jobs,
      "mixed.textproto");
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  ASSERT_TRUE(traces::RunOnPools(mixed->pools, &*one).ok());
  ASSERT_EQ(one->jobs.size(), mixed->jobs.size());
  for (size_t i = 0; i < one->jobs.size(); ++i) {
    ASSERT_EQ(one->jobs[i].pool_runs.size(), mixed->jobs[i].pool_runs.size()) << i;
    for (size_t k = 0; k < one->jobs[i].pool_runs.size(); ++k) {
      EXPECT_EQ(one->jobs[i].pool_runs[k].pool, mixed->jobs[i].pool_runs[k].pool);
      EXPECT_EQ(one->jobs[i].pool_runs[k].run_seconds, mixed->jobs[i].pool_runs[k].run_seconds);
      EXPECT_EQ(one->jobs[i].pool_runs[k].requested_seconds,
                mixed->jobs[i].pool_runs[k].requested_seconds);
    }
    EXPECT_EQ(one->jobs[i].run_seconds, mixed->jobs[i].run_seconds);
  }
  // By hand: "b" on B200 by the plan's measured factor 2.5: 900 h / 8 / 2.5
  // = 162,000 s, asked 200 h / 2.5 = 288,000 s; "c" (120 GB) fits only B200.
  EXPECT_EQ(one->jobs[1].pool_runs[0].run_seconds, 162000);
  EXPECT_EQ(one->jobs[1].pool_runs[0].requested_seconds, 288000);
  ASSERT_EQ(one->jobs[2].pool_runs.size(), 1u);
  EXPECT_EQ(one->jobs[2].pool_runs[0].pool, 1);
  // A pool list the jobs cannot use is refused, naming the job.
  traces::ClusterPool tiny = mixed->pools[0];
  tiny.nodes = 1;
  EXPECT_EQ(traces::RunOnPools({tiny}, &*one).message(),
            "one.textproto (field gpus): job \"a\": field gpus: 16 GPUs fit no pool of the cluster "
            "(H800: 8 GPUs of 8 per node, 80 GB)");
}

TEST_F(MixedTest, APoolThatNeverServedIsNotBoughtInTheFocusExport) {
  // The B200 open on 2025-03-01, after the run's 10 hours in January.
  Replay(R"(
start_date: "2025-01-01"
cluster { pools { gpu: "H800" nodes: 1 } pools { gpu: "B200" nodes: 1 available_from: "2025-03-01" } }
jobs { id: "a" phase: SFT gpus: 8 models: "H800" models: "B200" wall_clock_hours: 10 }
)");
  auto ledger = ledger::Ledger::Open((dir_ / "l.sqlite").string());
  ASSERT_TRUE(ledger.ok());
  std::ostringstream out;
  report::FocusTotals totals;
  ASSERT_TRUE(report::ExportFocus(**ledger, run_.id, {}, out, &totals).ok());
  int purchases = 0;
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    purchases += line.find(",Purchase,") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(purchases, 1);  // the H800 only
  EXPECT_EQ(out.str().find("owned-cluster/B200"), std::string::npos);
}

TEST_F(MixedTest, BadPlansNameTheFieldAndRunNothing) {
  auto error = [&](const std::string& plan) {
    absl::StatusOr<traces::Workload> w = traces::LoadPlanText(plan, "mixed.textproto");
    return w.ok() ? std::string("ok") : std::string(w.status().message());
  };
  EXPECT_EQ(error(std::string(kTwoPools) +
                  R"(jobs { id: "j" phase: SFT gpus: 8 models: "A100" gpu_hours: 1 })"),
            "mixed.textproto:7:35: job \"j\": field models: no pool or GPU model \"A100\" in the "
            "cluster (its pools: H800 (H800), B200 (B200))");
  EXPECT_EQ(error(R"(cluster { gpu: "H800" pools { gpu: "B200" nodes: 1 } }
jobs { id: "j" phase: SFT gpus: 8 gpu_hours: 1 })"),
            "mixed.textproto:1:11: cluster: field gpu: a cluster of pools sets it in each pool, "
            "not here");
  EXPECT_EQ(error(R"(cluster { pools { gpu: "H800" nodes: 1 } pools { gpu: "H800" nodes: 2 } }
jobs { id: "j" phase: SFT gpus: 8 gpu_hours: 1 })"),
            "mixed.textproto:1:50: cluster.pools[1]: another pool is named \"H800\" (pools of "
            "one model need names of their own)");
  EXPECT_EQ(error(std::string(kTwoPools) +
                  R"(jobs { id: "j" phase: SFT gpus: 16 models: "B200" gpu_hours: 1 })"),
            "mixed.textproto:7:27: job \"j\": field gpus: 16 GPUs do not fit pool \"B200\" (8 "
            "GPUs in service, of 8-GPU nodes: part of one node or whole nodes)");
  EXPECT_EQ(error(std::string(kTwoPools) +
                  R"(jobs { id: "j" phase: SFT gpus: 8 models: "H800" memory_gb_per_gpu: 100 gpu_hours: 1 })"),
            "mixed.textproto:7:50: job \"j\": needs 100 GB per GPU, more than the 80 GB of the H800 "
            "of pool \"H800\"");
  // FP8 work on a part without FP8 (the plan's H800 has none).
  EXPECT_EQ(error(std::string(kTwoPools) +
                  R"(jobs { id: "j" phase: SFT gpus: 8 models: "H800" measured_on: "B200" precision: FP8 gpu_hours: 1 }
gpu_models { name: "H800" peak_bf16_tflops: 989 tdp_watts: 700 gpus_per_node: 8 })"),
            "mixed.textproto:7:70: job \"j\": FP8 work measured on B200 cannot run on H800: H800 "
            "has no peak_fp8_tflops (give the plan a throughput_factors entry for the two)");
  EXPECT_EQ(error(std::string(kTwoPools) +
                  R"(jobs { id: "j" phase: SFT gpus: 8 flops { tokens: 1 flops_per_token: 1e12 mfu: 0.5 mfu_by_model { key: "b200" value: 0.4 } } })"),
            "mixed.textproto:7:35: job \"j\": field flops.mfu_by_model: unknown GPU model \"b200\" "
            "(known: A100, B200, GB200, H100, H20, H200, H800)");
  EXPECT_EQ(error(std::string(kTwoPools) + R"(pricing { models { gpu: "B200" rental { usd_per_gpu_hour: 3 } }
  models { gpu: "B200" rental { usd_per_gpu_hour: 4 } } }
jobs { id: "j" phase: SFT gpus: 8 gpu_hours: 1 })"),
            "mixed.textproto:8:3: pricing.models[1]: B200 is priced twice (also in "
            "pricing.models[0]); give one entry per model");
  EXPECT_EQ(error(R"(cluster { pools { name: "B200" gpu: "H100" nodes: 1 } pools { gpu: "H800" nodes: 1 } }
jobs { id: "j" phase: SFT gpus: 8 gpu_hours: 1 })"),
            "mixed.textproto:1:19: cluster.pools[0]: field name: \"B200\" is another GPU model's "
            "name; a job's models would mistake it (name the pool otherwise)");
  EXPECT_EQ(error(std::string(kTwoPools) +
                  R"(jobs { id: "j" phase: SFT gpus: 8 memory_gb_per_gpu: 500 gpu_hours: 1 })"),
            "mixed.textproto:7:35: job \"j\": needs 500 GB per GPU, more than any pool its size "
            "fits has (H800: 80 GB; B200: 180 GB)");
  EXPECT_EQ(error(std::string(kTwoPools) + R"(pricing { models { gpu: "A100" rental { usd_per_gpu_hour: 1 } } }
jobs { id: "j" phase: SFT gpus: 8 gpu_hours: 1 })"),
            "mixed.textproto:7:11: pricing.models[0]: the cluster has no pool of A100, so these "
            "prices would change nothing");
  // A date with no calendar is refused by the replay, which writes nothing.
  const absl::Status s = ReplayError(R"(
cluster { pools { gpu: "H800" nodes: 1 } pools { gpu: "B200" nodes: 1 retired_at: "2025-02-01" } }
jobs { id: "j" phase: SFT gpus: 8 gpu_hours: 1 })");
  EXPECT_EQ(s.message(),
            "mixed.textproto: pool \"B200\": retired_at is a date, and the replay has no "
            "calendar: give the plan a start_date, or --start-date");
  auto ledger = ledger::Ledger::Open((dir_ / "l.sqlite").string());
  ASSERT_TRUE(ledger.ok());
  EXPECT_TRUE((*ledger)->ListRuns()->empty());
}

}  // namespace
}  // namespace gpuledger::replay

// Plans: each way of giving work, the built-in catalog and defaults, and the
// message for each kind of bad plan.
#include <cmath>
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/gzip_cut.h"
#include "traces/failures.h"
#include "traces/plan.h"
#include "traces/pricing.h"

namespace gpuledger::traces {
namespace {

// A one-node H800 cluster and one job whose body is `job`.
std::string OneJob(const std::string& job) {
  return "cluster { gpu: \"H800\" nodes: 1 }\njobs {\n  id: \"j\"\n  phase: PRETRAIN\n  gpus: 8\n" +
         job + "\n}\n";
}

// The message of a plan that must be refused (below).
std::string Error(const std::string& text);

int64_t RunSeconds(const std::string& job) {
  absl::StatusOr<Workload> w = LoadPlanText(OneJob(job), "t.textproto");
  EXPECT_TRUE(w.ok()) << w.status();
  return w.ok() ? w->jobs[0].run_seconds : -1;
}

TEST(Work, GpuHoursSpreadOverTheJobsGpus) {
  EXPECT_EQ(RunSeconds("gpu_hours: 8"), 3600);
  // 1 GPU-hour on 8 GPUs: 3600 GPU-s / 8 = 450 s.
  EXPECT_EQ(RunSeconds("gpu_hours: 1"), 450);
  // 1.001 GPU-hours = 3603.6 -> 3604 GPU-s; / 8 = 450.5 -> 451 s (whole seconds, rounded up).
  EXPECT_EQ(RunSeconds("gpu_hours: 1.001"), 451);
}

TEST(Work, WallClockHoursAtTheJobsSize) { EXPECT_EQ(RunSeconds("wall_clock_hours: 2.5"), 9000); }

TEST(Work, TokensAtGpuHoursPerTrillion) {
  // 2T tokens x 4 GPU-hours per T = 8 GPU-hours = 3600 s on 8 GPUs.
  EXPECT_EQ(RunSeconds("token_rate { tokens: 2e12 gpu_hours_per_trillion_tokens: 4 }"), 3600);
}

TEST(Work, TokensFlopsAndMfuAgainstPeak) {
  // 8 H800 x 989 TFLOPS x 0.5 = 3.956e15 FLOP/s; 3.956e19 FLOPs take 10,000 s.
  EXPECT_EQ(RunSeconds("flops { tokens: 1e10 flops_per_token: 3.956e9 mfu: 0.5 }"), 10000);
  // FP8 peak is 1979 TFLOPS: 7.916e19 FLOPs at 0.5 also take 10,000 s.
  EXPECT_EQ(RunSeconds("flops { tokens: 1e10 flops_per_token: 7.916e9 mfu: 0.5 precision: FP8 }"),
            10000);
}

TEST(Defaults, CatalogAndClusterAndPricing) {
  const auto& d = BuiltinDefaults();
  bool h800 = false, h100 = false;
  for (const auto& m : d.gpu_models()) {
    if (m.name() == "H800" || m.name() == "H100") {
      (m.name() == "H800" ? h800 : h100) = true;
      EXPECT_GT(m.peak_bf16_tflops(), 0);
      EXPECT_GT(m.peak_fp8_tflops(), m.peak_bf16_tflops());
      EXPECT_GT(m.tdp_watts(), 0);
      EXPECT_EQ(m.gpus_per_node(), 8);
    }
  }
  EXPECT_TRUE(h800 && h100);
  EXPECT_EQ(d.cluster().gpu(), "H800");
  EXPECT_EQ(d.cluster().nodes() * 8, 2048);
  EXPECT_TRUE(d.pricing().rental().has_usd_per_gpu_hour());
  EXPECT_TRUE(d.pricing().owned().has_capital_usd_per_gpu());
}

// The catalog (issue 17): every generation FACTS.md lists, with its memory.
TEST(Defaults, CatalogHoldsEveryGeneration) {
  std::map<std::string, v1::GpuModel> by_name;
  for (const auto& m : BuiltinDefaults().gpu_models()) by_name[m.name()] = m;
  for (const char* name : {"A100", "H100", "H800", "H200", "H20", "B200", "GB200"}) {
    ASSERT_EQ(by_name.count(name), 1u) << name;
    const v1::GpuModel& m = by_name[name];
    EXPECT_GT(m.peak_bf16_tflops(), 0) << name;
    EXPECT_GT(m.tdp_watts(), 0) << name;
    EXPECT_GT(m.gpus_per_node(), 0) << name;
    EXPECT_GT(m.hbm_gb(), 0) << name;
    EXPECT_GT(m.hbm_tb_per_s(), 0) << name;
    // FP8 tensor cores double the BF16 rate, where a part has them (to the
    // datasheets' rounding: Hopper's 1,979 is twice 989.4).
    if (m.peak_fp8_tflops() > 0) {
      EXPECT_NEAR(m.peak_fp8_tflops(), 2 * m.peak_bf16_tflops(), 1) << name;
    }
  }
  EXPECT_EQ(by_name["A100"].peak_fp8_tflops(), 0);  // Ampere has no FP8
  // NVIDIA gives Blackwell's figures per system and with sparsity (HGX
  // B200: 72 PFLOPS FP8 for 8 GPUs; GB200 NVL72: 720 PFLOPS for 72): dense
  // per GPU is that / GPUs / 2.
  EXPECT_EQ(by_name["B200"].peak_fp8_tflops(), 72'000.0 / 8 / 2);
  EXPECT_EQ(by_name["GB200"].peak_fp8_tflops(), 720'000.0 / 72 / 2);
  // A GB200 node is a compute tray of 4 GPUs (18 to a 72-GPU rack).
  EXPECT_EQ(by_name["GB200"].gpus_per_node() * 18, 72);
}

// The same FLOPs on another generation: the run time scales by the ratio of
// the peaks at the job's precision.
TEST(Work, FlopsRunForTheirModelsPeak) {
  auto on = [](const std::string& gpu, const std::string& precision) {
    absl::StatusOr<Workload> w = LoadPlanText(
        "cluster { gpu: \"" + gpu + "\" nodes: 1 }\njobs { id: \"j\" phase: PRETRAIN gpus: 8 "
        "flops { tokens: 1e10 flops_per_token: 9e9 mfu: 0.5 precision: " + precision + " } }",
        "t.textproto");
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? w->jobs[0].run_seconds : -1;
  };
  // 9e19 FLOPs on 8 B200 at half of 2,250 TFLOPS: 9e15 FLOP/s, 10,000 s.
  EXPECT_EQ(on("B200", "BF16"), 10'000);
  // On 8 H800 at half of 989: 3.956e15 FLOP/s, 22,750.25 s, so 22,751.
  EXPECT_EQ(on("H800", "BF16"), 22'751);
  // FP8: twice the rate on both.
  EXPECT_EQ(on("B200", "FP8"), 5'000);
  EXPECT_EQ(on("H20", "FP8"), static_cast<int64_t>(std::ceil(9e19 / (8 * 296e12 * 0.5))));
  EXPECT_EQ(Error("cluster { gpu: \"A100\" nodes: 1 }\njobs { id: \"j\" phase: PRETRAIN gpus: 8 "
                  "flops { tokens: 1e10 flops_per_token: 9e9 mfu: 0.5 precision: FP8 } }"),
            "bad.textproto:2:40: job \"j\": GPU model \"A100\" has no peak_fp8_tflops");
}

// Work measured on one model, run on another: the run time is divided by
// the ratio of their peaks at the job's precision, or by the plan's factor.
TEST(Work, MeasuredWorkScalesToTheModelItRunsOn) {
  auto on = [](const std::string& gpu, const std::string& job, const std::string& plan = "") {
    absl::StatusOr<Workload> w = LoadPlanText(
        plan + "cluster { gpu: \"" + gpu + "\" nodes: 1 }\njobs { id: \"j\" phase: PRETRAIN " +
            "gpus: 8 " + job + " }",
        "t.textproto");
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? std::make_pair(w->jobs[0].run_seconds, w->jobs[0].requested_seconds)
                  : std::make_pair(int64_t{-1}, int64_t{-1});
  };
  // 1,000 H800 GPU-hours on 8 GPUs: 450,000 s on H800s.
  EXPECT_EQ(on("H800", "gpu_hours: 1000").first, 450'000);
  EXPECT_EQ(on("H800", "gpu_hours: 1000 measured_on: \"H800\"").first, 450'000);
  // On B200 at BF16: 450,000 / (2,250 / 989), rounded up.
  EXPECT_EQ(on("B200", "gpu_hours: 1000 measured_on: \"H800\"").first,
            static_cast<int64_t>(std::ceil(3'600'000.0 / 8 / (2250.0 / 989))));
  // FP8 on both: 4,500 / 1,979.
  EXPECT_EQ(on("B200", "gpu_hours: 1000 measured_on: \"H800\" precision: FP8").first,
            static_cast<int64_t>(std::ceil(3'600'000.0 / 8 / (4500.0 / 1979))));
  // Slower parts take longer: on H20 a seventh of the speed, and the
  // backfilling estimate scales with it.
  auto h20 = on("H20", "wall_clock_hours: 10 requested_hours: 12 measured_on: \"H800\"");
  EXPECT_EQ(h20.first, static_cast<int64_t>(std::ceil(36'000 / (148.0 / 989))));
  EXPECT_EQ(h20.second, std::llround(43'200 / (148.0 / 989)));
  // A measured factor replaces the ratio of peaks.
  EXPECT_EQ(on("B200", "gpu_hours: 1000 measured_on: \"H800\"",
               "throughput_factors { gpu: \"B200\" measured_on: \"H800\" factor: 2.5 }\n")
                .first,
            180'000);
  // Refused: FP8 where a model has none, an unknown model, measured_on with a
  // flops budget, bad factors.
  EXPECT_EQ(Error("cluster { gpu: \"A100\" nodes: 1 }\njobs { id: \"j\" phase: PRETRAIN gpus: 8 "
                  "gpu_hours: 1 measured_on: \"H800\" precision: FP8 }"),
            "bad.textproto:2:73: job \"j\": FP8 work measured on H800 cannot run on A100: A100 "
            "has no peak_fp8_tflops (give the plan a throughput_factors entry for the two)");
  EXPECT_EQ(Error(OneJob("gpu_hours: 1\n  measured_on: \"H900\"")),
            "bad.textproto:7:3: job \"j\": field measured_on: unknown GPU model \"H900\" "
            "(known: A100, B200, GB200, H100, H20, H200, H800)");
  EXPECT_EQ(Error(OneJob("flops { tokens: 1e10 flops_per_token: 9e9 mfu: 0.5 }\n  measured_on: "
                         "\"H100\"")),
            "bad.textproto:7:3: job \"j\": a flops budget is computed for the model it runs on; "
            "give its precision as flops.precision, and no measured_on");
  EXPECT_EQ(Error("throughput_factors { gpu: \"B200\" measured_on: \"H800\" factor: 0 }\n" +
                  OneJob("gpu_hours: 1")),
            "bad.textproto:1:54: throughput_factors[0]: field factor must be in (0, 1000], got 0");
  EXPECT_EQ(Error("throughput_factors { gpu: \"B300\" measured_on: \"H800\" factor: 2 }\n" +
                  OneJob("gpu_hours: 1")),
            "bad.textproto:1:22: throughput_factors[0]: field gpu: unknown GPU model \"B300\"");
}

// A job that states its memory per GPU runs only where it fits.
TEST(BadPlans, MemoryPerGpuMustFit) {
  EXPECT_EQ(Error(OneJob("gpu_hours: 1\n  memory_gb_per_gpu: 100")),
            "bad.textproto:7:3: job \"j\": needs 100 GB per GPU, more than the 80 GB of the "
            "cluster's H800");
  EXPECT_EQ(Error(OneJob("gpu_hours: 1\n  memory_gb_per_gpu: 0")),
            "bad.textproto:7:3: job \"j\": field memory_gb_per_gpu must be a positive finite "
            "number, got 0");
  std::string h200 = OneJob("gpu_hours: 1\n  memory_gb_per_gpu: 100");
  h200.replace(h200.find("H800"), 4, "H200");  // 141 GB
  EXPECT_TRUE(LoadPlanText(h200, "t.textproto").ok());
  EXPECT_TRUE(LoadPlanText(OneJob("gpu_hours: 1\n  memory_gb_per_gpu: 80"), "t.textproto").ok());
  // A model that states no memory is not checked.
  EXPECT_TRUE(LoadPlanText("gpu_models { name: \"X1\" peak_bf16_tflops: 100 tdp_watts: 300 "
                           "gpus_per_node: 8 }\n" +
                               [] {
                                 std::string p = OneJob("gpu_hours: 1\n  memory_gb_per_gpu: 500");
                                 return p.replace(p.find("H800"), 4, "X1");
                               }(),
                           "t.textproto")
                  .ok());
}

TEST(Defaults, PlanOverridesOnlyWhatItSets) {
  absl::StatusOr<Workload> w = LoadPlanText(
      "pricing { rental { usd_per_gpu_hour: 2.5 } owned { pue: 1.1 } }\n"
      "jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }",
      "p.textproto");
  ASSERT_TRUE(w.ok()) << w.status();
  const auto& d = BuiltinDefaults().pricing();
  EXPECT_EQ(w->pricing.rental().usd_per_gpu_hour(), 2.5);
  EXPECT_EQ(w->pricing.owned().pue(), 1.1);
  EXPECT_EQ(w->pricing.owned().capital_usd_per_gpu(), d.owned().capital_usd_per_gpu());
  EXPECT_EQ(w->nodes, BuiltinDefaults().cluster().nodes());  // cluster from defaults
  EXPECT_EQ(w->name, "p");                                   // no name: the file's stem
}

TEST(Plans, ShippedPlansLoad) {
  for (const char* name : {"deepseek-v3-r1", "llama4", "deepseek-v3-r1-failures", "llama3-405b"}) {
    absl::StatusOr<Workload> w =
        LoadPlanFile(std::string(GPULEDGER_SOURCE_DIR) + "/traces/" + name + ".textproto");
    ASSERT_TRUE(w.ok()) << w.status();
    EXPECT_EQ(w->name, name);
    EXPECT_EQ(w->sha256.size(), 64u);
  }
}

TEST(Failures, ModelSparesRestartAndCheckpoints) {
  absl::StatusOr<Workload> w = LoadPlanText(
      "cluster { gpu: \"H800\" nodes: 2 failure_model: \"llama3\" spare_nodes: 1 }\n"
      "checkpoint { interval: \"auto\" write_seconds: 20 }\n"
      "jobs { id: \"a\" phase: RL gpus: 16 gpu_hours: 1 }\n"
      "jobs { id: \"b\" phase: RL gpus: 8 gpu_hours: 1 checkpoint { interval: \"45m\" } }\n"
      "jobs { id: \"c\" phase: RL gpus: 8 gpu_hours: 1\n"
      "       checkpoint { interval: \"1.5h\" write_seconds: 2.4 } }\n",
      "t.textproto");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->nodes, 3);  // spares come on top
  EXPECT_EQ(w->spare_nodes, 1);
  ASSERT_TRUE(w->failure_model.has_value());
  EXPECT_EQ(w->failure_model->unexpected().interruptions(), 419);
  EXPECT_EQ(w->restart_seconds, 300);  // the model's 5 minutes
  EXPECT_EQ(w->jobs[0].checkpoint_seconds, kAutoCheckpoint);
  EXPECT_EQ(w->jobs[0].checkpoint_write_seconds, 20);
  EXPECT_EQ(w->jobs[1].checkpoint_seconds, 2700);
  EXPECT_EQ(w->jobs[1].checkpoint_write_seconds, 0);
  EXPECT_EQ(w->jobs[2].checkpoint_seconds, 5400);
  EXPECT_EQ(w->jobs[2].checkpoint_write_seconds, 2);

  // A path is read relative to the plan's folder; restart_minutes overrides.
  absl::StatusOr<Workload> p = LoadPlanText(
      "cluster { nodes: 1 failure_model: \"failures/llama3.textproto\" restart_minutes: 2 }\n"
      "jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }\n",
      std::string(GPULEDGER_SOURCE_DIR) + "/traces/virtual.textproto");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->failure_model->causes_size(), w->failure_model->causes_size());
  EXPECT_EQ(p->restart_seconds, 120);
}

TEST(PricingProfiles, EveryShippedProfileLoadsAndSetsWhatItPrices) {
  const std::vector<std::string> names = PricingProfileNames();
  ASSERT_GE(names.size(), 6u);
  for (const std::string& name : names) {
    absl::StatusOr<v1::Pricing> p = LoadPricingProfile(name);
    ASSERT_TRUE(p.ok()) << name << ": " << p.status();
    EXPECT_TRUE(p->has_rental() || p->has_owned() || p->has_reserved()) << name;
  }
  absl::StatusOr<v1::Pricing> epoch = LoadPricingProfile("owned-epoch");
  ASSERT_TRUE(epoch.ok());
  EXPECT_EQ(epoch->owned().depreciation(), v1::EPOCH_AI);
  EXPECT_EQ(LoadPricingProfile("nope").status().code(), absl::StatusCode::kNotFound);
  // A bad value names the file, line and field.
  const std::string path = ::testing::TempDir() + "/bad_profile.textproto";
  {
    std::ofstream f(path);
    f << "# comment\nowned {\n  pue: 0.5\n}\n";
  }
  EXPECT_EQ(
      LoadPricingProfile(path).status().message(),
      path +
          ":3:3: field owned.pue must be in [1, 10], got 0.5");  // issue 11, defect 16: the field
}

TEST(Plans, Sha256OfKnownInput) {
  // FIPS 180-2 test vector.
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Loads `text` as bad.textproto and returns the error message.
std::string Error(const std::string& text) {
  absl::StatusOr<Workload> w = LoadPlanText(text, "bad.textproto");
  EXPECT_FALSE(w.ok());
  if (w.ok()) return "";
  EXPECT_EQ(w.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(w.status().message());
}

TEST(BadPlans, ParseErrorNamesFileLineAndColumn) {
  EXPECT_EQ(Error("name: \"x\"\njobs {\n  id: \"a\"\n  gpus: eight\n}\n"),
            "bad.textproto:4:9: Expected integer, got: eight");
  EXPECT_EQ(Error("jobs {\n  id: \"a\"\n  colour: 3\n}\n").substr(0, 19),
            "bad.textproto:3:9: ");  // protobuf points after the name
}

TEST(BadPlans, UnknownDependency) {
  EXPECT_EQ(Error("jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }\n"
                  "jobs { id: \"b\" phase: RL gpus: 8 gpu_hours: 1\n  after: \"nope\" }\n"),
            "bad.textproto:3:3: job \"b\": field after: unknown job \"nope\"");
}

TEST(BadPlans, CyclicDependency) {
  std::string m = Error(
      "jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 after: \"c\" }\n"
      "jobs { id: \"b\" phase: RL gpus: 8 gpu_hours: 1 after: \"a\" }\n"
      "jobs { id: \"c\" phase: RL gpus: 8 gpu_hours: 1 after: \"b\" }\n");
  EXPECT_EQ(m,
            "bad.textproto:1:47: job \"a\": field after: cyclic dependency "
            "\"a\" -> \"c\" -> \"b\" -> \"a\"");
}

TEST(BadPlans, JobBiggerThanTheCluster) {
  EXPECT_EQ(
      Error("cluster { nodes: 2 }\njobs { id: \"a\" phase: RL\n gpus: 24 gpu_hours: 1 }"),
      "bad.textproto:3:2: job \"a\": field gpus: 24 GPUs is bigger than the cluster (16 GPUs)");
}

TEST(BadPlans, ZeroOrNegativeWork) {
  EXPECT_EQ(
      Error(OneJob("gpu_hours: 0")),
      "bad.textproto:6:1: job \"j\": field gpu_hours must be a positive finite number, got 0");
  EXPECT_EQ(Error(OneJob("token_rate { tokens: -1 gpu_hours_per_trillion_tokens: 5 }")),
            "bad.textproto:6:1: job \"j\": field token_rate.tokens must be a positive finite "
            "number, got -1");
  EXPECT_EQ(
      Error(OneJob("flops { tokens: 1e9 flops_per_token: 1e9 mfu: 0 }")),
      "bad.textproto:6:1: job \"j\": field flops.mfu must be a positive finite number, got 0");
}

TEST(BadPlans, TwoWaysOfGivingWork) {
  EXPECT_EQ(Error(OneJob("gpu_hours: 5\n  wall_clock_hours: 3")),
            "bad.textproto:7:3: job \"j\": fields gpu_hours and wall_clock_hours both give "
            "the work; set only one");
}

TEST(BadPlans, NoWork) {
  EXPECT_EQ(Error(OneJob("")),
            "bad.textproto:2:1: job \"j\": no work given; set one of gpu_hours, "
            "wall_clock_hours, token_rate, flops");
}

TEST(BadPlans, UnknownGpuModel) {
  EXPECT_EQ(Error("cluster {\n  gpu: \"B300\"\n  nodes: 4\n}\njobs { id: \"a\" phase: RL gpus: 8 "
                  "gpu_hours: 1 }"),
            "bad.textproto:2:3: cluster: field gpu: unknown GPU model \"B300\" "
            "(known: A100, B200, GB200, H100, H20, H200, H800)");
}

TEST(BadPlans, OtherJobFields) {
  EXPECT_EQ(
      Error(OneJob("gpu_hours: 1").replace(OneJob("").find("gpus: 8"), 7, "gpus: 12")),
      "bad.textproto:5:3: job \"j\": field gpus: 12 GPUs is bigger than the cluster (8 GPUs)");
  EXPECT_EQ(
      Error("jobs { id: \"a\" phase: RL gpus: 12 gpu_hours: 1 }"),
      "bad.textproto:1:26: job \"a\": field gpus: 12 GPUs is not a whole number of 8-GPU nodes");
  EXPECT_EQ(Error("jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }\n"
                  "jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }"),
            "bad.textproto:2:8: job \"a\": field id repeats an earlier job's id");
  EXPECT_EQ(Error("jobs { id: \"a\" gpus: 8 gpu_hours: 1 }").substr(0, 46),
            "bad.textproto:1:1: job \"a\": field phase is mis");
  EXPECT_EQ(
      Error("pricing { owned { pue: 0.5 } }\njobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }"),
      "bad.textproto:1:19: field pricing.owned.pue must be in [1, 10], got 0.5");
  EXPECT_EQ(Error("name: \"empty\""), "bad.textproto: plan has no jobs");
}

TEST(BadPlans, FailureFields) {
  EXPECT_EQ(Error("cluster { nodes: 1\n failure_model: \"nope\" }\njobs { id: \"a\" phase: RL "
                  "gpus: 8 gpu_hours: 1 }"),
            "bad.textproto:2:2: cluster: field failure_model: unknown failure model \"nope\" "
            "(shipped: llama3; or give a path to a .textproto file)");
  EXPECT_EQ(Error("cluster { nodes: 1 spare_nodes: -1 }\njobs { id: \"a\" phase: RL gpus: 8 "
                  "gpu_hours: 1 }"),
            "bad.textproto:1:20: cluster: field spare_nodes must be in [0, 1000000], got -1");
  EXPECT_EQ(
      Error("cluster { nodes: 1 spare_nodes: 2147483647 }\njobs { id: \"a\" phase: RL gpus: 8 "
            "gpu_hours: 1 }"),
      "bad.textproto:1:20: cluster: field spare_nodes must be in [0, 1000000], got 2147483647");
  EXPECT_EQ(Error(OneJob("gpu_hours: 1\ncheckpoint { interval: \"soon\" }")),
            "bad.textproto:7:1: job \"j\": field checkpoint.interval: \"soon\" is neither \"auto\" "
            "nor a positive duration such as \"900s\", \"45m\" or \"1.5h\"");
  EXPECT_EQ(
      Error(OneJob("gpu_hours: 1\ncheckpoint { interval: \"auto\" }")),
      "bad.textproto:7:1: job \"j\": field checkpoint.interval \"auto\" needs write_seconds of "
      "at least 1 (whole seconds; the Young/Daly interval grows with the write cost)");
  EXPECT_EQ(
      Error(OneJob("gpu_hours: 1\ncheckpoint { interval: \"auto\" write_seconds: 9 }")),
      "bad.textproto:7:1: job \"j\": field checkpoint.interval \"auto\" needs a failure model "
      "(cluster.failure_model or cluster.failures)");
  // The plan's own checkpoint block is checked once, where it is, used or not.
  EXPECT_EQ(Error("checkpoint { interval: \"banana\" }\n" + OneJob("gpu_hours: 1\ncheckpoint {}")),
            "bad.textproto:1:1: plan: field checkpoint.interval: \"banana\" is neither \"auto\" "
            "nor a positive duration such as \"900s\", \"45m\" or \"1.5h\"");
  // With failures on, a job that cannot get through between saves is refused:
  // 16 GPUs at the Llama 3 rate (466 per 16,384 GPUs per 54 days) fail every
  // 16,384 x 1,296 h / (466 x 16) = 2,847.9 h; 312,500 h of work would not get through.
  EXPECT_EQ(Error("cluster { nodes: 2 failure_model: \"llama3\" }\n"
                  "jobs { id: \"long\" phase: PRETRAIN gpus: 16 gpu_hours: 5e6 }\n"),
            "bad.textproto:2:1: job \"long\": field checkpoint: its 16 GPUs fail about every "
            "2847.9 hours, so 312500.0 hours of work between saves would almost never get "
            "through; checkpoint more often (interval \"auto\" or a shorter duration)");
  EXPECT_EQ(Error("cluster { nodes: 1 }\ninterruption_window_days: inf\n"
                  "jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }"),
            "bad.textproto:2:1: field interruption_window_days must not be negative");
  EXPECT_EQ(Error("checkpoint { write_seconds: 5 }\n" + OneJob("gpu_hours: 1")),
            "bad.textproto:1:1: plan: field checkpoint.interval is missing (\"auto\" or a "
            "duration such as \"45m\")");
  // A plan sent over the network may not make the server read a file.
  absl::StatusOr<Workload> inline_plan = LoadPlanText(
      "cluster { nodes: 1 failure_model: \"/etc/passwd\" }\njobs { id: \"a\" phase: RL gpus: 8 "
      "gpu_hours: 1 }",
      "plan_text", /*allow_file_references=*/false);
  EXPECT_EQ(inline_plan.status().message(),
            "plan_text:1:20: cluster: field failure_model: a plan sent inline may name a shipped "
            "failure model only, not a file");
  // Jobs may not count on spare nodes.
  EXPECT_EQ(
      Error("cluster { nodes: 1 spare_nodes: 1 failure_model: \"llama3\" }\njobs { id: \"a\" "
            "phase: RL\n gpus: 16 gpu_hours: 1 }"),
      "bad.textproto:3:2: job \"a\": field gpus: 16 GPUs is bigger than the cluster (8 GPUs)");
  // Issue 11, defect 19: spares without failures would stand by for nothing.
  EXPECT_EQ(
      Error(
          "cluster { nodes: 2 spare_nodes: 1 }\njobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }"),
      "bad.textproto:1:20: cluster: field spare_nodes: hot spares stand by for failures, and the "
      "plan models none; set failure_model or failures, or leave spare_nodes out");
}

TEST(Failures, ModelWrittenInThePlan) {
  absl::StatusOr<Workload> w = LoadPlanText(
      "cluster { nodes: 2 failures {\n"
      "  unexpected { interruptions: 10 gpus: 16 days: 5 }\n"
      "  causes { name: \"gpu\" count: 1 repair_hours: 4 }\n"
      "  restart_overhead_minutes: 3 } }\n"
      "jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }\n",
      "t.textproto");
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE(w->failure_model.has_value());
  EXPECT_NEAR(PerGpuHour(w->failure_model->unexpected()), 10.0 / (16 * 5 * 24), 1e-15);
  EXPECT_EQ(w->restart_seconds, 180);
  EXPECT_EQ(Error("cluster { nodes: 1 failures {\n"
                  "  unexpected { interruptions: 10 gpus: 16 days: 5 }\n"
                  "  causes { name: \"gpu\" count: 1 repair_hours: -4 } } }\n"
                  "jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }\n"),
            "bad.textproto:3:3: field cluster.failures.causes: cause \"gpu\": count and "
            "repair_hours must not be negative");
  EXPECT_EQ(Error("cluster { nodes: 1 failure_model: \"llama3\"\n"
                  "  failures { unexpected { interruptions: 0 gpus: 16 days: 5 } } }\n"
                  "jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }\n"),
            "bad.textproto:2:3: cluster: give failure_model or failures, not both");
}

TEST(Plans, BackgroundTraceJoinsThePlansJobsOnItsCluster) {
  const std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/bg.csv") << "# gpu: A100\n# cluster_gpus: 4096\n"
                                    "id,submit_seconds,gpus,run_seconds,status,type\n"
                                    "1,0,8,100,completed,eval\n2,10,4,50,failed,debug\n"
                                    "3,20,64,10,completed,sft\n";
  absl::StatusOr<Workload> w = LoadPlanText(
      "cluster { gpu: \"H800\" nodes: 4 }\nbackground_trace: \"bg.csv\"\n"
      "jobs { id: \"main\" phase: PRETRAIN gpus: 16 gpu_hours: 1 }\n",
      dir + "/plan.textproto");
  ASSERT_TRUE(w.ok()) << w.status();
  // The plan's cluster (32 H800), not the trace's: the 64-GPU job is skipped.
  EXPECT_EQ(w->gpu.name(), "H800");
  ASSERT_EQ(w->jobs.size(), 3u);
  EXPECT_EQ(w->jobs[1].id, "bg:1");
  EXPECT_EQ(w->jobs[2].phase, v1::DEBUG);
  EXPECT_EQ(w->skipped.at("size above capacity"), 1);
  EXPECT_EQ(w->jobs_by_status.at("failed"), 1);
  // A bad trace line is named through the plan's field; inline plans may not name files.
  std::ofstream(dir + "/bad.csv")
      << "# cluster_gpus: 8\nid,submit_seconds,gpus,run_seconds\na,0,x,1\n";
  absl::StatusOr<Workload> bad = LoadPlanText(
      "cluster { nodes: 1 }\nbackground_trace: \"bad.csv\"\n", dir + "/plan.textproto");
  EXPECT_EQ(bad.status().message(), dir + "/plan.textproto:2:1: field background_trace: " + dir +
                                        "/bad.csv:3: field gpus: \"x\" is not a whole number");
  EXPECT_FALSE(LoadPlanText("cluster { nodes: 1 }\nbackground_trace: \"bg.csv\"\n", "plan_text",
                            /*allow_file_references=*/false)
                   .ok());
}

// Issue 11, defect 1: a plan's background trace cut short fails the plan.
TEST(Plans, ATruncatedBackgroundTraceFailsThePlan) {
  const std::string dir = ::testing::TempDir();
  std::string csv = "# cluster_gpus: 32\nid,submit_seconds,gpus,run_seconds\n";
  for (int i = 0; i < 100; ++i) csv += absl::StrCat("b", i, ",", i, ",8,100\n");
  std::ofstream(dir + "/cut.csv.gz", std::ios::binary) << testing::Gzip(csv, csv.size() / 2);
  absl::StatusOr<Workload> w = LoadPlanText(
      "cluster { gpu: \"H800\" nodes: 4 }\nbackground_trace: \"cut.csv.gz\"\n"
      "jobs { id: \"main\" phase: PRETRAIN gpus: 16 gpu_hours: 1 }\n",
      dir + "/plan.textproto");
  EXPECT_FALSE(w.ok());
  EXPECT_TRUE(absl::StrContains(w.status().message(), "field background_trace: " + dir +
                                                          "/cut.csv.gz: the file is truncated"))
      << w.status();
}

// Issue 11, defect 2: plans have the time bounds traces have.
TEST(BadPlans, SubmitTimesAreBounded) {
  for (const char* t : {"9223372036854775807", "9223372036854775000", "3155760001"}) {
    EXPECT_EQ(Error(OneJob(absl::StrCat("gpu_hours: 5\nsubmit_seconds: ", t))),
              absl::StrCat("bad.textproto:7:1: job \"j\": field submit_seconds must be in "
                           "[0, 3155760000] (100 years), got ",
                           t));
  }
  EXPECT_TRUE(LoadPlanText(OneJob("gpu_hours: 5\nsubmit_seconds: 3155760000"), "t").ok());
}

// Defect 6: nodes: 0 is refused, not the default cluster; so are GPU models
// and clusters beyond the bounds every sum is sized for.
TEST(BadPlans, ZeroNodesAndHugeClustersAreRefused) {
  EXPECT_EQ(Error("cluster { nodes: 0 }\njobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }"),
            "bad.textproto:1:11: cluster: field nodes must be in [1, 1000000], got 0");
  EXPECT_EQ(
      Error("gpu_models { name: \"X\" gpus_per_node: 4096 }\ncluster { gpu: \"X\" nodes: 1 }\n"
            "jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }"),
      "bad.textproto:1:1: GPU model \"X\": field gpus_per_node must be in [1, 1024], got 4096");
  EXPECT_EQ(
      Error("gpu_models { name: \"X\" gpus_per_node: 1024 }\ncluster { gpu: \"X\" nodes: 10000 }\n"
            "jobs { id: \"a\" phase: RL gpus: 1024 gpu_hours: 1 }"),
      "bad.textproto:2:20: cluster: 10000 nodes (and spares) of 1024 GPUs is more than "
      "10000000 GPUs");
  // Unset, the default cluster's nodes.
  EXPECT_EQ(LoadPlanText("jobs { id: \"a\" phase: RL gpus: 8 gpu_hours: 1 }", "t")->nodes,
            BuiltinDefaults().cluster().nodes());
}

// Defect 12: huge work is "more than 100 years", never "under one second".
TEST(BadPlans, HugeWorkIsNamedAsTooLong) {
  for (const char* work : {"gpu_hours: 1e16", "wall_clock_hours: 1e300", "wall_clock_hours: 1e308",
                           "token_rate { tokens: 1e24 gpu_hours_per_trillion_tokens: 180000 }",
                           "flops { tokens: 1e30 flops_per_token: 1e12 mfu: 0.4 }"}) {
    EXPECT_EQ(Error(OneJob(work)),
              "bad.textproto:6:1: job \"j\": the work takes more than 100 years on 8 GPUs")
        << work;
  }
}

// Issue 11, defect 5: names that are a report's own rows, and control
// characters, are refused by field.
TEST(BadPlans, ReservedNamesAndControlCharactersAreRefused) {
  for (const char* name : {"idle", "total", "down", "all jobs", "Total", "IDLE"}) {
    EXPECT_EQ(
        Error(absl::StrCat("jobs { id: \"", name, "\" phase: RL gpus: 8 gpu_hours: 1 }")),
        absl::StrCat(
            "bad.textproto:1:8: job #1: field id: \"", name,
            "\" is the name of a report's own row (idle, down, total, all jobs, unused term); "
            "choose another"));
  }
  EXPECT_EQ(Error("jobs { id: \"a\" project: \"total\" phase: RL gpus: 8 gpu_hours: 1 }"),
            "bad.textproto:1:16: job \"a\": field project: \"total\" is the name of a report's own "
            "row (idle, down, total, all jobs, unused term); choose another");
  EXPECT_EQ(Error("jobs { id: \"a\\nb\" phase: RL gpus: 8 gpu_hours: 1 }"),
            "bad.textproto:1:8: job #1: field id: \"a\\nb\" holds a control character (0x0a)");
  EXPECT_FALSE(LoadPlanText("jobs { id: \" idle\" phase: RL gpus: 8 gpu_hours: 1 }", "t").ok());
  EXPECT_FALSE(LoadPlanText("jobs { id: \"a\\302\\205b\" phase: RL gpus: 8 gpu_hours: 1 }", "t")
                   .ok());  // U+0085
  EXPECT_TRUE(
      LoadPlanText("jobs { id: \"idle-eval\" project: \"totals\" phase: RL gpus: 8 gpu_hours: 1 }",
                   "t")
          .ok());
}

// Issue 11, defect 14: the phase hint lists the names a plan may use, all of them.
TEST(BadPlans, PhaseHintsListTheSchemasNames) {
  const std::string all =
      "PRETRAIN, CONTEXT_EXTENSION, SFT, RL, EVAL, DATA, OTHER, DEBUG, ABLATION";
  std::vector<std::string> names;
  for (int v = 0; v < v1::Phase_descriptor()->value_count(); ++v) {
    if (v1::Phase_descriptor()->value(v)->number() != 0)
      names.push_back(v1::Phase_descriptor()->value(v)->name());
  }
  EXPECT_EQ(absl::StrJoin(names, ", "), all);  // every phase, in the schema's order
  EXPECT_EQ(Error("jobs { id: \"a\" gpus: 8 gpu_hours: 1 }"),
            "bad.textproto:1:1: job \"a\": field phase is missing (one of: " + all + ")");
  EXPECT_EQ(Error("jobs { id: \"a\" phase: pretrain gpus: 8 gpu_hours: 1 }"),
            "bad.textproto:1:32: Unknown enumeration value of \"pretrain\" for field \"phase\" "
            "(one of: " +
                all + ")");
  // Every name in the hint is accepted.
  for (const std::string& name : names) {
    EXPECT_TRUE(
        LoadPlanText("jobs { id: \"a\" phase: " + name + " gpus: 8 gpu_hours: 1 }", "t").ok())
        << name;
  }
}

// From the review: enum values by number must be ones the schema names.
TEST(BadPlans, UnknownEnumNumbersAreRefused) {
  EXPECT_TRUE(absl::StartsWith(
      Error("jobs { id: \"a\" phase: 99 gpus: 8 gpu_hours: 5 }"),
      "bad.textproto:1:16: job \"a\": field phase is unknown (99) (one of: PRETRAIN"))
      << Error("jobs { id: \"a\" phase: 99 gpus: 8 gpu_hours: 5 }");
  EXPECT_EQ(Error(OneJob("flops { tokens: 1e12 flops_per_token: 1e9 mfu: 0.4 precision: 7 }")),
            "bad.textproto:6:1: job \"j\": field flops.precision: unknown value 7");
}

TEST(BadPlans, MissingFile) {
  absl::StatusOr<Workload> w = LoadPlanFile("/nonexistent/plan.textproto");
  EXPECT_EQ(w.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(w.status().message().find("/nonexistent/plan.textproto"), absl::string_view::npos);
}

}  // namespace
}  // namespace gpuledger::traces

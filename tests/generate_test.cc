// Generated traces: the kalos preset lands on Kalos's published figures
// after a replay on a cluster of its size; the same seed gives the same
// bytes; CSV and JSON Lines carry the same jobs.
#include <algorithm>
#include <map>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ledger/store.h"
#include "replay/replay.h"
#include "tests/temp_dir.h"
#include "traces/generate.h"
#include "traces/jobtrace.h"

namespace gpuledger::traces {
namespace {

class GenerateTest : public testing::TempDirTest {};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// ../shared/data/acme_cluster_summary.csv, Kalos row (Hu et al., NSDI 2024):
// avg_gpu_num 26.77, avg_run_time_gpu 1259.689 s, med_run_time_gpu 124 s,
// complete/cancel/fail rates 0.541/0.062/0.397. The test owns these figures
// (CI has no ../shared); the preset is calibrated to them, the code does not
// know them.
// Queue time (avg_que_time_gpu, med_que_time_gpu): 214.179 s and 17 s.
// Seren's row: 5.68, 1414.335 s, 122 s, 0.497/0.075/0.429; 445.984 s and 1 s.
struct Target {
  const char* preset;
  int cluster_gpus;
  double mean_gpus, mean_run, median_run, completed, cancelled, failed, mean_wait, median_wait;
};
constexpr Target kTargets[] = {
    {"kalos", 2416, 26.77, 1259.689, 124, 0.541, 0.062, 0.397, 214.179, 17},
    {"seren", 2288, 5.68, 1414.335, 122, 0.497, 0.075, 0.429, 445.984, 1},
};

class PresetTest : public GenerateTest, public ::testing::WithParamInterface<Target> {};

TEST_P(PresetTest, LandsOnItsClusterAfterAReplay) {
  const Target& target = GetParam();
  const double kMeanGpus = target.mean_gpus, kMeanRun = target.mean_run,
               kMedianRun = target.median_run, kCompleted = target.completed,
               kCancelled = target.cancelled, kFailed = target.failed;
  auto preset = LoadGeneratorPreset(target.preset);
  ASSERT_TRUE(preset.ok()) << preset.status();
  GenerateOptions o;
  o.jobs = 20000;
  o.seed = 1;
  const std::string path = Path(std::string(target.preset) + ".csv.gz");
  ASSERT_TRUE(GenerateTraceFile(*preset, o, path).ok());
  auto w = LoadJobTraceFile(path, {});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->total_gpus(), target.cluster_gpus);  // Kalos 302, Seren 286 nodes x 8
  auto l = ledger::Ledger::Open(Path("l.sqlite"));
  ASSERT_TRUE(l.ok());
  auto r = replay::ReplayWorkload(*w, **l, 0, {scheduler::Policy::kEasy});
  ASSERT_TRUE(r.ok()) << r.status();
  // The replayed jobs, as the ledger has them.
  auto jobs = (*l)->ListJobs(r->run_id);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 20000u);
  double gpus = 0, run = 0;
  std::vector<int64_t> runs;
  for (const auto& j : *jobs) {
    gpus += j.gpus;
    run += static_cast<double>(j.run_seconds);
    runs.push_back(j.run_seconds);
    EXPECT_GE(j.ended, 0) << j.job_id;
  }
  std::sort(runs.begin(), runs.end());
  const double n = static_cast<double>(jobs->size());
  EXPECT_NEAR(gpus / n, kMeanGpus, 0.15 * kMeanGpus);
  EXPECT_NEAR(run / n, kMeanRun, 0.15 * kMeanRun);
  EXPECT_NEAR(static_cast<double>(runs[runs.size() / 2]), kMedianRun, 0.25 * kMedianRun);
  const auto& status = r->metrics.jobs_by_status();
  EXPECT_NEAR(status.at("completed") / n, kCompleted, 0.05);
  EXPECT_NEAR(status.at("cancelled") / n, kCancelled, 0.05);
  EXPECT_NEAR(status.at("failed") / n, kFailed, 0.05);
  // Queueing under easy, the policy docs/traces.md names: counted from each
  // job's submission, so the dispatch delay is in it (issue 11, defect 25).
  EXPECT_NEAR(r->metrics.wait_mean_seconds(), target.mean_wait, 0.25 * target.mean_wait);
  EXPECT_NEAR(r->metrics.wait_median_seconds(), target.median_wait, 0.25 * target.median_wait);
}

INSTANTIATE_TEST_SUITE_P(Acme, PresetTest, ::testing::ValuesIn(kTargets),
                         [](const auto& info) { return std::string(info.param.preset); });

TEST_F(GenerateTest, SameSeedSameBytesAndBothFormatsCarryTheSameJobs) {
  auto preset = LoadGeneratorPreset("kalos");
  ASSERT_TRUE(preset.ok());
  GenerateOptions o;
  o.jobs = 2000;
  o.seed = 7;
  ASSERT_TRUE(GenerateTraceFile(*preset, o, Path("a.csv")).ok());
  ASSERT_TRUE(GenerateTraceFile(*preset, o, Path("b.csv")).ok());
  EXPECT_EQ(Slurp(Path("a.csv")), Slurp(Path("b.csv")));
  o.seed = 8;
  ASSERT_TRUE(GenerateTraceFile(*preset, o, Path("c.csv")).ok());
  EXPECT_NE(Slurp(Path("a.csv")), Slurp(Path("c.csv")));
  o.seed = 7;
  o.json = true;
  ASSERT_TRUE(GenerateTraceFile(*preset, o, Path("a.jsonl")).ok());
  auto csv = LoadJobTraceFile(Path("a.csv"), {});
  auto json = LoadJobTraceFile(Path("a.jsonl"), {});
  ASSERT_TRUE(csv.ok() && json.ok());
  ASSERT_EQ(csv->jobs.size(), json->jobs.size());
  for (size_t i = 0; i < csv->jobs.size(); ++i) {
    EXPECT_EQ(csv->jobs[i].id, json->jobs[i].id);
    EXPECT_EQ(csv->jobs[i].gpus, json->jobs[i].gpus);
    EXPECT_EQ(csv->jobs[i].run_seconds, json->jobs[i].run_seconds);
    EXPECT_EQ(csv->jobs[i].submit_seconds, json->jobs[i].submit_seconds);
    EXPECT_EQ(csv->jobs[i].status, json->jobs[i].status);
  }
  // Submissions come in order and every job fits the cluster.
  for (size_t i = 1; i < csv->jobs.size(); ++i) {
    EXPECT_LE(csv->jobs[i - 1].submit_seconds, csv->jobs[i].submit_seconds);
  }
  EXPECT_TRUE(csv->skipped.empty());
}

// Campaign presets: training runs spawn evaluations of their checkpoints,
// submitted every spawn_every_seconds of their run while it lasts.
TEST_F(GenerateTest, CampaignRunsSpawnTheirEvaluations) {
  for (const char* name : {"pretrain-campaign", "rl-campaign"}) {
    auto preset = LoadGeneratorPreset(name);
    ASSERT_TRUE(preset.ok()) << preset.status();
    std::map<std::string, double> every;  // by type
    for (const auto& t : preset->types()) every[t.type()] = t.spawn_every_seconds();
    GenerateOptions o;
    o.jobs = 3000;
    o.seed = 3;
    const std::string path = Path(std::string(name) + ".csv");
    ASSERT_TRUE(GenerateTraceFile(*preset, o, path).ok());
    auto w = LoadJobTraceFile(path, {});
    ASSERT_TRUE(w.ok()) << w.status();
    ASSERT_EQ(w->jobs.size(), 3000u);
    std::map<std::string, const PlanJob*> by_id;
    for (const auto& j : w->jobs) by_id[j.id] = &j;
    int children = 0;
    for (const auto& j : w->jobs) {
      const size_t dot = j.id.find('.');
      if (dot == std::string::npos) continue;
      const PlanJob* parent = by_id.at(j.id.substr(0, dot));
      const int64_t k = std::stoll(j.id.substr(dot + 1));
      EXPECT_EQ(j.submit_seconds,
                parent->submit_seconds + std::llround(k * every.at(PhaseName(parent->phase))))
          << j.id;
      EXPECT_LT(j.submit_seconds, parent->submit_seconds + parent->run_seconds) << j.id;
      EXPECT_EQ(j.phase, v1::EVAL) << j.id;
      ++children;
    }
    EXPECT_GT(children, 10) << name;
  }
}

// A generated trace replays under every policy; every job, however it
// ended, is charged for what it held.
TEST_F(GenerateTest, GeneratedTracesReplayUnderEveryPolicy) {
  auto preset = LoadGeneratorPreset("kalos");
  ASSERT_TRUE(preset.ok());
  GenerateOptions o;
  o.jobs = 3000;
  o.seed = 5;
  ASSERT_TRUE(GenerateTraceFile(*preset, o, Path("k.jsonl.gz")).ok());
  auto w = LoadJobTraceFile(Path("k.jsonl.gz"), {});
  ASSERT_TRUE(w.ok()) << w.status();
  int64_t held = 0;
  for (const auto& j : w->jobs) held += static_cast<int64_t>(j.gpus) * j.run_seconds;
  for (auto policy : {scheduler::Policy::kFcfs, scheduler::Policy::kEasy,
                      scheduler::Policy::kConservative, scheduler::Policy::kPriority}) {
    auto l =
        ledger::Ledger::Open(Path(std::string("l_") + scheduler::PolicyName(policy) + ".sqlite"));
    ASSERT_TRUE(l.ok());
    auto r = replay::ReplayWorkload(*w, **l, 0, {policy});
    ASSERT_TRUE(r.ok()) << scheduler::PolicyName(policy) << ": " << r.status();
    EXPECT_EQ(r->summary.jobs_completed, 3000) << scheduler::PolicyName(policy);
    EXPECT_EQ(r->summary.busy_gpu_seconds, held) << scheduler::PolicyName(policy);
    EXPECT_EQ(r->summary.busy_gpu_seconds + r->summary.idle_gpu_seconds,
              (r->summary.end - r->summary.start) * 2416)
        << scheduler::PolicyName(policy);
  }
}

// A trace's eligible_seconds: the scheduler sees the job from then, and its
// wait counts from its submission.
TEST_F(GenerateTest, AJobQueuesFromItsEligibleTimeAndWaitsFromItsSubmission) {
  const std::string path = Path("e.csv");
  // One 8-GPU node. Without the delay, a would start at 0 and b at 100.
  std::ofstream(path) << "# cluster_gpus: 8\nid,submit_seconds,gpus,run_seconds,eligible_seconds\n"
                         "a,0,8,100,50\nb,10,8,10,0\n";
  auto w = LoadJobTraceFile(path, {});
  ASSERT_TRUE(w.ok()) << w.status();
  auto l = ledger::Ledger::Open(Path("l.sqlite"));
  ASSERT_TRUE(l.ok());
  auto r = replay::ReplayWorkload(*w, **l, 0, {scheduler::Policy::kFcfs});
  ASSERT_TRUE(r.ok()) << r.status();
  auto jobs = (*l)->ListJobs(r->run_id);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].job_id, "a");
  EXPECT_EQ((*jobs)[0].submit, 0);
  EXPECT_EQ((*jobs)[0].started, 50);
  EXPECT_EQ((*jobs)[1].started, 10);
  EXPECT_DOUBLE_EQ(r->metrics.wait_mean_seconds(), 25);  // a waited 50 s, b none
  EXPECT_EQ(r->metrics.makespan_seconds(), 150);         // from the first submission
}

// Only presets with a dispatch model write the column (and draw for it).
TEST_F(GenerateTest, DispatchDelaysAreWrittenAsEligibleTimes) {
  GenerateOptions o;
  o.jobs = 2000;
  o.seed = 3;
  ASSERT_TRUE(GenerateTraceFile(*LoadGeneratorPreset("seren"), o, Path("s.csv")).ok());
  ASSERT_TRUE(GenerateTraceFile(*LoadGeneratorPreset("rl-campaign"), o, Path("r.csv")).ok());
  EXPECT_EQ(Slurp(Path("r.csv")).find("eligible_seconds"), std::string::npos);
  auto w = LoadJobTraceFile(Path("s.csv"), {});
  ASSERT_TRUE(w.ok()) << w.status();
  int64_t at_once = 0, held = 0;
  for (const auto& j : w->jobs) {
    EXPECT_GE(j.eligible_seconds, j.submit_seconds + 1) << j.id;  // dispatch_seconds: 1
    (j.eligible_seconds == j.submit_seconds + 1 ? at_once : held) += 1;
  }
  // held_share 0.2 (a held draw can round to no extra second, rarely).
  EXPECT_NEAR(static_cast<double>(held) / static_cast<double>(w->jobs.size()), 0.2, 0.03);
  const std::string bad = Path("p.textproto");
  std::ofstream(bad)
      << "name: \"x\" gpu: \"A100\" cluster_gpus: 16 jobs_per_day: 10 max_run_seconds: 100\n"
         "held_share: 1.5\n"
         "types { type: \"a\" share: 1 size_weights: [1] run_median_seconds: 9 }\n";
  EXPECT_EQ(LoadGeneratorPreset(bad).status().message(),
            bad + ":2:1: field held_share: must be in [0, 1]");
  // Arrivals so sparse (or delays so long) that a job would pass the 100
  // years a trace may state: refused, nothing written (replay would refuse
  // the file).
  const std::string slow = Path("slow.textproto");
  std::ofstream(slow) << "name: \"slow\" gpu: \"A100\" cluster_gpus: 16 jobs_per_day: 0.00003 "
                         "max_run_seconds: 100 dispatch_seconds: 2592000\n"
                         "types { type: \"a\" share: 1 size_weights: [1] run_median_seconds: 9 "
                         "completed_share: 1 }\n";
  GenerateOptions few;
  few.jobs = 5;
  few.seed = 1;
  auto slow_preset = LoadGeneratorPreset(slow);
  ASSERT_TRUE(slow_preset.ok()) << slow_preset.status();
  const absl::Status s = GenerateTraceFile(*slow_preset, few, Path("slow.csv"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "past the 100 years (3155760000 s) a trace may state"))
      << s;
  EXPECT_FALSE(std::ifstream(Path("slow.csv")).good());
}

TEST_F(GenerateTest, BadPresetsNameTheField) {
  const std::string path = Path("p.textproto");
  std::ofstream(path)
      << "name: \"x\" gpu: \"A100\" cluster_gpus: 16 jobs_per_day: 10 max_run_seconds: 100\n"
         "types { type: \"a\" share: 1 size_weights: [1] run_median_seconds: 0 }\n";
  EXPECT_EQ(LoadGeneratorPreset(path).status().message(),
            path +
                ":2:1: field types: type \"a\": run_median_seconds must be positive, run_sigma in "
                "[0, 10]");
  EXPECT_EQ(LoadGeneratorPreset("nope").status().code(), absl::StatusCode::kNotFound);
  GenerateOptions o;
  o.jobs = 10;
  o.cluster_gpus = 100;
  EXPECT_EQ(GenerateTraceFile(*LoadGeneratorPreset("kalos"), o, Path("x.csv")).message(),
            "--cluster-gpus: 100 is not a whole number of 8-GPU A100 nodes");
  EXPECT_FALSE(std::ifstream(Path("x.csv")).good());  // nothing written
}

}  // namespace
}  // namespace gpuledger::traces

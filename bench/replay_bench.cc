// Replays a synthetic trace on a 16,384-GPU cluster (2,048 nodes of 8) into
// a SQLite ledger and reports wall-clock time, jobs per second and peak
// memory. Run by bench/run.sh, which keeps each configuration in its own
// process so peak memory is per configuration.
//
// The trace: Poisson arrivals; sizes a power of two from 1 to 1,024 GPUs,
// log-uniform (each power equally likely); run times log-normal around a
// median of 30 minutes (sigma 1.5), capped at 7 days; the arrival rate is set
// so the offered load (GPU-seconds asked per GPU-second of capacity) is
// --load. Seeded, so every run replays the same trace.
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include <CLI/CLI.hpp>

#include "ledger/store.h"
#include "replay/replay.h"
#include "scheduler/simulator.h"
#include "traces/plan.h"
#include "traces/swf.h"

namespace {

using gpuledger::traces::PlanJob;
using gpuledger::traces::Workload;

Workload Synthetic(int jobs, double load, uint64_t seed) {
  Workload w;
  w.name = "synthetic";
  w.source = "bench";
  w.sha256 = std::string(64, '0');
  const auto& defaults = gpuledger::traces::BuiltinDefaults();
  w.gpu = defaults.gpu_models(0);
  w.gpu.set_gpus_per_node(8);
  w.nodes = 2048;
  w.pricing = defaults.pricing();
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> power(0, 10);
  std::lognormal_distribution<double> run(std::log(1800.0), 1.5);
  // Mean work per job, to set the arrival rate for the offered load.
  const double mean_gpus = (std::pow(2.0, 11) - 1) / 11.0;
  const double mean_run = 1800.0 * std::exp(1.5 * 1.5 / 2);
  const double mean_gap = mean_gpus * mean_run / (load * w.total_gpus());
  std::exponential_distribution<double> gap(1.0 / mean_gap);
  double t = 0;
  w.jobs.reserve(jobs);
  for (int i = 0; i < jobs; ++i) {
    PlanJob j;
    j.id = std::to_string(i + 1);
    j.phase = gpuledger::v1::OTHER;
    j.project = "bench";
    j.gpus = 1 << power(rng);
    j.run_seconds = std::max<int64_t>(1, std::min<int64_t>(std::llround(run(rng)), 7 * 86400));
    j.submit_seconds = std::llround(t);
    t += gap(rng);
    w.jobs.push_back(std::move(j));
  }
  return w;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gpuledger replay benchmark"};
  int jobs = 10000;
  double load = 0.9;
  std::string policy = "easy";
  std::string ledger_path = "/tmp/gpuledger_bench.sqlite";
  uint64_t seed = 1;
  app.add_option("--jobs", jobs)->capture_default_str();
  app.add_option("--load", load, "offered load")->capture_default_str();
  app.add_option("--policy", policy)->capture_default_str();
  app.add_option("--ledger", ledger_path)->capture_default_str();
  app.add_option("--seed", seed)->capture_default_str();
  bool no_ledger = false;
  app.add_flag("--no-ledger", no_ledger, "simulate only: the scheduler's own cost");
  std::string swf;
  app.add_option("--swf", swf, "replay this SWF trace (one GPU per processor) instead");
  CLI11_PARSE(app, argc, argv);

  const auto t0 = std::chrono::steady_clock::now();
  Workload w;
  if (swf.empty()) {
    w = Synthetic(jobs, load, seed);
  } else {
    auto loaded = gpuledger::traces::LoadSwfFile(swf, {});
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", std::string(loaded.status().message()).c_str());
      return 2;
    }
    w = *std::move(loaded);
    jobs = static_cast<int>(w.jobs.size());
  }
  const auto t1 = std::chrono::steady_clock::now();
  if (no_ledger) {
    gpuledger::scheduler::NullSink null;
    auto p = gpuledger::scheduler::ParsePolicy(policy);
    if (!p.ok()) return 2;
    std::vector<gpuledger::scheduler::JobSpec> specs = gpuledger::replay::ToJobSpecs(w);
    const auto t2 = std::chrono::steady_clock::now();
    gpuledger::scheduler::SchedulerOptions o{*p, -1};
    o.place_nodes = gpuledger::replay::NodesMatter(w, o);  // as gpuledger replay does
    auto s = gpuledger::scheduler::Simulate({w.nodes, static_cast<int>(w.gpu.gpus_per_node()), 0},
                                            std::move(specs), o, &null);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t2).count();
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    // policy,jobs,load,simulate-only,simulate_s,jobs_per_s,peak_rss_mib,load_s,specs_s
    std::printf("%s,%d,%.2f,simulate-only,%.3f,%.0f,%.1f,%.3f,%.3f\n", policy.c_str(), jobs, load,
                secs, jobs / secs, ru.ru_maxrss / 1024.0,
                std::chrono::duration<double>(t1 - t0).count(),
                std::chrono::duration<double>(t2 - t1).count());
    return s.ok() ? 0 : 2;
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(ledger_path + suffix);
  auto l = gpuledger::ledger::Ledger::Open(ledger_path);
  if (!l.ok()) {
    std::fprintf(stderr, "%s\n", std::string(l.status().message()).c_str());
    return 2;
  }
  auto p = gpuledger::scheduler::ParsePolicy(policy);
  if (!p.ok()) return 2;
  auto r = gpuledger::replay::ReplayWorkload(std::move(w), **l, 0, {*p, -1});
  const auto t2 = std::chrono::steady_clock::now();
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", std::string(r.status().message()).c_str());
    return 2;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double gen = std::chrono::duration<double>(t1 - t0).count();
  const double replay = std::chrono::duration<double>(t2 - t1).count();
  // policy,jobs,load,generate_s,replay_s,jobs_per_s,peak_rss_mib,utilization,mean_wait_s
  std::printf("%s,%d,%.2f,%.3f,%.3f,%.0f,%.1f,%.4f,%.0f\n", policy.c_str(), jobs, load, gen, replay,
              jobs / replay, ru.ru_maxrss / 1024.0, r->metrics.utilization(),
              r->metrics.wait_mean_seconds());
  return 0;
}

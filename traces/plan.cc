#include "traces/plan.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "pricing/curve.h"
#include "pricing/rates.h"
#include "traces/failures.h"
#include "traces/jobtrace.h"
#include "traces/pricing.h"
#include "base/calendar.h"
#include "base/sha256.h"
#include "traces/swf.h"
#include "traces/textproto.h"

namespace gpuledger::traces {
namespace {

namespace pb = google::protobuf;
using gpuledger::v1::Defaults;
using gpuledger::v1::Job;
using gpuledger::v1::Plan;

// Longest run a job may have (kMaxSeconds, 100 years), as a double for the
// checks made before converting to integers.
constexpr double kMaxRunSeconds = static_cast<double>(kMaxSeconds);

absl::Status Invalid(absl::string_view where, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
}

// Interruptions expected while a job does the work between two saves: above
// this it would almost never get through (about e^5 = 150 tries each).
constexpr double kMaxInterruptionsPerSave = 5;

// "900s", "45m", "1.5h" as seconds; false if not a positive duration.
bool ParseDuration(absl::string_view text, int64_t* seconds) {
  if (text.size() < 2) return false;
  const char unit = text.back();
  const double scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 0;
  if (scale == 0) return false;
  const std::string number(text.substr(0, text.size() - 1));
  char* end = nullptr;
  const double v = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !(v > 0) || v * scale > kMaxRunSeconds) return false;
  *seconds = std::max<int64_t>(1, std::llround(v * scale));
  return true;
}

// A checkpoint block as (interval or kAutoCheckpoint, write seconds).
absl::Status ParseCheckpoint(const v1::Checkpoint& c, const std::string& who, const std::string& at,
                             PlanJob* job) {
  if (!(c.write_seconds() >= 0) || c.write_seconds() > kMaxRunSeconds) {
    return Invalid(at, who + ": field checkpoint.write_seconds must not be negative");
  }
  job->checkpoint_write_seconds = std::llround(c.write_seconds());
  if (c.interval().empty()) {
    if (c.write_seconds() > 0) {
      return Invalid(at, who +
                             ": field checkpoint.interval is missing (\"auto\" or a duration "
                             "such as \"45m\")");
    }
    return absl::OkStatus();
  }
  if (c.interval() == "auto") {
    if (!(c.write_seconds() >= 0.5)) {
      return Invalid(at, who +
                             ": field checkpoint.interval \"auto\" needs write_seconds of at "
                             "least 1 (whole seconds; the Young/Daly interval grows with the "
                             "write cost)");
    }
    job->checkpoint_seconds = kAutoCheckpoint;
    return absl::OkStatus();
  }
  if (!ParseDuration(c.interval(), &job->checkpoint_seconds)) {
    return Invalid(at, absl::StrCat(who, ": field checkpoint.interval: \"", c.interval(),
                                    "\" is neither \"auto\" nor a positive duration such as "
                                    "\"900s\", \"45m\" or \"1.5h\""));
  }
  return absl::OkStatus();
}

// With failures on, a job must save often enough to get through: `auto`
// needs a failure model, and the work between saves (the whole run without
// checkpoints) must not expect more than kMaxInterruptionsPerSave
// interruptions at the model's rate on the job's whole nodes.
absl::Status CheckCheckpointsAgainstFailures(const std::optional<v1::FailureModelSpec>& model,
                                             int per_node, const PlanJob& j,
                                             const std::string& who, const std::string& at) {
  if (!model) {
    if (j.checkpoint_seconds == kAutoCheckpoint) {
      return Invalid(at, who +
                             ": field checkpoint.interval \"auto\" needs a failure model "
                             "(cluster.failure_model or cluster.failures)");
    }
    return absl::OkStatus();
  }
  const double gpus = static_cast<double>((j.gpus + per_node - 1) / per_node * per_node);
  double per_hour = PerGpuHour(model->unexpected());
  if (model->has_planned()) per_hour += PerGpuHour(model->planned());
  const double per_second = per_hour * gpus / 3600.0;
  if (per_second <= 0) return absl::OkStatus();
  const double mtbf = 1.0 / per_second;
  double unit = static_cast<double>(j.run_seconds);  // no checkpoints: all of it
  if (j.checkpoint_seconds == kAutoCheckpoint) {
    unit = std::sqrt(2.0 * static_cast<double>(j.checkpoint_write_seconds) * mtbf) +
           static_cast<double>(j.checkpoint_write_seconds);
  } else if (j.checkpoint_seconds > 0) {
    unit = static_cast<double>(std::min(j.checkpoint_seconds, j.run_seconds) +
                               j.checkpoint_write_seconds);
  }
  if (unit * per_second > kMaxInterruptionsPerSave) {
    return Invalid(at, absl::StrFormat(
                           "%s: field checkpoint: its %d GPUs fail about every %.1f hours, so %.1f "
                           "hours of work between saves would almost never get through; checkpoint "
                           "more often (interval \"auto\" or a shorter duration)",
                           who, j.gpus, mtbf / 3600, unit / 3600));
  }
  return absl::OkStatus();
}

// A work figure of a job: positive and finite, else an error at `at`.
absl::Status CheckPositive(double v, absl::string_view name, const std::string& who,
                           const std::string& at) {
  if (!(v > 0) || !std::isfinite(v)) {
    return Invalid(
        at, absl::StrCat(who, ": field ", name, " must be a positive finite number, got ", v));
  }
  return absl::OkStatus();
}

// A FLOPs budget's run time on `gpus` GPUs of `gpu` at the job's MFU,
// seconds (rounded up); errors point at `at`.
absl::StatusOr<double> FlopsRunSeconds(const v1::FlopsBudget& f, const v1::GpuModel& gpu,
                                       double gpus, const std::string& who, const std::string& at) {
  auto positive = [&](double v, absl::string_view name) { return CheckPositive(v, name, who, at); };
  if (auto s = positive(f.tokens(), "flops.tokens"); !s.ok()) return s;
  if (auto s = positive(f.flops_per_token(), "flops.flops_per_token"); !s.ok()) return s;
  if (auto s = positive(f.mfu(), "flops.mfu"); !s.ok()) return s;
  if (f.mfu() > 1) {
    return Invalid(at, absl::StrCat(who, ": field flops.mfu must be at most 1, got ", f.mfu()));
  }
  if (!v1::Precision_IsValid(f.precision())) {
    return Invalid(at, absl::StrCat(who, ": field flops.precision: unknown value ", f.precision()));
  }
  const bool fp8 = f.precision() == v1::FP8;
  const double peak_tflops = fp8 ? gpu.peak_fp8_tflops() : gpu.peak_bf16_tflops();
  if (!(peak_tflops > 0)) {
    return Invalid(at, absl::StrCat(who, ": GPU model \"", gpu.name(), "\" has no ",
                                    fp8 ? "peak_fp8_tflops" : "peak_bf16_tflops"));
  }
  double mfu = f.mfu();
  if (auto it = f.mfu_by_model().find(gpu.name()); it != f.mfu_by_model().end()) {
    mfu = it->second;
    if (!(mfu > 0 && mfu <= 1)) {
      return Invalid(at, absl::StrCat(who, ": field flops.mfu_by_model[\"", gpu.name(),
                                      "\"] must be in (0, 1], got ", mfu));
    }
  }
  const double flops_per_second = gpus * peak_tflops * 1e12 * mfu;
  return std::ceil(f.tokens() * f.flops_per_token() / flops_per_second);
}

// Validates one job and converts its work to run seconds. `where(field)`
// gives the position of a field of this job.
template <typename Where>
absl::StatusOr<int64_t> RunSeconds(const Job& job, const v1::GpuModel& gpu, const std::string& who,
                                   Where where, double factor = 1) {
  int ways = 0;
  std::vector<std::string> given;
  if (job.has_gpu_hours()) given.push_back("gpu_hours");
  if (job.has_wall_clock_hours()) given.push_back("wall_clock_hours");
  if (job.has_token_rate()) given.push_back("token_rate");
  if (job.has_flops()) given.push_back("flops");
  ways = static_cast<int>(given.size());
  if (ways == 0) {
    return Invalid(where(""), absl::StrCat(who,
                                           ": no work given; set one of "
                                           "gpu_hours, wall_clock_hours, "
                                           "token_rate, flops"));
  }
  if (ways > 1) {
    return Invalid(where(given[1]), absl::StrCat(who, ": fields ", absl::StrJoin(given, " and "),
                                                 " both give the work; set only one"));
  }
  const double gpus = job.gpus();
  double run = 0;
  std::string field = given[0];
  auto positive = [&](double v, absl::string_view name) {
    return CheckPositive(v, name, who, where(field));
  };
  // GPU-seconds are rounded to whole seconds first, then spread over the
  // job's GPUs; a job holds its GPUs for whole seconds, so round up.
  auto from_gpu_hours = [&](double gpu_hours) {
    // In doubles: a huge figure stays huge (and is refused below as more
    // than 100 years) instead of wrapping when converted to an integer.
    const double gpu_seconds = std::round(gpu_hours * 3600.0);
    return std::ceil(gpu_seconds / gpus / factor);
  };
  if (job.has_gpu_hours()) {
    if (auto s = positive(job.gpu_hours(), "gpu_hours"); !s.ok()) return s;
    run = from_gpu_hours(job.gpu_hours());
  } else if (job.has_wall_clock_hours()) {
    if (auto s = positive(job.wall_clock_hours(), "wall_clock_hours"); !s.ok()) return s;
    run = factor == 1 ? std::round(job.wall_clock_hours() * 3600.0)
                      : std::ceil(job.wall_clock_hours() * 3600.0 / factor);
  } else if (job.has_token_rate()) {
    const auto& t = job.token_rate();
    if (auto s = positive(t.tokens(), "token_rate.tokens"); !s.ok()) return s;
    if (auto s =
            positive(t.gpu_hours_per_trillion_tokens(), "token_rate.gpu_hours_per_trillion_tokens");
        !s.ok()) {
      return s;
    }
    run = from_gpu_hours(t.tokens() / 1e12 * t.gpu_hours_per_trillion_tokens());
  } else {
    absl::StatusOr<double> f = FlopsRunSeconds(job.flops(), gpu, gpus, who, where(field));
    if (!f.ok()) return f.status();
    run = *f;
  }
  if (run > kMaxRunSeconds) {
    return Invalid(where(field), absl::StrCat(who,
                                              ": the work takes more than "
                                              "100 years on ",
                                              job.gpus(), " GPUs"));
  }
  if (run < 1) {
    return Invalid(where(field),
                   absl::StrCat(who, ": the work is under one second on ", job.gpus(), " GPUs"));
  }
  return static_cast<int64_t>(run);
}

absl::Status CheckGpuModel(const v1::GpuModel& m, absl::string_view where) {
  const std::string who = absl::StrCat("GPU model \"", m.name(), "\"");
  if (m.name().empty()) return Invalid(where, "GPU model without a name");
  if (m.gpus_per_node() <= 0 || m.gpus_per_node() > kMaxGpusPerNode) {
    return Invalid(where, absl::StrCat(who, ": field gpus_per_node must be in [1, ",
                                       kMaxGpusPerNode, "], got ", m.gpus_per_node()));
  }
  // 100 kW per GPU and 1e9 TFLOPS: far above any part (a B200 draws 1 kW
  // and peaks at 4,500 dense FP8 TFLOPS), and they keep energy rates and run
  // times within their integers.
  for (const auto& [name, v, hi] :
       {std::tuple<const char*, double, double>{"tdp_watts", m.tdp_watts(), 1e5},
        {"peak_bf16_tflops", m.peak_bf16_tflops(), 1e9},
        {"peak_fp8_tflops", m.peak_fp8_tflops(), 1e9},
        // 1 PB of memory at 1 PB/s: far above any part (a GB200 holds 186 GB).
        {"hbm_gb", m.hbm_gb(), 1e6},
        {"hbm_tb_per_s", m.hbm_tb_per_s(), 1e3}}) {
    if (!std::isfinite(v) || v > hi) {
      return Invalid(where,
                     absl::StrCat(who, ": field ", name, " must be at most ", hi, ", got ", v));
    }
  }
  if (m.tdp_watts() < 0 || m.peak_bf16_tflops() < 0 || m.peak_fp8_tflops() < 0 ||
      m.hbm_gb() < 0 || m.hbm_tb_per_s() < 0) {
    return Invalid(where, who + ": tdp_watts, peak and memory figures must not be negative");
  }
  return absl::OkStatus();
}

// Finds a cycle among dependencies, if any, as "a -> b -> a". Depth-first
// with a stack of its own: a chain of a million jobs must not exhaust the
// thread's stack.
std::string FindCycle(const std::vector<PlanJob>& jobs) {
  const int n = static_cast<int>(jobs.size());
  std::vector<int> state(n, 0);              // 0 new, 1 on the path, 2 done
  std::vector<std::pair<int, size_t>> path;  // (job, next dependency to look at)
  for (int root = 0; root < n; ++root) {
    if (state[root] != 0) continue;
    path.push_back({root, 0});
    state[root] = 1;
    while (!path.empty()) {
      auto& [v, next] = path.back();
      if (next == jobs[v].after.size()) {
        state[v] = 2;
        path.pop_back();
        continue;
      }
      const int d = jobs[v].after[next++];
      if (state[d] == 1) {
        std::string cycle;
        auto it =
            std::find_if(path.begin(), path.end(), [d](const auto& p) { return p.first == d; });
        for (; it != path.end(); ++it) absl::StrAppend(&cycle, "\"", jobs[it->first].id, "\" -> ");
        absl::StrAppend(&cycle, "\"", jobs[d].id, "\"");
        return cycle;
      }
      if (state[d] == 0) {
        state[d] = 1;
        path.push_back({d, 0});
      }
    }
  }
  return "";
}

}  // namespace

absl::Status CheckName(absl::string_view value, absl::string_view field) {
  for (size_t i = 0; i < value.size(); ++i) {
    const auto u = static_cast<unsigned char>(value[i]);
    // C0 controls and DEL, and C1 controls (U+0080-U+009F: 0xC2 0x80-0x9F in UTF-8).
    const bool c1 = u == 0xC2 && i + 1 < value.size() &&
                    static_cast<unsigned char>(value[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(value[i + 1]) <= 0x9F;
    if (u < 0x20 || u == 0x7f || c1) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "field %s: \"%s\" holds a control character (0x%02x)", field, absl::CHexEscape(value),
          c1 ? static_cast<unsigned char>(value[i + 1]) : u));
    }
  }
  // Spaces around a name do not make it another row's name.
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(value));
  for (const char* reserved : {"idle", "down", "total", "all jobs", "unused term"}) {
    if (lower == reserved) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field ", field, ": \"", value,
          "\" is the name of a report's own row (idle, down, total, all jobs, unused term); choose "
          "another"));
    }
  }
  return absl::OkStatus();
}

const std::string& PhaseName(v1::Phase phase) {
  // Built once: replays ask for a name with every usage entry.
  static const std::vector<std::string>* names = [] {
    auto* n = new std::vector<std::string>;
    for (int v = v1::Phase_MIN; v <= v1::Phase_MAX; ++v) {
      n->push_back(v1::Phase_IsValid(v) && v != v1::PHASE_UNSPECIFIED
                       ? absl::AsciiStrToLower(v1::Phase_Name(static_cast<v1::Phase>(v)))
                       : std::string("unspecified"));
    }
    return n;
  }();
  const int v = static_cast<int>(phase);
  return (*names)[v >= v1::Phase_MIN && v <= v1::Phase_MAX ? v - v1::Phase_MIN : 0];
}

std::string Sha256Hex(absl::string_view bytes) {
  base::Sha256 sha;
  sha.Update(bytes);
  return sha.HexDigest();
}

}  // namespace gpuledger::traces

// Generated from traces/defaults.textproto by CMake.
extern const char kGpuledgerDefaultsTextproto[];

namespace gpuledger::traces {

const v1::Defaults& BuiltinDefaults() {
  static const v1::Defaults* defaults = [] {
    auto* d = new v1::Defaults;
    pb::TextFormat::ParseInfoTree tree;
    absl::Status s = ParseText(kGpuledgerDefaultsTextproto, "traces/defaults.textproto", d, &tree);
    // The file is compiled in and covered by tests; a broken one is a build bug.
    if (!s.ok()) {
      fprintf(stderr, "gpuledger: built-in %s\n", std::string(s.message()).c_str());
      abort();
    }
    return d;
  }();
  return *defaults;
}

absl::StatusOr<Workload> LoadPlanFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot read plan file: ", std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a folder, not a plan file"));
  }
  if (IsJobTracePath(path) || IsSwfPath(path)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": is a trace, not a plan (.textproto); gpuledger replay takes traces"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot read plan file: ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return LoadPlanText(text.str(), path);
}

namespace {

// What the steps of LoadPlanText share: the parsed plan and where each of its
// fields was written, for messages.
struct ParsedPlan {
  const Plan& plan;
  const pb::TextFormat::ParseInfoTree& tree;
  const Locator& loc;
  absl::string_view source;
  bool allow_file_references;
  // The cluster block's tree and position.
  const pb::TextFormat::ParseInfoTree* cluster_tree;
  std::string cluster_at;
  std::string ClusterField(absl::string_view field) const {
    return loc.At(cluster_tree, plan.cluster(), field, -1, cluster_at);
  }
  std::string At(absl::string_view field) const { return loc.At(&tree, plan, field, -1, ""); }
  // The folder the plan's relative paths start from ("" for none).
  absl::string_view Dir() const {
    const size_t slash = source.find_last_of('/');
    return slash == absl::string_view::npos ? "" : source.substr(0, slash);
  }
};

// "unknown GPU model "X" (known: A, B, ...)", naming the catalog's models.
std::string UnknownModel(const std::map<std::string, v1::GpuModel>& catalog,
                         absl::string_view name) {
  std::vector<std::string> known;
  for (const auto& [model, m] : catalog) known.push_back(model);
  return absl::StrCat("unknown GPU model \"", name, "\" (known: ", absl::StrJoin(known, ", "), ")");
}

// The failure fields of a cluster or of one of its pools (the same names
// in both): the failure model (in the plan, or shipped or a file by name),
// and the restart time. `who` names the block in messages ("cluster").
struct FailureFields {
  std::optional<v1::FailureModelSpec> model;
  std::string name;
  int64_t restart_seconds = 0;
};

template <typename Block>
absl::Status LoadFailureFields(const ParsedPlan& p, const Block& pc,
                               const pb::TextFormat::ParseInfoTree* block_tree,
                               const std::string& block_at, const std::string& who,
                               FailureFields* out) {
  auto field = [&](absl::string_view name) { return p.loc.At(block_tree, pc, name, -1, block_at); };
  if (pc.has_failures()) {
    const std::string at = field("failures");
    if (!pc.failure_model().empty()) {
      return Invalid(at, who + ": give failure_model or failures, not both");
    }
    const auto* ft = block_tree == nullptr
                         ? nullptr
                         : block_tree->GetTreeForNested(
                               Block::descriptor()->FindFieldByName("failures"), -1);
    if (auto s = CheckFailureModel(pc.failures(), ft, p.loc, at, who + ".failures."); !s.ok()) {
      return s;
    }
    out->model = pc.failures();
    out->name = "(in the plan)";
    out->restart_seconds = std::llround(pc.failures().restart_overhead_minutes() * 60);
  }
  if (!pc.failure_model().empty()) {
    if (!p.allow_file_references && IsFileReference(pc.failure_model())) {
      return Invalid(field("failure_model"),
                     who + ": field failure_model: a plan sent inline may name a shipped "
                           "failure model only, not a file");
    }
    absl::StatusOr<v1::FailureModelSpec> m = ResolveFailureModel(pc.failure_model(), p.Dir());
    if (!m.ok()) {
      return Invalid(field("failure_model"),
                     absl::StrCat(who, ": field failure_model: ", m.status().message()));
    }
    out->model = *std::move(m);
    out->name = pc.failure_model();
    out->restart_seconds = std::llround(out->model->restart_overhead_minutes() * 60);
  }
  if (pc.spare_nodes() > 0 && !out->model) {
    return Invalid(field("spare_nodes"),
                   who + ": field spare_nodes: hot spares stand by for failures, and the plan "
                         "models none; set failure_model or failures, or leave spare_nodes out");
  }
  if (pc.has_restart_minutes()) {
    if (!(pc.restart_minutes() >= 0) || pc.restart_minutes() * 60 > kMaxRunSeconds) {
      return Invalid(field("restart_minutes"),
                     who + ": field restart_minutes must not be negative");
    }
    out->restart_seconds = std::llround(pc.restart_minutes() * 60);
  }
  return absl::OkStatus();
}

// A mixed cluster's pools (Cluster.pools): each a known GPU model, nodes,
// pods, failures, spares and dates; the cluster's own fields unset.
absl::Status LoadPools(const ParsedPlan& p, Workload* w) {
  const v1::Cluster& pc = p.plan.cluster();
  for (const char* field : {"gpu", "nodes", "pod_nodes", "failure_model", "failures",
                            "spare_nodes", "restart_minutes"}) {
    const pb::FieldDescriptor* f = v1::Cluster::descriptor()->FindFieldByName(field);
    if (pc.GetReflection()->HasField(pc, f)) {
      return Invalid(p.ClusterField(field),
                     absl::StrCat("cluster: field ", field,
                                  ": a cluster of pools sets it in each pool, not here"));
    }
  }
  const pb::FieldDescriptor* pools_field = v1::Cluster::descriptor()->FindFieldByName("pools");
  int64_t gpus = 0;
  std::set<std::string> names;
  for (int i = 0; i < pc.pools_size(); ++i) {
    const v1::Pool& pool = pc.pools(i);
    const auto* tree =
        p.cluster_tree == nullptr ? nullptr : p.cluster_tree->GetTreeForNested(pools_field, i);
    const std::string at = p.loc.At(p.cluster_tree, pc, "pools", i, p.cluster_at);
    auto field = [&](absl::string_view name) { return p.loc.At(tree, pool, name, -1, at); };
    const std::string index = absl::StrCat("cluster.pools[", i, "]");
    auto model = w->catalog.find(pool.gpu());
    if (model == w->catalog.end()) {
      return Invalid(field("gpu"),
                     absl::StrCat(index, ": field gpu: ", UnknownModel(w->catalog, pool.gpu())));
    }
    ClusterPool cp;
    cp.name = pool.name().empty() ? pool.gpu() : pool.name();
    if (absl::Status s = CheckName(cp.name, "name"); !s.ok()) {
      return Invalid(field("name"), absl::StrCat(index, ": ", s.message()));
    }
    if (auto other = w->catalog.find(cp.name);
        other != w->catalog.end() && other->first != pool.gpu()) {
      return Invalid(field("name"),
                     absl::StrCat(index, ": field name: \"", cp.name,
                                  "\" is another GPU model's name; a job's models would mistake "
                                  "it (name the pool otherwise)"));
    }
    if (!names.insert(cp.name).second) {
      return Invalid(field(pool.name().empty() ? "gpu" : "name"),
                     absl::StrCat(index, ": another pool is named \"", cp.name,
                                  "\" (pools of one model need names of their own)"));
    }
    const std::string who = absl::StrCat("pool \"", cp.name, "\"");
    if (pool.nodes() <= 0 || pool.nodes() > kMaxNodes) {
      return Invalid(field("nodes"), absl::StrCat(who, ": field nodes must be in [1, ", kMaxNodes,
                                                  "], got ", pool.nodes()));
    }
    if (pool.pod_nodes() < 0) {
      return Invalid(field("pod_nodes"),
                     absl::StrCat(who, ": field pod_nodes must not be negative, got ",
                                  pool.pod_nodes()));
    }
    if (pool.spare_nodes() < 0 || pool.spare_nodes() > kMaxNodes) {
      return Invalid(field("spare_nodes"),
                     absl::StrCat(who, ": field spare_nodes must be in [0, ", kMaxNodes, "], got ",
                                  pool.spare_nodes()));
    }
    FailureFields f;
    if (auto s = LoadFailureFields(p, pool, tree, at, who, &f); !s.ok()) return s;
    cp.gpu = model->second;
    cp.nodes = pool.nodes() + pool.spare_nodes();
    cp.pod_nodes = pool.pod_nodes();
    cp.spare_nodes = pool.spare_nodes();
    cp.failure_model = std::move(f.model);
    cp.failure_model_name = std::move(f.name);
    cp.restart_seconds = f.restart_seconds;
    for (const auto& [name, text, out] :
         {std::tuple<const char*, const std::string&, std::optional<int64_t>*>{
              "available_from", pool.available_from(), &cp.available_from_utc},
          {"retired_at", pool.retired_at(), &cp.retired_at_utc}}) {
      if (text.empty()) continue;
      absl::StatusOr<int64_t> t = base::ParseUtc(text);
      if (!t.ok()) {
        return Invalid(field(name), absl::StrCat(who, ": field ", name, ": ", t.status().message()));
      }
      *out = *t;
    }
    if (cp.available_from_utc && cp.retired_at_utc &&
        *cp.retired_at_utc <= *cp.available_from_utc) {
      return Invalid(field("retired_at"),
                     absl::StrCat(who, ": field retired_at must be after available_from"));
    }
    gpus += static_cast<int64_t>(cp.nodes) * cp.gpu.gpus_per_node();
    if (gpus > kMaxClusterGpus) {
      return Invalid(field("nodes"), absl::StrCat("cluster: its pools have more than ",
                                                  kMaxClusterGpus, " GPUs"));
    }
    if (static_cast<int64_t>(w->nodes) + cp.nodes > kMaxNodes) {
      return Invalid(field("nodes"), absl::StrCat("cluster: its pools have more than ", kMaxNodes,
                                                  " nodes (spares included)"));
    }
    w->nodes += cp.nodes;
    w->pools.push_back(std::move(cp));
  }
  w->gpu = w->pools.front().gpu;
  return absl::OkStatus();
}

// The GPU model, nodes and pods: the defaults' cluster, overridden field by
// field, with the GPU from the built-in catalog or the plan's own models.
absl::Status LoadCluster(const ParsedPlan& p, const Defaults& defaults, Workload* w) {
  std::map<std::string, v1::GpuModel> catalog;
  for (const auto& m : defaults.gpu_models()) catalog[m.name()] = m;
  for (int i = 0; i < p.plan.gpu_models_size(); ++i) {
    const auto& m = p.plan.gpu_models(i);
    if (auto s = CheckGpuModel(m, p.loc.At(&p.tree, p.plan, "gpu_models", i, "")); !s.ok())
      return s;
    catalog[m.name()] = m;
  }
  const v1::Cluster& pc = p.plan.cluster();
  if (pc.pools_size() > 0) {
    w->catalog = catalog;
    return LoadPools(p, w);
  }
  v1::Cluster cluster = defaults.cluster();
  if (!pc.gpu().empty()) cluster.set_gpu(pc.gpu());
  if (pc.has_nodes()) cluster.set_nodes(pc.nodes());
  if (pc.has_pod_nodes()) cluster.set_pod_nodes(pc.pod_nodes());
  if (cluster.pod_nodes() < 0) {
    return Invalid(
        p.ClusterField("pod_nodes"),
        absl::StrCat("cluster: field pod_nodes must not be negative, got ", cluster.pod_nodes()));
  }
  auto gpu_it = catalog.find(cluster.gpu());
  if (gpu_it == catalog.end()) {
    return Invalid(p.ClusterField("gpu"),
                   absl::StrCat("cluster: field gpu: ", UnknownModel(catalog, cluster.gpu())));
  }
  if (cluster.nodes() <= 0 || cluster.nodes() > kMaxNodes) {
    return Invalid(p.ClusterField("nodes"), absl::StrCat("cluster: field nodes must be in [1, ",
                                                         kMaxNodes, "], got ", cluster.nodes()));
  }
  w->gpu = gpu_it->second;
  w->catalog = catalog;
  w->nodes = cluster.nodes();
  w->pod_nodes = cluster.pod_nodes();
  if (pc.spare_nodes() < 0 || pc.spare_nodes() > kMaxNodes) {
    return Invalid(p.ClusterField("spare_nodes"),
                   absl::StrCat("cluster: field spare_nodes must be in [0, ", kMaxNodes, "], got ",
                                pc.spare_nodes()));
  }
  if ((int64_t{cluster.nodes()} + pc.spare_nodes()) * w->gpu.gpus_per_node() > kMaxClusterGpus) {
    return Invalid(
        p.ClusterField("nodes"),
        absl::StrCat("cluster: ", cluster.nodes(), " nodes (and spares) of ",
                     w->gpu.gpus_per_node(), " GPUs is more than ", kMaxClusterGpus, " GPUs"));
  }
  return absl::OkStatus();
}

// The cluster's failure fields and the interruption window.
absl::Status LoadFailures(const ParsedPlan& p, Workload* w) {
  if (p.plan.cluster().pools_size() == 0) {
    FailureFields f;
    if (auto s = LoadFailureFields(p, p.plan.cluster(), p.cluster_tree, p.cluster_at, "cluster",
                                   &f);
        !s.ok()) {
      return s;
    }
    w->failure_model = std::move(f.model);
    w->failure_model_name = std::move(f.name);
    w->restart_seconds = f.restart_seconds;
  }
  const double window = p.plan.interruption_window_days();
  if (!(window >= 0) || !std::isfinite(window)) {
    return Invalid(p.At("interruption_window_days"),
                   "field interruption_window_days must not be negative");
  }
  w->interruption_window_days = window;
  return absl::OkStatus();
}

// A job's size, submission and phase: a whole number of nodes within the
// cluster, submitted within 100 years, of a known phase.
template <typename Where>
absl::Status CheckJobShape(const Job& job, const Workload& w, const std::string& who, Where where) {
  const int per_node = w.gpu.gpus_per_node();
  if (job.gpus() <= 0) {
    return Invalid(where("gpus"),
                   absl::StrCat(who, ": field gpus must be positive, got ", job.gpus()));
  }
  if (!w.pools.empty()) {
    // Sizes are checked against each pool the job may use (LoadJob).
  } else if (job.gpus() > w.total_gpus()) {
    return Invalid(where("gpus"),
                   absl::StrCat(who, ": field gpus: ", job.gpus(),
                                " GPUs is bigger than the cluster (", w.total_gpus(), " GPUs)"));
  }
  if (w.pools.empty() && job.gpus() > per_node && job.gpus() % per_node != 0) {
    return Invalid(where("gpus"),
                   absl::StrCat(who, ": field gpus: ", job.gpus(),
                                " GPUs is not a whole number of ", per_node, "-GPU nodes"));
  }
  if (job.submit_seconds() < 0 || job.submit_seconds() > kMaxSeconds) {
    return Invalid(where("submit_seconds"),
                   absl::StrCat(who, ": field submit_seconds must be in [0, ", kMaxSeconds,
                                "] (100 years), got ", job.submit_seconds()));
  }
  if (job.phase() == v1::PHASE_UNSPECIFIED || !v1::Phase_IsValid(job.phase())) {
    std::vector<const pb::Descriptor*> seen;
    return Invalid(
        where("phase"),
        absl::StrCat(who, ": field phase is ",
                     job.phase() == v1::PHASE_UNSPECIFIED
                         ? std::string("missing")
                         : absl::StrCat("unknown (", job.phase(), ")"),
                     " (one of: ", EnumValuesOf(Job::descriptor(), "phase", &seen), ")"));
  }
  return absl::OkStatus();
}

// How many times as fast work measured on `job`'s measured_on model runs on
// `gpu` (1: measured on it): the plan's throughput_factors entry for the
// two, else the ratio of their peaks at the job's precision.
template <typename Where>
absl::StatusOr<double> ThroughputFactorFor(const std::vector<v1::ThroughputFactor>& factors,
                                           const Job& job,
                                           const v1::GpuModel& gpu, const Workload& w,
                                           const std::string& who, Where where) {
  if (!v1::Precision_IsValid(job.precision())) {
    return Invalid(where("precision"),
                   absl::StrCat(who, ": field precision: unknown value ", job.precision()));
  }
  if (job.has_flops() && (!job.measured_on().empty() || job.precision() != v1::PRECISION_UNSPECIFIED)) {
    return Invalid(where(job.measured_on().empty() ? "precision" : "measured_on"),
                   who + ": a flops budget is computed for the model it runs on; give its "
                         "precision as flops.precision, and no measured_on");
  }
  if (job.measured_on().empty() || job.measured_on() == gpu.name()) return 1.0;
  auto ref = w.catalog.find(job.measured_on());
  if (ref == w.catalog.end()) {
    return Invalid(where("measured_on"), absl::StrCat(who, ": field measured_on: ",
                                                      UnknownModel(w.catalog, job.measured_on())));
  }
  for (const v1::ThroughputFactor& f : factors) {
    if (f.gpu() == gpu.name() && f.measured_on() == job.measured_on()) return f.factor();
  }
  const bool fp8 = job.precision() == v1::FP8;
  const double to = fp8 ? gpu.peak_fp8_tflops() : gpu.peak_bf16_tflops();
  const double from = fp8 ? ref->second.peak_fp8_tflops() : ref->second.peak_bf16_tflops();
  if (!(to > 0) || !(from > 0)) {
    const std::string& lacking = !(to > 0) ? gpu.name() : ref->second.name();
    return Invalid(where(fp8 ? "precision" : "measured_on"),
                   absl::StrCat(who, ": ", fp8 ? "FP8" : "BF16", " work measured on ",
                                job.measured_on(), " cannot run on ", gpu.name(), ": ", lacking,
                                " has no ", fp8 ? "peak_fp8_tflops" : "peak_bf16_tflops",
                                " (give the plan a throughput_factors entry for the two)"));
  }
  return to / from;
}

// The plan's measured throughput factors: known models, each pair once, a
// factor in (0, 1000].
absl::Status CheckThroughputFactors(const ParsedPlan& p, const Workload& w) {
  std::set<std::pair<std::string, std::string>> seen;
  for (int i = 0; i < p.plan.throughput_factors_size(); ++i) {
    const v1::ThroughputFactor& f = p.plan.throughput_factors(i);
    const auto* tree =
        p.tree.GetTreeForNested(Plan::descriptor()->FindFieldByName("throughput_factors"), i);
    const std::string at = p.loc.At(&p.tree, p.plan, "throughput_factors", i, "");
    auto field = [&](absl::string_view name) { return p.loc.At(tree, f, name, -1, at); };
    const std::string who = absl::StrCat("throughput_factors[", i, "]");
    for (const auto& [name, model] : {std::pair<const char*, const std::string&>{"gpu", f.gpu()},
                                      {"measured_on", f.measured_on()}}) {
      if (w.catalog.count(model) == 0) {
        return Invalid(field(name), absl::StrCat(who, ": field ", name, ": unknown GPU model \"",
                                                 model, "\""));
      }
    }
    if (!(f.factor() > 0 && f.factor() <= 1000)) {
      return Invalid(field("factor"),
                     absl::StrCat(who, ": field factor must be in (0, 1000], got ", f.factor()));
    }
    if (!seen.emplace(f.gpu(), f.measured_on()).second) {
      return Invalid(at, absl::StrCat(who, ": ", f.measured_on(), " to ", f.gpu(),
                                      " is given twice"));
    }
  }
  return absl::OkStatus();
}

// A job on a mixed cluster's pools: on each of its pools with failures,
// at its run time there, its checkpoints must get it through; "auto" needs
// one of them to have a failure model.
absl::Status CheckPoolCheckpoints(const Workload& w, const PlanJob& pj, const std::string& who,
                                  const std::string& checkpoint_at) {
  bool modelled = false;
  for (const PlanJob::PoolRun& r : pj.pool_runs) {
    const ClusterPool& pool = w.pools[r.pool];
    if (!pool.failure_model) continue;
    modelled = true;
    PlanJob on = pj;
    on.pool_runs.clear();
    on.run_seconds = r.run_seconds;
    if (auto s = CheckCheckpointsAgainstFailures(pool.failure_model, pool.gpu.gpus_per_node(), on,
                                                 absl::StrCat(who, " on pool \"", pool.name, "\""),
                                                 checkpoint_at);
        !s.ok()) {
      return s;
    }
  }
  if (!modelled && pj.checkpoint_seconds == kAutoCheckpoint) {
    return Invalid(checkpoint_at, who +
                                      ": field checkpoint.interval \"auto\" needs a failure "
                                      "model on one of its pools (failure_model or failures)");
  }
  return absl::OkStatus();
}

// A job's work as run time (and requested time) on a model, with its
// memory checked against the model's; `on` names where ("the cluster's
// H800"). `factors`: the plan's measured throughput factors.
template <typename Where>
absl::StatusOr<std::pair<int64_t, int64_t>> WorkOn(const Job& job, const v1::GpuModel& gpu,
                                                   const std::string& on,
                                                   const std::vector<v1::ThroughputFactor>& factors,
                                                   const Workload& w, const std::string& who,
                                                   Where where) {
  if (job.has_memory_gb_per_gpu()) {
    const double need = job.memory_gb_per_gpu();
    if (absl::Status st =
            CheckPositive(need, "memory_gb_per_gpu", who, where("memory_gb_per_gpu"));
        !st.ok()) {
      return st;
    }
    if (gpu.hbm_gb() > 0 && need > gpu.hbm_gb()) {
      return Invalid(where("memory_gb_per_gpu"),
                     absl::StrCat(who, ": needs ", need, " GB per GPU, more than the ",
                                  gpu.hbm_gb(), " GB of ", on));
    }
  }
  absl::StatusOr<double> factor = ThroughputFactorFor(factors, job, gpu, w, who, where);
  if (!factor.ok()) return factor.status();
  absl::StatusOr<int64_t> run = RunSeconds(job, gpu, who, where, *factor);
  if (!run.ok()) return run.status();
  int64_t requested = 0;
  if (job.has_requested_hours()) {
    if (!(job.requested_hours() > 0) || job.requested_hours() * 3600 > kMaxRunSeconds) {
      return Invalid(where("requested_hours"),
                     absl::StrCat(who,
                                  ": field requested_hours must be positive and under "
                                  "100 years, got ",
                                  job.requested_hours()));
    }
    // Measured on another model, like the work: the estimate for this one.
    const double seconds = job.requested_hours() * 3600.0 / *factor;
    if (seconds > kMaxRunSeconds) {
      return Invalid(where("requested_hours"),
                     absl::StrCat(who, ": field requested_hours is more than 100 years on ",
                                  gpu.name()));
    }
    requested = std::llround(seconds);
  }
  return std::pair(*run, requested);
}

// On a mixed cluster, the pools a job may use (its `models`, else every
// pool it fits, in the cluster's order) and its run time on each.
template <typename Where, typename RunOn>
absl::StatusOr<std::vector<PlanJob::PoolRun>> LoadPoolRuns(const Job& job, const Workload& w,
                                                           const std::string& who, Where where,
                                                           RunOn run_on,
                                                           absl::string_view pools_are = "the cluster",
                                                           absl::string_view size_hint = "") {
  auto fits = [&](const ClusterPool& pool) {
    const int per_node = pool.gpu.gpus_per_node();
    const int in_service = (pool.nodes - pool.spare_nodes) * per_node;
    return job.gpus() <= in_service && (job.gpus() <= per_node || job.gpus() % per_node == 0);
  };
  auto memory_fits = [&](const ClusterPool& pool) {
    return !job.has_memory_gb_per_gpu() || pool.gpu.hbm_gb() <= 0 ||
           job.memory_gb_per_gpu() <= pool.gpu.hbm_gb();
  };
  std::vector<int> chosen;
  auto choose = [&](int i) {
    if (std::find(chosen.begin(), chosen.end(), i) == chosen.end()) chosen.push_back(i);
  };
  const int count = static_cast<int>(w.pools.size());
  for (int k = 0; k < job.models_size(); ++k) {
    const std::string& m = job.models(k);
    const size_t before = chosen.size();
    // A pool's name, else every pool of that model (a pool may not be
    // named after another model: LoadPools).
    bool named = false;
    for (int i = 0; i < count; ++i) {
      if (w.pools[i].name == m) named = true, choose(i);
    }
    const bool by_name = named;
    for (int i = 0; i < count && !by_name; ++i) {
      if (w.pools[i].gpu.name() == m) named = true, choose(i);
    }
    if (!named) {
      std::vector<std::string> pools;
      for (const ClusterPool& p : w.pools) {
        pools.push_back(absl::StrCat(p.name, " (", p.gpu.name(), ")"));
      }
      return Invalid(where("models", k),
                     absl::StrCat(who, ": field models: no pool or GPU model \"", m,
                                  "\" in the cluster (its pools: ", absl::StrJoin(pools, ", "),
                                  ")"));
    }
    for (size_t c = before; c < chosen.size(); ++c) {
      const ClusterPool& pool = w.pools[chosen[c]];
      if (!fits(pool)) {
        const int per_node = pool.gpu.gpus_per_node();
        return Invalid(where("gpus"),
                       absl::StrCat(who, ": field gpus: ", job.gpus(), " GPUs do not fit pool \"",
                                    pool.name, "\" (", (pool.nodes - pool.spare_nodes) * per_node,
                                    " GPUs in service, of ", per_node,
                                    "-GPU nodes: part of one node or whole nodes)"));
      }
    }
  }
  if (job.models_size() == 0) {
    bool size_fits = false;
    for (int i = 0; i < count; ++i) {
      size_fits = size_fits || fits(w.pools[i]);
      if (fits(w.pools[i]) && memory_fits(w.pools[i])) chosen.push_back(i);
    }
    if (chosen.empty() && size_fits) {
      std::vector<std::string> hbm;
      for (const ClusterPool& p : w.pools) {
        if (fits(p)) hbm.push_back(absl::StrCat(p.name, ": ", p.gpu.hbm_gb(), " GB"));
      }
      return Invalid(where("memory_gb_per_gpu"),
                     absl::StrCat(who, ": needs ", job.memory_gb_per_gpu(),
                                  " GB per GPU, more than any pool its size fits has (",
                                  absl::StrJoin(hbm, "; "), ")"));
    }
    if (chosen.empty()) {
      std::vector<std::string> sizes;
      for (const ClusterPool& p : w.pools) {
        sizes.push_back(absl::StrCat(p.name, ": ", (p.nodes - p.spare_nodes) * p.gpu.gpus_per_node(),
                                     " GPUs of ", p.gpu.gpus_per_node(), " per node",
                                     p.gpu.hbm_gb() > 0 ? absl::StrCat(", ", p.gpu.hbm_gb(), " GB")
                                                        : ""));
      }
      return Invalid(where("gpus"), absl::StrCat(who, ": field gpus: ", job.gpus(),
                                                 " GPUs fit no pool of ", pools_are, " (",
                                                 absl::StrJoin(sizes, "; "), ")", size_hint));
    }
  }
  std::vector<PlanJob::PoolRun> runs;
  for (int i : chosen) {
    const ClusterPool& pool = w.pools[i];
    absl::StatusOr<std::pair<int64_t, int64_t>> r =
        run_on(pool.gpu, absl::StrCat("the ", pool.gpu.name(), " of pool \"", pool.name, "\""));
    if (!r.ok()) return r.status();
    runs.push_back({i, r->first, r->second});
  }
  return runs;
}

// Job i of the plan, checked; its id recorded in `index_of`.
absl::StatusOr<PlanJob> LoadJob(const ParsedPlan& p, int i, const Workload& w,
                                const PlanJob& plan_checkpoint,
                                std::map<std::string, int>* index_of) {
  const Plan& plan = p.plan;
  const Job& job = plan.jobs(i);
  const auto* jt = p.tree.GetTreeForNested(Plan::descriptor()->FindFieldByName("jobs"), i);
  const std::string job_at = p.loc.At(&p.tree, plan, "jobs", i, "");
  auto where = [&](absl::string_view field, int index = -1) {
    return field.empty() ? job_at : p.loc.At(jt, job, field, index, job_at);
  };
  if (job.id().empty()) return Invalid(job_at, absl::StrCat("job #", i + 1, ": field id is empty"));
  if (absl::Status s = CheckName(job.id(), "id"); !s.ok()) {
    return Invalid(where("id"), absl::StrCat("job #", i + 1, ": ", s.message()));
  }
  const std::string who = absl::StrCat("job \"", job.id(), "\"");
  if (absl::Status s = CheckName(job.project(), "project"); !s.ok()) {
    return Invalid(where("project"), absl::StrCat(who, ": ", s.message()));
  }
  if (!index_of->emplace(job.id(), i).second) {
    return Invalid(where("id"), who + ": field id repeats an earlier job's id");
  }
  if (absl::Status st = CheckJobShape(job, w, who, where); !st.ok()) return st;
  if (job.has_flops()) {
    std::vector<std::string> keys;
    for (const auto& [model, mfu] : job.flops().mfu_by_model()) keys.push_back(model);
    std::sort(keys.begin(), keys.end());
    for (const std::string& model : keys) {
      if (w.catalog.count(model) == 0) {
        return Invalid(where("flops"), absl::StrCat(who, ": field flops.mfu_by_model: ",
                                                    UnknownModel(w.catalog, model)));
      }
    }
  }
  auto run_on = [&](const v1::GpuModel& gpu, const std::string& on) {
    return WorkOn(job, gpu, on, w.throughput_factors, w, who, where);
  };
  std::vector<PlanJob::PoolRun> pool_runs;
  int64_t run = 0, requested = 0;
  if (w.pools.empty()) {
    for (int k = 0; k < job.models_size(); ++k) {
      if (job.models(k) != w.gpu.name()) {
        return Invalid(where("models", k),
                       absl::StrCat(who, ": field models: the cluster is one pool of ",
                                    w.gpu.name(), ", not \"", job.models(k), "\""));
      }
    }
    absl::StatusOr<std::pair<int64_t, int64_t>> r =
        run_on(w.gpu, absl::StrCat("the cluster's ", w.gpu.name()));
    if (!r.ok()) return r.status();
    std::tie(run, requested) = *r;
  } else {
    absl::StatusOr<std::vector<PlanJob::PoolRun>> runs = LoadPoolRuns(job, w, who, where, run_on);
    if (!runs.ok()) return runs.status();
    pool_runs = *std::move(runs);
    run = pool_runs.front().run_seconds;
    requested = pool_runs.front().requested_seconds;
  }
  PlanJob pj;
  pj.id = job.id();
  pj.phase = job.phase();
  pj.project = job.project().empty() ? job.id() : job.project();
  pj.gpus = job.gpus();
  pj.priority = job.priority();
  pj.submit_seconds = job.submit_seconds();
  pj.run_seconds = run;
  pj.requested_seconds = requested;
  pj.pool_runs = std::move(pool_runs);
  if (job.has_checkpoint()) {
    if (auto s = ParseCheckpoint(job.checkpoint(), who, where("checkpoint"), &pj); !s.ok())
      return s;
  } else if (plan.has_checkpoint()) {
    pj.checkpoint_seconds = plan_checkpoint.checkpoint_seconds;
    pj.checkpoint_write_seconds = plan_checkpoint.checkpoint_write_seconds;
  }
  const std::string checkpoint_at = job.has_checkpoint() ? where("checkpoint")
                                    : plan.has_checkpoint()
                                        ? p.loc.At(&p.tree, plan, "checkpoint", -1, job_at)
                                        : job_at;
  if (w.pools.empty()) {
    if (auto s = CheckCheckpointsAgainstFailures(w.failure_model, w.gpu.gpus_per_node(), pj, who,
                                                 checkpoint_at);
        !s.ok()) {
      return s;
    }
    return pj;
  }
  if (auto s = CheckPoolCheckpoints(w, pj, who, checkpoint_at); !s.ok()) return s;
  return pj;
}

// Each job's `after` list as indices, once every id is known (a job may
// name a later one); no job may wait for itself or in a cycle.
absl::Status LinkDependencies(const ParsedPlan& p, const std::map<std::string, int>& index_of,
                              Workload* w) {
  const Plan& plan = p.plan;
  const pb::FieldDescriptor* jobs_field = Plan::descriptor()->FindFieldByName("jobs");
  for (int i = 0; i < plan.jobs_size(); ++i) {
    const Job& job = plan.jobs(i);
    const auto* jt = p.tree.GetTreeForNested(jobs_field, i);
    const std::string job_at = p.loc.At(&p.tree, plan, "jobs", i, "");
    for (int k = 0; k < job.after_size(); ++k) {
      auto it = index_of.find(job.after(k));
      if (it == index_of.end()) {
        return Invalid(p.loc.At(jt, job, "after", k, job_at),
                       absl::StrCat("job \"", job.id(), "\": field after: unknown job \"",
                                    job.after(k), "\""));
      }
      if (it->second == i) {
        return Invalid(
            p.loc.At(jt, job, "after", k, job_at),
            absl::StrCat("job \"", job.id(), "\": field after: a job cannot wait for itself"));
      }
      w->jobs[i].after.push_back(it->second);
    }
  }
  if (std::string cycle = FindCycle(w->jobs); !cycle.empty()) {
    // Point at the first job of the cycle's `after` field.
    const std::string first = cycle.substr(1, cycle.find('"', 1) - 1);
    const int i = index_of.at(first);
    const auto* jt = p.tree.GetTreeForNested(jobs_field, i);
    return Invalid(p.loc.At(jt, plan.jobs(i), "after", 0, p.loc.At(&p.tree, plan, "jobs", i, "")),
                   absl::StrCat("job \"", first, "\": field after: cyclic dependency ", cycle));
  }
  return absl::OkStatus();
}

// pricing.models: each entry a known model, its price-curve files read; on
// a mixed cluster, each pool model's prices resolved (the defaults, their
// entry for the model, the plan's pricing fields, the plan's entries for
// it) into w->pricing.models, one entry per model, checked.
absl::Status LoadModelPricing(const ParsedPlan& p, const Defaults& defaults, Workload* w) {
  const v1::Pricing& given = p.plan.pricing();
  const auto* pricing_tree =
      p.tree.GetTreeForNested(Plan::descriptor()->FindFieldByName("pricing"), -1);
  const std::string pricing_at = p.At("pricing");
  std::vector<v1::Pricing> plan_entries;
  for (int i = 0; i < given.models_size(); ++i) {
    const v1::ModelPricing& m = given.models(i);
    const std::string at = p.loc.At(pricing_tree, given, "models", i, pricing_at);
    const std::string who = absl::StrCat("pricing.models[", i, "]");
    if (w->catalog.count(m.gpu()) == 0) {
      return Invalid(at, absl::StrCat(who, ": field gpu: ", UnknownModel(w->catalog, m.gpu())));
    }
    for (int k = 0; k < i; ++k) {
      if (given.models(k).gpu() == m.gpu()) {
        return Invalid(at, absl::StrCat(who, ": ", m.gpu(), " is priced twice (also in pricing.models[",
                                        k, "]); give one entry per model"));
      }
    }
    v1::Pricing entry;
    if (m.has_rental()) *entry.mutable_rental() = m.rental();
    if (m.has_owned()) *entry.mutable_owned() = m.owned();
    if (m.has_reserved()) *entry.mutable_reserved() = m.reserved();
    if (p.allow_file_references) {
      if (auto s = ReadPriceCurveFiles(&entry, p.Dir(), who + "."); !s.ok()) {
        return Invalid(at, s.message());
      }
    }
    if (w->pools.empty()) {
      return Invalid(at, who + ": prices of a GPU model are for the pools of a mixed cluster "
                               "(cluster.pools); a cluster written with gpu is priced by pricing's "
                               "own fields");
    }
    plan_entries.push_back(std::move(entry));
  }
  if (w->pools.empty()) return absl::OkStatus();
  v1::Pricing plan_fields = given;
  plan_fields.clear_models();
  if (p.allow_file_references) {
    if (auto s = ReadPriceCurveFiles(&plan_fields, p.Dir(), "pricing."); !s.ok()) {
      return Invalid(pricing_at, s.message());
    }
  }
  for (int i = 0; i < given.models_size(); ++i) {
    bool used = false;
    for (const ClusterPool& pool : w->pools) used = used || pool.gpu.name() == given.models(i).gpu();
    if (!used) {
      return Invalid(p.loc.At(pricing_tree, given, "models", i, pricing_at),
                     absl::StrCat("pricing.models[", i, "]: the cluster has no pool of ",
                                  given.models(i).gpu(), ", so these prices would change nothing"));
    }
  }
  std::set<std::string> done;
  for (const ClusterPool& pool : w->pools) {
    const std::string& model = pool.gpu.name();
    if (!done.insert(model).second) continue;
    v1::Pricing r = pricing::PricingForModel(defaults.pricing(), model);
    pricing::MergePricing(plan_fields, &r);
    for (int i = 0; i < given.models_size(); ++i) {
      if (given.models(i).gpu() == model) pricing::MergePricing(plan_entries[i], &r);
    }
    if (auto s = pricing::ValidatePricing(r, absl::StrCat("pricing.models(", model, ").")); !s.ok()) {
      return Invalid(pricing_at, s.message());
    }
    v1::ModelPricing* m = w->pricing.add_models();
    m->set_gpu(model);
    *m->mutable_rental() = r.rental();
    *m->mutable_owned() = r.owned();
    *m->mutable_reserved() = r.reserved();
  }
  return absl::OkStatus();
}

// A background_trace's jobs (ids prefixed "bg:") after the plan's, and its
// digest in the run's.
absl::Status AddBackgroundTrace(const ParsedPlan& p, Workload* w) {
  const std::string at = p.At("background_trace");
  if (!p.allow_file_references) {
    return Invalid(at, "field background_trace: a plan sent inline may not name a file");
  }
  std::string path = p.plan.background_trace();
  const size_t slash = p.source.find_last_of('/');
  if (slash != absl::string_view::npos && path.front() != '/') {
    path = absl::StrCat(p.source.substr(0, slash), "/", path);
  }
  absl::StatusOr<Workload> trace =
      LoadJobTraceFile(path, {w->total_gpus(), w->gpu.gpus_per_node()});
  if (!trace.ok()) {
    return Invalid(at, absl::StrCat("field background_trace: ", trace.status().message()));
  }
  for (PlanJob& j : trace->jobs) {
    j.id = "bg:" + j.id;
    w->jobs.push_back(std::move(j));
  }
  for (const auto& [status, n] : trace->jobs_by_status) w->jobs_by_status[status] += n;
  for (const auto& [reason, n] : trace->skipped) w->skipped[reason] += n;
  w->sha256 = Sha256Hex(w->sha256 + trace->sha256);
  return absl::OkStatus();
}

}  // namespace

absl::Status RunOnPools(std::vector<ClusterPool> pools, Workload* w, absl::string_view pools_are,
                        absl::string_view size_hint) {
  if (pools.empty()) return absl::InvalidArgumentError("no pools to run on");
  w->pools = std::move(pools);
  w->gpu = w->pools.front().gpu;
  w->nodes = 0;
  for (const ClusterPool& p : w->pools) w->nodes += p.nodes;
  w->pod_nodes = 0;
  w->spare_nodes = 0;
  w->failure_model.reset();
  w->failure_model_name.clear();
  w->restart_seconds = 0;
  for (size_t i = 0; i < w->plan_jobs.size() && i < w->jobs.size(); ++i) {
    const Job& job = w->plan_jobs[i];
    PlanJob& pj = w->jobs[i];
    const std::string who = absl::StrCat("job \"", job.id(), "\"");
    auto where = [&](absl::string_view field, int index = -1) {
      return field.empty() ? w->source
                           : absl::StrCat(w->source, " (field ", field,
                                          index >= 0 ? absl::StrCat("[", index, "]") : "", ")");
    };
    auto run_on = [&](const v1::GpuModel& gpu, const std::string& on) {
      return WorkOn(job, gpu, on, w->throughput_factors, *w, who, where);
    };
    absl::StatusOr<std::vector<PlanJob::PoolRun>> runs = LoadPoolRuns(job, *w, who, where, run_on, pools_are, size_hint);
    if (!runs.ok()) return runs.status();
    pj.pool_runs = *std::move(runs);
    pj.run_seconds = pj.pool_runs.front().run_seconds;
    pj.requested_seconds = pj.pool_runs.front().requested_seconds;
    if (absl::Status s = CheckPoolCheckpoints(*w, pj, who, w->source); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<Workload> LoadPlanText(absl::string_view text, absl::string_view source,
                                      bool allow_file_references) {
  Plan plan;
  pb::TextFormat::ParseInfoTree tree;
  if (absl::Status s = ParseText(text, source, &plan, &tree); !s.ok()) return s;
  const Locator loc{std::string(source)};
  const ParsedPlan p{plan,
                     tree,
                     loc,
                     source,
                     allow_file_references,
                     tree.GetTreeForNested(Plan::descriptor()->FindFieldByName("cluster"), -1),
                     loc.At(&tree, plan, "cluster", -1, "")};
  const Defaults& defaults = BuiltinDefaults();
  Workload w;
  w.source = std::string(source);
  w.sha256 = Sha256Hex(text);
  w.name = plan.name();
  if (w.name.empty()) {
    absl::string_view stem = source.substr(source.find_last_of('/') + 1);
    w.name = std::string(stem.substr(0, stem.find('.')));
  }
  if (absl::Status s = LoadCluster(p, defaults, &w); !s.ok()) return s;
  if (absl::Status s = CheckThroughputFactors(p, w); !s.ok()) return s;
  w.throughput_factors.assign(plan.throughput_factors().begin(), plan.throughput_factors().end());
  if (absl::Status s = LoadFailures(p, &w); !s.ok()) return s;
  if (!plan.start_date().empty()) {
    absl::StatusOr<int64_t> start = base::ParseUtc(plan.start_date());
    if (!start.ok()) {
      return Invalid(p.At("start_date"), absl::StrCat("field start_date: ", start.status().message()));
    }
    w.start_utc = *start;
  }
  // Pricing: defaults, overridden by whatever the plan sets (proto3
  // `optional` fields merge only when present).
  // Prices of particular models (pricing.models) are for a mixed cluster's
  // pools (LoadModelPricing); a cluster of one pool has the fields alone.
  w.pricing = defaults.pricing();
  w.pricing.clear_models();
  v1::Pricing plan_pricing = plan.pricing();
  plan_pricing.clear_models();
  pricing::MergePricing(plan_pricing, &w.pricing);
  if (allow_file_references) {
    if (auto s = ReadPriceCurveFiles(&w.pricing, p.Dir(), "pricing."); !s.ok()) {
      return Invalid(loc.AtPath(&tree, plan, "pricing", ""), s.message());
    }
  }
  if (auto s = pricing::ValidatePricing(w.pricing, "pricing."); !s.ok()) {
    // Point at the bad field, or the deepest block of it the plan wrote.
    return Invalid(loc.AtPath(&tree, plan, Locator::FieldOf(s.message()), ""), s.message());
  }
  if (absl::Status s = LoadModelPricing(p, defaults, &w); !s.ok()) return s;
  // Checkpoints every job without its own takes, checked once.
  PlanJob plan_checkpoint;
  if (plan.has_checkpoint()) {
    if (auto s = ParseCheckpoint(plan.checkpoint(), "plan", p.At("checkpoint"), &plan_checkpoint);
        !s.ok()) {
      return s;
    }
  }
  std::map<std::string, int> index_of;
  for (int i = 0; i < plan.jobs_size(); ++i) {
    absl::StatusOr<PlanJob> job = LoadJob(p, i, w, plan_checkpoint, &index_of);
    if (!job.ok()) return job.status();
    w.jobs.push_back(*std::move(job));
    w.plan_jobs.push_back(plan.jobs(i));
  }
  if (absl::Status s = LinkDependencies(p, index_of, &w); !s.ok()) return s;
  if (!plan.background_trace().empty()) {
    if (absl::Status s = AddBackgroundTrace(p, &w); !s.ok()) return s;
  }
  if (w.jobs.empty()) return Invalid(source, "plan has no jobs");
  // Spares come on top of the nodes jobs are checked against above.
  w.spare_nodes = plan.cluster().spare_nodes();
  w.nodes += w.spare_nodes;
  return w;
}

}  // namespace gpuledger::traces

#include "traces/generate.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/random.h"
#include "traces/plan.h"
#include "traces/textproto.h"

namespace gpuledger::traces {
namespace {

namespace pb = google::protobuf;

// The longest a generated job is held before the scheduler sees it.
constexpr int64_t kMaxHeldSeconds = 30 * 86400;

// A trace may state no time past 100 years (kMaxSeconds): a preset whose
// arrivals get there for the jobs asked is refused, not written.
absl::Status TooLate(const v1::GeneratorPreset& p, const std::string& id, absl::string_view what,
                     double at) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "preset %s: job %s would be %s at second %.0f, past the 100 years (%d s) a trace may state; "
      "generate fewer jobs or raise jobs_per_day", p.name(), id, what, at, kMaxSeconds));
}

absl::Status Check(const v1::GeneratorPreset& p, const pb::TextFormat::ParseInfoTree* tree,
                   const std::string& source) {
  const Locator loc{source};
  auto bad = [&](const pb::Message& m, absl::string_view field, int index,
                 const std::string& what) {
    return absl::InvalidArgumentError(
        absl::StrCat(loc.At(tree, m, field, index, source), ": field ", field, ": ", what));
  };
  if (p.cluster_gpus() <= 0) return bad(p, "cluster_gpus", -1, "must be positive");
  if (!(p.jobs_per_day() > 0) || !std::isfinite(p.jobs_per_day())) {
    return bad(p, "jobs_per_day", -1, "must be positive");
  }
  if (!(p.max_run_seconds() >= 1) || !std::isfinite(p.max_run_seconds())) {
    return bad(p, "max_run_seconds", -1, "must be at least 1");
  }
  double hours = 0;
  for (double w : p.hourly_weights()) {
    if (!(w >= 0) || !std::isfinite(w)) return bad(p, "hourly_weights", -1, "weights must not be negative");
    hours += w;
  }
  if (p.hourly_weights_size() != 0 && (p.hourly_weights_size() != 24 || !(hours > 0))) {
    return bad(p, "hourly_weights", -1, "give 24 weights, not all zero (or none)");
  }
  if (!(p.dispatch_seconds() >= 0) || p.dispatch_seconds() > kMaxHeldSeconds) {
    return bad(p, "dispatch_seconds", -1, absl::StrCat("must be in [0, ", kMaxHeldSeconds, "]"));
  }
  if (!(p.held_share() >= 0 && p.held_share() <= 1)) return bad(p, "held_share", -1, "must be in [0, 1]");
  if (p.held_share() > 0 && !(p.held_median_seconds() > 0 && p.held_median_seconds() <= kMaxHeldSeconds)) {
    return bad(p, "held_median_seconds", -1,
               absl::StrCat("must be in (0, ", kMaxHeldSeconds, "] when held_share is above 0"));
  }
  if (!(p.held_sigma() >= 0 && p.held_sigma() <= 10)) return bad(p, "held_sigma", -1, "must be in [0, 10]");
  double shares = 0;
  for (int i = 0; i < p.types_size(); ++i) {
    const v1::JobTypeSpec& t = p.types(i);
    const std::string who = absl::StrCat("type \"", t.type(), "\": ");
    if (!(t.share() >= 0)) return bad(p, "types", i, who + "share must not be negative");
    shares += t.share();
    double sizes = 0;
    for (double w : t.size_weights()) {
      if (!(w >= 0)) return bad(p, "types", i, who + "size_weights must not be negative");
      sizes += w;
    }
    if (!(sizes > 0) || t.size_weights_size() > 31) {
      return bad(p, "types", i, who + "size_weights: give 1 to 31 weights, not all zero");
    }
    if (!(t.run_median_seconds() > 0) || !(t.run_sigma() >= 0) || t.run_sigma() > 10) {
      return bad(p, "types", i, who + "run_median_seconds must be positive, run_sigma in [0, 10]");
    }
    if (!(t.completed_share() >= 0 && t.cancelled_share() >= 0 && t.failed_share() >= 0) ||
        !(t.completed_share() + t.cancelled_share() + t.failed_share() > 0)) {
      return bad(p, "types", i, who + "status shares must not be negative nor all zero");
    }
  }
  if (!(shares > 0)) return bad(p, "types", -1, "give at least one type with a share");
  for (int i = 0; i < p.types_size(); ++i) {
    const v1::JobTypeSpec& t = p.types(i);
    if (!(t.spawn_every_seconds() >= 0)) {
      return bad(p, "types", i, absl::StrCat("type \"", t.type(), "\": spawn_every_seconds must not be negative"));
    }
    if (t.spawn_every_seconds() == 0) continue;
    if (t.spawn_every_seconds() < 60) {
      return bad(p, "types", i, absl::StrCat("type \"", t.type(), "\": spawn_every_seconds must be at least 60"));
    }
    bool found = false;
    for (const auto& other : p.types()) found |= other.type() == t.spawn_type();
    if (!found || t.spawn_type() == t.type()) {
      return bad(p, "types", i, absl::StrCat("type \"", t.type(), "\": spawn_type \"", t.spawn_type(),
                                             "\" is not another type of the preset"));
    }
  }
  return absl::OkStatus();
}

// Index drawn by weight.
int Pick(base::Random& r, const std::vector<double>& cumulative) {
  const double u = r.Uniform() * cumulative.back();
  return static_cast<int>(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
}

std::vector<double> Cumulative(std::initializer_list<double> weights) {
  std::vector<double> c;
  double sum = 0;
  for (double w : weights) c.push_back(sum += w);
  return c;
}

template <typename Repeated>
std::vector<double> Cumulative(const Repeated& weights) {
  std::vector<double> c;
  double sum = 0;
  for (double w : weights) c.push_back(sum += w);
  return c;
}

}  // namespace

std::vector<std::string> GeneratorPresetNames() {
  std::vector<std::string> names;
  for (const EmbeddedFile& f : BuiltinGeneratorPresets()) names.push_back(f.name);
  return names;
}

absl::StatusOr<v1::GeneratorPreset> LoadGeneratorPreset(absl::string_view reference) {
  absl::StatusOr<DataText> d = ReadDataText(reference, BuiltinGeneratorPresets(), "presets", "preset");
  if (!d.ok()) return d.status();
  const std::string& text = d->text;
  const std::string& source = d->source;
  v1::GeneratorPreset p;
  pb::TextFormat::ParseInfoTree tree;
  if (absl::Status s = ParseText(text, source, &p, &tree); !s.ok()) return s;
  if (absl::Status s = Check(p, &tree, source); !s.ok()) return s;
  return p;
}

absl::Status GenerateTrace(const v1::GeneratorPreset& p, const GenerateOptions& o,
                           const std::function<absl::Status(absl::string_view)>& write) {
  if (o.jobs <= 0) return absl::InvalidArgumentError("--jobs must be positive");
  if (o.cluster_gpus < 0 || o.cluster_gpus > kMaxClusterGpus) {
    return absl::InvalidArgumentError(absl::StrCat("--cluster-gpus must be in [1, ", kMaxClusterGpus,
                                                   "] (what a replay models), got ", o.cluster_gpus));
  }
  if (absl::Status s = Check(p, nullptr, p.name()); !s.ok()) return s;
  const int cluster = o.cluster_gpus > 0 ? o.cluster_gpus : p.cluster_gpus();
  int per_node = 0;
  for (const auto& m : BuiltinDefaults().gpu_models()) {
    if (m.name() == p.gpu()) per_node = m.gpus_per_node();
  }
  if (per_node == 0) {
    return absl::InvalidArgumentError(absl::StrCat("preset ", p.name(), ": unknown GPU model \"", p.gpu(), "\""));
  }
  if (cluster % per_node != 0) {
    return absl::InvalidArgumentError(absl::StrCat("--cluster-gpus: ", cluster, " is not a whole number of ",
                                                   per_node, "-GPU ", p.gpu(), " nodes"));
  }

  // Arrivals: a Poisson process at the busiest hour's rate, thinned to each
  // hour's weight (the daily cycle).
  std::vector<double> hourly(p.hourly_weights().begin(), p.hourly_weights().end());
  if (hourly.empty()) hourly.assign(24, 1.0);
  double mean_weight = 0, max_weight = 0;
  for (double w : hourly) {
    mean_weight += w / 24;
    max_weight = std::max(max_weight, w);
  }
  const double peak_rate = p.jobs_per_day() / 86400.0 * max_weight / mean_weight;  // per second

  std::vector<double> type_cdf;
  {
    double sum = 0;
    for (const auto& t : p.types()) type_cdf.push_back(sum += t.share());
  }
  std::vector<std::vector<double>> size_cdf, status_cdf;
  for (const auto& t : p.types()) {
    size_cdf.push_back(Cumulative(t.size_weights()));
    status_cdf.push_back(Cumulative({t.completed_share(), t.cancelled_share(), t.failed_share()}));
  }
  static const char* kStatus[] = {"completed", "cancelled", "failed"};

  base::Random r(o.seed, /*stream=*/0x6A0B);
  std::string line = absl::StrCat("# generated by gpuledger gen --preset ", p.name(), " --jobs ",
                                  o.jobs, " --seed ", o.seed, "\n# gpu: ", p.gpu(),
                                  "\n# cluster_gpus: ", cluster, "\n");
  const bool dispatch = p.dispatch_seconds() > 0 || p.held_share() > 0;
  if (!o.json) line += dispatch ? "id,submit_seconds,gpus,run_seconds,status,type,eligible_seconds\n"
                                : "id,submit_seconds,gpus,run_seconds,status,type\n";
  if (absl::Status s = write(line); !s.ok()) return s;
  std::map<std::string, int> type_index;
  for (int i = 0; i < p.types_size(); ++i) type_index.emplace(p.types(i).type(), i);
  int64_t written = 0;
  // Draws a job of `type` submitted at `submit` and writes it; returns its
  // run time.
  auto emit = [&](int type, int64_t submit, const std::string& id) -> absl::StatusOr<int64_t> {
    const v1::JobTypeSpec& t = p.types(type);
    const int k = std::min<int>(Pick(r, size_cdf[type]), t.size_weights_size() - 1);
    const int gpus = std::min(1 << k, cluster);
    const double run = t.run_median_seconds() * std::exp(t.run_sigma() * r.Normal());
    const int64_t run_seconds =
        std::clamp<int64_t>(std::llround(run), 1, std::llround(p.max_run_seconds()));
    const char* status = kStatus[std::min(Pick(r, status_cdf[type]), 2)];
    line = o.json ? absl::StrCat("{\"id\": \"", id, "\", \"submit_seconds\": ", submit,
                                 ", \"gpus\": ", gpus, ", \"run_seconds\": ", run_seconds,
                                 ", \"status\": \"", status, "\", \"type\": \"", t.type(), "\"")
                  : absl::StrCat(id, ",", submit, ",", gpus, ",", run_seconds, ",", status, ",",
                                 t.type());
    if (dispatch) {
      // Drawn only for presets with a dispatch model, so the others' files
      // stay as they were.
      double delay = p.dispatch_seconds();
      if (r.Uniform() < p.held_share()) {
        delay += std::min<double>(p.held_median_seconds() * std::exp(p.held_sigma() * r.Normal()),
                                  kMaxHeldSeconds);
      }
      const int64_t eligible = submit + std::llround(delay);
      if (eligible > kMaxSeconds) return TooLate(p, id, "eligible", eligible);
      absl::StrAppend(&line, o.json ? ", \"eligible_seconds\": " : ",", eligible);
    }
    line += o.json ? "}\n" : "\n";
    if (absl::Status s = write(line); !s.ok()) return s;
    ++written;
    return run_seconds;
  };
  double clock = 0;
  for (int64_t i = 1; written < o.jobs; ++i) {
    do {
      clock += r.Exponential(peak_rate);
    } while (r.Uniform() * max_weight >= hourly[static_cast<int64_t>(clock / 3600) % 24]);
    const int type = std::min<int>(Pick(r, type_cdf), p.types_size() - 1);
    const std::string id = absl::StrCat("j", i);
    if (!(clock <= static_cast<double>(kMaxSeconds))) return TooLate(p, id, "submitted", clock);
    const int64_t submit = static_cast<int64_t>(clock);
    absl::StatusOr<int64_t> run = emit(type, submit, id);
    if (!run.ok()) return run.status();
    // Its spawned jobs (counted in --jobs), at every interval of its run.
    const v1::JobTypeSpec& t = p.types(type);
    if (t.spawn_every_seconds() <= 0) continue;
    const int child = type_index.at(t.spawn_type());
    for (int64_t k = 1; written < o.jobs; ++k) {
      const int64_t at = std::llround(k * t.spawn_every_seconds());
      if (at >= *run) break;
      if (submit + at > kMaxSeconds) return TooLate(p, absl::StrCat(id, ".", k), "submitted", submit + at);
      absl::StatusOr<int64_t> c = emit(child, submit + at, absl::StrCat(id, ".", k));
      if (!c.ok()) return c.status();
    }
  }
  return absl::OkStatus();
}

absl::Status GenerateTraceFile(const v1::GeneratorPreset& p, const GenerateOptions& given,
                               const std::string& path) {
  GenerateOptions o = given;  // the file's name says its format
  o.json = absl::EndsWith(path, ".jsonl") || absl::EndsWith(path, ".jsonl.gz");
  const std::string tmp = path + ".partial";
  absl::Status s;
  if (absl::EndsWith(path, ".gz")) {
    gzFile f = gzopen(tmp.c_str(), "wb");
    if (f == nullptr) return absl::UnavailableError(absl::StrCat(path, ": cannot write"));
    s = GenerateTrace(p, o, [&](absl::string_view text) {
      if (gzwrite(f, text.data(), static_cast<unsigned>(text.size())) != static_cast<int>(text.size())) {
        return absl::UnavailableError(absl::StrCat(path, ": write failed"));
      }
      return absl::OkStatus();
    });
    if (gzclose(f) != Z_OK && s.ok()) s = absl::UnavailableError(absl::StrCat(path, ": write failed"));
  } else {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) return absl::UnavailableError(absl::StrCat(path, ": cannot write"));
    s = GenerateTrace(p, o, [&](absl::string_view text) {
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
      return out ? absl::OkStatus() : absl::UnavailableError(absl::StrCat(path, ": write failed"));
    });
    out.close();
  }
  if (!s.ok()) {
    std::remove(tmp.c_str());
    return s;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat(path, ": cannot write"));
  }
  return absl::OkStatus();
}

}  // namespace gpuledger::traces

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
      "generate fewer jobs or raise jobs_per_day",
      p.name(), id, what, at, kMaxSeconds));
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
    if (!(w >= 0) || !std::isfinite(w))
      return bad(p, "hourly_weights", -1, "weights must not be negative");
    hours += w;
  }
  if (p.hourly_weights_size() != 0 && (p.hourly_weights_size() != 24 || !(hours > 0))) {
    return bad(p, "hourly_weights", -1, "give 24 weights, not all zero (or none)");
  }
  if (!(p.dispatch_seconds() >= 0) || p.dispatch_seconds() > kMaxHeldSeconds) {
    return bad(p, "dispatch_seconds", -1, absl::StrCat("must be in [0, ", kMaxHeldSeconds, "]"));
  }
  if (!(p.held_share() >= 0 && p.held_share() <= 1))
    return bad(p, "held_share", -1, "must be in [0, 1]");
  if (p.held_share() > 0 &&
      !(p.held_median_seconds() > 0 && p.held_median_seconds() <= kMaxHeldSeconds)) {
    return bad(p, "held_median_seconds", -1,
               absl::StrCat("must be in (0, ", kMaxHeldSeconds, "] when held_share is above 0"));
  }
  if (!(p.held_sigma() >= 0 && p.held_sigma() <= 10))
    return bad(p, "held_sigma", -1, "must be in [0, 10]");
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
      return bad(p, "types", i,
                 absl::StrCat("type \"", t.type(), "\": spawn_every_seconds must not be negative"));
    }
    if (t.spawn_every_seconds() == 0) continue;
    if (t.spawn_every_seconds() < 60) {
      return bad(p, "types", i,
                 absl::StrCat("type \"", t.type(), "\": spawn_every_seconds must be at least 60"));
    }
    bool found = false;
    for (const auto& other : p.types()) found |= other.type() == t.spawn_type();
    if (!found || t.spawn_type() == t.type()) {
      return bad(p, "types", i,
                 absl::StrCat("type \"", t.type(), "\": spawn_type \"", t.spawn_type(),
                              "\" is not another type of the preset"));
    }
  }
  return absl::OkStatus();
}

// Index drawn by weight.
int Pick(base::Random& r, const std::vector<double>& cumulative) {
  const double u = r.Uniform() * cumulative.back();
  return static_cast<int>(std::upper_bound(cumulative.begin(), cumulative.end(), u) -
                          cumulative.begin());
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
  absl::StatusOr<DataText> d =
      ReadDataText(reference, BuiltinGeneratorPresets(), "presets", "preset");
  if (!d.ok()) return d.status();
  const std::string& text = d->text;
  const std::string& source = d->source;
  v1::GeneratorPreset p;
  pb::TextFormat::ParseInfoTree tree;
  if (absl::Status s = ParseText(text, source, &p, &tree); !s.ok()) return s;
  if (absl::Status s = Check(p, &tree, source); !s.ok()) return s;
  return p;
}

namespace {

// The cluster's GPUs a generated trace states: --cluster-gpus, else the
// preset's, a whole number of its model's nodes.
absl::StatusOr<int> ClusterGpus(const v1::GeneratorPreset& p, const GenerateOptions& o) {
  const int cluster = o.cluster_gpus > 0 ? o.cluster_gpus : p.cluster_gpus();
  int per_node = 0;
  for (const auto& m : BuiltinDefaults().gpu_models()) {
    if (m.name() == p.gpu()) per_node = m.gpus_per_node();
  }
  if (per_node == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("preset ", p.name(), ": unknown GPU model \"", p.gpu(), "\""));
  }
  if (cluster % per_node != 0) {
    return absl::InvalidArgumentError(absl::StrCat("--cluster-gpus: ", cluster,
                                                   " is not a whole number of ", per_node, "-GPU ",
                                                   p.gpu(), " nodes"));
  }
  return cluster;
}

// Draws a preset's jobs in order from one seeded stream and writes them.
class Generator {
 public:
  Generator(const v1::GeneratorPreset& p, const GenerateOptions& o, int cluster,
            const std::function<absl::Status(absl::string_view)>& write)
      : p_(p), o_(o), cluster_(cluster), write_(write), r_(o.seed, /*stream=*/0x6A0B) {
    // Arrivals: a Poisson process at the busiest hour's rate, thinned to
    // each hour's weight (the daily cycle).
    hourly_.assign(p.hourly_weights().begin(), p.hourly_weights().end());
    if (hourly_.empty()) hourly_.assign(24, 1.0);
    double mean_weight = 0;
    for (double w : hourly_) {
      mean_weight += w / 24;
      max_weight_ = std::max(max_weight_, w);
    }
    peak_rate_ = p.jobs_per_day() / 86400.0 * max_weight_ / mean_weight;  // per second
    double sum = 0;
    for (const auto& t : p.types()) {
      type_cdf_.push_back(sum += t.share());
      size_cdf_.push_back(Cumulative(t.size_weights()));
      status_cdf_.push_back(
          Cumulative({t.completed_share(), t.cancelled_share(), t.failed_share()}));
    }
    for (int i = 0; i < p.types_size(); ++i) type_index_.emplace(p.types(i).type(), i);
  }

  absl::Status Run() {
    if (absl::Status s = WriteHeader(); !s.ok()) return s;
    double clock = 0;
    for (int64_t i = 1; written_ < o_.jobs; ++i) {
      do {
        clock += r_.Exponential(peak_rate_);
      } while (r_.Uniform() * max_weight_ >= hourly_[static_cast<int64_t>(clock / 3600) % 24]);
      const int type = std::min<int>(Pick(r_, type_cdf_), p_.types_size() - 1);
      const std::string id = absl::StrCat("j", i);
      if (!(clock <= static_cast<double>(kMaxSeconds))) return TooLate(p_, id, "submitted", clock);
      const int64_t submit = static_cast<int64_t>(clock);
      absl::StatusOr<int64_t> run = Emit(type, submit, id);
      if (!run.ok()) return run.status();
      if (absl::Status s = Spawn(type, submit, *run, id); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  bool dispatch() const { return p_.dispatch_seconds() > 0 || p_.held_share() > 0; }

  absl::Status WriteHeader() {
    std::string line = absl::StrCat("# generated by gpuledger gen --preset ", p_.name(), " --jobs ",
                                    o_.jobs, " --seed ", o_.seed, "\n# gpu: ", p_.gpu(),
                                    "\n# cluster_gpus: ", cluster_, "\n");
    if (!o_.json) {
      line += dispatch() ? "id,submit_seconds,gpus,run_seconds,status,type,eligible_seconds\n"
                         : "id,submit_seconds,gpus,run_seconds,status,type\n";
    }
    return write_(line);
  }

  // A job of `type` submitted at `submit`, drawn and written; its run time.
  absl::StatusOr<int64_t> Emit(int type, int64_t submit, const std::string& id) {
    static const char* kStatus[] = {"completed", "cancelled", "failed"};
    const v1::JobTypeSpec& t = p_.types(type);
    const int k = std::min<int>(Pick(r_, size_cdf_[type]), t.size_weights_size() - 1);
    const int gpus = std::min(1 << k, cluster_);
    const double run = t.run_median_seconds() * std::exp(t.run_sigma() * r_.Normal());
    const int64_t run_seconds =
        std::clamp<int64_t>(std::llround(run), 1, std::llround(p_.max_run_seconds()));
    const char* status = kStatus[std::min(Pick(r_, status_cdf_[type]), 2)];
    std::string line =
        o_.json ? absl::StrCat("{\"id\": \"", id, "\", \"submit_seconds\": ", submit,
                               ", \"gpus\": ", gpus, ", \"run_seconds\": ", run_seconds,
                               ", \"status\": \"", status, "\", \"type\": \"", t.type(), "\"")
                : absl::StrCat(id, ",", submit, ",", gpus, ",", run_seconds, ",", status, ",",
                               t.type());
    if (dispatch()) {
      // Drawn only for presets with a dispatch model, so the others' files
      // stay as they were.
      double delay = p_.dispatch_seconds();
      if (r_.Uniform() < p_.held_share()) {
        delay += std::min<double>(
            p_.held_median_seconds() * std::exp(p_.held_sigma() * r_.Normal()), kMaxHeldSeconds);
      }
      const int64_t eligible = submit + std::llround(delay);
      if (eligible > kMaxSeconds) return TooLate(p_, id, "eligible", eligible);
      absl::StrAppend(&line, o_.json ? ", \"eligible_seconds\": " : ",", eligible);
    }
    line += o_.json ? "}\n" : "\n";
    if (absl::Status s = write_(line); !s.ok()) return s;
    ++written_;
    return run_seconds;
  }

  // A job's spawned jobs (counted in --jobs), at every interval of its run.
  absl::Status Spawn(int type, int64_t submit, int64_t run, const std::string& id) {
    const v1::JobTypeSpec& t = p_.types(type);
    if (t.spawn_every_seconds() <= 0) return absl::OkStatus();
    const int child = type_index_.at(t.spawn_type());
    for (int64_t k = 1; written_ < o_.jobs; ++k) {
      const int64_t at = std::llround(k * t.spawn_every_seconds());
      if (at >= run) break;
      const std::string child_id = absl::StrCat(id, ".", k);
      if (submit + at > kMaxSeconds) return TooLate(p_, child_id, "submitted", submit + at);
      absl::StatusOr<int64_t> c = Emit(child, submit + at, child_id);
      if (!c.ok()) return c.status();
    }
    return absl::OkStatus();
  }

  const v1::GeneratorPreset& p_;
  const GenerateOptions& o_;
  const int cluster_;
  const std::function<absl::Status(absl::string_view)>& write_;
  base::Random r_;
  std::vector<double> hourly_;
  double max_weight_ = 0, peak_rate_ = 0;
  std::vector<double> type_cdf_;
  std::vector<std::vector<double>> size_cdf_, status_cdf_;
  std::map<std::string, int> type_index_;
  int64_t written_ = 0;
};

}  // namespace

absl::Status GenerateTrace(const v1::GeneratorPreset& p, const GenerateOptions& o,
                           const std::function<absl::Status(absl::string_view)>& write) {
  if (o.jobs <= 0) return absl::InvalidArgumentError("--jobs must be positive");
  if (o.cluster_gpus < 0 || o.cluster_gpus > kMaxClusterGpus) {
    return absl::InvalidArgumentError(
        absl::StrCat("--cluster-gpus must be in [1, ", kMaxClusterGpus,
                     "] (what a replay models), got ", o.cluster_gpus));
  }
  if (absl::Status s = Check(p, nullptr, p.name()); !s.ok()) return s;
  absl::StatusOr<int> cluster = ClusterGpus(p, o);
  if (!cluster.ok()) return cluster.status();
  return Generator(p, o, *cluster, write).Run();
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
      if (gzwrite(f, text.data(), static_cast<unsigned>(text.size())) !=
          static_cast<int>(text.size())) {
        return absl::UnavailableError(absl::StrCat(path, ": write failed"));
      }
      return absl::OkStatus();
    });
    if (gzclose(f) != Z_OK && s.ok())
      s = absl::UnavailableError(absl::StrCat(path, ": write failed"));
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

#include "traces/jobtrace.h"

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "traces/gzlines.h"
#include "base/sha256.h"

namespace gpuledger::traces {
namespace {

absl::Status Bad(const std::string& where, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
}

// The trace's type names, as the plan's phase names.
bool PhaseOf(absl::string_view type, v1::Phase* phase) {
  if (type.empty()) {
    *phase = v1::OTHER;
    return true;
  }
  for (int v = v1::Phase_MIN; v <= v1::Phase_MAX; ++v) {
    if (v1::Phase_IsValid(v) && v != v1::PHASE_UNSPECIFIED &&
        PhaseName(static_cast<v1::Phase>(v)) == type) {
      *phase = static_cast<v1::Phase>(v);
      return true;
    }
  }
  return false;
}

// One CSV row into a TraceJob by the header's names. Fields hold no commas
// (ids, statuses and types are plain words), quotes are stripped.
absl::Status ParseCsvRow(absl::string_view line, const std::vector<std::string>& header,
                         const std::string& where, v1::TraceJob* job) {
  std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
  if (fields.size() != header.size()) {
    return Bad(where, absl::StrCat("expected ", header.size(), " fields, found ", fields.size()));
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    absl::string_view v = absl::StripAsciiWhitespace(fields[i]);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    const std::string& name = header[i];
    auto number = [&](int64_t* out) -> absl::Status {
      if (v.empty()) {
        if (name == "gpus" || name == "submit_seconds" || name == "run_seconds") {
          return Bad(where, absl::StrCat("field ", name, " is empty"));
        }
        return absl::OkStatus();
      }
      if (!absl::SimpleAtoi(v, out)) {
        return Bad(where, absl::StrCat("field ", name, ": \"", v, "\" is not a whole number"));
      }
      return absl::OkStatus();
    };
    int64_t n = 0;
    absl::Status s;
    if (name == "id")
      job->set_id(std::string(v));
    else if (name == "status")
      job->set_status(std::string(v));
    else if (name == "type")
      job->set_type(std::string(v));
    else if (name == "project")
      job->set_project(std::string(v));
    else if (name == "submit_seconds") {
      s = number(&n);
      job->set_submit_seconds(n);
    } else if (name == "run_seconds") {
      s = number(&n);
      job->set_run_seconds(n);
    } else if (name == "requested_seconds") {
      s = number(&n);
      job->set_requested_seconds(n);
    } else if (name == "eligible_seconds") {
      s = number(&n);
      job->set_eligible_seconds(n);
    } else if (name == "gpus") {
      s = number(&n);
      if (s.ok() && (n < -1'000'000'000 || n > 1'000'000'000)) {
        s = Bad(where, absl::StrCat("field gpus: ", n, " is out of range"));
      }
      job->set_gpus(static_cast<int>(n));
    } else if (name == "priority") {
      s = number(&n);
      job->set_priority(static_cast<int>(std::clamp<int64_t>(n, -1'000'000, 1'000'000)));
    }
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

bool IsJobTracePath(const std::string& path) {
  for (const char* ext : {".jsonl", ".csv", ".jsonl.gz", ".csv.gz"}) {
    if (absl::EndsWith(path, ext)) return true;
  }
  return false;
}

namespace {

// The cluster a trace states before its first job, from "# key: value"
// comments, unless the options set it.
struct TraceCluster {
  std::string gpu;
  int64_t capacity = 0;
  int64_t per_node = 0;
};

// A "# key: value" comment before the first job.
absl::Status ReadClusterComment(absl::string_view s, const std::string& where,
                                const JobTraceOptions& options, TraceCluster* c) {
  std::vector<absl::string_view> kv = absl::StrSplit(s.substr(1), absl::MaxSplits(':', 1));
  if (kv.size() != 2) return absl::OkStatus();
  const absl::string_view key = absl::StripAsciiWhitespace(kv[0]);
  const absl::string_view value = absl::StripAsciiWhitespace(kv[1]);
  int64_t n = 0;
  if (key == "gpu") c->gpu = std::string(value);
  if ((key == "cluster_gpus" || key == "gpus_per_node") && !absl::SimpleAtoi(value, &n)) {
    return Bad(where, absl::StrCat("# ", key, ": \"", value, "\" is not a whole number"));
  }
  if ((key == "cluster_gpus" || key == "gpus_per_node") && (n <= 0 || n > 100'000'000)) {
    return Bad(where, absl::StrCat("# ", key, ": must be positive, got ", n));
  }
  if (key == "cluster_gpus" && options.capacity == 0) c->capacity = n;
  if (key == "gpus_per_node" && options.gpus_per_node == 0) c->per_node = n;
  return absl::OkStatus();
}

// The workload's cluster, once the comments before the first job are read.
absl::Status SetCluster(const std::string& path, const std::string& where, TraceCluster* c,
                        Workload* w) {
  const v1::GpuModel* model = nullptr;
  for (const auto& m : BuiltinDefaults().gpu_models()) {
    if (m.name() == c->gpu) model = &m;
  }
  if (model == nullptr)
    return Bad(where, absl::StrCat("unknown GPU model \"", c->gpu, "\" in # gpu:"));
  w->gpu = *model;
  if (c->per_node == 0) c->per_node = model->gpus_per_node();
  w->gpu.set_gpus_per_node(static_cast<int>(c->per_node));
  if (c->capacity <= 0) {
    return Bad(path, "no capacity: give --capacity or a \"# cluster_gpus: N\" comment");
  }
  if (c->capacity % c->per_node != 0 || c->capacity > kMaxClusterGpus ||
      c->per_node > kMaxGpusPerNode) {
    return Bad(path, absl::StrCat("capacity ", c->capacity, " is not a whole number of ",
                                  c->per_node, "-GPU nodes (or is too large)"));
  }
  w->nodes = static_cast<int>(c->capacity / c->per_node);
  return absl::OkStatus();
}

// A CSV header row: the required columns there, each a TraceJob field, once.
absl::Status ReadCsvHeader(absl::string_view s, const std::string& where,
                           std::vector<std::string>* header) {
  for (absl::string_view h : absl::StrSplit(s, ','))
    header->emplace_back(absl::StripAsciiWhitespace(h));
  for (const char* required : {"id", "submit_seconds", "gpus", "run_seconds"}) {
    if (std::find(header->begin(), header->end(), required) == header->end()) {
      return Bad(where, absl::StrCat("the header has no column ", required));
    }
  }
  for (size_t i = 0; i < header->size(); ++i) {
    const std::string& name = (*header)[i];
    if (v1::TraceJob::descriptor()->FindFieldByName(name) == nullptr) {
      return Bad(where, absl::StrCat("unknown column \"", name, "\""));
    }
    if (std::find(header->begin(), header->begin() + i, name) != header->begin() + i) {
      return Bad(where, absl::StrCat("column \"", name, "\" appears twice"));
    }
  }
  return absl::OkStatus();
}

// A job line checked and converted; nullopt with `*skip` set for a job the
// replay skips (counted by that reason).
absl::StatusOr<std::optional<PlanJob>> CheckTraceJob(const v1::TraceJob& job,
                                                     const std::string& where,
                                                     const TraceCluster& c,
                                                     std::set<std::string>* seen,
                                                     std::string* skip) {
  if (job.id().empty()) return Bad(where, "field id is empty");
  if (absl::Status st = CheckName(job.id(), "id"); !st.ok())
    return Bad(where, std::string(st.message()));
  if (absl::Status st = CheckName(job.project(), "project"); !st.ok()) {
    return Bad(where, std::string(st.message()));
  }
  if (!seen->insert(job.id()).second) {
    return Bad(where, absl::StrCat("field id: \"", job.id(), "\" repeats an earlier job's id"));
  }
  const std::string status = job.status().empty() ? "completed" : job.status();
  if (status != "completed" && status != "cancelled" && status != "failed") {
    return Bad(where, absl::StrCat("field status: \"", job.status(),
                                   "\" is not completed, cancelled or failed"));
  }
  PlanJob j;
  if (!PhaseOf(job.type(), &j.phase)) {
    return Bad(where, absl::StrCat("field type: unknown type \"", job.type(),
                                   "\" (pretrain, context_extension, sft, rl, eval, data, debug, "
                                   "ablation, other)"));
  }
  for (const auto& [field, value] :
       {std::pair<const char*, int64_t>{"submit_seconds", job.submit_seconds()},
        {"run_seconds", job.run_seconds()},
        {"requested_seconds", job.requested_seconds()},
        {"eligible_seconds", job.eligible_seconds()}}) {
    if (value < 0 || value > kMaxSeconds) {
      return Bad(where,
                 absl::StrCat("field ", field, " must be in [0, ", kMaxSeconds, "], got ", value));
    }
  }
  if (job.eligible_seconds() != 0 && job.eligible_seconds() < job.submit_seconds()) {
    return Bad(where, absl::StrCat("field eligible_seconds must be 0 or at least submit_seconds (",
                                   job.submit_seconds(), "), got ", job.eligible_seconds()));
  }
  if (job.gpus() < 0)
    return Bad(where, absl::StrCat("field gpus must not be negative, got ", job.gpus()));
  *skip = job.run_seconds() <= 0                                    ? "run time <= 0"
          : job.gpus() <= 0                                         ? "size <= 0"
          : job.gpus() > c.capacity                                 ? "size above capacity"
          : job.gpus() > c.per_node && job.gpus() % c.per_node != 0 ? "size not whole nodes"
                                                                    : "";
  if (!skip->empty()) return std::nullopt;
  j.id = job.id();
  j.project = job.project().empty() ? PhaseName(j.phase) : job.project();
  j.gpus = job.gpus();
  j.priority = job.priority();
  j.submit_seconds = job.submit_seconds();
  j.eligible_seconds = job.eligible_seconds();
  j.run_seconds = job.run_seconds();
  j.requested_seconds = std::max<int64_t>(0, job.requested_seconds());
  j.status = status;
  return j;
}

}  // namespace

absl::StatusOr<Workload> LoadJobTraceFile(const std::string& path, const JobTraceOptions& options) {
  if (options.capacity < 0 || options.gpus_per_node < 0) {
    return absl::InvalidArgumentError("--capacity and --gpus-per-node must not be negative");
  }
  const bool json = absl::EndsWith(path, ".jsonl") || absl::EndsWith(path, ".jsonl.gz");
  absl::StatusOr<TraceLines> f = TraceLines::Open(path);
  if (!f.ok()) return f.status();
  Workload w = TraceWorkload(path);
  const v1::Defaults& defaults = BuiltinDefaults();
  TraceCluster cluster{defaults.cluster().gpu(), options.capacity, options.gpus_per_node};
  w.pricing = defaults.pricing();
  w.pod_nodes = 0;                  // traces know no topology
  std::vector<std::string> header;  // CSV
  bool started = false;             // first job (or CSV header) seen
  std::string line;
  int64_t line_no = 0;
  base::Sha256 sha;
  std::map<std::string, int64_t> skipped;
  std::set<std::string> seen;  // ids, to refuse repeats
  google::protobuf::util::JsonParseOptions json_options;
  while (f->Next(&line)) {
    ++line_no;
    sha.Update(line);
    sha.Update("\n");
    const std::string where = absl::StrCat(path, ":", line_no);
    absl::string_view s = absl::StripAsciiWhitespace(line);
    if (s.empty()) continue;
    if (s[0] == '#') {
      if (started) continue;
      if (auto st = ReadClusterComment(s, where, options, &cluster); !st.ok()) return st;
      continue;
    }
    if (!started) {
      started = true;
      if (auto st = SetCluster(path, where, &cluster, &w); !st.ok()) return st;
      if (!json) {
        if (auto st = ReadCsvHeader(s, where, &header); !st.ok()) return st;
        continue;
      }
    }
    v1::TraceJob job;
    if (json) {
      auto st = google::protobuf::util::JsonStringToMessage(std::string(s), &job, json_options);
      if (!st.ok()) return Bad(where, std::string(st.message()));
    } else if (auto st = ParseCsvRow(s, header, where, &job); !st.ok()) {
      return st;
    }
    std::string skip;
    absl::StatusOr<std::optional<PlanJob>> j = CheckTraceJob(job, where, cluster, &seen, &skip);
    if (!j.ok()) return j.status();
    if (!j->has_value()) {
      ++skipped[skip];
      continue;
    }
    ++w.jobs_by_status[(*j)->status];
    w.jobs.push_back(std::move(**j));
  }
  if (!f->status().ok()) return f->status();
  if (!started) return Bad(path, "no jobs in the trace");
  w.sha256 = sha.HexDigest();
  w.skipped = std::move(skipped);
  if (w.jobs.empty()) return Bad(path, "every job was skipped");
  return w;
}

}  // namespace gpuledger::traces

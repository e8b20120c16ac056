#include "traces/swf.h"

#include "traces/gzlines.h"
#include "base/sha256.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace gpuledger::traces {
namespace {

constexpr int kFields = 18;

// "; MaxProcs: 256" -> 256 for key "MaxProcs".
bool HeaderValue(absl::string_view line, absl::string_view key, int64_t* value) {
  absl::string_view rest = absl::StripLeadingAsciiWhitespace(line.substr(1));
  if (!absl::StartsWith(rest, key)) return false;
  rest = absl::StripLeadingAsciiWhitespace(rest.substr(key.size()));
  if (rest.empty() || rest[0] != ':') return false;
  return absl::SimpleAtoi(absl::StripAsciiWhitespace(rest.substr(1)), value);
}

}  // namespace

bool IsSwfPath(const std::string& path) {
  return absl::EndsWith(path, ".swf") || absl::EndsWith(path, ".swf.gz");
}

size_t SwfJobsAtMost(const std::string& path) {
  // Only a regular file has a size to go by; opening anything else again
  // (a pipe, /dev/stdin) would take the reader's bytes.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  unsigned char magic[2] = {0, 0};
  const bool gzip = ::pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  ::close(fd);
  if (gzip) return 0;
  // A job line is 18 fields of at least one character, 17 separators and
  // its newline: 36 bytes or more. Beyond kSwfReserveCap jobs the vectors
  // grow as they read.
  return std::min(static_cast<size_t>(st.st_size) / 36, kSwfReserveCap);
}

namespace {

// The cluster's GPUs once the header is read: --capacity, else MaxProcs,
// else MaxNodes; a whole number of nodes within what gpuledger models.
absl::StatusOr<int64_t> Capacity(const std::string& path, const SwfOptions& options,
                                 int64_t max_procs, int64_t max_nodes) {
  int64_t capacity = options.capacity;
  if (capacity == 0) capacity = max_procs > 0 ? max_procs : max_nodes;
  if (capacity <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": no capacity: the header has neither MaxProcs nor MaxNodes; give --capacity"));
  }
  if (capacity > kMaxClusterGpus || options.gpus_per_node > kMaxGpusPerNode) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": capacity ", capacity, " GPUs (", options.gpus_per_node,
                     " per node) is more than gpuledger models (", kMaxClusterGpus, " GPUs, ",
                     kMaxGpusPerNode, " per node)"));
  }
  if (capacity % options.gpus_per_node != 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": capacity ", capacity,
                                                   " is not a whole number of ",
                                                   options.gpus_per_node, "-GPU nodes"));
  }
  return capacity;
}

// A field as a number: whole numbers (the usual SWF field, "-1" for
// unknown) read here, digit by digit, anything else by SimpleAtod; both give
// the double nearest the text.
bool FieldValue(absl::string_view f, double* v) {
  size_t i = f[0] == '-' ? 1 : 0;
  if (f.size() > i && f.size() - i <= 18) {
    int64_t x = 0;
    for (; i < f.size() && f[i] >= '0' && f[i] <= '9'; ++i) x = x * 10 + (f[i] - '0');
    if (i == f.size()) {
      *v = f[0] == '-' ? -static_cast<double>(x) : static_cast<double>(x);
      return true;
    }
  }
  return absl::SimpleAtod(f, v) && std::isfinite(*v);
}

// The 18 fields of line `line` of `path`, as numbers; times checked against
// kMaxSeconds. The place is spelled out only in an error.
absl::Status ReadFields(absl::string_view s, const std::string& path, int line,
                        double (&v)[kFields]) {
  auto where = [&] { return absl::StrCat(path, ":", line); };
  int n = 0;
  for (size_t i = 0; i < s.size() && n < kFields;) {  // columns after the 18th are ignored
    if (s[i] == ' ' || s[i] == '\t') {
      ++i;
      continue;
    }
    const size_t begin = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    const absl::string_view field = s.substr(begin, i - begin);
    if (!FieldValue(field, &v[n])) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), ": field ", n + 1, " (\"", field, "\") is not a number"));
    }
    ++n;
  }
  if (n < kFields) {
    return absl::InvalidArgumentError(
        absl::StrCat(where(), ": expected ", kFields, " fields, found ", n));
  }
  // Times beyond kMaxSeconds are refused; sizes beyond any cluster are
  // clamped before rounding (they are skipped as above capacity).
  for (const auto& [i, name] :
       {std::pair<int, const char*>{1, "submit time"}, {3, "run time"}, {8, "requested time"}}) {
    if (v[i] > static_cast<double>(kMaxSeconds)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), ": field ", i + 1, " (", name, ") must be at most ", kMaxSeconds,
                       " seconds (100 years), got ", absl::StrFormat("%.0f", v[i])));
    }
  }
  return absl::OkStatus();
}

// Skipped jobs by reason, in the order they are checked.
struct Skips {
  int64_t run = 0, size = 0, big = 0, nodes = 0;
};

// A job's id as the ledger names it: field 1 as written, whole numbers
// without a fraction.
std::string IdText(double id) {
  return id == std::floor(id) && std::abs(id) < 1e15 ? absl::StrCat(static_cast<int64_t>(id))
                                                     : absl::StrCat(id);
}

// The job of a line's fields, or nullopt for one the replay skips (counted).
std::optional<PlanJob> SwfJob(const double (&v)[kFields], int64_t capacity, int gpus_per_node,
                              Skips* skips) {
  auto whole = [](double x) { return std::llround(std::clamp(x, -1e15, 1e15)); };
  const int64_t run = whole(v[3]);
  const int64_t size = v[4] > 0 ? whole(v[4]) : whole(v[7]);
  const int64_t requested = whole(v[8]);
  if (run <= 0) return ++skips->run, std::nullopt;
  if (size <= 0) return ++skips->size, std::nullopt;
  if (size > capacity) return ++skips->big, std::nullopt;
  if (size > gpus_per_node && size % gpus_per_node != 0) return ++skips->nodes, std::nullopt;
  PlanJob j;
  j.id = IdText(v[0]);
  j.phase = v1::OTHER;
  j.project = "swf";
  j.gpus = static_cast<int>(size);
  j.submit_seconds = std::max<int64_t>(0, whole(v[1]));
  j.run_seconds = run;
  j.requested_seconds = requested > 0 ? requested : 0;
  return j;
}

// Refuses a trace in which two jobs the replay keeps have one id (field 1):
// the ledger, its reports and --schedule-out name jobs by id. `lines` holds
// each kept job's line. Ids that only grow (as in the archive's traces) are
// checked as they are read; others are sorted here.
absl::Status CheckUniqueIds(const std::string& path, const std::vector<double>& ids,
                            const std::vector<int>& lines) {
  std::vector<size_t> order(ids.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ids[a] < ids[b]; });
  for (size_t k = 1; k < order.size(); ++k) {
    if (ids[order[k]] == ids[order[k - 1]]) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", lines[order[k]], ": field 1: job id ", IdText(ids[order[k]]),
          " repeats the id of the job on line ", lines[order[k - 1]]));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Workload> LoadSwfFile(const std::string& path, const SwfOptions& options) {
  Workload w;
  absl::Status s = ReadSwfFile(path, options, &w, [&w](PlanJob&& j) {
    w.jobs.push_back(std::move(j));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return w;
}

absl::Status ReadSwfFile(const std::string& path, const SwfOptions& options, Workload* out,
                         const std::function<absl::Status(PlanJob&&)>& each) {
  if (options.gpus_per_node <= 0) {
    return absl::InvalidArgumentError("--gpus-per-node: must be positive");
  }
  if (options.capacity < 0) return absl::InvalidArgumentError("--capacity: must not be negative");
  absl::StatusOr<TraceLines> f = TraceLines::Open(path);
  if (!f.ok()) return f.status();
  Workload& w = *out;
  w = TraceWorkload(path);
  const v1::Defaults& defaults = BuiltinDefaults();
  for (const auto& m : defaults.gpu_models()) {
    if (m.name() == defaults.cluster().gpu()) w.gpu = m;
  }
  w.gpu.set_gpus_per_node(options.gpus_per_node);
  w.pricing = defaults.pricing();
  w.pod_nodes = 0;  // SWF traces know no topology

  // The trace's header comes first; jobs are read once capacity is known.
  int64_t max_procs = 0, max_nodes = 0;
  int64_t capacity = 0;
  std::string line;
  int line_no = 0;
  bool header_done = false;
  base::Sha256 sha;  // of the lines as read (decompressed), without holding them
  Skips skips;
  std::vector<double> ids;  // of the kept jobs, with their lines
  std::vector<int> lines;
  // Room for every job the file can hold: untouched room costs address
  // space, not memory, and the vectors never move.
  ReserveRoom(SwfJobsAtMost(path), &ids, &lines);
  bool growing = true;  // every id above the one before
  int64_t kept = 0;
  while (f->Next(&line)) {
    ++line_no;
    sha.Update(line);
    sha.Update("\n");
    absl::string_view s = absl::StripAsciiWhitespace(line);
    if (s.empty()) continue;
    if (s[0] == ';') {
      if (!header_done) {
        HeaderValue(s, "MaxProcs", &max_procs);
        HeaderValue(s, "MaxNodes", &max_nodes);
      }
      continue;
    }
    if (!header_done) {
      header_done = true;
      absl::StatusOr<int64_t> c = Capacity(path, options, max_procs, max_nodes);
      if (!c.ok()) return c.status();
      capacity = *c;
    }
    double v[kFields];
    if (absl::Status st = ReadFields(s, path, line_no, v); !st.ok()) return st;
    if (std::optional<PlanJob> j = SwfJob(v, capacity, options.gpus_per_node, &skips)) {
      growing = growing && (ids.empty() || v[0] > ids.back());
      ids.push_back(v[0]);
      lines.push_back(line_no);
      ++kept;
      if (absl::Status st = each(*std::move(j)); !st.ok()) return st;
    }
  }
  if (!f->status().ok()) return f->status();
  if (!growing) {
    if (absl::Status s = CheckUniqueIds(path, ids, lines); !s.ok()) return s;
  }
  if (!header_done) return absl::InvalidArgumentError(absl::StrCat(path, ": no jobs in the trace"));
  w.nodes = static_cast<int>(capacity / options.gpus_per_node);
  w.sha256 = sha.HexDigest();
  auto count = [&](const char* reason, int64_t n) {
    if (n > 0) w.skipped[reason] = n;
  };
  count("run time <= 0", skips.run);
  count("size <= 0", skips.size);
  count("size above capacity", skips.big);
  count("size not whole nodes", skips.nodes);
  if (kept == 0) return absl::InvalidArgumentError(absl::StrCat(path, ": every job was skipped"));
  return absl::OkStatus();
}

}  // namespace gpuledger::traces

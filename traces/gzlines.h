// Reading text files line by line, plain or gzip-compressed (zlib reads
// both), without holding the file. Internal to traces/.
#ifndef GPULEDGER_TRACES_GZLINES_H_
#define GPULEDGER_TRACES_GZLINES_H_

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "traces/plan.h"

namespace gpuledger::traces {

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

// Reads one line (without its newline) of any length; false at the end.
inline bool ReadLine(gzFile f, std::string* line) {
  line->clear();
  char buf[8192];
  while (gzgets(f, buf, sizeof buf) != nullptr) {
    const size_t n = std::strlen(buf);
    line->append(buf, n);
    if (n > 0 && buf[n - 1] == '\n') {
      line->pop_back();
      if (!line->empty() && line->back() == '\r') line->pop_back();
      return true;
    }
  }
  return !line->empty();
}

// Opens a trace for reading line by line; NotFound names the file.
inline absl::StatusOr<GzFile> OpenTrace(const std::string& path) {
  GzFile f(gzopen(path.c_str(), "rb"));
  if (f == nullptr) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot read trace: ", std::strerror(errno)));
  }
  gzbuffer(f.get(), 1 << 16);
  return f;
}

// A trace's workload before its jobs: named after the file's stem.
inline Workload TraceWorkload(const std::string& path) {
  Workload w;
  w.source = path;
  const std::string stem = path.substr(path.find_last_of('/') + 1);
  w.name = stem.substr(0, stem.find('.'));
  return w;
}

}  // namespace gpuledger::traces

#endif  // GPULEDGER_TRACES_GZLINES_H_

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
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "traces/plan.h"

namespace gpuledger::traces {

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

// A trace read line by line (plain or gzip, zlib reads both). A gzip stream
// that ends early (no trailer: a cut or half-copied file) or is corrupt is an
// error, never a shorter trace: Next returns false and status() says why.
class TraceLines {
 public:
  // NotFound names the file and the OS's reason. A file whose name ends in
  // ".gz" must be gzip.
  static absl::StatusOr<TraceLines> Open(const std::string& path) {
    errno = 0;
    GzFile f(gzopen(path.c_str(), "rb"));
    if (f == nullptr) {
      return absl::NotFoundError(
          absl::StrCat(path, ": cannot read trace: ", std::strerror(errno != 0 ? errno : ENOMEM)));
    }
    gzbuffer(f.get(), 1 << 16);
    TraceLines lines(path, std::move(f));
    if (absl::EndsWith(path, ".gz") && gzdirect(lines.file_.get()) == 1) {
      // gzdirect reads the start of the file: an empty file is not gzip either.
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": not a gzip file, although its name ends in .gz"));
    }
    return lines;
  }

  // Reads one line (without its newline or a CR before it) of any length;
  // false at the end of the file or on a read error (see status()).
  bool Next(std::string* line) {
    line->clear();
    while (true) {
      const size_t nl = buffer_.find('\n', pos_);
      if (nl != std::string::npos) {
        line->append(buffer_, pos_, nl - pos_);
        pos_ = nl + 1;
        if (!line->empty() && line->back() == '\r') line->pop_back();
        return true;
      }
      line->append(buffer_, pos_, std::string::npos);
      buffer_.resize(1 << 16);
      pos_ = 0;
      const int n = gzread(file_.get(), buffer_.data(), static_cast<unsigned>(buffer_.size()));
      if (n <= 0) {
        buffer_.clear();
        int code = Z_OK;
        const char* message = gzerror(file_.get(), &code);
        if (n < 0 || (code != Z_OK && code != Z_STREAM_END)) {
          absl::string_view why = message;
          absl::ConsumePrefix(&why, path_ + ": ");  // zlib names the file too
          status_ = absl::DataLossError(
              absl::StrCat(path_, ": the file is truncated or corrupt (zlib: ", why,
                           "); refusing a partial trace"));
          line->clear();
          return false;
        }
        return !line->empty();
      }
      buffer_.resize(static_cast<size_t>(n));
    }
  }

  // OK, or why reading stopped early.
  const absl::Status& status() const { return status_; }

 private:
  TraceLines(std::string path, GzFile f) : path_(std::move(path)), file_(std::move(f)) {}
  std::string path_;
  GzFile file_;
  std::string buffer_;
  size_t pos_ = 0;
  absl::Status status_;
};

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

// Reading text files line by line, plain or gzip-compressed (zlib reads
// both), without holding the file. Internal to traces/.
#ifndef GPULEDGER_TRACES_GZLINES_H_
#define GPULEDGER_TRACES_GZLINES_H_

#include <zlib.h>

#include <cstring>
#include <memory>
#include <string>

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

}  // namespace gpuledger::traces

#endif  // GPULEDGER_TRACES_GZLINES_H_

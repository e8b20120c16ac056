// Gzip streams for tests: whole, or cut after a full flush with no trailer,
// as a half-copied file ends (`gzip -t` says "unexpected end of file").
#ifndef GPULEDGER_TESTS_GZIP_CUT_H_
#define GPULEDGER_TESTS_GZIP_CUT_H_

#include <zlib.h>

#include <string>

namespace gpuledger::testing {

// `text` gzip-compressed; with `cut_at` < text.size(), only its first
// `cut_at` bytes, flushed so they decompress, and no end of stream.
inline std::string Gzip(const std::string& text, size_t cut_at = std::string::npos) {
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out;
  auto pump = [&](const char* data, size_t n, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    z.avail_in = static_cast<uInt>(n);
    do {
      char buf[1 << 14];
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      deflate(&z, flush);
      out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0);
  };
  if (cut_at < text.size()) {
    pump(text.data(), cut_at, Z_FULL_FLUSH);
  } else {
    pump(text.data(), text.size(), Z_FINISH);
  }
  deflateEnd(&z);
  return out;
}

}  // namespace gpuledger::testing

#endif  // GPULEDGER_TESTS_GZIP_CUT_H_

// Shared by the harnesses: a scratch directory per fuzzer process, for
// loaders that only read from a path. Under $GPULEDGER_FUZZ_TMP if set (the
// .ci/fuzz script removes it), else /dev/shm; removed at normal exit.
#ifndef GPULEDGER_FUZZ_FUZZ_UTIL_H_
#define GPULEDGER_FUZZ_FUZZ_UTIL_H_

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace gpuledger::fuzz {

class ScratchDir {
 public:
  ScratchDir() {
    const char* root = std::getenv("GPULEDGER_FUZZ_TMP");
    dir_ = std::filesystem::path(root != nullptr && *root != '\0' ? root : "/dev/shm") /
           ("gpuledger-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

inline ScratchDir& Scratch() {
  static ScratchDir dir;
  return dir;
}

// Writes the fuzz input to `name` in the scratch directory; returns its path.
inline std::string WriteInput(const std::string& name, const uint8_t* data, size_t size) {
  const std::string path = Scratch().Path(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

// An invariant the loaders promise: a violation is a bug, reported as a
// crash so the fuzzer saves the input.
#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      __builtin_trap();                                                                 \
    }                                                                                   \
  } while (0)

}  // namespace gpuledger::fuzz

#endif  // GPULEDGER_FUZZ_FUZZ_UTIL_H_

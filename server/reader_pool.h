// Read connections to one ledger file, reused from call to call: opening
// one makes SQLite parse the schema, which was most of a small call's cost.
// A connection serves one call at a time; a file replaced on disk (another
// inode) gets fresh connections. Internal to server/.
#ifndef GPULEDGER_SERVER_READER_POOL_H_
#define GPULEDGER_SERVER_READER_POOL_H_

#include <sys/stat.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/store.h"

namespace gpuledger::server {

class ReaderPool {
 public:
  struct Return {
    ReaderPool* pool;
    void operator()(ledger::Ledger* l) const { pool->Put(l); }
  };
  // A connection for the caller alone; it goes back to the pool with the
  // handle.
  using Handle = std::unique_ptr<ledger::Ledger, Return>;

  explicit ReaderPool(std::string path, size_t keep = 16) : path_(std::move(path)), keep_(keep) {}

  // As Ledger::OpenForReading (the same errors), from the pool when it can.
  absl::StatusOr<Handle> Acquire() {
    struct stat st;
    const bool there = ::stat(path_.c_str(), &st) == 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!there || st.st_dev != dev_ || st.st_ino != ino_) {
        idle_.clear();  // another file now, or none: connections to the old one go
        dev_ = there ? st.st_dev : 0;
        ino_ = there ? st.st_ino : 0;
      } else if (!idle_.empty()) {
        ledger::Ledger* l = idle_.back().release();
        idle_.pop_back();
        return Handle(l, Return{this});
      }
    }
    absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::OpenForReading(path_);
    if (!l.ok()) return l.status();
    return Handle(l->release(), Return{this});
  }

 private:
  void Put(ledger::Ledger* l) {
    std::unique_ptr<ledger::Ledger> owned(l);
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < keep_) idle_.push_back(std::move(owned));
  }

  const std::string path_;
  const size_t keep_;
  std::mutex mu_;
  std::vector<std::unique_ptr<ledger::Ledger>> idle_;  // guarded by mu_
  dev_t dev_ = 0;                                      // the file they read, guarded by mu_
  ino_t ino_ = 0;
};

}  // namespace gpuledger::server

#endif  // GPULEDGER_SERVER_READER_POOL_H_

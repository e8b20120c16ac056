// Read connections to one ledger file, reused from call to call: opening
// one makes SQLite parse the schema, which was most of a small call's cost.
// A connection serves one call at a time; a file replaced on disk (another
// inode) gets fresh connections. Connections idle for a while can be closed
// (DropIdle), so that a server with no calls gives their page caches back.
// Internal to server/.
#ifndef GPULEDGER_SERVER_READER_POOL_H_
#define GPULEDGER_SERVER_READER_POOL_H_

#include <sys/stat.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/store.h"

namespace gpuledger::server {

class ReaderPool {
 public:
  // Gives a connection back, with the file (device, inode) it was opened on.
  struct Return {
    ReaderPool* pool;
    dev_t dev;
    ino_t ino;
    void operator()(ledger::Ledger* l) const { pool->Put(l, dev, ino); }
  };
  // A connection for the caller alone; it goes back to the pool with the
  // handle.
  using Handle = std::unique_ptr<ledger::Ledger, Return>;

  explicit ReaderPool(std::string path, size_t keep = 16) : path_(std::move(path)), keep_(keep) {}

  // As Ledger::OpenForReading (the same errors), from the pool when it can:
  // a pooled connection serves only while the path names the file it was
  // opened on and that file's schema is still current.
  absl::StatusOr<Handle> Acquire() {
    struct stat st;
    const bool there = ::stat(path_.c_str(), &st) == 0;
    const dev_t dev = there ? st.st_dev : 0;
    const ino_t ino = there ? st.st_ino : 0;
    while (there) {
      std::unique_ptr<ledger::Ledger> l;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (dev != dev_ || ino != ino_) {
          idle_.clear();  // another file now: connections to the old one go
          dev_ = dev;
          ino_ = ino;
        }
        if (idle_.empty()) break;
        l = std::move(idle_.back().ledger);
        idle_.pop_back();
      }
      // Overwritten in place (by an older gpuledger, say): a fresh open says what to do.
      if (l->SchemaIsCurrent()) return Handle(l.release(), Return{this, dev, ino});
    }
    absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::OpenForReading(path_);
    if (!l.ok()) return l.status();
    return Handle(l->release(), Return{this, dev, ino});
  }

  // Closes the connections unused for `at_least`; how many it closed.
  size_t DropIdle(std::chrono::steady_clock::duration at_least) {
    std::vector<Idle> dropped;  // closed outside the lock
    std::lock_guard<std::mutex> lock(mu_);
    const auto before = std::chrono::steady_clock::now() - at_least;
    // Given back in turn: the oldest first.
    size_t n = 0;
    while (n < idle_.size() && idle_[n].since <= before) ++n;
    dropped.assign(std::make_move_iterator(idle_.begin()), std::make_move_iterator(idle_.begin() + n));
    idle_.erase(idle_.begin(), idle_.begin() + n);
    return n;
  }

 private:
  struct Idle {
    std::unique_ptr<ledger::Ledger> ledger;
    std::chrono::steady_clock::time_point since;
  };

  void Put(ledger::Ledger* l, dev_t dev, ino_t ino) {
    std::unique_ptr<ledger::Ledger> owned(l);
    std::lock_guard<std::mutex> lock(mu_);
    // A connection borrowed before the file was replaced is not kept.
    if (dev == dev_ && ino == ino_ && idle_.size() < keep_) {
      idle_.push_back({std::move(owned), std::chrono::steady_clock::now()});
    }
  }

  const std::string path_;
  const size_t keep_;
  std::mutex mu_;
  std::vector<Idle> idle_;  // guarded by mu_, all of the file below, oldest first
  dev_t dev_ = 0;                                      // guarded by mu_
  ino_t ino_ = 0;
};

}  // namespace gpuledger::server

#endif  // GPULEDGER_SERVER_READER_POOL_H_

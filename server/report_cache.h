// Cost reports of complete runs, kept by the question asked: a complete run
// is never written again (the ledger is append-only), so the same question
// has the same answer, and a server asked it again need not rebuild it.
// Each answer is kept with a stamp of what it was built from (the ledger
// file and the run's row); it is given again only while the run's row reads
// the same, so a ledger replaced on disk is never answered from the old one.
// Bounded in bytes; the least recently asked go first. Internal to server/.
#ifndef GPULEDGER_SERVER_REPORT_CACHE_H_
#define GPULEDGER_SERVER_REPORT_CACHE_H_

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include <grpcpp/support/byte_buffer.h>

namespace gpuledger::server {

class ReportCache {
 public:
  // An answer as sent: the serialized message (copies share its bytes).
  using Report = grpc::ByteBuffer;

  explicit ReportCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The answer kept for `key`, if it was built from what `stamp` names (and
  // an answer with another stamp is dropped).
  bool Find(const std::string& key, const std::string& stamp, Report* out) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    if (it->second->stamp != stamp) {
      Drop(it);
      return false;
    }
    entries_.splice(entries_.begin(), entries_, it->second);  // most recently asked first
    *out = it->second->report;
    return true;
  }

  // Keeps `report` for `key`, built from `stamp`; one larger than a quarter
  // of the cache is not kept.
  void Put(const std::string& key, std::string stamp, const Report& report) {
    const size_t bytes = report.Length() + key.size() + stamp.size();
    if (bytes > max_bytes_ / 4) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) Drop(it);
    entries_.push_front({key, std::move(stamp), report, bytes});
    index_[key] = entries_.begin();
    bytes_ += bytes;
    while (bytes_ > max_bytes_) Drop(index_.find(entries_.back().key));
  }

 private:
  struct Entry {
    std::string key;
    std::string stamp;
    Report report;
    size_t bytes;  // what it holds
  };
  using Index = std::unordered_map<std::string, std::list<Entry>::iterator>;

  void Drop(Index::iterator it) {
    bytes_ -= it->second->bytes;
    entries_.erase(it->second);
    index_.erase(it);
  }

  const size_t max_bytes_;
  std::mutex mu_;
  std::list<Entry> entries_;  // guarded by mu_, most recently asked first
  Index index_;               // guarded by mu_
  size_t bytes_ = 0;          // guarded by mu_
};

}  // namespace gpuledger::server

#endif  // GPULEDGER_SERVER_REPORT_CACHE_H_

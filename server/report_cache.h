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

#include "gpuledger/v1/ledger_service.pb.h"

namespace gpuledger::server {

class ReportCache {
 public:
  using Report = std::shared_ptr<const gpuledger::v1::CostReport>;

  explicit ReportCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The answer kept for `key`, if it was built from what `stamp` names; else
  // null (and an answer with another stamp is dropped).
  Report Find(const std::string& key, const std::string& stamp) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    if (it->second->stamp != stamp) {
      Drop(it);
      return nullptr;
    }
    entries_.splice(entries_.begin(), entries_, it->second);  // most recently asked first
    return it->second->report;
  }

  // Keeps `report` for `key`, built from `stamp`; one larger than a quarter
  // of the cache is not kept.
  void Put(const std::string& key, std::string stamp, Report report) {
    const size_t bytes = report->ByteSizeLong() * 2 + key.size() + stamp.size();
    if (bytes > max_bytes_ / 4) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) Drop(it);
    entries_.push_front({key, std::move(stamp), std::move(report), bytes});
    index_[key] = entries_.begin();
    bytes_ += bytes;
    while (bytes_ > max_bytes_) Drop(index_.find(entries_.back().key));
  }

 private:
  struct Entry {
    std::string key;
    std::string stamp;
    Report report;
    size_t bytes;  // about what it holds (the message in memory counted twice its wire size)
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

// The packed form of a run's usage entries: a batch of consecutive entries
// of one run in one BLOB, each entry a flags byte and a few varints (its job
// as the change of ordinal from the entry before, its end as the change of
// end, its length, its GPUs, its nodes where kept), so that a million-job
// run takes tens of bytes a job instead of hundreds. Lossless: unpacking
// gives back every field the ledger stores. Internal to ledger/.
#ifndef GPULEDGER_LEDGER_ENTRIES_H_
#define GPULEDGER_LEDGER_ENTRIES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ledger/store.h"

namespace gpuledger::ledger {

// One unpacked entry. `category` indexes kCategories; `job` is the job's
// ordinal, -1 for a cluster-wide entry; `nodes` points into the packed bytes.
struct PackedEntry {
  int64_t job = -1;
  int64_t start = 0;
  int64_t end = 0;
  int64_t gpus = 0;
  int category = 0;
  Pool pool = Pool::kNone;
  absl::string_view nodes;
};

// Appends `count` entries from `entries` (one run's, in the order written)
// to `out`. A job's entry must carry its ordinal (UsageRecord::job).
// InvalidArgument for a category not in kCategories, a job entry without an
// ordinal, a negative start, an end before the start, or negative GPUs;
// `out` is then unchanged.
absl::Status PackEntries(const UsageRecord* entries, size_t count, std::string* out);

// Reads packed entries in order, calling `f(const PackedEntry&)` for each;
// DataLoss if `packed` is not what PackEntries wrote, or holds other than
// `count` entries.
template <typename F>
absl::Status UnpackEntries(absl::string_view packed, size_t count, const F& f);

// The category index of `name` in kCategories, or -1.
int CategoryIndex(absl::string_view name);

namespace packing {
// A cursor over packed bytes; false once they run out or are malformed.
class Reader {
 public:
  explicit Reader(absl::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  bool Next(PackedEntry* e);
  bool done() const { return p_ == end_; }

 private:
  bool Varint(uint64_t* v);
  const char* p_;
  const char* end_;
  int64_t job_ = -1;  // the previous job entry's ordinal
  int64_t end_time_ = 0;
};
}  // namespace packing

template <typename F>
absl::Status UnpackEntries(absl::string_view packed, size_t count, const F& f) {
  packing::Reader r(packed);
  PackedEntry e;
  for (size_t i = 0; i < count; ++i) {
    if (!r.Next(&e)) return absl::DataLossError("a packed batch of usage entries is corrupt");
    f(static_cast<const PackedEntry&>(e));
  }
  if (!r.done()) return absl::DataLossError("a packed batch of usage entries has extra bytes");
  return absl::OkStatus();
}

}  // namespace gpuledger::ledger

#endif  // GPULEDGER_LEDGER_ENTRIES_H_

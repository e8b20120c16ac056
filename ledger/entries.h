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
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
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
  int gpu_pool = 0;  // the cluster pool (RunRecord::pools), 0 on one pool
};

// The longest entry and the most GPUs one may hold: the longest replay
// (scheduler::kMaxSimulatedSeconds) and the largest cluster
// (traces::kMaxClusterGpus), so that GPU-seconds of an entry fit int64.
inline constexpr int64_t kMaxEntrySeconds = 100'000'000'000;
inline constexpr int64_t kMaxEntryGpus = 10'000'000;
// The highest cluster pool index an entry may name.
inline constexpr int kMaxGpuPool = 65535;

// OK if PackEntries can pack `entry`; else InvalidArgument saying why (a
// category not in kCategories, a job entry without an ordinal, a negative
// start, an end before the start, a length or GPUs beyond the bounds).
absl::Status CheckEntry(const UsageRecord& entry);
// CheckEntry but for the ordinal: for a writer that finds it later.
absl::Status CheckEntryValues(const UsageRecord& entry);

// A usage entry as a writer holds it until it is packed: integers only
// (what the writer thread is fed), its nodes' text, if any, in the text of
// the EntryRows that holds it.
struct EntryRow {
  int64_t job = -1;  // the job's ordinal; -1 for a cluster-wide entry
  int64_t start = 0;
  int64_t end = 0;
  int32_t gpus = 0;
  uint32_t nodes_at = 0;    // its nodes: EntryRows::nodes from here,
  uint32_t nodes_size = 0;  // this many bytes (0: none kept)
  uint8_t category = 0;     // index into kCategories
  uint8_t pool = 0;         // a Pool
  uint16_t gpu_pool = 0;    // the cluster pool (UsageRecord::gpu_pool)
  Pool pool_kind() const { return static_cast<Pool>(pool); }
};

// `entry` (which CheckEntryValues accepts) as a row of the job of ordinal
// `job` (-1: cluster-wide), without its nodes.
EntryRow RowOf(const UsageRecord& entry, int64_t job);

// Consecutive entries of one run, in the order written.
struct EntryRows {
  std::vector<EntryRow> rows;
  std::string nodes;
  // Appends `entry`, which CheckEntryValues accepts, as the entry of the job
  // of ordinal `job` (-1: cluster-wide).
  void Add(const UsageRecord& entry, int64_t job);
  // Appends `row` (its nodes fields set here) with its nodes' text.
  void Add(EntryRow row, absl::string_view row_nodes);
  size_t size() const { return rows.size(); }
  bool empty() const { return rows.empty(); }
  void clear() {
    rows.clear();
    nodes.clear();
  }
};

// Appends `rows` packed to `out`.
void PackRows(const EntryRows& rows, std::string* out);

// Appends `count` entries from `entries` (one run's, in the order written)
// to `rows`, each checked (CheckEntry: a job's entry must carry its
// ordinal); InvalidArgument for the first it refuses.
absl::Status AddEntries(const UsageRecord* entries, size_t count, EntryRows* rows);

// Appends `count` entries from `entries` (one run's, in the order written)
// to `out`. A job's entry must carry its ordinal (UsageRecord::job).
// InvalidArgument (CheckEntry's) for an entry it cannot pack; `out` is then
// unchanged.
absl::Status PackEntries(const UsageRecord* entries, size_t count, std::string* out);

// Reads packed entries in order, calling `f(const PackedEntry&)` for each;
// DataLoss if `packed` is not what PackEntries wrote, or holds other than
// `count` entries.
template <typename F>
absl::Status UnpackEntries(absl::string_view packed, size_t count, const F& f);


// Jobs packed the same way, a batch of a run's consecutive jobs (ordinals
// first..first+n-1) in one BLOB: each job its id (a whole number as the
// change from the job before, other text as it is), its phase and project
// (each name once per batch, then by number), GPUs, priority, the change of
// submit time, and its run seconds.
class JobPacker {
 public:
  void Add(const JobRecord& job);
  size_t size() const { return count_; }
  // The bytes so far; the packer starts a new batch.
  std::string Take();

 private:
  std::string out_;
  size_t count_ = 0;
  int64_t id_ = 0, submit_ = 0;
  std::vector<std::string> names_;                  // phases and projects of this batch, by number
  absl::flat_hash_map<std::string, size_t> index_;  // their numbers
};

// One unpacked job: its text is valid until the next job is read.
struct PackedJob {
  absl::string_view id, phase, project;
  int64_t gpus = 0, priority = 0, submit = 0, run_seconds = 0;
};

// Reads `count` packed jobs in order, calling `f(const PackedJob&)` for each;
// DataLoss if `packed` is not what a JobPacker wrote.
template <typename F>
absl::Status UnpackJobs(absl::string_view packed, size_t count, const F& f);

namespace packing {
// A cursor over packed bytes; its reads are false once the bytes run out
// or are malformed.
class Bytes {
 public:
  explicit Bytes(absl::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  bool done() const { return p_ == end_; }

 protected:
  bool Varint(uint64_t* v);
  const char* p_;
  const char* end_;
};

class Reader : public Bytes {
 public:
  using Bytes::Bytes;
  bool Next(PackedEntry* e);

 private:
  int64_t job_ = -1;  // the previous job entry's ordinal
  int64_t end_time_ = 0;
};

class JobReader : public Bytes {
 public:
  using Bytes::Bytes;
  bool Next(PackedJob* j);

 private:
  bool Text(absl::string_view* s);
  bool Name(absl::string_view* s);
  int64_t id_ = 0, submit_ = 0;
  char id_text_[24];
  std::vector<absl::string_view> names_;
};
}  // namespace packing

namespace packing {
// Reads `count` items of `Item` with `Reader` in order, calling f for each;
// DataLoss naming `what` for bytes that are not `count` such items.
template <typename Reader, typename Item, typename F>
absl::Status UnpackAll(absl::string_view packed, size_t count, absl::string_view what,
                       const F& f) {
  Reader r(packed);
  Item item;
  for (size_t i = 0; i < count; ++i) {
    if (!r.Next(&item)) {
      return absl::DataLossError(absl::StrCat("a packed batch of ", what, " is corrupt"));
    }
    f(static_cast<const Item&>(item));
  }
  if (!r.done()) {
    return absl::DataLossError(absl::StrCat("a packed batch of ", what, " has extra bytes"));
  }
  return absl::OkStatus();
}
}  // namespace packing

template <typename F>
absl::Status UnpackJobs(absl::string_view packed, size_t count, const F& f) {
  return packing::UnpackAll<packing::JobReader, PackedJob>(packed, count, "jobs", f);
}

template <typename F>
absl::Status UnpackEntries(absl::string_view packed, size_t count, const F& f) {
  return packing::UnpackAll<packing::Reader, PackedEntry>(packed, count, "usage entries", f);
}

}  // namespace gpuledger::ledger

#endif  // GPULEDGER_LEDGER_ENTRIES_H_

#include "ledger/entries.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "absl/strings/str_cat.h"

namespace gpuledger::ledger {
namespace {

// Flags byte: category (bits 0-2), pool (bits 3-4), a job (bit 5), nodes
// (bit 6). Bit 7 is never set: a byte with it is not ours.
constexpr unsigned kJobBit = 1u << 5;
constexpr unsigned kNodesBit = 1u << 6;
// A mixed cluster's pool index follows (after the GPUs); absent: pool 0,
// so a cluster of one pool packs as before.
constexpr unsigned kGpuPoolBit = 1u << 7;
constexpr int kCategoryCount = static_cast<int>(std::size(kCategories));
static_assert(kCategoryCount <= 8, "categories take 3 bits");

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
uint64_t Zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t Unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }
// `base` plus a zigzag-coded change, wrapping: malformed bytes must not
// overflow a signed sum (the readers' bounds checks catch the result).
int64_t AddDelta(int64_t base, uint64_t zigzagged) {
  return static_cast<int64_t>(static_cast<uint64_t>(base) +
                              static_cast<uint64_t>(Unzigzag(zigzagged)));
}

// The whole number `s` is, if it is written as one is (no sign, no leading
// zero, at most 18 digits): then an id packs as a number.
bool CanonicalNumber(absl::string_view s, int64_t* v) {
  if (s.empty() || s.size() > 18 || (s.size() > 1 && s[0] == '0')) return false;
  int64_t x = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    x = x * 10 + (c - '0');
  }
  *v = x;
  return true;
}

void PutText(absl::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s.data(), s.size());
}

}  // namespace

void JobPacker::Add(const JobRecord& j) {
  int64_t id = 0;
  if (CanonicalNumber(j.job_id, &id)) {
    out_.push_back(1);
    PutVarint(Zigzag(id - id_), &out_);
    id_ = id;
  } else {
    out_.push_back(0);
    PutText(j.job_id, &out_);
  }
  for (const std::string* name : {&j.phase, &j.project}) {
    const auto [at, fresh] = index_.try_emplace(*name, names_.size());
    PutVarint(at->second, &out_);
    if (fresh) {  // new in this batch: the name follows
      PutText(*name, &out_);
      names_.push_back(*name);
    }
  }
  PutVarint(static_cast<uint64_t>(std::max(0, j.gpus)), &out_);
  PutVarint(Zigzag(j.priority), &out_);
  PutVarint(Zigzag(j.submit - submit_), &out_);
  submit_ = j.submit;
  PutVarint(static_cast<uint64_t>(std::max<int64_t>(0, j.run_seconds)), &out_);
  ++count_;
}

std::string JobPacker::Take() {
  std::string out = std::move(out_);
  out_.clear();
  count_ = 0;
  id_ = submit_ = 0;
  names_.clear();
  index_.clear();
  return out;
}

int CategoryIndex(absl::string_view name) {
  for (int i = 0; i < kCategoryCount; ++i) {
    if (kCategories[i] == name) return i;
  }
  return -1;
}

absl::Status CheckEntry(const UsageRecord& u) {
  if (!u.job_id.empty() && u.job < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("usage entry of job \"", u.job_id, "\" has no job ordinal"));
  }
  return CheckEntryValues(u);
}

absl::Status CheckEntryValues(const UsageRecord& u) {
  if (CategoryIndex(u.category) < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("usage entry of category \"", u.category, "\": not a category"));
  }
  if (u.start < 0 || u.end < u.start || u.end - u.start > kMaxEntrySeconds || u.gpus < 0 ||
      u.gpus > kMaxEntryGpus) {
    return absl::InvalidArgumentError(absl::StrCat("usage entry [", u.start, ", ", u.end, ") of ",
                                                   u.gpus, " GPUs: not an interval we hold"));
  }
  if (u.gpu_pool < 0 || u.gpu_pool > kMaxGpuPool) {
    return absl::InvalidArgumentError(absl::StrCat("usage entry of cluster pool ", u.gpu_pool,
                                                   ": not a pool index we hold"));
  }
  return absl::OkStatus();
}

EntryRow RowOf(const UsageRecord& u, int64_t job) {
  EntryRow r;
  r.job = job;
  r.start = u.start;
  r.end = u.end;
  r.gpus = u.gpus;
  r.category = static_cast<uint8_t>(CategoryIndex(u.category));
  r.pool = static_cast<uint8_t>(u.pool);
  r.gpu_pool = static_cast<uint16_t>(u.gpu_pool);
  return r;
}

void EntryRows::Add(const UsageRecord& u, int64_t job) { Add(RowOf(u, job), u.nodes); }

void EntryRows::Add(EntryRow r, absl::string_view row_nodes) {
  r.nodes_at = static_cast<uint32_t>(nodes.size());
  r.nodes_size = static_cast<uint32_t>(row_nodes.size());
  nodes.append(row_nodes.data(), row_nodes.size());
  rows.push_back(r);
}

void PackRows(const EntryRows& rows, std::string* out) {
  std::string& packed = *out;
  packed.reserve(packed.size() + rows.size() * 8 + rows.nodes.size());
  int64_t job = -1, end = 0;
  for (const EntryRow& r : rows.rows) {
    const bool has_job = r.job >= 0;
    packed.push_back(static_cast<char>(r.category | r.pool << 3 | (has_job ? kJobBit : 0) |
                                       (r.nodes_size == 0 ? 0 : kNodesBit) |
                                       (r.gpu_pool == 0 ? 0 : kGpuPoolBit)));
    if (has_job) {
      PutVarint(Zigzag(r.job - job), &packed);
      job = r.job;
    }
    PutVarint(Zigzag(r.end - end), &packed);
    end = r.end;
    PutVarint(static_cast<uint64_t>(r.end - r.start), &packed);
    PutVarint(static_cast<uint64_t>(r.gpus), &packed);
    if (r.gpu_pool != 0) PutVarint(r.gpu_pool, &packed);
    if (r.nodes_size != 0) {
      PutVarint(r.nodes_size, &packed);
      packed.append(rows.nodes, r.nodes_at, r.nodes_size);
    }
  }
}

absl::Status AddEntries(const UsageRecord* entries, size_t count, EntryRows* rows) {
  rows->rows.reserve(rows->size() + count);
  for (size_t i = 0; i < count; ++i) {
    const UsageRecord& u = entries[i];
    if (absl::Status s = CheckEntry(u); !s.ok()) return s;
    rows->Add(u, u.job_id.empty() ? -1 : u.job);
  }
  return absl::OkStatus();
}

absl::Status PackEntries(const UsageRecord* entries, size_t count, std::string* out) {
  EntryRows rows;
  if (absl::Status s = AddEntries(entries, count, &rows); !s.ok()) return s;
  PackRows(rows, out);
  return absl::OkStatus();
}

namespace packing {

bool Bytes::Varint(uint64_t* v) {
  uint64_t x = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p_ == end_) return false;
    const auto b = static_cast<unsigned char>(*p_++);
    x |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) {
      *v = x;
      return true;
    }
  }
  return false;  // more than 10 bytes: not a varint of ours
}

bool Reader::Next(PackedEntry* e) {
  if (p_ == end_) return false;
  const auto flags = static_cast<unsigned char>(*p_++);
  if ((flags & 7) >= kCategoryCount) return false;
  e->category = flags & 7;
  e->pool = static_cast<Pool>((flags >> 3) & 3);
  uint64_t v = 0;
  if (flags & kJobBit) {
    if (!Varint(&v)) return false;
    job_ = AddDelta(job_, v);
    if (job_ < 0) return false;
    e->job = job_;
  } else {
    e->job = -1;
  }
  if (!Varint(&v)) return false;
  end_time_ = AddDelta(end_time_, v);
  e->end = end_time_;
  uint64_t length = 0, gpus = 0;
  if (!Varint(&length) || !Varint(&gpus) || e->end < 0 || length > static_cast<uint64_t>(e->end) ||
      length > static_cast<uint64_t>(kMaxEntrySeconds) ||
      gpus > static_cast<uint64_t>(kMaxEntryGpus)) {
    return false;  // starts are never negative; no entry is longer or wider
  }
  e->start = e->end - static_cast<int64_t>(length);
  e->gpus = static_cast<int64_t>(gpus);
  e->gpu_pool = 0;
  if (flags & kGpuPoolBit) {
    uint64_t pool = 0;
    if (!Varint(&pool) || pool == 0 || pool > static_cast<uint64_t>(kMaxGpuPool)) return false;
    e->gpu_pool = static_cast<int>(pool);
  }
  e->nodes = {};
  if (flags & kNodesBit) {
    uint64_t n = 0;
    if (!Varint(&n) || n == 0 || n > static_cast<uint64_t>(end_ - p_)) return false;
    e->nodes = absl::string_view(p_, n);
    p_ += n;
  }
  return true;
}

bool JobReader::Text(absl::string_view* s) {
  uint64_t n = 0;
  if (!Varint(&n) || n > static_cast<uint64_t>(end_ - p_)) return false;
  *s = absl::string_view(p_, n);
  p_ += n;
  return true;
}

bool JobReader::Name(absl::string_view* s) {
  uint64_t k = 0;
  if (!Varint(&k) || k > names_.size()) return false;
  if (k == names_.size()) {
    absl::string_view fresh;
    if (!Text(&fresh)) return false;
    names_.push_back(fresh);
  }
  *s = names_[k];
  return true;
}

bool JobReader::Next(PackedJob* j) {
  if (p_ == end_) return false;
  const char kind = *p_++;
  uint64_t v = 0;
  if (kind == 1) {
    if (!Varint(&v)) return false;
    id_ = AddDelta(id_, v);
    if (id_ < 0) return false;
    const int n = std::snprintf(id_text_, sizeof id_text_, "%lld", static_cast<long long>(id_));
    j->id = absl::string_view(id_text_, static_cast<size_t>(n));
  } else if (kind != 0 || !Text(&j->id)) {
    return false;
  }
  uint64_t gpus = 0, run = 0, prio = 0;
  if (!Name(&j->phase) || !Name(&j->project) || !Varint(&gpus) || !Varint(&prio) || !Varint(&v) ||
      !Varint(&run) || gpus > INT32_MAX || run > static_cast<uint64_t>(INT64_MAX)) {
    return false;
  }
  j->gpus = static_cast<int64_t>(gpus);
  j->priority = Unzigzag(prio);
  submit_ = AddDelta(submit_, v);
  j->submit = submit_;
  j->run_seconds = static_cast<int64_t>(run);
  return true;
}

}  // namespace packing
}  // namespace gpuledger::ledger

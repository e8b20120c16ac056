#include "ledger/digest.h"

#include <cstring>

#include "base/sha256.h"

namespace gpuledger::ledger {

namespace {

// Integers as 8 bytes, least significant first; text as its length so,
// then its bytes.
void PutInt(std::string* out, int64_t v) {
  uint64_t u = static_cast<uint64_t>(v);
  char b[8];
  for (char& c : b) {
    c = static_cast<char>(u & 0xff);
    u >>= 8;
  }
  out->append(b, 8);
}

void PutText(std::string* out, absl::string_view s) {
  PutInt(out, static_cast<int64_t>(s.size()));
  out->append(s.data(), s.size());
}

}  // namespace

// One section's hash, fed through a buffer: SHA-256 is fast on long inputs
// and slow on a call per entry.
struct RunDigest::Part {
  base::Sha256 sha;
  std::string buffer;
  int64_t count = 0;
  void Done() {
    ++count;
    if (buffer.size() >= (64 << 10)) Flush();
  }
  void Flush() {
    sha.Update(buffer);
    buffer.clear();
  }
};

RunDigest::RunDigest()
    : jobs_(std::make_unique<Part>()),
      entries_(std::make_unique<Part>()),
      events_(std::make_unique<Part>()) {}
RunDigest::~RunDigest() = default;

void RunDigest::AddJob(absl::string_view id, absl::string_view phase, absl::string_view project,
                       int64_t gpus, int64_t priority, int64_t submit, int64_t run_seconds) {
  std::string* b = &jobs_->buffer;
  PutText(b, id);
  PutText(b, phase);
  PutText(b, project);
  PutInt(b, gpus);
  PutInt(b, priority);
  PutInt(b, submit);
  PutInt(b, run_seconds);
  jobs_->Done();
}

void RunDigest::AddEntry(int64_t job, int category, int64_t start, int64_t end, int64_t gpus,
                         Pool pool, absl::string_view nodes, int gpu_pool) {
  std::string* b = &entries_->buffer;
  PutInt(b, job);
  PutText(b, kCategories[category]);
  PutInt(b, start);
  PutInt(b, end);
  PutInt(b, gpus);
  PutText(b, PoolName(pool));
  PutText(b, nodes);
  // Only entries of a mixed cluster's later pools say which: a cluster of
  // one pool digests as before. The pool's field follows its own tag, which
  // no entry of one pool has where it would stand (a job ordinal of -2).
  if (gpu_pool != 0) {
    PutInt(b, -2);
    PutInt(b, gpu_pool);
  }
  entries_->Done();
}

void RunDigest::AddEvent(const JobEvent& e) {
  std::string* b = &events_->buffer;
  PutInt(b, e.time);
  PutText(b, e.job_id);
  PutText(b, e.kind);
  PutText(b, e.nodes);
  PutText(b, e.cause);
  events_->Done();
}

std::string RunDigest::Finish(const RunRecord& r, int64_t idle, int64_t down) {
  std::string b;
  PutText(&b, "gpuledger run digest 1");
  for (absl::string_view text : {r.plan_name, r.plan_source, r.plan_sha256, r.gpu_model}) {
    PutText(&b, text);
  }
  PutInt(&b, r.nodes);
  PutInt(&b, r.gpus_per_node);
  uint64_t watts;
  static_assert(sizeof(watts) == sizeof(r.gpu_tdp_watts));
  std::memcpy(&watts, &r.gpu_tdp_watts, sizeof(watts));
  PutInt(&b, static_cast<int64_t>(watts));
  PutText(&b, r.policy);
  PutInt(&b, r.seed);
  PutText(&b, r.pricing);
  PutText(&b, r.strategy);
  PutText(&b, r.wall_start);
  PutText(&b, r.wall_end);
  PutInt(&b, r.sim_start);
  PutInt(&b, r.sim_end);
  PutText(&b, RunStatusName(r.status));
  PutText(&b, r.metrics);
  PutInt(&b, idle);
  PutInt(&b, down);
  // A start date only where the run has one, so the digests of runs
  // without a calendar stay what they were before runs could have one.
  if (r.start_utc) {
    PutText(&b, "start_utc");
    PutInt(&b, *r.start_utc);
  }
  // Likewise a mixed cluster's pools.
  if (!r.pools.empty()) {
    PutText(&b, "pools");
    PutText(&b, FormatRunPools(r.pools));
  }
  for (Part* p : {jobs_.get(), entries_.get(), events_.get()}) {
    p->Flush();
    PutInt(&b, p->count);
    b += p->sha.Digest();
  }
  base::Sha256 all;
  all.Update(b);
  return all.HexDigest();
}

}  // namespace gpuledger::ledger

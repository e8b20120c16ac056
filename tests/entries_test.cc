// Packed usage entries: every field comes back as written, for made-up
// entries at the edges and for every entry of real replays; bad entries are
// refused; corrupt bytes are DataLoss, never a crash or a wrong entry count.
#include "ledger/entries.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "replay/replay.h"
#include "tests/temp_dir.h"
#include "traces/plan.h"
#include "traces/swf.h"

namespace gpuledger::ledger {
namespace {

UsageRecord Entry(const std::string& job, int64_t ordinal, const std::string& category,
                  int64_t start, int64_t end, int gpus, Pool pool = Pool::kNone,
                  const std::string& nodes = "") {
  UsageRecord u;
  u.job_id = job;
  u.job = ordinal;
  u.category = category;
  u.start = start;
  u.end = end;
  u.gpus = gpus;
  u.gpu_seconds = (end - start) * gpus;
  u.pool = pool;
  u.nodes = nodes;
  return u;
}

std::vector<PackedEntry> Unpack(const std::string& packed, size_t count) {
  std::vector<PackedEntry> out;
  absl::Status s = UnpackEntries(packed, count, [&](const PackedEntry& e) { out.push_back(e); });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

void ExpectSame(const UsageRecord& u, const PackedEntry& e) {
  EXPECT_EQ(e.job, u.job_id.empty() ? -1 : u.job);
  EXPECT_EQ(kCategories[e.category], u.category);
  EXPECT_EQ(e.start, u.start);
  EXPECT_EQ(e.end, u.end);
  EXPECT_EQ(e.gpus, u.gpus);
  EXPECT_EQ(e.pool, u.pool);
  EXPECT_EQ(std::string(e.nodes), u.nodes);
}

const std::vector<UsageRecord> kEdges = {
    Entry("a", 5, "productive", 0, 10, 8, Pool::kNone, "0-255"),
    Entry("", -1, "idle", 0, 100000000000, 1'000'000),   // the longest replay, a huge cluster
    Entry("b", 0, "lost", 99, 100, 1, Pool::kOnDemand),  // ordinal going down
    Entry("c", 4'000'000, "checkpoint", 7, 7, 0, Pool::kReserved, "3[4]"),  // empty, ordinal up
    Entry("", -1, "down", 3, 5, 16, Pool::kOwned),                          // end going down
    Entry("d", 4'000'000, "provisioning", 1, 2, 3, Pool::kOnDemand),
    Entry("e", 1, "restart", 0, 0, 8),
};

TEST(Entries, EveryFieldComesBack) {
  std::string packed = "kept";  // appends after what is there
  ASSERT_TRUE(PackEntries(kEdges.data(), kEdges.size(), &packed).ok());
  ASSERT_EQ(packed.substr(0, 4), "kept");
  const std::string body = packed.substr(4);  // the entries' nodes point into it
  const std::vector<PackedEntry> back = Unpack(body, kEdges.size());
  ASSERT_EQ(back.size(), kEdges.size());
  for (size_t i = 0; i < back.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectSame(kEdges[i], back[i]);
  }
}

TEST(Entries, BadEntriesAreRefusedAndChangeNothing) {
  std::string packed = "x";
  for (const UsageRecord& bad :
       {Entry("a", 0, "running", 0, 1, 1), Entry("a", -1, "productive", 0, 1, 1),
        Entry("a", 0, "productive", 5, 4, 1), Entry("", -1, "idle", -1, 4, 1),
        Entry("", -1, "idle", 0, 4, -2)}) {
    const std::vector<UsageRecord> batch = {kEdges[0], bad};
    EXPECT_EQ(PackEntries(batch.data(), batch.size(), &packed).code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(packed, "x");
  }
}

// Entries longer than the longest replay or wider than the largest cluster
// are refused, so an entry's GPU-seconds always fit int64; bytes claiming
// one are DataLoss.
TEST(Entries, BoundsKeepEveryProductInRange) {
  EXPECT_TRUE(CheckEntry(Entry("", -1, "idle", 0, kMaxEntrySeconds, kMaxEntryGpus)).ok());
  EXPECT_EQ(CheckEntry(Entry("", -1, "idle", 0, kMaxEntrySeconds + 1, 1)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckEntry(Entry("", -1, "idle", 0, 1, kMaxEntryGpus + 1)).code(),
            absl::StatusCode::kInvalidArgument);
  // flags (idle), end 2^40 (zigzag varint), length 2^40, GPUs 2^30.
  auto varint = [](uint64_t v) {
    std::string s;
    while (v >= 0x80) {
      s.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    s.push_back(static_cast<char>(v));
    return s;
  };
  const std::string wide = std::string(1, '\x05') + varint(uint64_t{1} << 41) +
                           varint(uint64_t{1} << 40) + varint(uint64_t{1} << 30);
  EXPECT_EQ(UnpackEntries(wide, 1, [](const PackedEntry&) {}).code(), absl::StatusCode::kDataLoss);
}

TEST(Entries, CorruptBytesAreDataLoss) {
  std::string packed;
  ASSERT_TRUE(PackEntries(kEdges.data(), kEdges.size(), &packed).ok());
  auto count = [&](const std::string& bytes, size_t n) {
    return UnpackEntries(bytes, n, [](const PackedEntry&) {}).code();
  };
  EXPECT_EQ(count(packed, kEdges.size()), absl::StatusCode::kOk);
  EXPECT_EQ(count(packed, kEdges.size() - 1), absl::StatusCode::kDataLoss);  // extra bytes
  EXPECT_EQ(count(packed, kEdges.size() + 1), absl::StatusCode::kDataLoss);  // too few
  for (size_t cut = 0; cut < packed.size(); ++cut) {
    EXPECT_EQ(count(packed.substr(0, cut), kEdges.size()), absl::StatusCode::kDataLoss) << cut;
  }
  EXPECT_EQ(count(std::string(1, '\x80') + packed.substr(1), kEdges.size()),
            absl::StatusCode::kDataLoss);  // a flags byte not ours
  EXPECT_EQ(count(std::string(11, '\xff'), 1), absl::StatusCode::kDataLoss);  // endless varint
  // Every single-byte change unpacks or is DataLoss; none crashes.
  for (size_t i = 0; i < packed.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = packed;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      const absl::StatusCode c = count(flipped, kEdges.size());
      EXPECT_TRUE(c == absl::StatusCode::kOk || c == absl::StatusCode::kDataLoss);
    }
  }
}

class EntriesReplayTest : public testing::TempDirTest {};

// Every entry of replays with failures, checkpoints and repairs, and of an
// SWF trace, packed and unpacked: the same as the ledger holds, in a few
// bytes each.
TEST_F(EntriesReplayTest, RealReplaysComeBackWhole) {
  auto l = Ledger::Open(Path("l.sqlite"));
  ASSERT_TRUE(l.ok());
  auto plan = traces::LoadPlanFile(std::string(GPULEDGER_SOURCE_DIR) +
                                   "/traces/deepseek-v3-r1-failures.textproto");
  ASSERT_TRUE(plan.ok());
  ASSERT_TRUE(replay::ReplayWorkload(*plan, **l, 3).ok());
  auto swf = traces::LoadSwfFile(GPULEDGER_TEST_DATA "/lublin_256.swf.gz", {});
  ASSERT_TRUE(swf.ok());
  ASSERT_TRUE(replay::ReplayWorkload(*swf, **l, 0, {scheduler::Policy::kEasy, -1}).ok());
  for (int64_t run : {1, 2}) {
    auto jobs = (*l)->ListJobs(run);
    auto usage = (*l)->ListUsage(run);
    ASSERT_TRUE(jobs.ok() && usage.ok());
    std::map<std::string, int64_t> ordinal;
    for (size_t i = 0; i < jobs->size(); ++i) ordinal[(*jobs)[i].job_id] = static_cast<int64_t>(i);
    for (UsageRecord& u : *usage) u.job = u.job_id.empty() ? -1 : ordinal.at(u.job_id);
    std::string packed;
    ASSERT_TRUE(PackEntries(usage->data(), usage->size(), &packed).ok());
    const std::vector<PackedEntry> back = Unpack(packed, usage->size());
    ASSERT_EQ(back.size(), usage->size());
    for (size_t i = 0; i < back.size(); ++i) ExpectSame((*usage)[i], back[i]);
    // Nodes are kept where they carry information: the plan's 8-GPU nodes
    // (every job entry names them), not the SWF trace's one-GPU nodes that
    // never fail (none does). Besides them, a few bytes an entry.
    size_t node_bytes = 0, with_nodes = 0, job_entries = 0;
    for (const UsageRecord& u : *usage) {
      node_bytes += u.nodes.size();
      with_nodes += !u.nodes.empty();
      job_entries += !u.job_id.empty();
    }
    EXPECT_EQ(with_nodes, run == 1 ? job_entries : 0) << run;
    EXPECT_LT(static_cast<double>(packed.size() - node_bytes) / usage->size(), 9.0) << run;
  }
}

}  // namespace
}  // namespace gpuledger::ledger

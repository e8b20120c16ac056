// The server's pooled read connections: reused while the path names the
// same file, never once it names another (a replaced ledger), not even a
// connection that was out when the file was replaced.
#include "server/reader_pool.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"
#include "ledger/store.h"
#include "tests/temp_dir.h"

namespace gpuledger::server {
namespace {

class ReaderPoolTest : public testing::TempDirTest {
 protected:
  // A ledger at `name` holding `runs` runs.
  std::string Make(const std::string& name, int runs) {
    auto l = ledger::Ledger::Open(Path(name));
    EXPECT_TRUE(l.ok());
    for (int i = 0; i < runs; ++i) {
      ledger::RunRecord r;
      r.plan_name = name;
      auto w = (*l)->StartRun(r, {});
      EXPECT_TRUE(w.ok());
      EXPECT_TRUE((*w)->Finish(ledger::RunStatus::kComplete, 0, 0, "", 0, 0).ok());
    }
    return Path(name);
  }
  static size_t Runs(ReaderPool& pool) {
    auto h = pool.Acquire();
    EXPECT_TRUE(h.ok());
    auto runs = (*h)->ListRuns();
    EXPECT_TRUE(runs.ok());
    return runs->size();
  }
};

TEST_F(ReaderPoolTest, ReusesConnectionsOnlyForTheSameFile) {
  const std::string path = Make("l.sqlite", 1);
  const std::string other = Make("other.sqlite", 2);
  ReaderPool pool(path);
  ledger::Ledger* first = nullptr;
  {
    auto h = pool.Acquire();
    ASSERT_TRUE(h.ok());
    first = h->get();
  }
  {
    auto h = pool.Acquire();  // the same connection again
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->get(), first);
  }
  // One connection is out while the file is replaced: neither it nor any
  // other reads the old file afterwards.
  auto out = pool.Acquire();
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(std::rename(other.c_str(), path.c_str()), 0);
  EXPECT_EQ(Runs(pool), 2u);
  out->reset();  // given back: the old file's, so dropped
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Runs(pool), 2u);
  // A path with no ledger is OpenForReading's NotFound.
  ASSERT_EQ(std::remove(path.c_str()), 0);
  EXPECT_EQ(pool.Acquire().status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ReaderPoolTest, IdleConnectionsAreClosedOldestFirst) {
  const std::string path = Make("l.sqlite", 1);
  ReaderPool pool(path);
  {
    auto a = pool.Acquire(), b = pool.Acquire();  // two at once: two kept when given back
    ASSERT_TRUE(a.ok() && b.ok());
  }
  EXPECT_EQ(pool.DropIdle(std::chrono::hours(1)), 0u);  // none idle that long
  EXPECT_EQ(pool.DropIdle(std::chrono::seconds(0)), 2u);
  EXPECT_EQ(pool.DropIdle(std::chrono::seconds(0)), 0u);
  EXPECT_EQ(Runs(pool), 1u);  // a fresh connection then
}

}  // namespace
}  // namespace gpuledger::server

// GetCostReport keeps complete runs' answers (server/report_cache.h): asked
// again, every grouping and view gives what a report built afresh gives; a
// pricing override is a question of its own; and a ledger replaced on disk
// is answered from the new file, never from what was kept of the old one.
#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include <grpcpp/grpcpp.h>

#include "gtest/gtest.h"
#include "ledger/store.h"
#include "replay/replay.h"
#include "report/cost.h"
#include "server/convert.h"
#include "server/ledger_service.h"
#include "tests/temp_dir.h"
#include "traces/plan.h"

namespace gpuledger::server {
namespace {

// A two-node plan whose rental price is `usd_per_hour`.
std::string Plan(const std::string& usd_per_hour) {
  return "name: \"small\"\n"
         "cluster { gpu: \"H800\" nodes: 2 }\n"
         "pricing { rental { usd_per_gpu_hour: " +
         usd_per_hour +
         " } }\n"
         "jobs { id: \"a\" phase: PRETRAIN project: \"P\" gpus: 16 gpu_hours: 32 }\n"
         "jobs { id: \"b\" phase: RL project: \"P\" gpus: 4 wall_clock_hours: 3 after: \"a\" }\n"
         "jobs { id: \"c\" phase: EVAL project: \"Q\" gpus: 2 gpu_hours: 1 }\n";
}

class ReportCacheTest : public testing::TempDirTest {
 protected:
  // A ledger at `name` with one complete replay of Plan(usd_per_hour).
  std::string Make(const std::string& name, const std::string& usd_per_hour, int64_t seed = 1,
                   scheduler::Policy policy = scheduler::Policy::kFcfs) {
    auto w = traces::LoadPlanText(Plan(usd_per_hour), "small.textproto");
    EXPECT_TRUE(w.ok()) << w.status();
    auto l = ledger::Ledger::Open(Path(name));
    EXPECT_TRUE(l.ok());
    EXPECT_TRUE(replay::ReplayWorkload(*std::move(w), **l, seed, {policy, -1}).ok());
    return Path(name);
  }
  // Copies the ledger at `from` over the one at `to` in place (SQLite's
  // backup: the same file, new contents).
  static void CopyInPlace(const std::string& from, const std::string& to) {
    sqlite3 *src = nullptr, *dst = nullptr;
    ASSERT_EQ(sqlite3_open(from.c_str(), &src), SQLITE_OK);
    ASSERT_EQ(sqlite3_open(to.c_str(), &dst), SQLITE_OK);
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(sqlite3_backup_step(b, -1), SQLITE_DONE);
    EXPECT_EQ(sqlite3_backup_finish(b), SQLITE_OK);
    sqlite3_close(dst);
    sqlite3_close(src);
  }
  // The answer a report built afresh gives.
  static v1::CostReport Fresh(const std::string& path, v1::GroupBy by, v1::CostView view,
                              const v1::Pricing* pricing = nullptr) {
    auto l = ledger::Ledger::OpenForReading(path);
    EXPECT_TRUE(l.ok());
    ledger::GroupBy g = by == v1::GROUP_BY_PROJECT ? ledger::GroupBy::kProject
                        : by == v1::GROUP_BY_DAY   ? ledger::GroupBy::kDay
                                                   : ledger::GroupBy::kJob;
    auto r = report::BuildCostReport(**l, 1, g, false, pricing);
    EXPECT_TRUE(r.ok()) << r.status();
    return ReportToProto(*r, view);
  }
  // The service behind a server of its own, asked over an in-process
  // channel: the answers a client gets.
  struct Served {
    explicit Served(LedgerServiceImpl* service) {
      grpc::ServerBuilder b;
      b.RegisterService(service);
      server = b.BuildAndStart();
      stub = v1::LedgerService::NewStub(server->InProcessChannel({}));
    }
    ~Served() { server->Shutdown(); }
    std::unique_ptr<grpc::Server> server;
    std::unique_ptr<v1::LedgerService::Stub> stub;
  };
  static v1::CostReport Ask(Served& served, v1::GroupBy by, v1::CostView view,
                            const v1::Pricing* pricing = nullptr) {
    v1::GetCostReportRequest req;
    req.set_name("runs/1");
    req.set_group_by(by);
    req.set_view(view);
    if (pricing != nullptr) *req.mutable_pricing_override() = *pricing;
    v1::CostReport resp;
    grpc::ClientContext ctx;
    const grpc::Status s = served.stub->GetCostReport(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }
};

TEST_F(ReportCacheTest, AskedAgainGivesTheFreshAnswer) {
  const std::string path = Make("l.sqlite", "2");
  LedgerServiceImpl service(path);
  Served served(&service);
  v1::Pricing dearer;
  dearer.mutable_rental()->set_usd_per_gpu_hour(3);
  for (int round = 0; round < 2; ++round) {  // built, then kept
    for (v1::GroupBy by : {v1::GROUP_BY_JOB, v1::GROUP_BY_PROJECT, v1::GROUP_BY_DAY}) {
      for (v1::CostView view : {v1::COST_VIEW_UNSPECIFIED, v1::COST_VIEW_RENTAL}) {
        EXPECT_EQ(Ask(served, by, view).SerializeAsString(),
                  Fresh(path, by, view).SerializeAsString());
        EXPECT_EQ(Ask(served, by, view, &dearer).SerializeAsString(),
                  Fresh(path, by, view, &dearer).SerializeAsString());
      }
    }
  }
  // The override is its own question: its answer is not the plain one.
  EXPECT_NE(Ask(served, v1::GROUP_BY_PROJECT, v1::COST_VIEW_RENTAL).SerializeAsString(),
            Ask(served, v1::GROUP_BY_PROJECT, v1::COST_VIEW_RENTAL, &dearer).SerializeAsString());
}

TEST_F(ReportCacheTest, AReplacedLedgerIsAnsweredFromTheNewFile) {
  const std::string path = Make("l.sqlite", "2");
  const std::string other = Make("other.sqlite", "4");
  LedgerServiceImpl service(path);
  Served served(&service);
  const v1::CostReport before = Ask(served, v1::GROUP_BY_PROJECT, v1::COST_VIEW_RENTAL);
  ASSERT_EQ(before.SerializeAsString(),
            Ask(served, v1::GROUP_BY_PROJECT, v1::COST_VIEW_RENTAL).SerializeAsString());
  ASSERT_EQ(std::rename(other.c_str(), path.c_str()), 0);
  const v1::CostReport after = Ask(served, v1::GROUP_BY_PROJECT, v1::COST_VIEW_RENTAL);
  EXPECT_EQ(after.SerializeAsString(),
            Fresh(path, v1::GROUP_BY_PROJECT, v1::COST_VIEW_RENTAL).SerializeAsString());
  EXPECT_NE(after.SerializeAsString(), before.SerializeAsString());  // twice the price
}

// The same file given other contents (a restore, a backup copied in): the
// prices are the same, the run is another (seed, policy), and the answer
// says so, as a report built afresh does.
TEST_F(ReportCacheTest, ALedgerOverwrittenInPlaceIsAnsweredFromItsNewContents) {
  const std::string path = Make("l.sqlite", "2", 1, scheduler::Policy::kFcfs);
  const std::string other = Make("other.sqlite", "2", 2, scheduler::Policy::kEasy);
  struct stat before_st, after_st;
  ASSERT_EQ(::stat(path.c_str(), &before_st), 0);
  LedgerServiceImpl service(path);
  Served served(&service);
  const v1::CostReport before = Ask(served, v1::GROUP_BY_PROJECT, v1::COST_VIEW_RENTAL);
  ASSERT_EQ(before.SerializeAsString(),
            Ask(served, v1::GROUP_BY_PROJECT, v1::COST_VIEW_RENTAL).SerializeAsString());
  CopyInPlace(other, path);
  ASSERT_EQ(::stat(path.c_str(), &after_st), 0);
  ASSERT_EQ(before_st.st_ino, after_st.st_ino);  // the same file
  const v1::CostReport after = Ask(served, v1::GROUP_BY_PROJECT, v1::COST_VIEW_RENTAL);
  EXPECT_EQ(after.SerializeAsString(),
            Fresh(path, v1::GROUP_BY_PROJECT, v1::COST_VIEW_RENTAL).SerializeAsString());
  EXPECT_NE(after.SerializeAsString(), before.SerializeAsString());
}

}  // namespace
}  // namespace gpuledger::server

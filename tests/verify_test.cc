// `gpuledger ledger verify` (Ledger::Verify): a sound ledger passes, and
// each thing it checks, changed behind the ledger's back, is named.
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "ledger/store.h"
#include "tests/temp_dir.h"

namespace gpuledger::ledger {
namespace {

class VerifyTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    path_ = Path("l.sqlite");
  }

  std::unique_ptr<Ledger> Open() {
    auto l = Ledger::Open(path_, true, [] { return int64_t{1767225600}; });
    EXPECT_TRUE(l.ok()) << l.status();
    return l.ok() ? std::move(*l) : nullptr;
  }

  // 2 nodes x 8 GPUs.
  static RunRecord Run() {
    RunRecord r;
    r.plan_name = "hand";
    r.plan_source = "hand.textproto";
    r.plan_sha256 = std::string(64, 'a');
    r.gpu_model = "X";
    r.nodes = 2;
    r.gpus_per_node = 8;
    r.gpu_tdp_watts = 700;
    r.policy = "fcfs";
    r.pricing = "rental { usd_per_gpu_hour: 2 }\n";
    return r;
  }

  // A complete run on [0, 10): job "a" (8 GPUs, 10 s of work) productive
  // throughout, 8 GPUs idle, a preemption event; `idle_gpus` idle GPUs and
  // `work` seconds make decoys of the same shape.
  void WriteRun(Ledger& l, bool background, int idle_gpus = 8, int64_t work = 10,
                int64_t group = 0, int64_t seed = 0) {
    RunRecord r = Run();
    r.group_id = group;
    r.seed = seed;
    auto w = l.StartRun(
        r, 1, [&](size_t, JobRecord* j) { *j = {"a", "pretrain", "p", 8, 0, 0, work}; },
        background);
    ASSERT_TRUE(w.ok()) << w.status();
    ASSERT_TRUE((*w)->AppendEntry(0, 0, 0, work, 8, Pool::kNone, "0").ok());
    ASSERT_TRUE((*w)->AppendEntry(-1, CategoryIndex("idle"), 0, 10, idle_gpus, Pool::kNone).ok());
    ASSERT_TRUE((*w)->AppendJobEvent({4, "a", "preempt", ""}).ok());
    ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, 10).ok());
  }

  Verification Verify() {
    auto l = Ledger::OpenForReading(path_);
    EXPECT_TRUE(l.ok()) << l.status();
    if (!l.ok()) return {};
    auto v = (*l)->Verify();
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : Verification{};
  }

  // Runs SQL on a connection of its own, around the ledger's triggers.
  void Edit(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "") << " in " << sql;
    sqlite3_free(error);
    sqlite3_close(db);
  }

  static std::string Problems(const Verification& v) { return absl::StrJoin(v.problems, "\n"); }

  // The problems but the missing triggers an edit dropped to make its change.
  static std::vector<std::string> RunProblems(const Verification& v) {
    std::vector<std::string> out;
    for (const std::string& p : v.problems) {
      if (!absl::StartsWith(p, "trigger ")) out.push_back(p);
    }
    return out;
  }

  std::string path_;
};

TEST_F(VerifyTest, ASoundLedgerPassesAndCopiesDigestTheSame) {
  auto l = Open();
  WriteRun(*l, false);
  WriteRun(*l, true);  // the same content through the background writer
  {
    // Left running: counted, its digest not asked for.
    auto w = l->StartRun(Run(), 1, [](size_t, JobRecord* j) { *j = {"b", "rl", "p", 1, 0, 0, 1}; });
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->AppendEntry(0, 0, 0, 1, 1, Pool::kNone).ok());
    ASSERT_TRUE((*w)->Flush().ok());
  }
  l.reset();
  const Verification v = Verify();
  EXPECT_TRUE(v.sound()) << Problems(v);
  EXPECT_EQ(v.runs, 3);
  EXPECT_EQ(v.runs_by_status.at("complete"), 2);
  EXPECT_EQ(v.runs_by_status.at("running"), 1);
  EXPECT_EQ(v.digests, 2);
  EXPECT_EQ(v.jobs, 3);
  EXPECT_EQ(v.entries, 5);
  EXPECT_EQ(v.events, 2);
  // The digest leaves out the run's id and its writer: the two runs of the
  // same content, written two ways, have the same one.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT digest FROM runs ORDER BY run_id", -1, &q, nullptr);
  std::vector<std::string> digests;
  while (sqlite3_step(q) == SQLITE_ROW)
    digests.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
  sqlite3_finalize(q);
  sqlite3_close(db);
  ASSERT_EQ(digests.size(), 3u);
  EXPECT_EQ(digests[0].size(), 64u);
  EXPECT_EQ(digests[0], digests[1]);
  EXPECT_EQ(digests[2], "");  // not finished
}

TEST_F(VerifyTest, VerifyWritesNothingAndReadsAReadOnlyFile) {
  auto l = Open();
  WriteRun(*l, true);
  l.reset();
  auto bytes = [&] {
    std::ifstream f(path_, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  };
  const std::string before = bytes();
  ::chmod(path_.c_str(), 0444);
  const Verification v = Verify();
  EXPECT_TRUE(v.sound()) << Problems(v);
  EXPECT_EQ(v.digests, 1);
  EXPECT_EQ(bytes(), before);
  ::chmod(path_.c_str(), 0644);
}

TEST_F(VerifyTest, AChangedRunFieldChangesItsDigestOnly) {
  auto l = Open();
  WriteRun(*l, false);
  WriteRun(*l, false);
  l.reset();
  Edit("DROP TRIGGER runs_final; UPDATE runs SET pricing = 'rental { usd_per_gpu_hour: 1 }' "
       "WHERE run_id = 2");
  const Verification v = Verify();
  const std::vector<std::string> problems = RunProblems(v);
  ASSERT_EQ(problems.size(), 1u) << Problems(v);
  EXPECT_EQ(v.problems.size(), 2u) << Problems(v);  // and the trigger dropped
  EXPECT_TRUE(absl::StartsWith(problems[0], "run 2: content digest differs")) << problems[0];
  EXPECT_EQ(v.digests, 1);
}

// A start date is part of a run's content: a dated run verifies, and
// dating an undated run, moving a date or removing one each changes the
// digest of that run alone. (An undated run's digest is what it was before
// runs could have dates: the golden transcripts hold those.)
TEST_F(VerifyTest, AStartDateIsPartOfTheDigest) {
  auto l = Open();
  WriteRun(*l, false);
  RunRecord dated = Run();
  dated.start_utc = 1735171200;  // 2024-12-26
  auto w = l->StartRun(dated, {{"a", "pretrain", "p", 8, 0, 0, 10}});
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE((*w)->AppendEntry(0, 0, 0, 10, 8, Pool::kNone, "0").ok());
  ASSERT_TRUE((*w)->AppendEntry(-1, CategoryIndex("idle"), 0, 10, 8, Pool::kNone).ok());
  ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, 10).ok());
  w->reset();
  auto back = l->GetRun(2);
  ASSERT_TRUE(back.ok());
  ASSERT_TRUE(back->start_utc.has_value());
  EXPECT_EQ(*back->start_utc, 1735171200);
  l.reset();
  Verification v = Verify();
  EXPECT_TRUE(v.problems.empty()) << Problems(v);
  EXPECT_EQ(v.digests, 2);
  for (const char* edit : {"UPDATE runs SET start_utc = 86400 WHERE run_id = 1",
                           "UPDATE runs SET start_utc = start_utc + 1 WHERE run_id = 2",
                           "UPDATE runs SET start_utc = NULL WHERE run_id = 2"}) {
    SCOPED_TRACE(edit);
    const std::string undo = std::string(edit).find("run_id = 1") != std::string::npos
                                 ? "UPDATE runs SET start_utc = NULL WHERE run_id = 1"
                                 : "UPDATE runs SET start_utc = 1735171200 WHERE run_id = 2";
    Edit(std::string("DROP TRIGGER IF EXISTS runs_final; ") + edit);
    v = Verify();
    // The digest differs (and a stored day total may no longer be its day).
    const std::string run = std::string(edit).find("run_id = 1") != std::string::npos ? "run 1"
                                                                                       : "run 2";
    EXPECT_TRUE(absl::StrContains(Problems(v), run + ": content digest differs")) << Problems(v);
    EXPECT_EQ(v.digests, 1);
    Edit(undo);
    v = Verify();
    EXPECT_EQ(RunProblems(v).size(), 0u) << Problems(v);
  }
}

TEST_F(VerifyTest, AChangedEventChangesTheDigest) {
  auto l = Open();
  WriteRun(*l, true);
  l.reset();
  Edit("DROP TRIGGER job_events_append_only_u; UPDATE job_events SET time = 5");
  const Verification v = Verify();
  const std::vector<std::string> problems = RunProblems(v);
  ASSERT_EQ(problems.size(), 1u) << Problems(v);
  EXPECT_EQ(v.problems.size(), 2u) << Problems(v);  // and the trigger dropped
  EXPECT_TRUE(absl::StartsWith(problems[0], "run 1: content digest differs")) << problems[0];
}

TEST_F(VerifyTest, ChangedEntriesBreakTheCapacitySumsAndTheDigest) {
  auto l = Open();
  WriteRun(*l, false);
  WriteRun(*l, false, /*idle_gpus=*/4);  // a decoy whose packed entries hold less idle time
  l.reset();
  Edit("DROP TRIGGER entry_batches_append_only_u; UPDATE entry_batches SET packed = "
       "(SELECT packed FROM entry_batches WHERE run_id = 2) WHERE run_id = 1");
  const Verification v = Verify();
  const std::string p = Problems(v);
  // The decoy run itself is sound but for its capacity (4 of 16 GPUs idle
  // leaves 4 GPUs unaccounted for).
  EXPECT_TRUE(absl::StrContains(
      p, "run 1: busy, idle and down GPU-seconds sum to 120; its 16 GPUs over 10 s hold 160"))
      << p;
  EXPECT_TRUE(absl::StrContains(p, "run 1: stores 80 idle GPU-seconds; its entries hold 40")) << p;
  EXPECT_TRUE(absl::StrContains(p, "run 1: content digest differs")) << p;
  EXPECT_TRUE(absl::StrContains(p, "run 2: busy, idle and down GPU-seconds sum to 120")) << p;
  EXPECT_FALSE(absl::StrContains(p, "run 2: content digest differs")) << p;
}

TEST_F(VerifyTest, ChangedJobsBreakTheWorkAndTheDigest) {
  auto l = Open();
  WriteRun(*l, false);
  WriteRun(*l, false, 8, /*work=*/9);  // its job asks for 9 s, and gets 9
  l.reset();
  Edit("DROP TRIGGER job_batches_append_only_u; UPDATE job_batches SET packed = "
       "(SELECT packed FROM job_batches WHERE run_id = 2) WHERE run_id = 1");
  const Verification v = Verify();
  const std::string p = Problems(v);
  EXPECT_TRUE(absl::StrContains(
      p, "run 1: job ordinal 0 has 80 productive GPU-seconds; its work is 72"))
      << p;
  EXPECT_TRUE(absl::StrContains(p, "run 1: content digest differs")) << p;
  // The decoy: its job's 72 GPU-seconds and 80 idle leave 8 GPUs x 1 s.
  EXPECT_TRUE(absl::StrContains(p, "run 2: busy, idle and down GPU-seconds sum to 152")) << p;
}

TEST_F(VerifyTest, ChangedGroupTotalsAreNamed) {
  auto l = Open();
  WriteRun(*l, false);
  l.reset();
  Edit("DROP TRIGGER group_totals_append_only_u; UPDATE group_totals SET gpu_seconds = 79 "
       "WHERE grouping = 'phase'");
  const Verification v = Verify();
  const std::vector<std::string> problems = RunProblems(v);
  ASSERT_EQ(problems.size(), 1u) << Problems(v);
  EXPECT_EQ(v.problems.size(), 2u) << Problems(v);  // and the trigger dropped
  EXPECT_EQ(problems[0],
            "run 1: its total by phase \"pretrain\" (79 GPU-seconds) differs from its entries' "
            "\"pretrain\" (80)");
  EXPECT_EQ(v.digests, 1);  // totals are checked against entries, not digested
}

TEST_F(VerifyTest, EntriesOutsideTheWindowOrOfMissingJobsAreNamed) {
  auto l = Open();
  auto w = l->StartRun(Run(), 1, [](size_t, JobRecord* j) { *j = {"a", "rl", "p", 8, 0, 0, 10}; });
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->AppendEntry(0, 0, 0, 10, 8, Pool::kNone).ok());
  ASSERT_TRUE((*w)->AppendEntry(-1, CategoryIndex("idle"), 0, 12, 8, Pool::kNone).ok());
  // The writer's window says 10: the idle entry runs past it.
  ASSERT_TRUE((*w)->Finish(RunStatus::kCancelled, 0, 10).ok());
  l.reset();
  const Verification v = Verify();
  ASSERT_EQ(v.problems.size(), 1u) << Problems(v);
  EXPECT_EQ(v.problems[0], "run 1: entry 2 [0, 12) lies outside the run's window [0, 10)");
  EXPECT_EQ(v.digests, 1);  // a cancelled run has a digest too
}

TEST_F(VerifyTest, GroupMembersMustFitTheirGroup) {
  auto l = Open();
  RunGroupRecord g;
  g.plan_name = "hand";
  g.plan_sha256 = std::string(64, 'a');
  g.policy = "fcfs";
  g.first_seed = 0;
  g.seeds = 3;
  auto group = l->CreateRunGroup(g);
  ASSERT_TRUE(group.ok());
  WriteRun(*l, false, 8, 10, *group, 0);
  WriteRun(*l, false, 8, 10, *group, 1);
  l.reset();
  // Two of three seeds: an incomplete group, which is no problem.
  Verification v = Verify();
  EXPECT_TRUE(v.sound()) << Problems(v);
  EXPECT_EQ(v.groups, 1);
  EXPECT_EQ(v.incomplete_groups, 1);
  Edit("DROP TRIGGER runs_final; UPDATE runs SET seed = 7 WHERE run_id = 2; "
       "UPDATE runs SET group_id = 9 WHERE run_id = 1");
  v = Verify();
  const std::string p = Problems(v);
  EXPECT_TRUE(absl::StrContains(p, "run 1: names run group 9, which is not there")) << p;
  EXPECT_TRUE(absl::StrContains(p, "run 2: seed 7, plan aaaaaaaaaaaaaaaa... and policy fcfs do "
                                   "not belong to run group 1"))
      << p;
  EXPECT_TRUE(absl::StrContains(p, "table runs, row 1: names a missing row of run_groups")) << p;
  // A seed is part of the digest too.
  EXPECT_TRUE(absl::StrContains(p, "run 2: content digest differs")) << p;
}

TEST_F(VerifyTest, ABatchsJobRangeAndMissingTriggersAreNamed) {
  auto l = Open();
  WriteRun(*l, false);
  l.reset();
  // Readers find a job's entries by the range each batch says it holds.
  Edit("DROP TRIGGER entry_batches_append_only_u; UPDATE entry_batches SET min_job = 5");
  const Verification v = Verify();
  const std::string p = Problems(v);
  EXPECT_TRUE(absl::StrContains(p, "trigger entry_batches_append_only_u is missing")) << p;
  EXPECT_TRUE(absl::StrContains(
      p, "run 1: the batch of entries from 1 says it holds jobs 5 to 0; its entries are of jobs 0 to 0"))
      << p;
  EXPECT_EQ(v.problem_count, 2);
}

TEST_F(VerifyTest, EveryProblemIsCountedThoughFiveARunAreListed) {
  auto l = Open();
  auto w = l->StartRun(Run(), 1, [](size_t, JobRecord* j) { *j = {"a", "rl", "p", 8, 0, 0, 10}; });
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 7; ++i) {  // seven entries past the window
    ASSERT_TRUE((*w)->AppendEntry(-1, CategoryIndex("idle"), 20 + i, 21 + i, 1, Pool::kNone).ok());
  }
  ASSERT_TRUE((*w)->Finish(RunStatus::kCancelled, 0, 10).ok());
  l.reset();
  const Verification v = Verify();
  EXPECT_EQ(v.problems.size(), 6u) << Problems(v);  // five, then "and 2 more problems"
  EXPECT_EQ(v.problems.back(), "run 1: and 2 more problems");
  EXPECT_EQ(v.problem_count, 7);
}

TEST_F(VerifyTest, AMigratedLedgerGetsDigestsThatVerify) {
  std::filesystem::copy_file(GPULEDGER_TEST_DATA "/ledger_v1.sqlite", path_);
  ASSERT_NE(Open(), nullptr);  // migrates to the current schema
  const Verification v = Verify();
  EXPECT_TRUE(v.sound()) << Problems(v);
  EXPECT_EQ(v.digests, 1);
}

}  // namespace
}  // namespace gpuledger::ledger

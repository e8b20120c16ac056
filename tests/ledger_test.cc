// The ledger: schema and migrations, append-only rules, batched writes,
// incomplete runs, and both cost views against hand calculations.
#include <cmath>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/strings/match.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "report/cost.h"
#include "ledger/store.h"
#include "tests/temp_dir.h"

namespace gpuledger::ledger {
namespace {

class LedgerTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    path_ = Path("l.sqlite");
  }

  std::unique_ptr<Ledger> Open() {
    auto l = Ledger::Open(path_);
    EXPECT_TRUE(l.ok()) << l.status();
    return l.ok() ? std::move(*l) : nullptr;
  }

  // Runs one SQL statement on a separate connection; returns SQLite's code.
  int RawExec(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    sqlite3_busy_timeout(db, 1000);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc;
  }

  // A 2-node x 8 GPU cluster with the given pricing (text format).
  static RunRecord Run(const std::string& pricing) {
    RunRecord r;
    r.plan_name = "hand";
    r.plan_source = "hand.textproto";
    r.plan_sha256 = std::string(64, '0');
    r.gpu_model = "X";
    r.nodes = 2;
    r.gpus_per_node = 8;
    r.gpu_tdp_watts = 1000;
    r.policy = "fcfs";
    r.pricing = pricing;
    return r;
  }

  std::string path_;
};

// Round numbers: $35,064 over 4 years is $1 per GPU-hour of capital; a
// 1,000 W GPU x 2 x 0.5 x PUE 1 at $0.10/kWh is $0.10 of energy per busy hour
// and at idle load 0.25, $0.05 per idle hour.
constexpr char kHandPricing[] = R"pb(
  rental { usd_per_gpu_hour: 3 }
  owned {
    capital_usd_per_gpu: 35064
    network_share: 0
    depreciation: STRAIGHT_LINE
    depreciation_years: 4
    residual_share: 0
    server_power_factor: 2
    busy_load: 0.5
    idle_load: 0.25
    pue: 1
    usd_per_kwh: 0.1
    operations_share_per_year: 0
  }
)pb";

v1::Pricing Parse(const std::string& text) {
  v1::Pricing p;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &p));
  return p;
}

TEST_F(LedgerTest, NewFileGetsCurrentSchemaInWalMode) {
  { auto l = Open(); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), kSchemaVersion);
  sqlite3_finalize(st);
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(LedgerTest, NewerSchemaIsRefused) {
  { auto l = Open(); }
  ASSERT_EQ(RawExec("PRAGMA user_version = 99"), SQLITE_OK);
  auto l = Ledger::Open(path_);
  EXPECT_EQ(l.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(l.status().message().find("newer"), absl::string_view::npos);
}

TEST_F(LedgerTest, EntriesAndFinishedRunsAreAppendOnly) {
  auto l = Open();
  auto w = l->StartRun(Run(kHandPricing), {{"a", "rl", "p", 8, 0, 0, 10}});
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE((*w)->AppendUsage({"a", "rl", "productive", 0, 10, 8, 80}).ok());
  ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, 10).ok());
  EXPECT_EQ(RawExec("UPDATE entry_batches SET entries = 2"), SQLITE_CONSTRAINT);
  EXPECT_EQ(RawExec("DELETE FROM entry_batches"), SQLITE_CONSTRAINT);
  EXPECT_EQ(RawExec("DELETE FROM job_batches"), SQLITE_CONSTRAINT);
  EXPECT_EQ(RawExec("UPDATE job_batches SET jobs = 2"), SQLITE_CONSTRAINT);
  EXPECT_EQ(RawExec("DELETE FROM group_totals"), SQLITE_CONSTRAINT);
  EXPECT_EQ(RawExec("UPDATE runs SET status = 'running'"), SQLITE_CONSTRAINT);
  EXPECT_EQ(RawExec("DELETE FROM runs"), SQLITE_CONSTRAINT);
  // A batch of no entries is refused.
  EXPECT_EQ(RawExec("INSERT INTO entry_batches (first_entry, run_id, entries, packed) "
                    "VALUES (100, 1, 0, x'')"),
            SQLITE_CONSTRAINT);
  // An entry naming a job the run does not have is refused, and so the
  // batch it would have been in.
  auto l2 = Open();
  auto w2 = l2->StartRun(Run(kHandPricing), {{"a", "rl", "p", 8, 0, 0, 10}});
  ASSERT_TRUE(w2.ok());
  ASSERT_TRUE((*w2)->AppendUsage({"a", "rl", "productive", 0, 10, 8, 80}).ok());
  EXPECT_EQ((*w2)->AppendUsage({"b", "rl", "productive", 0, 10, 8, 80}).code(),
            absl::StatusCode::kInvalidArgument);
}

// Comparisons are kept whole, in order, and never change.
TEST_F(LedgerTest, ComparisonsAreKeptAndAppendOnly) {
  auto l = Open();
  const std::string bytes("\x00\x01results\xff", 10);  // any bytes, NULs included
  auto first = l->AddComparison({0, "plan-a", "", bytes});
  auto second = l->AddComparison({0, "plan-b", "", "x"});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_LT(*first, *second);
  auto got = l->GetComparison(*first);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->plan_name, "plan-a");
  EXPECT_EQ(got->results, bytes);
  EXPECT_FALSE(got->created.empty());
  auto all = l->ListComparisons();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].plan_name, "plan-b");
  EXPECT_TRUE((*all)[1].results.empty());  // listed without their results
  EXPECT_EQ(l->GetComparison(*second + 1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(RawExec("UPDATE comparisons SET plan_name = 'x'"), SQLITE_CONSTRAINT);
  EXPECT_EQ(RawExec("DELETE FROM comparisons"), SQLITE_CONSTRAINT);
}

// Pools and statuses are stored by name: every name parses back to its
// value, and other text is refused (the value left as it was).
TEST(LedgerNames, PoolsAndStatusesRoundTrip) {
  for (Pool p : {Pool::kNone, Pool::kOwned, Pool::kReserved, Pool::kOnDemand}) {
    Pool back = p == Pool::kOwned ? Pool::kNone : Pool::kOwned;
    EXPECT_TRUE(ParsePool(PoolName(p), &back)) << PoolName(p);
    EXPECT_EQ(back, p);
  }
  EXPECT_STREQ(PoolName(Pool::kOnDemand), "on-demand");
  Pool pool = Pool::kReserved;
  EXPECT_FALSE(ParsePool("leased", &pool));
  EXPECT_EQ(pool, Pool::kReserved);
  for (RunStatus r : {RunStatus::kRunning, RunStatus::kComplete, RunStatus::kFailed,
                      RunStatus::kCancelled, RunStatus::kAbandoned}) {
    RunStatus back = r == RunStatus::kRunning ? RunStatus::kFailed : RunStatus::kRunning;
    EXPECT_TRUE(ParseRunStatus(RunStatusName(r), &back)) << RunStatusName(r);
    EXPECT_EQ(back, r);
  }
  RunStatus status = RunStatus::kComplete;
  EXPECT_FALSE(ParseRunStatus("done", &status));
  EXPECT_EQ(status, RunStatus::kComplete);
}

// The clock given to Open is the one written: the start from StartRun, the
// end from Finish; SOURCE_DATE_EPOCH fixes the default one.
TEST_F(LedgerTest, TheWallClockIsTheOneGiven) {
  int64_t now = 1767225600;  // 2026-01-01T00:00:00Z
  auto l = Ledger::Open(path_, true, [&now] { return now; });
  ASSERT_TRUE(l.ok()) << l.status();
  auto w = (*l)->StartRun(Run(kHandPricing), {{"a", "rl", "p", 8, 0, 0, 10}});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->AppendUsage({"a", "rl", "productive", 0, 10, 8, 80}).ok());
  now += 3661;
  ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, 10).ok());
  auto run = (*l)->GetRun(1);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->wall_start, "2026-01-01T00:00:00Z");
  EXPECT_EQ(run->wall_end, "2026-01-01T01:01:01Z");
  setenv("SOURCE_DATE_EPOCH", "86400", 1);
  EXPECT_EQ(DefaultClock()(), 86400);
  setenv("SOURCE_DATE_EPOCH", "yesterday", 1);  // not a number: the system clock
  EXPECT_GT(DefaultClock()(), 1767225600);
  unsetenv("SOURCE_DATE_EPOCH");
  EXPECT_GT(DefaultClock()(), 1767225600);
}

TEST_F(LedgerTest, WriterDroppedWithoutFinishLeavesAnIncompleteRun) {
  auto l = Open();
  {
    auto w = l->StartRun(Run(kHandPricing), {{"a", "rl", "p", 8, 0, 0, 10}});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->AppendUsage({"a", "rl", "productive", 0, 5, 8, 40}).ok());
    ASSERT_TRUE((*w)->Flush().ok());
    ASSERT_TRUE((*w)->AppendUsage({"a", "rl", "productive", 5, 10, 8, 40}).ok());
    // Dropped here: the unflushed entry is discarded.
  }
  auto run = l->GetRun(1);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, RunStatus::kRunning);
  EXPECT_EQ(l->ListUsage(1)->size(), 1u);
  EXPECT_EQ(l->LatestCompleteRun().status().code(), absl::StatusCode::kNotFound);
  auto refused = report::BuildCostReport(*l, 1, ledger::GroupBy::kJob, /*allow_partial=*/false);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  auto partial = report::BuildCostReport(*l, 1, ledger::GroupBy::kJob, /*allow_partial=*/true);
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->rows[0].gpu_seconds, 40);
}

TEST_F(LedgerTest, ManyBatchesReadBackInOrder) {
  auto l = Open();
  auto w = l->StartRun(Run(kHandPricing), {{"a", "rl", "p", 1, 0, 0, 1}});
  ASSERT_TRUE(w.ok());
  const int n = 3 * kRowsPerTransaction + 7;
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE((*w)->AppendUsage({"a", "rl", "productive", i, i + 1, 1, 1}).ok());
  }
  ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, n).ok());
  auto l2 = Open();  // a second connection sees everything
  auto usage = l2->ListUsage(1);
  ASSERT_TRUE(usage.ok());
  ASSERT_EQ(usage->size(), static_cast<size_t>(n));
  EXPECT_EQ((*usage)[n - 1].start, n - 1);
}

TEST_F(LedgerTest, BackgroundWriterWritesTheSameRowsAndFinishesAtomically) {
  auto l = Open();
  const int n = 2 * kRowsPerTransaction + 3;  // three batches
  for (bool background : {false, true}) {
    auto w = l->StartRun(
        Run(kHandPricing), 2,
        [](size_t i, JobRecord* r) { *r = {i ? "b" : "a", "rl", "p", 1, 0, 0, 1}; }, background);
    ASSERT_TRUE(w.ok()) << w.status();
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE((*w)->AppendUsage({"a", "rl", "productive", i, i + 1, 1, 1}).ok());
    }
    ASSERT_TRUE((*w)->AppendJobEvent({5, "a", "preempt", ""}).ok());
    ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, n, "", 7).ok());
  }
  auto a = l->ListUsage(1), b = l->ListUsage(2);
  ASSERT_EQ(a->size(), static_cast<size_t>(n));
  ASSERT_EQ(b->size(), a->size());
  for (size_t i = 0; i < a->size(); ++i) EXPECT_EQ((*a)[i].start, (*b)[i].start);
  EXPECT_EQ(l->ListJobs(2)->size(), 2u);
  EXPECT_EQ(l->ListJobEvents(2)->size(), 1u);
  EXPECT_EQ(l->GetRun(2)->status, RunStatus::kComplete);
  EXPECT_EQ(*l->IdleGpuSeconds(2), 7);
}

TEST_F(LedgerTest, DroppedBackgroundWriterKeepsHandedOverBatchesOnly) {
  auto l = Open();
  {
    auto w = l->StartRun(
        Run(kHandPricing), 1, [](size_t, JobRecord* r) { *r = {"a", "rl", "p", 1, 0, 0, 1}; },
        true);
    ASSERT_TRUE(w.ok());
    for (int i = 0; i < kRowsPerTransaction + 10; ++i) {  // one full batch and 10 rows
      ASSERT_TRUE((*w)->AppendUsage({"a", "rl", "productive", i, i + 1, 1, 1}).ok());
    }
  }
  EXPECT_EQ(l->GetRun(1)->status, RunStatus::kRunning);  // visibly incomplete
  EXPECT_EQ(l->ListUsage(1)->size(), static_cast<size_t>(kRowsPerTransaction));
}

TEST_F(LedgerTest, SchemaVersionOneLedgersMigrateAndReportTheSame) {
  std::filesystem::copy_file(GPULEDGER_TEST_DATA "/ledger_v1.sqlite", path_);
  auto l = Open();
  ASSERT_NE(l, nullptr);
  auto run = l->GetRun(1);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, RunStatus::kComplete);
  // The figures the version-1 binary reported for this ledger (tests/data/README.md).
  auto r = report::BuildCostReport(*l, 1, ledger::GroupBy::kJob, false);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->rows.size(), 4u);
  EXPECT_EQ(r->rows[0].gpu_seconds, 115200);
  EXPECT_EQ(r->rows[0].owned_micro_usd, 25'873'023);
  EXPECT_EQ(r->rows[1].rental_micro_usd, 24'000'000);
  EXPECT_EQ(r->rows[2].owned_micro_usd, 808'532);
  EXPECT_EQ(r->rows[3].gpu_seconds, 126000);
  EXPECT_EQ(r->total.owned_micro_usd, 64'682'558);
  EXPECT_EQ(*l->IdleGpuSeconds(1), 126000);  // kept with the run by the migration
  auto jobs = l->ListJobs(1);
  ASSERT_EQ(jobs->size(), 3u);
  EXPECT_EQ((*jobs)[1].started, 7200);
  EXPECT_EQ((*jobs)[1].ended, 18000);
  // And the migrated ledger takes new runs.
  auto w = l->StartRun(Run(kHandPricing), {{"x", "rl", "p", 8, 0, 0, 10}});
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE((*w)->AppendUsage({"x", "rl", "productive", 0, 10, 8, 80}).ok());
  ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, 10).ok());
  EXPECT_EQ(l->ListRuns()->size(), 2u);
}

TEST(Cost, RatesFromAHandCalculation) {
  const pricing::Rates r = pricing::ComputeRates(Parse(kHandPricing), 1000, 8);
  EXPECT_EQ(r.rental, 3'000'000'000);
  EXPECT_EQ(r.owned_depreciation, 1'000'000'000);
  EXPECT_EQ(r.owned_operations, 0);
  EXPECT_EQ(r.owned_busy_energy, 100'000'000);
  EXPECT_EQ(r.owned_idle_energy, 50'000'000);
  // Network share, residual value and operations, by hand: capital
  // 35,064 x 1.5 = 52,596; depreciable 0.5 of it over 35,064 h = $0.75/h;
  // operations 0.0876 x 52,596 / 8,766 h = $0.5256/h.
  v1::Pricing p = Parse(kHandPricing);
  p.mutable_owned()->set_network_share(0.5);
  p.mutable_owned()->set_residual_share(0.5);
  p.mutable_owned()->set_operations_share_per_year(0.0876);
  const pricing::Rates q = pricing::ComputeRates(p, 1000, 8);
  EXPECT_EQ(q.owned_depreciation, 750'000'000);
  EXPECT_EQ(q.owned_operations, 525'600'000);
  EXPECT_EQ(pricing::CapitalMicroUsd(p, 16, 8), 16 * 52'596'000'000LL);
}

TEST(Cost, EpochAiDepreciationAndCostOfCapitalByHand) {
  // Epoch AI: chip $20,000 x 1.64 = $32,800 per GPU, + 25% network =
  // $41,000. Value falls 0.25 orders of magnitude a year; over 4 years it
  // keeps 10^-1 = 10%, so 90% ($36,900) is written off over 35,064 h =
  // $1.05236.../h. Cost of capital 10% a year on the average value: for
  // exponential decay that is (1 - 0.1) / (0.25 x ln 10 x 4) of capital =
  // 0.390865 x $41,000 = $16,025.48, x 10% / 8,766 h = $0.182814/h.
  v1::Pricing p = Parse(kHandPricing);
  auto* o = p.mutable_owned();
  o->set_chip_usd(20000);
  o->set_server_multiplier(1.64);
  o->set_network_share(0.25);
  o->set_depreciation(v1::EPOCH_AI);
  o->set_value_decline_oom_per_year(0.25);
  o->set_cost_of_capital_per_year(0.10);
  EXPECT_DOUBLE_EQ(pricing::CapitalUsdPerGpu(p, 8), 41000);
  EXPECT_NEAR(pricing::ResidualShare(*o), 0.1, 1e-12);
  const pricing::Rates r = pricing::ComputeRates(p, 1000, 8);
  EXPECT_EQ(r.owned_depreciation, std::llround(36900.0 / 35064 * 1e9));
  EXPECT_NEAR(r.owned_financing / 1e9, 0.9 / (std::log(10.0)) * 41000 * 0.1 / 8766, 1e-9);
  EXPECT_EQ(r.owned_busy(), r.owned_depreciation + r.owned_financing + r.owned_busy_energy);
  EXPECT_EQ(pricing::CapitalMicroUsd(p, 2, 8), 82'000'000'000LL);

  // Straight line: cost of capital on the average of capital and residual.
  v1::Pricing q = Parse(kHandPricing);  // $35,064, no residual
  q.mutable_owned()->set_cost_of_capital_per_year(0.08766);
  EXPECT_EQ(pricing::ComputeRates(q, 1000, 8).owned_financing,
            175'320'000);  // 35,064/2 x 0.08766 / 8,766
  EXPECT_TRUE(pricing::ValidatePricing(p, "").ok());
  o->set_value_decline_oom_per_year(0);
  EXPECT_EQ(pricing::ValidatePricing(p, "pricing.").message(),
            "field pricing.owned.value_decline_oom_per_year must be positive for EPOCH_AI "
            "depreciation (Epoch AI: 0.14)");
}

TEST(Cost, NodeCostsColocationAndOperationsByHand) {
  // Hand pricing ($35,064 a GPU), 8 GPUs a node, with a $40,000 server per
  // node beside its GPUs and $8,000 to install it, network share 25%:
  // hardware 35,064 + 40,000 / 8 = $40,064 x 1.25 = $50,080 a GPU, capital
  // 50,080 + 8,000 / 8 = $51,080; over 4 years (35,064 h) straight line:
  // $1.456765/h.
  v1::Pricing p = Parse(kHandPricing);
  auto* o = p.mutable_owned();
  o->set_usd_per_node(40000);
  o->set_installation_usd_per_node(8000);
  o->set_network_share(0.25);
  EXPECT_DOUBLE_EQ(pricing::HardwareUsdPerGpu(p, 8), 50080);
  EXPECT_DOUBLE_EQ(pricing::CapitalUsdPerGpu(p, 8), 51080);
  EXPECT_EQ(pricing::CapitalMicroUsd(p, 16, 8), 16 * 51'080'000'000LL);
  pricing::Rates r = pricing::ComputeRates(p, 1000, 8);
  EXPECT_EQ(r.owned_depreciation, std::llround(51080.0 / 35064 * 1e9));
  // Support $17,532 and staff $52,596 per node-year: $70,128 / 8 GPUs /
  // 8,766 h = $1/h; network $0.25 and storage $0.05 per GPU-hour: $1.30/h.
  o->set_support_usd_per_node_year(17532);
  o->set_staff_usd_per_node_year(52596);
  o->set_network_usd_per_gpu_hour(0.25);
  o->set_storage_usd_per_gpu_hour(0.05);
  r = pricing::ComputeRates(p, 1000, 8);
  EXPECT_EQ(r.owned_operations, 1'300'000'000);
  // Energy as before: 1 kW x 2 (server) x 0.5 load x $0.1 = $0.10/h busy.
  EXPECT_EQ(r.owned_busy_energy, 100'000'000);
  EXPECT_EQ(r.owned_idle_energy, 50'000'000);
  // Colocation at $146.10 per kW-month instead: 2 kW a GPU (TDP x server
  // factor) x 146.10 / 730.5 h = $0.40/h more operations, and no energy.
  o->set_colocation_usd_per_kw_month(146.1);
  r = pricing::ComputeRates(p, 1000, 8);
  EXPECT_EQ(r.owned_operations, 1'700'000'000);
  EXPECT_EQ(r.owned_busy_energy, 0);
  EXPECT_EQ(r.owned_idle_energy, 0);
  EXPECT_TRUE(pricing::ValidatePricing(p, "").ok());
  o->set_resale_share(1.5);
  EXPECT_EQ(pricing::ValidatePricing(p, "pricing.").message(),
            "field pricing.owned.resale_share must be in [0, 1], got 1.5");
}

TEST(Cost, BreakEvenUtilizationByHand) {
  // Hand pricing: fixed $1/h, energy $0.10 busy and $0.05 idle, rental $3.
  // Owned per GPU-hour of capacity at utilization u: 1 + 0.1u + 0.05(1 - u);
  // per GPU-hour used, divided by u; equal to $3 at u = 1.05 / 2.95.
  const pricing::Rates r = pricing::ComputeRates(Parse(kHandPricing), 1000, 8);
  const double u = pricing::BreakEvenUtilization(r);
  EXPECT_NEAR(u, 1.05 / 2.95, 1e-12);
  const double owned_per_used_hour = (1 + 0.1 * u + 0.05 * (1 - u)) / u;
  EXPECT_NEAR(owned_per_used_hour, 3.0, 1e-9);
  // Renting at $1 never pays for owning here.
  v1::Pricing cheap = Parse(kHandPricing);
  cheap.mutable_rental()->set_usd_per_gpu_hour(1);
  EXPECT_TRUE(std::isinf(pricing::BreakEvenUtilization(pricing::ComputeRates(cheap, 1000, 8))));
}

TEST(Cost, RoundsHalfAwayFromZero) {
  EXPECT_EQ(pricing::CostMicroUsd(3600, 2'000'000'000), 2'000'000);  // one GPU-hour at $2
  EXPECT_EQ(pricing::CostMicroUsd(1, 1'800'000), 1);                 // 0.5 micro-dollar rounds up
  EXPECT_EQ(pricing::CostMicroUsd(1, 1'799'999), 0);
  // No overflow on a year of 100,000 GPUs at $1,000 per GPU-hour.
  EXPECT_EQ(pricing::CostMicroUsd(100'000LL * 31'557'600, 1'000'000'000'000),
            100'000LL * 8'766 * 1'000'000'000);
}

// Issue 11, defects 3 and 8: parts rounded so they add up to the total
// rounded once; money that cannot be held is refused, never wrapped.
TEST(Cost, SplitPartsAddUpToTheTotalRoundedOnce) {
  // Three thirds of a micro-dollar each: rounded alone 0 + 0 + 0, split 0 + 1 + 0.
  const pricing::ExactUsd third = pricing::kExactPerMicroUsd / 3;
  pricing::MoneySplitter split;
  EXPECT_EQ(split.Take(third), 0);
  EXPECT_EQ(split.Take(third), 1);
  EXPECT_EQ(split.Take(third), 0);
  EXPECT_EQ(split.total(), 1);
  EXPECT_EQ(*pricing::ToMicroUsd(3 * third), 1);
  EXPECT_TRUE(split.status().ok());
  // Any order of the same parts gives the same total.
  pricing::MoneySplitter other;
  for (int i = 0; i < 1000; ++i) other.Take(pricing::ExactCost(i % 7 + 1, 1'234'567 + i));
  pricing::ExactUsd exact = 0;
  for (int i = 0; i < 1000; ++i) exact += pricing::ExactCost(i % 7 + 1, 1'234'567 + i);
  EXPECT_EQ(other.total(), *pricing::ToMicroUsd(exact));
}

TEST(Cost, MoneyBeyondInt64IsRefused) {
  const pricing::ExactUsd max =
      static_cast<pricing::ExactUsd>(INT64_MAX) * pricing::kExactPerMicroUsd;
  EXPECT_EQ(*pricing::ToMicroUsd(max), INT64_MAX);
  EXPECT_EQ(pricing::ToMicroUsd(max + pricing::kExactPerMicroUsd, "rental").status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(absl::StrContains(
      pricing::ToMicroUsd(max + pricing::kExactPerMicroUsd, "rental").status().message(),
      "rental exceeds $9,223,372,036,854.775807"));
  pricing::MoneySplitter split;
  split.Take(max);
  EXPECT_TRUE(split.status().ok());
  split.Take(pricing::kExactPerMicroUsd);
  EXPECT_EQ(split.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(pricing::CostMicroUsd(INT64_MAX, INT64_MAX), INT64_MAX);  // saturates, never wraps
  // Found by fuzzing (fuzz/regressions/ledger_service/reserved-term-tiny): a
  // reserved term of a billionth of a year made the commitment infinite.
  v1::Pricing tiny = Parse(kHandPricing);
  tiny.mutable_reserved()->set_term_years(1e-300);
  EXPECT_TRUE(absl::StrContains(pricing::ValidatePricing(tiny, "pricing_override.").message(),
                                "reserved.term_years must be 0 (the window) or at least a day"));
  EXPECT_EQ(pricing::ReservedCommitmentSeconds(tiny, 3600), 3600);
  // Prices beyond the bounds are refused by the validator, naming the field.
  v1::Pricing p;
  p.mutable_rental()->set_usd_per_gpu_hour(1e12);
  EXPECT_EQ(pricing::ValidatePricing(p, "pricing_override.").message(),
            "field pricing_override.rental.usd_per_gpu_hour must be in [0, 10000], got 1e+12");
}

TEST_F(LedgerTest, BothViewsMatchAHandCalculationAndSurviveReopening) {
  {
    auto l = Open();
    // Two jobs on 16 GPUs over a 2-hour window: a (8 GPUs, 2 h, pretrain),
    // b (4 GPUs, 1 h, rl); idle GPU-hours = 32 - 16 - 4 = 12.
    auto w = l->StartRun(Run(kHandPricing),
                         {{"a", "pretrain", "P", 8, 0, 0, 7200}, {"b", "rl", "P", 4, 0, 0, 3600}});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->AppendUsage({"a", "pretrain", "productive", 0, 7200, 8, 57600}).ok());
    ASSERT_TRUE((*w)->AppendUsage({"b", "rl", "productive", 0, 3600, 4, 14400}).ok());
    ASSERT_TRUE((*w)->AppendUsage({"", "", "idle", 0, 3600, 4, 14400}).ok());
    ASSERT_TRUE((*w)->AppendUsage({"", "", "idle", 3600, 7200, 8, 28800}).ok());
    ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, 7200).ok());
  }
  for (int pass = 0; pass < 2; ++pass) {  // then again after reopening
    auto l = Open();
    auto r = report::BuildCostReport(*l, 1, ledger::GroupBy::kJob, false);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->rows.size(), 3u);
    EXPECT_EQ(r->rows[0].group, "a");
    EXPECT_EQ(r->rows[0].gpu_seconds, 57600);
    EXPECT_EQ(r->rows[0].rental_micro_usd, 48'000'000);  // 16 GPU-h x $3
    EXPECT_EQ(r->rows[0].owned_micro_usd, 17'600'000);   // 16 GPU-h x $1.10
    EXPECT_EQ(r->rows[1].rental_micro_usd, 12'000'000);  // 4 GPU-h x $3
    EXPECT_EQ(r->rows[1].owned_micro_usd, 4'400'000);
    EXPECT_EQ(r->rows[2].group, "idle");
    EXPECT_EQ(r->rows[2].rental_micro_usd, 0);
    EXPECT_EQ(r->rows[2].owned_micro_usd, 12'600'000);  // 12 GPU-h x $1.05
    EXPECT_EQ(r->total.gpu_seconds, 7200 * 16);         // every GPU-second of the window
    EXPECT_EQ(r->total.rental_micro_usd, 60'000'000);
    EXPECT_EQ(r->total.owned_micro_usd, 34'600'000);
    EXPECT_EQ(r->jobs_total.owned_micro_usd, 22'000'000);
    EXPECT_EQ(r->capital_micro_usd, 16 * 35'064'000'000LL);
    auto by_phase = report::BuildCostReport(*l, 1, ledger::GroupBy::kPhase, false);
    ASSERT_TRUE(by_phase.ok());
    EXPECT_EQ(by_phase->rows[0].group, "pretrain");
    EXPECT_EQ(by_phase->rows[1].group, "rl");
    EXPECT_EQ(by_phase->total.owned_micro_usd, 34'600'000);
    auto by_project = report::BuildCostReport(*l, 1, ledger::GroupBy::kProject, false);
    ASSERT_TRUE(by_project.ok());
    ASSERT_EQ(by_project->rows.size(), 2u);
    EXPECT_EQ(by_project->rows[0].rental_micro_usd, 60'000'000);
    // A what-if price replaces the stored one without replaying.
    v1::Pricing what_if;
    what_if.mutable_rental()->set_usd_per_gpu_hour(2.5);
    auto cheaper = report::BuildCostReport(*l, 1, ledger::GroupBy::kJob, false, &what_if);
    ASSERT_TRUE(cheaper.ok());
    EXPECT_EQ(cheaper->total.rental_micro_usd, 50'000'000);
    EXPECT_EQ(cheaper->total.owned_micro_usd, 34'600'000);
  }
}

TEST_F(LedgerTest, DaysSplitEntriesAtMidnightAndListsPageAndFilter) {
  auto l = Open();
  auto w = l->StartRun(Run(kHandPricing),
                       {{"a", "pretrain", "P", 8, 0, 0, 100000}, {"b", "rl", "P", 8, 0, 0, 10}});
  ASSERT_TRUE(w.ok());
  // a runs from 80,000 s to 180,000 s: 6,400 s on day 1, 86,400 on day 2,
  // 7,200 on day 3. b runs on day 1 only.
  ASSERT_TRUE((*w)->AppendUsage({"b", "rl", "productive", 0, 10, 8, 80}).ok());
  ASSERT_TRUE((*w)->AppendUsage({"a", "pretrain", "productive", 80000, 180000, 8, 800000}).ok());
  ASSERT_TRUE((*w)->AppendJobEvent({120000, "b", "preempt", ""}).ok());
  ASSERT_TRUE((*w)->AppendUsage({"", "", "idle", 0, 180000, 8, 1440000}).ok());
  ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, 180000).ok());

  auto days = l->SumByGroup(1, ledger::GroupBy::kDay);
  ASSERT_TRUE(days.ok());
  ASSERT_EQ(days->size(), 3u);
  EXPECT_EQ((*days)[0].group, "day 1");
  EXPECT_EQ((*days)[0].gpu_seconds, 80 + 6400 * 8);
  EXPECT_EQ((*days)[1].gpu_seconds, 86400 * 8);
  EXPECT_EQ((*days)[2].group, "day 3");
  EXPECT_EQ((*days)[2].gpu_seconds, 7200 * 8);
  EXPECT_EQ((*days)[2].last_end, 180000);

  auto jobs = l->ListJobs(1, /*offset=*/1, /*limit=*/5);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].job_id, "b");
  EXPECT_EQ((*jobs)[0].started, 0);
  EXPECT_EQ((*jobs)[0].ended, 10);  // its 8 x 10 GPU-seconds are all recorded
  EXPECT_EQ(l->ListJobEvents(1)->size(), 1u);
  auto a = l->ListJobs(1, 0, 1);
  EXPECT_EQ((*a)[0].started, 80000);
  EXPECT_EQ((*a)[0].ended, 180000);

  UsageFilter pretrain;
  pretrain.phase = "pretrain";
  auto u = l->ListUsage(1, pretrain);
  ASSERT_EQ(u->size(), 1u);
  EXPECT_EQ((*u)[0].job_id, "a");
  UsageFilter window;
  window.start = 10;  // b's entry ends at 10: not overlapping [10, 90000)
  window.end = 90000;
  u = l->ListUsage(1, window);
  ASSERT_EQ(u->size(), 2u);
  EXPECT_EQ((*u)[0].job_id, "a");
  EXPECT_EQ((*u)[1].category, "idle");
  auto page1 = l->ListUsage(1, {}, 0, 2);
  ASSERT_EQ(page1->size(), 2u);
  auto page2 = l->ListUsage(1, {}, page1->back().entry_id, 2);
  ASSERT_EQ(page2->size(), 1u);
  EXPECT_EQ((*page2)[0].category, "idle");
}

TEST_F(LedgerTest, DownCapacityIsChargedToTheOwnerOnly) {
  auto l = Open();
  auto w = l->StartRun(Run(kHandPricing), {{"a", "pretrain", "P", 8, 0, 0, 3600}});
  ASSERT_TRUE(w.ok());
  // 16 GPUs for an hour: a holds 8; node 1 (8 GPUs) is down for the hour.
  ASSERT_TRUE((*w)->AppendUsage({"a", "pretrain", "productive", 0, 3600, 8, 28800}).ok());
  ASSERT_TRUE((*w)->AppendUsage({"", "", "down", 0, 3600, 8, 28800}).ok());
  ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, 3600).ok());
  auto r = report::BuildCostReport(*l, 1, ledger::GroupBy::kJob, false);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows.size(), 3u);
  EXPECT_EQ(r->rows[1].group, "idle");
  EXPECT_EQ(r->rows[1].gpu_seconds, 0);
  EXPECT_EQ(r->rows[2].group, "down");
  EXPECT_EQ(r->rows[2].rental_micro_usd, 0);
  // 8 GPU-hours at $1 of capital, no energy: the node draws nothing.
  EXPECT_EQ(r->rows[2].owned_micro_usd, 8'000'000);
  EXPECT_EQ(r->total.gpu_seconds, 16 * 3600);
  EXPECT_EQ(*l->DownGpuSeconds(1), 28800);
}

TEST_F(LedgerTest, UnknownRunAndGrouping) {
  auto l = Open();
  EXPECT_EQ(report::BuildCostReport(*l, 42, ledger::GroupBy::kJob, false).status().code(),
            absl::StatusCode::kNotFound);
  // Groupings are named; a name that is none of them parses to nothing.
  GroupBy by = GroupBy::kJob;
  EXPECT_FALSE(ParseGroupBy("colour", &by));
  EXPECT_FALSE(ParseGroupBy("Day", &by));
  EXPECT_EQ(by, GroupBy::kJob);
  for (GroupBy g : kGroupBys) {
    ASSERT_TRUE(ParseGroupBy(GroupByName(g), &by)) << GroupByName(g);
    EXPECT_EQ(by, g);
  }
}

// A replay's sink appends plain values (RunWriter::AppendEntry): refused,
// alone, for a category not the ledger's, an interval it cannot hold, or a
// job the run lacks; what was appended before stays.
TEST_F(LedgerTest, PlainEntriesAreCheckedWhenAppended) {
  auto l = Open();
  auto w = l->StartRun(Run(kHandPricing), 2, [](size_t i, JobRecord* r) {
    *r = {i == 0 ? "a" : "b", "rl", "p", 8, 0, 0, 10};
  });
  ASSERT_TRUE(w.ok());
  const int productive = CategoryIndex("productive");
  ASSERT_TRUE((*w)->AppendEntry(1, productive, 0, 10, 8, Pool::kNone).ok());
  for (const absl::Status& s :
       {(*w)->AppendEntry(2, productive, 0, 10, 8, Pool::kNone),   // the run has jobs 0 and 1
        (*w)->AppendEntry(-2, productive, 0, 10, 8, Pool::kNone),  // not an ordinal
        (*w)->AppendEntry(0, 7, 0, 10, 8, Pool::kNone),            // no such category
        (*w)->AppendEntry(0, -1, 0, 10, 8, Pool::kNone),
        (*w)->AppendEntry(0, productive, 10, 5, 8, Pool::kNone),  // ends before it starts
        (*w)->AppendEntry(0, productive, 0, 10, -1, Pool::kNone)}) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  }
  ASSERT_TRUE((*w)->AppendEntry(-1, CategoryIndex("idle"), 0, 10, 8, Pool::kNone).ok());
  ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, 10, "", 80, 0).ok());
  auto entries = l->ListUsage(1);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].job_id, "b");
  EXPECT_EQ((*entries)[1].category, "idle");
}

// Reads keep their prepared statements (StmtCache) but never their read
// snapshot: a reader sees what another connection committed after its last
// call, even one that stepped a statement only partway (GetRun's one row).
TEST_F(LedgerTest, KeptStatementsHoldNoSnapshot) {
  {
    auto l = Open();
    auto w = l->StartRun(Run(kHandPricing), {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, 0, "", 0, 0).ok());
  }
  auto reader = Ledger::OpenForReading(path_);
  ASSERT_TRUE(reader.ok()) << reader.status();
  for (int round = 2; round <= 4; ++round) {
    ASSERT_TRUE((*reader)->GetRun(1).ok());
    ASSERT_TRUE((*reader)->LatestCompleteRun().ok());
    {
      auto l = Open();  // another connection writes a run
      auto w = l->StartRun(Run(kHandPricing), {});
      ASSERT_TRUE(w.ok());
      ASSERT_TRUE((*w)->Finish(RunStatus::kComplete, 0, 0, "", 0, 0).ok());
    }
    auto runs = (*reader)->ListRuns();
    ASSERT_TRUE(runs.ok());
    EXPECT_EQ(runs->size(), static_cast<size_t>(round));
    auto latest = (*reader)->LatestCompleteRun();
    ASSERT_TRUE(latest.ok());
    EXPECT_EQ(latest->id, round);
  }
}

}  // namespace
}  // namespace gpuledger::ledger

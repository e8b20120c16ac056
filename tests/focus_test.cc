// FOCUS export (1.3 by default): every mandatory column, and the rows add up to the
// owned view (EffectiveCost) and the cash view (BilledCost).
#include <algorithm>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "report/cost.h"
#include "compare/compare.h"
#include "report/focus.h"
#include "replay/replay.h"
#include "tests/temp_dir.h"
#include "traces/plan.h"

namespace gpuledger::replay {
namespace {

const std::string kDeepSeek =
    std::string(GPULEDGER_SOURCE_DIR) + "/traces/deepseek-v3-r1.textproto";

// The export parsed: header, and each row as column -> value.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  double Sum(const std::string& column) const {
    double s = 0;
    for (const auto& r : rows) {
      double v = 0;
      EXPECT_TRUE(absl::SimpleAtod(r.at(column), &v)) << column << "=" << r.at(column);
      s += v;
    }
    return s;
  }
};

// Splits one CSV line, honouring quotes (doubled quotes inside).
std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      out.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

Csv Parse(const std::string& text) {
  Csv c;
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  c.header = Fields(lines[0]);
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f = Fields(lines[i]);
    EXPECT_EQ(f.size(), c.header.size()) << lines[i];
    std::map<std::string, std::string> row;
    for (size_t k = 0; k < f.size() && k < c.header.size(); ++k) row[c.header[k]] = f[k];
    c.rows.push_back(row);
  }
  return c;
}

class FocusTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    ledger_ = std::move(*ledger::Ledger::Open(Path("l.sqlite")));
    plan_ = *traces::LoadPlanFile(kDeepSeek);
  }
  std::string Export(int64_t run, report::FocusOptions o = {}) {
    std::ostringstream out;
    absl::Status s = report::ExportFocus(*ledger_, run, o, out);
    EXPECT_TRUE(s.ok()) << s;
    return out.str();
  }
  std::unique_ptr<ledger::Ledger> ledger_;
  traces::Workload plan_;
};

TEST_F(FocusTest, OwnedClusterAddsUpToTheOwnedAndCashViews) {
  auto run = ReplayWorkload(plan_, *ledger_, 0);
  ASSERT_TRUE(run.ok());
  const Csv csv = Parse(Export(run->run_id));
  // Every FOCUS 1.2 mandatory column is there (1.3 keeps them all).
  for (const char* column : {"BilledCost",
                             "BillingAccountId",
                             "BillingAccountName",
                             "BillingCurrency",
                             "BillingPeriodEnd",
                             "BillingPeriodStart",
                             "ChargeCategory",
                             "ChargeClass",
                             "ChargeDescription",
                             "ChargePeriodEnd",
                             "ChargePeriodStart",
                             "ContractedCost",
                             "EffectiveCost",
                             "InvoiceIssuerName",
                             "ListCost",
                             "PricingQuantity",
                             "PricingUnit",
                             "ProviderName",
                             "PublisherName",
                             "ServiceCategory",
                             "ServiceName",
                             "ChargeFrequency",
                             "ConsumedQuantity",
                             "ConsumedUnit",
                             "ResourceId",
                             "ResourceName",
                             "CommitmentDiscountStatus",
                             "BillingAccountType",
                             "InvoiceId",
                             "PricingCurrency",
                             "x_JobId",
                             "x_Phase",
                             "x_Category"}) {
    EXPECT_NE(std::find(csv.header.begin(), csv.header.end(), column), csv.header.end()) << column;
  }
  auto report = report::BuildCostReport(*ledger_, run->run_id, ledger::GroupBy::kCategory, false);
  ASSERT_TRUE(report.ok());
  const double rows = static_cast<double>(csv.rows.size());
  // EffectiveCost: the owned view's total (each row rounds to a micro-dollar).
  EXPECT_NEAR(csv.Sum("EffectiveCost"), report->total.owned_micro_usd / 1e6, rows * 1e-6 + 1e-6);
  // BilledCost: the cash view, by hand: the capital, then energy (and
  // operations and cost of capital, zero here) for busy and idle hours.
  const auto& r = report->rates;
  const double cash = 51'200'000 + report->busy_gpu_seconds / 3600.0 * r.owned_busy_energy / 1e9 +
                      report->idle_gpu_seconds / 3600.0 * r.owned_idle_energy / 1e9;
  EXPECT_NEAR(csv.Sum("BilledCost"), cash, rows * 1e-6 + 1e-6);
  // One purchase row; usage rows used or unused.
  int purchases = 0, unused = 0;
  for (const auto& row : csv.rows) {
    purchases += row.at("ChargeCategory") == "Purchase";
    unused += row.at("CommitmentDiscountStatus") == "Unused";
    EXPECT_EQ(row.at("BillingCurrency"), "USD");
  }
  EXPECT_EQ(purchases, 1);
  EXPECT_GT(unused, 0);
  for (const auto& row : csv.rows) {
    // Never null in FOCUS 1.2; a purchase is not usage-based and carries no
    // effective cost (amortized in the usage rows); dates are UTC ISO 8601.
    for (const char* c : {"BilledCost",         "BillingAccountId",  "BillingCurrency",
                          "BillingPeriodStart", "BillingPeriodEnd",  "ChargePeriodStart",
                          "ChargePeriodEnd",    "ChargeCategory",    "ChargeFrequency",
                          "ContractedCost",     "EffectiveCost",     "InvoiceIssuerName",
                          "ListCost",           "PricingCurrency",   "PricingCurrencyEffectiveCost",
                          "ProviderName",       "PublisherName",     "ServiceCategory",
                          "ServiceName",        "ServiceSubcategory"}) {
      EXPECT_FALSE(row.at(c).empty()) << c;
    }
    EXPECT_EQ(row.at("ChargePeriodStart").size(), 20u);
    EXPECT_EQ(row.at("ChargePeriodStart").back(), 'Z');
    if (row.at("ChargeCategory") == "Purchase") {
      EXPECT_NE(row.at("ChargeFrequency"), "Usage-Based");
      EXPECT_EQ(row.at("EffectiveCost"), "0.000000");
    }
    if (row.at("CommitmentDiscountStatus") == "Unused") {
      EXPECT_TRUE(row.at("ConsumedQuantity").empty());
      EXPECT_EQ(row.at("ResourceId"), row.at("CommitmentDiscountId"));
    }
  }
}

TEST_F(FocusTest, RentalViewBillsTheJobsGpuHours) {
  auto run = ReplayWorkload(plan_, *ledger_, 0);
  ASSERT_TRUE(run.ok());
  report::FocusOptions o;
  o.view = "rental";
  const Csv csv = Parse(Export(run->run_id, o));
  auto report = report::BuildCostReport(*ledger_, run->run_id, ledger::GroupBy::kCategory, false);
  const double rows = static_cast<double>(csv.rows.size());
  EXPECT_NEAR(csv.Sum("BilledCost"), report->jobs_total.rental_micro_usd / 1e6, rows * 1e-6);
  EXPECT_NEAR(csv.Sum("EffectiveCost"), csv.Sum("BilledCost"), 1e-6);
  EXPECT_NEAR(csv.Sum("BilledCost"), 5'870'000, 5'870);  // the published figure
}

TEST_F(FocusTest, ReservedCapacityIsPaidMonthlyAndAmortizedOverUse) {
  auto strategies = traces::LoadStrategies("");
  ASSERT_TRUE(strategies.ok());
  std::vector<v1::Strategy> reserved;
  for (const auto& s : *strategies) {
    if (s.committed() == "reserved") reserved.push_back(s);
  }
  auto results = compare::CompareStrategies(plan_, reserved, {}, *ledger_);
  ASSERT_TRUE(results.ok()) << results.status();
  const compare::StrategyResult& r = (*results)[0];
  const Csv csv = Parse(Export(r.run_id));
  const double rows = static_cast<double>(csv.rows.size());
  EXPECT_NEAR(csv.Sum("BilledCost"), r.total_micro_usd / 1e6, rows * 1e-6);
  EXPECT_NEAR(csv.Sum("EffectiveCost"), r.total_micro_usd / 1e6, rows * 1e-6);
}

// "123.4500" as an integer count of 10^-places (places at least its decimals).
__int128 Scaled(const std::string& decimal, int places) {
  const size_t dot = decimal.find('.');
  std::string whole = decimal.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : decimal.substr(dot + 1);
  EXPECT_LE(static_cast<int>(frac.size()), places) << decimal;
  frac.resize(places, '0');
  __int128 v = 0;
  for (char c : whole + frac) v = v * 10 + (c - '0');
  return v;
}

// Issue 11, defect 26: what the FOCUS rule model found broken, checked here
// because a fresh clone has no checker: every cost with a unit price is that
// price x PricingQuantity exactly, in decimal and as a validator's doubles
// multiply; and no column is null on every row unless a replay has nothing
// for it (docs/focus.md lists those).
TEST_F(FocusTest, CostsAreUnitPriceTimesQuantityAndNoColumnIsNeedlesslyEmpty) {
  auto plain = ReplayWorkload(plan_, *ledger_, 0);
  ASSERT_TRUE(plain.ok());
  auto strategies = traces::LoadStrategies("");
  ASSERT_TRUE(strategies.ok());
  auto results = compare::CompareStrategies(plan_, *strategies, {}, *ledger_);
  ASSERT_TRUE(results.ok()) << results.status();
  std::vector<std::string> exports;
  for (const char* view : {"owned", "rental"}) {
    report::FocusOptions o;
    o.view = view;
    exports.push_back(Export(plain->run_id, o));
  }
  for (const compare::StrategyResult& r : *results) exports.push_back(Export(r.run_id));
  const std::vector<std::string> empty_by_nature = {
      "AvailabilityZone",          "RegionId",     "RegionName",     "CapacityReservationId",
      "CapacityReservationStatus", "SubAccountId", "SubAccountName", "SubAccountType",
      "SkuPriceDetails",           "Tags",         "ChargeClass",    "x_Strategy",
      // FOCUS 1.3: a replay splits no provider's cost among its own resources.
      "AllocatedMethodDetails", "AllocatedMethodId", "AllocatedResourceId",
      "AllocatedResourceName", "AllocatedTags"};
  int products = 0;
  std::map<std::string, bool> set_somewhere;  // over every export: a run without a
                                              // commitment has no commitment columns
  for (const std::string& text : exports) {
    const Csv csv = Parse(text);
    for (const std::string& column : csv.header) {
      for (const auto& row : csv.rows) set_somewhere[column] |= !row.at(column).empty();
    }
    for (const auto& row : csv.rows) {
      if (row.at("ChargeCategory") == "Usage" || row.at("ChargeCategory") == "Purchase") {
        EXPECT_FALSE(row.at("ListUnitPrice").empty()) << row.at("ChargeDescription");
        EXPECT_FALSE(row.at("ContractedUnitPrice").empty()) << row.at("ChargeDescription");
        EXPECT_FALSE(row.at("SkuPriceId").empty()) << row.at("ChargeDescription");
        EXPECT_FALSE(row.at("PricingCurrencyListUnitPrice").empty()) << row.at("ChargeDescription");
      }
      if (!row.at("CommitmentDiscountId").empty()) {
        EXPECT_FALSE(row.at("CommitmentDiscountQuantity").empty()) << row.at("ChargeDescription");
      }
      for (const auto& [price, cost] :
           {std::pair<std::string, std::string>{"ListUnitPrice", "ListCost"},
            {"ContractedUnitPrice", "ContractedCost"}}) {
        const std::string& p = row.at(price);
        const std::string& q = row.at("PricingQuantity");
        const std::string& c = row.at(cost);
        if (p.empty() || q.empty()) continue;
        ++products;
        EXPECT_TRUE(Scaled(p, 9) * Scaled(q, 9) == Scaled(c, 18)) << p << " x " << q << " != " << c;
        EXPECT_EQ(std::strtod(p.c_str(), nullptr) * std::strtod(q.c_str(), nullptr),
                  std::strtod(c.c_str(), nullptr))
            << p << " x " << q << " != " << c << " in doubles";
      }
    }
  }
  EXPECT_GT(products, 50);
  for (const auto& [column, set] : set_somewhere) {
    if (!set) {
      EXPECT_NE(std::find(empty_by_nature.begin(), empty_by_nature.end(), column),
                empty_by_nature.end())
          << column << " is present but null on every row";
    }
  }
}

TEST_F(FocusTest, BadRequestsAreRefused) {
  std::ostringstream out;
  EXPECT_EQ(report::ExportFocus(*ledger_, 9, {}, out).code(), absl::StatusCode::kNotFound);
  report::FocusOptions o;
  o.epoch = "yesterday";
  auto run = ReplayWorkload(plan_, *ledger_, 0);
  EXPECT_EQ(report::ExportFocus(*ledger_, run->run_id, o, out).message(),
            "--epoch: expected YYYY-MM-DD, got \"yesterday\"");
  o.epoch = "2025-02-31";
  EXPECT_EQ(report::ExportFocus(*ledger_, run->run_id, o, out).message(),
            "--epoch: no such date \"2025-02-31\"");
}

// FOCUS 1.3 is 1.2 with eight more columns: the same rows, the same values
// in every column 1.2 has, the new provider columns filled from the old.
TEST_F(FocusTest, Focus13AddsItsColumnsToTheSameRows) {
  auto plain = ReplayWorkload(plan_, *ledger_, 0);
  ASSERT_TRUE(plain.ok());
  report::FocusOptions o12;
  o12.version = "1.2";
  const Csv v12 = Parse(Export(plain->run_id, o12));
  const Csv v13 = Parse(Export(plain->run_id));
  EXPECT_EQ(v12.header.size(), 57u + 8u);  // 57 FOCUS 1.2 columns and our 8
  EXPECT_EQ(v13.header.size(), 65u + 8u);  // 65 FOCUS 1.3 columns and our 8
  std::vector<std::string> added;
  for (const std::string& c : v13.header) {
    if (std::find(v12.header.begin(), v12.header.end(), c) == v12.header.end()) added.push_back(c);
  }
  EXPECT_EQ(added, (std::vector<std::string>{
                       "AllocatedMethodDetails", "AllocatedMethodId", "AllocatedResourceId",
                       "AllocatedResourceName", "AllocatedTags", "ContractApplied",
                       "HostProviderName", "ServiceProviderName"}));
  // FOCUS columns in alphabetical order, then ours.
  EXPECT_TRUE(std::is_sorted(v13.header.begin(), v13.header.begin() + 65));
  EXPECT_EQ(v13.header[65], "x_RunId");
  ASSERT_EQ(v12.rows.size(), v13.rows.size());
  for (size_t i = 0; i < v12.rows.size(); ++i) {
    for (const auto& [column, value] : v12.rows[i]) EXPECT_EQ(v13.rows[i].at(column), value) << column;
    EXPECT_FALSE(v13.rows[i].at("ServiceProviderName").empty());
    EXPECT_EQ(v13.rows[i].at("ServiceProviderName"), v13.rows[i].at("ProviderName"));
    EXPECT_EQ(v13.rows[i].at("HostProviderName"), v13.rows[i].at("ServiceProviderName"));
    EXPECT_TRUE(v13.rows[i].at("ContractApplied").empty());  // no reservation here
  }
}

// A value of the flat JSON object in ContractApplied's one element.
std::string JsonValue(const std::string& json, const std::string& key) {
  const std::string k = "\"" + key + "\":";
  const size_t at = json.find(k);
  EXPECT_NE(at, std::string::npos) << key << " in " << json;
  if (at == std::string::npos) return "";
  size_t from = at + k.size();
  if (json[from] == '"') {
    return json.substr(from + 1, json.find('"', from + 1) - from - 1);
  }
  return json.substr(from, json.find_first_of(",}", from) - from);
}

// Reserved capacity in FOCUS 1.3: each term of the reservation is a contract
// commitment (the Contract Commitment dataset, one row per term); every
// reserved row is cut at the terms and says, in ContractApplied, which term
// it draws from and how much; a term's cost is what its purchase rows bill.
TEST_F(FocusTest, ContractCommitmentsAreTheReservationsTerms) {
  v1::Strategy reserve;
  reserve.set_name("reserve in terms");
  reserve.set_committed("reserved");
  reserve.set_committed_share_of_peak(1);
  reserve.set_committed_pricing("reserved-1y");
  reserve.set_term_years(0.05);  // 1,577,880 s (18.26 days): the 68.68-day window takes 4
  auto results = compare::CompareStrategies(plan_, {reserve}, {}, *ledger_);
  ASSERT_TRUE(results.ok()) << results.status();
  const compare::StrategyResult& r = (*results)[0];
  auto run = ledger_->GetRun(r.run_id);
  ASSERT_TRUE(run.ok());
  const int64_t window = run->sim_end - run->sim_start;
  constexpr int64_t kTerm = 1'577'880;
  const int64_t terms = (window + kTerm - 1) / kTerm;
  EXPECT_EQ(terms, 4);
  report::FocusOptions o;
  o.dataset = "contract-commitment";
  const Csv cct = Parse(Export(r.run_id, o));
  const Csv cau = Parse(Export(r.run_id));
  ASSERT_EQ(static_cast<int64_t>(cct.rows.size()), terms);
  // The terms follow each other from the window's start; the contract spans them.
  std::map<std::string, size_t> term_of;
  __int128 committed = 0;
  for (size_t k = 0; k < cct.rows.size(); ++k) {
    const auto& c = cct.rows[k];
    term_of[c.at("ContractCommitmentId")] = k;
    EXPECT_EQ(c.at("ContractCommitmentId"), "runs/1/reservation/term-" + std::to_string(k + 1));
    EXPECT_EQ(c.at("ContractId"), "runs/1/reservation");
    EXPECT_EQ(c.at("ContractCommitmentCategory"), "Usage");
    EXPECT_EQ(c.at("ContractCommitmentUnit"), "GPU-Hours");
    EXPECT_EQ(c.at("ContractPeriodStart"), cct.rows.front().at("ContractCommitmentPeriodStart"));
    EXPECT_EQ(c.at("ContractPeriodEnd"), cct.rows.back().at("ContractCommitmentPeriodEnd"));
    if (k > 0) {
      EXPECT_EQ(c.at("ContractCommitmentPeriodStart"),
                cct.rows[k - 1].at("ContractCommitmentPeriodEnd"));
    }
    EXPECT_EQ(c.at("x_GpuSeconds"), std::to_string(2048 * kTerm));  // 4 whole terms
    committed += Scaled(c.at("ContractCommitmentCost"), 6);
  }
  EXPECT_EQ(cct.rows.front().at("ContractCommitmentPeriodStart"), "2025-01-01T00:00:00Z");
  // The commitments cost what the strategy does, to the micro-dollar.
  EXPECT_TRUE(committed == r.total_micro_usd);
  std::vector<__int128> billed(terms, 0);
  std::vector<int64_t> drawn(terms, 0);
  int applied = 0;
  for (const auto& row : cau.rows) {
    if (row.at("x_Pool") != "reserved") {
      EXPECT_TRUE(row.at("ContractApplied").empty());
      continue;
    }
    const std::string& json = row.at("ContractApplied");
    if (row.at("ChargeCategory") == "Purchase") {
      EXPECT_TRUE(json.empty());  // paying for a term draws nothing from it
      // A purchase row lies in one term: the one whose start it follows.
      size_t k = 0;
      while (k + 1 < cct.rows.size() &&
             cct.rows[k + 1].at("ContractCommitmentPeriodStart") <= row.at("ChargePeriodStart")) {
        ++k;
      }
      EXPECT_LE(row.at("ChargePeriodEnd"), cct.rows[k].at("ContractCommitmentPeriodEnd"));
      billed[k] += Scaled(row.at("BilledCost"), 6);
      continue;
    }
    ++applied;
    ASSERT_EQ(json.rfind("{\"Elements\":[{", 0), 0u) << json;
    EXPECT_EQ(JsonValue(json, "ContractId"), "runs/1/reservation");
    const std::string id = JsonValue(json, "ContractCommitmentId");
    ASSERT_EQ(term_of.count(id), 1u) << id;
    const auto& term = cct.rows[term_of[id]];
    // Cut at the terms: the row lies inside the term it names.
    EXPECT_GE(row.at("ChargePeriodStart"), term.at("ContractCommitmentPeriodStart"));
    EXPECT_LE(row.at("ChargePeriodEnd"), term.at("ContractCommitmentPeriodEnd"));
    EXPECT_EQ(JsonValue(json, "ContractCommitmentAppliedCost"), row.at("EffectiveCost"));
    EXPECT_EQ(JsonValue(json, "ContractCommitmentAppliedQuantity"),
              row.at("CommitmentDiscountQuantity"));
    EXPECT_EQ(JsonValue(json, "ContractCommitmentAppliedUnit"), "GPU-Hours");
    drawn[term_of[id]] += std::stoll(row.at("x_GpuSeconds"));
  }
  EXPECT_GT(applied, 4);
  for (int64_t k = 0; k < terms; ++k) {
    // Each term's GPU-seconds are drawn in full (used or not), and it costs
    // what its purchase rows bill.
    EXPECT_EQ(drawn[k], 2048 * kTerm) << "term " << k + 1;
    EXPECT_TRUE(billed[k] == Scaled(cct.rows[k].at("ContractCommitmentCost"), 6)) << "term " << k + 1;
  }
  // FOCUS 1.2 keeps its rows: cut by month only.
  report::FocusOptions o12;
  o12.version = "1.2";
  EXPECT_LT(Parse(Export(r.run_id, o12)).rows.size(), cau.rows.size());
}

TEST_F(FocusTest, VersionsAndDatasetsAreChecked) {
  auto run = ReplayWorkload(plan_, *ledger_, 0);
  ASSERT_TRUE(run.ok());
  std::ostringstream out;
  report::FocusOptions o;
  o.version = "1.4";
  EXPECT_EQ(report::ExportFocus(*ledger_, run->run_id, o, out).message(),
            "--focus-version must be 1.3 or 1.2, got \"1.4\"");
  o = {};
  o.dataset = "invoices";
  EXPECT_EQ(report::ExportFocus(*ledger_, run->run_id, o, out).message(),
            "--dataset must be cost-and-usage or contract-commitment, got \"invoices\"");
  o.dataset = "contract-commitment";
  o.version = "1.2";
  EXPECT_EQ(report::ExportFocus(*ledger_, run->run_id, o, out).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(out.str().empty());
  // A run without reserved capacity has no commitments: the header alone.
  o.version = "1.3";
  const Csv none = Parse(Export(run->run_id, o));
  EXPECT_EQ(none.header.front(), "BillingCurrency");
  EXPECT_TRUE(none.rows.empty());
}

}  // namespace
}  // namespace gpuledger::replay

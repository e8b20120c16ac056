#include "report/focus.h"

#include <cmath>
#include <cstdlib>
#include <algorithm>
#include <ctime>
#include <map>
#include <ostream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/calendar.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/text_format.h"
#include "report/cost.h"
#include "report/format.h"

namespace gpuledger::report {
namespace {

// Every column of FOCUS 1.2's Cost and Usage dataset (docs/focus.md),
// alphabetically.
const std::vector<std::string>& Focus12Columns() {
  static const std::vector<std::string> columns = {
      "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName",
      "BillingAccountType", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
      "CapacityReservationId", "CapacityReservationStatus", "ChargeCategory", "ChargeClass",
      "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
      "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName",
      "CommitmentDiscountQuantity", "CommitmentDiscountStatus", "CommitmentDiscountType",
      "CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
      "ContractedUnitPrice", "EffectiveCost", "InvoiceId", "InvoiceIssuerName", "ListCost",
      "ListUnitPrice", "PricingCategory", "PricingCurrency", "PricingCurrencyContractedUnitPrice",
      "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice", "PricingQuantity",
      "PricingUnit", "ProviderName", "PublisherName", "RegionId", "RegionName", "ResourceId",
      "ResourceName", "ResourceType", "ServiceCategory", "ServiceName", "ServiceSubcategory",
      "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName",
      "SubAccountType", "Tags"};
  return columns;
}

// Ours after FOCUS's (FOCUS: custom columns are prefixed x_ and come last).
const std::vector<std::string>& CustomColumns() {
  static const std::vector<std::string> columns = {
      "x_RunId", "x_Strategy", "x_Pool", "x_JobId", "x_Phase", "x_Project", "x_Category",
      "x_GpuSeconds"};
  return columns;
}

// The Cost and Usage columns of `version`: 1.3 adds eight to 1.2's 57 (and
// deprecates ProviderName and PublisherName, which it still requires).
const std::vector<std::string>& Columns(const std::string& version) {
  static const std::vector<std::string> v12 = [] {
    std::vector<std::string> c = Focus12Columns();
    c.insert(c.end(), CustomColumns().begin(), CustomColumns().end());
    return c;
  }();
  static const std::vector<std::string> v13 = [] {
    std::vector<std::string> c = Focus12Columns();
    for (const char* added :
         {"AllocatedMethodDetails", "AllocatedMethodId", "AllocatedResourceId",
          "AllocatedResourceName", "AllocatedTags", "ContractApplied", "HostProviderName",
          "ServiceProviderName"}) {
      c.push_back(added);
    }
    std::sort(c.begin(), c.end());
    c.insert(c.end(), CustomColumns().begin(), CustomColumns().end());
    return c;
  }();
  return version == "1.2" ? v12 : v13;
}

// FOCUS 1.3's Contract Commitment dataset: its 13 columns, then ours.
const std::vector<std::string>& CommitmentColumns() {
  static const std::vector<std::string> columns = {
      "BillingCurrency", "ContractCommitmentCategory", "ContractCommitmentCost",
      "ContractCommitmentDescription", "ContractCommitmentId", "ContractCommitmentPeriodEnd",
      "ContractCommitmentPeriodStart", "ContractCommitmentQuantity", "ContractCommitmentType",
      "ContractCommitmentUnit", "ContractId", "ContractPeriodEnd", "ContractPeriodStart",
      "x_RunId", "x_Strategy", "x_Gpus", "x_UsdPerGpuHour", "x_GpuSeconds"};
  return columns;
}

using Row = std::map<std::string, std::string>;

std::string Money(int64_t micro) { return report::Money(micro, 6); }
std::string GpuHours(int64_t gpu_seconds) { return Decimal(gpu_seconds, 3600, 6); }

// PricingQuantity (GPU-hours to 9 decimals) for `gpu_seconds`, with
// ListCost and ContractedCost that are exactly their unit price x the
// quantity: in decimal (prices have 9 decimals, so a cost has 18) and in
// binary floating point, as FOCUS validators multiply. The quantity is the
// GPU-seconds in hours rounded to 9 decimals, moved by the fewest billionths
// of an hour (3.6 microseconds of GPU time) that make both products agree in
// binary too. EffectiveCost and BilledCost stay exact micro-dollars.
struct Priced {
  std::string quantity, list_cost, contracted_cost;
};

// `v` / 10^places written exactly, with all `places` decimals (v >= 0). Not
// Decimal: a cost here has 18 decimals, and Decimal's rounding would
// overflow 128 bits on them; nothing is rounded here.
std::string Fixed(__int128 v, int places) {
  std::string digits;  // least significant first
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v > 0);
  while (static_cast<int>(digits.size()) <= places) digits.push_back('0');
  std::reverse(digits.begin(), digits.end());
  const size_t point = digits.size() - static_cast<size_t>(places);
  return absl::StrCat(absl::string_view(digits).substr(0, point), ".",
                      absl::string_view(digits).substr(point));
}

Priced PriceQuantity(int64_t gpu_seconds, int64_t list_nusd, int64_t contracted_nusd) {
  constexpr int64_t kBillion = 1'000'000'000;
  const __int128 base = (static_cast<__int128>(gpu_seconds) * kBillion + 1800) / 3600;
  const double list_price = std::strtod(Fixed(list_nusd, 9).c_str(), nullptr);
  const double contracted_price = std::strtod(Fixed(contracted_nusd, 9).c_str(), nullptr);
  Priced best;
  for (int step = 0; step <= 400; ++step) {
    const __int128 q = base + (step % 2 == 1 ? (step + 1) / 2 : -(step / 2));
    if (q < 0) continue;
    Priced p{Fixed(q, 9), Fixed(q * list_nusd, 18), Fixed(q * contracted_nusd, 18)};
    if (step == 0) best = p;
    const double quantity = std::strtod(p.quantity.c_str(), nullptr);
    if (list_price * quantity == std::strtod(p.list_cost.c_str(), nullptr) &&
        contracted_price * quantity == std::strtod(p.contracted_cost.c_str(), nullptr)) {
      return p;
    }
  }
  return best;  // exact in decimal; binary rounding may differ (not seen in tests)
}

// Unit prices (per GPU-hour), the quantity and the costs they make, and a
// SkuPriceId naming the price, for a row of `gpu_seconds`.
void SetPrices(std::map<std::string, std::string>* r, int64_t gpu_seconds, int64_t list_nusd,
               int64_t contracted_nusd, const std::string& sku_price_prefix) {
  const Priced p = PriceQuantity(gpu_seconds, list_nusd, contracted_nusd);
  (*r)["PricingQuantity"] = p.quantity;
  (*r)["ListUnitPrice"] = (*r)["PricingCurrencyListUnitPrice"] = Fixed(list_nusd, 9);
  (*r)["ContractedUnitPrice"] = (*r)["PricingCurrencyContractedUnitPrice"] =
      Fixed(contracted_nusd, 9);
  (*r)["ListCost"] = p.list_cost;
  (*r)["ContractedCost"] = p.contracted_cost;
  (*r)["SkuPriceId"] = absl::StrCat(sku_price_prefix, Fixed(contracted_nusd, 9));
}

std::string Iso(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The first instant of the calendar month after `t`, and of t's month.
std::time_t MonthStart(std::time_t t, int months_ahead) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  tm.tm_mday = 1;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_mon += months_ahead;
  return timegm(&tm);
}

class Writer {
 public:
  Writer(std::ostream& out, const std::vector<std::string>& columns, FocusTotals* totals)
      : out_(out), columns_(columns), totals_(totals) {
    for (size_t i = 0; i < columns_.size(); ++i) out_ << (i ? "," : "") << columns_[i];
    out_ << "\n";
  }
  void Write(const Row& r, int64_t billed, int64_t effective) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      auto it = r.find(columns_[i]);
      out_ << (i ? "," : "") << (it == r.end() ? std::string() : CsvField(it->second));
    }
    out_ << "\n";
    if (totals_ != nullptr) {
      totals_->billed += billed;
      totals_->effective += effective;
      ++totals_->rows;
    }
  }

 private:
  std::ostream& out_;
  const std::vector<std::string>& columns_;
  FocusTotals* totals_;
};

// The calendar instant of simulated second 0 from "YYYY-MM-DD" (UTC).
absl::StatusOr<std::time_t> ParseEpoch(const std::string& text) {
  std::vector<std::string> ymd = absl::StrSplit(text, '-');
  std::tm start_tm{};
  if (ymd.size() != 3 || !absl::SimpleAtoi(ymd[0], &start_tm.tm_year) ||
      !absl::SimpleAtoi(ymd[1], &start_tm.tm_mon) || !absl::SimpleAtoi(ymd[2], &start_tm.tm_mday) ||
      start_tm.tm_year < 1970 || start_tm.tm_mon < 1 || start_tm.tm_mon > 12 ||
      start_tm.tm_mday < 1 || start_tm.tm_mday > 31) {
    return absl::InvalidArgumentError(
        absl::StrCat("--epoch: expected YYYY-MM-DD, got \"", text, "\""));
  }
  start_tm.tm_year -= 1900;
  start_tm.tm_mon -= 1;
  const std::tm asked = start_tm;
  const std::time_t epoch = timegm(&start_tm);  // normalizes: 2025-02-31 becomes March 3
  if (start_tm.tm_mday != asked.tm_mday || start_tm.tm_mon != asked.tm_mon) {
    return absl::InvalidArgumentError(absl::StrCat("--epoch: no such date \"", text, "\""));
  }
  return epoch;
}

// Calendar-month pieces of [begin, end).
template <typename F>
void EachMonth(std::time_t begin, std::time_t end, const F& f) {
  for (std::time_t from = begin; from < end;) {
    const std::time_t to = std::min(end, MonthStart(from, 1));
    f(from, to);
    from = to;
  }
}

// One run's export. Rows are rounded by one splitter per cost column, so
// EffectiveCost adds up to the report's total and BilledCost to the cash
// view, to the micro-dollar, however many rows the entries are cut into;
// the rows are written in a fixed order (purchase, usage, reservation), so
// the same run always rounds the same way.
class FocusExport {
 public:
  FocusExport(const ledger::RunRecord& run, const v1::Pricing& pricing,
              std::vector<pricing::PriceSegment> segments, std::time_t epoch,
              ledger::Pool plain_pool, std::map<std::string, std::string> project,
              const std::string& version, std::ostream& out, FocusTotals* totals)
      : run_(&run),
        pricing_(&pricing),
        segments_(std::move(segments)),
        rates_(StartRates(pricing, run, segments_)),
        // The capital itself is the purchase row.
        cash_(pricing::OwnedCashRates(rates_)),
        epoch_(epoch),
        plain_pool_(plain_pool),
        project_(std::move(project)),
        run_name_(absl::StrCat("runs/", run.id)),
        v13_(version != "1.2"),
        w_(out, Columns(version), totals) {}

  // A mixed cluster: the pool whose rows come next, as a cluster of its own
  // (its model, GPUs and the part of the window it served; its model's
  // prices), its owned capacity named apart. `run` and `pricing` must
  // outlive the rows.
  void SelectPool(const ledger::RunRecord& run, const v1::Pricing& pricing,
                  std::vector<pricing::PriceSegment> segments, const std::string& name) {
    run_ = &run;
    pricing_ = &pricing;
    segments_ = std::move(segments);
    rates_ = StartRates(pricing, run, segments_);
    cash_ = pricing::OwnedCashRates(rates_);
    owned_id_ = absl::StrCat("/owned-cluster/", name);
  }

  ledger::Pool PoolOf(const ledger::UsageRecord& e) const {
    return e.pool == ledger::Pool::kNone ? plain_pool_ : e.pool;
  }
  std::time_t window_start() const { return epoch_ + run_->sim_start; }
  std::time_t window_end() const { return epoch_ + run_->sim_end; }

  // The purchase: owned hardware bought at the window's start.
  void Purchase();
  // One row per entry and calendar month.
  void Usage(const ledger::UsageRecord& e);
  // Reserved capacity paid month by month over its commitment (the window,
  // rounded up to whole terms); beyond the window it goes unused.
  void Reservation();

  // FOCUS 1.3: the reservation's terms, each a contract commitment that its
  // rows are cut at and name in ContractApplied. Call before any row.
  void CutTerms();
  // One Contract Commitment row per term (after Reservation()), with the
  // cost its purchase rows billed.
  void WriteCommitments(std::ostream& out, FocusTotals* totals) const;

  absl::Status status() const {
    for (const absl::Status& s : {effective_.status(), billed_.status()}) {
      if (!s.ok()) return absl::OutOfRangeError(absl::StrCat("run ", run_->id, ": ", s.message()));
    }
    return absl::OkStatus();
  }

 private:
  Row Base(std::time_t from, std::time_t to) const;
  Row ReservationRow(std::time_t from, std::time_t to, int64_t gs) const;
  // The prices and cost of a piece of an entry on committed capacity.
  void CommittedUsage(const ledger::UsageRecord& e, ledger::Pool pool, int64_t gs, Row* r,
                      int64_t* billed, int64_t* effective);

  // Calls f(from, to) for each calendar month of [from, to), cut further
  // where prices move, with rates_ and cash_ those in force over the piece
  // (the first segment's before the window, the last one's after it); and,
  // `by_term` once CutTerms() has run, at each reserved term's start.
  template <typename F>
  void EachPiece(std::time_t from, std::time_t to, const F& f, bool by_term = false) {
    auto cut = [&](std::time_t lo, std::time_t hi) {
      if (!by_term || terms_.empty()) return f(lo, hi);
      for (size_t k = TermOf(lo); lo < hi; ++k) {
        const std::time_t end = k + 1 < terms_.size() ? std::min(hi, terms_[k + 1]) : hi;
        f(lo, end);
        lo = end;
      }
    };
    EachMonth(from, to, [&](std::time_t a, std::time_t b) {
      if (segments_.empty()) return cut(a, b);
      for (size_t k = 0; k < segments_.size(); ++k) {
        const std::time_t lo = k == 0 ? a : std::max(a, epoch_ + segments_[k].start);
        const std::time_t hi =
            k + 1 == segments_.size() ? b : std::min(b, epoch_ + segments_[k].end);
        if (hi <= lo) continue;
        rates_ = segments_[k].rates;
        cash_ = pricing::OwnedCashRates(rates_);
        cut(lo, hi);
      }
    });
  }

  // The term holding instant t (the first before it, the last after it).
  size_t TermOf(std::time_t t) const {
    const auto it = std::upper_bound(terms_.begin(), terms_.end(), t);
    return it == terms_.begin() ? 0 : static_cast<size_t>(it - terms_.begin()) - 1;
  }
  std::time_t TermEnd(size_t k) const {
    return k + 1 < terms_.size() ? terms_[k + 1] : commit_end_;
  }
  std::string CommitmentId(size_t k) const {
    return absl::StrCat(run_name_, "/reservation/term-", k + 1);
  }
  // FOCUS 1.3's ContractApplied: the row draws `quantity` GPU-hours, worth
  // `cost`, from the term holding `from`.
  std::string Applied(std::time_t from, const std::string& cost,
                      const std::string& quantity) const {
    return absl::StrCat("{\"Elements\":[{\"ContractId\":\"", run_name_,
                        "/reservation\",\"ContractCommitmentId\":\"", CommitmentId(TermOf(from)),
                        "\",\"ContractCommitmentAppliedCost\":", cost,
                        ",\"ContractCommitmentAppliedQuantity\":", quantity,
                        ",\"ContractCommitmentAppliedUnit\":\"GPU-Hours\"}]}");
  }
  // Writes a row; FOCUS 1.3 names its provider in the columns that replace
  // ProviderName (the deprecated ones stay filled): the service's provider,
  // and its host, which is the same one here.
  void Emit(Row& r, int64_t billed, int64_t effective) {
    if (v13_) r["ServiceProviderName"] = r["HostProviderName"] = r["ProviderName"];
    w_.Write(r, billed, effective);
  }

  static pricing::Rates StartRates(const v1::Pricing& pricing, const ledger::RunRecord& run,
                                   const std::vector<pricing::PriceSegment>& segments) {
    return segments.empty() ? pricing::ComputeRates(pricing, run.gpu_tdp_watts, run.gpus_per_node)
                            : segments.front().rates;
  }

  const ledger::RunRecord* run_;
  const v1::Pricing* pricing_;
  std::vector<pricing::PriceSegment> segments_;
  std::string owned_id_ = "/owned-cluster";  // the owned capacity's id, after run_name_
  pricing::Rates rates_;        // in force over the piece being written
  pricing::StateRates cash_;    // what an owner pays in cash by the hour
  const std::time_t epoch_;
  const ledger::Pool plain_pool_;
  std::map<std::string, std::string> project_;
  const std::string run_name_;
  const bool v13_;
  Writer w_;
  pricing::MoneySplitter effective_, billed_;
  // CutTerms(): each term's start, the commitment's end, and per term the
  // micro-dollars its purchase rows billed and its reserved rate.
  std::vector<std::time_t> terms_;
  std::time_t commit_end_ = 0;
  std::vector<int64_t> term_billed_, term_rate_;
};

Row FocusExport::Base(std::time_t from, std::time_t to) const {
  Row r;
  r["BillingAccountId"] = "gpuledger";
  r["BillingAccountName"] = absl::StrCat("gpuledger replay of ", run_->plan_name);
  r["BillingAccountType"] = "Replay";
  r["BillingCurrency"] = "USD";
  r["PricingCurrency"] = "USD";
  r["BillingPeriodStart"] = Iso(MonthStart(from, 0));
  r["BillingPeriodEnd"] = Iso(MonthStart(from, 1));
  r["ChargePeriodStart"] = Iso(from);
  r["ChargePeriodEnd"] = Iso(to);
  r["ChargeClass"] = "";
  r["InvoiceId"] = absl::StrCat(run_name_, "/", Iso(MonthStart(from, 0)).substr(0, 7));
  r["ServiceCategory"] = "AI and Machine Learning";
  r["ServiceSubcategory"] = "Generative AI";
  r["ServiceName"] = absl::StrCat(run_->gpu_model, " GPU cluster");
  r["SkuId"] = run_->gpu_model;
  r["SkuMeter"] = "GPU time";
  r["x_RunId"] = absl::StrCat(run_->id);
  r["x_Strategy"] = run_->strategy;
  return r;
}

void FocusExport::Purchase() {
  Row r = Base(window_start(), window_end());
  const int64_t capital = pricing::CapitalMicroUsd(*pricing_, run_->total_gpus(), run_->gpus_per_node);
  r["ChargeCategory"] = "Purchase";
  r["ChargeFrequency"] = "One-Time";
  r["ChargeDescription"] = absl::StrCat("Purchase of ", run_->total_gpus(), " ", run_->gpu_model,
                                        " GPUs with their servers (amortized in EffectiveCost)");
  billed_.Take(static_cast<pricing::ExactUsd>(capital) * pricing::kExactPerMicroUsd);
  r["BilledCost"] = Money(capital);
  r["EffectiveCost"] = r["PricingCurrencyEffectiveCost"] = Money(0);
  // Per GPU, so unit price x GPUs is the capital exactly.
  const int64_t per_gpu = capital / run_->total_gpus();
  r["ListCost"] = r["ContractedCost"] = Money(capital);
  r["ListUnitPrice"] = r["ContractedUnitPrice"] = r["PricingCurrencyListUnitPrice"] =
      r["PricingCurrencyContractedUnitPrice"] = Money(per_gpu);
  r["PricingQuantity"] = absl::StrCat(run_->total_gpus());
  r["PricingUnit"] = "GPUs";
  r["SkuPriceId"] = absl::StrCat(run_->gpu_model, "/owned/purchase/", Money(per_gpu));
  // What was bought, in the unit its usage is counted in: the window's GPU-hours.
  r["CommitmentDiscountQuantity"] =
      GpuHours(static_cast<int64_t>(run_->total_gpus()) * (run_->sim_end - run_->sim_start));
  r["CommitmentDiscountUnit"] = "GPU-Hours";
  r["PricingCategory"] = "Committed";
  r["ProviderName"] = r["PublisherName"] = r["InvoiceIssuerName"] = "Owned hardware";
  r["CommitmentDiscountId"] = r["ResourceId"] = absl::StrCat(run_name_, owned_id_);
  r["ResourceName"] = "cluster";
  r["ResourceType"] = "GPU cluster";
  r["CommitmentDiscountName"] = "owned cluster";
  r["CommitmentDiscountType"] = "Owned hardware";
  r["CommitmentDiscountCategory"] = "Usage";
  r["x_Pool"] = ledger::PoolName(ledger::Pool::kOwned);
  Emit(r, capital, 0);
}

void FocusExport::CommittedUsage(const ledger::UsageRecord& e, ledger::Pool pool, int64_t gs,
                                 Row* row, int64_t* billed, int64_t* effective) {
  Row& r = *row;
  const bool job = !e.job_id.empty();
  const bool owned = pool == ledger::Pool::kOwned;
  // The rate of the entry's state: a job's GPUs are busy, the rest idle or down.
  auto of_state = [&](const pricing::StateRates& s) {
    return job ? s.busy : e.category == "down" ? s.down : s.idle;
  };
  const int64_t rate = of_state(pricing::CapacityRates(
      rates_, owned ? pricing::Capacity::kOwned : pricing::Capacity::kReserved));
  if (owned) *billed = billed_.Take(pricing::ExactCost(gs, of_state(cash_)));
  *effective = effective_.Take(pricing::ExactCost(gs, rate));
  r["PricingCategory"] = "Committed";
  SetPrices(&r, gs, owned ? rate : rates_.rental, rate,
            absl::StrCat(run_->gpu_model, "/", ledger::PoolName(pool), "/"));
  r["ProviderName"] = r["PublisherName"] = r["InvoiceIssuerName"] =
      owned ? "Owned hardware" : "GPU cloud (reserved)";
  r["CommitmentDiscountId"] = owned ? absl::StrCat(run_name_, owned_id_) : absl::StrCat(run_name_, "/reservation");
  r["CommitmentDiscountName"] = owned ? "owned cluster" : "reserved capacity";
  r["CommitmentDiscountType"] = owned ? "Owned hardware" : "Reserved capacity";
  r["CommitmentDiscountCategory"] = "Usage";
  r["CommitmentDiscountStatus"] = job ? "Used" : "Unused";
  if (!job) r["ResourceId"] = r["CommitmentDiscountId"];  // FOCUS: unused rows name the commitment
  r["CommitmentDiscountQuantity"] = r["PricingQuantity"];
  r["CommitmentDiscountUnit"] = "GPU-Hours";
  r["ChargeDescription"] = job ? absl::StrCat(e.category, " GPU time of job ", e.job_id, " on ",
                                              ledger::PoolName(pool), " capacity")
                               : absl::StrCat(e.category, " ", ledger::PoolName(pool), " capacity");
}

void FocusExport::Usage(const ledger::UsageRecord& e) {
  const ledger::Pool pool = PoolOf(e);
  const bool job = !e.job_id.empty();
  if (pool == ledger::Pool::kOnDemand && !job) return;  // a renter pays nothing for idle capacity
  const bool reserved = pool == ledger::Pool::kReserved;
  EachPiece(epoch_ + e.start, epoch_ + e.end, [&](std::time_t from, std::time_t to) {
    const int64_t gs = static_cast<int64_t>(to - from) * e.gpus;
    Row r = Base(from, to);
    r["ChargeCategory"] = "Usage";
    r["ChargeFrequency"] = "Usage-Based";
    r["PricingUnit"] = "GPU-Hours";
    if (job) {  // unused capacity consumes nothing (FOCUS: null)
      r["ConsumedQuantity"] = GpuHours(gs);
      r["ConsumedUnit"] = "GPU-Hours";
    }
    r["ResourceId"] =
        job ? absl::StrCat(run_name_, "/jobs/", e.job_id) : absl::StrCat(run_name_, "/cluster");
    r["ResourceName"] = job ? e.job_id : "cluster";
    r["ResourceType"] = job ? "GPU job" : "GPU cluster";
    r["x_Pool"] = ledger::PoolName(pool);
    r["x_JobId"] = e.job_id;
    r["x_Phase"] = e.phase;
    r["x_Project"] = job ? project_[e.job_id] : "";
    r["x_Category"] = e.category;
    r["x_GpuSeconds"] = absl::StrCat(gs);
    int64_t billed = 0, effective = 0;
    if (pool == ledger::Pool::kOnDemand) {
      effective = effective_.Take(pricing::ExactCost(gs, rates_.rental));
      billed = billed_.Take(pricing::ExactCost(gs, rates_.rental));
      // Spot capacity: the provider's dynamic price, below the on-demand
      // list price (FOCUS's "Dynamic" pricing category).
      const bool spot = pricing_->rental().has_spot_discount();
      r["PricingCategory"] = spot ? "Dynamic" : "Standard";
      SetPrices(&r, gs, rates_.rental_list, rates_.rental,
                absl::StrCat(run_->gpu_model, spot ? "/spot/" : "/on-demand/"));
      r["ProviderName"] = r["PublisherName"] = r["InvoiceIssuerName"] =
          spot ? "GPU cloud (spot)" : "GPU cloud (on-demand)";
      r["ChargeDescription"] = absl::StrCat(e.category, " GPU time of job ", e.job_id,
                                            spot ? " on spot capacity" : " rented on demand");
    } else {
      CommittedUsage(e, pool, gs, &r, &billed, &effective);
      if (reserved && v13_) {
        r["ContractApplied"] = Applied(from, Money(effective), r["CommitmentDiscountQuantity"]);
      }
    }
    r["BilledCost"] = Money(billed);
    r["EffectiveCost"] = Money(effective);
    r["PricingCurrencyEffectiveCost"] = Money(effective);
    Emit(r, billed, effective);
  }, reserved);
}

// What every reservation row says of the reservation.
Row FocusExport::ReservationRow(std::time_t from, std::time_t to, int64_t gs) const {
  Row r = Base(from, to);
  r["PricingCategory"] = "Committed";
  r["PricingUnit"] = "GPU-Hours";
  SetPrices(&r, gs, rates_.rental, rates_.reserved, absl::StrCat(run_->gpu_model, "/reserved/"));
  r["CommitmentDiscountQuantity"] = r["PricingQuantity"];
  r["CommitmentDiscountUnit"] = "GPU-Hours";
  r["CommitmentDiscountId"] = r["ResourceId"] = absl::StrCat(run_name_, "/reservation");
  r["CommitmentDiscountType"] = "Reserved capacity";
  r["CommitmentDiscountCategory"] = "Usage";
  r["ProviderName"] = r["PublisherName"] = r["InvoiceIssuerName"] = "GPU cloud (reserved)";
  r["x_Pool"] = ledger::PoolName(ledger::Pool::kReserved);
  return r;
}

void FocusExport::Reservation() {
  const int gpus = run_->total_gpus();
  const int64_t committed =
      pricing::ReservedCommitmentSeconds(*pricing_, run_->sim_end - run_->sim_start);
  const std::time_t commit_end = window_start() + committed;
  EachPiece(window_end(), commit_end, [&](std::time_t from, std::time_t to) {
    const int64_t gs = static_cast<int64_t>(to - from) * gpus;
    Row r = ReservationRow(from, to, gs);
    const int64_t effective = effective_.Take(pricing::ExactCost(gs, rates_.reserved));
    r["ChargeCategory"] = "Usage";
    r["ChargeFrequency"] = "Usage-Based";
    r["ChargeDescription"] = "reserved capacity after the replay, unused";
    r["CommitmentDiscountStatus"] = "Unused";
    r["EffectiveCost"] = r["PricingCurrencyEffectiveCost"] = Money(effective);
    r["BilledCost"] = Money(0);
    r["ResourceName"] = "cluster";
    r["ResourceType"] = "GPU cluster";
    r["x_Category"] = "idle";
    r["x_GpuSeconds"] = absl::StrCat(gs);
    if (v13_) {
      r["ContractApplied"] = Applied(from, Money(effective), r["CommitmentDiscountQuantity"]);
    }
    Emit(r, 0, effective);
  }, true);
  EachPiece(window_start(), commit_end, [&](std::time_t from, std::time_t to) {
    const int64_t gs = static_cast<int64_t>(to - from) * gpus;
    Row r = ReservationRow(from, to, gs);
    const int64_t billed = billed_.Take(pricing::ExactCost(gs, rates_.reserved));
    r["ChargeCategory"] = "Purchase";
    r["ChargeFrequency"] = "Recurring";
    r["ChargeDescription"] = absl::StrCat("Reservation of ", gpus, " ", run_->gpu_model,
                                          " GPUs for the month (amortized in EffectiveCost)");
    r["BilledCost"] = Money(billed);
    r["EffectiveCost"] = r["PricingCurrencyEffectiveCost"] = Money(0);
    r["ResourceName"] = "reservation";
    r["ResourceType"] = "GPU reservation";
    if (!terms_.empty()) {
      const size_t k = TermOf(from);
      term_billed_[k] += billed;
      if (term_rate_[k] < 0) term_rate_[k] = rates_.reserved;
    }
    Emit(r, billed, 0);
  }, true);
}

void FocusExport::CutTerms() {
  const int64_t window = run_->sim_end - run_->sim_start;
  commit_end_ = window_start() + pricing::ReservedCommitmentSeconds(*pricing_, window);
  const int64_t term = pricing::ReservedTermSeconds(*pricing_);
  terms_ = {window_start()};
  if (term > 0) {
    for (std::time_t t = window_start() + term; t < commit_end_; t += term) terms_.push_back(t);
  }
  term_billed_.assign(terms_.size(), 0);
  term_rate_.assign(terms_.size(), -1);
}

void FocusExport::WriteCommitments(std::ostream& out, FocusTotals* totals) const {
  Writer w(out, CommitmentColumns(), nullptr);
  const int gpus = run_->total_gpus();
  const int64_t term = pricing::ReservedTermSeconds(*pricing_);
  for (size_t k = 0; k < terms_.size(); ++k) {
    const int64_t gs = static_cast<int64_t>(TermEnd(k) - terms_[k]) * gpus;
    Row r;
    r["BillingCurrency"] = "USD";
    r["ContractId"] = absl::StrCat(run_name_, "/reservation");
    r["ContractCommitmentId"] = CommitmentId(k);
    // A commitment to GPU-hours (a usage commitment), priced at the term's rate.
    r["ContractCommitmentCategory"] = "Usage";
    r["ContractCommitmentType"] = "Reserved capacity";
    r["ContractCommitmentDescription"] =
        term > 0 ? absl::StrCat("Reservation of ", gpus, " ", run_->gpu_model, " GPUs, term ",
                                k + 1, " of ", terms_.size(), " (", Decimal(term, 86400, 2),
                                " days), at the rate in force when the term began")
                 : absl::StrCat("Reservation of ", gpus, " ", run_->gpu_model,
                                " GPUs for the replay's window");
    r["ContractCommitmentCost"] = Money(term_billed_[k]);
    r["ContractCommitmentQuantity"] = GpuHours(gs);
    r["ContractCommitmentUnit"] = "GPU-Hours";
    r["ContractCommitmentPeriodStart"] = Iso(terms_[k]);
    r["ContractCommitmentPeriodEnd"] = Iso(TermEnd(k));
    r["ContractPeriodStart"] = Iso(terms_.front());
    r["ContractPeriodEnd"] = Iso(commit_end_);
    r["x_RunId"] = absl::StrCat(run_->id);
    r["x_Strategy"] = run_->strategy;
    r["x_Gpus"] = absl::StrCat(gpus);
    if (term_rate_[k] >= 0) r["x_UsdPerGpuHour"] = Fixed(term_rate_[k], 9);
    r["x_GpuSeconds"] = absl::StrCat(gs);
    w.Write(r, 0, 0);
    if (totals != nullptr) {
      totals->billed += term_billed_[k];
      ++totals->rows;
    }
  }
}

}  // namespace

absl::Status ExportFocus(ledger::Ledger& ledger, int64_t run_id, const FocusOptions& o,
                         std::ostream& out, FocusTotals* totals) {
  if (o.view != "owned" && o.view != "rental") {
    return absl::InvalidArgumentError(
        absl::StrCat("--view must be owned or rental, got \"", o.view, "\""));
  }
  if (o.version != "1.2" && o.version != "1.3") {
    return absl::InvalidArgumentError(
        absl::StrCat("--focus-version must be 1.3 or 1.2, got \"", o.version, "\""));
  }
  const bool commitments = o.dataset == "contract-commitment";
  if (!commitments && o.dataset != "cost-and-usage") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--dataset must be cost-and-usage or contract-commitment, got \"", o.dataset, "\""));
  }
  if (commitments && o.version == "1.2") {
    return absl::InvalidArgumentError(
        "--dataset contract-commitment: FOCUS 1.2 has no Contract Commitment dataset (it is new "
        "in 1.3); leave --focus-version 1.2 out");
  }
  absl::StatusOr<std::time_t> epoch = ParseEpoch(o.epoch);
  if (!epoch.ok()) return epoch.status();
  absl::StatusOr<ledger::RunRecord> run = ledger.GetRun(run_id);
  if (!run.ok()) return run.status();
  if (run->status != ledger::RunStatus::kComplete) {
    return absl::FailedPreconditionError(
        absl::StrCat("run ", run_id, " is ", ledger::RunStatusName(run->status), ", not complete"));
  }
  if (run->start_utc) {
    // A dated run's calendar is its own: the export never moves it.
    if (o.epoch_given && *epoch != *run->start_utc) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--epoch ", o.epoch, ": run ", run_id, " has its own start date, ",
          base::FormatUtc(*run->start_utc), ", which dates its rows; leave --epoch out"));
    }
    *epoch = static_cast<std::time_t>(*run->start_utc);
  }
  // A run whose figures cannot be represented is refused before any row.
  if (absl::StatusOr<report::CostReport> report =
          report::BuildCostReport(ledger, run_id, ledger::GroupBy::kCategory, false);
      !report.ok()) {
    return report.status();
  }
  v1::Pricing pricing;
  google::protobuf::TextFormat::ParseFromString(run->pricing, &pricing);
  absl::StatusOr<std::vector<ledger::JobRecord>> jobs = ledger.ListJobs(run_id);
  if (!jobs.ok()) return jobs.status();
  std::map<std::string, std::string> project;
  for (const auto& j : *jobs) project[j.job_id] = j.project;
  absl::StatusOr<std::vector<ledger::UsageRecord>> entries = ledger.ListUsage(run_id);
  if (!entries.ok()) return entries.status();

  auto segments_of = [&](const v1::Pricing& prices, const ledger::RunRecord& r)
      -> absl::StatusOr<std::vector<pricing::PriceSegment>> {
    if (!pricing::HasMovingPrices(prices)) return std::vector<pricing::PriceSegment>{};
    return pricing::PriceSegments(prices, r.gpu_tdp_watts, r.gpus_per_node, run->start_utc,
                                  run->sim_start, run->sim_end);
  };
  // A mixed cluster: each pool a cluster of its own model, priced as it,
  // over the part of the window it served (docs/focus.md).
  std::vector<ledger::RunRecord> pool_runs;
  std::vector<v1::Pricing> pool_prices;
  for (const ledger::RunPool& p : run->pools) {
    ledger::RunRecord r = *run;
    r.pools.clear();
    r.gpu_model = p.gpu_model;
    r.nodes = p.nodes;
    r.gpus_per_node = p.gpus_per_node;
    r.gpu_tdp_watts = p.gpu_tdp_watts;
    r.sim_start = std::max(run->sim_start, p.available_from);
    r.sim_end = p.retired_at < 0 ? run->sim_end : std::min(run->sim_end, p.retired_at);
    r.sim_end = std::max(r.sim_start, r.sim_end);
    pool_runs.push_back(std::move(r));
    pool_prices.push_back(pricing::PricingForModel(pricing, p.gpu_model));
  }
  std::vector<std::vector<pricing::PriceSegment>> pool_segments;
  for (size_t k = 0; k < pool_runs.size(); ++k) {
    absl::StatusOr<std::vector<pricing::PriceSegment>> s = segments_of(pool_prices[k], pool_runs[k]);
    if (!s.ok()) return s.status();
    pool_segments.push_back(*std::move(s));
  }
  const ledger::RunRecord& first_run = pool_runs.empty() ? *run : pool_runs.front();
  const v1::Pricing& first_prices = pool_prices.empty() ? pricing : pool_prices.front();
  absl::StatusOr<std::vector<pricing::PriceSegment>> segments = segments_of(first_prices, first_run);
  if (!segments.ok()) return segments.status();
  auto select = [&](size_t k, auto& e) {
    e.SelectPool(pool_runs[k], pool_prices[k], pool_segments[k], run->pools[k].name);
  };
  // The Contract Commitment dataset takes each term's cost from the Cost and
  // Usage rows that bill it, written to nowhere.
  std::ostream nowhere(nullptr);
  FocusExport e(first_run, first_prices, *std::move(segments), *epoch,
                o.view == "owned" ? ledger::Pool::kOwned : ledger::Pool::kOnDemand,
                std::move(project), o.version, commitments ? nowhere : out,
                commitments ? nullptr : totals);
  bool any_owned = false, any_reserved = false;
  for (const auto& u : *entries) {
    any_owned |= e.PoolOf(u) == ledger::Pool::kOwned;
    any_reserved |= e.PoolOf(u) == ledger::Pool::kReserved;
  }
  if (any_reserved && o.version != "1.2") e.CutTerms();
  if (pool_runs.empty()) {
    if (any_owned) e.Purchase();
    for (const auto& u : *entries) e.Usage(u);
  } else {
    // A purchase per pool, then every entry at its pool's prices (a mixed
    // cluster is a plain replay, owned or rented, or a fleet strategy's
    // owned and on-demand pools; never reserved).
    for (size_t k = 0; k < pool_runs.size() && any_owned; ++k) {
      // A pool that served no part of the window was not bought for it.
      if (pool_runs[k].sim_end <= pool_runs[k].sim_start) continue;
      // A fleet's rented pool was never bought.
      if (run->pools[k].capacity == ledger::Pool::kOnDemand) continue;
      select(k, e);
      e.Purchase();
    }
    size_t selected = pool_runs.size();
    for (const auto& u : *entries) {
      const size_t k = static_cast<size_t>(u.gpu_pool);
      if (k >= pool_runs.size()) {
        return absl::DataLossError(absl::StrCat("run ", run_id, ": an entry names a pool it lacks"));
      }
      if (k != selected) select(selected = k, e);
      e.Usage(u);
    }
  }
  if (any_reserved) e.Reservation();
  if (absl::Status s = e.status(); !s.ok()) return s;
  if (commitments) e.WriteCommitments(out, totals);
  return absl::OkStatus();
}

}  // namespace gpuledger::report

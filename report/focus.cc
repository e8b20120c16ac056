#include "report/focus.h"

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <map>
#include <ostream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/text_format.h"
#include "report/cost.h"
#include "report/format.h"

namespace gpuledger::report {
namespace {

// Every column of FOCUS 1.2 (docs/focus.md), alphabetically, then ours.
const std::vector<std::string>& Columns() {
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
      "SubAccountType", "Tags",
      // Custom columns (FOCUS: prefixed x_).
      "x_RunId", "x_Strategy", "x_Pool", "x_JobId", "x_Phase", "x_Project", "x_Category",
      "x_GpuSeconds"};
  return columns;
}

using Row = std::map<std::string, std::string>;

std::string Money(int64_t micro) { return Decimal(micro, 1'000'000, 6); }
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

// `v` / 10^places written exactly, with all `places` decimals (v >= 0).
std::string Fixed(__int128 v, int places) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v > 0);
  if (static_cast<int>(digits.size()) <= places) digits.insert(0, places + 1 - digits.size(), '0');
  digits.insert(digits.size() - places, ".");
  return digits;
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
  Writer(std::ostream& out, FocusTotals* totals) : out_(out), totals_(totals) {
    for (size_t i = 0; i < Columns().size(); ++i) out_ << (i ? "," : "") << Columns()[i];
    out_ << "\n";
  }
  void Write(const Row& r, int64_t billed, int64_t effective) {
    for (size_t i = 0; i < Columns().size(); ++i) {
      auto it = r.find(Columns()[i]);
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
  FocusTotals* totals_;
};

}  // namespace

absl::Status ExportFocus(ledger::Ledger& ledger, int64_t run_id, const FocusOptions& o,
                         std::ostream& out, FocusTotals* totals) {
  if (o.view != "owned" && o.view != "rental") {
    return absl::InvalidArgumentError(absl::StrCat("--view must be owned or rental, got \"", o.view, "\""));
  }
  std::vector<std::string> ymd = absl::StrSplit(o.epoch, '-');
  std::tm start_tm{};
  if (ymd.size() != 3 || !absl::SimpleAtoi(ymd[0], &start_tm.tm_year) ||
      !absl::SimpleAtoi(ymd[1], &start_tm.tm_mon) || !absl::SimpleAtoi(ymd[2], &start_tm.tm_mday) ||
      start_tm.tm_year < 1970 || start_tm.tm_mon < 1 || start_tm.tm_mon > 12 ||
      start_tm.tm_mday < 1 || start_tm.tm_mday > 31) {
    return absl::InvalidArgumentError(absl::StrCat("--epoch: expected YYYY-MM-DD, got \"", o.epoch, "\""));
  }
  start_tm.tm_year -= 1900;
  start_tm.tm_mon -= 1;
  const std::tm asked = start_tm;
  const std::time_t epoch = timegm(&start_tm);  // normalizes: 2025-02-31 becomes March 3
  if (start_tm.tm_mday != asked.tm_mday || start_tm.tm_mon != asked.tm_mon) {
    return absl::InvalidArgumentError(absl::StrCat("--epoch: no such date \"", o.epoch, "\""));
  }

  absl::StatusOr<ledger::RunRecord> run = ledger.GetRun(run_id);
  if (!run.ok()) return run.status();
  if (run->status != ledger::RunStatus::kComplete) {
    return absl::FailedPreconditionError(absl::StrCat("run ", run_id, " is ", ledger::RunStatusName(run->status),
                                                      ", not complete"));
  }
  // A run whose figures cannot be represented is refused before any row.
  if (absl::StatusOr<report::CostReport> report = report::BuildCostReport(ledger, run_id, "category", false);
      !report.ok()) {
    return report.status();
  }
  v1::Pricing pricing;
  google::protobuf::TextFormat::ParseFromString(run->pricing, &pricing);
  const pricing::Rates rates = pricing::ComputeRates(pricing, run->gpu_tdp_watts);
  const int64_t reserved_rate = rates.reserved;
  // Cash an owner pays by the hour: energy, operations and cost of capital
  // (the capital itself is the purchase row).
  const int64_t cash_fixed = rates.owned_operations + rates.owned_financing;
  absl::StatusOr<std::vector<ledger::JobRecord>> jobs = ledger.ListJobs(run_id);
  if (!jobs.ok()) return jobs.status();
  std::map<std::string, std::string> project;
  for (const auto& j : *jobs) project[j.job_id] = j.project;
  absl::StatusOr<std::vector<ledger::UsageRecord>> entries = ledger.ListUsage(run_id);
  if (!entries.ok()) return entries.status();

  Writer w(out, totals);
  // Rows are rounded by one splitter per cost column, so EffectiveCost adds
  // up to the report's total and BilledCost to the cash view, to the
  // micro-dollar, however many rows the entries are cut into.
  pricing::MoneySplitter effective_split, billed_split;
  const std::string run_name = absl::StrCat("runs/", run_id);
  auto base = [&](std::time_t from, std::time_t to) {
    Row r;
    r["BillingAccountId"] = "gpuledger";
    r["BillingAccountName"] = absl::StrCat("gpuledger replay of ", run->plan_name);
    r["BillingAccountType"] = "Replay";
    r["BillingCurrency"] = "USD";
    r["PricingCurrency"] = "USD";
    r["BillingPeriodStart"] = Iso(MonthStart(from, 0));
    r["BillingPeriodEnd"] = Iso(MonthStart(from, 1));
    r["ChargePeriodStart"] = Iso(from);
    r["ChargePeriodEnd"] = Iso(to);
    r["ChargeClass"] = "";
    r["InvoiceId"] = absl::StrCat(run_name, "/", Iso(MonthStart(from, 0)).substr(0, 7));
    r["ServiceCategory"] = "AI and Machine Learning";
    r["ServiceSubcategory"] = "Generative AI";
    r["ServiceName"] = absl::StrCat(run->gpu_model, " GPU cluster");
    r["SkuId"] = run->gpu_model;
    r["SkuMeter"] = "GPU time";
    r["x_RunId"] = absl::StrCat(run_id);
    r["x_Strategy"] = run->strategy;
    return r;
  };
  const ledger::Pool plain_pool = o.view == "owned" ? ledger::Pool::kOwned : ledger::Pool::kOnDemand;

  // The purchase: owned hardware bought at the window's start.
  bool any_owned = false, any_reserved = false;
  for (const auto& e : *entries) {
    const ledger::Pool pool = e.pool == ledger::Pool::kNone ? plain_pool : e.pool;
    any_owned |= pool == ledger::Pool::kOwned;
    any_reserved |= pool == ledger::Pool::kReserved;
  }
  const std::time_t window_start = epoch + run->sim_start, window_end = epoch + run->sim_end;
  if (any_owned) {
    Row r = base(window_start, window_end);
    const int64_t capital = pricing::CapitalMicroUsd(pricing, run->total_gpus());
    r["ChargeCategory"] = "Purchase";
    r["ChargeFrequency"] = "One-Time";
    r["ChargeDescription"] = absl::StrCat("Purchase of ", run->total_gpus(), " ", run->gpu_model,
                                          " GPUs with their servers (amortized in EffectiveCost)");
    billed_split.Take(static_cast<pricing::ExactUsd>(capital) * pricing::kExactPerMicroUsd);
    r["BilledCost"] = Money(capital);
    r["EffectiveCost"] = r["PricingCurrencyEffectiveCost"] = Money(0);
    // Per GPU, so unit price x GPUs is the capital exactly.
    const int64_t per_gpu = capital / run->total_gpus();
    r["ListCost"] = r["ContractedCost"] = Money(capital);
    r["ListUnitPrice"] = r["ContractedUnitPrice"] = r["PricingCurrencyListUnitPrice"] =
        r["PricingCurrencyContractedUnitPrice"] = Money(per_gpu);
    r["PricingQuantity"] = absl::StrCat(run->total_gpus());
    r["PricingUnit"] = "GPUs";
    r["SkuPriceId"] = absl::StrCat(run->gpu_model, "/owned/purchase/", Money(per_gpu));
    // What was bought, in the unit its usage is counted in: the window's GPU-hours.
    r["CommitmentDiscountQuantity"] =
        GpuHours(static_cast<int64_t>(run->total_gpus()) * (run->sim_end - run->sim_start));
    r["CommitmentDiscountUnit"] = "GPU-Hours";
    r["PricingCategory"] = "Committed";
    r["ProviderName"] = r["PublisherName"] = r["InvoiceIssuerName"] = "Owned hardware";
    r["CommitmentDiscountId"] = r["ResourceId"] = absl::StrCat(run_name, "/owned-cluster");
    r["ResourceName"] = "cluster";
    r["ResourceType"] = "GPU cluster";
    r["CommitmentDiscountName"] = "owned cluster";
    r["CommitmentDiscountType"] = "Owned hardware";
    r["CommitmentDiscountCategory"] = "Usage";
    r["x_Pool"] = ledger::PoolName(ledger::Pool::kOwned);
    w.Write(r, capital, 0);
  }

  // Usage: one row per entry and calendar month.
  for (const auto& e : *entries) {
    const ledger::Pool pool = e.pool == ledger::Pool::kNone ? plain_pool : e.pool;
    const bool job = !e.job_id.empty();
    if (pool == ledger::Pool::kOnDemand && !job) continue;  // a renter pays nothing for idle capacity
    std::time_t from = epoch + e.start;
    const std::time_t end = epoch + e.end;
    while (from < end) {
      const std::time_t to = std::min(end, MonthStart(from, 1));
      const int64_t gs = static_cast<int64_t>(to - from) * e.gpus;
      Row r = base(from, to);
      r["ChargeCategory"] = "Usage";
      r["ChargeFrequency"] = "Usage-Based";
      r["PricingUnit"] = "GPU-Hours";
      if (job) {  // unused capacity consumes nothing (FOCUS: null)
        r["ConsumedQuantity"] = GpuHours(gs);
        r["ConsumedUnit"] = "GPU-Hours";
      }
      r["ResourceId"] = job ? absl::StrCat(run_name, "/jobs/", e.job_id) : absl::StrCat(run_name, "/cluster");
      r["ResourceName"] = job ? e.job_id : "cluster";
      r["ResourceType"] = job ? "GPU job" : "GPU cluster";
      r["x_Pool"] = ledger::PoolName(pool);
      r["x_JobId"] = e.job_id;
      r["x_Phase"] = e.phase;
      r["x_Project"] = job ? project[e.job_id] : "";
      r["x_Category"] = e.category;
      r["x_GpuSeconds"] = absl::StrCat(gs);
      int64_t billed = 0, effective = 0;
      if (pool == ledger::Pool::kOnDemand) {
        effective = effective_split.Take(pricing::ExactCost(gs, rates.rental));
        billed = billed_split.Take(pricing::ExactCost(gs, rates.rental));
        r["PricingCategory"] = "Standard";
        SetPrices(&r, gs, rates.rental, rates.rental, absl::StrCat(run->gpu_model, "/on-demand/"));
        r["ProviderName"] = r["PublisherName"] = r["InvoiceIssuerName"] = "GPU cloud (on-demand)";
        r["ChargeDescription"] = absl::StrCat(e.category, " GPU time of job ", e.job_id, " rented on demand");
      } else {
        const bool owned = pool == ledger::Pool::kOwned;
        int64_t rate = reserved_rate;
        if (owned) {
          rate = job ? rates.owned_busy() : e.category == "down" ? rates.owned_down() : rates.owned_idle();
          const int64_t cash = job ? cash_fixed + rates.owned_busy_energy
                               : e.category == "down" ? cash_fixed
                                                      : cash_fixed + rates.owned_idle_energy;
          billed = billed_split.Take(pricing::ExactCost(gs, cash));
        }
        effective = effective_split.Take(pricing::ExactCost(gs, rate));
        r["PricingCategory"] = "Committed";
        SetPrices(&r, gs, owned ? rate : rates.rental, rate, absl::StrCat(run->gpu_model, "/", ledger::PoolName(pool), "/"));
        r["ProviderName"] = r["PublisherName"] = r["InvoiceIssuerName"] =
            owned ? "Owned hardware" : "GPU cloud (reserved)";
        r["CommitmentDiscountId"] = absl::StrCat(run_name, owned ? "/owned-cluster" : "/reservation");
        r["CommitmentDiscountName"] = owned ? "owned cluster" : "reserved capacity";
        r["CommitmentDiscountType"] = owned ? "Owned hardware" : "Reserved capacity";
        r["CommitmentDiscountCategory"] = "Usage";
        r["CommitmentDiscountStatus"] = job ? "Used" : "Unused";
        if (!job) r["ResourceId"] = r["CommitmentDiscountId"];  // FOCUS: unused rows name the commitment
        r["CommitmentDiscountQuantity"] = r["PricingQuantity"];
        r["CommitmentDiscountUnit"] = "GPU-Hours";
        r["ChargeDescription"] =
            job ? absl::StrCat(e.category, " GPU time of job ", e.job_id, " on ", ledger::PoolName(pool), " capacity")
                : absl::StrCat(e.category, " ", ledger::PoolName(pool), " capacity");
      }
      r["BilledCost"] = Money(billed);
      r["EffectiveCost"] = Money(effective);
      r["PricingCurrencyEffectiveCost"] = Money(effective);
      w.Write(r, billed, effective);
      from = to;
    }
  }

  // Reserved capacity is paid month by month over its commitment (the
  // window, rounded up to whole terms); beyond the window it goes unused.
  if (any_reserved) {
    const int gpus = run->total_gpus();
    const int64_t committed =
        pricing::ReservedCommitmentSeconds(pricing, run->sim_end - run->sim_start);
    const std::time_t commit_end = window_start + committed;
    // What every reservation row says of the reservation.
    auto reservation_row = [&](std::time_t from, std::time_t to, int64_t gs) {
      Row r = base(from, to);
      r["PricingCategory"] = "Committed";
      r["PricingUnit"] = "GPU-Hours";
      SetPrices(&r, gs, rates.rental, reserved_rate, absl::StrCat(run->gpu_model, "/reserved/"));
      r["CommitmentDiscountQuantity"] = r["PricingQuantity"];
      r["CommitmentDiscountUnit"] = "GPU-Hours";
      r["CommitmentDiscountId"] = r["ResourceId"] = absl::StrCat(run_name, "/reservation");
      r["CommitmentDiscountType"] = "Reserved capacity";
      r["CommitmentDiscountCategory"] = "Usage";
      r["ProviderName"] = r["PublisherName"] = r["InvoiceIssuerName"] = "GPU cloud (reserved)";
      r["x_Pool"] = ledger::PoolName(ledger::Pool::kReserved);
      return r;
    };
    // Calendar-month pieces of [begin, end).
    auto each_month = [](std::time_t begin, std::time_t end, const auto& f) {
      for (std::time_t from = begin; from < end;) {
        const std::time_t to = std::min(end, MonthStart(from, 1));
        f(from, to);
        from = to;
      }
    };
    each_month(window_end, commit_end, [&](std::time_t from, std::time_t to) {
      const int64_t gs = static_cast<int64_t>(to - from) * gpus;
      Row r = reservation_row(from, to, gs);
      const int64_t effective = effective_split.Take(pricing::ExactCost(gs, reserved_rate));
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
      w.Write(r, 0, effective);
    });
    each_month(window_start, commit_end, [&](std::time_t from, std::time_t to) {
      const int64_t gs = static_cast<int64_t>(to - from) * gpus;
      Row r = reservation_row(from, to, gs);
      const int64_t billed = billed_split.Take(pricing::ExactCost(gs, reserved_rate));
      r["ChargeCategory"] = "Purchase";
      r["ChargeFrequency"] = "Recurring";
      r["ChargeDescription"] = absl::StrCat("Reservation of ", gpus, " ", run->gpu_model,
                                            " GPUs for the month (amortized in EffectiveCost)");
      r["BilledCost"] = Money(billed);
      r["EffectiveCost"] = r["PricingCurrencyEffectiveCost"] = Money(0);
      r["ResourceName"] = "reservation";
      r["ResourceType"] = "GPU reservation";
      w.Write(r, billed, 0);
    });
  }
  for (const absl::Status& s : {effective_split.status(), billed_split.status()}) {
    if (!s.ok()) return absl::OutOfRangeError(absl::StrCat("run ", run_id, ": ", s.message()));
  }
  return absl::OkStatus();
}

}  // namespace gpuledger::report

#include "pricing/rates.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "pricing/curve.h"

namespace gpuledger::pricing {
namespace {

// Nano-dollars from dollars, rounded to nearest.
int64_t Nano(double usd) { return std::llround(usd * 1e9); }

}  // namespace

absl::Status ValidatePricing(const v1::Pricing& p, absl::string_view prefix) {
  auto check = [&](absl::string_view name, double v, double lo, double hi) {
    if (!std::isfinite(v) || v < lo || v > hi) {
      return absl::InvalidArgumentError(
          absl::StrCat("field ", prefix, name, " must be in [", lo, ", ", hi, "], got ", v));
    }
    return absl::OkStatus();
  };
  const auto& o = p.owned();
  // Bounds far above any real price (an H100 rents for about $2-12 an hour
  // and costs about $25,000-40,000 to buy, FACTS.md), and low enough that
  // every rate fits int64 nano-dollars per GPU-hour and every cost of a
  // replay fits 128 bits exactly (docs/metrics.md, "Bounds").
  constexpr double kMaxHourly = kMaxUsdPerGpuHour;
  constexpr double kMaxCapital = 1e8;  // $ per GPU
  constexpr double kMaxKwh = 100;      // $ per kWh
  for (const absl::Status& s :
       {check("rental.usd_per_gpu_hour", p.rental().usd_per_gpu_hour(), 0, kMaxHourly),
        check("rental.spot_discount", p.rental().spot_discount(), 0, 1),
        check("owned.capital_usd_per_gpu", o.capital_usd_per_gpu(), 0, kMaxCapital),
        check("owned.network_share", o.network_share(), 0, 100),
        check("owned.depreciation_years", o.depreciation_years(), 1.0 / 365.25, 1000),
        check("owned.residual_share", o.residual_share(), 0, 1),
        check("owned.server_power_factor", o.server_power_factor(), 0, 100),
        check("owned.busy_load", o.busy_load(), 0, 10),
        check("owned.idle_load", o.idle_load(), 0, 10), check("owned.pue", o.pue(), 1, 10),
        check("owned.usd_per_kwh", o.usd_per_kwh(), 0, kMaxKwh),
        check("owned.operations_share_per_year", o.operations_share_per_year(), 0, 100),
        check("owned.chip_usd", o.chip_usd(), 0, kMaxCapital),
        check("owned.server_multiplier", o.server_multiplier(), 0, 100),
        check("owned.value_decline_oom_per_year", o.value_decline_oom_per_year(), 0, 10),
        check("owned.cost_of_capital_per_year", o.cost_of_capital_per_year(), 0, 10),
        check("owned.usd_per_node", o.usd_per_node(), 0, 10 * kMaxCapital),
        check("owned.installation_usd_per_node", o.installation_usd_per_node(), 0,
              10 * kMaxCapital),
        check("owned.resale_share", o.resale_share(), 0, 1),
        // CBRE: $184.06 per kW-month in North America, H2 2024 (FACTS.md).
        check("owned.colocation_usd_per_kw_month", o.colocation_usd_per_kw_month(), 0, 1e5),
        check("owned.support_usd_per_node_year", o.support_usd_per_node_year(), 0, kMaxCapital),
        check("owned.staff_usd_per_node_year", o.staff_usd_per_node_year(), 0, kMaxCapital),
        check("owned.network_usd_per_gpu_hour", o.network_usd_per_gpu_hour(), 0, kMaxHourly),
        check("owned.storage_usd_per_gpu_hour", o.storage_usd_per_gpu_hour(), 0, kMaxHourly),
        check("reserved.usd_per_gpu_hour", p.reserved().usd_per_gpu_hour(), 0, kMaxHourly),
        check("reserved.term_years", p.reserved().term_years(), 0, 1000)}) {
    if (!s.ok()) return s;
  }
  // A term is none (the window itself) or at least a day: a shorter one would
  // commit to billions of terms.
  if (p.reserved().term_years() > 0 && p.reserved().term_years() < 1.0 / 365.25) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field ", prefix, "reserved.term_years must be 0 (the window) or at least a day (",
        1.0 / 365.25, " years), got ", p.reserved().term_years()));
  }
  if (o.chip_usd() > 0 && !(o.server_multiplier() >= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("field ", prefix,
                     "owned.server_multiplier must be at least 1 with chip_usd (Epoch AI: "
                     "1.64), got ",
                     o.server_multiplier()));
  }
  // Checked as if a node had one GPU, the most a node's costs can add to a
  // GPU's, so the bound holds for every GPU model.
  if (CapitalUsdPerGpu(p, 1) > 10 * kMaxCapital) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field ", prefix,
        "owned: capital per GPU with its server, network share and its node's costs must be "
        "at most $",
        10 * kMaxCapital, ", got $", CapitalUsdPerGpu(p, 1)));
  }
  if (o.depreciation() == v1::EPOCH_AI && !(o.value_decline_oom_per_year() > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("field ", prefix,
                     "owned.value_decline_oom_per_year must be positive for EPOCH_AI "
                     "depreciation (Epoch AI: 0.14)"));
  }
  if (!v1::DepreciationMethod_IsValid(o.depreciation())) {
    return absl::InvalidArgumentError(
        absl::StrCat("field ", prefix, "owned.depreciation: unknown value ", o.depreciation()));
  }
  return ValidateCurves(p, prefix);
}

double HardwareUsdPerGpu(const v1::Pricing& p, int gpus_per_node) {
  const auto& o = p.owned();
  const double base =
      o.chip_usd() > 0 ? o.chip_usd() * o.server_multiplier() : o.capital_usd_per_gpu();
  return (base + o.usd_per_node() / gpus_per_node) * (1.0 + o.network_share());
}

double CapitalUsdPerGpu(const v1::Pricing& p, int gpus_per_node) {
  return HardwareUsdPerGpu(p, gpus_per_node) +
         p.owned().installation_usd_per_node() / gpus_per_node;
}

double ResidualShare(const v1::OwnedProfile& o) {
  if (o.depreciation() == v1::EPOCH_AI) {
    return std::pow(10.0, -o.value_decline_oom_per_year() * o.depreciation_years());
  }
  return o.residual_share();
}

double BreakEvenUtilization(const Rates& r) {
  const double denominator =
      static_cast<double>(r.rental_list - r.owned_busy_energy + r.owned_idle_energy);
  const double u = static_cast<double>(r.owned_fixed() + r.owned_idle_energy) / denominator;
  return denominator > 0 && u <= 1 ? u : std::numeric_limits<double>::infinity();
}

Rates ComputeRates(const v1::Pricing& p, double tdp_watts, int gpus_per_node) {
  const auto& o = p.owned();
  Rates r;
  r.rental_list = Nano(p.rental().usd_per_gpu_hour());
  r.rental = p.rental().has_spot_discount()
                 ? Nano(p.rental().usd_per_gpu_hour() * (1 - p.rental().spot_discount()))
                 : r.rental_list;
  r.reserved = Nano(p.reserved().usd_per_gpu_hour());
  const double capital = CapitalUsdPerGpu(p, gpus_per_node);
  const double life_hours = o.depreciation_years() * kSecondsPerYear / 3600.0;
  const double hours_per_year = kSecondsPerYear / 3600.0;
  // The value lost over the life, spread evenly over every hour of it: the
  // capital less the residual (straight line), or what a decline of
  // `decline` orders of magnitude a year takes (Epoch AI).
  const double residual = ResidualShare(o);
  r.owned_depreciation = Nano(capital * (1.0 - residual) / life_hours);
  // Cost of capital on the average value not yet written off: linear from
  // capital to residual, or exponential decay for Epoch AI.
  double average_share = (1.0 + residual) / 2.0;
  if (o.depreciation() == v1::EPOCH_AI) {
    const double k = o.value_decline_oom_per_year() * std::log(10.0) * o.depreciation_years();
    average_share = (1.0 - residual) / k;
  }
  r.owned_financing = Nano(capital * average_share * o.cost_of_capital_per_year() / hours_per_year);
  // Operations: a share of capital a year, support and staff per node-year,
  // network and storage per GPU-hour, all accruing whatever the GPU does.
  r.owned_operations =
      Nano((capital * o.operations_share_per_year() +
            (o.support_usd_per_node_year() + o.staff_usd_per_node_year()) / gpus_per_node) /
               hours_per_year +
           o.network_usd_per_gpu_hour() + o.storage_usd_per_gpu_hour());
  if (o.colocation_usd_per_kw_month() > 0) {
    // Colocation: the servers' power (TDP x server factor) rented by the
    // kW-month, electricity included; no energy by the hour.
    const double kw = tdp_watts / 1000.0 * o.server_power_factor();
    r.owned_operations +=
        Nano(kw * o.colocation_usd_per_kw_month() / (hours_per_year / 12.0));
    return r;
  }
  // kW at the wall per GPU x $/kWh: TDP x server factor x load x PUE.
  const double kw = tdp_watts / 1000.0 * o.server_power_factor() * o.pue();
  r.owned_busy_energy = Nano(kw * o.busy_load() * o.usd_per_kwh());
  r.owned_idle_energy = Nano(kw * o.idle_load() * o.usd_per_kwh());
  return r;
}

int64_t CapitalMicroUsd(const v1::Pricing& p, int gpus, int gpus_per_node) {
  // A whole number of micro-dollars per GPU, times the GPUs: the purchase is
  // exactly its unit price x quantity (the FOCUS export shows both).
  // ValidatePricing keeps a GPU's capital within $1e9, so it fits; the
  // product saturates rather than wraps (BuildCostReport refuses that).
  const __int128 micro = static_cast<__int128>(std::llround(CapitalUsdPerGpu(p, gpus_per_node) * 1e6)) * gpus;
  return micro >= kMaxMicroUsd ? kMaxMicroUsd : static_cast<int64_t>(micro);
}

namespace {

// Rounded half away from zero, in 128 bits.
ExactUsd RoundToMicro(ExactUsd amount) {
  constexpr ExactUsd kDiv = kExactPerMicroUsd;
  return (amount >= 0 ? amount + kDiv / 2 : amount - kDiv / 2) / kDiv;
}

bool FitsInt64(ExactUsd v) { return v <= INT64_MAX && v >= INT64_MIN; }

}  // namespace

absl::Status TooMuchMoney(absl::string_view what) {
  return absl::OutOfRangeError(
      absl::StrCat(what,
                   " exceeds $9,223,372,036,854.775807, the most gpuledger represents (int64 "
                   "micro-dollars); lower the prices or the cluster"));
}

absl::StatusOr<int64_t> ToMicroUsd(ExactUsd amount, absl::string_view what) {
  const ExactUsd q = RoundToMicro(amount);
  if (!FitsInt64(q)) return TooMuchMoney(what);
  return static_cast<int64_t>(q);
}

int64_t MoneySplitter::Take(ExactUsd part) {
  if (overflow_) return 0;
  sum_ += part;
  const ExactUsd q = RoundToMicro(sum_);
  if (!FitsInt64(q)) {
    overflow_ = true;
    return 0;
  }
  const int64_t delta = static_cast<int64_t>(q - rounded_);
  rounded_ = static_cast<int64_t>(q);
  return delta;
}

absl::Status MoneySplitter::status() const {
  return overflow_ ? TooMuchMoney("the total") : absl::OkStatus();
}

int64_t CostMicroUsd(int64_t gpu_seconds, int64_t nusd_per_gpu_hour) {
  const ExactUsd q = RoundToMicro(ExactCost(gpu_seconds, nusd_per_gpu_hour));
  if (q > INT64_MAX) return INT64_MAX;
  if (q < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(q);
}

int64_t ReservedCommitmentSeconds(const v1::Pricing& p, int64_t window) {
  const double term = p.reserved().term_years() * kSecondsPerYear;
  if (!(term >= 1)) return window;  // ValidatePricing refuses terms under a day
  // Capped far above any replay window (kMaxSimulatedSeconds is 1e11 s).
  return static_cast<int64_t>(std::min(std::ceil(static_cast<double>(window) / term) * term, 1e15));
}

int64_t ReservedTermSeconds(const v1::Pricing& p) {
  return p.reserved().term_years() > 0
             ? static_cast<int64_t>(std::llround(p.reserved().term_years() * kSecondsPerYear))
             : 0;
}

int64_t PaidSecondsBound(const v1::Pricing& p, int64_t horizon) {
  return horizon + ReservedTermSeconds(p);
}

int64_t UnusedTermGpuSeconds(const v1::Pricing& p, int gpus, int64_t window) {
  return static_cast<int64_t>(gpus) * (ReservedCommitmentSeconds(p, window) - window);
}

StateRates CapacityRates(const Rates& r, Capacity c) {
  switch (c) {
    case Capacity::kOwned:
      return {r.owned_busy(), r.owned_idle(), r.owned_down()};
    case Capacity::kReserved:
      return {r.reserved, r.reserved, r.reserved};
    case Capacity::kNone:
      break;
  }
  return {};
}

StateRates OwnedCashRates(const Rates& r) {
  const int64_t fixed = r.owned_operations + r.owned_financing;
  return {fixed + r.owned_busy_energy, fixed + r.owned_idle_energy, fixed};
}

absl::Status CheckCostFits(const Rates& r, ExactUsd gpu_seconds, absl::string_view source) {
  const int64_t rate = std::max({r.rental_list, r.reserved, r.owned_busy(), r.owned_idle()});
  if (gpu_seconds * rate / kExactPerMicroUsd < kMaxMicroUsd) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      source, ": at its prices (up to $", static_cast<double>(rate) / 1e9,
      " per GPU-hour) a replay of this plan could cost more than $9,223,372,036,854.78, the "
      "most gpuledger represents; lower the prices or the work"));
}

}  // namespace gpuledger::pricing

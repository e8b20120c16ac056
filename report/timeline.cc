#include "report/timeline.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "pricing/rates.h"

namespace gpuledger::report {

int64_t BucketSeconds(int64_t window_seconds, int max_buckets) {
  constexpr int64_t kMinute = 60, kHour = 3600, kDay = 86400;
  static constexpr int64_t kLengths[] = {
      kMinute,     5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute, kHour,
      2 * kHour,   3 * kHour,   6 * kHour,    12 * kHour,   kDay,         2 * kDay,
      7 * kDay,    14 * kDay,   30 * kDay,    91 * kDay,    365 * kDay};
  max_buckets = std::max(max_buckets, 1);
  for (int64_t len : kLengths) {
    if ((window_seconds + len - 1) / len <= max_buckets) return len;
  }
  // Beyond years a bucket: as many years as it takes.
  const int64_t years = (window_seconds / (365 * kDay) + max_buckets) / max_buckets;
  return years * 365 * kDay;
}

namespace {

constexpr int kPage = 65536;  // entries read at a time

// The non-work categories in the order the charts stack them.
constexpr absl::string_view kOtherOrder[] = {"checkpoint",   "restart", "lost",
                                             "provisioning", "running", "idle",
                                             "down"};

bool IsWork(absl::string_view category) { return category == "productive"; }

// Calls `f` on every entry of `run`, in the order written, reading them in
// pages; stops at the first error `f` returns.
template <typename F>
absl::Status ForEachEntry(ledger::Ledger& ledger, int64_t run, const F& f) {
  for (int64_t after = 0;;) {
    absl::StatusOr<std::vector<ledger::UsageRecord>> page =
        ledger.ListUsage(run, {}, after, kPage);
    if (!page.ok()) return page.status();
    for (const ledger::UsageRecord& u : *page) {
      if (absl::Status s = f(u); !s.ok()) return s;
    }
    if (page->size() < static_cast<size_t>(kPage)) return absl::OkStatus();
    after = page->back().entry_id;
  }
}

}  // namespace

absl::StatusOr<RunTimeline> BuildRunTimeline(ledger::Ledger& ledger, const CostReport& report,
                                             int max_buckets, int max_bars,
                                             const std::vector<ledger::UsageRecord>* in_flight) {
  static const std::vector<ledger::UsageRecord> kNone;
  const std::vector<ledger::UsageRecord>& extra = in_flight != nullptr ? *in_flight : kNone;
  const ledger::RunRecord& run = report.run;
  RunTimeline t;
  t.start = run.sim_start;
  t.end = std::max(run.sim_end, run.sim_start);
  if (run.status != ledger::RunStatus::kComplete) {
    // A run still running (or stopped) has no end yet: its entries so far.
    if (absl::Status s = ForEachEntry(ledger, run.id,
                                      [&](const ledger::UsageRecord& u) {
                                        t.end = std::max(t.end, u.end);
                                        return absl::OkStatus();
                                      });
        !s.ok()) {
      return s;
    }
    for (const ledger::UsageRecord& u : extra) t.end = std::max(t.end, u.end);
  }
  t.bucket_seconds = BucketSeconds(t.end - t.start, max_buckets);
  t.buckets = static_cast<int>(std::max<int64_t>(
      1, (t.end - t.start + t.bucket_seconds - 1) / t.bucket_seconds));

  // What work is split by, from the stored totals.
  absl::StatusOr<std::vector<ledger::Ledger::GroupSum>> phases =
      ledger.SumByGroup(run.id, ledger::GroupBy::kPhase);
  if (!phases.ok()) return phases.status();
  absl::StatusOr<std::vector<ledger::Ledger::GroupSum>> projects =
      ledger.SumByGroup(run.id, ledger::GroupBy::kProject);
  if (!projects.ok()) return projects.status();
  t.productive_by = phases->size() > 1 ? "phase" : projects->size() > 1 ? "project" : "";

  absl::StatusOr<std::vector<ledger::JobRecord>> jobs = ledger.ListJobs(run.id);
  if (!jobs.ok()) return jobs.status();
  t.jobs = static_cast<int64_t>(jobs->size());
  std::unordered_map<std::string, size_t> job_index;
  job_index.reserve(jobs->size());
  for (size_t i = 0; i < jobs->size(); ++i) job_index.emplace((*jobs)[i].job_id, i);
  std::vector<int64_t> job_gpu_seconds(jobs->size(), 0);
  // A running job's start (from `in_flight`): its bar begins there.
  std::vector<int64_t> running_since(jobs->size(), -1);

  // Series by name; work series first in the order met.
  std::vector<TimelineSeries> work;
  std::map<std::string, TimelineSeries> other;
  std::unordered_map<std::string, size_t> work_index;
  auto series_of = [&](const ledger::UsageRecord& u) -> TimelineSeries& {
    if (!IsWork(u.category)) {
      auto [it, fresh] = other.try_emplace(u.category);
      if (fresh) {
        it->second.name = u.category;
        it->second.category = u.category;
        it->second.gpu_seconds.assign(t.buckets, 0);
      }
      return it->second;
    }
    std::string name = "productive";
    if (t.productive_by == "phase") {
      name = u.phase;
    } else if (t.productive_by == "project") {
      auto j = job_index.find(u.job_id);
      if (j != job_index.end()) name = (*jobs)[j->second].project;
    }
    auto [it, fresh] = work_index.try_emplace(name, work.size());
    if (fresh) {
      work.push_back({name, "productive", std::vector<int64_t>(t.buckets, 0)});
    }
    return work[it->second];
  };

  // Costs, priced as the report prices its rows (report/cost.cc): each
  // piece of an entry (cut at buckets and, where prices move, at their
  // segments) at the rates in force, summed exactly per bucket and part,
  // then rounded by one splitter per view in bucket order, so the parts of a
  // view add up to the report's total.
  const bool owned_cluster = report.owned_cluster();
  const bool reserved_cluster = report.committed == ledger::Pool::kReserved;
  struct SegmentRates {
    pricing::Rates rates;
    pricing::StateRates committed;
    int64_t energy;  // busy energy, on an owned cluster
  };
  // Per cluster pool (one, or a mixed cluster's, each at its model's
  // prices): its segments' rates, and where a segment after the first begins.
  struct PoolRates {
    std::vector<SegmentRates> seg;
    std::vector<int64_t> cuts;
  };
  // `rented`: a fleet's on-demand pool, whose idle and down cost nothing.
  auto rates_of = [&](const pricing::Rates& r, bool rented) {
    return SegmentRates{
        r, pricing::CapacityRates(r, rented ? pricing::Capacity::kNone : report.capacity()),
        owned_cluster && !rented ? r.owned_busy_energy : 0};
  };
  auto pool_rates = [&](const pricing::Rates& start,
                        const std::vector<pricing::PriceSegment>& segments, bool rented) {
    PoolRates p;
    if (segments.empty()) {
      p.seg.push_back(rates_of(start, rented));
    } else {
      for (const pricing::PriceSegment& s : segments) {
        if (!p.seg.empty()) p.cuts.push_back(s.start);
        p.seg.push_back(rates_of(s.rates, rented));
      }
    }
    return p;
  };
  std::vector<PoolRates> pools;
  if (report.pools.empty()) {
    pools.push_back(pool_rates(report.rates, report.segments, false));
  } else {
    for (const CostReport::PoolLine& l : report.pools) {
      pools.push_back(
          pool_rates(l.rates, l.segments, l.pool.capacity == ledger::Pool::kOnDemand));
    }
  }
  // Exact amounts per bucket: rental view; capital (busy), energy (busy),
  // idle and down, on demand.
  std::vector<pricing::ExactUsd> rent_x(t.buckets, 0), part_x[4];
  for (auto& v : part_x) v.assign(t.buckets, 0);
  auto add = [&](const ledger::UsageRecord& u) -> absl::Status {
    if (!u.job_id.empty()) {
      auto j = job_index.find(u.job_id);
      if (j != job_index.end()) job_gpu_seconds[j->second] += u.gpu_seconds;
    }
    if (u.end <= u.start || u.gpus == 0) return absl::OkStatus();
    if (u.start < t.start || u.end > t.end) {
      return absl::DataLossError(absl::StrCat("run ", run.id, ": entry ", u.entry_id, " [",
                                              u.start, ", ", u.end,
                                              ") lies outside the run's window"));
    }
    if (u.gpu_pool < 0 || static_cast<size_t>(u.gpu_pool) >= pools.size()) {
      return absl::DataLossError(
          absl::StrCat("run ", run.id, ": entry ", u.entry_id, " names a pool it lacks"));
    }
    const std::vector<SegmentRates>& seg = pools[u.gpu_pool].seg;
    const std::vector<int64_t>& cuts = pools[u.gpu_pool].cuts;
    TimelineSeries& s = series_of(u);
    const bool is_idle = u.category == "idle", is_down = u.category == "down";
    const bool is_on_demand = !is_idle && !is_down && u.pool == ledger::Pool::kOnDemand;
    size_t g = std::upper_bound(cuts.begin(), cuts.end(), u.start) - cuts.begin();
    for (int64_t from = u.start; from < u.end;) {
      const int k = static_cast<int>((from - t.start) / t.bucket_seconds);
      int64_t to = std::min(u.end, t.BucketEnd(k));
      if (g < cuts.size()) to = std::min(to, cuts[g]);
      const int64_t gs = (to - from) * u.gpus;
      s.gpu_seconds[k] += gs;
      const SegmentRates& r = seg[g];
      if (is_idle) {
        part_x[2][k] += pricing::ExactCost(gs, r.committed.idle);
      } else if (is_down) {
        part_x[2][k] += pricing::ExactCost(gs, r.committed.down);
      } else if (is_on_demand) {
        rent_x[k] += pricing::ExactCost(gs, r.rates.rental);
        part_x[3][k] += pricing::ExactCost(gs, r.rates.rental);
      } else {
        rent_x[k] += pricing::ExactCost(gs, r.rates.rental);
        part_x[0][k] += pricing::ExactCost(gs, r.committed.busy - r.energy);
        part_x[1][k] += pricing::ExactCost(gs, r.energy);
      }
      if (g < cuts.size() && to == cuts[g]) ++g;
      from = to;
    }
    return absl::OkStatus();
  };
  if (absl::Status s = ForEachEntry(ledger, run.id, add); !s.ok()) return s;
  for (const ledger::UsageRecord& u : extra) {
    if (absl::Status s = add(u); !s.ok()) return s;
    auto j = job_index.find(u.job_id);
    if (j != job_index.end() && running_since[j->second] < 0) running_since[j->second] = u.start;
  }
  t.usage = std::move(work);
  for (absl::string_view c : kOtherOrder) {
    auto it = other.find(std::string(c));
    if (it != other.end()) t.usage.push_back(std::move(it->second)), other.erase(it);
  }
  for (auto& [name, s] : other) t.usage.push_back(std::move(s));  // categories added later

  int64_t unused_term = 0;
  for (const CostRow& r : report.rows) {
    if (r.group == "unused term") unused_term += r.gpu_seconds;
  }
  pricing::MoneySplitter rental, owned;
  t.rental_micro_usd.assign(t.buckets, 0);
  const std::string capital_name = reserved_cluster ? "reserved capacity, busy"
                                   : owned_cluster  ? "capital and operations, busy"
                                                    : "cluster, busy";
  std::vector<CostPart> parts = {{capital_name, std::vector<int64_t>(t.buckets, 0)},
                                 {"energy, busy", std::vector<int64_t>(t.buckets, 0)},
                                 {"idle and down capacity", std::vector<int64_t>(t.buckets, 0)},
                                 {"on-demand", std::vector<int64_t>(t.buckets, 0)},
                                 {"unused reserved term", std::vector<int64_t>(t.buckets, 0)}};
  for (int k = 0; k < t.buckets; ++k) {
    t.rental_micro_usd[k] = rental.Take(rent_x[k]);
    for (int p = 0; p < 4; ++p) parts[p].micro_usd[k] = owned.Take(part_x[p][k]);
  }
  // At the last term's rate, as the report's row.
  parts[4].micro_usd[t.buckets - 1] =
      owned.Take(pricing::ExactCost(unused_term, pools.front().seg.back().rates.reserved));
  for (const absl::Status& s : {rental.status(), owned.status()}) {
    if (!s.ok()) return absl::OutOfRangeError(absl::StrCat("run ", run.id, ": ", s.message()));
  }
  for (CostPart& p : parts) {
    if (std::any_of(p.micro_usd.begin(), p.micro_usd.end(), [](int64_t v) { return v != 0; }))
      t.owned.push_back(std::move(p));
  }

  // Bars: the jobs that started, the biggest when there are many.
  std::vector<size_t> shown;
  auto started = [&](size_t i) {
    return (*jobs)[i].started >= 0 ? (*jobs)[i].started : running_since[i];
  };
  for (size_t i = 0; i < jobs->size(); ++i) {
    if (started(i) >= 0) shown.push_back(i);
  }
  if (shown.size() > static_cast<size_t>(std::max(max_bars, 0))) {
    std::nth_element(shown.begin(), shown.begin() + max_bars, shown.end(), [&](size_t a, size_t b) {
      return job_gpu_seconds[a] != job_gpu_seconds[b] ? job_gpu_seconds[a] > job_gpu_seconds[b]
                                                      : a < b;
    });
    shown.resize(max_bars);
  }
  std::sort(shown.begin(), shown.end(), [&](size_t a, size_t b) {
    return started(a) != started(b) ? started(a) < started(b) : a < b;
  });
  for (size_t i : shown) {
    const ledger::JobRecord& j = (*jobs)[i];
    t.bars.push_back({j.job_id, j.phase, j.project, j.gpus, j.submit, started(i),
                      j.ended >= 0 ? j.ended : t.end, job_gpu_seconds[i]});
  }
  return t;
}

}  // namespace gpuledger::report

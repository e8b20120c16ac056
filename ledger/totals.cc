#include "ledger/totals.h"

#include <algorithm>

namespace gpuledger::ledger {

int GroupTotals::Named::Find(const std::string& name) {
  auto [it, fresh] = index.try_emplace(name, static_cast<int>(groups.size()));
  if (fresh) {
    groups.push_back({name, 0, 0, 0, 0});
    used.push_back(false);
  }
  return it->second;
}

void AddToSegments(std::vector<int64_t>& segments, const std::vector<int64_t>& cuts,
                   int64_t start, int64_t end, int64_t gpus) {
  segments.resize(cuts.size() + 1);
  size_t k = std::upper_bound(cuts.begin(), cuts.end(), start) - cuts.begin();
  for (int64_t t = start; t < end; ++k) {
    const int64_t to = k < cuts.size() ? std::min(end, cuts[k]) : end;
    segments[k] += (to - t) * gpus;
    t = to;
  }
}

void AddToGroup(Ledger::GroupSum& g, bool first, int64_t start, int64_t end, int64_t gpus,
                Pool pool, const std::vector<int64_t>* cuts) {
  const int64_t gs = (end - start) * gpus;
  g.gpu_seconds += gs;
  if (pool == Pool::kOnDemand) g.on_demand_gpu_seconds += gs;
  g.first_start = first ? start : std::min(g.first_start, start);
  g.last_end = first ? end : std::max(g.last_end, end);
  if (cuts != nullptr) {
    AddToSegments(g.segments, *cuts, start, end, gpus);
    g.on_demand_segments.resize(cuts->size() + 1);
    if (pool == Pool::kOnDemand) AddToSegments(g.on_demand_segments, *cuts, start, end, gpus);
  }
}

void GroupTotals::Named::Add(int g, const EntryRow& u, const std::vector<int64_t>* cuts) {
  AddToGroup(groups[g], !used[g], u.start, u.end, u.gpus, u.pool_kind(), cuts);
  used[g] = true;
}

void GroupTotals::AddJob(int64_t ordinal, const JobRecord& job) {
  if (ordinal != static_cast<int64_t>(job_phase_.size())) {
    valid_ = false;
    return;
  }
  job_phase_.push_back(phase_.Find(job.phase));
  job_project_.push_back(project_.Find(job.project));
}

void GroupTotals::AddEntry(const EntryRow& u) {
  if (u.job < 0) return;  // cluster-wide: idle and down are the run's own totals
  if (u.job >= static_cast<int64_t>(job_phase_.size())) {
    valid_ = false;
    return;
  }
  phase_.Add(job_phase_[u.job], u, cuts_);
  project_.Add(job_project_[u.job], u, cuts_);
  // Categories and pools are few: each one's group is looked up once.
  int& category = category_group_[u.category];
  if (category < 0) category = category_.Find(std::string(kCategories[u.category]));
  category_.Add(category, u, cuts_);
  int& pool = pool_group_[u.pool];
  if (pool < 0) pool = pool_.Find(PoolName(u.pool_kind()));
  pool_.Add(pool, u, cuts_);
  ForEachDay(calendar_, u.start, u.end, [&](int64_t day, int64_t from, int64_t to) {
    auto [it, fresh] = days_.try_emplace(day);
    Ledger::GroupSum& g = it->second;
    if (fresh) g.group = calendar_.DayLabel(day);
    AddToGroup(g, fresh, from, to, u.gpus, u.pool_kind(), cuts_);
  });
}

std::vector<Ledger::GroupSum> GroupTotals::Groups(GroupBy key) const {
  switch (key) {
    case GroupBy::kPhase:
      return phase_.groups;
    case GroupBy::kProject:
      return project_.groups;
    case GroupBy::kCategory:
      return category_.groups;
    case GroupBy::kPool:
      return pool_.groups;
    case GroupBy::kDay: {
      std::vector<Ledger::GroupSum> out;
      for (const auto& [day, g] : days_) out.push_back(g);
      return out;
    }
    case GroupBy::kJob:
    case GroupBy::kWeek:
    case GroupBy::kMonth:
    case GroupBy::kQuarter:
    case GroupBy::kModel:  // summed from the entries (Ledger::SumEntriesByGroup)
      break;
  }
  return {};
}

}  // namespace gpuledger::ledger

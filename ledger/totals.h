// A run's per-group totals, summed as its rows are written, so that a
// complete run's reports by phase, project, category, pool and day read a
// few stored rows instead of every entry (docs/ARCHITECTURE.md, "Ledger").
// The rules are Ledger::SumByGroup's over the entries, exactly; a test holds
// the two against each other. Internal to ledger/.
#ifndef GPULEDGER_LEDGER_TOTALS_H_
#define GPULEDGER_LEDGER_TOTALS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "ledger/entries.h"
#include "ledger/store.h"

namespace gpuledger::ledger {

// Adds [start, end) x gpus to `segments`, the spans between `cuts`
// (increasing; cuts.size() + 1 spans, sized here).
void AddToSegments(std::vector<int64_t>& segments, const std::vector<int64_t>& cuts,
                   int64_t start, int64_t end, int64_t gpus);

class GroupTotals {
 public:
  // Days are `calendar`'s.
  // With `cuts` (which must outlive it), groups also sum by segment.
  explicit GroupTotals(const RunCalendar& calendar, const std::vector<int64_t>* cuts = nullptr)
      : calendar_(calendar), cuts_(cuts) {}

  // Jobs in ordinal order (0, 1, ...), before any entry of theirs.
  void AddJob(int64_t ordinal, const JobRecord& job);
  // Every entry of the run, in the order written. A job's entry whose
  // ordinal names no job added makes the totals unusable (valid() false),
  // and reports then sum the entries.
  void AddEntry(const EntryRow& entry);

  bool valid() const { return valid_; }
  const RunCalendar& calendar() const { return calendar_; }
  // The groups of `key` (not kJob, nor a period longer than a day) as
  // SumByGroup orders them: phases and projects by their first job (every
  // one, used or not), categories and pools by their first entry, days by
  // day.
  std::vector<Ledger::GroupSum> Groups(GroupBy key) const;

 private:
  // Groups by name in the order first met; `used` says which had entries.
  struct Named {
    std::vector<Ledger::GroupSum> groups;
    std::vector<bool> used;
    absl::flat_hash_map<std::string, int> index;
    int Find(const std::string& name);
    void Add(int g, const EntryRow& u, const std::vector<int64_t>* cuts);
  };

  RunCalendar calendar_;
  const std::vector<int64_t>* cuts_;
  bool valid_ = true;
  Named phase_, project_, category_, pool_;
  int category_group_[8] = {-1, -1, -1, -1, -1, -1, -1, -1};  // by category index
  int pool_group_[4] = {-1, -1, -1, -1};                       // by Pool
  std::vector<int> job_phase_, job_project_;  // by ordinal: the job's groups
  std::map<int64_t, Ledger::GroupSum> days_;  // by day index
};

}  // namespace gpuledger::ledger

#endif  // GPULEDGER_LEDGER_TOTALS_H_

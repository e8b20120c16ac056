// Helpers the ledger's files share; internal to ledger/.
#ifndef GPULEDGER_LEDGER_STORE_INTERNAL_H_
#define GPULEDGER_LEDGER_STORE_INTERNAL_H_

#include <string>

#include <functional>
#include <vector>

#include "ledger/entries.h"
#include "ledger/sqlite.h"
#include "ledger/store.h"

namespace gpuledger::ledger {

// Steps `q` to the end, turning each row into a T with `read`.
template <typename T, typename Read>
absl::StatusOr<std::vector<T>> CollectRows(Stmt& q, Read read) {
  std::vector<T> out;
  while (true) {
    absl::StatusOr<bool> row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(read(q));
  }
}

// "HOST:PID" of this process.
std::string ThisWriter();
// An instant of `clock` as ISO 8601 UTC.
std::string Iso8601(const Clock& clock);

// The id the next usage entry written to the ledger gets: one past the
// last batch's entries (1 in an empty ledger). Within a write transaction,
// so that batches of runs written side by side never share an id.
absl::StatusOr<int64_t> NextEntryId(sqlite3* db);
// Writes jobs first_ordinal.. of `run`, packed by a JobPacker.
absl::Status WriteJobBatch(sqlite3* db, int64_t run, int64_t first_ordinal, int64_t count,
                           absl::string_view packed);
// Calls f(ordinal, const PackedJob&) for every job of `run` from ordinal
// `from` on, in order, until f returns false.
absl::Status ForEachJobImpl(sqlite3* db, int64_t run, int64_t from,
                            const std::function<bool(int64_t, const PackedJob&)>& f);
template <typename F>
absl::Status ForEachJob(sqlite3* db, int64_t run, int64_t from, const F& f) {
  return ForEachJobImpl(db, run, from, f);
}

// Calls f(entry_id, const PackedEntry&) for every entry of `run` in the
// order written, until f returns false.
absl::Status ForEachEntryImpl(sqlite3* db, int64_t run,
                              const std::function<bool(int64_t, const PackedEntry&)>& f);
// The run's row as GetRun reads it (NotFound if there is none). A
// migration to a schema before 12 (which has no start_utc) reads it with
// `dated_schema` false: every such run is undated.
absl::StatusOr<RunRecord> ReadRunRow(sqlite3* db, int64_t run, bool dated_schema = true);
// The content digest (ledger/digest.h) of a finished run as stored: its
// row, jobs, entries and events read back.
absl::StatusOr<std::string> DigestStoredRun(sqlite3* db, int64_t run, bool dated_schema = true);

// Writes `count` entries of `run` (in the order written, job entries with
// their ordinals) as one packed batch whose ids start at `first_entry`.
absl::Status WriteEntryBatch(sqlite3* db, int64_t run, int64_t first_entry,
                             const UsageRecord* entries, size_t count);
// The same for rows already checked (EntryRows::Add's).
absl::Status WriteEntryBatch(sqlite3* db, int64_t run, int64_t first_entry,
                             const EntryRows& rows);

}  // namespace gpuledger::ledger

#endif  // GPULEDGER_LEDGER_STORE_INTERNAL_H_

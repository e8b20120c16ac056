// Writing runs: a run's start, its batched rows (RunWriter), its end; run
// groups; repairing runs a dead writer left running.
#include "ledger/store.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/sqlite.h"
#include "absl/container/flat_hash_map.h"
#include "ledger/digest.h"
#include "ledger/entries.h"
#include "ledger/store_internal.h"
#include "ledger/totals.h"

namespace gpuledger::ledger {

absl::StatusOr<int64_t> NextEntryId(sqlite3* db) {
  Stmt q(db, "SELECT first_entry + entries FROM entry_batches ORDER BY first_entry DESC LIMIT 1");
  absl::StatusOr<bool> row = q.Step();
  if (!row.ok()) return row.status();
  return *row ? q.Int64(0) : 1;
}

absl::Status WriteJobBatch(sqlite3* db, int64_t run, int64_t first_ordinal, int64_t count,
                           absl::string_view packed) {
  Stmt q(db, "INSERT INTO job_batches (run_id, first_ordinal, jobs, packed) VALUES (?,?,?,?)");
  q.Bind(1, run).Bind(2, first_ordinal).Bind(3, count);
  q.BindBlobStatic(4, packed);
  return q.Run();
}

absl::Status WriteEntryBatch(sqlite3* db, int64_t run, int64_t first_entry,
                             const UsageRecord* entries, size_t count) {
  EntryRows rows;
  if (absl::Status s = AddEntries(entries, count, &rows); !s.ok()) return s;
  return WriteEntryBatch(db, run, first_entry, rows);
}

absl::Status WriteEntryBatch(sqlite3* db, int64_t run, int64_t first_entry,
                             const EntryRows& rows) {
  std::string packed;
  PackRows(rows, &packed);
  int64_t lo = -1, hi = -1;
  for (const EntryRow& r : rows.rows) {
    if (r.job < 0) continue;
    lo = lo < 0 ? r.job : std::min(lo, r.job);
    hi = std::max(hi, r.job);
  }
  Stmt q(db,
         "INSERT INTO entry_batches (first_entry, run_id, entries, packed, min_job, max_job) "
         "VALUES (?, ?, ?, ?, NULLIF(?, -1), NULLIF(?, -1))");
  q.Bind(1, first_entry).Bind(2, run).Bind(3, static_cast<int64_t>(rows.size()));
  q.BindBlobStatic(4, packed);
  q.Bind(5, lo).Bind(6, hi);
  return q.Run();
}

absl::StatusOr<std::vector<Ledger::Repair>> Ledger::RepairRuns(bool force) {
  std::vector<Repair> out;
  if (auto s = Exec(db_, "BEGIN IMMEDIATE"); !s.ok()) return s;
  std::vector<std::pair<int64_t, std::string>> running;
  {
    Stmt q(db_, "SELECT run_id, writer FROM runs WHERE status = 'running' ORDER BY run_id");
    while (true) {
      absl::StatusOr<bool> row = q.Step();
      if (!row.ok()) {
        Exec(db_, "ROLLBACK").IgnoreError();
        return row.status();
      }
      if (!*row) break;
      running.push_back({q.Int64(0), q.Text(1)});
    }
  }
  const std::string me = ThisWriter();
  const std::string host = me.substr(0, me.rfind(':'));
  for (const auto& [id, writer] : running) {
    Repair r{id, writer, false, ""};
    const size_t colon = writer.rfind(':');
    int pid = 0;
    const bool here = colon != std::string::npos && writer.substr(0, colon) == host &&
                      absl::SimpleAtoi(writer.substr(colon + 1), &pid) && pid > 0;
    if (here && !force && (::kill(pid, 0) == 0 || errno == EPERM)) {
      r.why = absl::StrCat("its writer (process ", pid, ") is still running");
    } else if (!here && !force) {
      r.why = writer.empty()
                  ? "its writer is not recorded (written before schema 6); --force abandons it"
                  : absl::StrCat("its writer ", writer, " is on another host; --force abandons it");
    } else {
      Stmt u(db_,
             "UPDATE runs SET status = 'abandoned', wall_end = ? WHERE run_id = ? AND status = "
             "'running'");
      u.Bind(1, Now()).Bind(2, id);
      if (auto s = u.Run(); !s.ok()) {
        Exec(db_, "ROLLBACK").IgnoreError();
        return s;
      }
      r.abandoned = true;
      r.why = here && !force ? absl::StrCat("its writer (process ", pid, ") is gone") : "forced";
    }
    out.push_back(std::move(r));
  }
  if (auto s = Exec(db_, "COMMIT"); !s.ok()) return s;
  return out;
}

absl::StatusOr<std::unique_ptr<RunWriter>> Ledger::StartRun(const RunRecord& run,
                                                            const std::vector<JobRecord>& jobs) {
  return StartRun(run, jobs.size(), [&](size_t i, JobRecord* r) { *r = jobs[i]; });
}

absl::StatusOr<std::unique_ptr<RunWriter>> Ledger::StartRun(
    const RunRecord& run, size_t count, const std::function<void(size_t, JobRecord*)>& next,
    bool background) {
  if (auto s = Exec(db_, "BEGIN IMMEDIATE"); !s.ok()) return s;
  Stmt ins(db_,
           "INSERT INTO runs (plan_name, plan_source, plan_sha256, gpu_model, "
           "nodes, gpus_per_node, gpu_tdp_watts, policy, seed, pricing, "
           "wall_start, status, group_id, strategy, writer, start_utc, pools) "
           "VALUES (?,?,?,?,?,?,?,?,?,?,?, 'running', NULLIF(?, 0), ?, ?, ?, ?)");
  ins.Bind(1, run.plan_name)
      .Bind(2, run.plan_source)
      .Bind(3, run.plan_sha256)
      .Bind(4, run.gpu_model)
      .Bind(5, run.nodes)
      .Bind(6, run.gpus_per_node)
      .Bind(7, run.gpu_tdp_watts)
      .Bind(8, run.policy)
      .Bind(9, run.seed)
      .Bind(10, run.pricing)
      .Bind(11, Now())
      .Bind(12, run.group_id)
      .Bind(13, run.strategy)
      .Bind(14, ThisWriter());
  if (run.start_utc) ins.Bind(15, *run.start_utc);  // else NULL: undated
  ins.Bind(16, FormatRunPools(run.pools));
  if (auto s = ins.Run(); !s.ok()) {
    Exec(db_, "ROLLBACK").IgnoreError();
    return s;
  }
  const int64_t run_id = sqlite3_last_insert_rowid(db_);
  std::unique_ptr<RunWriter> writer(new RunWriter(db_, run_id, clock_, CalendarOf(run)));
  writer->in_transaction_ = true;  // the run's row opened this transaction
  writer->jobs_ = static_cast<int64_t>(count);
  if (background) {
    if (auto s = writer->Commit(); !s.ok()) return s;
    if (auto s = writer->WriteInBackground(); !s.ok()) return s;
  }
  JobRecord j;
  JobPacker packer;
  int64_t first = 0;
  for (size_t i = 0; i < count; ++i) {
    next(i, &j);
    writer->totals_->AddJob(static_cast<int64_t>(i), j);
    writer->digest_->AddJob(j.job_id, j.phase, j.project, j.gpus, j.priority, j.submit,
                            j.run_seconds);
    packer.Add(j);
    if (packer.size() == kJobsPerBatch || i + 1 == count) {
      // Synchronously, a failure rolls the run's row back with the jobs.
      const int64_t n = static_cast<int64_t>(packer.size());
      if (auto s = writer->AppendJobs(first, n, packer.Take()); !s.ok()) return s;
      first += n;
    }
  }
  if (!background) {
    if (auto s = writer->Commit(); !s.ok()) return s;
  }
  return writer;
}

absl::StatusOr<int64_t> Ledger::CreateRunGroup(const RunGroupRecord& g) {
  Stmt ins(db_,
           "INSERT INTO run_groups (plan_name, plan_sha256, policy, first_seed, seeds, created) "
           "VALUES (?,?,?,?,?,?)");
  ins.Bind(1, g.plan_name)
      .Bind(2, g.plan_sha256)
      .Bind(3, g.policy)
      .Bind(4, g.first_seed)
      .Bind(5, g.seeds)
      .Bind(6, Now());
  if (auto s = ins.Run(); !s.ok()) return s;
  return sqlite3_last_insert_rowid(db_);
}

absl::StatusOr<int64_t> Ledger::AddComparison(const ComparisonRecord& c) {
  Stmt ins(db_, "INSERT INTO comparisons (plan_name, created, results) VALUES (?,?,?)");
  ins.Bind(1, c.plan_name).Bind(2, Now()).BindBlobStatic(3, c.results);
  if (auto s = ins.Run(); !s.ok()) return s;
  return sqlite3_last_insert_rowid(db_);
}

struct RunWriter::JobOrdinals : absl::flat_hash_map<std::string, int64_t> {};

struct RunWriter::Statements {
  Stmt event;
  Statements(sqlite3* db)
      : event(db,
              "INSERT INTO job_events (run_id, time, job_id, kind, nodes, cause) "
              "VALUES (?,?,?,?,?,?)") {}
};

struct RunWriter::Batch {
  struct JobBlob {
    int64_t first, count;
    std::string packed;
  };
  std::vector<JobBlob> jobs;  // packed, in ordinal order
  EntryRows usage;
  std::vector<JobEvent> events;
  std::optional<FinishArgs> finish;
};

// The thread that writes batches in background mode, and its queue.
class RunWriter::Background {
 public:
  explicit Background(RunWriter* w) : w_(w), thread_([this] { Loop(); }) {}
  ~Background() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();  // batches already handed over are written first
  }

  // Hands a batch over; waits while two are already queued.
  void Submit(std::unique_ptr<Batch> batch) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return queue_.size() < 2; });
    queue_.push_back(std::move(batch));
    cv_.notify_all();
  }

  // Waits until every batch handed over is written; the first error.
  absl::Status Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
    return error_;
  }

  absl::Status error() {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      std::unique_ptr<Batch> batch = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      cv_.notify_all();
      const bool skip = !error_.ok();
      lock.unlock();
      absl::Status s = skip ? absl::OkStatus() : w_->WriteBatch(*batch);
      batch.reset();  // its memory goes back before the next one is waited for
      lock.lock();
      if (!s.ok() && error_.ok()) error_ = s;
      busy_ = false;
      cv_.notify_all();
    }
  }

  RunWriter* w_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Batch>> queue_;
  bool busy_ = false;
  bool stop_ = false;
  absl::Status error_;
  std::thread thread_;  // last: starts once the rest is ready
};

RunWriter::RunWriter(sqlite3* db, int64_t run_id, Clock clock, const RunCalendar& calendar)
    : db_(db),
      run_id_(run_id),
      clock_(std::move(clock)),
      stmts_(std::make_unique<Statements>(db)),
      buffer_(std::make_unique<Batch>()),
      totals_(std::make_unique<GroupTotals>(calendar)),
      digest_(std::make_unique<RunDigest>()),
      pending_rows_(std::make_unique<EntryRows>()) {}

RunWriter::~RunWriter() {
  // Rows not handed over are dropped, like an open transaction; batches
  // handed over are written, like committed ones.
  background_.reset();
  if (in_transaction_) {
    // Drop the open batch; the run stays "running" (incomplete).
    stmts_.reset();
    Exec(db_, "ROLLBACK").IgnoreError();
  }
}

absl::Status RunWriter::Begin() {
  if (in_transaction_) return absl::OkStatus();
  if (auto s = Exec(db_, "BEGIN IMMEDIATE"); !s.ok()) return s;
  in_transaction_ = true;
  return absl::OkStatus();
}

absl::Status RunWriter::MaybeFlush() {
  if (++pending_ < kRowsPerTransaction) return absl::OkStatus();
  return Commit();
}

absl::Status RunWriter::Flush() {
  if (background_ != nullptr) {
    background_->Submit(std::exchange(buffer_, std::make_unique<Batch>()));
    return background_->Wait();
  }
  return Commit();
}

absl::Status RunWriter::WritePending() {
  if (pending_rows_->empty()) return absl::OkStatus();
  absl::Status s = WritePacked(*pending_rows_);
  if (s.ok()) pending_rows_->clear();  // on an error they stay, for a retried commit
  return s;
}

absl::Status RunWriter::WritePacked(const EntryRows& rows) {
  if (rows.empty()) return absl::OkStatus();
  if (auto s = Begin(); !s.ok()) return s;
  absl::StatusOr<int64_t> first = NextEntryId(db_);
  if (!first.ok()) return first.status();
  return WriteEntryBatch(db_, run_id_, *first, rows);
}

absl::Status RunWriter::Commit() {
  if (!in_transaction_) return absl::OkStatus();
  if (auto s = WritePending(); !s.ok()) return s;
  if (auto s = Exec(db_, "COMMIT"); !s.ok()) return s;
  in_transaction_ = false;
  pending_ = 0;
  return absl::OkStatus();
}

absl::Status RunWriter::WriteInBackground() {
  // What was appended before is committed first, so ids stay in order.
  if (absl::Status s = Commit(); !s.ok()) return s;
  if (background_ == nullptr) background_ = std::make_unique<Background>(this);
  return absl::OkStatus();
}

absl::Status RunWriter::AppendUsage(const UsageRecord& u) {
  // Refused here, alone, never later with the batch it would have joined
  // (a job entry's ordinal, if missing, is found when it is written).
  if (absl::Status s = CheckEntryValues(u); !s.ok()) return s;
  int64_t job = u.job_id.empty() ? -1 : u.job;
  if (background_ == nullptr) {
    if (auto s = Begin(); !s.ok()) return s;
    absl::StatusOr<int64_t> found = OrdinalOf(u);
    if (!found.ok()) return found.status();  // refused: not kept either
    job = *found;
  } else if (job < 0 && !u.job_id.empty()) {
    // Found by its id among the jobs, read once: only after the writer
    // thread has written what came before (the jobs among it) and left the
    // connection alone.
    if (ordinals_ == nullptr) {
      if (auto s = Flush(); !s.ok()) return s;
    }
    absl::StatusOr<int64_t> found = OrdinalOf(u);
    if (!found.ok()) return found.status();
    job = *found;
  }
  return AppendRow(RowOf(u, job), u.nodes);
}

absl::Status RunWriter::AppendEntry(int64_t job, int category, int64_t start, int64_t end,
                                    int gpus, Pool pool, absl::string_view nodes, int gpu_pool) {
  if (category < 0 || category >= static_cast<int>(std::size(kCategories))) {
    return absl::InvalidArgumentError(
        absl::StrCat("usage entry of category ", category, ": not a category"));
  }
  if (start < 0 || end < start || end - start > kMaxEntrySeconds || gpus < 0 ||
      gpus > kMaxEntryGpus) {
    return absl::InvalidArgumentError(absl::StrCat("usage entry [", start, ", ", end, ") of ",
                                                   gpus, " GPUs: not an interval we hold"));
  }
  if (job < -1 || job >= jobs_) {
    return absl::InvalidArgumentError(
        absl::StrCat("usage entry of job ", job, ": run ", run_id_, " has no such job"));
  }
  EntryRow r;
  r.job = job;
  r.start = start;
  r.end = end;
  r.gpus = gpus;
  r.category = static_cast<uint8_t>(category);
  r.pool = static_cast<uint8_t>(pool);
  if (gpu_pool < 0 || gpu_pool > kMaxGpuPool) {
    return absl::InvalidArgumentError(absl::StrCat("usage entry of cluster pool ", gpu_pool,
                                                   ": not a pool index we hold"));
  }
  r.gpu_pool = static_cast<uint16_t>(gpu_pool);
  return AppendRow(r, nodes);
}

absl::Status RunWriter::AppendRow(const EntryRow& r, absl::string_view nodes) {
  if (background_ == nullptr) {
    if (auto s = Begin(); !s.ok()) return s;
    pending_rows_->Add(r, nodes);
    Account(pending_rows_->rows.back(), nodes);
    return MaybeFlush();
  }
  buffer_->usage.Add(r, nodes);
  if (buffer_->usage.size() + buffer_->events.size() < kRowsPerTransaction) return absl::OkStatus();
  background_->Submit(std::exchange(buffer_, std::make_unique<Batch>()));
  return background_->error();
}

absl::Status RunWriter::AppendJobEvent(const JobEvent& e) {
  if (background_ == nullptr) {
    if (auto s = WriteEvent(e); !s.ok()) return s;
    return MaybeFlush();
  }
  buffer_->events.push_back(e);
  return absl::OkStatus();
}

absl::Status RunWriter::AppendJobs(int64_t first, int64_t count, std::string packed) {
  if (background_ == nullptr) {
    if (auto s = Begin(); !s.ok()) return s;
    return WriteJobBatch(db_, run_id_, first, count, packed);
  }
  buffer_->jobs.push_back({first, count, std::move(packed)});
  if (static_cast<int64_t>(buffer_->jobs.size()) * kJobsPerBatch < kRowsPerTransaction)
    return absl::OkStatus();
  background_->Submit(std::exchange(buffer_, std::make_unique<Batch>()));
  return background_->error();
}

absl::Status RunWriter::WriteBatch(const Batch& batch) {
  if (!batch.jobs.empty()) {
    if (auto s = Begin(); !s.ok()) return s;
  }
  for (const Batch::JobBlob& b : batch.jobs) {
    if (auto s = WriteJobBatch(db_, run_id_, b.first, b.count, b.packed); !s.ok()) return s;
  }
  for (const EntryRow& r : batch.usage.rows) {
    Account(r, absl::string_view(batch.usage.nodes).substr(r.nodes_at, r.nodes_size));
  }
  if (auto s = WritePacked(batch.usage); !s.ok()) return s;
  for (const JobEvent& e : batch.events) {
    if (auto s = WriteEvent(e); !s.ok()) return s;
  }
  if (batch.finish) {
    if (auto s = WriteFinish(*batch.finish); !s.ok()) return s;
  }
  return Commit();
}

absl::StatusOr<int64_t> RunWriter::OrdinalOf(const UsageRecord& u) {
  if (u.job_id.empty()) return -1;
  if (u.job >= 0) return u.job;
  // A writer that does not know the ordinal (tests, older callers): the
  // job's, by its id, from the jobs written.
  if (ordinals_ == nullptr) {
    ordinals_ = std::make_unique<JobOrdinals>();
    absl::Status s = ForEachJob(db_, run_id_, 0, [&](int64_t k, const PackedJob& j) {
      ordinals_->try_emplace(std::string(j.id), k);
      return true;
    });
    if (!s.ok()) {
      ordinals_.reset();
      return s;
    }
  }
  auto it = ordinals_->find(u.job_id);
  if (it == ordinals_->end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("usage entry of job \"", u.job_id, "\": run ", run_id_, " has no such job"));
  }
  return it->second;
}

void RunWriter::Account(const EntryRow& r, absl::string_view nodes) {
  totals_->AddEntry(r);
  digest_->AddEntry(r.job, r.category, r.start, r.end, r.gpus, r.pool_kind(), nodes, r.gpu_pool);
  static const uint8_t kIdle = static_cast<uint8_t>(CategoryIndex("idle"));
  static const uint8_t kDown = static_cast<uint8_t>(CategoryIndex("down"));
  if (r.job < 0 && r.category == kIdle) idle_gpu_seconds_ += (r.end - r.start) * r.gpus;
  if (r.job < 0 && r.category == kDown) down_gpu_seconds_ += (r.end - r.start) * r.gpus;
}

absl::Status RunWriter::WriteEvent(const JobEvent& e) {
  if (auto s = Begin(); !s.ok()) return s;
  Stmt& q = stmts_->event;
  q.Reset();
  q.Bind(1, run_id_)
      .Bind(2, e.time)
      .BindStatic(3, e.job_id)
      .BindStatic(4, e.kind)
      .BindStatic(5, e.nodes)
      .BindStatic(6, e.cause);
  if (absl::Status s = q.Run(); !s.ok()) return s;
  digest_->AddEvent(e);
  return absl::OkStatus();
}

absl::Status RunWriter::Finish(RunStatus status, int64_t sim_start, int64_t sim_end,
                               absl::string_view metrics, int64_t idle_gpu_seconds,
                               int64_t down_gpu_seconds) {
  FinishArgs f{status,           sim_start,       sim_end, std::string(metrics),
               idle_gpu_seconds, down_gpu_seconds};
  if (background_ != nullptr) {
    // The last rows and the run's end in one transaction, then no thread.
    buffer_->finish = std::move(f);
    background_->Submit(std::exchange(buffer_, std::make_unique<Batch>()));
    absl::Status s = background_->Wait();
    background_.reset();
    return s;
  }
  if (auto s = WriteFinish(f); !s.ok()) return s;
  return Commit();
}

absl::Status RunWriter::WriteTotals(const FinishArgs& f, std::string* stored) {
  if (f.status != RunStatus::kComplete || !totals_->valid()) return absl::OkStatus();
  Stmt ins(db_,
           "INSERT INTO group_totals (run_id, grouping, ordinal, grp, gpu_seconds, "
           "on_demand_gpu_seconds, first_start, last_end) VALUES (?,?,?,?,?,?,?,?)");
  for (GroupBy by : kGroupBys) {
    // By job is as many rows as jobs: read from the entries; weeks, months
    // and quarters are summed from the days. An undated run's days need the
    // start the writer was given to be the run's.
    if (!IsStoredGrouping(by) ||
        (by == GroupBy::kDay && !totals_->calendar().dated() &&
         f.sim_start != totals_->calendar().sim_start))
      continue;
    const std::vector<Ledger::GroupSum> groups = totals_->Groups(by);
    for (size_t i = 0; i < groups.size(); ++i) {
      const Ledger::GroupSum& g = groups[i];
      ins.Reset();
      ins.Bind(1, run_id_)
          .BindStatic(2, GroupByName(by))
          .Bind(3, static_cast<int64_t>(i))
          .Bind(4, g.group)
          .Bind(5, g.gpu_seconds)
          .Bind(6, g.on_demand_gpu_seconds)
          .Bind(7, g.first_start)
          .Bind(8, g.last_end);
      if (auto s = ins.Run(); !s.ok()) return s;
    }
    absl::StrAppend(stored, stored->empty() ? "" : ",", GroupByName(by));
  }
  return absl::OkStatus();
}

absl::Status RunWriter::WriteFinish(const FinishArgs& f) {
  if (auto s = Begin(); !s.ok()) return s;
  std::string totals;  // the groupings stored
  if (auto s = WriteTotals(f, &totals); !s.ok()) return s;
  // As the caller counted them, else as summed from the entries written.
  const int64_t idle = f.idle_gpu_seconds >= 0 ? f.idle_gpu_seconds : idle_gpu_seconds_;
  const int64_t down = f.down_gpu_seconds >= 0 ? f.down_gpu_seconds : down_gpu_seconds_;
  // The run as it will read once ended, for its digest.
  absl::StatusOr<RunRecord> run = ReadRunRow(db_, run_id_);
  if (!run.ok()) return run.status();
  if (run->status != RunStatus::kRunning) {
    return absl::FailedPreconditionError(absl::StrCat(
        "run ", run_id_, " was marked ", RunStatusName(run->status),
        " by another process while this replay wrote it (gpuledger ledger repair --force?); "
        "its rows stay and it is not complete"));
  }
  run->status = f.status;
  run->wall_end = Iso8601(clock_);
  run->sim_start = f.sim_start;
  run->sim_end = f.sim_end;
  run->metrics = f.metrics;
  const std::string digest = digest_->Finish(*run, idle, down);
  Stmt q(db_,
         "UPDATE runs SET status = ?, wall_end = ?, sim_start = ?, sim_end = ?, metrics = ?, "
         "totals = ?9, idle_gpu_seconds = ?7, down_gpu_seconds = ?8, digest = ?10 "
         "WHERE run_id = ?6");
  q.BindStatic(1, RunStatusName(f.status))
      .Bind(2, run->wall_end)
      .Bind(3, f.sim_start)
      .Bind(4, f.sim_end)
      .Bind(5, f.metrics)
      .Bind(6, run_id_)
      .Bind(7, idle)
      .Bind(8, down)
      .Bind(9, totals)
      .Bind(10, digest);
  return q.Run();
}

}  // namespace gpuledger::ledger

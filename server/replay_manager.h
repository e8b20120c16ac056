// The replays a server runs, on its io thread (internal to server/): the
// manager that starts, steps, cancels and finishes them, what each one
// shares with the handlers watching it, and the services built on it.
#ifndef GPULEDGER_SERVER_REPLAY_MANAGER_H_
#define GPULEDGER_SERVER_REPLAY_MANAGER_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "gpuledger/v1/ledger_service.grpc.pb.h"
#include "ledger/store.h"
#include "pricing/rates.h"
#include "replay/replay.h"
#include "report/cost.h"
#include "web/page.h"
#include "server/auth.h"
#include "server/server.h"
#include "traces/plan.h"

namespace gpuledger::server {

// A paced replay advances and reports this often (wall-clock).
inline constexpr auto kPaceTick = std::chrono::milliseconds(100);
// An unpaced replay yields to other work on the io_context after this many
// event instants; each step is one transaction.
inline constexpr int kInstantsPerStep = 1000;
// How often a waiting handler checks whether its client is still there.
inline constexpr auto kPollInterval = std::chrono::milliseconds(100);

// One replay running on the server.
struct Active {
  explicit Active(boost::asio::io_context& io) : timer(io) {}

  // io thread only.
  std::unique_ptr<replay::ReplayRun> run;
  pricing::Rates rates;
  double speed = 0;
  std::chrono::steady_clock::time_point wall_start;
  boost::asio::steady_timer timer;
  bool cancel = false;
  std::string cancel_reason;
  scheduler::Seconds reached = 0;  // simulated time shown so far
  int token = 0;                   // the caller's token (its line; 0: no tokens)

  // Shared with the handlers that watch it.
  std::mutex mu;
  std::condition_variable cv;
  gpuledger::v1::ReplayProgress latest;  // guarded by mu
  uint64_t version = 0;                  // guarded by mu; bumps with every new message
};

// Final message for a run from the ledger: its state and figures. Jobs done
// are the caller's to fill in (the server knows them for its own replays).
gpuledger::v1::ReplayProgress FinalFromLedger(ledger::Ledger& l, const ledger::RunRecord& run);

class ReplayManager {
 public:
  ReplayManager(boost::asio::io_context& io, ledger::Ledger& writer, const ServeOptions& options)
      : io_(io), writer_(writer), options_(options) {}

  // Called from gRPC handlers. A partial report of a replay running here,
  // made on the io thread between two steps, so the ledger's entries and the
  // running jobs' unwritten usage (up to the time shown so far) are one
  // snapshot; nullopt for a run not running here.
  std::optional<absl::StatusOr<report::CostReport>> LiveReport(
      int64_t run_id, ledger::GroupBy by, const gpuledger::v1::Pricing* pricing);

  // The same snapshot as LiveReport, as the run's HTML page (web/page.h):
  // its figures and charts with the running jobs' usage up to now.
  std::optional<absl::StatusOr<std::string>> LivePage(int64_t run_id,
                                                      const web::PageContext& context);

  // Refused with RESOURCE_EXHAUSTED when the server, or the caller's
  // token, already runs as many replays as allowed (comparisons count).
  absl::StatusOr<gpuledger::v1::Run> Start(const gpuledger::v1::StartReplayRequest& req,
                                           int token = 0);

  // A comparison's place among the replays running (it replays on its
  // handler's thread, not here): held until dropped.
  class Slot {
   public:
    Slot(ReplayManager& m, int token) : m_(m), token_(token) {}
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    ReplayManager& m_;
    int token_;
  };
  absl::StatusOr<std::unique_ptr<Slot>> TakeSlot(int token);

  std::shared_ptr<Active> Find(int64_t run_id);

  // Asks a running replay to stop at its next step.
  void RequestCancel(const std::shared_ptr<Active>& a, std::string why);

  // On the io thread: refuse new replays and cancel every running one.
  void CancelAllOnIo(const std::string& why);

  size_t active_count();

  // The latest progress of every replay running here, by run id (any
  // thread).
  std::map<int64_t, gpuledger::v1::ReplayProgress> Running();

  // A plan given inline or by name in the traces directory.
  absl::StatusOr<traces::Workload> LoadRequestedPlan(const gpuledger::v1::StartReplayRequest& req);

 private:
  // OK if one more replay of `token` fits the limits (mu_ held).
  absl::Status Room(int token);

  // The running replay of `run_id`, or null (also while shutting down).
  std::shared_ptr<Active> ActiveRun(int64_t run_id);

  // Runs `f` on the io thread and waits for its result.
  template <typename T>
  T OnIo(std::function<T()> f) {
    std::promise<T> done;
    boost::asio::post(io_, [&] { done.set_value(f()); });
    return done.get_future().get();
  }

  gpuledger::v1::ReplayProgress Progress(const Active& a, scheduler::Seconds t,
                                         gpuledger::v1::Run::State state);

  static void Publish(Active& a, gpuledger::v1::ReplayProgress p);

  // One step of a replay on the io thread: advance, commit, report, and
  // schedule the next step (after a tick when paced).
  void Step(const std::shared_ptr<Active>& a);

  // Ends a replay in the ledger and sends its final message.
  void Finish(const std::shared_ptr<Active>& a, gpuledger::v1::Run::State state,
              std::string message);

  boost::asio::io_context& io_;
  ledger::Ledger& writer_;  // used on the io thread only
  const ServeOptions& options_;
  std::mutex mu_;
  std::map<int64_t, std::shared_ptr<Active>> active_;  // guarded by mu_
  std::map<int, int> comparisons_;                     // running, by token; guarded by mu_
  bool shutting_down_ = false;                         // guarded by mu_
};

// CompareStrategies: replays on the calling gRPC thread with a ledger
// connection of its own (SQLite's WAL lets it write beside the io thread).
absl::Status Compare(ReplayManager& manager, const ServeOptions& o,
                     const gpuledger::v1::CompareStrategiesRequest& req,
                     gpuledger::v1::CompareStrategiesResponse* resp, int token = 0);

// gpuledger.v1.ReplayService over `manager`.
// `tokens`: the server's (null: none), to tell callers apart for the
// per-token limits.
std::unique_ptr<gpuledger::v1::ReplayService::Service> NewReplayService(
    ReplayManager& manager, std::string ledger_path, const ServeOptions& options,
    std::shared_ptr<const AuthTokens> tokens);

}  // namespace gpuledger::server

#endif  // GPULEDGER_SERVER_REPLAY_MANAGER_H_

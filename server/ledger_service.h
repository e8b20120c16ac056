// gpuledger.v1.LedgerService: the ledger, read over gRPC. Each read opens its
// own SQLite connection, so it reads committed transactions only (WAL) and
// never waits on a replay that is writing; but a partial report of a run this
// server is replaying is made on the io thread between two of its steps.
// CompareStrategies (deprecated here; ReplayService.CompareStrategies answers
// the same) replays through the handler the server supplies.
#ifndef GPULEDGER_SERVER_LEDGER_SERVICE_H_
#define GPULEDGER_SERVER_LEDGER_SERVICE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include <boost/asio/thread_pool.hpp>
#include "gpuledger/v1/ledger_service.grpc.pb.h"
#include "report/cost.h"
#include "server/reader_pool.h"
#include "server/report_cache.h"

namespace gpuledger::server {

// The gRPC status for an absl::Status: the codes are the same numbers.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Page sizes: 0 asks for the default, larger ones are capped.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

// GetCostReport is answered with the callback API, as bytes (a kept answer
// is sent without being copied or serialized again); the others are
// synchronous.
class LedgerServiceImpl final
    : public gpuledger::v1::LedgerService::WithRawCallbackMethod_GetCostReport<
          gpuledger::v1::LedgerService::Service> {
 public:
  // Answers CompareStrategies, which needs the replay layer; the server
  // supplies it (UNIMPLEMENTED without).
  using CompareHandler = std::function<grpc::Status(
      const grpc::ServerContext&, const gpuledger::v1::CompareStrategiesRequest&,
      gpuledger::v1::CompareStrategiesResponse*)>;
  // A partial report of a run this server is replaying, with its running
  // jobs' unwritten usage; nullopt for a run it is not replaying.
  using LiveReportHandler = std::function<std::optional<absl::StatusOr<report::CostReport>>(
      int64_t run, ledger::GroupBy group_by, const gpuledger::v1::Pricing* pricing_override)>;
  explicit LedgerServiceImpl(std::string ledger_path, CompareHandler compare = nullptr,
                             LiveReportHandler live = nullptr)
      : path_(std::move(ledger_path)),
        readers_(path_),
        compare_(std::move(compare)),
        live_(std::move(live)),
        builders_(std::make_unique<boost::asio::thread_pool>(kBuilderThreads)) {}
  // Closes read connections unused for `at_least` (their page caches go
  // with them); how many.
  size_t DropIdleReaders(std::chrono::steady_clock::duration at_least) {
    return readers_.DropIdle(at_least);
  }

  // Rows a list call may ask for; more is RESOURCE_EXHAUSTED.
  void set_max_page_size(int rows) { max_page_size_ = rows; }

  grpc::Status CompareStrategies(grpc::ServerContext* context,
                                 const gpuledger::v1::CompareStrategiesRequest* request,
                                 gpuledger::v1::CompareStrategiesResponse* response) override {
    if (!compare_) return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no replays here");
    return compare_(*context, *request, response);
  }

  grpc::Status ListRuns(grpc::ServerContext* context, const gpuledger::v1::ListRunsRequest* request,
                        gpuledger::v1::ListRunsResponse* response) override;
  grpc::Status GetRun(grpc::ServerContext* context, const gpuledger::v1::GetRunRequest* request,
                      gpuledger::v1::Run* response) override;
  grpc::Status ListJobs(grpc::ServerContext* context, const gpuledger::v1::ListJobsRequest* request,
                        gpuledger::v1::ListJobsResponse* response) override;
  grpc::Status ListUsage(grpc::ServerContext* context,
                         const gpuledger::v1::ListUsageRequest* request,
                         gpuledger::v1::ListUsageResponse* response) override;
  grpc::Status GetGroupReport(grpc::ServerContext* context,
                              const gpuledger::v1::GetGroupReportRequest* request,
                              gpuledger::v1::GroupReport* response) override;
  // The answer built afresh, for callers in the process (tests, fuzzing).
  grpc::Status GetCostReport(grpc::ServerContext* context,
                             const gpuledger::v1::GetCostReportRequest* request,
                             gpuledger::v1::CostReport* response) override;
  // The service's: a complete run's kept answer at once; anything else is
  // built on one of the service's builder threads, so a slow report (by job
  // on a large run) never holds gRPC's callback threads.
  grpc::ServerUnaryReactor* GetCostReport(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  ~LedgerServiceImpl() override;

 private:
  std::string path_;
  int max_page_size_ = kMaxPageSize;
  ReaderPool readers_;  // of path_
  // The key and stamp of a request for a complete run's report (see
  // ReportCache); false for any other run.
  bool KeyOf(ledger::Ledger& ledger, const ReaderPool::Return& file,
             const gpuledger::v1::GetCostReportRequest& request, std::string* key,
             std::string* stamp);
  // The kept answer, if there is one; `key` and `stamp` get the request's
  // (`key` empty for a run that is not complete).
  bool Kept(const gpuledger::v1::GetCostReportRequest& request, std::string* key,
            std::string* stamp, grpc::ByteBuffer* out);
  // The answer built, kept under `key` (unless empty) with `stamp`.
  grpc::Status Answer(const gpuledger::v1::GetCostReportRequest& request, const std::string& key,
                      std::string stamp, grpc::ByteBuffer* out);

  // Complete runs' cost reports, up to 64 MiB: the same question of a run
  // that no longer changes costs a reference to the bytes sent before.
  ReportCache reports_{64 << 20};
  CompareHandler compare_;
  LiveReportHandler live_;
  // Builds the answers not kept; joined (its work done) before the rest goes.
  static constexpr int kBuilderThreads = 2;
  std::unique_ptr<boost::asio::thread_pool> builders_;
};

}  // namespace gpuledger::server

#endif  // GPULEDGER_SERVER_LEDGER_SERVICE_H_

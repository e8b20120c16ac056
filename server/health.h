// grpc.health.v1.Health for `gpuledger serve` (internal to server/).
#ifndef GPULEDGER_SERVER_HEALTH_H_
#define GPULEDGER_SERVER_HEALTH_H_

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace gpuledger::server {

// grpc.health.v1.Health, reporting each of our services (and "" for the
// server as a whole).
class HealthServiceImpl final : public grpc::health::v1::Health::Service {
 public:
  HealthServiceImpl() {
    for (const char* s : {"", "gpuledger.v1.LedgerService", "gpuledger.v1.ReplayService",
                          "grpc.health.v1.Health"}) {
      status_[s] = grpc::health::v1::HealthCheckResponse::SERVING;
    }
  }

  grpc::Status Check(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest* req,
                     grpc::health::v1::HealthCheckResponse* resp) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = status_.find(req->service());
    if (it == status_.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          absl::StrCat("service: unknown service \"", req->service(), "\""));
    }
    resp->set_status(it->second);
    return grpc::Status::OK;
  }

  grpc::Status Watch(grpc::ServerContext* ctx, const grpc::health::v1::HealthCheckRequest* req,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) override {
    std::unique_lock<std::mutex> lock(mu_);
    bool first = true;
    grpc::health::v1::HealthCheckResponse::ServingStatus sent =
        grpc::health::v1::HealthCheckResponse::UNKNOWN;
    while (!ctx->IsCancelled()) {
      auto it = status_.find(req->service());
      const auto now =
          it == status_.end() ? grpc::health::v1::HealthCheckResponse::SERVICE_UNKNOWN : it->second;
      if (first || now != sent) {
        grpc::health::v1::HealthCheckResponse resp;
        resp.set_status(now);
        lock.unlock();
        if (!writer->Write(resp)) return grpc::Status::OK;
        lock.lock();
        first = false;
        sent = now;
      }
      if (stopping_) return grpc::Status::OK;
      cv_.wait_for(lock,
                   std::chrono::milliseconds(100));  // a watcher checks for its client this often
    }
    return grpc::Status::OK;
  }

  // Marks every service NOT_SERVING and ends the watches.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [name, status] : status_)
        status = grpc::health::v1::HealthCheckResponse::NOT_SERVING;
      stopping_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, grpc::health::v1::HealthCheckResponse::ServingStatus> status_;
  bool stopping_ = false;
};

}  // namespace gpuledger::server

#endif  // GPULEDGER_SERVER_HEALTH_H_

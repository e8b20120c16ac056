// A bounded gRPC load generator for a running `gpuledger serve` on loopback
// (bench/grpc_bench.sh starts one): for each call and each number of
// concurrent clients, every client (a thread with its own channel) calls in
// a loop for --seconds, and the calls' latencies give QPS, p50 and p99.
// Calls: GetCostReport by project and by day, ListJobs pages (page_size
// --page, walking the run from the start, each client from its own offset),
// GetRun. Only 127.0.0.1 or localhost: it is a load generator for this
// machine, not for anyone's server.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gpuledger/v1/ledger_service.grpc.pb.h"

namespace v1 = gpuledger::v1;
using Clock = std::chrono::steady_clock;

namespace {

// One call of `kind` on `stub`; `step` counts the client's calls so far.
grpc::Status Call(v1::LedgerService::Stub& stub, const std::string& kind, const std::string& run,
                  int page, int client, int64_t step) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (kind == "report-project" || kind == "report-day") {
    v1::GetCostReportRequest req;
    req.set_name(run);
    req.set_group_by(kind == "report-day" ? v1::GROUP_BY_DAY : v1::GROUP_BY_PROJECT);
    v1::CostReport resp;
    return stub.GetCostReport(&ctx, req, &resp);
  }
  if (kind == "list-jobs") {
    // Pages of a walk through the run, clients spread over it: a page token
    // is the service's own, so each client walks from the start and wraps.
    v1::ListJobsRequest req;
    req.set_parent(run);
    req.set_page_size(page);
    static thread_local std::string token;
    static thread_local int64_t walked = -1;
    if (walked < 0 || step == 0) {
      token.clear();
      walked = 0;
    }
    req.set_page_token(token);
    v1::ListJobsResponse resp;
    grpc::Status s = stub.ListJobs(&ctx, req, &resp);
    token = resp.next_page_token();
    ++walked;
    (void)client;
    return s;
  }
  v1::GetRunRequest req;
  req.set_name(run);
  v1::Run resp;
  return stub.GetRun(&ctx, req, &resp);
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size()));
  return v[std::min(rank, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gRPC load generator for gpuledger serve (loopback only)"};
  std::string server = "127.0.0.1:50051";
  std::string run = "runs/1";
  std::vector<int> clients = {1, 8, 64};
  std::vector<std::string> calls = {"report-project", "report-day", "list-jobs", "get-run"};
  double seconds = 3;
  int page = 1000;
  app.add_option("--server", server)->capture_default_str();
  app.add_option("--run", run, "runs/ID")->capture_default_str();
  app.add_option("--clients", clients)->capture_default_str();
  app.add_option("--calls", calls)->capture_default_str();
  app.add_option("--seconds", seconds, "per call and client count, at most 60")
      ->check(CLI::Range(0.1, 60.0))
      ->capture_default_str();
  app.add_option("--page", page, "ListJobs page size")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!absl::StartsWith(server, "127.0.0.1:") && !absl::StartsWith(server, "localhost:")) {
    std::fprintf(stderr, "grpc_load: --server must be on 127.0.0.1 or localhost\n");
    return 2;
  }
  for (int n : clients) {
    if (n < 1 || n > 256) {
      std::fprintf(stderr, "grpc_load: --clients must be in [1, 256]\n");
      return 2;
    }
  }
  std::printf("call,clients,calls,errors,qps,p50_ms,p99_ms\n");
  for (const std::string& kind : calls) {
    for (int n : clients) {
      std::vector<std::vector<double>> latencies(n);
      std::atomic<int64_t> errors{0};
      const auto end = Clock::now() + std::chrono::duration<double>(seconds);
      std::vector<std::thread> threads;
      for (int c = 0; c < n; ++c) {
        threads.emplace_back([&, c] {
          grpc::ChannelArguments args;
          args.SetInt("grpc.use_local_subchannel_pool", 1);  // a connection per client
          args.SetMaxReceiveMessageSize(64 << 20);
          auto stub = v1::LedgerService::NewStub(
              grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args));
          for (int64_t step = 0; Clock::now() < end; ++step) {
            const auto t0 = Clock::now();
            grpc::Status s = Call(*stub, kind, run, page, c, step);
            latencies[c].push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            if (!s.ok()) {
              if (errors++ == 0) {
                std::fprintf(stderr, "%s: %s\n", kind.c_str(), s.error_message().c_str());
              }
            }
          }
        });
      }
      for (auto& t : threads) t.join();
      std::vector<double> all;
      for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
      std::printf("%s,%d,%zu,%lld,%.0f,%.2f,%.2f\n", kind.c_str(), n, all.size(),
                  static_cast<long long>(errors.load()), all.size() / seconds, Percentile(all, 50),
                  Percentile(all, 99));
      std::fflush(stdout);
    }
  }
  return 0;
}

// A bounded gRPC load generator for a running `gpuledger serve` on loopback
// (bench/grpc_bench.sh starts one): for each call and each number of
// concurrent clients, every client (a channel of its own, all driven from one
// thread) calls in a loop for --seconds, and the calls' latencies give QPS,
// p50 and p99.
// Calls: GetCostReport by project and by day, ListJobs pages (page_size
// --page, each client walking the run from the start and wrapping),
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

// One client's calls, driven from the completion queue: its channel, the
// call in flight and when it started.
struct Client {
  std::unique_ptr<v1::LedgerService::Stub> stub;
  std::unique_ptr<grpc::ClientContext> ctx;
  Clock::time_point t0;
  grpc::Status status;
  v1::CostReport report;
  v1::ListJobsResponse jobs;
  v1::Run got;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::CostReport>> report_call;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::ListJobsResponse>> jobs_call;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::Run>> run_call;
  std::string token;  // ListJobs: the walk's next page
  std::vector<double> latencies;
};

// Starts `c`'s next call of `kind`; it completes on `cq` with tag `c`.
void StartCall(Client* c, const std::string& kind, const std::string& run, int page,
               grpc::CompletionQueue* cq) {
  c->ctx = std::make_unique<grpc::ClientContext>();
  c->ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  c->t0 = Clock::now();
  if (kind == "report-project" || kind == "report-day") {
    v1::GetCostReportRequest req;
    req.set_name(run);
    req.set_group_by(kind == "report-day" ? v1::GROUP_BY_DAY : v1::GROUP_BY_PROJECT);
    c->report_call = c->stub->AsyncGetCostReport(c->ctx.get(), req, cq);
    c->report_call->Finish(&c->report, &c->status, c);
  } else if (kind == "list-jobs") {
    // Pages of a walk through the run: a page token is the service's own,
    // so each client walks from the start and wraps.
    v1::ListJobsRequest req;
    req.set_parent(run);
    req.set_page_size(page);
    req.set_page_token(c->token);
    c->jobs_call = c->stub->AsyncListJobs(c->ctx.get(), req, cq);
    c->jobs_call->Finish(&c->jobs, &c->status, c);
  } else {
    v1::GetRunRequest req;
    req.set_name(run);
    c->run_call = c->stub->AsyncGetRun(c->ctx.get(), req, cq);
    c->run_call->Finish(&c->got, &c->status, c);
  }
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
      // Every client's calls are driven from one thread and one completion
      // queue: `n` calls stay in flight, each client starting its next call
      // when one completes, and the generator's own threads do not compete
      // with the server for the cores (with a thread per client they did,
      // and the tail measured the generator's scheduling).
      grpc::CompletionQueue cq;
      std::vector<Client> all_clients(n);
      int64_t errors = 0;
      for (Client& c : all_clients) {
        grpc::ChannelArguments args;
        args.SetInt("grpc.use_local_subchannel_pool", 1);  // a connection per client
        args.SetMaxReceiveMessageSize(64 << 20);
        c.stub = v1::LedgerService::NewStub(
            grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args));
      }
      const auto end = Clock::now() + std::chrono::duration<double>(seconds);
      for (Client& c : all_clients) StartCall(&c, kind, run, page, &cq);
      int in_flight = n;
      void* tag = nullptr;
      bool ok = false;
      while (in_flight > 0 && cq.Next(&tag, &ok)) {
        Client& c = *static_cast<Client*>(tag);
        c.latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - c.t0).count());
        if (!ok || !c.status.ok()) {
          if (errors++ == 0) {
            std::fprintf(stderr, "%s: %s\n", kind.c_str(), c.status.error_message().c_str());
          }
        }
        if (kind == "list-jobs") c.token = c.jobs.next_page_token();
        if (Clock::now() < end) {
          StartCall(&c, kind, run, page, &cq);
        } else {
          --in_flight;
        }
      }
      cq.Shutdown();
      while (cq.Next(&tag, &ok)) {
      }
      std::vector<std::vector<double>> latencies;
      for (Client& c : all_clients) latencies.push_back(std::move(c.latencies));
      std::vector<double> all;
      for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
      std::printf("%s,%d,%zu,%lld,%.0f,%.2f,%.2f\n", kind.c_str(), n, all.size(),
                  static_cast<long long>(errors), all.size() / seconds, Percentile(all, 50),
                  Percentile(all, 99));
      std::fflush(stdout);
    }
  }
  return 0;
}

// The LedgerService handlers (server/ledger_service.h), called in-process: no
// server, no port. The first byte picks the method, the rest is parsed as
// its serialized request, as gRPC would deliver it. They read a small
// ledger made once per process in the scratch directory: a replay with
// failures (every usage category), a strategy comparison (pools, committed
// capacity) and a run group of two seeds.
// Any status is fine. Invariants on an OK answer: a page holds at most
// kMaxPageSize items (the default page size when none was asked); a cost
// report's amounts are not negative and its rows add up to its total.
//
// ReplayService (StartReplay, WatchReplay, CancelReplay) and the server's
// CompareStrategies handler live in server/replay_service.cc (unnamed namespace)
// and cannot be called in-process; their plan check is plan_fuzzer's
// LoadPlanText(..., allow_file_references=false) and their strategy checks
// are strategies_fuzzer's CompareStrategies(allow_profile_files=false).
#include <cstddef>
#include <cstdint>
#include <memory>

#include "fuzz/fuzz_util.h"
#include "google/protobuf/stubs/logging.h"
#include "server/ledger_service.h"
#include "compare/compare.h"
#include "replay/replay.h"
#include "traces/plan.h"

namespace v1 = gpuledger::v1;
namespace lg = gpuledger::ledger;
namespace sv = gpuledger::server;

namespace {

constexpr char kPlan[] = R"(
name: "fuzz"
cluster {
  gpu: "H100" nodes: 4 restart_minutes: 10
  failures {
    unexpected { interruptions: 40 gpus: 32 days: 10 }
    causes { name: "gpu" count: 3 repair_hours: 2 }
    causes { name: "network" count: 1 repair_hours: 1 }
    planned { interruptions: 5 gpus: 32 days: 10 }
    planned_repair_hours: 1
  }
}
checkpoint { interval: "30m" write_seconds: 60 }
jobs { id: "a" phase: PRETRAIN project: "P" gpus: 16 gpu_hours: 400 }
jobs { id: "b" phase: RL project: "P" gpus: 8 wall_clock_hours: 5 after: "a" }
jobs { id: "c" phase: EVAL project: "Q" gpus: 2 gpu_hours: 1 submit_seconds: 600 }
)";

// The ledger's path, made on first use.
const std::string& LedgerPath() {
  static const std::string* path = [] {
    auto* p = new std::string(gpuledger::fuzz::Scratch().Path("ledger.sqlite"));
    auto w = gpuledger::traces::LoadPlanText(kPlan, "fuzz.textproto");
    if (!w.ok()) __builtin_trap();
    {
      auto l = lg::Ledger::Open(*p);
      if (!l.ok()) __builtin_trap();
      if (!gpuledger::replay::ReplayWorkload(*w, **l, 1).ok()) __builtin_trap();
      auto strategies = gpuledger::traces::LoadStrategies("");
      if (!strategies.ok()) __builtin_trap();
      if (!gpuledger::compare::CompareStrategies(*w, *strategies, {}, **l).ok()) __builtin_trap();
    }
    if (!gpuledger::replay::ReplayGroup(*w, *p, 1, 2, {}, 1).ok()) __builtin_trap();
    return p;
  }();
  return *path;
}

// Parses the request and calls one handler; `items` counts what it returned.
template <typename Request, typename Response, typename Handler, typename Items>
void Call(const uint8_t* data, size_t size, Handler handler, Items items) {
  Request req;
  // gRPC refuses what does not parse (e.g. invalid UTF-8 in a string).
  if (!req.ParseFromArray(data, static_cast<int>(size))) return;
  Response resp;
  sv::LedgerServiceImpl service(LedgerPath());
  // The handlers make no use of the ServerContext.
  const grpc::Status s = (service.*handler)(nullptr, &req, &resp);
  if constexpr (requires { req.page_size(); }) {
    // A page beyond the server's limit is refused, naming the limit.
    if (req.page_size() > sv::kMaxPageSize) {
      FUZZ_CHECK(s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
                 s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    }
  }
  if (!s.ok()) return;
  const int n = items(resp);
  FUZZ_CHECK(n <= sv::kMaxPageSize);
  if constexpr (requires { req.page_size(); }) {
    if (req.page_size() == 0) FUZZ_CHECK(n <= sv::kDefaultPageSize);
    if (req.page_size() > 0) FUZZ_CHECK(n <= req.page_size());
  }
}

// A cost report's money is not negative, and its rows add up to its total.
int CheckReport(const v1::CostReport& r) {
  __int128 rental = 0, owned = 0;
  for (const v1::CostRow& row : r.rows()) {
    FUZZ_CHECK(row.rental_micro_usd() >= 0 && row.owned_micro_usd() >= 0);
    rental += row.rental_micro_usd();
    owned += row.owned_micro_usd();
  }
  FUZZ_CHECK(rental == r.total().rental_micro_usd() && owned == r.total().owned_micro_usd());
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // quiet about requests that do not parse
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t method = data[0] % 6;
  ++data;
  --size;
  using S = sv::LedgerServiceImpl;
  auto none = [](const auto&) { return 0; };
  switch (method) {
    case 0:
      Call<v1::ListRunsRequest, v1::ListRunsResponse>(
          data, size, &S::ListRuns, [](const v1::ListRunsResponse& r) { return r.runs_size(); });
      break;
    case 1:
      Call<v1::GetRunRequest, v1::Run>(data, size, &S::GetRun, none);
      break;
    case 2:
      Call<v1::ListJobsRequest, v1::ListJobsResponse>(
          data, size, &S::ListJobs, [](const v1::ListJobsResponse& r) { return r.jobs_size(); });
      break;
    case 3:
      Call<v1::ListUsageRequest, v1::ListUsageResponse>(
          data, size, &S::ListUsage,
          [](const v1::ListUsageResponse& r) { return r.entries_size(); });
      break;
    case 4:
      // The answer built in the process (the service's own goes through
      // the callback API, with the same answer).
      Call<v1::GetCostReportRequest, v1::CostReport>(
          data, size,
          static_cast<grpc::Status (S::*)(grpc::ServerContext*, const v1::GetCostReportRequest*,
                                          v1::CostReport*)>(&S::GetCostReport),
          CheckReport);
      break;
    case 5:
      Call<v1::GetGroupReportRequest, v1::GroupReport>(data, size, &S::GetGroupReport, none);
      break;
  }
  return 0;
}

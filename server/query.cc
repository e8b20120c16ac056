#include "server/query.h"

#include <grpcpp/grpcpp.h>

#include <cctype>
#include <cstdlib>
#include <tuple>
#include <chrono>
#include <ostream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gpuledger/v1/ledger_service.grpc.pb.h"
#include "pricing/rates.h"
#include "server/auth.h"
#include "server/convert.h"
#include "report/format.h"

namespace gpuledger::server {
namespace {

namespace v1 = gpuledger::v1;

absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat("server: ", s.error_message()));
}

// Calls `rpc` page after page (1,000 rows each) until the last one, giving
// each response to `each`.
template <typename Response, typename Request, typename Rpc, typename Each>
absl::Status EveryPage(Request req, Rpc rpc, Each each) {
  req.set_page_size(1000);
  do {
    Response resp;
    if (auto s = FromGrpc(rpc(req, &resp)); !s.ok()) return s;
    each(resp);
    req.set_page_token(resp.next_page_token());
  } while (!req.page_token().empty());
  return absl::OkStatus();
}

// The channel's credentials the options ask for.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> CredentialsOf(const QueryOptions& o) {
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key: give both or neither");
  }
  if (!o.tls && o.tls_ca.empty() && o.tls_cert.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  for (auto [flag, path, into] : {std::tuple{"--tls-ca", &o.tls_ca, &ssl.pem_root_certs},
                                  std::tuple{"--tls-cert", &o.tls_cert, &ssl.pem_cert_chain},
                                  std::tuple{"--tls-key", &o.tls_key, &ssl.pem_private_key}}) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> pem = ReadFlagFile(flag, *path);
    if (!pem.ok()) return pem.status();
    *into = *std::move(pem);
  }
  return grpc::SslCredentials(ssl);
}

// The token to send: --token-file's, else $GPULEDGER_TOKEN's; "" for none.
absl::StatusOr<std::string> TokenOf(const QueryOptions& o) {
  std::string token;
  if (!o.token_file.empty()) {
    absl::StatusOr<std::string> t = ReadFlagFile("--token-file", o.token_file);
    if (!t.ok()) return t.status();
    token = *std::move(t);
  } else if (const char* env = std::getenv("GPULEDGER_TOKEN")) {
    token = env;
  }
  token = std::string(absl::StripAsciiWhitespace(token));
  const char* from = o.token_file.empty() ? "$GPULEDGER_TOKEN" : "--token-file";
  if (!o.token_file.empty() || !token.empty()) {
    // Checked before it is sent: gRPC would refuse (and print) a token with
    // a line break in it.
    if (absl::Status s = CheckTokenText(token); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          from, !o.token_file.empty() ? absl::StrCat(" ", o.token_file) : "",
          ": expected one token on one line: it ", s.message()));
    }
    const std::string host = o.server.substr(0, o.server.rfind(':'));
    if (!o.tls && o.tls_ca.empty() && o.tls_cert.empty() && !IsLoopbackHost(host)) {
      return absl::InvalidArgumentError(absl::StrCat(
          from, ": ", host,
          " is not a loopback address and the channel has no TLS: the token would cross the "
          "network in the clear; give --tls or --tls-ca"));
    }
  }
  return token;
}

class Client {
 public:
  Client(const QueryOptions& o, const std::shared_ptr<grpc::ChannelCredentials>& creds,
         std::string token)
      : o_(o),
        token_(std::move(token)),
        stub_(v1::LedgerService::NewStub(grpc::CreateChannel(o.server, creds))) {}

  std::unique_ptr<grpc::ClientContext> Context() const {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!token_.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::milliseconds(static_cast<int64_t>(o_.timeout_seconds * 1000)));
    return ctx;
  }

  // Every run, paging through the list.
  absl::StatusOr<std::vector<v1::Run>> Runs() const {
    std::vector<v1::Run> out;
    v1::ListRunsRequest first;
    if (o_.group) first.set_group(server::GroupName(*o_.group));
    absl::Status s = EveryPage<v1::ListRunsResponse>(
        first,
        [&](const v1::ListRunsRequest& req, v1::ListRunsResponse* resp) {
          return stub_->ListRuns(Context().get(), req, resp);
        },
        [&](const v1::ListRunsResponse& resp) {
          out.insert(out.end(), resp.runs().begin(), resp.runs().end());
        });
    if (!s.ok()) return s;
    return out;
  }

  // The run asked for, or the newest complete one.
  absl::StatusOr<std::string> RunName() const {
    if (o_.run) return server::RunName(*o_.run);
    absl::StatusOr<std::vector<v1::Run>> runs = Runs();
    if (!runs.ok()) return runs.status();
    for (auto it = runs->rbegin(); it != runs->rend(); ++it) {
      if (it->state() == v1::Run::COMPLETE) return it->name();
    }
    return absl::NotFoundError(absl::StrCat(o_.server, ": the ledger has no complete run"));
  }

  v1::LedgerService::Stub& stub() { return *stub_; }

 private:
  const QueryOptions& o_;
  std::string token_;
  std::unique_ptr<v1::LedgerService::Stub> stub_;
};

std::string State(v1::Run::State s) {
  std::string name = v1::Run::State_Name(s);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

absl::Status Runs(Client& c, const QueryOptions& o, std::ostream& out) {
  absl::StatusOr<std::vector<v1::Run>> runs = c.Runs();
  if (!runs.ok()) return runs.status();
  report::Records t;
  t.columns = {"run",
               "plan",
               "state",
               "policy",
               "seed",
               "gpu_model",
               "gpus",
               "sim_start_seconds",
               "sim_end_seconds",
               "wall_start",
               "wall_end"};
  t.numeric = {true, false, false, false, true, false, true, true, true, false, false};
  for (const v1::Run& r : *runs) {
    t.rows.push_back({r.name().substr(5), r.plan_name(), State(r.state()), r.policy(),
                      absl::StrCat(r.seed()), r.gpu_model(), absl::StrCat(r.gpus()),
                      absl::StrCat(r.sim_start_seconds()), absl::StrCat(r.sim_end_seconds()),
                      r.wall_start(), r.wall_end()});
  }
  out << report::FormatRecords(t, o.format);
  return absl::OkStatus();
}

absl::Status Jobs(Client& c, const QueryOptions& o, std::ostream& out) {
  absl::StatusOr<std::string> name = c.RunName();
  if (!name.ok()) return name.status();
  report::Records t;
  t.columns = {"job",         "phase",         "project",    "gpus", "priority", "submit_seconds",
               "run_seconds", "start_seconds", "end_seconds"};
  t.numeric = {false, false, false, true, true, true, true, true, true};
  v1::ListJobsRequest req;
  req.set_parent(*name);
  absl::Status s = EveryPage<v1::ListJobsResponse>(
      req,
      [&](const v1::ListJobsRequest& r, v1::ListJobsResponse* resp) {
        return c.stub().ListJobs(c.Context().get(), r, resp);
      },
      [&](const v1::ListJobsResponse& resp) {
        for (const v1::RunJob& j : resp.jobs()) {
          t.rows.push_back({j.job_id(), j.phase(), j.project(), absl::StrCat(j.gpus()),
                            absl::StrCat(j.priority()), absl::StrCat(j.submit_seconds()),
                            absl::StrCat(j.run_seconds()), absl::StrCat(j.start_seconds()),
                            absl::StrCat(j.end_seconds())});
        }
      });
  if (!s.ok()) return s;
  out << report::FormatRecords(t, o.format);
  return absl::OkStatus();
}

absl::Status Usage(Client& c, const QueryOptions& o, std::ostream& out) {
  if (o.from_seconds < 0 || o.to_seconds < 0) {
    return absl::InvalidArgumentError("--from and --to must not be negative");
  }
  if (o.to_seconds != 0 && o.to_seconds <= o.from_seconds) {
    return absl::InvalidArgumentError(
        absl::StrCat("--to (", o.to_seconds, ") must be after --from (", o.from_seconds, ")"));
  }
  absl::StatusOr<std::string> name = c.RunName();
  if (!name.ok()) return name.status();
  report::Records t;
  t.columns = {"entry",         "job",         "phase", "category",
               "start_seconds", "end_seconds", "gpus",  "gpu_seconds"};
  t.numeric = {true, false, false, false, true, true, true, true};
  v1::ListUsageRequest req;
  req.set_parent(*name);
  req.set_job_id(o.job);
  req.set_phase(o.phase);
  req.set_category(o.category);
  req.set_start_seconds(o.from_seconds);
  req.set_end_seconds(o.to_seconds);
  absl::Status s = EveryPage<v1::ListUsageResponse>(
      req,
      [&](const v1::ListUsageRequest& r, v1::ListUsageResponse* resp) {
        return c.stub().ListUsage(c.Context().get(), r, resp);
      },
      [&](const v1::ListUsageResponse& resp) {
        for (const v1::UsageEntry& e : resp.entries()) {
          t.rows.push_back({absl::StrCat(e.entry_id()), e.job_id(), e.phase(), e.category(),
                            absl::StrCat(e.start_seconds()), absl::StrCat(e.end_seconds()),
                            absl::StrCat(e.gpus()), absl::StrCat(e.gpu_seconds())});
        }
      });
  if (!s.ok()) return s;
  out << report::FormatRecords(t, o.format);
  return absl::OkStatus();
}

absl::Status Report(Client& c, const QueryOptions& o, std::ostream& out) {
  absl::StatusOr<std::string> name = c.RunName();
  if (!name.ok()) return name.status();
  v1::GetCostReportRequest req;
  req.set_name(*name);
  req.set_view(o.view == "rental"  ? v1::COST_VIEW_RENTAL
               : o.view == "owned" ? v1::COST_VIEW_OWNED
                                   : v1::COST_VIEW_BOTH);
  v1::GroupBy by = v1::GROUP_BY_JOB;
  v1::GroupBy_Parse("GROUP_BY_" + absl::AsciiStrToUpper(o.by), &by);
  req.set_group_by(by);
  req.set_allow_partial(o.partial);
  if (o.rental_usd_per_gpu_hour && !(*o.rental_usd_per_gpu_hour >= 0 &&
                                     *o.rental_usd_per_gpu_hour <= pricing::kMaxUsdPerGpuHour)) {
    return absl::InvalidArgumentError(absl::StrCat("--rental-usd must be in [0, ",
                                                   pricing::kMaxUsdPerGpuHour, "], got ",
                                                   *o.rental_usd_per_gpu_hour));
  }
  if (o.rental_usd_per_gpu_hour) {
    req.mutable_pricing_override()->mutable_rental()->set_usd_per_gpu_hour(
        *o.rental_usd_per_gpu_hour);
  }
  v1::CostReport resp;
  if (auto s = FromGrpc(c.stub().GetCostReport(c.Context().get(), req, &resp)); !s.ok()) return s;
  report::ReportOptions ro;
  ro.rental = o.view != "owned";
  ro.owned = o.view != "rental";
  ro.format = o.format;
  out << report::FormatReport(server::ReportFromProto(resp), ro);
  return absl::OkStatus();
}

}  // namespace

absl::Status Group(Client& c, const QueryOptions& o, std::ostream& out) {
  if (!o.group) return absl::InvalidArgumentError("query group needs --group");
  v1::GetGroupReportRequest req;
  req.set_name(server::GroupName(*o.group));
  v1::GroupReport resp;
  grpc::Status s = c.stub().GetGroupReport(c.Context().get(), req, &resp);
  if (!s.ok()) return FromGrpc(s);
  out << report::FormatGroupReport(server::GroupReportFromProto(resp), o.format);
  return absl::OkStatus();
}

absl::Status RunQuery(const QueryOptions& o, std::ostream& out) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> creds = CredentialsOf(o);
  if (!creds.ok()) return creds.status();
  absl::StatusOr<std::string> token = TokenOf(o);
  if (!token.ok()) return token.status();
  Client c(o, *creds, *std::move(token));
  if (o.what == "runs") return Runs(c, o, out);
  if (o.what == "jobs") return Jobs(c, o, out);
  if (o.what == "usage") return Usage(c, o, out);
  if (o.what == "group") return Group(c, o, out);
  return Report(c, o, out);
}

}  // namespace gpuledger::server

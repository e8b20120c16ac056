#include "server/ledger_service.h"

#include <limits>

#include <algorithm>

#include <boost/asio/post.hpp>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/convert.h"
#include "report/cost.h"
#include "ledger/store.h"

namespace gpuledger::server {
namespace {

absl::StatusOr<int> PageSize(int requested, int max) {
  if (requested < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (requested == 0) return std::min(kDefaultPageSize, max);
  if (requested > max) {
    return absl::ResourceExhaustedError(absl::StrCat("page_size: ", requested,
                                                     " is above this server's limit of ", max,
                                                     " rows a page (--max-page-size)"));
  }
  return requested;
}

// Page tokens are opaque to clients: the list they page (`kind`), what it
// was asked for (`scope`: the run and filters), the position to continue
// after, and a check over all three, in web-safe base64. A token of another
// list, another request or a client's own making is refused.
uint32_t Fnv1a(absl::string_view bytes) {
  uint32_t h = 2166136261u;
  for (const char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

std::string MakePageToken(absl::string_view kind, absl::string_view scope, int64_t position) {
  const std::string body = absl::StrCat(kind, "|", position, "|");
  std::string token;
  absl::WebSafeBase64Escape(absl::StrCat(body, Fnv1a(absl::StrCat(body, scope))), &token);
  return token;
}

absl::StatusOr<int64_t> PageToken(const std::string& token, absl::string_view kind,
                                  absl::string_view scope) {
  if (token.empty()) return 0;
  std::string raw;
  std::vector<std::string> parts;
  if (absl::WebSafeBase64Unescape(token, &raw)) parts = absl::StrSplit(raw, '|');
  int64_t position = -1;
  uint32_t check = 0;
  if (parts.size() != 3 || parts[0] != kind || !absl::SimpleAtoi(parts[1], &position) ||
      position < 0 || !absl::SimpleAtoi(parts[2], &check) ||
      check != Fnv1a(absl::StrCat(parts[0], "|", parts[1], "|", scope))) {
    // The token is echoed cut short: it is the client's text, of any size.
    const std::string shown = token.size() > 40 ? absl::StrCat(token.substr(0, 40), "...") : token;
    return absl::InvalidArgumentError(
        absl::StrCat("page_token: \"", absl::CHexEscape(shown),
                     "\" is not a token this server gave for this request"));
  }
  return position;
}

// Checks the run exists; NotFound otherwise.
absl::Status RunExists(ledger::Ledger& l, int64_t run_id) { return l.GetRun(run_id).status(); }

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

// Each handler: validate the request, open a reader, query, convert.
#define GPULEDGER_ASSIGN_OR_RETURN(lhs, expr)                 \
  auto lhs##_or = (expr);                                     \
  if (!lhs##_or.ok()) return ToGrpcStatus(lhs##_or.status()); \
  auto& lhs = *lhs##_or

grpc::Status LedgerServiceImpl::ListRuns(grpc::ServerContext*, const v1::ListRunsRequest* req,
                                         v1::ListRunsResponse* resp) {
  GPULEDGER_ASSIGN_OR_RETURN(size, PageSize(req->page_size(), max_page_size_));
  GPULEDGER_ASSIGN_OR_RETURN(after, PageToken(req->page_token(), "runs", req->group()));
  int64_t group = 0;
  if (!req->group().empty()) {
    GPULEDGER_ASSIGN_OR_RETURN(g, ParseGroupName(req->group(), "group"));
    group = g;
  }
  GPULEDGER_ASSIGN_OR_RETURN(ledger, readers_.Acquire());
  if (group > 0) {
    if (auto g = ledger->GetRunGroup(group); !g.ok()) return ToGrpcStatus(g.status());
  }
  GPULEDGER_ASSIGN_OR_RETURN(runs, ledger->ListRuns(after, size + 1, group));
  for (int i = 0; i < static_cast<int>(runs.size()) && i < size; ++i) {
    *resp->add_runs() = RunToProto(runs[i]);
  }
  if (static_cast<int>(runs.size()) > size)
    resp->set_next_page_token(MakePageToken("runs", req->group(), runs[size - 1].id));
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::GetRun(grpc::ServerContext*, const v1::GetRunRequest* req,
                                       v1::Run* resp) {
  GPULEDGER_ASSIGN_OR_RETURN(id, ParseRunName(req->name(), "name"));
  GPULEDGER_ASSIGN_OR_RETURN(ledger, readers_.Acquire());
  GPULEDGER_ASSIGN_OR_RETURN(run, ledger->GetRun(id));
  *resp = RunToProto(run);
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::ListJobs(grpc::ServerContext*, const v1::ListJobsRequest* req,
                                         v1::ListJobsResponse* resp) {
  GPULEDGER_ASSIGN_OR_RETURN(id, ParseRunName(req->parent(), "parent"));
  GPULEDGER_ASSIGN_OR_RETURN(size, PageSize(req->page_size(), max_page_size_));
  GPULEDGER_ASSIGN_OR_RETURN(offset, PageToken(req->page_token(), "jobs", req->parent()));
  if (offset > std::numeric_limits<int>::max()) {
    return ToGrpcStatus(absl::InvalidArgumentError("page_token: beyond the last job"));
  }
  GPULEDGER_ASSIGN_OR_RETURN(ledger, readers_.Acquire());
  if (auto s = RunExists(*ledger, id); !s.ok()) return ToGrpcStatus(s);
  GPULEDGER_ASSIGN_OR_RETURN(jobs, ledger->ListJobs(id, static_cast<int>(offset), size + 1));
  for (int i = 0; i < static_cast<int>(jobs.size()) && i < size; ++i) {
    *resp->add_jobs() = JobToProto(id, jobs[i]);
  }
  if (static_cast<int>(jobs.size()) > size)
    resp->set_next_page_token(MakePageToken("jobs", req->parent(), offset + size));
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::ListUsage(grpc::ServerContext*, const v1::ListUsageRequest* req,
                                          v1::ListUsageResponse* resp) {
  GPULEDGER_ASSIGN_OR_RETURN(id, ParseRunName(req->parent(), "parent"));
  GPULEDGER_ASSIGN_OR_RETURN(size, PageSize(req->page_size(), max_page_size_));
  // The scope is the run and every filter: a token continues only its own list.
  const std::string scope =
      absl::StrCat(req->parent(), "|", req->job_id(), "|", req->phase(), "|", req->category(), "|",
                   req->start_seconds(), "|", req->end_seconds());
  GPULEDGER_ASSIGN_OR_RETURN(after, PageToken(req->page_token(), "usage", scope));
  if (req->start_seconds() < 0 || req->end_seconds() < 0) {
    return ToGrpcStatus(
        absl::InvalidArgumentError("start_seconds, end_seconds: must not be negative"));
  }
  if (req->end_seconds() != 0 && req->end_seconds() <= req->start_seconds()) {
    return ToGrpcStatus(
        absl::InvalidArgumentError("end_seconds: must be after start_seconds (or 0 for no bound)"));
  }
  GPULEDGER_ASSIGN_OR_RETURN(ledger, readers_.Acquire());
  if (auto s = RunExists(*ledger, id); !s.ok()) return ToGrpcStatus(s);
  // Phases as reports name them ("pretrain"); the plan's spelling
  // ("PRETRAIN") means the same. Unknown phases and categories are refused,
  // not answered with nothing.
  std::string phase = absl::AsciiStrToLower(req->phase());
  if (v1::Phase p; !phase.empty() && (!v1::Phase_Parse(absl::AsciiStrToUpper(phase), &p) ||
                                      p == v1::PHASE_UNSPECIFIED)) {
    std::vector<std::string> names;
    for (int i = 0; i < v1::Phase_descriptor()->value_count(); ++i) {
      if (v1::Phase_descriptor()->value(i)->number() != 0) {
        names.push_back(absl::AsciiStrToLower(v1::Phase_descriptor()->value(i)->name()));
      }
    }
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "phase: unknown phase \"", req->phase(), "\" (one of: ", absl::StrJoin(names, ", "), ")")));
  }
  if (!req->category().empty() &&
      std::find(std::begin(ledger::kCategories), std::end(ledger::kCategories), req->category()) ==
          std::end(ledger::kCategories)) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("category: unknown category \"", req->category(),
                     "\" (one of: ", absl::StrJoin(ledger::kCategories, ", "), ")")));
  }
  ledger::UsageFilter f{req->job_id(), phase, req->category(), req->start_seconds(),
                        req->end_seconds()};
  GPULEDGER_ASSIGN_OR_RETURN(entries, ledger->ListUsage(id, f, after, size + 1));
  for (int i = 0; i < static_cast<int>(entries.size()) && i < size; ++i) {
    *resp->add_entries() = UsageToProto(entries[i]);
  }
  if (static_cast<int>(entries.size()) > size) {
    resp->set_next_page_token(MakePageToken("usage", scope, entries[size - 1].entry_id));
  }
  return grpc::Status::OK;
}

namespace {

// Every column of a run's row, each field's length first (no two rows give
// one stamp): a ledger overwritten in place (same file, another run 1) is
// told apart by any field the report shows, and the metrics fingerprint the
// schedule.
std::string RunStamp(const ledger::RunRecord& r) {
  std::string out;
  for (absl::string_view f :
       {absl::string_view(r.plan_name), absl::string_view(r.plan_source),
        absl::string_view(r.plan_sha256), absl::string_view(r.gpu_model),
        absl::string_view(r.policy), absl::string_view(r.pricing), absl::string_view(r.wall_start),
        absl::string_view(r.wall_end), absl::string_view(r.metrics),
        absl::string_view(r.strategy)}) {
    absl::StrAppend(&out, f.size(), ":", f, "|");
  }
  absl::StrAppend(&out, r.id, "|", r.nodes, "|", r.gpus_per_node, "|",
                  absl::StrFormat("%a", r.gpu_tdp_watts), "|",
                  r.seed, "|", r.sim_start, "|", r.sim_end, "|", ledger::RunStatusName(r.status),
                  "|", r.group_id);
  return out;
}

}  // namespace

grpc::Status LedgerServiceImpl::GetCostReport(grpc::ServerContext*,
                                              const v1::GetCostReportRequest* req,
                                              v1::CostReport* resp) {
  GPULEDGER_ASSIGN_OR_RETURN(id, ParseRunName(req->name(), "name"));
  ledger::GroupBy by = ledger::GroupBy::kJob;
  switch (req->group_by()) {
    case v1::GROUP_BY_UNSPECIFIED:
    case v1::GROUP_BY_JOB:
      by = ledger::GroupBy::kJob;
      break;
    case v1::GROUP_BY_PHASE:
      by = ledger::GroupBy::kPhase;
      break;
    case v1::GROUP_BY_PROJECT:
      by = ledger::GroupBy::kProject;
      break;
    case v1::GROUP_BY_CATEGORY:
      by = ledger::GroupBy::kCategory;
      break;
    case v1::GROUP_BY_DAY:
      by = ledger::GroupBy::kDay;
      break;
    case v1::GROUP_BY_POOL:
      by = ledger::GroupBy::kPool;
      break;
    case v1::GROUP_BY_WEEK:
      by = ledger::GroupBy::kWeek;
      break;
    case v1::GROUP_BY_MONTH:
      by = ledger::GroupBy::kMonth;
      break;
    case v1::GROUP_BY_QUARTER:
      by = ledger::GroupBy::kQuarter;
      break;
    case v1::GROUP_BY_MODEL:
      by = ledger::GroupBy::kModel;
      break;
    default:
      return ToGrpcStatus(
          absl::InvalidArgumentError(absl::StrCat("group_by: unknown value ", req->group_by())));
  }
  if (!v1::CostView_IsValid(req->view())) {
    return ToGrpcStatus(
        absl::InvalidArgumentError(absl::StrCat("view: unknown value ", req->view())));
  }
  const v1::Pricing* override_pricing =
      req->has_pricing_override() ? &req->pricing_override() : nullptr;
  // A run this server is replaying: its running jobs count up to now.
  if (live_ && req->allow_partial()) {
    if (std::optional<absl::StatusOr<report::CostReport>> live = live_(id, by, override_pricing)) {
      if (!live->ok()) return ToGrpcStatus(live->status());
      *resp = ReportToProto(**live, req->view());
      return grpc::Status::OK;
    }
  }
  GPULEDGER_ASSIGN_OR_RETURN(ledger, readers_.Acquire());
  GPULEDGER_ASSIGN_OR_RETURN(
      report, report::BuildCostReport(*ledger, id, by, req->allow_partial(), override_pricing));
  *resp = ReportToProto(report, req->view());
  return grpc::Status::OK;
}

LedgerServiceImpl::~LedgerServiceImpl() { builders_->join(); }

bool LedgerServiceImpl::KeyOf(ledger::Ledger& ledger, const ReaderPool::Return& file,
                              const v1::GetCostReportRequest& req, std::string* key,
                              std::string* stamp) {
  absl::StatusOr<int64_t> id = ParseRunName(req.name(), "name");
  if (!id.ok()) return false;
  absl::StatusOr<ledger::RunRecord> run = ledger.GetRun(*id);
  if (!run.ok() || run->status != ledger::RunStatus::kComplete) return false;
  *key = absl::StrCat(*id, "|", req.group_by(), "|", req.view(), "|", req.allow_partial(), "|",
                      req.has_pricing_override() ? req.pricing_override().SerializeAsString() : "");
  *stamp = absl::StrCat(file.dev, ":", file.ino, "|", RunStamp(*run));
  return true;
}

bool LedgerServiceImpl::Kept(const v1::GetCostReportRequest& req, std::string* key,
                             std::string* stamp, grpc::ByteBuffer* out) {
  absl::StatusOr<ReaderPool::Handle> ledger = readers_.Acquire();
  if (!ledger.ok() || !KeyOf(**ledger, ledger->get_deleter(), req, key, stamp)) {
    key->clear();  // not a complete run's: not kept
    return false;
  }
  return reports_.Find(*key, *stamp, out);
}

grpc::Status LedgerServiceImpl::Answer(const v1::GetCostReportRequest& req, const std::string& key,
                                       std::string stamp, grpc::ByteBuffer* out) {
  v1::CostReport report;
  if (grpc::Status s = GetCostReport(nullptr, &req, &report); !s.ok()) return s;
  bool own = false;
  if (grpc::Status s = grpc::SerializationTraits<v1::CostReport>::Serialize(report, out, &own);
      !s.ok()) {
    return s;
  }
  if (!key.empty()) reports_.Put(key, std::move(stamp), *out);
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetCostReport(grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* request,
                                                           grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto req = std::make_shared<v1::GetCostReportRequest>();
  grpc::ByteBuffer bytes(*request);
  if (grpc::Status s =
          grpc::SerializationTraits<v1::GetCostReportRequest>::Deserialize(&bytes, req.get());
      !s.ok()) {
    reactor->Finish(s);
    return reactor;
  }
  std::string key, stamp;
  if (Kept(*req, &key, &stamp, response)) {
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  // Built with the stamp read before: a file changed meanwhile has another
  // stamp next time, and the answer is built again.
  boost::asio::post(*builders_, [this, req, key = std::move(key), stamp = std::move(stamp),
                                 response, reactor]() mutable {
    reactor->Finish(Answer(*req, key, std::move(stamp), response));
  });
  return reactor;
}

grpc::Status LedgerServiceImpl::GetGroupReport(grpc::ServerContext*,
                                               const v1::GetGroupReportRequest* req,
                                               v1::GroupReport* resp) {
  GPULEDGER_ASSIGN_OR_RETURN(id, ParseGroupName(req->name(), "name"));
  GPULEDGER_ASSIGN_OR_RETURN(ledger, readers_.Acquire());
  GPULEDGER_ASSIGN_OR_RETURN(report, report::BuildGroupReport(*ledger, id));
  *resp = GroupReportToProto(report);
  return grpc::Status::OK;
}

#undef GPULEDGER_ASSIGN_OR_RETURN

}  // namespace gpuledger::server

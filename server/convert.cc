#include "server/convert.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/calendar.h"
#include "google/protobuf/text_format.h"
#include "gpuledger/v1/ledger_service.pb.h"

namespace gpuledger::server {
namespace {

v1::CostRow RowToProto(const report::CostRow& r) {
  v1::CostRow p;
  p.set_group(r.group);
  p.set_gpu_seconds(r.gpu_seconds);
  p.set_rental_micro_usd(r.rental_micro_usd);
  p.set_owned_micro_usd(r.owned_micro_usd);
  p.set_start_seconds(r.first_start);
  p.set_end_seconds(r.last_end);
  return p;
}

report::CostRow RowFromProto(const v1::CostRow& p) {
  return report::CostRow{p.group(),           p.gpu_seconds(),   p.rental_micro_usd(),
                         p.owned_micro_usd(), p.start_seconds(), p.end_seconds()};
}

}  // namespace

std::string RunName(int64_t run_id) { return absl::StrCat("runs/", run_id); }

namespace {

// "{collection}/{id}" with a positive integer id; InvalidArgument naming
// `field` otherwise.
absl::StatusOr<int64_t> ParseName(absl::string_view name, absl::string_view collection,
                                  absl::string_view singular, absl::string_view field) {
  absl::string_view rest = name;
  int64_t id = 0;
  if (!absl::ConsumePrefix(&rest, collection) || !absl::ConsumePrefix(&rest, "/") ||
      !absl::SimpleAtoi(rest, &id) || id <= 0 ||
      rest.find_first_not_of("0123456789") != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": expected \"", collection, "/{",
                                                   singular, "}\" with a positive ", singular,
                                                   " number, got \"", name, "\""));
  }
  return id;
}

}  // namespace

absl::StatusOr<int64_t> ParseRunName(absl::string_view name, absl::string_view field) {
  return ParseName(name, "runs", "run", field);
}

std::string GroupName(int64_t group_id) { return absl::StrCat("groups/", group_id); }

absl::StatusOr<int64_t> ParseGroupName(absl::string_view name, absl::string_view field) {
  return ParseName(name, "groups", "group", field);
}

v1::Run::State StateFromStatus(ledger::RunStatus status) {
  if (status == ledger::RunStatus::kRunning) return v1::Run::RUNNING;
  if (status == ledger::RunStatus::kComplete) return v1::Run::COMPLETE;
  if (status == ledger::RunStatus::kFailed) return v1::Run::FAILED;
  if (status == ledger::RunStatus::kCancelled) return v1::Run::CANCELLED;
  if (status == ledger::RunStatus::kAbandoned) return v1::Run::ABANDONED;
  return v1::Run::STATE_UNSPECIFIED;
}

v1::Run RunToProto(const ledger::RunRecord& r) {
  v1::Run p;
  p.set_name(RunName(r.id));
  p.set_plan_name(r.plan_name);
  p.set_plan_source(r.plan_source);
  p.set_plan_sha256(r.plan_sha256);
  p.set_gpu_model(r.gpu_model);
  p.set_nodes(r.nodes);
  p.set_gpus_per_node(r.gpus_per_node);
  p.set_gpus(r.total_gpus());
  p.set_gpu_tdp_watts(r.gpu_tdp_watts);
  p.set_policy(r.policy);
  p.set_seed(r.seed);
  google::protobuf::TextFormat::ParseFromString(r.pricing, p.mutable_pricing());
  p.set_wall_start(r.wall_start);
  p.set_wall_end(r.wall_end);
  p.set_sim_start_seconds(r.sim_start);
  p.set_sim_end_seconds(r.sim_end);
  p.set_state(StateFromStatus(r.status));
  google::protobuf::TextFormat::ParseFromString(r.metrics, p.mutable_metrics());
  if (r.group_id > 0) p.set_group(GroupName(r.group_id));
  p.set_strategy(r.strategy);
  if (r.start_utc) p.set_start_date(base::FormatUtc(*r.start_utc));
  return p;
}

v1::GroupReport GroupReportToProto(const report::GroupReport& r) {
  v1::GroupReport p;
  p.set_name(GroupName(r.group.id));
  p.set_plan_name(r.group.plan_name);
  p.set_plan_sha256(r.group.plan_sha256);
  p.set_policy(r.group.policy);
  p.set_first_seed(r.group.first_seed);
  p.set_seeds(r.group.seeds);
  p.set_created(r.group.created);
  p.set_interruption_window_days(r.interruption_window_days);
  for (const ledger::RunRecord& run : r.runs) *p.add_runs() = RunToProto(run);
  for (const report::GroupStat& s : r.stats) {
    v1::GroupStat* q = p.add_stats();
    q->set_name(s.name);
    q->set_mean(s.mean);
    q->set_p5(s.p5);
    q->set_p95(s.p95);
  }
  return p;
}

report::GroupReport GroupReportFromProto(const v1::GroupReport& p) {
  report::GroupReport r;
  absl::StatusOr<int64_t> id = ParseGroupName(p.name(), "name");
  r.group.id = id.ok() ? *id : 0;
  r.group.plan_name = p.plan_name();
  r.group.plan_sha256 = p.plan_sha256();
  r.group.policy = p.policy();
  r.group.first_seed = p.first_seed();
  r.group.seeds = p.seeds();
  r.group.created = p.created();
  r.interruption_window_days = p.interruption_window_days();
  for (const v1::Run& run : p.runs()) r.runs.push_back(RunFromProto(run));
  for (const v1::GroupStat& s : p.stats()) r.stats.push_back({s.name(), s.mean(), s.p5(), s.p95()});
  return r;
}

ledger::RunRecord RunFromProto(const v1::Run& p) {
  ledger::RunRecord r;
  absl::string_view id = p.name();
  absl::ConsumePrefix(&id, "runs/");
  if (!absl::SimpleAtoi(id, &r.id)) r.id = 0;
  r.plan_name = p.plan_name();
  r.plan_source = p.plan_source();
  r.plan_sha256 = p.plan_sha256();
  r.gpu_model = p.gpu_model();
  r.nodes = p.nodes();
  r.gpus_per_node = p.gpus_per_node();
  r.gpu_tdp_watts = p.gpu_tdp_watts();
  r.policy = p.policy();
  r.seed = p.seed();
  google::protobuf::TextFormat::PrintToString(p.pricing(), &r.pricing);
  r.wall_start = p.wall_start();
  r.wall_end = p.wall_end();
  r.sim_start = p.sim_start_seconds();
  r.sim_end = p.sim_end_seconds();
  r.strategy = p.strategy();
  if (!p.start_date().empty()) {
    absl::StatusOr<int64_t> start = base::ParseUtc(p.start_date());
    if (start.ok()) r.start_utc = *start;
  }
  switch (p.state()) {
    case v1::Run::RUNNING:
      r.status = ledger::RunStatus::kRunning;
      break;
    case v1::Run::COMPLETE:
      r.status = ledger::RunStatus::kComplete;
      break;
    case v1::Run::FAILED:
      r.status = ledger::RunStatus::kFailed;
      break;
    case v1::Run::CANCELLED:
      r.status = ledger::RunStatus::kCancelled;
      break;
    case v1::Run::ABANDONED:
      r.status = ledger::RunStatus::kAbandoned;
      break;
    // A state this client does not know: not complete, so never counted.
    default:
      r.status = ledger::RunStatus::kRunning;
  }
  if (p.has_metrics()) google::protobuf::TextFormat::PrintToString(p.metrics(), &r.metrics);
  if (!p.group().empty()) {
    absl::StatusOr<int64_t> g = ParseGroupName(p.group(), "group");
    r.group_id = g.ok() ? *g : 0;
  }
  return r;
}

v1::RunJob JobToProto(int64_t run_id, const ledger::JobRecord& j) {
  v1::RunJob p;
  p.set_name(absl::StrCat(RunName(run_id), "/jobs/", j.job_id));
  p.set_job_id(j.job_id);
  p.set_phase(j.phase);
  p.set_project(j.project);
  p.set_gpus(j.gpus);
  p.set_priority(j.priority);
  p.set_submit_seconds(j.submit);
  p.set_run_seconds(j.run_seconds);
  p.set_start_seconds(j.started);
  p.set_end_seconds(j.ended);
  return p;
}

v1::UsageEntry UsageToProto(const ledger::UsageRecord& u) {
  v1::UsageEntry p;
  p.set_entry_id(u.entry_id);
  p.set_job_id(u.job_id);
  p.set_phase(u.phase);
  p.set_category(u.category);
  p.set_start_seconds(u.start);
  p.set_end_seconds(u.end);
  p.set_gpus(u.gpus);
  p.set_gpu_seconds(u.gpu_seconds);
  return p;
}

namespace {

void RatesToProto(const pricing::Rates& r, v1::CostRates* p) {
  p->set_rental_nano_usd_per_gpu_hour(r.rental);
  if (r.rental_list != r.rental) p->set_rental_list_nano_usd_per_gpu_hour(r.rental_list);
  p->set_owned_depreciation_nano_usd_per_gpu_hour(r.owned_depreciation);
  p->set_owned_operations_nano_usd_per_gpu_hour(r.owned_operations);
  p->set_owned_financing_nano_usd_per_gpu_hour(r.owned_financing);
  p->set_owned_busy_energy_nano_usd_per_gpu_hour(r.owned_busy_energy);
  p->set_owned_idle_energy_nano_usd_per_gpu_hour(r.owned_idle_energy);
  p->set_reserved_nano_usd_per_gpu_hour(r.reserved);
}

pricing::Rates RatesFromProto(const v1::CostRates& p) {
  pricing::Rates r;
  r.rental = p.rental_nano_usd_per_gpu_hour();
  r.rental_list = p.has_rental_list_nano_usd_per_gpu_hour()
                      ? p.rental_list_nano_usd_per_gpu_hour()
                      : r.rental;
  r.owned_depreciation = p.owned_depreciation_nano_usd_per_gpu_hour();
  r.owned_operations = p.owned_operations_nano_usd_per_gpu_hour();
  r.owned_financing = p.owned_financing_nano_usd_per_gpu_hour();
  r.owned_busy_energy = p.owned_busy_energy_nano_usd_per_gpu_hour();
  r.owned_idle_energy = p.owned_idle_energy_nano_usd_per_gpu_hour();
  r.reserved = p.reserved_nano_usd_per_gpu_hour();
  return r;
}

}  // namespace

v1::CostReport ReportToProto(const report::CostReport& r, v1::CostView view) {
  v1::CostReport p;
  *p.mutable_run() = RunToProto(r.run);
  p.set_group_by(ledger::GroupByName(r.group_by));
  p.set_view(view == v1::COST_VIEW_UNSPECIFIED ? v1::COST_VIEW_BOTH : view);
  for (const report::CostRow& row : r.rows) *p.add_rows() = RowToProto(row);
  *p.mutable_jobs_total() = RowToProto(r.jobs_total);
  *p.mutable_total() = RowToProto(r.total);
  RatesToProto(r.rates, p.mutable_rates());
  for (const pricing::PriceSegment& s : r.segments) {
    v1::PriceSegment* q = p.add_price_segments();
    q->set_start_seconds(s.start);
    q->set_end_seconds(s.end);
    RatesToProto(s.rates, q->mutable_rates());
  }
  p.set_capital_micro_usd(r.capital_micro_usd);
  p.set_window_seconds(r.window_seconds);
  p.set_busy_gpu_seconds(r.busy_gpu_seconds);
  p.set_idle_gpu_seconds(r.idle_gpu_seconds);
  p.set_down_gpu_seconds(r.down_gpu_seconds);
  p.set_jobs(r.jobs);
  p.set_committed_pool(ledger::PoolName(r.committed));
  p.set_on_demand_gpu_seconds(r.on_demand_gpu_seconds);
  p.set_on_demand_micro_usd(r.on_demand_micro_usd);
  for (const report::CostReport::PoolLine& l : r.pools) {
    v1::PoolCost* q = p.add_pools();
    q->set_name(l.pool.name);
    q->set_gpu_model(l.pool.gpu_model);
    q->set_nodes(l.pool.nodes);
    q->set_gpus_per_node(l.pool.gpus_per_node);
    q->set_gpu_tdp_watts(l.pool.gpu_tdp_watts);
    q->set_available_from_seconds(l.pool.available_from);
    q->set_retired_at_seconds(l.pool.retired_at);
    RatesToProto(l.rates, q->mutable_rates());
    q->set_prices_move(l.moving);
    q->set_capital_micro_usd(l.capital_micro_usd);
    q->set_busy_gpu_seconds(l.busy_gpu_seconds);
    q->set_idle_gpu_seconds(l.idle_gpu_seconds);
    q->set_down_gpu_seconds(l.down_gpu_seconds);
    q->set_rental_micro_usd(l.rental_micro_usd);
    q->set_owned_micro_usd(l.owned_micro_usd);
    q->set_capacity(ledger::PoolName(l.pool.capacity));
  }
  return p;
}

report::CostReport ReportFromProto(const v1::CostReport& p) {
  report::CostReport r;
  r.run = RunFromProto(p.run());
  ledger::ParseGroupBy(p.group_by(), &r.group_by);  // only ever written from GroupByName
  for (const auto& row : p.rows()) r.rows.push_back(RowFromProto(row));
  r.jobs_total = RowFromProto(p.jobs_total());
  r.total = RowFromProto(p.total());
  r.rates = RatesFromProto(p.rates());
  for (const v1::PriceSegment& s : p.price_segments()) {
    pricing::PriceSegment seg;  // its pricing stays empty: the rates are what reports show
    seg.start = s.start_seconds();
    seg.end = s.end_seconds();
    seg.rates = RatesFromProto(s.rates());
    r.segments.push_back(std::move(seg));
  }
  r.capital_micro_usd = p.capital_micro_usd();
  r.window_seconds = p.window_seconds();
  r.busy_gpu_seconds = p.busy_gpu_seconds();
  r.idle_gpu_seconds = p.idle_gpu_seconds();
  r.down_gpu_seconds = p.down_gpu_seconds();
  r.jobs = p.jobs();
  r.strategy = !r.run.strategy.empty();
  ledger::ParsePool(p.committed_pool(), &r.committed);  // none for an unknown name
  r.on_demand_gpu_seconds = p.on_demand_gpu_seconds();
  r.on_demand_micro_usd = p.on_demand_micro_usd();
  for (const v1::PoolCost& q : p.pools()) {
    report::CostReport::PoolLine l;
    l.pool = {q.name(), q.gpu_model(), q.nodes(), q.gpus_per_node(), q.gpu_tdp_watts(),
              q.available_from_seconds(), q.retired_at_seconds()};
    ledger::ParsePool(q.capacity(), &l.pool.capacity);  // none for an unknown name
    l.rates = RatesFromProto(q.rates());
    l.moving = q.prices_move();
    l.capital_micro_usd = q.capital_micro_usd();
    l.busy_gpu_seconds = q.busy_gpu_seconds();
    l.idle_gpu_seconds = q.idle_gpu_seconds();
    l.down_gpu_seconds = q.down_gpu_seconds();
    l.rental_micro_usd = q.rental_micro_usd();
    l.owned_micro_usd = q.owned_micro_usd();
    r.run.pools.push_back(l.pool);
    r.pools.push_back(std::move(l));
  }
  return r;
}

}  // namespace gpuledger::server

#include "traces/failures.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "traces/textproto.h"

namespace gpuledger::traces {
namespace {

namespace pb = google::protobuf;

absl::Status CheckObserved(const v1::FailureModelSpec& m, absl::string_view field,
                           const pb::TextFormat::ParseInfoTree* tree, const Locator& loc,
                           absl::string_view fallback, absl::string_view prefix) {
  const v1::ObservedRate& r = field == "planned" ? m.planned() : m.unexpected();
  if (r.interruptions() < 0 || r.gpus() <= 0 || !(r.days() > 0) || !std::isfinite(r.days())) {
    return absl::InvalidArgumentError(
        absl::StrCat(loc.At(tree, m, field, -1, fallback), ": field ", prefix, field,
                     ": interruptions must not be negative, gpus and days must be positive"));
  }
  return absl::OkStatus();
}

}  // namespace

double PerGpuHour(const v1::ObservedRate& r) {
  if (r.gpus() <= 0 || !(r.days() > 0)) return 0;
  return static_cast<double>(r.interruptions()) / (static_cast<double>(r.gpus()) * r.days() * 24.0);
}

absl::Status CheckFailureModel(const v1::FailureModelSpec& m,
                               const pb::TextFormat::ParseInfoTree* tree, const Locator& loc,
                               absl::string_view fallback, absl::string_view prefix) {
  if (auto s = CheckObserved(m, "unexpected", tree, loc, fallback, prefix); !s.ok()) return s;
  if (m.has_planned()) {
    if (auto s = CheckObserved(m, "planned", tree, loc, fallback, prefix); !s.ok()) return s;
  }
  int64_t counted = 0;
  for (int i = 0; i < m.causes_size(); ++i) {
    const auto& c = m.causes(i);
    if (c.count() < 0 || !(c.repair_hours() >= 0) || !std::isfinite(c.repair_hours())) {
      return absl::InvalidArgumentError(absl::StrCat(
          loc.At(tree, m, "causes", i, fallback), ": field ", prefix, "causes: cause \"", c.name(),
          "\": count and repair_hours must not be negative"));
    }
    counted += c.count();
  }
  if (m.unexpected().interruptions() > 0 && counted == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(fallback, ": field ", prefix, "causes: give at least one cause with a count"));
  }
  for (const char* field : {"planned_repair_hours", "restart_overhead_minutes"}) {
    const double v = std::string(field) == "planned_repair_hours" ? m.planned_repair_hours()
                                                                  : m.restart_overhead_minutes();
    if (!(v >= 0) || !std::isfinite(v)) {
      return absl::InvalidArgumentError(absl::StrCat(loc.At(tree, m, field, -1, fallback),
                                                     ": field ", prefix, field,
                                                     " must not be negative"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::FailureModelSpec> LoadFailureModelText(absl::string_view text,
                                                          absl::string_view source) {
  v1::FailureModelSpec m;
  pb::TextFormat::ParseInfoTree tree;
  if (absl::Status s = ParseText(text, source, &m, &tree); !s.ok()) return s;
  const Locator loc{std::string(source)};
  if (auto s = CheckFailureModel(m, &tree, loc, source, ""); !s.ok()) return s;
  return m;
}

absl::StatusOr<v1::FailureModelSpec> LoadFailureModelFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read failure model"));
  std::ostringstream text;
  text << in.rdbuf();
  return LoadFailureModelText(text.str(), path);
}

absl::StatusOr<v1::FailureModelSpec> ResolveFailureModel(absl::string_view reference,
                                                         absl::string_view plan_dir) {
  absl::StatusOr<DataText> d =
      ReadDataText(reference, BuiltinFailureModels(), "failures", "failure model", plan_dir);
  if (!d.ok()) return d.status();
  return LoadFailureModelText(d->text, d->source);
}

}  // namespace gpuledger::traces

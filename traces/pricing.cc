#include "traces/pricing.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "pricing/curve.h"
#include "pricing/rates.h"
#include "traces/plan.h"
#include "traces/textproto.h"

namespace gpuledger::traces {
namespace {

absl::StatusOr<v1::Pricing> ParseProfile(absl::string_view text, absl::string_view source,
                                         bool from_file) {
  v1::Pricing profile;
  google::protobuf::TextFormat::ParseInfoTree tree;
  if (absl::Status s = ParseText(text, source, &profile, &tree); !s.ok()) return s;
  if (from_file) {
    const size_t slash = source.find_last_of('/');
    const absl::string_view dir = slash == absl::string_view::npos ? "" : source.substr(0, slash);
    if (absl::Status s = ReadPriceCurveFiles(&profile, dir, ""); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat(source, ": ", s.message()));
    }
  }
  v1::Pricing merged = BuiltinDefaults().pricing();
  pricing::MergePricing(profile, &merged);
  if (absl::Status s = pricing::ValidatePricing(merged, ""); !s.ok()) {
    // Point at the bad field (or the deepest block of it the file wrote).
    const Locator loc{std::string(source)};
    const std::string at = loc.AtPath(&tree, profile, Locator::FieldOf(s.message()), source);
    return absl::InvalidArgumentError(absl::StrCat(at, ": ", s.message()));
  }
  return profile;
}

}  // namespace

absl::Status ReadPriceCurveFiles(v1::Pricing* pricing, absl::string_view base_dir,
                                 absl::string_view prefix) {
  for (auto [field, curve, lo, hi] : pricing::SetCurves(pricing)) {
    if (curve->csv().empty()) continue;
    std::string path = curve->csv();
    if (!base_dir.empty() && path.front() != '/') path = absl::StrCat(base_dir, "/", path);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return absl::NotFoundError(absl::StrCat("field ", prefix, field, ".csv: ", path,
                                              ": cannot read price points: ", std::strerror(errno)));
    }
    std::ostringstream text;
    text << in.rdbuf();
    absl::StatusOr<std::vector<v1::PriceCurve::Point>> points =
        pricing::ParsePriceCsv(text.str(), path, lo, hi);
    if (!points.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("field ", prefix, field, ".csv: ", points.status().message()));
    }
    curve->clear_points();
    for (v1::PriceCurve::Point& p : *points) *curve->add_points() = std::move(p);
    curve->clear_csv();
  }
  return absl::OkStatus();
}

std::vector<std::string> PricingProfileNames() {
  std::vector<std::string> names;
  for (const EmbeddedFile& f : BuiltinPricingProfiles()) names.push_back(f.name);
  return names;
}

absl::StatusOr<v1::Pricing> LoadPricingProfile(absl::string_view reference) {
  absl::StatusOr<DataText> d =
      ReadDataText(reference, BuiltinPricingProfiles(), "pricing", "pricing profile");
  if (!d.ok()) return d.status();
  return ParseProfile(d->text, d->source, IsFileReference(reference));
}

}  // namespace gpuledger::traces

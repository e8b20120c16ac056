#include "traces/pricing.h"

#include "absl/strings/str_cat.h"
#include "pricing/rates.h"
#include "traces/plan.h"
#include "traces/textproto.h"

namespace gpuledger::traces {
namespace {

absl::StatusOr<v1::Pricing> ParseProfile(absl::string_view text, absl::string_view source) {
  v1::Pricing profile;
  google::protobuf::TextFormat::ParseInfoTree tree;
  if (absl::Status s = ParseText(text, source, &profile, &tree); !s.ok()) return s;
  v1::Pricing merged = BuiltinDefaults().pricing();
  merged.MergeFrom(profile);
  if (absl::Status s = pricing::ValidatePricing(merged, ""); !s.ok()) {
    // Point at the bad field (or the deepest block of it the file wrote).
    const Locator loc{std::string(source)};
    const std::string at = loc.AtPath(&tree, profile, Locator::FieldOf(s.message()), source);
    return absl::InvalidArgumentError(absl::StrCat(at, ": ", s.message()));
  }
  return profile;
}

}  // namespace

std::vector<std::string> PricingProfileNames() {
  std::vector<std::string> names;
  for (const EmbeddedFile& f : BuiltinPricingProfiles()) names.push_back(f.name);
  return names;
}

absl::StatusOr<v1::Pricing> LoadPricingProfile(absl::string_view reference) {
  absl::StatusOr<DataText> d =
      ReadDataText(reference, BuiltinPricingProfiles(), "pricing", "pricing profile");
  if (!d.ok()) return d.status();
  return ParseProfile(d->text, d->source);
}

}  // namespace gpuledger::traces

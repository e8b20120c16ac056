#include "traces/pricing.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/cost.h"
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
  if (absl::Status s = ledger::ValidatePricing(merged, ""); !s.ok()) {
    // Point at the block the bad field is in.
    const Locator loc{std::string(source)};
    std::string at = std::string(source);
    for (const char* block : {"rental", "owned", "reserved"}) {
      if (absl::StrContains(s.message(), absl::StrCat(" ", block, "."))) {
        at = loc.At(&tree, profile, block, -1, source);
      }
    }
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
  if (reference.find('/') != absl::string_view::npos || absl::EndsWith(reference, ".textproto")) {
    std::ifstream in{std::string(reference), std::ios::binary};
    if (!in) return absl::NotFoundError(absl::StrCat(reference, ": cannot read pricing profile"));
    std::ostringstream text;
    text << in.rdbuf();
    return ParseProfile(text.str(), reference);
  }
  for (const EmbeddedFile& f : BuiltinPricingProfiles()) {
    if (reference == f.name) {
      return ParseProfile(f.text, absl::StrCat("traces/pricing/", f.name, ".textproto"));
    }
  }
  return absl::NotFoundError(absl::StrCat("unknown pricing profile \"", reference, "\" (shipped: ",
                                          absl::StrJoin(PricingProfileNames(), ", "),
                                          "; or give a path to a .textproto file)"));
}

}  // namespace gpuledger::traces

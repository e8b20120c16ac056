#include "traces/strategies.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "traces/textproto.h"

namespace gpuledger::traces {

namespace pb = google::protobuf;
namespace v1 = gpuledger::v1;

std::string StrategyPlace::Field(absl::string_view field) const {
  if (field.empty()) return at;
  if (request) return absl::StrCat(at, ".", field);
  // A field not written ("pools[1].capacity" left out) is placed at what
  // holds it ("pools[1]"), else at the strategy.
  for (std::string f(field);;) {
    if (auto it = fields.find(f); it != fields.end()) return it->second;
    const size_t dot = f.rfind('.');
    if (dot == std::string::npos) return at;
    f.resize(dot);
  }
}

absl::StatusOr<std::vector<v1::Strategy>> LoadStrategies(const std::string& path,
                                                         std::vector<StrategyPlace>* where) {
  std::string text, source;
  if (path.empty()) {
    for (const EmbeddedFile& f : BuiltinStrategySets()) {
      if (std::string(f.name) == "default") text = f.text;
    }
    source = "traces/strategies/default.textproto";
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read strategies"));
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    source = path;
  }
  v1::StrategySet set;
  pb::TextFormat::ParseInfoTree tree;
  if (absl::Status s = ParseText(text, source, &set, &tree); !s.ok()) return s;
  if (set.strategies().empty()) return absl::InvalidArgumentError(source + ": no strategies");
  if (where != nullptr) {
    const Locator loc{source};
    where->clear();
    const pb::FieldDescriptor* list = v1::StrategySet::descriptor()->FindFieldByName("strategies");
    for (int i = 0; i < set.strategies_size(); ++i) {
      StrategyPlace place{loc.At(&tree, set, "strategies", i, source)};
      const auto* st = tree.GetTreeForNested(list, i);
      const pb::Descriptor* d = v1::Strategy::descriptor();
      for (int f = 0; f < d->field_count(); ++f) {
        if (d->field(f)->is_repeated()) continue;  // pools: below
        const std::string here = loc.At(st, set.strategies(i), d->field(f)->name(), -1, "");
        if (here != source) place.fields[d->field(f)->name()] = here;
      }
      // A fleet's pools: each one ("pools[J]") and its fields ("pools[J].gpu").
      const pb::FieldDescriptor* pools = d->FindFieldByName("pools");
      const pb::Descriptor* pd = v1::StrategyPool::descriptor();
      for (int j = 0; j < set.strategies(i).pools_size(); ++j) {
        const std::string pool = absl::StrCat("pools[", j, "]");
        const std::string here = loc.At(st, set.strategies(i), "pools", j, "");
        if (here != source && !here.empty()) {
          place.fields[pool] = here;
          if (j == 0) place.fields["pools"] = here;
        }
        const auto* pt = st == nullptr ? nullptr : st->GetTreeForNested(pools, j);
        for (int f = 0; f < pd->field_count(); ++f) {
          const std::string at =
              loc.At(pt, set.strategies(i).pools(j), pd->field(f)->name(), -1, "");
          if (at != source && !at.empty()) place.fields[pool + "." + pd->field(f)->name()] = at;
        }
      }
      where->push_back(std::move(place));
    }
  }
  return std::vector<v1::Strategy>(set.strategies().begin(), set.strategies().end());
}

bool IsProfileFile(absl::string_view reference) { return IsFileReference(reference); }

}  // namespace gpuledger::traces

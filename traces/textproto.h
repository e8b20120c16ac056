// Reading protobuf text format with the first error's position: shared by
// the loaders in traces/. Internal to traces/.
#ifndef GPULEDGER_TRACES_TEXTPROTO_H_
#define GPULEDGER_TRACES_TEXTPROTO_H_

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "gpuledger/v1/plan.pb.h"

namespace gpuledger::traces {

// A data file compiled into the binary, by file stem.
struct EmbeddedFile {
  const char* name;  // "llama3"
  const char* text;
};
// traces/failures/*.textproto and traces/pricing/*.textproto.
const std::vector<EmbeddedFile>& BuiltinFailureModels();
const std::vector<EmbeddedFile>& BuiltinPricingProfiles();
const std::vector<EmbeddedFile>& BuiltinStrategySets();      // traces/strategies/
const std::vector<EmbeddedFile>& BuiltinGeneratorPresets();  // traces/presets/

// A reference to a data file is a path if it has a '/' or ends in
// ".textproto", else the name of a shipped file.
inline bool IsFileReference(absl::string_view reference) {
  return reference.find('/') != absl::string_view::npos || absl::EndsWith(reference, ".textproto");
}

struct DataText {
  std::string text;
  std::string source;  // the path, or "traces/DIR/NAME.textproto"
};

// The text `reference` names: a file (relative to `base_dir` unless
// absolute), or the shipped file of that name among `files` (from
// traces/`dir`/). NotFound: "PATH: cannot read WHAT", or "unknown WHAT "X"
// (shipped: ...; or give a path to a .textproto file)".
inline absl::StatusOr<DataText> ReadDataText(absl::string_view reference,
                                             const std::vector<EmbeddedFile>& files,
                                             absl::string_view dir, absl::string_view what,
                                             absl::string_view base_dir = "") {
  if (IsFileReference(reference)) {
    std::string path(reference);
    if (!base_dir.empty() && path.front() != '/') path = absl::StrCat(base_dir, "/", reference);
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read ", what));
    std::ostringstream text;
    text << in.rdbuf();
    return DataText{text.str(), path};
  }
  std::vector<std::string> known;
  for (const EmbeddedFile& f : files) {
    if (reference == f.name)
      return DataText{f.text, absl::StrCat("traces/", dir, "/", f.name, ".textproto")};
    known.push_back(f.name);
  }
  return absl::NotFoundError(absl::StrCat("unknown ", what, " \"", reference,
                                          "\" (shipped: ", absl::StrJoin(known, ", "),
                                          "; or give a path to a .textproto file)"));
}

// Collects the first parse error with its position (1-based).
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (message_.empty()) {
      message_ = absl::StrCat(line + 1, ":", column + 1, ": ", message);
    }
  }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

// The values of the enum field `field` anywhere in `d` or the messages it
// holds ("" if there is none): "PRETRAIN, CONTEXT_EXTENSION, ...".
inline std::string EnumValuesOf(const google::protobuf::Descriptor* d, absl::string_view field,
                                std::vector<const google::protobuf::Descriptor*>* seen) {
  if (std::find(seen->begin(), seen->end(), d) != seen->end()) return "";
  seen->push_back(d);
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (f->name() == field && f->enum_type() != nullptr) {
      std::vector<std::string> names;
      for (int v = 0; v < f->enum_type()->value_count(); ++v) {
        const google::protobuf::EnumValueDescriptor* e = f->enum_type()->value(v);
        if (e->number() != 0) names.push_back(e->name());  // 0 is "unspecified"
      }
      return absl::StrJoin(names, ", ");
    }
    if (f->message_type() != nullptr) {
      std::string found = EnumValuesOf(f->message_type(), field, seen);
      if (!found.empty()) return found;
    }
  }
  return "";
}

template <typename Message>
inline absl::Status ParseText(absl::string_view text, absl::string_view source, Message* out,
                              google::protobuf::TextFormat::ParseInfoTree* tree) {
  FirstError errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(tree);
  if (!parser.ParseFromString(std::string(text), out)) {
    std::string message = errors.message();
    // An unknown enum value: say which values there are (names are upper
    // case, as in the schema).
    const std::string kField = "\" for field \"";
    if (const size_t at = message.find(kField);
        absl::StrContains(message, "Unknown enumeration value") && at != std::string::npos) {
      const size_t from = at + kField.size();
      const std::string field = message.substr(from, message.find('"', from) - from);
      std::vector<const google::protobuf::Descriptor*> seen;
      const std::string values = EnumValuesOf(Message::descriptor(), field, &seen);
      if (!values.empty()) {
        if (!message.empty() && message.back() == '.') message.pop_back();
        absl::StrAppend(&message, " (one of: ", values, ")");
      }
    }
    return absl::InvalidArgumentError(absl::StrCat(source, ":", message));
  }
  return absl::OkStatus();
}

// Formats "SOURCE:LINE:COL" for a field recorded in `tree`, or falls back to
// `fallback` (usually the enclosing message's position) when it is absent.
class Locator {
 public:
  explicit Locator(std::string source) : source_(std::move(source)) {}

  std::string At(const google::protobuf::TextFormat::ParseInfoTree* tree,
                 const google::protobuf::Message& msg, absl::string_view field, int index,
                 absl::string_view fallback) const {
    if (tree != nullptr) {
      const google::protobuf::FieldDescriptor* f =
          msg.GetDescriptor()->FindFieldByName(std::string(field));
      if (f != nullptr) {
        google::protobuf::TextFormat::ParseLocation loc = tree->GetLocation(f, index);
        if (loc.line >= 0) {
          return absl::StrCat(source_, ":", loc.line + 1, ":", loc.column + 1);
        }
      }
    }
    return std::string(fallback.empty() ? absl::string_view(source_) : fallback);
  }

  // As At, for a dotted path of singular fields ("pricing.owned.pue"): the
  // deepest field of the path the file wrote, else `fallback`.
  std::string AtPath(const google::protobuf::TextFormat::ParseInfoTree* tree,
                     const google::protobuf::Message& msg, absl::string_view path,
                     absl::string_view fallback) const {
    std::string best(fallback.empty() ? absl::string_view(source_) : fallback);
    const google::protobuf::Message* m = &msg;
    for (absl::string_view part : absl::StrSplit(path, '.')) {
      if (tree == nullptr || m == nullptr) break;
      const google::protobuf::FieldDescriptor* f =
          m->GetDescriptor()->FindFieldByName(std::string(part));
      if (f == nullptr || f->is_repeated()) break;
      best = At(tree, *m, part, -1, best);
      if (f->message_type() == nullptr) break;
      tree = tree->GetTreeForNested(f, -1);
      m = &m->GetReflection()->GetMessage(*m, f);
    }
    return best;
  }

  // The field path a validation message names: "field pricing.owned.pue
  // must ..." gives "pricing.owned.pue" ("" if it names none).
  static std::string FieldOf(absl::string_view message) {
    const size_t at = message.find("field ");
    if (at == absl::string_view::npos) return "";
    absl::string_view rest = message.substr(at + 6);
    return std::string(rest.substr(0, rest.find_first_of(" :")));
  }

  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

// Checks a failure model's values (traces/failures.cc), for the loaders of
// failure models and of plans that hold one. Messages start with the
// position of the field in `tree` (may be null), else `fallback`, and name
// fields with `prefix` ("cluster.failures." for a model inside a plan).
absl::Status CheckFailureModel(const gpuledger::v1::FailureModelSpec& model,
                               const google::protobuf::TextFormat::ParseInfoTree* tree,
                               const Locator& loc, absl::string_view fallback,
                               absl::string_view prefix);

}  // namespace gpuledger::traces

#endif  // GPULEDGER_TRACES_TEXTPROTO_H_

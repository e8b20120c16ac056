// Reading protobuf text format with the first error's position: shared by
// the loaders in traces/. Internal to traces/.
#ifndef GPULEDGER_TRACES_TEXTPROTO_H_
#define GPULEDGER_TRACES_TEXTPROTO_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace gpuledger::traces {

// A data file compiled into the binary, by file stem.
struct EmbeddedFile {
  const char* name;  // "llama3"
  const char* text;
};
// traces/failures/*.textproto and traces/pricing/*.textproto.
const std::vector<EmbeddedFile>& BuiltinFailureModels();
const std::vector<EmbeddedFile>& BuiltinPricingProfiles();
const std::vector<EmbeddedFile>& BuiltinStrategySets();  // traces/strategies/
const std::vector<EmbeddedFile>& BuiltinGeneratorPresets();  // traces/presets/

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

template <typename Message>
inline absl::Status ParseText(absl::string_view text, absl::string_view source, Message* out,
                              google::protobuf::TextFormat::ParseInfoTree* tree) {
  FirstError errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(tree);
  if (!parser.ParseFromString(std::string(text), out)) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ":", errors.message()));
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

  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

}  // namespace gpuledger::traces

#endif  // GPULEDGER_TRACES_TEXTPROTO_H_

// What the HTML report writes its chart specs with: JSON text that can stand
// inside an HTML <script> element as it is.
#ifndef GPULEDGER_WEB_JSON_H_
#define GPULEDGER_WEB_JSON_H_

#include <string>

#include "absl/strings/string_view.h"

namespace gpuledger::web {

// `s` as a JSON string, quotes included; besides what JSON asks, <, > and &
// are written as \u escapes so no text closes the script element.
std::string JsonString(absl::string_view s);
// `v` as a JSON number in the shortest form that reads back as `v`; null
// for a value JSON cannot hold (infinite, NaN).
std::string JsonNumber(double v);

// `s` with &, <, > and " as HTML entities, for text and attribute values.
std::string HtmlEscape(absl::string_view s);

}  // namespace gpuledger::web

#endif  // GPULEDGER_WEB_JSON_H_

// What every page of web/ is made of: the document around a body (the
// embedded charting library, the page's style and script), headline
// figures, charts and small JSON pieces. Internal to web/.
#ifndef GPULEDGER_WEB_PAGE_PARTS_H_
#define GPULEDGER_WEB_PAGE_PARTS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "web/page.h"

namespace gpuledger::web {

// The Vega-Lite version the specs are written for (the spec's $schema; read
// by vega-embed, never fetched).
inline constexpr absl::string_view kSchema =
    R"("$schema":"https://vega.github.io/schema/vega-lite/v5.json")";

// The whole page: `body` (HTML) in web/page.html with the embedded files.
std::string Document(absl::string_view title, absl::string_view body,
                     const PageContext& context = {});

// A headline figure: its label, its text as the table report prints it,
// where there is one the exact value it is rounded from (data-exact), and a
// line under it (`detail`, shown as it is).
std::string Figure(absl::string_view name, absl::string_view label, absl::string_view text,
                   absl::string_view exact = "", absl::string_view detail = "");

// A chart: its box (id "chart-ID") and its Vega-Lite spec beside it.
std::string Chart(absl::string_view id, const std::string& spec);

// ["a","b",...] of strings.
std::string StringList(const std::vector<std::string>& v);
// PREFIX0, PREFIX1, ... for n fields (fold transforms).
std::vector<std::string> Keys(const char* prefix, size_t n);
// Inline rows {key, series, order} naming folded fields.
std::string KeyNames(const std::vector<std::string>& keys, const std::vector<std::string>& names);

}  // namespace gpuledger::web

#endif  // GPULEDGER_WEB_PAGE_PARTS_H_

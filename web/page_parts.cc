#include "web/page_parts.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "web/json.h"

// The embedded files (web/CMakeLists.txt, assets.S).
#define GPULEDGER_ASSET(name)                          \
  extern "C" const char gpuledger_asset_##name[];     \
  extern "C" const char gpuledger_asset_##name##_end[];
GPULEDGER_ASSET(vega_js)
GPULEDGER_ASSET(vega_lite_js)
GPULEDGER_ASSET(vega_embed_js)
GPULEDGER_ASSET(vega_lite_license)
GPULEDGER_ASSET(vega_embed_license)
GPULEDGER_ASSET(page_html)
GPULEDGER_ASSET(page_css)
GPULEDGER_ASSET(page_js)
#undef GPULEDGER_ASSET

namespace gpuledger::web {
namespace {

#define ASSET(name) \
  absl::string_view(gpuledger_asset_##name, gpuledger_asset_##name##_end - gpuledger_asset_##name)


// A library bundle as a script's text: without its source map comment (the
// map is not embedded) and with no "</script" that could end the element.
std::string Script(absl::string_view js) {
  const size_t map = js.rfind("//# sourceMappingURL=");
  if (map != absl::string_view::npos) js = js.substr(0, map);
  return absl::StrReplaceAll(js, {{"</script", "<\\/script"}, {"</SCRIPT", "<\\/SCRIPT"}});
}

// A license as an HTML comment's text.
std::string CommentText(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"--", "- -"}});
}

}  // namespace

std::string Document(absl::string_view title, absl::string_view body,
                     const PageContext& context) {
  const std::string licenses = absl::StrCat(
      "Embedded: vega (BSD-3-Clause, as its package.json says; its npm package holds no "
      "license file)\n\nvega-lite (BSD-3-Clause)\n", CommentText(ASSET(vega_lite_license)),
      "\nvega-embed (BSD-3-Clause)\n", CommentText(ASSET(vega_embed_license)));
  std::string top;
  if (context.served) top = "<nav><a href=\"/\">gpuledger: every run of the ledger</a></nav>\n";
  if (context.live_run > 0) {
    top += absl::StrCat("<p id=\"live\" class=\"live\">run ", context.live_run,
                        " is still running: these figures are partial</p>\n");
  }
  // A page with no chart needs no charting library.
  const bool charts = absl::StrContains(body, "data-chart=\"");
  return absl::StrReplaceAll(
      ASSET(page_html),
      {{"{{title}}", HtmlEscape(title)},
       {"{{connect}}", context.served ? "; connect-src 'self'" : ""},
       {"{{body_attributes}}",
        context.live_run > 0 ? absl::StrCat(" data-live-run=\"", context.live_run, "\"") : ""},
       {"{{top}}", top},
       {"{{css}}", ASSET(page_css)},
       {"{{body}}", body},
       {"{{vega}}", charts ? Script(ASSET(vega_js)) : ""},
       {"{{vega_lite}}", charts ? Script(ASSET(vega_lite_js)) : ""},
       {"{{vega_embed}}", charts ? Script(ASSET(vega_embed_js)) : ""},
       {"{{page_js}}", Script(ASSET(page_js))},
       {"{{licenses}}", licenses}});
}

std::string StringList(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) absl::StrAppend(&out, i ? "," : "", JsonString(v[i]));
  return out + "]";
}

std::vector<std::string> Keys(const char* prefix, size_t n) {
  std::vector<std::string> keys;
  for (size_t i = 0; i < n; ++i) keys.push_back(absl::StrCat(prefix, i));
  return keys;
}

std::string KeyNames(const std::vector<std::string>& keys, const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < keys.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", "{\"key\":", JsonString(keys[i]), ",\"series\":",
                    JsonString(names[i]), ",\"order\":", i, "}");
  }
  return out + "]";
}

std::string Figure(absl::string_view name, absl::string_view label, absl::string_view text,
                   absl::string_view exact, absl::string_view detail) {
  return absl::StrCat("<div class=\"figure\"><dt>", HtmlEscape(label), "</dt><dd data-figure=\"",
                      name, "\"", exact.empty() ? "" : absl::StrCat(" data-exact=\"", exact, "\""),
                      ">", HtmlEscape(text), "</dd>",
                      detail.empty() ? "" : absl::StrCat("<small>", HtmlEscape(detail), "</small>"),
                      "</div>\n");
}

std::string Chart(absl::string_view id, const std::string& spec) {
  return absl::StrCat("<section class=\"chart-box\"><div id=\"chart-", id,
                      "\" class=\"chart\"></div>\n<script type=\"application/json\" data-chart=\"",
                      id, "\">", spec, "</script></section>\n");
}

}  // namespace gpuledger::web

// The HTML pages (web/page.h) read back as a test would read them: the
// headline figures carry the table report's digits, and the usage chart's
// series each have a name of their own, whatever the plan calls its
// projects.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/cli.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "ledger/store.h"
#include "tests/temp_dir.h"
#include "web/page.h"

namespace gpuledger {
namespace {

const std::string kSource = GPULEDGER_SOURCE_DIR;

class WebPageTest : public testing::TempDirTest {
 protected:
  std::string Cli(std::vector<std::string> args) {
    args.insert(args.begin(), "gpuledger");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    EXPECT_EQ(cli::RunCli(static_cast<int>(argv.size()), argv.data(), out, err), 0) << err.str();
    return out.str();
  }

  // Runs a command that must fail; returns its message.
  std::string Refused(std::vector<std::string> args) {
    args.insert(args.begin(), "gpuledger");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    EXPECT_EQ(cli::RunCli(static_cast<int>(argv.size()), argv.data(), out, err), 2) << out.str();
    return err.str();
  }

  // The text of <dd data-figure="NAME" ...>TEXT</dd>.
  static std::string Figure(const std::string& page, const std::string& name) {
    std::smatch m;
    const std::regex re("data-figure=\"" + name + "\"[^>]*>([^<]*)</dd>");
    return std::regex_search(page, m, re) ? m[1].str() : "(missing)";
  }

  // A chart's spec, parsed.
  static google::protobuf::Struct Spec(const std::string& page, const std::string& id) {
    const std::string open = "data-chart=\"" + id + "\">";
    const size_t at = page.find(open);
    EXPECT_NE(at, std::string::npos) << id;
    const size_t from = at + open.size();
    const std::string json = page.substr(from, page.find("</script>", from) - from);
    google::protobuf::Struct spec;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &spec).ok()) << id;
    return spec;
  }

  // The GPU-hours column of the table report's row `name`.
  static std::string TableHours(const std::string& table, const std::string& name) {
    for (absl::string_view line : absl::StrSplit(table, '\n')) {
      if (!absl::ConsumePrefix(&line, name + " ")) continue;
      std::vector<absl::string_view> cells =
          absl::StrSplit(absl::StripLeadingAsciiWhitespace(line), ' ', absl::SkipEmpty());
      return cells.empty() ? "" : std::string(cells[0]);
    }
    return "(no row)";
  }
};

TEST_F(WebPageTest, HeadlineHasTheTablesDigits) {
  const std::string ledger = Path("l.sqlite");
  Cli({"replay", kSource + "/traces/deepseek-v3-r1.textproto", "--ledger", ledger});
  Cli({"replay", std::string(GPULEDGER_TEST_DATA) + "/lublin_256.swf.gz", "--ledger", ledger,
       "--policy", "easy"});
  auto l = ledger::Ledger::Open(ledger);
  ASSERT_TRUE(l.ok());
  for (int64_t run : {1, 2}) {
    const std::string table =
        Cli({"report", "--ledger", ledger, "--run", std::to_string(run), "--by", "category"});
    auto page = web::RunPageOf(**l, run, false);
    ASSERT_TRUE(page.ok()) << page.status();
    // Rounded as the table rounds its column (together, so rows add up).
    EXPECT_EQ(Figure(*page, "gpu_hours"), TableHours(table, "all jobs")) << run;
    EXPECT_EQ(Figure(*page, "idle_gpu_hours"), TableHours(table, "idle")) << run;
  }
}

TEST_F(WebPageTest, EverySeriesHasANameOfItsOwn) {
  // Projects named like categories, and every phase the same: work split by
  // project, into series that must not merge with checkpoint or lost.
  std::ifstream in(kSource + "/traces/deepseek-v3-r1-failures.textproto");
  std::stringstream text;
  text << in.rdbuf();
  std::string plan = absl::StrReplaceAll(
      text.str(), {{"\"DeepSeek-V3\"", "\"checkpoint\""}, {"\"DeepSeek-R1\"", "\"lost\""}});
  plan = std::regex_replace(plan, std::regex("phase: [A-Z_]+"), "phase: PRETRAIN");
  const std::string path = Path("plan.textproto");
  std::ofstream(path) << plan;
  const std::string ledger = Path("l.sqlite");
  Cli({"replay", path, "--ledger", ledger, "--seed", "3"});
  auto l = ledger::Ledger::Open(ledger);
  auto page = web::RunPageOf(**l, 1, false);
  ASSERT_TRUE(page.ok()) << page.status();
  const google::protobuf::Struct spec = Spec(*page, "usage");
  const auto& domain =
      spec.fields().at("encoding").struct_value().fields().at("color").struct_value().fields().at(
          "scale").struct_value().fields().at("domain").list_value();
  std::set<std::string> names;
  for (const auto& v : domain.values()) names.insert(v.string_value());
  EXPECT_EQ(names.size(), static_cast<size_t>(domain.values_size())) << "a name used twice";
  EXPECT_TRUE(names.count("checkpoint (project)"));  // the project, named as one
  EXPECT_TRUE(names.count("checkpoint"));            // the category
  EXPECT_TRUE(names.count("lost (project)"));
  EXPECT_TRUE(names.count("lost"));
  // The fold's names are the same as the legend's.
  EXPECT_EQ(spec.fields().at("transform").list_value().values(0).struct_value().fields().at(
                "fold").list_value().values_size(),
            domain.values_size());
}

// --html writes pages only: over nothing that is not one, never empty, and
// not beside options it would ignore.
TEST_F(WebPageTest, HtmlRefusesWhatItWouldIgnoreOrDestroy) {
  const std::string ledger = Path("l.sqlite");
  const std::string plan = Path("plan.textproto");
  {
    std::ifstream in(kSource + "/traces/deepseek-v3-r1.textproto");
    std::ofstream(plan) << in.rdbuf();
  }
  std::ifstream before(plan);
  std::stringstream original;
  original << before.rdbuf();
  // compare --html over its own plan: refused before anything is replayed.
  EXPECT_NE(Refused({"compare", plan, "--ledger", ledger, "--html", plan}).find("not an HTML page"),
            std::string::npos);
  std::ifstream after(plan);
  std::stringstream kept;
  kept << after.rdbuf();
  EXPECT_EQ(kept.str(), original.str());
  EXPECT_FALSE(std::ifstream(ledger).good()) << "nothing replayed, no ledger";

  Cli({"replay", plan, "--ledger", ledger, "--seeds", "2"});
  Cli({"replay", plan, "--ledger", ledger});
  const std::string other = Path("other.sqlite");
  Cli({"replay", plan, "--ledger", other});
  EXPECT_NE(Refused({"report", "--ledger", ledger, "--run", "3", "--html", other})
                .find("not an HTML page"),
            std::string::npos);
  EXPECT_NE(Refused({"report", "--ledger", ledger, "--run", "3", "--html", ""}).find("needs a file"),
            std::string::npos);
  EXPECT_NE(Refused({"compare", plan, "--html", ""}).find("needs a file"), std::string::npos);
  for (const char* option : {"--by", "--view", "--format"}) {
    const char* value = std::string(option) == "--by" ? "job"
                        : std::string(option) == "--view" ? "rental" : "csv";
    EXPECT_NE(Refused({"report", "--ledger", ledger, "--run", "3", "--html", Path("p.html"), option,
                       value})
                  .find("--by, --view and --format"),
              std::string::npos)
        << option;
  }
  EXPECT_FALSE(std::ifstream(Path("p.html")).good());
  EXPECT_NE(Refused({"report", "--ledger", ledger, "--group", "1", "--pricing", "owned-epoch"})
                .find("reprices one run"),
            std::string::npos);
  // A page may be written over a page.
  Cli({"report", "--ledger", ledger, "--run", "3", "--html", Path("p.html")});
  Cli({"report", "--ledger", ledger, "--group", "1", "--html", Path("p.html")});
}

}  // namespace
}  // namespace gpuledger

// SWF import: header capacity, field mapping, skips by reason, estimates,
// gzip, and malformed lines named by number.
#include <zlib.h>

#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/temp_dir.h"
#include "traces/swf.h"

namespace gpuledger::traces {
namespace {

class SwfTest : public testing::TempDirTest {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(Path(name)) << text;
    return Path(name);
  }
};

constexpr char kHeader[] = "; Version: 2\n; MaxNodes: 64\n; MaxProcs: 128\n";

TEST_F(SwfTest, MapsFieldsAndSkipsByReason) {
  const std::string path = Write("t.swf", std::string(kHeader) +
      // id submit wait run alloc cpu mem req_procs req_time ...
      "1 10 -1 100 16 -1 -1 -1 200 -1 1 -1 -1 -1 0 -1 -1 -1\n"
      "2 20.4 -1 50.6 -1 -1 -1 8 -1 -1 1 -1 -1 -1 0 -1 -1 -1 extra columns 7\n"
      "3 30 -1 0 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n"
      "4 40 -1 10 -1 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n"
      "5 50 -1 10 129 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n"
      "; a comment between jobs\n"
      "6 60 -1 10 4 -1 -1 -1 5 -1 1 -1 -1 -1 0 -1 -1 -1\n");
  absl::StatusOr<Workload> w = LoadSwfFile(path, {});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->total_gpus(), 128);  // MaxProcs wins over MaxNodes
  ASSERT_EQ(w->jobs.size(), 3u);
  EXPECT_EQ(w->jobs[0].id, "1");
  EXPECT_EQ(w->jobs[0].gpus, 16);
  EXPECT_EQ(w->jobs[0].submit_seconds, 10);
  EXPECT_EQ(w->jobs[0].run_seconds, 100);
  EXPECT_EQ(w->jobs[0].requested_seconds, 200);
  EXPECT_EQ(w->jobs[1].gpus, 8);  // requested processors where allocated is -1
  EXPECT_EQ(w->jobs[1].submit_seconds, 20);
  EXPECT_EQ(w->jobs[1].run_seconds, 51);  // rounded
  EXPECT_EQ(w->jobs[1].requested_seconds, 0);
  EXPECT_EQ(w->jobs[2].requested_seconds, 5);  // below the run time: the run time rules
  EXPECT_EQ(w->skipped.at("run time <= 0"), 1);
  EXPECT_EQ(w->skipped.at("size <= 0"), 1);
  EXPECT_EQ(w->skipped.at("size above capacity"), 1);
  EXPECT_EQ(w->sha256.size(), 64u);
}

TEST_F(SwfTest, CapacityFromMaxNodesOrTheCommandLine) {
  const std::string path = Write("n.swf", "; MaxNodes: 64\n"
      "1 0 -1 10 64 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n"
      "2 0 -1 10 12 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n"
      "3 0 -1 10 16 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n");
  EXPECT_EQ(LoadSwfFile(path, {})->total_gpus(), 64);
  absl::StatusOr<Workload> w = LoadSwfFile(path, {32, 8});  // 4 nodes of 8 GPUs
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->nodes, 4);
  EXPECT_EQ(w->jobs.size(), 1u);
  EXPECT_EQ(w->skipped.at("size above capacity"), 1);
  EXPECT_EQ(w->skipped.at("size not whole nodes"), 1);
  const std::string none = Write("x.swf", "1 0 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n");
  EXPECT_NE(LoadSwfFile(none, {}).status().message().find("give --capacity"), absl::string_view::npos);
  EXPECT_EQ(LoadSwfFile(none, {16, 1})->total_gpus(), 16);
}

TEST_F(SwfTest, MalformedLinesNameTheirNumber) {
  const std::string short_line = Write("s.swf", std::string(kHeader) + "1 0 -1 10 4\n");
  EXPECT_EQ(LoadSwfFile(short_line, {}).status().message(), short_line + ":4: expected 18 fields, found 5");
  const std::string bad = Write("b.swf", std::string(kHeader) +
      "1 0 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n"
      "2 0 -1 ten 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n");
  EXPECT_EQ(LoadSwfFile(bad, {}).status().message(), bad + ":5: field 4 (\"ten\") is not a number");
  EXPECT_EQ(LoadSwfFile(Path("missing.swf"), {}).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SwfTest, ReadsGzipCompressedTraces) {
  const std::string text = std::string(kHeader) + "7 5 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n";
  gzFile f = gzopen(Path("t.swf.gz").c_str(), "wb");
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  absl::StatusOr<Workload> gz = LoadSwfFile(Path("t.swf.gz"), {});
  ASSERT_TRUE(gz.ok()) << gz.status();
  EXPECT_EQ(gz->jobs[0].id, "7");
  EXPECT_EQ(gz->sha256, LoadSwfFile(Write("t.swf", text), {})->sha256);  // digest of the content
  EXPECT_TRUE(IsSwfPath("a/b.swf.gz"));
  EXPECT_FALSE(IsSwfPath("plan.textproto"));
}

TEST_F(SwfTest, TheLublinTraceLoadsWhole) {
  absl::StatusOr<Workload> w = LoadSwfFile(GPULEDGER_TEST_DATA "/lublin_256.swf.gz", {});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->jobs.size(), 10000u);
  EXPECT_EQ(w->total_gpus(), 256);
  EXPECT_TRUE(w->skipped.empty());
}

}  // namespace
}  // namespace gpuledger::traces

// SWF import: header capacity, field mapping, skips by reason, estimates,
// gzip, and malformed lines named by number.
#include <zlib.h>

#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/gzip_cut.h"
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
  const std::string path =
      Write("t.swf", std::string(kHeader) +
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
  const std::string path = Write("n.swf",
                                 "; MaxNodes: 64\n"
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
  EXPECT_NE(LoadSwfFile(none, {}).status().message().find("give --capacity"),
            absl::string_view::npos);
  EXPECT_EQ(LoadSwfFile(none, {16, 1})->total_gpus(), 16);
}

TEST_F(SwfTest, MalformedLinesNameTheirNumber) {
  const std::string short_line = Write("s.swf", std::string(kHeader) + "1 0 -1 10 4\n");
  EXPECT_EQ(LoadSwfFile(short_line, {}).status().message(),
            short_line + ":4: expected 18 fields, found 5");
  const std::string bad = Write("b.swf", std::string(kHeader) +
                                             "1 0 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n"
                                             "2 0 -1 ten 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n");
  EXPECT_EQ(LoadSwfFile(bad, {}).status().message(), bad + ":5: field 4 (\"ten\") is not a number");
  EXPECT_EQ(LoadSwfFile(Path("missing.swf"), {}).status().code(), absl::StatusCode::kNotFound);
}

// Two kept jobs with one id would be one job to the ledger and its reports
// (their GPU-hours counted twice by job): refused, naming both lines. Ids
// out of order are fine; a repeated id of a skipped job harms nothing.
TEST_F(SwfTest, ARepeatedJobIdIsRefused) {
  auto job = [](int id, int run) {
    return absl::StrCat(id, " 0 -1 ", run, " 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n");
  };
  const std::string dup =
      Write("d.swf", std::string(kHeader) + job(5, 10) + job(3, 10) + job(9, 10) + job(3, 20));
  EXPECT_EQ(LoadSwfFile(dup, {}).status().message(),
            dup + ":7: field 1: job id 3 repeats the id of the job on line 5");
  const std::string growing = Write("g.swf", std::string(kHeader) + job(1, 10) + job(1, 10));
  EXPECT_EQ(LoadSwfFile(growing, {}).status().message(),
            growing + ":5: field 1: job id 1 repeats the id of the job on line 4");
  const std::string shuffled =
      Write("s.swf", std::string(kHeader) + job(5, 10) + job(3, 10) + job(9, 10) + job(3, 0));
  absl::StatusOr<Workload> w = LoadSwfFile(shuffled, {});
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_EQ(w->jobs.size(), 3u);
  EXPECT_EQ(w->jobs[1].id, "3");
  EXPECT_EQ(w->skipped.at("run time <= 0"), 1);
}

TEST_F(SwfTest, ReadsGzipCompressedTraces) {
  const std::string text =
      std::string(kHeader) + "7 5 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n";
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

// Issue 11, defect 1: a gzip file cut short (no trailer) is not a shorter
// trace. The cut is made after line 2,001 with a full flush, so every byte
// before it decompresses and only the end of the stream is missing.
TEST_F(SwfTest, ATruncatedGzipTraceIsRefused) {
  std::string text;
  {
    gzFile f = gzopen(GPULEDGER_TEST_DATA "/lublin_256.swf.gz", "rb");
    char buf[1 << 14];
    for (int n; (n = gzread(f, buf, sizeof buf)) > 0;) text.append(buf, n);
    gzclose(f);
  }
  size_t cut = 0;
  for (int line = 0; line < 2001; ++line) cut = text.find('\n', cut) + 1;
  std::ofstream(Path("whole.swf.gz"), std::ios::binary) << testing::Gzip(text);
  std::ofstream(Path("cut.swf.gz"), std::ios::binary) << testing::Gzip(text, cut);
  ASSERT_EQ(LoadSwfFile(Path("whole.swf.gz"), {})->jobs.size(), 10000u);
  absl::StatusOr<Workload> w = LoadSwfFile(Path("cut.swf.gz"), {});
  EXPECT_EQ(w.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(
      absl::StrContains(w.status().message(), Path("cut.swf.gz") + ": the file is truncated"))
      << w.status();
  // Cut in the middle of a line: still refused, never the half line.
  std::ofstream(Path("mid.swf.gz"), std::ios::binary) << testing::Gzip(text, cut + 7);
  EXPECT_EQ(LoadSwfFile(Path("mid.swf.gz"), {}).status().code(), absl::StatusCode::kDataLoss);
}

// Defect 15: a file named .gz that is not gzip says so.
TEST_F(SwfTest, AGzNameMustHoldGzip) {
  const std::string path = Write(
      "plain.swf.gz", std::string(kHeader) + "7 5 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n");
  EXPECT_EQ(LoadSwfFile(path, {}).status().message(),
            path + ": not a gzip file, although its name ends in .gz");
}

// Defect 12: a huge time is named as too long, never as "run time <= 0".
TEST_F(SwfTest, HugeTimesAreRefusedByName) {
  const std::string path =
      Write("huge.swf", std::string(kHeader) +
                            "1 0 -1 99999999999999999999 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n");
  EXPECT_EQ(LoadSwfFile(path, {}).status().message(),
            path +
                ":4: field 4 (run time) must be at most 3155760000 seconds (100 years), got "
                "100000000000000000000");
  const std::string big = Write(
      "big.swf",
      std::string(kHeader) +
          "99999999999999999999 0 -1 10 99999999999999999999 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n"
          "2 0 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n");
  absl::StatusOr<Workload> w = LoadSwfFile(big, {});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->skipped.at("size above capacity"), 1);
}

// Found by fuzzing (fuzz/regressions/swf/capacity-*): a header capacity
// beyond what gpuledger models is refused, not wrapped or allocated.
TEST_F(SwfTest, HugeCapacityIsRefused) {
  for (const char* procs : {"2147483648", "211111111"}) {
    const std::string path =
        Write("cap.swf", absl::StrCat("; MaxProcs: ", procs,
                                      "\n"
                                      "1 0 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n"));
    EXPECT_EQ(LoadSwfFile(path, {}).status().message(),
              absl::StrCat(path, ": capacity ", procs,
                           " GPUs (1 per node) is more than gpuledger "
                           "models (10000000 GPUs, 1024 per node)"));
  }
}

}  // namespace
}  // namespace gpuledger::traces

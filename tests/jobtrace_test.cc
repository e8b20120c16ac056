// Job traces (JSON Lines and CSV, plain or gzip): the cluster from the
// comments, every field, skips by reason, and errors naming line and field.
#include <zlib.h>

#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/gzip_cut.h"
#include "tests/temp_dir.h"
#include "traces/jobtrace.h"

namespace gpuledger::traces {
namespace {

class JobTraceTest : public testing::TempDirTest {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = Path(name);
    if (name.size() > 3 && name.substr(name.size() - 3) == ".gz") {
      gzFile f = gzopen(path.c_str(), "wb");
      gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
      gzclose(f);
    } else {
      std::ofstream(path) << text;
    }
    return path;
  }
  std::string Error(const std::string& name, const std::string& text, JobTraceOptions o = {}) {
    auto w = LoadJobTraceFile(Write(name, text), o);
    EXPECT_FALSE(w.ok());
    return w.ok() ? "" : std::string(w.status().message());
  }
};

constexpr char kCsv[] =
    "# Two A100 nodes.\n"
    "# gpu: A100\n"
    "# cluster_gpus: 16\n"
    "id,submit_seconds,gpus,run_seconds,status,type,requested_seconds,priority,project\n"
    "a,0,8,100,completed,pretrain,200,1,llm\n"
    "b,5,16,50,failed,eval,,,\n"
    "c,10,4,30,cancelled,debug,,,\n"
    "d,10,0,30,completed,sft,,,\n"
    "e,12,12,30,completed,rl,,,\n"
    "f,12,32,30,completed,rl,,,\n"
    "g,13,8,0,completed,rl,,,\n";

TEST_F(JobTraceTest, CsvAndJsonLinesGiveTheSameWorkload) {
  auto csv = LoadJobTraceFile(Write("t.csv", kCsv), {});
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(csv->gpu.name(), "A100");
  EXPECT_EQ(csv->nodes, 2);
  ASSERT_EQ(csv->jobs.size(), 3u);
  EXPECT_EQ(csv->jobs[0].phase, v1::PRETRAIN);
  EXPECT_EQ(csv->jobs[0].requested_seconds, 200);
  EXPECT_EQ(csv->jobs[0].priority, 1);
  EXPECT_EQ(csv->jobs[0].project, "llm");
  EXPECT_EQ(csv->jobs[1].status, "failed");
  EXPECT_EQ(csv->jobs[2].phase, v1::DEBUG);
  EXPECT_EQ(csv->jobs[2].project, "debug");  // defaults to the type
  EXPECT_EQ(csv->jobs_by_status.at("completed"), 1);
  EXPECT_EQ(csv->jobs_by_status.at("cancelled"), 1);
  EXPECT_EQ(csv->skipped.at("size <= 0"), 1);
  EXPECT_EQ(csv->skipped.at("size not whole nodes"), 1);
  EXPECT_EQ(csv->skipped.at("size above capacity"), 1);
  EXPECT_EQ(csv->skipped.at("run time <= 0"), 1);

  auto json = LoadJobTraceFile(
      Write("t.jsonl.gz",
            "# gpu: A100\n# cluster_gpus: 16\n"
            "{\"id\": \"a\", \"submit_seconds\": 0, \"gpus\": 8, \"run_seconds\": 100, "
            "\"status\": \"completed\", \"type\": \"pretrain\", \"requested_seconds\": 200, "
            "\"priority\": 1, \"project\": \"llm\"}\n"
            "{\"id\": \"b\", \"submitSeconds\": 5, \"gpus\": 16, \"runSeconds\": 50, \"status\": "
            "\"failed\", \"type\": \"eval\"}\n"
            "{\"id\": \"c\", \"submit_seconds\": 10, \"gpus\": 4, \"run_seconds\": 30, \"status\": "
            "\"cancelled\", \"type\": \"debug\"}\n"),
      {});
  ASSERT_TRUE(json.ok()) << json.status();
  ASSERT_EQ(json->jobs.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(json->jobs[i].id, csv->jobs[i].id);
    EXPECT_EQ(json->jobs[i].gpus, csv->jobs[i].gpus);
    EXPECT_EQ(json->jobs[i].submit_seconds, csv->jobs[i].submit_seconds);
    EXPECT_EQ(json->jobs[i].run_seconds, csv->jobs[i].run_seconds);
    EXPECT_EQ(json->jobs[i].status, csv->jobs[i].status);
    EXPECT_EQ(json->jobs[i].phase, csv->jobs[i].phase);
  }
  // --capacity and --gpus-per-node override the comments.
  auto big = LoadJobTraceFile(Write("u.csv", kCsv), {64, 4});
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_EQ(big->nodes, 16);
  EXPECT_EQ(big->gpu.gpus_per_node(), 4);
}

TEST_F(JobTraceTest, BadLinesNameTheLineAndField) {
  const std::string head = "# cluster_gpus: 16\nid,submit_seconds,gpus,run_seconds,status\n";
  EXPECT_EQ(Error("a.csv", head + "a,0,eight,10,completed\n"),
            Path("a.csv") + ":3: field gpus: \"eight\" is not a whole number");
  EXPECT_EQ(Error("a2.csv", head + "a,0,1.6,10,completed\n"),
            Path("a2.csv") + ":3: field gpus: \"1.6\" is not a whole number");
  EXPECT_EQ(Error("a3.csv", head + "a,0,8,-5,completed\n"),
            Path("a3.csv") + ":3: field run_seconds must be in [0, 3155760000], got -5");
  EXPECT_EQ(Error("a4.csv", head + "a,0,,10,completed\n"),
            Path("a4.csv") + ":3: field gpus is empty");
  EXPECT_EQ(Error("a5.jsonl",
                  "# cluster_gpus: 16\n{\"id\": \"a\", \"gpus\": 8, \"run_seconds\": "
                  "9223372036854775807}\n"),
            Path("a5.jsonl") +
                ":2: field run_seconds must be in [0, 3155760000], got 9223372036854775807");
  EXPECT_EQ(Error("a6.csv", "# cluster_gpus: 16\nid,submit_seconds,gpus,run_seconds,gpus\n"),
            Path("a6.csv") + ":2: column \"gpus\" appears twice");
  EXPECT_EQ(Error("a7.csv", "# gpus_per_node: -8\n"),
            Path("a7.csv") + ":1: # gpus_per_node: must be positive, got -8");
  EXPECT_EQ(Error("b.csv", head + "a,0,8,10,completed\nb,1,8,10\n"),
            Path("b.csv") + ":4: expected 5 fields, found 4");
  EXPECT_EQ(Error("c.csv", head + "a,0,8,10,done\n"),
            Path("c.csv") + ":3: field status: \"done\" is not completed, cancelled or failed");
  EXPECT_EQ(Error("d.csv", head + "a,0,8,10,completed\na,1,8,10,completed\n"),
            Path("d.csv") + ":4: field id: \"a\" repeats an earlier job's id");
  EXPECT_EQ(Error("e.csv", "# cluster_gpus: 16\nid,gpus,colour\n"),
            Path("e.csv") + ":2: the header has no column submit_seconds");
  EXPECT_EQ(Error("f.csv", "id,submit_seconds,gpus,run_seconds\na,0,8,10\n"),
            Path("f.csv") + ": no capacity: give --capacity or a \"# cluster_gpus: N\" comment");
  EXPECT_EQ(
      Error("g.csv", "# cluster_gpus: 16\nid,submit_seconds,gpus,run_seconds,type\na,0,8,10,nap\n"),
      Path("g.csv") +
          ":3: field type: unknown type \"nap\" (pretrain, context_extension, sft, "
          "rl, eval, data, debug, ablation, other)");
  EXPECT_EQ(Error("i.csv",
                  "# cluster_gpus: "
                  "16\nid,submit_seconds,gpus,run_seconds,eligible_seconds\na,100,8,10,99\n"),
            Path("i.csv") +
                ":3: field eligible_seconds must be 0 or at least submit_seconds (100), got 99");
  EXPECT_EQ(Error("i2.jsonl",
                  "# cluster_gpus: 16\n{\"id\": \"a\", \"gpus\": 8, \"run_seconds\": 9, "
                  "\"eligible_seconds\": -1}\n"),
            Path("i2.jsonl") + ":2: field eligible_seconds must be in [0, 3155760000], got -1");
  const std::string json =
      Error("h.jsonl",
            "# cluster_gpus: 16\n{\"id\": \"a\", \"gpus\": 8}\n{\"id\": \"b\", \"gpus\": \"x\"}\n");
  EXPECT_EQ(json.substr(0, Path("h.jsonl").size() + 3), Path("h.jsonl") + ":3:") << json;
  EXPECT_NE(json.find("gpus"), std::string::npos) << json;
}

// Issue 11, defect 1: a gzip trace cut short is refused, CSV and JSON Lines.
TEST_F(JobTraceTest, ATruncatedGzipTraceIsRefused) {
  std::string csv = "# cluster_gpus: 64\nid,submit_seconds,gpus,run_seconds\n";
  std::string jsonl = "# cluster_gpus: 64\n";
  for (int i = 0; i < 3000; ++i) {
    csv += absl::StrCat("j", i, ",", i, ",8,100\n");
    jsonl += absl::StrCat("{\"id\": \"j", i, "\", \"submit_seconds\": ", i,
                          ", \"gpus\": 8, \"run_seconds\": 100}\n");
  }
  for (const auto& [name, text] :
       {std::pair<std::string, std::string>{"t.csv.gz", csv}, {"t.jsonl.gz", jsonl}}) {
    std::ofstream(Path("whole." + name), std::ios::binary) << testing::Gzip(text);
    ASSERT_EQ(LoadJobTraceFile(Path("whole." + name), {})->jobs.size(), 3000u) << name;
    const size_t cut = text.find("j2001");
    std::ofstream(Path("cut." + name), std::ios::binary) << testing::Gzip(text, cut);
    absl::StatusOr<Workload> w = LoadJobTraceFile(Path("cut." + name), {});
    EXPECT_EQ(w.status().code(), absl::StatusCode::kDataLoss) << name << ": " << w.status();
    EXPECT_TRUE(absl::StrContains(w.status().message(), "the file is truncated")) << w.status();
  }
}

// Defect 5: reserved names in a trace are refused with the line.
TEST_F(JobTraceTest, ReservedNamesAreRefused) {
  EXPECT_EQ(Error("t.csv",
                  "# cluster_gpus: 16\nid,submit_seconds,gpus,run_seconds,project\n"
                  "a,0,8,100,x\nidle,0,8,100,x\n"),
            Path("t.csv") +
                ":4: field id: \"idle\" is the name of a report's own row (idle, down, "
                "total, all jobs, unused term); choose another");
  EXPECT_EQ(Error("t.jsonl",
                  "# cluster_gpus: 16\n{\"id\": \"a\", \"submit_seconds\": 0, \"gpus\": 8, "
                  "\"run_seconds\": 1, \"project\": \"All Jobs\"}\n"),
            Path("t.jsonl") +
                ":2: field project: \"All Jobs\" is the name of a report's own row "
                "(idle, down, total, all jobs, unused term); choose another");
}

}  // namespace
}  // namespace gpuledger::traces

// One replay of an SWF trace reads it straight into the scheduler's jobs
// (replay::ReadSwfJobs): the same jobs, labels, workload and errors as
// loading it and converting (ToSchedulerJobs(LoadSwfFile)), from a plain
// file, a gzip file or a pipe; room is reserved only from a regular file's
// size, and anything else (a pipe, a directory) is read, or refused, as it
// was.
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <fstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "replay/replay.h"
#include "tests/temp_dir.h"
#include "traces/swf.h"

namespace gpuledger::replay {
namespace {

const std::string kLublin = GPULEDGER_TEST_DATA "/lublin_256.swf.gz";

std::string Gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr);
  std::string out;
  char buf[1 << 16];
  for (int n; (n = gzread(f, buf, sizeof buf)) > 0;) out.append(buf, n);
  gzclose(f);
  return out;
}

void ExpectSame(const SchedulerJobs& a, const SchedulerJobs& b) {
  ASSERT_EQ(a.specs.size(), b.specs.size());
  for (size_t i = 0; i < a.specs.size(); ++i) {
    const scheduler::JobSpec &x = a.specs[i], &y = b.specs[i];
    ASSERT_EQ(x.id, y.id) << i;
    EXPECT_EQ(x.gpus, y.gpus) << i;
    EXPECT_EQ(x.priority, y.priority) << i;
    EXPECT_EQ(x.submit, y.submit) << i;
    EXPECT_EQ(x.run_seconds, y.run_seconds) << i;
    EXPECT_EQ(x.after, y.after) << i;
    EXPECT_EQ(x.estimate, y.estimate) << i;
    EXPECT_EQ(x.checkpoint_seconds, y.checkpoint_seconds) << i;
    EXPECT_EQ(x.checkpoint_write_seconds, y.checkpoint_write_seconds) << i;
    EXPECT_EQ(x.eligible, y.eligible) << i;
  }
  EXPECT_EQ(a.labels.phase, b.labels.phase);
  EXPECT_EQ(a.labels.project, b.labels.project);
  EXPECT_EQ(a.labels.projects, b.labels.projects);
  EXPECT_TRUE(a.workload.jobs.empty());
  EXPECT_EQ(a.workload.nodes, b.workload.nodes);
  EXPECT_EQ(a.workload.sha256, b.workload.sha256);
  EXPECT_EQ(a.workload.skipped, b.workload.skipped);
  EXPECT_EQ(a.workload.gpu.SerializeAsString(), b.workload.gpu.SerializeAsString());
}

SchedulerJobs Loaded(const std::string& path, const traces::SwfOptions& o = {}) {
  auto w = traces::LoadSwfFile(path, o);
  EXPECT_TRUE(w.ok()) << w.status();
  return ToSchedulerJobs(*std::move(w));
}

class SwfStreamTest : public testing::TempDirTest {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(Path(name), std::ios::binary) << text;
    return Path(name);
  }
};

TEST_F(SwfStreamTest, StreamedIsLoadedAndConverted) {
  const std::string plain = Write("l.swf", Gunzip(kLublin));
  for (const std::string& path : {kLublin, plain}) {
    for (traces::SwfOptions o : {traces::SwfOptions{}, traces::SwfOptions{256, 4}}) {
      auto streamed = ReadSwfJobs(path, o);
      ASSERT_TRUE(streamed.ok()) << streamed.status();
      ExpectSame(*streamed, Loaded(path, o));
      EXPECT_GT(streamed->specs.size(), 1000u);
    }
  }
  // Room from a plain file's size; none for a compressed one.
  struct stat st;
  ASSERT_EQ(::stat(plain.c_str(), &st), 0);
  EXPECT_EQ(traces::SwfJobsAtMost(plain), static_cast<size_t>(st.st_size) / 36);
  EXPECT_EQ(traces::SwfJobsAtMost(kLublin), 0u);
}

TEST_F(SwfStreamTest, APipeIsReadWhole) {
  const std::string text = Gunzip(kLublin);
  const std::string fifo = Path("p.swf");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(traces::SwfJobsAtMost(fifo), 0u);  // not opened: it would take the reader's bytes
  std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << text; });
  auto streamed = ReadSwfJobs(fifo, {});
  writer.join();
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  ExpectSame(*streamed, Loaded(Write("l.swf", text)));
}

TEST_F(SwfStreamTest, ErrorsAreTheLoadersOwn) {
  const std::string header = "; MaxProcs: 8\n";
  const std::string job = " 1 0 -1 10 1 -1 -1 1 20 -1 1 1 1 1 1 1 -1 -1\n";
  for (const std::string& text :
       {header + job + job,                  // a repeated id
        header + " 1 0 -1 10 1\n",           // a short line
        header + " 1 0 -1 0 1 -1 -1 1 20 -1 1 1 1 1 1 1 -1 -1\n",  // every job skipped
        header, std::string()}) {
    const std::string path = Write("bad.swf", text);
    auto streamed = ReadSwfJobs(path, {});
    auto loaded = traces::LoadSwfFile(path, {});
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(streamed.status(), loaded.status());
  }
  // A directory named like a trace is refused, as by the loader.
  ASSERT_EQ(::mkdir(Path("dir.swf").c_str(), 0700), 0);
  EXPECT_EQ(traces::SwfJobsAtMost(Path("dir.swf")), 0u);
  auto dir = ReadSwfJobs(Path("dir.swf"), {});
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status(), traces::LoadSwfFile(Path("dir.swf"), {}).status());
}

}  // namespace
}  // namespace gpuledger::replay

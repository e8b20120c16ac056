// The web view (server/http_view.h): what each address answers, and the
// same through a real socket: methods, limits, loopback only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/cli.h"
#include "gtest/gtest.h"
#include "server/http_view.h"
#include "tests/temp_dir.h"

namespace gpuledger {
namespace {

const std::string kSource = GPULEDGER_SOURCE_DIR;

class HttpViewTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    testing::TempDirTest::SetUp();
    ledger_ = Path("l.sqlite");
    for (std::vector<std::string> args :
         {std::vector<std::string>{"replay", kSource + "/traces/deepseek-v3-r1.textproto"},
          {"replay", kSource + "/traces/deepseek-v3-r1-failures.textproto", "--seeds", "2"},
          {"compare", kSource + "/traces/deepseek-v3-r1.textproto", "--own-sizes", "1024,2048"}}) {
      args.insert(args.begin(), "gpuledger");
      args.push_back("--ledger");
      args.push_back(ledger_);
      std::vector<const char*> argv;
      for (const auto& a : args) argv.push_back(a.c_str());
      std::ostringstream out, err;
      ASSERT_EQ(cli::RunCli(static_cast<int>(argv.size()), argv.data(), out, err), 0) << err.str();
    }
    sources_.ledger_path = ledger_;
    sources_.running = [this] { return running_; };
  }

  server::HttpAnswer Get(const std::string& target) { return server::AnswerGet(target, sources_); }

  std::string ledger_;
  server::HttpSources sources_;
  std::map<int64_t, gpuledger::v1::ReplayProgress> running_;
};

TEST_F(HttpViewTest, Pages) {
  server::HttpAnswer index = Get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  for (const char* link : {"href=\"/runs/1\"", "href=\"/runs/3\"", "href=\"/groups/1\""}) {
    EXPECT_TRUE(absl::StrContains(index.body, link)) << link;
  }
  EXPECT_FALSE(absl::StrContains(index.body, "data-chart=\""));  // no charts: no library either
  EXPECT_FALSE(absl::StrContains(index.body, "vegaEmbed=")) << "the index embeds no charting library";

  server::HttpAnswer run = Get("/runs/1");
  EXPECT_EQ(run.status, 200);
  EXPECT_TRUE(absl::StrContains(run.body, "data-chart=\"usage\""));
  EXPECT_TRUE(absl::StrContains(run.body, "connect-src 'self'"));  // served: may ask its origin
  EXPECT_TRUE(absl::StrContains(run.body, "<nav><a href=\"/\">"));
  EXPECT_FALSE(absl::StrContains(run.body, "data-live-run"));
  EXPECT_EQ(Get("/runs/1?refresh=1").status, 200);
  EXPECT_EQ(Get("/groups/1").status, 200);
  EXPECT_TRUE(absl::StrContains(Get("/groups/1").body, "data-chart=\"dist-makespan_days\""));
  // The comparison, as compare kept it: its page from the ledger alone.
  EXPECT_TRUE(absl::StrContains(index.body, "href=\"/comparisons/1\""));
  server::HttpAnswer comparison = Get("/comparisons/1");
  EXPECT_EQ(comparison.status, 200);
  EXPECT_TRUE(absl::StrContains(comparison.body, "data-chart=\"frontier\""));
  EXPECT_TRUE(absl::StrContains(comparison.body, "own 1024"));
  EXPECT_EQ(Get("/comparisons/2").status, 404);
}

TEST_F(HttpViewTest, WhatIsNotThere) {
  for (const char* target : {"/runs/99", "/runs/0", "/runs/01", "/runs/-1", "/runs/1x", "/runs/",
                             "/runs/1/", "/groups/7", "/nothing", "/../l.sqlite", "/runs/1%00",
                             "/favicon.ico", "/runs/99999999999999999999"}) {
    server::HttpAnswer a = Get(target);
    EXPECT_EQ(a.status, 404) << target;
    EXPECT_FALSE(absl::StrContains(a.body, "<script")) << target;
  }
  // A target too long is refused before anything is read.
  EXPECT_EQ(Get("/runs/" + std::string(server::kMaxTarget, '1')).status, 414);
  // A name in the page is escaped.
  EXPECT_FALSE(absl::StrContains(Get("/<b>").body, "<b>"));
}

TEST_F(HttpViewTest, ProgressAndLivePages) {
  EXPECT_EQ(Get("/api/progress").body, "{\"replays\":[]}\n");
  gpuledger::v1::ReplayProgress p;
  p.set_name("runs/1");
  p.set_state(gpuledger::v1::Run::RUNNING);
  p.set_sim_time_seconds(86400);
  p.set_jobs_done(2);
  p.set_jobs_total(6);
  p.set_rental_micro_usd(5000000);
  running_[1] = p;
  server::HttpAnswer progress = Get("/api/progress");
  EXPECT_EQ(progress.content_type, "application/json");
  EXPECT_EQ(progress.body,
            "{\"replays\":[{\"run\":1,\"state\":\"running\",\"sim_time_seconds\":86400,"
            "\"jobs_done\":2,\"jobs_total\":6,\"gpu_seconds\":0,\"rental_micro_usd\":5000000,"
            "\"owned_micro_usd\":0}]}\n");
  EXPECT_TRUE(absl::StrContains(Get("/").body, "data-progress-run=\"1\""));
  // A run the server is replaying is answered by its live page.
  int asked = 0;
  sources_.live = [&](int64_t run) -> std::optional<absl::StatusOr<std::string>> {
    ++asked;
    if (run == 1) return std::string("live page of run 1");
    if (run == 2) return absl::Status(absl::StatusCode::kInternal, "broken");
    return std::nullopt;
  };
  EXPECT_EQ(Get("/runs/1").body, "live page of run 1");
  EXPECT_EQ(Get("/runs/2").status, 500);
  EXPECT_EQ(Get("/runs/3").status, 200);  // not running here: from the ledger
  EXPECT_EQ(asked, 3);
}

// Sends `request` to 127.0.0.1:`port` and returns everything read back.
std::string Exchange(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval wait{5, 0};  // a server that never closes fails the test, not hangs it
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(static_cast<uint16_t>(port));
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
    ::close(fd);
    return "connect failed";
  }
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

TEST_F(HttpViewTest, OverASocket) {
  auto view = server::HttpView::Start("127.0.0.1:0", sources_);
  ASSERT_TRUE(view.ok()) << view.status();
  const std::string address = (*view)->address();
  int port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port));
  const std::string host = address;  // the Host header a browser sends
  // Another Host (a name rebound to 127.0.0.1 by a page elsewhere), or none:
  // refused before anything is read.
  for (const std::string& other : {std::string("Host: evil.example:") + std::to_string(port) + "\r\n",
                                   std::string("Host: 127.0.0.1\r\n"), std::string()}) {
    const std::string refused =
        Exchange(port, "GET /runs/1 HTTP/1.1\r\n" + other + "Connection: close\r\n\r\n");
    EXPECT_TRUE(absl::StartsWith(refused, "HTTP/1.1 403 ")) << other << refused.substr(0, 80);
    EXPECT_FALSE(absl::StrContains(refused, "data-chart")) << other;
  }
  EXPECT_TRUE(absl::StartsWith(
      Exchange(port, absl::StrCat("GET /api/progress HTTP/1.1\r\nHost: localhost:", port,
                                  "\r\nConnection: close\r\n\r\n")),
      "HTTP/1.1 200 OK"));
  const std::string index = Exchange(port, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(index, "HTTP/1.1 200 OK\r\n")) << index.substr(0, 80);
  EXPECT_TRUE(absl::StrContains(index, "X-Content-Type-Options: nosniff"));
  EXPECT_TRUE(absl::StrContains(index, "href=\"/runs/1\""));
  // HEAD: the headers, no body.
  const std::string head =
      Exchange(port, "HEAD /runs/1 HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(head, "HTTP/1.1 200 OK\r\n"));
  EXPECT_FALSE(absl::StrContains(head, "<html"));
  // Read only.
  const std::string post = Exchange(
      port, "POST /runs/1 HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(post, "HTTP/1.1 405 ")) << post.substr(0, 80);
  EXPECT_TRUE(absl::StrContains(post, "Allow: GET, HEAD"));
  // Headers beyond the limit, and a body on a GET.
  const std::string big = Exchange(
      port, absl::StrCat("GET / HTTP/1.1\r\nHost: " + host + "\r\nX-Pad: ", std::string(10000, 'a'),
                         "\r\n\r\n"));
  EXPECT_TRUE(absl::StartsWith(big, "HTTP/1.1 431 ")) << big.substr(0, 80);
  const std::string body = Exchange(
      port, "GET / HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_TRUE(absl::StartsWith(body, "HTTP/1.1 400 ")) << body.substr(0, 80);
  // Two requests on one connection.
  const std::string two = Exchange(
      port, "GET /api/progress HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
            "GET /api/progress HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  size_t answers = 0;
  for (size_t at = 0; (at = two.find("HTTP/1.1 200 OK", at)) != std::string::npos; ++at) ++answers;
  EXPECT_EQ(answers, 2u);
  (*view)->Stop();
  EXPECT_EQ(Exchange(port, "GET / HTTP/1.1\r\n\r\n"), "connect failed");
}

TEST(HttpListen, LoopbackOnly) {
  EXPECT_TRUE(server::CheckHttpListen("127.0.0.1:8080").ok());
  EXPECT_TRUE(server::CheckHttpListen("localhost:0").ok());
  EXPECT_TRUE(server::CheckHttpListen("[::1]:8080").ok());
  for (const char* bad : {"0.0.0.0:8080", "10.1.2.3:80", "[::]:8080", "example.com:80",
                          "127.0.0.1", "127.0.0.1:65536", "127.0.0.1:-1", ":8080", "127.0.0.1:x"}) {
    absl::Status s = server::CheckHttpListen(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StartsWith(s.message(), "--http: ")) << s.message();
  }
}

}  // namespace
}  // namespace gpuledger

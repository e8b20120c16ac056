// Tokens and roles (server/auth.h): the file's rules, the header forms, the
// methods a read token may not call, and where a server may listen.
#include "server/auth.h"

#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace gpuledger::server {
namespace {

TEST(AuthTokens, FileLinesRolesAndHeaders) {
  auto t = AuthTokens::Parse(
      "# who may do what\n\n  reader-token-aaaaaaaa read\nreplayer-token-bbbbbbb\treplay\n", "t");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->size(), 2u);
  const Caller r = (*t)->Find("reader-token-aaaaaaaa");
  EXPECT_EQ(r.role, Role::kRead);
  EXPECT_EQ(r.line, 3);
  EXPECT_EQ((*t)->Find("replayer-token-bbbbbbb").role, Role::kReplay);
  EXPECT_EQ((*t)->Find("replayer-token-bbbbbbc").role, Role::kNone);
  EXPECT_EQ((*t)->Find("").role, Role::kNone);
  // Headers: Bearer in any case; Basic (the web view's) only when allowed.
  EXPECT_EQ((*t)->FromHeader("Bearer reader-token-aaaaaaaa").role, Role::kRead);
  EXPECT_EQ((*t)->FromHeader("bearer  replayer-token-bbbbbbb ").role, Role::kReplay);
  EXPECT_EQ((*t)->FromHeader("reader-token-aaaaaaaa").role, Role::kNone);
  const std::string basic = "Basic " + absl::Base64Escape("anyone:reader-token-aaaaaaaa");
  EXPECT_EQ((*t)->FromHeader(basic).role, Role::kNone);
  EXPECT_EQ((*t)->FromHeader(basic, /*basic=*/true).role, Role::kRead);
  EXPECT_EQ((*t)->FromHeader("Basic !!!", true).role, Role::kNone);
}

TEST(AuthTokens, BadFilesNameTheLineAndNeverTheToken) {
  struct Case {
    const char* text;
    const char* said;
  } cases[] = {
      {"short-token read\n", "f:1: token: must be 16 to 256 characters, got 11"},
      {"\nabcdefghijklmnopq write\n", "f:2: role: must be read or replay (the second field of the line)"},
      // Two tokens on a line: the second is not shown as a bad role either.
      {"abcdefghijklmnop abcdefghijklmnopq\n", "f:1: role: must be read or replay (the second field of the line)"},
      {"abcdefghijklmnop\n", "f:1: line: expected \"TOKEN ROLE\" (two fields), got 1"},
      {"abcdefghijklmno\"p read\n", "f:1: token: may hold only A-Z a-z 0-9 - . _ ~ + / = (RFC 6750), on one line"},
      {"abcdefghijklmnop read\nabcdefghijklmnop replay\n", "f:2: token: the same token as on line 1"},
      {"# nothing\n", "f: no tokens in the file"},
  };
  for (const Case& c : cases) {
    auto t = AuthTokens::Parse(c.text, "f");
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_EQ(t.status().message(), c.said);
    EXPECT_FALSE(absl::StrContains(t.status().message(), "abcdefghijklmnop")) << c.text;
  }
}

TEST(AuthTokens, ReplayMethodsNeedAReplayToken) {
  for (const char* m : {"/gpuledger.v1.ReplayService/StartReplay",
                        "/gpuledger.v1.ReplayService/CancelReplay",
                        "/gpuledger.v1.ReplayService/CompareStrategies",
                        "/gpuledger.v1.LedgerService/CompareStrategies"}) {
    EXPECT_EQ(NeededRole(m), Role::kReplay) << m;
  }
  for (const char* m : {"/gpuledger.v1.ReplayService/WatchReplay",
                        "/gpuledger.v1.LedgerService/GetCostReport", "/grpc.health.v1.Health/Check",
                        "/gpuledger.v1.ReplayService/StartReplayX", ""}) {
    EXPECT_EQ(NeededRole(m), Role::kRead) << m;
  }
  EXPECT_TRUE(IsOpenMethod("/grpc.health.v1.Health/Watch", {"health"}));
  EXPECT_FALSE(IsOpenMethod("/grpc.health.v1.Health/Watch", {"reflection"}));
  EXPECT_TRUE(IsOpenMethod("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                           {"reflection"}));
  EXPECT_FALSE(IsOpenMethod("/gpuledger.v1.LedgerService/ListRuns", {"health", "reflection"}));
}

TEST(Exposure, LoopbackAlwaysElsewhereOnlyWithTlsOrInsecure) {
  for (const char* h : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"}) {
    EXPECT_TRUE(IsLoopbackHost(h)) << h;
  }
  for (const char* h : {"0.0.0.0", "::", "[::]", "10.0.0.1", "example.com", ""}) {
    EXPECT_FALSE(IsLoopbackHost(h)) << h;
  }
  ServeOptions o;
  std::ostringstream err;
  EXPECT_TRUE(CheckExposure("--listen", "127.0.0.1", false, o, err).ok());
  EXPECT_TRUE(CheckExposure("--listen", "0.0.0.0", /*tls=*/true, o, err).ok());
  EXPECT_EQ(err.str(), "");
  absl::Status refused = CheckExposure("--listen", "0.0.0.0", false, o, err);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(refused.message(), "--listen: 0.0.0.0 is not a loopback address"));
  o.insecure = true;
  EXPECT_TRUE(CheckExposure("--http", "0.0.0.0", false, o, err).ok());
  EXPECT_TRUE(absl::StrContains(err.str(), "warning: --http 0.0.0.0 without TLS")) << err.str();
  o.auth_tokens = "tokens";  // tokens in the clear: refused even so
  EXPECT_FALSE(CheckExposure("--listen", "10.0.0.1", false, o, err).ok());
}

}  // namespace
}  // namespace gpuledger::server

// `gpuledger serve --http`: a read-only web view of the ledger over HTTP
// (Boost.Beast): an index of runs and groups, each one's page (web/page.h),
// and /api/progress, the progress of the replays running on the server, which
// pages of running replays ask for every second. GET and HEAD only. On a
// loopback address it answers only a Host header naming it (127.0.0.1 or
// [::1], or localhost, with the port), so a page elsewhere cannot reach it
// by DNS rebinding; another address needs TLS or --insecure (auth.h's
// CheckExposure). With tokens, every request needs one (any role):
// "Authorization: Bearer TOKEN", or HTTP Basic with the token as the
// password, which browsers ask for. Every answer is built from a read-only
// connection of its own.
//
// Routes: "/" the index, "/runs/ID" a run's page (partial while it runs),
// "/groups/ID" a group's page, "/comparisons/ID" a comparison's (as kept
// by compare), "/api/progress" JSON. Anything else is 404;
// a path longer than kMaxTarget is 414; another method is 405.
#ifndef GPULEDGER_SERVER_HTTP_VIEW_H_
#define GPULEDGER_SERVER_HTTP_VIEW_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gpuledger/v1/ledger_service.pb.h"
#include "server/auth.h"

namespace gpuledger::server {

// The longest request target answered, bytes.
inline constexpr size_t kMaxTarget = 256;
// Connections served at once; one more is closed at once.
inline constexpr int kMaxHttpConnections = 64;
// Pages being built or waiting for a builder; one more is answered 503 (the
// index, run, group and comparison pages read the ledger on builder threads
// of their own, so /api/progress is answered at once whatever they cost).
inline constexpr int kMaxPageBuilds = 8;

// The replays running now by run id (thread-safe; called from the view's
// threads).
using RunningReplays = std::function<std::map<int64_t, gpuledger::v1::ReplayProgress>()>;
// The served page of a run while it runs on the server, with its running
// jobs' usage so far; nullopt once it is not running there.
using LivePages = std::function<std::optional<absl::StatusOr<std::string>>(int64_t run)>;

// What the view reads: the ledger's file, and the server's own replays.
struct HttpSources {
  std::string ledger_path;
  RunningReplays running;
  LivePages live;
};

struct HttpAnswer {
  int status = 200;
  std::string content_type;  // "text/html; charset=utf-8", "application/json"
  std::string body;
};

// What a GET of `target` answers.
HttpAnswer AnswerGet(absl::string_view target, const HttpSources& sources);

// OK when `listen` is HOST:PORT with an IP address (or localhost) and a
// port from 0 to 65535, the address a loopback one unless `exposed`;
// InvalidArgument naming --http otherwise.
absl::Status CheckHttpListen(const std::string& listen, bool exposed = false);

// How the view is protected: TLS (with client certificates when the files
// name a client CA), tokens, and whether it may listen beyond loopback.
struct HttpSecurity {
  std::optional<TlsFiles> tls;
  std::shared_ptr<const AuthTokens> tokens;  // null: no token asked
  bool exposed = false;
};

class HttpView {
 public:
  // Listens on `listen` (HOST:PORT; port 0 picks a free one) with `threads`
  // threads; InvalidArgument names --http.
  static absl::StatusOr<std::unique_ptr<HttpView>> Start(const std::string& listen,
                                                         HttpSources sources,
                                                         HttpSecurity security = {},
                                                         int threads = 2);
  ~HttpView();  // stops
  HttpView(const HttpView&) = delete;
  HttpView& operator=(const HttpView&) = delete;

  // HOST:PORT it listens on.
  std::string address() const;
  // Stops accepting, closes every connection and joins the threads.
  void Stop();

  struct Impl;

 private:
  explicit HttpView(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gpuledger::server

#endif  // GPULEDGER_SERVER_HTTP_VIEW_H_

// `gpuledger serve`: the ledger and replays over gRPC.
//
// Threads: gRPC's own pool runs the handlers; one thread runs a Boost.Asio
// io_context that owns every write of StartReplay's replays (they advance
// there in steps, each step one transaction, paced by steady_timer when
// asked; CompareStrategies replays on its handler's thread through a ledger
// connection of its own, which WAL lets write beside the io thread), and
// the signal_set for SIGINT/SIGTERM. The main thread waits for a shutdown
// request and then stops gRPC from outside the io_context's thread: gRPC's
// Shutdown waits for handlers, and a handler watching a replay waits on
// work that only the io_context can finish.
#ifndef GPULEDGER_SERVER_SERVER_H_
#define GPULEDGER_SERVER_SERVER_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace gpuledger::server {

struct ServeOptions {
  std::string ledger_path;
  // host:port; loopback unless told otherwise. Port 0 picks a free port.
  std::string listen = "127.0.0.1:50051";
  // Simulated seconds per wall-clock second for replays that do not ask
  // for their own; 0 runs them as fast as possible.
  double speed = 0;
  // Replays running at once; one more is refused with RESOURCE_EXHAUSTED.
  int max_replays = 4;
  // Where StartReplay finds plans given by name.
  std::string traces_dir;
  // Largest request or response, bytes.
  int max_message_bytes = 16 * 1024 * 1024;
  // HOST:PORT of the read-only web view (server/http_view.h); "" for none.
  std::string http;

  // Exposure (docs/security.md). TLS for the gRPC port and the web view:
  // PEM certificate chain and key; with a client CA, clients must present a
  // certificate it signed.
  std::string tls_cert, tls_key, tls_client_ca;
  // Serve a non-loopback address without TLS (a warning is printed).
  bool insecure = false;
  // "TOKEN ROLE" lines (server/auth.h); "" for no tokens: every caller
  // may do everything.
  std::string auth_tokens;
  // Services open without a token: "health", "reflection".
  std::vector<std::string> allow_unauthenticated;
  // Limits; over one, RESOURCE_EXHAUSTED naming it.
  int max_page_size = 1000;         // rows a list call may ask for
  int max_replays_per_token = 0;    // replays (and comparisons) one token runs at once; 0: --max-replays
  int max_watches = 64;             // WatchReplay streams open at once
};

// Serves until SIGINT or SIGTERM, then shuts down gracefully: running
// replays stop at a transaction boundary and are marked cancelled, watchers
// get their final message, and Serve returns OK. Prints one line
// "listening on HOST:PORT" to `out` once it accepts calls.
// Warnings (an address served in the clear, a tokens file others may read)
// go to `err`.
absl::Status Serve(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace gpuledger::server

#endif  // GPULEDGER_SERVER_SERVER_H_

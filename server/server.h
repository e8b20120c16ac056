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
};

// Serves until SIGINT or SIGTERM, then shuts down gracefully: running
// replays stop at a transaction boundary and are marked cancelled, watchers
// get their final message, and Serve returns OK. Prints one line
// "listening on HOST:PORT" to `out` once it accepts calls.
absl::Status Serve(const ServeOptions& options, std::ostream& out);

}  // namespace gpuledger::server

#endif  // GPULEDGER_SERVER_SERVER_H_

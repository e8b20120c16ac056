// `gpuledger query`: a gRPC client of a running `gpuledger serve`, printing
// what it gets in the same formats as the local commands.
#ifndef GPULEDGER_SERVER_QUERY_H_
#define GPULEDGER_SERVER_QUERY_H_

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "absl/status/status.h"

namespace gpuledger::server {

struct QueryOptions {
  std::string server = "127.0.0.1:50051";
  double timeout_seconds = 30;   // deadline of each call
  std::string what;              // runs, jobs, usage, report or group
  std::optional<int64_t> run;    // default: the newest complete run
  std::optional<int64_t> group;  // group: required; runs: only this group's
  std::string format = "table";  // table, csv or json
  // report
  std::string view = "both";
  std::string by = "job";
  bool partial = false;
  std::optional<double> rental_usd_per_gpu_hour;  // what-if price
  // usage filters
  std::string job, phase, category;
  int64_t from_seconds = 0;
  int64_t to_seconds = 0;
  // Security (docs/security.md): TLS with the system's roots, or with
  // these roots (PEM); a client certificate and key for servers that ask
  // for one; the file holding the token to send (else $GPULEDGER_TOKEN).
  bool tls = false;
  std::string tls_ca, tls_cert, tls_key;
  std::string token_file;
};

// Errors carry the server's status code and message.
absl::Status RunQuery(const QueryOptions& options, std::ostream& out);

}  // namespace gpuledger::server

#endif  // GPULEDGER_SERVER_QUERY_H_

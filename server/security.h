// A server safe to expose (docs/security.md): which addresses it may
// listen on, its TLS credentials, and the token check every gRPC call goes
// through before its handler runs. Internal to server/.
#ifndef GPULEDGER_SERVER_SECURITY_H_
#define GPULEDGER_SERVER_SECURITY_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/auth_metadata_processor.h>

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/auth.h"
#include "server/server.h"

namespace gpuledger::server {

// Credentials for the gRPC port: TLS when given; else, with tokens, local
// credentials (loopback TCP, plaintext, which let the token check run);
// else none. The token check, when there are tokens, runs on every call.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const std::optional<TlsFiles>& tls, std::shared_ptr<const AuthTokens> tokens,
    const std::vector<std::string>& open);

// The caller of a call, from its authorization metadata (the token check
// has already let it in): {kReplay, 0} when there are no tokens.
Caller CallerOf(const grpc::ServerContext& context, const AuthTokens* tokens);

}  // namespace gpuledger::server

#endif  // GPULEDGER_SERVER_SECURITY_H_

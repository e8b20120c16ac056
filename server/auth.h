// Who may call what, and where (docs/security.md): the bearer tokens of
// `gpuledger serve --auth-tokens FILE`, each with a role, which role each
// gRPC method needs, the TLS files, and which addresses a server may
// listen on. Shared by the gRPC server and the web view; no gRPC here.
#ifndef GPULEDGER_SERVER_AUTH_H_
#define GPULEDGER_SERVER_AUTH_H_

#include <array>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/server.h"

namespace gpuledger::server {

// A replay token may do everything a read token may, and start, cancel
// and compare (which replays) too.
enum class Role { kNone = 0, kRead = 1, kReplay = 2 };
// "read", "replay" ("none" for kNone).
const char* RoleName(Role role);

// Who a call comes from: the role of its token and which token it is (its
// line in the file, for per-token limits and for messages, which never show
// a token); with no tokens configured, everyone is {kReplay, 0}.
struct Caller {
  Role role = Role::kNone;
  int line = 0;
};

class AuthTokens {
 public:
  // Reads `path`: one token per line and its role, "TOKEN ROLE" (read or
  // replay), blank lines and lines starting with # ignored. A token is 16
  // to 256 characters of A-Z a-z 0-9 - . _ ~ + / = (RFC 6750's token
  // characters); the same token twice is refused. Errors name the file,
  // the line and the field, never the token. A file others may read gets a
  // warning on `warn`.
  static absl::StatusOr<std::shared_ptr<const AuthTokens>> Load(const std::string& path,
                                                                std::ostream& warn);
  // The tokens given as "TOKEN ROLE" lines (tests).
  static absl::StatusOr<std::shared_ptr<const AuthTokens>> Parse(absl::string_view text,
                                                                 absl::string_view name);

  // The caller `token` is; kNone if it is none of these. Compared as
  // SHA-256 digests in constant time against every token, so neither the
  // time taken nor anything kept reveals a token.
  Caller Find(absl::string_view token) const;
  // The caller an Authorization header names: "Bearer TOKEN", or (with
  // `basic`, for browsers) "Basic base64(USER:TOKEN)" with any user name.
  Caller FromHeader(absl::string_view value, bool basic = false) const;
  size_t size() const { return tokens_.size(); }

 private:
  struct Token {
    std::array<unsigned char, 32> digest;
    Role role;
    int line;
  };
  std::vector<Token> tokens_;
};

// OK if `token` is one a tokens file may hold: 16 to 256 characters of
// A-Z a-z 0-9 - . _ ~ + / = on one line; else InvalidArgument saying so,
// without the token.
absl::Status CheckTokenText(absl::string_view token);

// The role a gRPC method ("/package.Service/Method") needs: kReplay for
// the methods that start, cancel or compare replays, kRead for any other.
Role NeededRole(absl::string_view method);

// Services a server may open to callers without a token
// (--allow-unauthenticated): "health" (grpc.health.v1.Health) and
// "reflection" (grpc.reflection.*).
inline constexpr absl::string_view kOpenableServices[] = {"health", "reflection"};
// True if `method` belongs to one of `open` (names from kOpenableServices).
bool IsOpenMethod(absl::string_view method, const std::vector<std::string>& open);

// The whole of the file `flag` names; InvalidArgument "FLAG: PATH: cannot
// read it" if it cannot be read.
absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag, const std::string& path);

// True for an address only this machine reaches: 127.0.0.0/8, ::1 (with
// or without brackets), localhost.
bool IsLoopbackHost(std::string host);

// The files --tls-cert, --tls-key and --tls-client-ca name, read.
struct TlsFiles {
  std::string cert, key, client_ca;  // PEM; client_ca empty: no client certificates asked
};
// Empty (no TLS) when neither --tls-cert nor --tls-key is given; both or
// neither, and --tls-client-ca only with them. Errors name the flag and file.
absl::StatusOr<std::optional<TlsFiles>> ReadTlsFiles(const ServeOptions& o);

// Whether `flag` (--listen or --http) may listen on `host`: a loopback
// address always; another only with TLS, or with --insecure (a warning on
// `err` then) and no tokens, which would cross the network in the clear.
absl::Status CheckExposure(absl::string_view flag, const std::string& host, bool tls,
                           const ServeOptions& o, std::ostream& err);

}  // namespace gpuledger::server

#endif  // GPULEDGER_SERVER_AUTH_H_

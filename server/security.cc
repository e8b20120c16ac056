#include "server/security.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/server_credentials.h>

#include <optional>
#include <ostream>

#include "absl/strings/str_cat.h"

namespace gpuledger::server {

namespace {

// The metadata value of `key`, if the call has it.
std::optional<std::string> Value(const grpc::AuthMetadataProcessor::InputMetadata& md,
                                 absl::string_view key) {
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return std::nullopt;
  return std::string(it->second.data(), it->second.size());
}

// Runs before every call's handler: a missing or unknown token is
// UNAUTHENTICATED, a read token on a replay method PERMISSION_DENIED.
// Nothing here writes a token anywhere.
class TokenCheck final : public grpc::AuthMetadataProcessor {
 public:
  TokenCheck(std::shared_ptr<const AuthTokens> tokens, std::vector<std::string> open)
      : tokens_(std::move(tokens)), open_(std::move(open)) {}

  bool IsBlocking() const override { return false; }  // no I/O: answer inline

  grpc::Status Process(const InputMetadata& md, grpc::AuthContext*, OutputMetadata*,
                       OutputMetadata*) override {
    const std::string method = Value(md, ":path").value_or("");
    if (IsOpenMethod(method, open_)) return grpc::Status::OK;
    const std::optional<std::string> header = Value(md, "authorization");
    if (!header) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "this server needs a token: send the metadata "
                          "\"authorization: Bearer TOKEN\"");
    }
    const Caller c = tokens_->FromHeader(*header);
    if (c.role == Role::kNone) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "authorization: not a token this server accepts");
    }
    if (c.role < NeededRole(method)) {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                          absl::StrCat(method, " needs a replay token; this one (line ", c.line,
                                       " of the tokens file) may only read"));
    }
    return grpc::Status::OK;
  }

 private:
  std::shared_ptr<const AuthTokens> tokens_;
  std::vector<std::string> open_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const std::optional<TlsFiles>& tls, std::shared_ptr<const AuthTokens> tokens,
    const std::vector<std::string>& open) {
  std::shared_ptr<grpc::ServerCredentials> creds;
  if (tls) {
    grpc::SslServerCredentialsOptions ssl(
        tls->client_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                               : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_key_cert_pairs.push_back({tls->key, tls->cert});
    ssl.pem_root_certs = tls->client_ca;
    creds = grpc::SslServerCredentials(ssl);
  } else if (tokens) {
    creds = grpc::experimental::LocalServerCredentials(LOCAL_TCP);
  } else {
    return grpc::InsecureServerCredentials();
  }
  if (creds == nullptr) return absl::InvalidArgumentError("--tls-cert: cannot use these files");
  if (tokens) creds->SetAuthMetadataProcessor(std::make_shared<TokenCheck>(std::move(tokens), open));
  return creds;
}

Caller CallerOf(const grpc::ServerContext& context, const AuthTokens* tokens) {
  if (tokens == nullptr) return {Role::kReplay, 0};
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return {};
  return tokens->FromHeader(absl::string_view(it->second.data(), it->second.size()));
}

}  // namespace gpuledger::server

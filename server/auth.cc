#include "server/auth.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <boost/asio/ip/address.hpp>
#include <fstream>
#include <ostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/sha256.h"

namespace gpuledger::server {

namespace {

std::array<unsigned char, 32> DigestOf(absl::string_view token) {
  base::Sha256 sha;
  sha.Update(token);
  const std::string d = sha.Digest();
  std::array<unsigned char, 32> out{};
  std::copy(d.begin(), d.end(), out.begin());
  return out;
}

bool TokenCharacter(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '+' || c == '/' || c == '=';
}

constexpr size_t kMinToken = 16, kMaxToken = 256;

}  // namespace

absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag, const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, ": cannot read it"));
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

namespace {

absl::StatusOr<std::string> ReadPem(const char* flag, const std::string& path) {
  absl::StatusOr<std::string> s = ReadFlagFile(flag, path);
  if (!s.ok()) return s;
  if (s->find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", path, ": not a PEM file (no -----BEGIN line)"));
  }
  return s;
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kRead:
      return "read";
    case Role::kReplay:
      return "replay";
    case Role::kNone:
      break;
  }
  return "none";
}

absl::StatusOr<std::shared_ptr<const AuthTokens>> AuthTokens::Load(const std::string& path,
                                                                   std::ostream& warn) {
  absl::StatusOr<std::string> text = ReadFlagFile("--auth-tokens", path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--auth-tokens: ", path, ": cannot read the tokens file"));
  }
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    warn << "gpuledger: warning: --auth-tokens " << path
         << ": others may read this file (chmod 600 " << path << ")\n";
  }
  absl::StatusOr<std::shared_ptr<const AuthTokens>> t = Parse(*text, path);
  if (!t.ok()) return absl::InvalidArgumentError(absl::StrCat("--auth-tokens: ", t.status().message()));
  return t;
}

absl::StatusOr<std::shared_ptr<const AuthTokens>> AuthTokens::Parse(absl::string_view text,
                                                                    absl::string_view name) {
  auto out = std::make_shared<AuthTokens>();
  int line = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line;
    absl::string_view l = absl::StripAsciiWhitespace(raw);
    if (l.empty() || l[0] == '#') continue;
    std::vector<absl::string_view> fields = absl::StrSplit(l, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    const auto where = [&](absl::string_view field) { return absl::StrCat(name, ":", line, ": ", field); };
    if (fields.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          where("line"), ": expected \"TOKEN ROLE\" (two fields), got ", fields.size()));
    }
    const absl::string_view token = fields[0], role = fields[1];
    if (absl::Status c = CheckTokenText(token); !c.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(where("token"), ": ", c.message()));
    }
    Token t{DigestOf(token), Role::kNone, line};
    if (role == "read") t.role = Role::kRead;
    if (role == "replay") t.role = Role::kReplay;
    if (t.role == Role::kNone) {
      // Not echoed: a line of two tokens would show the second.
      return absl::InvalidArgumentError(
          absl::StrCat(where("role"), ": must be read or replay (the second field of the line)"));
    }
    for (const Token& other : out->tokens_) {
      if (other.digest == t.digest) {
        return absl::InvalidArgumentError(
            absl::StrCat(where("token"), ": the same token as on line ", other.line));
      }
    }
    out->tokens_.push_back(t);
  }
  if (out->tokens_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": no tokens in the file"));
  }
  return std::shared_ptr<const AuthTokens>(std::move(out));
}

absl::Status CheckTokenText(absl::string_view token) {
  if (token.size() < kMinToken || token.size() > kMaxToken) {
    return absl::InvalidArgumentError(absl::StrCat("must be ", kMinToken, " to ", kMaxToken,
                                                   " characters, got ", token.size()));
  }
  for (const char c : token) {
    if (!TokenCharacter(c)) {
      return absl::InvalidArgumentError(
          "may hold only A-Z a-z 0-9 - . _ ~ + / = (RFC 6750), on one line");
    }
  }
  return absl::OkStatus();
}

Caller AuthTokens::Find(absl::string_view token) const {
  const std::array<unsigned char, 32> digest = DigestOf(token);
  Caller found;
  // Every token compared, whichever matches.
  for (const Token& t : tokens_) {
    const bool same = CRYPTO_memcmp(t.digest.data(), digest.data(), digest.size()) == 0;
    if (same) found = {t.role, t.line};
  }
  return found;
}

Caller AuthTokens::FromHeader(absl::string_view value, bool basic) const {
  value = absl::StripAsciiWhitespace(value);
  constexpr absl::string_view kBearer = "bearer ", kBasic = "basic ";
  if (value.size() > kBearer.size() && absl::StartsWithIgnoreCase(value, kBearer)) {
    return Find(absl::StripLeadingAsciiWhitespace(value.substr(kBearer.size())));
  }
  if (basic && value.size() > kBasic.size() && absl::StartsWithIgnoreCase(value, kBasic)) {
    std::string decoded;
    if (!absl::Base64Unescape(absl::StripLeadingAsciiWhitespace(value.substr(kBasic.size())),
                              &decoded)) {
      return {};
    }
    const size_t colon = decoded.find(':');
    if (colon == std::string::npos) return {};
    return Find(absl::string_view(decoded).substr(colon + 1));
  }
  return {};
}

Role NeededRole(absl::string_view method) {
  for (absl::string_view m :
       {"/gpuledger.v1.ReplayService/StartReplay", "/gpuledger.v1.ReplayService/CancelReplay",
        "/gpuledger.v1.ReplayService/CompareStrategies",
        "/gpuledger.v1.LedgerService/CompareStrategies"}) {
    if (method == m) return Role::kReplay;
  }
  return Role::kRead;
}

bool IsOpenMethod(absl::string_view method, const std::vector<std::string>& open) {
  for (const std::string& service : open) {
    if (service == "health" && absl::StartsWith(method, "/grpc.health.v1.Health/")) return true;
    if (service == "reflection" && absl::StartsWith(method, "/grpc.reflection.")) return true;
  }
  return false;
}

bool IsLoopbackHost(std::string host) {
  if (host == "localhost") return true;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const boost::asio::ip::address a = boost::asio::ip::make_address(host, ec);
  return !ec && a.is_loopback();
}

absl::StatusOr<std::optional<TlsFiles>> ReadTlsFiles(const ServeOptions& o) {
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key: give both or neither");
  }
  if (o.tls_cert.empty()) {
    if (!o.tls_client_ca.empty()) {
      return absl::InvalidArgumentError("--tls-client-ca: needs --tls-cert and --tls-key");
    }
    return std::optional<TlsFiles>();
  }
  TlsFiles f;
  absl::StatusOr<std::string> cert = ReadPem("--tls-cert", o.tls_cert);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem("--tls-key", o.tls_key);
  if (!key.ok()) return key.status();
  f.cert = *std::move(cert);
  f.key = *std::move(key);
  // Checked here, so that a wrong file is named, not found out by gRPC as a
  // port it cannot listen on.
  X509* x509 = nullptr;
  EVP_PKEY* pkey = nullptr;
  {
    BIO* b = BIO_new_mem_buf(f.cert.data(), static_cast<int>(f.cert.size()));
    x509 = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    b = BIO_new_mem_buf(f.key.data(), static_cast<int>(f.key.size()));
    pkey = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
    BIO_free(b);
  }
  absl::Status bad;
  if (x509 == nullptr) {
    bad = absl::InvalidArgumentError(
        absl::StrCat("--tls-cert: ", o.tls_cert, ": no PEM certificate in it"));
  } else if (pkey == nullptr) {
    bad = absl::InvalidArgumentError(
        absl::StrCat("--tls-key: ", o.tls_key, ": no PEM private key in it (or one with a passphrase)"));
  } else if (X509_check_private_key(x509, pkey) != 1) {
    bad = absl::InvalidArgumentError(absl::StrCat("--tls-key: ", o.tls_key,
                                                  " is not the key of the certificate in --tls-cert ",
                                                  o.tls_cert));
  }
  X509_free(x509);
  EVP_PKEY_free(pkey);
  ERR_clear_error();
  if (!bad.ok()) return bad;
  if (!o.tls_client_ca.empty()) {
    absl::StatusOr<std::string> ca = ReadPem("--tls-client-ca", o.tls_client_ca);
    if (!ca.ok()) return ca.status();
    f.client_ca = *std::move(ca);
    BIO* b = BIO_new_mem_buf(f.client_ca.data(), static_cast<int>(f.client_ca.size()));
    X509* first = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    const bool has_cert = first != nullptr;
    X509_free(first);
    ERR_clear_error();
    if (!has_cert) {
      return absl::InvalidArgumentError(
          absl::StrCat("--tls-client-ca: ", o.tls_client_ca, ": no PEM certificate in it"));
    }
  }
  return std::optional<TlsFiles>(std::move(f));
}

absl::Status CheckExposure(absl::string_view flag, const std::string& host, bool tls,
                           const ServeOptions& o, std::ostream& err) {
  if (IsLoopbackHost(host) || tls) return absl::OkStatus();
  if (!o.insecure) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": ", host,
        " is not a loopback address: give --tls-cert and --tls-key to serve it with TLS, or "
        "--insecure to serve it in the clear anyway"));
  }
  if (!o.auth_tokens.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": ", host,
        " is not a loopback address and has no TLS: the tokens would cross the network in the "
        "clear; give --tls-cert and --tls-key"));
  }
  err << "gpuledger: warning: " << flag << " " << host
      << " without TLS or tokens (--insecure): anyone who reaches it can read the ledger"
      << (flag == "--listen" ? " and start replays" : "") << "\n";
  return absl::OkStatus();
}

}  // namespace gpuledger::server

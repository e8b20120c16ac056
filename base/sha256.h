// SHA-256 (OpenSSL's libcrypto), fed in pieces so a large trace (or a
// ledger run's entries) is hashed without being held in memory.
#ifndef GPULEDGER_BASE_SHA256_H_
#define GPULEDGER_BASE_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

struct evp_md_ctx_st;

namespace gpuledger::base {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(absl::string_view bytes);
  // The 32 bytes of the digest of everything given so far; call once.
  std::string Digest();
  // The same as lower-case hex.
  std::string HexDigest();

 private:
  evp_md_ctx_st* ctx_;
};

}  // namespace gpuledger::base

#endif  // GPULEDGER_BASE_SHA256_H_

// TLS for the service port: the self-signed certificate go-livepeer generates at every start, and
// the OpenSSL server context (TLS 1.2-1.3, ALPN "h2" then "http/1.1").
//
// WriteSelfSignedCertificate creates an ECDSA P-256 key (PEM "EC PRIVATE KEY") and a self-signed
// certificate (IsCA, KeyUsage CertSign|DigitalSignature, ExtKeyUsage ServerAuth, SAN DNS = host,
// random 128-bit serial, valid 8765 h) and writes them as cert.pem / key.pem into a directory.
// Peers use InsecureSkipVerify, so only the shape matters.
//
// Ownership: TlsServerContext owns its SSL_CTX; connections take their own SSL objects from it.
// Threads: an SSL_CTX is safe to share between loop threads once built.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace baton::http {

struct CertificatePaths {
  std::string cert_pem;
  std::string key_pem;
};

// Overwrites <dir>/cert.pem and <dir>/key.pem (the key file is created mode 0600).
absl::StatusOr<CertificatePaths> WriteSelfSignedCertificate(const std::string& dir,
                                                            const std::string& host);

class TlsServerContext {
 public:
  static absl::StatusOr<std::unique_ptr<TlsServerContext>> Create(const CertificatePaths& paths);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  SSL_CTX* ctx() const { return ctx_; }

 private:
  explicit TlsServerContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

}  // namespace baton::http

#include "net/tls_context.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/private_file.h"

namespace baton::http {

namespace {

constexpr long kValiditySeconds = 8765L * 3600;

std::string OpenSslError(std::string_view what) {
  std::string message(what);
  if (unsigned long code = ERR_get_error(); code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    absl::StrAppend(&message, ": ", buffer);
  }
  ERR_clear_error();
  return message;
}

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertDeleter {
  void operator()(X509* cert) const { X509_free(cert); }
};

bool AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  const bool added = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return added;
}

bool SetRandomSerial(X509* cert) {
  BIGNUM* serial = BN_new();
  bool ok = serial != nullptr && BN_rand(serial, 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
            BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert)) != nullptr;
  BN_free(serial);
  return ok;
}

std::string SubjectAltName(const std::string& host) {
  in6_addr addr;
  if (inet_pton(AF_INET, host.c_str(), &addr) == 1 ||
      inet_pton(AF_INET6, host.c_str(), &addr) == 1) {
    // An IP literal is also a valid IP SAN, so strict clients can verify it too.
    return absl::StrCat("DNS:", host, ",IP:", host);
  }
  return absl::StrCat("DNS:", host);
}

absl::StatusOr<std::unique_ptr<X509, CertDeleter>> MakeCertificate(EVP_PKEY* key,
                                                                   const std::string& host) {
  std::unique_ptr<X509, CertDeleter> cert(X509_new());
  if (!cert) return absl::InternalError(OpenSslError("X509_new"));
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1, 0);
  const bool ok =
      X509_set_version(cert.get(), 2) == 1 && SetRandomSerial(cert.get()) &&
      X509_set_issuer_name(cert.get(), name) == 1 &&
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) != nullptr &&
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds) != nullptr &&
      X509_set_pubkey(cert.get(), key) == 1 &&
      AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") &&
      AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign") &&
      AddExtension(cert.get(), NID_ext_key_usage, "serverAuth") &&
      AddExtension(cert.get(), NID_subject_alt_name, SubjectAltName(host)) &&
      X509_sign(cert.get(), key, EVP_sha256()) > 0;
  if (!ok) return absl::InternalError(OpenSslError("building the self-signed certificate"));
  return cert;
}

// PEM text of whatever `write` puts into a memory BIO; empty on failure.
std::string ToPem(const std::function<int(BIO*)>& write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || write(bio.get()) != 1) return "";
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : "";
}

int SelectAlpn(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in,
               unsigned int in_len, void*) {
  static const unsigned char kServerProtocols[] = "\x02h2\x08http/1.1";
  unsigned char* selected = nullptr;
  // Server preference order: h2 wins whenever the client offers it.
  if (SSL_select_next_proto(&selected, out_len, kServerProtocols, sizeof(kServerProtocols) - 1, in,
                            in_len) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

absl::StatusOr<CertificatePaths> WriteSelfSignedCertificate(const std::string& dir,
                                                            const std::string& host) {
  std::unique_ptr<EVP_PKEY, KeyDeleter> key(EVP_EC_gen("P-256"));
  if (!key) return absl::InternalError(OpenSslError("generating the P-256 key"));
  auto cert = MakeCertificate(key.get(), host);
  if (!cert.ok()) return cert.status();
  CertificatePaths paths{dir + "/cert.pem", dir + "/key.pem"};
  const std::string cert_pem = ToPem([&](BIO* b) { return PEM_write_bio_X509(b, cert->get()); });
  // "EC PRIVATE KEY" (SEC1), the form Go writes.
  const std::string key_pem = ToPem([&](BIO* b) {
    return PEM_write_bio_PrivateKey_traditional(b, key.get(), nullptr, nullptr, 0, nullptr,
                                                nullptr);
  });
  if (cert_pem.empty() || key_pem.empty()) {
    return absl::InternalError(OpenSslError("encoding the certificate and key"));
  }
  // Both are new each start and replace the last ones: created O_EXCL|O_NOFOLLOW with mode
  // 0600 under a temporary name, then renamed over the old file (or a planted symlink).
  for (const auto& [path, pem] : {std::pair{paths.cert_pem, cert_pem}, {paths.key_pem, key_pem}}) {
    if (absl::Status s = WritePrivateFile(path, pem, Existing::kReplace); !s.ok()) return s;
  }
  return paths;
}

absl::StatusOr<std::unique_ptr<TlsServerContext>> TlsServerContext::Create(
    const CertificatePaths& paths) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return absl::InternalError(OpenSslError("SSL_CTX_new"));
  std::unique_ptr<TlsServerContext> context(new TlsServerContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(ctx, paths.cert_pem.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, paths.key_pem.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    return absl::InvalidArgumentError(
        OpenSslError(absl::StrCat("loading ", paths.cert_pem, " / ", paths.key_pem)));
  }
  SSL_CTX_set_alpn_select_cb(ctx, &SelectAlpn, nullptr);
  return context;
}

TlsServerContext::~TlsServerContext() { SSL_CTX_free(ctx_); }

}  // namespace baton::http

#include "orchestrator/auth_token.h"

#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "common/hex.h"
#include "crypto/hmac.h"

namespace baton::orchestrator {
namespace {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n));
  return out;
}

std::string MinimalBigEndian(int64_t value) {
  std::string out;
  auto v = static_cast<uint64_t>(value);
  while (v != 0) {
    out.insert(out.begin(), static_cast<char>(v & 0xff));
    v >>= 8;
  }
  return out;
}

}  // namespace

std::string RandomSessionId() { return HexEncode(RandomBytes(4)); }

AuthTokenIssuer::AuthTokenIssuer(Clock clock) : key_(RandomBytes(32)), clock_(std::move(clock)) {}

int64_t AuthTokenIssuer::Now() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string AuthTokenIssuer::Mac(const std::string& session_id, int64_t expiration) const {
  std::string msg = session_id + MinimalBigEndian(expiration);
  unsigned char out[32];
  unsigned int len = sizeof(out);
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

net::AuthToken AuthTokenIssuer::Issue() const { return IssueFor(RandomSessionId()); }

net::AuthToken AuthTokenIssuer::IssueFor(const std::string& session_id) const {
  net::AuthToken token;
  int64_t expiration = Now() + kValiditySeconds;
  token.set_session_id(session_id);
  token.set_expiration(expiration);
  token.set_token(Mac(session_id, expiration));
  return token;
}

bool AuthTokenIssuer::MacMatches(const net::AuthToken& token) const {
  std::string expected = Mac(token.session_id(), token.expiration());
  return crypto::ConstantTimeEquals(token.token(), expected);
}

absl::Status AuthTokenIssuer::Verify(const net::AuthToken* token) const {
  if (token == nullptr) return absl::UnauthenticatedError("missing auth token");
  if (!MacMatches(*token)) return absl::UnauthenticatedError("invalid auth token");
  if (Now() > token->expiration()) return absl::UnauthenticatedError("expired auth token");
  return absl::OkStatus();
}

}  // namespace baton::orchestrator

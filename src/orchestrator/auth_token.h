// Session auth tokens: what GetOrchestrator hands a gateway and every job carries back.
//
// A token names a new 8-hex-char session id and an expiry 30 minutes out, and carries
// HMAC-SHA256(process key, session_id ‖ minimal big-endian(expiration)). The key is 32 random
// bytes drawn when the issuer is constructed and never stored, so tokens do not survive a
// restart (gateways then ask for new ones, as with go-livepeer). Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "lp_rpc.pb.h"

namespace baton::orchestrator {

class AuthTokenIssuer {
 public:
  using Clock = std::function<int64_t()>;  // unix seconds
  static constexpr int64_t kValiditySeconds = int64_t{30} * 60;

  // clock defaults to the system clock; tests pass their own.
  explicit AuthTokenIssuer(Clock clock = nullptr);

  // A fresh session id and token valid for kValiditySeconds.
  net::AuthToken Issue() const;
  // A token for an existing session id (responses keep the gateway's session).
  net::AuthToken IssueFor(const std::string& session_id) const;

  // Checks in go-livepeer's order: "missing auth token", "invalid auth token",
  // "expired auth token".
  absl::Status Verify(const net::AuthToken* token) const;
  // MAC check only, no expiry: EndTranscodingSession's rule.
  bool MacMatches(const net::AuthToken& token) const;

 private:
  std::string Mac(const std::string& session_id, int64_t expiration) const;
  int64_t Now() const;

  std::string key_;
  Clock clock_;
};

// 8 lower-case hex chars from 4 random bytes, as core.RandomManifestID.
std::string RandomSessionId();

}  // namespace baton::orchestrator

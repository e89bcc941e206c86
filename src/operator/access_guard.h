// The operator port's access guard: who may talk to -cliAddr at all, decided from a request's
// head before its body is read (router.h's guard), for every operator route.
//
// The operator API moves money (bond, reward, redeem) and has no CSRF tokens, so a request is
// refused when it cannot be from the operator's own tools:
//   - Host must name the API: the bind host:port, and for a loopback bind also localhost,
//     127.0.0.1 and [::1] on that port (a browser that was DNS-rebound to us still sends the
//     attacker's name). A wildcard bind (0.0.0.0, [::]) accepts any Host: it always needs the
//     token, which a rebinding page does not have.                                   → 403
//   - Origin, when present (browsers send it on every POST and CORS request), must be the API's
//     own http:// origin as above ("null" is refused).                                   → 403
//   - Sec-Fetch-Site other than same-origin or none (a user-typed URL): the browser says that
//     another site (or another port of this host) made the request.                      → 403
//   - With a token (any non-loopback bind, or -cliAuth): `Authorization: Bearer <token>` or
//     HTTP Basic with any user name and the token as password, compared in constant time. → 401
// Tools that send no Origin and a matching Host (livepeer_cli, curl, Prometheus) pass.
//
// OperatorCookie holds the token: 32 random bytes, hex, in <dataDir>/operator.cookie (as
// bitcoind's .cookie), created 0600 without following links, replaced at every start and
// removed when the node stops.
//
// Threads: configure before the server starts (set_port right after Start); Check is const and
// may run on any number of loop threads at once.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "net/http_message.h"
#include "net/router.h"

namespace baton::ops {

// 127.0.0.0/8, [::1] or localhost (any case).
bool IsLoopbackHost(std::string_view host);
// 0.0.0.0, [::], :: or "": every interface.
bool IsWildcardHost(std::string_view host);

class AccessGuard {
 public:
  // `bind_host` as given to -cliAddr ("127.0.0.1", "[::1]", "0.0.0.0", "10.0.0.5", a name);
  // `port` the bound port (0 until set_port when the OS picks it); `token` empty: none needed.
  AccessGuard(std::string bind_host, int port, std::string token);

  void set_port(int port) { port_.store(port); }
  // nullopt: let the request through; otherwise the 401/403 to answer.
  std::optional<http::Rejection> Check(const http::HttpRequest& head) const;

 private:
  // Whether "host[:port]" (a Host value or an Origin's authority) names this API.
  bool IsOwnAuthority(std::string_view authority) const;
  bool HasToken(const http::HttpRequest& head) const;

  std::vector<std::string> own_hosts_;  // lower case; empty for a wildcard bind
  std::atomic<int> port_;
  std::string token_;
};

// 32 random bytes, hex: a new operator token.
absl::StatusOr<std::string> NewOperatorToken();

// The operator token's file. Write replaces whatever is at `path` (a link is replaced, never
// followed); the destructor removes it.
class OperatorCookie {
 public:
  static absl::StatusOr<std::unique_ptr<OperatorCookie>> Write(std::string path, std::string token);
  OperatorCookie(const OperatorCookie&) = delete;
  OperatorCookie& operator=(const OperatorCookie&) = delete;
  ~OperatorCookie();

  const std::string& path() const { return path_; }
  const std::string& token() const { return token_; }

 private:
  OperatorCookie(std::string path, std::string token)
      : path_(std::move(path)), token_(std::move(token)) {}
  std::string path_;
  std::string token_;
};

// The operator port's access control as the node sets it up: the guard (the router holds it
// too) and, when a token is needed, its cookie. Destroying it removes the cookie: do so after
// the operator server stopped.
struct OperatorAccess {
  std::shared_ptr<AccessGuard> guard;
  std::string token;        // "" when none is needed
  std::string cookie_path;  // <dataDir>/operator.cookie when one is
  std::string why;          // why a token is needed, for the log line
  std::unique_ptr<OperatorCookie> cookie;

  // Once the operator server listens on `port`: the guard learns the port, and the cookie is
  // written (only now, so that a node started by mistake on a running node's dataDir, whose
  // bind fails, leaves the running node's cookie alone) and named in the log.
  absl::Status Started(int port);
};

// Guards `router` for an operator API bound to `bind_host`:`port`. A token is required when the
// bind is not loopback or `require_token` (-cliAuth); its cookie goes in `data_dir`.
absl::StatusOr<OperatorAccess> InstallOperatorAccess(const std::string& bind_host, int port,
                                                     bool require_token,
                                                     const std::string& data_dir,
                                                     http::Router& router);

}  // namespace baton::ops

#include "operator/access_guard.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/hex.h"

namespace baton::ops {
namespace {

struct Authority {
  std::string host;  // lower case; IPv6 in brackets
  int port = 80;     // http's when absent
  bool operator==(const Authority&) const = default;
};

// "host", "host:port", "[v6]" or "[v6]:port"; nullopt for anything else.
std::optional<Authority> ParseAuthority(std::string_view text) {
  Authority a;
  std::string_view host = text, port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(0, close + 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else if (size_t colon = text.find(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty() || port.size() > 5) return std::nullopt;
  for (char c : host) {
    // Letters, digits and the punctuation of names and address literals only.
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
          c == ':' || c == '[' || c == ']'))
      return std::nullopt;
  }
  if (!port.empty()) {
    a.port = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return std::nullopt;
      a.port = a.port * 10 + (c - '0');
    }
    if (a.port > 65535) return std::nullopt;
  }
  a.host = http::ToLowerAscii(host);
  return a;
}

// Attacker-chosen text quoted in an answer: bounded and printable.
std::string Quote(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 100)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 100) out += "...";
  return "\"" + out + "\"";
}

http::Rejection Forbidden(std::string message) {
  return {403, "operator API: " + std::move(message), {}};
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  std::string h = http::ToLowerAscii(host);
  if (h == "localhost" || h == "[::1]" || h == "::1") return true;
  in_addr v4{};
  return inet_pton(AF_INET, h.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

bool IsWildcardHost(std::string_view host) {
  return host.empty() || host == "0.0.0.0" || host == "[::]" || host == "::";
}

AccessGuard::AccessGuard(std::string bind_host, int port, std::string token)
    : port_(port), token_(std::move(token)) {
  if (IsWildcardHost(bind_host)) return;
  own_hosts_.push_back(http::ToLowerAscii(bind_host));
  if (IsLoopbackHost(bind_host)) {
    for (const char* alias : {"localhost", "127.0.0.1", "[::1]"}) own_hosts_.push_back(alias);
  }
}

bool AccessGuard::IsOwnAuthority(std::string_view authority) const {
  auto a = ParseAuthority(authority);
  if (!a) return false;
  if (own_hosts_.empty()) return true;  // wildcard bind: the token protects it
  if (a->port != port_.load()) return false;
  for (const std::string& own : own_hosts_) {
    if (a->host == own) return true;
  }
  return false;
}

bool AccessGuard::HasToken(const http::HttpRequest& head) const {
  auto header = head.headers.Get("authorization");
  if (!header) return false;
  std::string_view value = *header;
  size_t space = value.find(' ');
  if (space == std::string_view::npos) return false;
  std::string scheme = http::ToLowerAscii(value.substr(0, space));
  std::string_view credentials = value.substr(space + 1);
  while (!credentials.empty() && credentials.front() == ' ') credentials.remove_prefix(1);
  while (!credentials.empty() && credentials.back() == ' ') credentials.remove_suffix(1);
  std::string candidate;
  if (scheme == "bearer") {
    candidate = std::string(credentials);
  } else if (scheme == "basic") {
    auto decoded = Base64Decode(credentials);
    if (!decoded.ok()) return false;
    size_t colon = decoded->find(':');
    if (colon == std::string::npos) return false;
    candidate = decoded->substr(colon + 1);  // any user name
  } else {
    return false;
  }
  // The token's length is public (64 hex digits); its content is compared in constant time.
  return candidate.size() == token_.size() &&
         CRYPTO_memcmp(candidate.data(), token_.data(), token_.size()) == 0;
}

std::optional<http::Rejection> AccessGuard::Check(const http::HttpRequest& head) const {
  auto host = head.headers.Get("host");
  if (!host) return Forbidden("a request without a Host header is refused");
  if (!IsOwnAuthority(*host)) {
    return Forbidden("Host " + Quote(*host) +
                     " is not this API's address (a web page reaching it by another name, as "
                     "with DNS rebinding, is refused)");
  }
  if (auto origin = head.headers.Get("origin")) {
    std::string_view o = *origin;
    bool own = o.substr(0, 7) == "http://" && IsOwnAuthority(o.substr(7));
    // A wildcard bind knows no names of its own: the page must come from the Host it asked.
    if (own && own_hosts_.empty()) own = ParseAuthority(o.substr(7)) == ParseAuthority(*host);
    if (!own) return Forbidden("cross-origin request refused (Origin " + Quote(o) + ")");
  }
  if (auto site = head.headers.Get("sec-fetch-site")) {
    std::string s = http::ToLowerAscii(*site);
    if (s != "same-origin" && s != "none")
      return Forbidden("a request made by another site is refused (Sec-Fetch-Site " + Quote(s) +
                       ")");
  }
  if (!token_.empty() && !HasToken(head)) {
    return http::Rejection{401,
                           "operator API: this address needs the token from the node's "
                           "operator.cookie file (Authorization: Bearer <token>, or HTTP Basic "
                           "with the token as password)",
                           // Basic too, so a browser opening the status page asks for it.
                           {{"www-authenticate", "Bearer realm=\"baton operator API\""},
                            {"www-authenticate",
                             "Basic realm=\"baton operator API: any user, the token as "
                             "password\""}}};
  }
  return std::nullopt;
}

absl::StatusOr<std::string> NewOperatorToken() {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) return absl::InternalError("RAND_bytes failed");
  std::string token = HexEncode(std::string_view(reinterpret_cast<char*>(raw), sizeof raw));
  OPENSSL_cleanse(raw, sizeof raw);
  return token;
}

absl::StatusOr<std::unique_ptr<OperatorCookie>> OperatorCookie::Write(std::string path,
                                                                      std::string token) {
  auto fail = [&path](const char* what) {
    return absl::InternalError("operator cookie " + path + ": " + what + ": " +
                               std::strerror(errno));
  };
  // Written beside the target and renamed over it: readers never see half a token, and
  // rename replaces a link at `path` instead of writing through it.
  std::string tmp = path + ".tmp";
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT) return fail("remove stale temp file");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return fail("create");
  bool ok = ::fchmod(fd, 0600) == 0;
  size_t done = 0;
  while (ok && done < token.size()) {
    ssize_t n = ::write(fd, token.data() + done, token.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    auto status = fail("write");
    ::unlink(tmp.c_str());
    return status;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto status = fail("rename");
    ::unlink(tmp.c_str());
    return status;
  }
  return std::unique_ptr<OperatorCookie>(new OperatorCookie(std::move(path), std::move(token)));
}

OperatorCookie::~OperatorCookie() {
  ::unlink(path_.c_str());
  OPENSSL_cleanse(token_.data(), token_.size());
}

absl::Status OperatorAccess::Started(int port) {
  guard->set_port(port);
  if (token.empty()) return absl::OkStatus();
  auto written = OperatorCookie::Write(cookie_path, token);
  if (!written.ok()) return written.status();
  cookie = std::move(*written);
  spdlog::info(
      "Operator API requires a token ({}): send \"Authorization: Bearer <token>\" with "
      "the token from {}",
      why, cookie_path);
  return absl::OkStatus();
}

absl::StatusOr<OperatorAccess> InstallOperatorAccess(const std::string& bind_host, int port,
                                                     bool require_token,
                                                     const std::string& data_dir,
                                                     http::Router& router) {
  OperatorAccess access;
  if (require_token || !IsLoopbackHost(bind_host)) {
    auto token = NewOperatorToken();
    if (!token.ok()) return token.status();
    access.token = std::move(*token);
    access.cookie_path = data_dir + "/operator.cookie";
    access.why = require_token ? "-cliAuth" : "-cliAddr is not loopback";
  }
  access.guard = std::make_shared<AccessGuard>(bind_host, port, access.token);
  router.SetGuard([guard = access.guard](http::HttpRequest& head) { return guard->Check(head); });
  return access;
}

}  // namespace baton::ops

// HttpClient: the gateway's HTTP client on libcurl, for the three exchanges a gateway makes
// with an orchestrator: gRPC calls (HTTP/2), POST /segment (HTTP/2 when TLS negotiates it,
// as go-livepeer's ForceAttemptHTTP2) and result downloads (HTTP/1.1, as core/os.go).
//
// TLS peers are not verified: orchestrators present self-signed certificates and every
// go-livepeer client uses InsecureSkipVerify (doc/wire.md 1). For http:// URLs, HTTP/2 means
// h2c with prior knowledge.
//
// Besides a total deadline a request may carry a deadline for the response headers, which is
// how a gateway tells a stuck orchestrator from a slow transcode (doc/wire.md 3: the 200 must come
// before transcoding). The time the status line arrived is reported either way.
//
// Thread-safety: an HttpClient is used by one thread at a time; it keeps its connections
// open between requests. Use one client per worker thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace baton::gateway {

enum class HttpVersion {
  kHttp1,         // HTTP/1.1 only (result downloads)
  kHttp2,         // TLS: h2 via ALPN (falls back to 1.1 if refused); http://: h2c prior knowledge
  kHttp2OverTls,  // TLS: h2 via ALPN; http://: plain HTTP/1.1 (POST /segment)
};

struct HttpRequest {
  std::string method = "GET";  // "GET" or "POST"
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // POST only
  HttpVersion version = HttpVersion::kHttp1;
  std::chrono::milliseconds headers_timeout{0};  // 0 = no separate deadline
  std::chrono::milliseconds total_timeout{10000};
  size_t max_response_bytes = 300'000'000;  // go-livepeer's MaxSegSize
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names, trailers included
  std::string body;
  double headers_after_s = 0;  // request start → final status line
  double total_s = 0;          // request start → last body byte
  int64_t bytes_sent = 0;      // request body bytes
  int64_t bytes_received = 0;  // response body bytes
  std::string http_version;    // "1.1" or "2"
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a response; errors are transport failures and missed deadlines, with
  // messages like "no response headers within 2.0 s from https://...".
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request);

 private:
  void* curl_;  // CURL*, kept for connection reuse
};

}  // namespace baton::gateway

// HttpClient: simple blocking HTTP requests (GET/POST with headers) over HTTP/2 or HTTP/1.1 on
// libcurl, with TLS certificate checks off (peers use self-signed certificates) and per-request
// timeouts. Over TLS it uses HTTP/2 when the server negotiates it and HTTP/1.1 otherwise (Go's
// ForceAttemptHTTP2); in cleartext it speaks HTTP/1.1 unless h2c prior knowledge is asked for.
//
// Ownership/threads: an HttpClient owns one libcurl handle, which keeps connections alive
// between requests. Use one client per thread; requests on one client must not overlap.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "net/http_message.h"

namespace baton::http {

struct HttpClientOptions {
  bool allow_http2 = true;           // negotiate h2 over TLS when offered
  bool h2c_prior_knowledge = false;  // cleartext URLs: speak HTTP/2 directly
  std::chrono::milliseconds connect_timeout{2000};
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names lower-cased
  std::string body;
  std::string protocol;  // "HTTP/1.1" or "HTTP/2"
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a response; errors are transport failures (UNAVAILABLE) and timeouts
  // (DEADLINE_EXCEEDED).
  absl::StatusOr<HttpResponse> Get(const std::string& url, const HttpHeaders& headers,
                                   std::chrono::milliseconds timeout);
  absl::StatusOr<HttpResponse> Post(const std::string& url, std::string_view body,
                                    const HttpHeaders& headers, std::chrono::milliseconds timeout);

 private:
  absl::StatusOr<HttpResponse> Perform(const std::string& method, const std::string& url,
                                       const std::string_view* body, const HttpHeaders& headers,
                                       std::chrono::milliseconds timeout);
  HttpClientOptions options_;
  void* curl_;  // CURL*
};

}  // namespace baton::http

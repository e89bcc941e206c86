// HttpClient: Baton's one HTTP client, on libcurl. Every outgoing request goes through it: the
// gateway tool's gRPC calls, segment uploads and result downloads, GrpcClient (net/
// grpc_client.h), the Ethereum JSON-RPC client, the container engine client (over a Unix
// socket), tests and benchmarks.
//
// A request chooses its HTTP version (HTTP/1.1 only; HTTP/2 with h2c prior knowledge on
// http://; or HTTP/2 when TLS negotiates it and HTTP/1.1 otherwise, as Go's ForceAttemptHTTP2),
// whether the TLS peer is verified (off for orchestrators and gateways, which present
// self-signed certificates as every go-livepeer client accepts, doc/wire.md 1; on for a JSON-RPC
// provider), a total deadline and optionally a deadline for the response headers (how a
// gateway tells a stuck orchestrator from a slow transcode, doc/wire.md 3), and a cap on the
// response body. The answer reports when the status line came, bytes each way and the HTTP
// version used.
//
// Errors: any HTTP status is a response. Transport failures are UNAVAILABLE (NeverSent() says
// whether the request surely never reached the server, e.g. a refused connection), missed
// deadlines DEADLINE_EXCEEDED ("no response headers within 2.0 s from POST https://..."), an
// oversized body RESOURCE_EXHAUSTED.
//
// Ownership/threads: an HttpClient owns one libcurl handle, which keeps its connection open
// between requests unless a request says otherwise. Use one client per thread; requests on one
// client must not overlap.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "net/http_message.h"

namespace baton::http {

enum class ClientHttpVersion {
  kHttp1,         // HTTP/1.1 only
  kHttp2,         // TLS: h2 via ALPN (1.1 if refused); http://: h2c with prior knowledge
  kHttp2OverTls,  // TLS: h2 via ALPN (1.1 if refused); http://: HTTP/1.1
};

struct ClientRequest {
  std::string method = "GET";  // a body makes a POST unless another method is named
  std::string url;
  // Non-empty: connect to this Unix domain socket instead of the URL's host (the URL still names
  // the path and the Host header), as for a container engine's API (ai/docker_client.h).
  std::string unix_socket;
  HttpHeaders headers;
  std::string_view body;  // not owned; must outlive Send
  bool has_body = false;  // POST `body` (which may be empty)
  ClientHttpVersion version = ClientHttpVersion::kHttp2OverTls;
  bool verify_peer = false;  // check the TLS certificate and host name
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds headers_timeout{0};  // 0: no separate deadline
  std::chrono::milliseconds total_timeout{10000};
  size_t max_response_bytes = 300'000'000;  // go-livepeer's MaxSegSize
  bool reuse_connection = true;             // false: this request's connection is closed after it
  // Set: each piece of the response body goes here as it arrives (with the response's status)
  // instead of into HttpResponse::body, e.g. to relay server-sent events; false aborts the
  // transfer (UNAVAILABLE "aborted by the receiver"). Runs on the thread calling Send.
  std::function<bool(int status, std::string_view chunk)> on_body;
  // Set: polled while the request runs (about every second, and as data moves); true aborts it
  // with CANCELLED, e.g. when the caller's executor stops.
  std::function<bool()> cancelled;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names lower-cased; HTTP/2 trailers included
  std::string body;
  std::string protocol;        // "HTTP/1.1" or "HTTP/2"
  double headers_after_s = 0;  // request start → final status line
  double total_s = 0;          // request start → last body byte
  int64_t bytes_sent = 0;      // request body bytes
  int64_t bytes_received = 0;  // response body bytes
};

// The simple form's defaults (Get/Post).
struct HttpClientOptions {
  bool allow_http2 = true;           // negotiate h2 over TLS when offered
  bool h2c_prior_knowledge = false;  // cleartext URLs: speak HTTP/2 directly
  std::chrono::milliseconds connect_timeout{2000};
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  absl::StatusOr<HttpResponse> Send(const ClientRequest& request);

  // Shorthands with the options given at construction.
  absl::StatusOr<HttpResponse> Get(const std::string& url, const HttpHeaders& headers,
                                   std::chrono::milliseconds timeout);
  absl::StatusOr<HttpResponse> Post(const std::string& url, std::string_view body,
                                    const HttpHeaders& headers, std::chrono::milliseconds timeout);

 private:
  ClientRequest Simple(const std::string& url, const HttpHeaders& headers,
                       std::chrono::milliseconds timeout) const;

  HttpClientOptions options_;
  void* curl_;  // CURL*
};

// True when `status` (from Send) means the request never reached the server, so retrying it
// cannot do anything twice (the connection was refused, the host did not resolve).
bool NeverSent(const absl::Status& status);

// An UNAVAILABLE error that NeverSent() recognises, for other transports that know a request
// never left (e.g. a remote AI worker's stream that is already closed).
absl::Status NeverSentError(std::string_view message);

}  // namespace baton::http

// GrpcClient: blocking unary gRPC calls over HTTP/2 (TLS with certificate checks off, as
// go-livepeer gateways do, or prior-knowledge h2c), on the one HTTP client (net/http_client.h)
// and the one gRPC framing (net/grpc_frame.h). Used by the tests and the benchmarks;
// DecodeGrpcReply also by the gateway tool, which sends its calls through its own HttpClient.
//
// Each call sends one length-prefixed message with content-type application/grpc, te: trailers
// and grpc-timeout, and maps the reply: grpc-status 0 gives the single response message; any
// other status becomes an absl::Status with the same code and the decoded grpc-message;
// transport failures become UNAVAILABLE and timeouts DEADLINE_EXCEEDED.
//
// Ownership/threads: a GrpcClient owns at most one HttpClient (kept between calls when
// reuse_connection is true, which keeps the connection open). Use one client per thread; calls
// on one client must not overlap.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "net/http_client.h"
#include "net/http_message.h"

namespace baton::http {

struct GrpcClientOptions {
  std::string target;  // "host:port" (the service URI's host and port)
  bool tls = true;     // false: cleartext h2c with prior knowledge
  // go-livepeer gateways dial a new connection per RPC; true keeps one connection.
  bool reuse_connection = false;
  std::chrono::milliseconds connect_timeout{3000};
};

// A unary reply as gRPC defines it: grpc-status 0 and exactly one message, else the status
// with its decoded grpc-message.
absl::StatusOr<std::string> DecodeGrpcReply(const HttpResponse& reply);

class GrpcClient {
 public:
  explicit GrpcClient(GrpcClientOptions options);
  ~GrpcClient();
  GrpcClient(const GrpcClient&) = delete;
  GrpcClient& operator=(const GrpcClient&) = delete;

  // `method` is the full path, e.g. "/net.Orchestrator/GetOrchestrator".
  absl::StatusOr<std::string> Call(const std::string& method, std::string_view request,
                                   std::chrono::milliseconds timeout,
                                   const HttpHeaders& metadata = {});

  // A server-streaming call without deadline (a remote transcoder's registration): each reply
  // message goes to `on_message` as it arrives (false ends the call). Returns the call's
  // final status: OK when the server ended it cleanly, its error otherwise, CANCELLED when
  // `on_message` or `should_stop` (polled about once a second) ended it, UNAVAILABLE when the
  // connection failed or closed early.
  absl::Status CallServerStreaming(const std::string& method, std::string_view request,
                                   const std::function<bool(std::string message)>& on_message,
                                   const std::function<bool()>& should_stop,
                                   const HttpHeaders& metadata = {});

 private:
  GrpcClientOptions options_;
  std::unique_ptr<HttpClient> reused_;
};

}  // namespace baton::http

// Server: the node's network front door. One port serves gRPC, HTTP/2 and HTTP/1.1, over TLS
// (ALPN "h2"/"http/1.1", self-signed certificate regenerated at every start, as go-livepeer does)
// or in cleartext (HTTP/1.1 plus prior-knowledge h2c), e.g. for the operator port.
//
// Layers (Envoy-like): listener (acceptor thread) -> transport socket (TLS) -> codec (HTTP/1.1
// on http-parser, HTTP/2 on nghttp2) -> demux (gRPC by content-type on HTTP/2, else the Router).
// Accepted sockets are spread round-robin over `worker_threads` event loops; a connection lives
// on one loop for its whole life.
//
// Usage:
//   Server server(options);
//   server.router().Handle("/segment", {"POST"}, handler);
//   server.grpc().AddUnary("/net.Orchestrator/Ping", fn);
//   absl::StatusOr<int> port = server.Start();  // clear error if the address is taken
//   ...
//   server.Stop();
//
// Early answers: when a request's headers are complete, before its body is read, the server
// decides what it can from them alone: gRPC over HTTP/1.1 (400), a content-length over
// max_body_bytes (413), an unknown path (404) or method (405), then the route's HeaderCheck
// (router.h). Such an answer goes out at once and the body is never read: HTTP/1.1 says
// "Connection: close" and closes after it (an "Expect: 100-continue" client never gets the 100;
// input that still arrives is discarded for a moment so the answer is not lost to a reset),
// HTTP/2 answers on the stream and drops its DATA while the connection serves other streams,
// resetting only that stream (RST_STREAM NO_ERROR, RFC 9113 8.1) if the client keeps sending
// after the answer. A request without a body keeps its HTTP/1.1 connection. A body that grows over
// the limit without a content-length gets its 413 (or gRPC status) as soon as it does, the same
// way.
//
// Start sets SIGPIPE to be ignored process-wide (a vanished peer must not kill the node).
//
// Threads: register routes and methods before Start. Start/Stop from an owner thread (Stop may be
// called from any thread except a loop thread, i.e. not from inside a handler; it is idempotent
// and the destructor calls it). port() is safe from any thread after Start.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "net/grpc_service.h"
#include "net/router.h"

namespace baton::http {

struct ServerOptions {
  // "host:port", "[v6]:port" or ":port" (all interfaces). Port 0 picks a free port.
  std::string bind_address = ":8935";
  bool tls = true;
  // Where cert.pem / key.pem are (re)written at Start; required when tls is on.
  std::string cert_dir;
  // The certificate's DNS SAN (the service URI's host).
  std::string cert_host = "localhost";
  // Event-loop threads; 0 = number of cores (at least 2).
  int worker_threads = 0;
  // Connections with no request in progress are closed after this long (Go's IdleTimeout).
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(10);
  // Request bodies above this get 413 (gRPC requests have their own 4 MiB message limit).
  size_t max_body_bytes = 64u << 20;
  // Total request header bytes (HTTP/2 counts name + value + 32 per field).
  size_t max_header_bytes = 1u << 20;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Router& router() { return router_; }
  GrpcService& grpc() { return grpc_; }

  // Writes the certificate (TLS), binds, listens and starts the threads. Returns the bound port.
  absl::StatusOr<int> Start();
  // Stops accepting, closes every connection (unfinished responses are aborted), joins threads.
  void Stop();

  int port() const { return port_.load(); }
  // The certificate written at Start (empty in cleartext mode).
  const std::string& cert_path() const { return cert_path_; }

 private:
  class Impl;
  ServerOptions options_;
  Router router_;
  GrpcService grpc_;
  std::unique_ptr<Impl> impl_;
  std::atomic<int> port_{0};
  std::string cert_path_;
};

}  // namespace baton::http

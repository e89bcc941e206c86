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
// decides what it can from them alone: gRPC over HTTP/1.1 (400), an unknown path (404) or method
// (405), a content-length over the route's body limit (413; router.h: a route's own limit, 0 for
// GET-only routes, else max_body_bytes), then the route's HeaderCheck (router.h). gRPC requests
// may carry one message of up to 4 MiB for a registered method and nothing for an unknown one
// (answered UNIMPLEMENTED). Such an answer goes out at once and the body is never read: HTTP/1.1
// says "Connection: close" and closes after it (an "Expect: 100-continue" client never gets the
// 100; input that still arrives is discarded for a moment so the answer is not lost to a reset),
// HTTP/2 answers on the stream and drops its DATA while the connection serves other streams,
// resetting only that stream (RST_STREAM NO_ERROR, RFC 9113 8.1) if the client keeps sending
// after the answer. A request without a body keeps its HTTP/1.1 connection. A body that grows over
// the limit without a content-length gets its 413 (or gRPC status) as soon as it does, the same
// way.
//
// Bounded resources, for clients that never authenticate: every connection must finish its TLS
// handshake within handshake_timeout; each request's headers must arrive within header_timeout
// of its first byte (of the handshake, for the first request); its body at min_body_rate bytes
// per second on average after a grace of header_timeout (else 408 and close; on HTTP/2 408 and
// RST_STREAM); between requests a connection may stay idle for idle_timeout. Over
// max_connections in all or max_connections_per_client from one client address (an IPv6 /64)
// new connections are accepted and closed at once. A connection with more than
// max_output_bytes of answers its client has not read stops being read until they drain, and
// one whose output makes no progress for idle_timeout is closed. HTTP/2 flow-control windows
// reopen as request bodies are taken, with at most 32 MiB of bodies buffered per connection.
//
// Start sets SIGPIPE to be ignored process-wide (a vanished peer must not kill the node) and
// raises RLIMIT_NOFILE's soft limit to its hard limit (every connection is a descriptor).
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
  // Keep-alive: connections with no request in progress are closed after this long.
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(2);
  // From accept to a finished TLS handshake.
  std::chrono::milliseconds handshake_timeout = std::chrono::seconds(10);
  // From a request's first byte (the handshake's end, for the first) to its last header byte;
  // also the grace before min_body_rate applies.
  std::chrono::milliseconds header_timeout = std::chrono::seconds(20);
  // Request bodies must average at least this many bytes per second (0 = no floor).
  uint64_t min_body_rate = 16 * 1024;
  // Open connections, in all and per client address (0 = no cap).
  size_t max_connections = 10000;
  size_t max_connections_per_client = 64;
  // Unsent output above which a connection stops being read.
  size_t max_output_bytes = 4u << 20;
  // Body limit of routes registered without one (router.h); gRPC has its own 4 MiB.
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
  // Connections open now, and refused over the caps since Start (0 before Start).
  size_t open_connections() const;
  size_t refused_connections() const;
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

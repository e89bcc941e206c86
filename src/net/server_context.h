// Internal: what the codecs need from the server, shared read-only by every loop thread.
//
// Codecs parse bytes into HttpRequests and hand them to `dispatch`; they know nothing of routes
// or gRPC. Each request meets the server twice: `check_head` when its headers are complete (a
// Rejection is sent at once and the body is never read: HTTP/1.1 closes the connection after
// it, HTTP/2 drops the rest of that stream), then `dispatch` once the whole body has arrived.
// Threads: built before the server starts, then read-only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "net/http_message.h"

namespace baton::http {

// The text of a 413 for a plain HTTP request, early (content-length) or late (the body itself).
inline constexpr std::string_view kBodyTooLarge = "413 Request Entity Too Large";

// The deadlines a client must meet (ServerOptions documents each one).
struct ClientDeadlines {
  std::chrono::milliseconds handshake{10'000};
  std::chrono::milliseconds header{20'000};
  // Body bytes per second after a grace of `header` from the end of the headers; 0 = no floor.
  uint64_t min_body_rate = 16 * 1024;
  std::chrono::milliseconds idle{120'000};
};

struct ServerContext {
  size_t max_header_bytes = 1 << 20;
  ClientDeadlines deadlines;
  // Above this much unsent output a connection stops being read until the output drains.
  size_t max_output_bytes = 4u << 20;
  // Body limit for a request, decided from its method, path and headers.
  std::function<size_t(const HttpRequest&)> body_limit;
  // Answers a request whose body went over body_limit (413, or a gRPC status).
  std::function<void(const HttpRequest&, ResponseWriter&)> reject_oversized_body;
  // Vets a request's head (no body yet); nullopt = read the body and dispatch. May be empty.
  std::function<std::optional<Rejection>(HttpRequest&)> check_head;
  // Routes a complete request (runs on the connection's loop thread).
  HttpHandler dispatch;
};

// The early answer for `head`, if the server has one.
inline std::optional<Rejection> CheckHead(const ServerContext& server, HttpRequest& head) {
  return server.check_head ? server.check_head(head) : std::nullopt;
}

}  // namespace baton::http

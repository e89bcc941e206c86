// Internal: what the codecs need from the server, shared read-only by every loop thread.
//
// Codecs parse bytes into HttpRequests and hand them to `dispatch`; they know nothing of routes
// or gRPC. Threads: built before the server starts, then read-only.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "net/http_message.h"

namespace baton::http {

struct ServerContext {
  size_t max_header_bytes = 1 << 20;
  std::chrono::milliseconds idle_timeout{10 * 60 * 1000};
  // Body limit for a request, decided from its method, path and headers.
  std::function<size_t(const HttpRequest&)> body_limit;
  // Answers a request whose body went over body_limit (413, or a gRPC status).
  std::function<void(const HttpRequest&, ResponseWriter&)> reject_oversized_body;
  // Routes a complete request (runs on the connection's loop thread).
  HttpHandler dispatch;
};

}  // namespace baton::http

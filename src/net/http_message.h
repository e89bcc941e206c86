// Plain HTTP request/response objects shared by the HTTP/1.1 and HTTP/2 codecs and the router.
//
// Handlers see an HttpRequest (a value: method, path, query, headers, the whole body) and write
// their answer through a ResponseWriter. Neither knows about frames, sockets or TLS records; the
// codec that produced the request owns the connection and turns writer calls into bytes.
//
// A HeaderCheck sees a request's head (the same HttpRequest with an empty body) as soon as its
// headers are complete, before the body is read, and may answer a Rejection: the codec sends it
// at once and never reads that body (see router.h and server.h).
//
// Threads: an HttpRequest is a plain value (no sharing). ResponseWriter methods may be called from
// ANY thread: each call is posted, in order, to the loop thread that owns the connection. Calls
// made after the client went away (or after the response ended) are dropped safely. Handlers are
// invoked on that loop thread and must not block it; long work happens elsewhere and reports back
// through the writer, which the handler keeps as a shared_ptr for as long as it needs.
#pragma once

#include <any>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace baton::http {

// An ordered list of header fields with case-insensitive lookup. Names are stored lower-case
// (as HTTP/2 requires); values are kept verbatim. Repeated names are kept as separate entries.
class HttpHeaders {
 public:
  using Field = std::pair<std::string, std::string>;

  HttpHeaders() = default;
  HttpHeaders(std::initializer_list<Field> fields);

  // Appends a field; the name is lower-cased.
  void Add(std::string_view name, std::string_view value);
  // Replaces every field with this name by one field.
  void Set(std::string_view name, std::string_view value);
  void Remove(std::string_view name);
  // The first value for `name` (any case), or nullopt.
  std::optional<std::string> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }
  size_t size() const { return fields_.size(); }

 private:
  std::vector<Field> fields_;
};

std::string ToLowerAscii(std::string_view text);

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string, e.g. "/segment"
  std::string query;   // after '?', without it; empty when absent
  HttpHeaders headers;
  std::string body;          // the whole body (bounded by the server's body limit)
  std::string peer_address;  // "ip:port"
  std::string protocol;      // "HTTP/1.1" or "HTTP/2"
  bool tls = false;
  // What the route's HeaderCheck learned from the head (e.g. decoded, verified credentials),
  // kept for its handler so that the same work is not done twice per request. Empty when the
  // route has no check.
  std::any head_state;
};

// An answer decided from a request's head alone: `status` with the text/plain body
// "message\n" (Go's http.Error), plus any extra header fields (e.g. Allow for a 405).
struct Rejection {
  int status = 0;
  std::string message;
  HttpHeaders headers;
};

// Runs on the connection's loop thread when a request's headers are complete; `head` has no
// body yet. Returns nullopt to read the body and run the handler, or the answer to send now.
// Must be quick and free of side effects outside the request: it may leave what it decoded in
// head.head_state for the handler.
using HeaderCheck = std::function<std::optional<Rejection>(HttpRequest& head)>;

// How a handler answers. Obtained as a shared_ptr alongside the request; see the file comment
// for threading. A response is SendHeaders, then zero or more SendBody chunks, the last with
// end=true (or SendTrailers to end it with trailer fields, as gRPC does).
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;

  // Sends the status line and headers now (flushed to the socket as soon as the loop runs), so a
  // client sees them before any body. `end_stream` = true ends the response with no body.
  // With HTTP/1.1 and no content-length header the body is sent chunked.
  virtual void SendHeaders(int status, HttpHeaders headers, bool end_stream = false) = 0;
  // Sends a piece of body; end = true completes the response.
  virtual void SendBody(std::string chunk, bool end) = 0;
  // Completes the response with trailer fields (HTTP/2; on HTTP/1.1 they are dropped).
  virtual void SendTrailers(HttpHeaders trailers) = 0;

  // Convenience: a complete response with content-type and content-length.
  void Respond(int status, std::string_view content_type, std::string body,
               HttpHeaders extra_headers = {});
  // Go http.Error style: text/plain, the message plus "\n".
  void RespondError(int status, std::string_view message, HttpHeaders extra_headers = {});
  void RespondError(const Rejection& rejection) {
    RespondError(rejection.status, rejection.message, rejection.headers);
  }

  // Runs `callback` once on the connection's loop thread if the response can no longer be
  // delivered before it ended (client reset the stream, disconnected, or the server stopped).
  // If that already happened, it runs soon on the loop thread.
  virtual void SetOnClosed(std::function<void()> callback) = 0;
  // True once the client went away or the response ended.
  virtual bool IsClosed() const = 0;

  // Runs `task` on the connection's loop thread after `delay` (dropped if the server stops).
  // Used for deadlines that belong to this exchange.
  virtual void RunAfter(std::chrono::milliseconds delay, std::function<void()> task) = 0;
};

// A function that answers one request. Runs on a loop thread; must not block.
using HttpHandler =
    std::function<void(HttpRequest request, std::shared_ptr<ResponseWriter> response)>;

}  // namespace baton::http

// Router: maps (method, path) to an HttpHandler, behind both HTTP codecs.
//
// Routes are exact paths ("/segment") or prefixes ("/stream/", matching any path that starts with
// it); an exact route wins over a prefix and a longer prefix over a shorter one. Each route may
// list the methods it accepts (empty = any). An unknown path answers 404 and a known path with
// the wrong method 405 (with an Allow header), both as text/plain "message\n" like Go's
// http.Error.
//
// Each route has a body limit, decided with the route when the headers arrive: the one given at
// registration, else 0 for a route that accepts only GET/HEAD, else the router's default
// (SetDefaultMaxBody; the server sets its max_body_bytes). A declared content-length over it
// answers 413 at once; a body that grows over it without one gets its 413 as it does. Unknown
// paths and methods take no body either (their answer does not need one).
//
// A route may also carry a HeaderCheck (http_message.h). The server calls CheckHead when a
// request's headers are complete: 404, 405 and the route's check are decided there, before the
// body is read, so a client that announces a large upload with bad credentials hears the answer
// without sending it. Dispatch, called once the body has arrived, runs the handler; it answers
// 404/405 itself too, but does not run the check again (callers that want it call CheckHead).
//
// Threads: register every route before the server starts; afterwards the router is read-only and
// CheckHead/Dispatch may be called from any number of loop threads at once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_message.h"

namespace baton::http {

class Router {
 public:
  // Exact path. `methods` empty = every method. `check` (optional) vets the head first.
  // `max_body`: the body limit (see the file comment for the default).
  void Handle(std::string path, std::vector<std::string> methods, HttpHandler handler,
              HeaderCheck check = nullptr, std::optional<size_t> max_body = std::nullopt);
  // Every path starting with `prefix`.
  void HandlePrefix(std::string prefix, std::vector<std::string> methods, HttpHandler handler,
                    HeaderCheck check = nullptr, std::optional<size_t> max_body = std::nullopt);
  // The limit of routes registered without one that take more than GET/HEAD (default: none).
  void SetDefaultMaxBody(size_t bytes) { default_max_body_ = bytes; }
  // A check run on every request's head before routing (the operator port's access guard); its
  // answer wins over 404/405/413 and the route's own check. The server runs it through CheckHead.
  void SetGuard(HeaderCheck guard) { guard_ = std::move(guard); }

  // The body limit for a request with this head (0 for unknown paths and methods).
  size_t MaxBody(const HttpRequest& head) const;
  // Decides from a request's head alone: 404, 405, 413 for a declared content-length over the
  // route's limit, or the matching route's check. nullopt: read the body, then Dispatch.
  std::optional<Rejection> CheckHead(HttpRequest& head) const;
  // Runs the matching handler, or answers 404/405.
  void Dispatch(HttpRequest request, std::shared_ptr<ResponseWriter> response) const;

 private:
  struct Route {
    std::vector<std::string> methods;
    HttpHandler handler;
    HeaderCheck check;
    std::optional<size_t> max_body;
  };
  size_t RouteMaxBody(const Route& route) const;
  const std::vector<Route>* Find(std::string_view path) const;
  // The route for the request's path and method, or nullptr with the 404/405 in `unrouted`.
  const Route* Match(const HttpRequest& request, Rejection& unrouted) const;

  HeaderCheck guard_;
  std::map<std::string, std::vector<Route>, std::less<>> exact_;
  // Sorted longest first so the most specific prefix matches.
  std::vector<std::pair<std::string, std::vector<Route>>> prefixes_;
  size_t default_max_body_ = SIZE_MAX;
};

}  // namespace baton::http

// Router: maps (method, path) to an HttpHandler, behind both HTTP codecs.
//
// Routes are exact paths ("/segment") or prefixes ("/stream/", matching any path that starts with
// it); an exact route wins over a prefix and a longer prefix over a shorter one. Each route may
// list the methods it accepts (empty = any). An unknown path answers 404 and a known path with
// the wrong method 405 (with an Allow header), both as text/plain "message\n" like Go's
// http.Error.
//
// Threads: register every route before the server starts; afterwards the router is read-only and
// Dispatch may be called from any number of loop threads at once.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_message.h"

namespace baton::http {

class Router {
 public:
  // Exact path. `methods` empty = every method.
  void Handle(std::string path, std::vector<std::string> methods, HttpHandler handler);
  // Every path starting with `prefix`.
  void HandlePrefix(std::string prefix, std::vector<std::string> methods, HttpHandler handler);

  // Runs the matching handler, or answers 404/405.
  void Dispatch(HttpRequest request, std::shared_ptr<ResponseWriter> response) const;

 private:
  struct Route {
    std::vector<std::string> methods;
    HttpHandler handler;
  };
  const std::vector<Route>* Find(std::string_view path) const;

  std::map<std::string, std::vector<Route>, std::less<>> exact_;
  // Sorted longest first so the most specific prefix matches.
  std::vector<std::pair<std::string, std::vector<Route>>> prefixes_;
};

}  // namespace baton::http

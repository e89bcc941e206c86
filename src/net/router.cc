#include "net/router.h"

#include <algorithm>
#include <charconv>

#include "net/server_context.h"

namespace baton::http {

namespace {
// The content-length a request announces (0 when absent; the codecs reject malformed ones).
uint64_t DeclaredBodyLength(const HttpRequest& request) {
  const std::optional<std::string> value = request.headers.Get("content-length");
  uint64_t length = 0;
  if (!value) return 0;
  const auto parsed = std::from_chars(value->data(), value->data() + value->size(), length);
  return parsed.ec == std::errc::result_out_of_range ? UINT64_MAX : length;
}

bool Accepts(const std::vector<std::string>& methods, std::string_view method) {
  return methods.empty() || std::find(methods.begin(), methods.end(), method) != methods.end();
}
}  // namespace

void Router::Handle(std::string path, std::vector<std::string> methods, HttpHandler handler,
                    HeaderCheck check, std::optional<size_t> max_body) {
  exact_[std::move(path)].push_back(
      {std::move(methods), std::move(handler), std::move(check), max_body});
}

void Router::HandlePrefix(std::string prefix, std::vector<std::string> methods, HttpHandler handler,
                          HeaderCheck check, std::optional<size_t> max_body) {
  auto it = std::find_if(prefixes_.begin(), prefixes_.end(),
                         [&](const auto& entry) { return entry.first == prefix; });
  if (it == prefixes_.end()) {
    prefixes_.emplace_back(std::move(prefix), std::vector<Route>{});
    it = prefixes_.end() - 1;
  }
  it->second.push_back({std::move(methods), std::move(handler), std::move(check), max_body});
  std::stable_sort(prefixes_.begin(), prefixes_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

const std::vector<Router::Route>* Router::Find(std::string_view path) const {
  if (auto it = exact_.find(path); it != exact_.end()) return &it->second;
  for (const auto& [prefix, routes] : prefixes_) {
    if (path.substr(0, prefix.size()) == prefix) return &routes;
  }
  return nullptr;
}

const Router::Route* Router::Match(const HttpRequest& request, Rejection& unrouted) const {
  const std::vector<Route>* routes = Find(request.path);
  if (routes == nullptr) {
    unrouted = {404, "404 page not found", {}};
    return nullptr;
  }
  for (const Route& route : *routes) {
    if (Accepts(route.methods, request.method)) return &route;
  }
  std::string allow;
  for (const Route& route : *routes) {
    for (const std::string& method : route.methods) {
      if (!allow.empty()) allow += ", ";
      allow += method;
    }
  }
  unrouted = {405, "Method Not Allowed", {{"allow", allow}}};
  return nullptr;
}

size_t Router::RouteMaxBody(const Route& route) const {
  if (route.max_body) return *route.max_body;
  const bool bodyless = !route.methods.empty() &&
                        std::all_of(route.methods.begin(), route.methods.end(),
                                    [](const std::string& m) { return m == "GET" || m == "HEAD"; });
  return bodyless ? 0 : default_max_body_;
}

size_t Router::MaxBody(const HttpRequest& head) const {
  Rejection unrouted;
  const Route* route = Match(head, unrouted);
  return route == nullptr ? 0 : RouteMaxBody(*route);
}

std::optional<Rejection> Router::CheckHead(HttpRequest& head) const {
  if (guard_) {
    if (auto refused = guard_(head)) return refused;
  }
  Rejection unrouted;
  const Route* route = Match(head, unrouted);
  if (route == nullptr) return unrouted;
  if (DeclaredBodyLength(head) > RouteMaxBody(*route)) {
    return Rejection{413, std::string(kBodyTooLarge), {}};
  }
  return route->check ? route->check(head) : std::nullopt;
}

void Router::Dispatch(HttpRequest request, std::shared_ptr<ResponseWriter> response) const {
  Rejection unrouted;
  const Route* route = Match(request, unrouted);
  if (route == nullptr) return response->RespondError(unrouted);
  route->handler(std::move(request), std::move(response));
}

}  // namespace baton::http

#include "net/router.h"

#include <algorithm>

namespace baton::http {

namespace {
bool Accepts(const std::vector<std::string>& methods, std::string_view method) {
  return methods.empty() || std::find(methods.begin(), methods.end(), method) != methods.end();
}
}  // namespace

void Router::Handle(std::string path, std::vector<std::string> methods, HttpHandler handler,
                    HeaderCheck check) {
  exact_[std::move(path)].push_back({std::move(methods), std::move(handler), std::move(check)});
}

void Router::HandlePrefix(std::string prefix, std::vector<std::string> methods, HttpHandler handler,
                          HeaderCheck check) {
  auto it = std::find_if(prefixes_.begin(), prefixes_.end(),
                         [&](const auto& entry) { return entry.first == prefix; });
  if (it == prefixes_.end()) {
    prefixes_.emplace_back(std::move(prefix), std::vector<Route>{});
    it = prefixes_.end() - 1;
  }
  it->second.push_back({std::move(methods), std::move(handler), std::move(check)});
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

std::optional<Rejection> Router::CheckHead(HttpRequest& head) const {
  Rejection unrouted;
  const Route* route = Match(head, unrouted);
  if (route == nullptr) return unrouted;
  return route->check ? route->check(head) : std::nullopt;
}

void Router::Dispatch(HttpRequest request, std::shared_ptr<ResponseWriter> response) const {
  Rejection unrouted;
  const Route* route = Match(request, unrouted);
  if (route == nullptr) return response->RespondError(unrouted);
  route->handler(std::move(request), std::move(response));
}

}  // namespace baton::http

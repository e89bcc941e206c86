// The operator port's routes (-cliAddr, doc/ops.md 2 and 6), described once: path, methods,
// parameters and the answer each gives. operator_api.cc and operator_chain_api.cc register
// their handlers through OperatorRoute, so a route cannot be served with other methods than
// described here. baton-cli (src/cli/commands.h) keeps its own table of actions, as
// livepeer_cli's menu words them (some name paths the node does not serve), and does not link
// this one: a path or parameter renamed here must be renamed there too. A GET's parameters
// come from the query string, a POST's only from its urlencoded form body (livepeer_cli posts
// forms; operator/form_params.h). Who may call at all: operator/access_guard.h.
//
// Plain constant data; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace baton::ops {

struct RouteParam {
  std::string name;
  std::string help;
  bool required = false;
};

struct RouteInfo {
  std::string path;
  std::vector<std::string> methods;  // empty: any method
  std::vector<RouteParam> params;
  std::string content_type;  // of a 200 answer
  std::string answer;        // what a 200 answer holds, and the errors
  // When the route exists: "" always, "monitor" with -monitor, "account" with an account,
  // "chain" on chain.
  std::string when;
};

// Every operator route, in the order of the help text.
const std::vector<RouteInfo>& OperatorRoutes();
// The route with this path. REQUIRES: described in OperatorRoutes() (a programming error
// otherwise, reported at start-up).
const RouteInfo& OperatorRoute(const std::string& path);

}  // namespace baton::ops

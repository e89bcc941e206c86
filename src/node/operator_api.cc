#include "node/operator_api.h"

#include <nlohmann/json.hpp>

#include "node/capabilities.h"
#include "node/version.h"

namespace baton::node {
namespace {

std::string Role(const NodeConfig& c) {
  if (c.orchestrator && c.transcoder) return "orchestrator+transcoder";
  if (c.orchestrator) return "orchestrator";
  return "transcoder";
}

nlohmann::json Status(const OperatorState& s) {
  nlohmann::json caps = nlohmann::json::array();
  for (int c : s.capabilities()) caps.push_back(CapabilityName(c));
  return {
      {"Version", kVersion},
      {"Role", Role(*s.config)},
      {"Network", s.config->network},
      {"ServiceURI", s.config->service_uri},
      {"Address", s.address_hex ? s.address_hex() : ""},
      {"SessionsInUse", s.sessions->in_use()},
      {"MaxSessions", s.sessions->max()},
      {"LocalTranscoding", s.config->transcoder},
      {"Capabilities", caps},
  };
}

}  // namespace

void RegisterOperatorApi(const OperatorState& state, http::Router& router) {
  router.Handle("/status", {}, [state](http::HttpRequest, auto response) {
    response->Respond(200, "application/json", Status(state).dump());
  });
  if (state.metrics != nullptr) {
    router.Handle("/metrics", {}, [state](http::HttpRequest, auto response) {
      // Gauges of state owned elsewhere are read when scraped.
      state.metrics->Set("livepeer_current_sessions_total", state.sessions->in_use());
      state.metrics->Set("livepeer_max_sessions_total", state.sessions->max());
      response->Respond(200, "text/plain; version=0.0.4; charset=utf-8", state.metrics->Render());
    });
  }
}

}  // namespace baton::node

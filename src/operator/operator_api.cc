#include "operator/operator_api.h"

#include <nlohmann/json.hpp>

#include "operator/form_params.h"
#include "operator/routes.h"
#include "operator/ticket_handlers.h"
#include "orchestrator/capabilities.h"

namespace baton::ops {
namespace {

nlohmann::json Status(const OperatorState& s) {
  nlohmann::json caps = nlohmann::json::array();
  for (int c : s.capabilities()) caps.push_back(orchestrator::CapabilityName(c));
  return {
      {"Version", s.facts.version},
      {"LivepeerCompatibleVersion", s.facts.livepeer_compatible_version},
      {"CapabilityVersion", s.facts.capability_version},
      {"Role", s.facts.role},
      {"Network", s.facts.network},
      {"ServiceURI", s.facts.service_uri},
      {"Address", s.address_hex ? s.address_hex() : ""},
      {"SessionsInUse", s.sessions->in_use()},
      {"MaxSessions", s.sessions->max()},
      {"LocalTranscoding", s.facts.local_transcoding},
      {"Capabilities", caps},
      {"Capacity", s.capacity ? s.capacity() : nlohmann::json()},
  };
}

}  // namespace

std::string FormParam(const http::HttpRequest& r, const std::string& name) {
  return ops::FormValue(r, name).value_or("");
}

void HandleRoute(http::Router& router, const std::string& path, http::HttpHandler handler) {
  router.Handle(path, OperatorRoute(path).methods, std::move(handler));
}

void RegisterOperatorApi(const OperatorState& state, http::Router& router) {
  HandleRoute(router, "/status", [state](http::HttpRequest, auto response) {
    response->Respond(200, "application/json",
                      Status(state).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  });
  HandleRoute(router, "/tickets", [state](http::HttpRequest req, auto response) {
    if (state.ledger == nullptr)
      return response->RespondError(400, "no winning tickets: the node has no account");
    auto r = TicketsHandler(*state.ledger,
                            [&req](const std::string& name) { return FormParam(req, name); });
    response->Respond(r.status, "application/json", r.body);
  });
  HandleRoute(router, "/redeemTicket", [state](http::HttpRequest req, auto response) {
    if (state.redeemer == nullptr || state.ledger == nullptr)
      return response->RespondError(500, "missing ETH client");
    // A redemption waits for its receipt: run it off the loop thread.
    auto queued = state.executor->Submit([state, response, req = std::move(req)] {
      auto r = RedeemTicketHandler(*state.ledger, *state.redeemer, [&req](const std::string& name) {
        return FormParam(req, name);
      });
      response->Respond(r.status, "application/json", r.body);
    });
    if (!queued.ok()) response->RespondError(503, std::string(queued.message()));
  });
  if (state.metrics != nullptr) {
    HandleRoute(router, "/metrics", [state](http::HttpRequest, auto response) {
      // Gauges of state owned elsewhere are read when scraped.
      state.metrics->Set("livepeer_current_sessions_total", state.sessions->in_use());
      state.metrics->Set("livepeer_max_sessions_total", state.sessions->max());
      if (state.refresh_metrics) state.refresh_metrics();
      response->Respond(200, "text/plain; version=0.0.4; charset=utf-8", state.metrics->Render());
    });
  }
}

}  // namespace baton::ops

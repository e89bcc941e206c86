#include "node/operator_api.h"

#include <nlohmann/json.hpp>
#include <thread>

#include "node/capabilities.h"
#include "node/version.h"
#include "redeem/operator_handlers.h"

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

std::string FormParam(const http::HttpRequest& r, const std::string& name) {
  for (const std::string* src : {&r.query, &r.body}) {
    size_t pos = 0;
    while (pos <= src->size()) {
      size_t end = src->find('&', pos);
      std::string pair = src->substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
      if (end == std::string::npos) break;
      pos = end + 1;
    }
  }
  return "";
}

void RegisterOperatorApi(const OperatorState& state, http::Router& router) {
  router.Handle("/status", {}, [state](http::HttpRequest, auto response) {
    response->Respond(200, "application/json", Status(state).dump());
  });
  router.Handle("/tickets", {}, [state](http::HttpRequest req, auto response) {
    if (state.ledger == nullptr)
      return response->RespondError(400, "no winning tickets: the node has no account");
    auto r = redeem::TicketsHandler(
        *state.ledger, [&req](const std::string& name) { return FormParam(req, name); });
    response->Respond(r.status, "application/json", r.body);
  });
  router.Handle("/redeemTicket", {"POST"}, [state](http::HttpRequest req, auto response) {
    if (state.redeemer == nullptr || state.ledger == nullptr)
      return response->RespondError(500, "missing ETH client");
    // A redemption waits for its receipt: run it off the loop thread.
    std::thread([state, response, req = std::move(req)] {
      auto r = redeem::RedeemTicketHandler(
          *state.ledger, *state.redeemer,
          [&req](const std::string& name) { return FormParam(req, name); });
      response->Respond(r.status, "application/json", r.body);
    }).detach();
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

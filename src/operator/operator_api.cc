#include "operator/operator_api.h"

#include <map>
#include <nlohmann/json.hpp>

#include "operator/chain_views.h"
#include "operator/form_params.h"
#include "operator/routes.h"
#include "operator/ticket_handlers.h"
#include "orchestrator/capabilities.h"

namespace baton::ops {
namespace {

// go-livepeer's GOARCH name of the machine Baton was built for.
const char* GoArch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#else
  return "unknown";
#endif
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json Status(const OperatorState& s) {
  nlohmann::json caps = nlohmann::json::array();
  for (int c : s.capabilities()) caps.push_back(orchestrator::CapabilityName(c));
  nlohmann::json prices = nlohmann::json::object();
  if (s.prices != nullptr)
    for (const auto& [who, price] : s.prices->Prices()) prices[who] = GoRatText(price);
  nlohmann::json status = {
      // go-livepeer's NodeStatus (common/types.go), the gateway-only parts empty.
      {"Manifests", nlohmann::json::object()},
      {"InternalManifests", nlohmann::json::object()},
      {"StreamInfo", nlohmann::json::object()},
      {"OrchestratorPool", nlohmann::json::array()},
      {"OrchestratorPoolInfos", nlohmann::json::array()},
      {"Version", s.facts.version},
      {"GolangRuntimeVersion", ""},  // not a Go program
      {"GOArch", GoArch()},
      {"GOOS", "linux"},
      // Filled below where remote transcoders may attach.
      {"RegisteredTranscodersNumber", 0},
      {"RegisteredTranscoders", nlohmann::json::array()},
      {"LocalTranscoding", s.facts.local_transcoding},
      {"BroadcasterPrices", prices},
      // Baton's.
      {"LivepeerCompatibleVersion", s.facts.livepeer_compatible_version},
      {"CapabilityVersion", s.facts.capability_version},
      {"Role", s.facts.role},
      {"Network", s.facts.network},
      {"ServiceURI", s.facts.service_uri},
      {"Address", s.address_hex ? s.address_hex() : ""},
      {"SessionsInUse", s.sessions->in_use()},
      {"MaxSessions", s.sessions->max()},
      {"Capabilities", caps},
      {"Capacity", s.capacity ? s.capacity() : nlohmann::json()},
  };
  if (s.transcoders_json) {
    // go-livepeer's keys (Address, Capacity per transcoder), with Baton's load, capabilities
    // and connection time.
    auto transcoders = nlohmann::json::parse(s.transcoders_json(), nullptr, false);
    status["RegisteredTranscodersNumber"] = transcoders.is_array() ? transcoders.size() : 0;
    status["RegisteredTranscoders"] = std::move(transcoders);
  }
  if (s.ai_workers_json) {
    auto workers = nlohmann::json::parse(s.ai_workers_json(), nullptr, false);
    status["RegisteredAIWorkersNumber"] = workers.is_array() ? workers.size() : 0;
    status["RegisteredAIWorkers"] = std::move(workers);
  }
  return status;
}

struct RoundEarnings {
  int64_t tickets = 0;
  crypto::U256 won = 0, redeemed = 0, pending = 0, lost = 0;
  void Add(const ledger::LedgerEntry& e) {
    const crypto::U256& v = e.ticket.ticket.face_value;
    ++tickets;
    won += v;
    switch (e.state) {
      case ledger::TicketState::kRedeemed:
        redeemed += v;
        break;
      case ledger::TicketState::kQueued:
      case ledger::TicketState::kSubmitted:
        pending += v;
        break;
      default:
        lost += v;
    }
  }
  nlohmann::json Json() const {
    return {{"tickets", tickets},
            {"wonFaceValue", crypto::U256ToDecimal(won)},
            {"redeemedFaceValue", crypto::U256ToDecimal(redeemed)},
            {"pendingFaceValue", crypto::U256ToDecimal(pending)},
            {"lostFaceValue", crypto::U256ToDecimal(lost)}};
  }
};

// Winning tickets by the round their parameters were issued in, newest rounds first.
HandlerResponse Earnings(const OperatorState& s, const http::HttpRequest& r) {
  size_t rounds = 30;
  if (std::string text = FormParam(r, "rounds"); !text.empty()) {
    if (text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos)
      return {400, Dump({{"error", "bad rounds: " + text}})};
    size_t n = 0;
    for (char c : text) n = n * 10 + static_cast<size_t>(c - '0');
    rounds = std::clamp<size_t>(n, 1, 1000);
  }
  // The ledger keeps every winner; 100000 rows is months of a busy node.
  auto rows = s.ledger->List(std::nullopt, std::nullopt, 100000);
  if (!rows.ok()) return {500, Dump({{"error", std::string(rows.status().message())}})};
  std::map<int64_t, RoundEarnings, std::greater<>> by_round;
  RoundEarnings totals;
  for (const auto& e : *rows) {
    by_round[e.ticket.ticket.expiration.creation_round].Add(e);
    totals.Add(e);
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [round, earnings] : by_round) {
    if (list.size() == rounds) break;
    nlohmann::json j = earnings.Json();
    j["round"] = round;
    list.push_back(std::move(j));
  }
  return {200, Dump({{"currentRound", s.current_round ? s.current_round() : 0},
                     {"rounds", std::move(list)},
                     {"totals", totals.Json()}})};
}

}  // namespace

std::string FormParam(const http::HttpRequest& r, const std::string& name) {
  return ops::FormValue(r, name).value_or("");
}

void HandleRoute(http::Router& router, const std::string& path, http::HttpHandler handler) {
  const RouteInfo& route = OperatorRoute(path);
  std::vector<std::string> required;
  for (const auto& p : route.params)
    if (p.required) required.push_back(p.name);
  if (required.empty()) return router.Handle(path, route.methods, std::move(handler));
  router.Handle(path, route.methods,
                [required, handler = std::move(handler)](http::HttpRequest r, auto response) {
                  for (const auto& name : required)
                    if (FormParam(r, name).empty())
                      return response->RespondError(400, "missing form param: " + name);
                  handler(std::move(r), std::move(response));
                });
}

void RegisterOperatorApi(const OperatorState& state, http::Router& router) {
  HandleRoute(router, "/status", [state](http::HttpRequest, auto response) {
    response->Respond(200, "application/json", Dump(Status(state)));
  });
  HandleRoute(router, "/IsOrchestrator", [](http::HttpRequest, auto response) {
    response->Respond(200, "text/plain", "true");
  });
  HandleRoute(router, "/IsRedeemer", [](http::HttpRequest, auto response) {
    response->Respond(200, "text/plain", "false");
  });
  HandleRoute(router, "/EthChainID", [state](http::HttpRequest, auto response) {
    response->Respond(200, "text/plain", std::to_string(state.chain_id));
  });
  HandleRoute(router, "/tickets", [state](http::HttpRequest req, auto response) {
    if (state.ledger == nullptr)
      return response->RespondError(400, "no winning tickets: the node has no account");
    auto r = TicketsHandler(*state.ledger,
                            [&req](const std::string& name) { return FormParam(req, name); });
    response->Respond(r.status, "application/json", r.body);
  });
  HandleRoute(router, "/earnings", [state](http::HttpRequest req, auto response) {
    if (state.ledger == nullptr)
      return response->RespondError(400, "no earnings: the node has no account");
    // A full scan of the ledger: off the loop thread.
    auto queued = state.executor->Submit([state, response, req = std::move(req)] {
      auto r = Earnings(state, req);
      response->Respond(r.status, "application/json", r.body);
    });
    if (!queued.ok()) response->RespondError(503, std::string(queued.message()));
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

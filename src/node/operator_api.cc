#include "node/operator_api.h"

#include <nlohmann/json.hpp>
#include <thread>

#include "common/hex.h"
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

nlohmann::json TicketsJson(ledger::TicketLedger& ledger) {
  auto counts = ledger.Counts();
  auto rows = ledger.All(500);
  if (!counts.ok() || !rows.ok()) return {{"error", "ticket ledger unavailable"}};
  nlohmann::json tickets = nlohmann::json::array();
  for (const auto& e : *rows) {
    const auto& t = e.ticket.ticket;
    tickets.push_back(
        {{"id", e.id},
         {"state", ledger::StateName(e.state)},
         {"sender", t.sender.ChecksumHex()},
         {"faceValue", crypto::U256ToDecimal(t.face_value)},
         {"senderNonce", t.sender_nonce},
         {"creationRound", t.expiration.creation_round},
         {"paramsExpirationBlock", crypto::U256ToDecimal(e.ticket.params_expiration_block)},
         {"txHash", e.tx_hash.empty() ? "" : HexEncode0x(e.tx_hash)},
         {"lastError", e.last_error},
         {"attempts", e.attempts},
         {"createdAt", e.created_at}});
  }
  return {{"counts",
           {{"queued", counts->queued},
            {"submitted", counts->submitted},
            {"redeemed", counts->redeemed},
            {"failed", counts->failed},
            {"expired", counts->expired},
            {"total", counts->total()}}},
          {"tickets", tickets}};
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
  router.Handle("/tickets", {}, [state](http::HttpRequest, auto response) {
    if (state.ledger == nullptr)
      return response->RespondError(400, "no winning tickets: the node has no account");
    response->Respond(200, "application/json", TicketsJson(*state.ledger).dump());
  });
  router.Handle("/redeemTicket", {"POST"}, [state](http::HttpRequest req, auto response) {
    if (state.redeemer == nullptr) return response->RespondError(500, "missing ETH client");
    std::string id = FormParam(req, "id");
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
      return response->RespondError(400, "missing form param: id");
    // A redemption waits for its receipt: run it off the loop thread.
    std::thread([state, response, id] {
      auto s = state.redeemer->RedeemNow(std::stoll(id));
      if (s.ok()) return response->Respond(200, "text/plain", "redeemed\n");
      response->RespondError(s.code() == absl::StatusCode::kNotFound ? 404 : 409,
                             std::string(s.message()));
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

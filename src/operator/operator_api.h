// The operator port (-cliAddr): what go-livepeer's CLI web server offers an operator, over
// plain HTTP on loopback by default. Here the node's own routes: /status (go-livepeer's JSON
// plus Baton's fields), /IsOrchestrator, /IsRedeemer, /EthChainID, /metrics (only with
// -monitor), and Baton's /tickets (the winning-ticket ledger), /redeemTicket (redeem now,
// whatever the gas price threshold says) and /earnings (winning tickets by round). Settings:
// operator/settings_api.h; the chain: operator/operator_chain_api.h.
//
// Routes, methods and answers are described in operator/routes.h. Handlers read the node's
// state through OperatorState; they run on the operator server's loop threads and do not
// block: a redemption, which waits for its receipt, runs on the borrowed executor.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "common/metrics.h"
#include "ledger/ticket_ledger.h"
#include "net/router.h"
#include "orchestrator/session_registry.h"
#include "pm/price_book.h"
#include "redeem/redeemer.h"
#include "worker/executor.h"

namespace baton::ops {

// What /status tells about the node (fixed at start).
struct NodeFacts {
  std::string version;
  std::string role;  // "orchestrator", "transcoder" or "orchestrator+transcoder"
  std::string network;
  std::string service_uri;
  bool local_transcoding = false;
  std::string livepeer_compatible_version;  // the go-livepeer release whose protocol it speaks
  std::string capability_version;           // what gateways' -orchMinLivepeerVersion compares
};

struct OperatorState {
  NodeFacts facts;
  const orchestrator::SessionRegistry* sessions = nullptr;
  Metrics* metrics = nullptr;  // null without -monitor
  std::function<std::set<int>()> capabilities;
  std::function<std::string()> address_hex;  // the node's account, "" offchain
  ledger::TicketLedger* ledger = nullptr;    // null without an account
  redeem::Redeemer* redeemer = nullptr;      // null offchain
  worker::Executor* executor = nullptr;      // runs the handlers that block
  const pm::PriceBook* prices = nullptr;     // /status's BroadcasterPrices
  uint64_t chain_id = 0;                     // 0 offchain
  std::function<int64_t()> current_round;    // null offchain
  // O-T split (optional): the remote transcoders, listed in /status as "RegisteredTranscoders"
  // (a JSON array, built on the loop thread).
  std::function<std::string()> transcoders_json;
  // With remote AI workers: their JSON array (address, connection time, models).
  std::function<std::string()> ai_workers_json;
  // /status "Capacity": the session capacity and why (null: not shown).
  std::function<nlohmann::json()> capacity;
  std::function<void()> refresh_metrics;  // before a /metrics scrape (may be null)
};

void RegisterOperatorApi(const OperatorState& state, http::Router& router);

// Registers `handler` for `path` with the methods operator/routes.cc describes for it; a
// request without one of the route's required parameters is answered 400 "missing form param:
// NAME" (go-livepeer's mustHaveFormParams) before the handler runs.
void HandleRoute(http::Router& router, const std::string& path, http::HttpHandler handler);

// A GET's query parameter or a POST's urlencoded form parameter (operator/form_params.h).
std::string FormParam(const http::HttpRequest& request, const std::string& name);

}  // namespace baton::ops

// The operator port (-cliAddr): what go-livepeer's CLI web server offers an operator, over
// plain HTTP on loopback by default. GET /status (JSON), GET /metrics (Prometheus text, only
// with -monitor), GET /tickets (the winning-ticket ledger) and POST /redeemTicket?id=N (redeem
// now, whatever the gas price threshold says).
//
// Handlers read the node's state through the callbacks in OperatorState; they run on the
// operator server's loop threads and do not block.
#pragma once

#include <functional>
#include <string>

#include "ledger/ticket_ledger.h"
#include "net/router.h"
#include "node/metrics.h"
#include "node/node_config.h"
#include "node/session_registry.h"
#include "redeem/redeemer.h"

namespace baton::node {

struct OperatorState {
  const NodeConfig* config = nullptr;
  const SessionRegistry* sessions = nullptr;
  Metrics* metrics = nullptr;  // null without -monitor
  std::function<std::set<int>()> capabilities;
  std::function<std::string()> address_hex;  // the node's account, "" offchain
  ledger::TicketLedger* ledger = nullptr;    // null without an account
  redeem::Redeemer* redeemer = nullptr;      // null offchain
};

void RegisterOperatorApi(const OperatorState& state, http::Router& router);

// A query or urlencoded form parameter (livepeer_cli posts forms, scripts use the query).
std::string FormParam(const http::HttpRequest& request, const std::string& name);

}  // namespace baton::node

#include "operator/routes.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace baton::ops {

const std::vector<RouteInfo>& OperatorRoutes() {
  static const auto* routes = new std::vector<RouteInfo>{
      {"/status",
       {},
       {},
       "application/json",
       "{Version, Role, Network, ServiceURI, Address, SessionsInUse, MaxSessions, "
       "LocalTranscoding, Capabilities: [name]}",
       ""},
      {"/metrics",
       {},
       {},
       "text/plain; version=0.0.4; charset=utf-8",
       "Prometheus text exposition, go-livepeer's metric names (doc/ops.md 4)",
       "monitor"},
      {"/tickets",
       {},
       {{"state", "queued|submitted|redeemed|failed|expired"},
        {"sender", "0x-hex gateway address"},
        {"limit", "at most this many, newest first (default 500, at most 10000)"}},
       "application/json",
       "{counts: {state: n, total}, faceValues: {state: wei}, tickets: [ticket]}; 400 on a bad "
       "parameter, or when the node has no account",
       ""},
      {"/redeemTicket",
       {"POST"},
       {{"id", "ledger id of the ticket (or sig)"}, {"sig", "0x-hex ticket signature (or id)"}},
       "application/json",
       "{redeemed: ticket} once the redemption's receipt is in; 400 bad parameter, 404 unknown "
       "ticket, 409 settled or refused by a safety check, 500 ledger or chain error, or offchain "
       "(\"missing ETH client\")",
       ""},
      {"/setMaxSessions",
       {"POST"},
       {{"maxSessions", "sessions this node takes at most, 1..1000000 (\"auto\" is not offered)",
         true}},
       "text/plain",
       "\"Max sessions set to N\"; 400 on a missing or bad value",
       ""},
      {"/orchestratorInfo",
       {},
       {},
       "application/json",
       "{Transcoder: {Address, ServiceURI, LastRewardRound, RewardCut, FeeShare, "
       "ActivationRound, DeactivationRound, CumulativeFees, Active, Status}}",
       "chain"},
      {"/currentRound", {}, {}, "text/plain", "the current round, decimal", "chain"},
      {"/EthChainID", {}, {}, "text/plain", "the chain id, decimal", "chain"},
      {"/ethAddr", {}, {}, "text/plain", "the node's account, checksummed hex", "chain"},
      {"/reward",
       {"POST"},
       {},
       "text/plain",
       "empty once the reward transaction is mined; 500 with the chain's error",
       "chain"},
      {"/initializeRound",
       {"POST"},
       {},
       "text/plain",
       "empty once the initializeRound transaction is mined; 500 with the chain's error",
       "chain"},
      {"/activateOrchestrator",
       {"POST"},
       {{"blockRewardCut", "percent of the reward kept (e.g. 10 or 2.5)", true},
        {"feeShare", "percent of fees shared with delegators", true},
        {"amount", "LPT wei to bond first (approve + bond); 0 or absent: none"},
        {"serviceURI", "URI to register (default: the node's -serviceAddr)"}},
       "text/plain",
       "empty once registered (approve, bond, transcoder, setServiceURI); 400 bad parameter or "
       "already registered, 500 with the chain's error",
       "chain"},
  };
  return *routes;
}

const RouteInfo& OperatorRoute(const std::string& path) {
  for (const auto& r : OperatorRoutes())
    if (r.path == path) return r;
  spdlog::critical("operator route {} is not described in operator/routes.cc", path);
  std::abort();
}

}  // namespace baton::ops

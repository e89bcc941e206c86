#include "operator/routes.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace baton::ops {

const std::vector<RouteInfo>& OperatorRoutes() {
  // Reads answer any method (go-livepeer checks none); writes are POST with a form body,
  // except /reward, which livepeer_cli sends as a GET.
  static const std::vector<std::string> kAny = {};
  static const std::vector<std::string> kPost = {"POST"};
  static const char kJson[] = "application/json";
  static const char kText[] = "text/plain";
  static const char kTx[] =
      "empty once the transaction's receipt is in; 500 with the chain's error";
  static const auto* routes = new std::vector<RouteInfo>{
      // --- The node ---
      {"/status",
       kAny,
       {},
       kJson,
       "go-livepeer's {Manifests, InternalManifests, StreamInfo, OrchestratorPool, "
       "OrchestratorPoolInfos, Version, GolangRuntimeVersion, GOArch, GOOS, "
       "RegisteredTranscodersNumber, RegisteredTranscoders: [{Address, Capacity}], "
       "LocalTranscoding, BroadcasterPrices: {\"default\"|address: \"num/den\" wei per pixel}} "
       "plus Baton's {LivepeerCompatibleVersion, CapabilityVersion, Role, Network, ServiceURI, "
       "Address, SessionsInUse, MaxSessions, Capabilities: [name]}",
       ""},
      {"/IsOrchestrator", kAny, {}, kText, "true", ""},
      {"/IsRedeemer", kAny, {}, kText, "false", ""},
      {"/EthChainID", kAny, {}, kText, "the chain id, decimal; 0 offchain", ""},
      {"/metrics",
       kAny,
       {},
       "text/plain; version=0.0.4; charset=utf-8",
       "Prometheus text exposition, go-livepeer's metric names (doc/ops.md 4)",
       "monitor"},
      {"/getLogLevel", kAny, {}, kText, "the log verbosity, 0..6", ""},
      {"/setLogLevel",
       kPost,
       {{"loglevel", "0..6 (go-livepeer's -v)", true}},
       kText,
       "empty; 400 \"parameter 'logLevel' not defined\" on a bad value",
       ""},
      // --- Tickets and earnings (Baton's) ---
      {"/tickets",
       kAny,
       {{"state", "queued|submitted|redeemed|failed|expired"},
        {"sender", "0x-hex gateway address"},
        {"limit", "at most this many, newest first (default 500, at most 10000)"}},
       kJson,
       "{counts: {state: n, total}, faceValues: {state: wei}, tickets: [ticket]}; 400 on a bad "
       "parameter, or when the node has no account",
       ""},
      {"/redeemTicket",
       kPost,
       {{"id", "ledger id of the ticket (or sig)"}, {"sig", "0x-hex ticket signature (or id)"}},
       kJson,
       "{redeemed: ticket} once the redemption's receipt is in; 400 bad parameter, 404 unknown "
       "ticket, 409 settled or refused by a safety check, 500 ledger or chain error, or offchain "
       "(\"missing ETH client\")",
       ""},
      {"/earnings",
       kAny,
       {{"rounds", "how many rounds, newest first (default 30, at most 1000)"}},
       kJson,
       "{currentRound, rounds: [{round, tickets, wonFaceValue, redeemedFaceValue, "
       "pendingFaceValue, lostFaceValue}], totals: {tickets, wonFaceValue, redeemedFaceValue, "
       "pendingFaceValue, lostFaceValue}}: winning tickets by creation round, wei as decimal "
       "strings; 400 when the node has no account",
       ""},
      // --- Settings ---
      {"/setMaxSessions",
       kPost,
       {{"maxSessions", "sessions this node takes at most, 1..1000000 (\"auto\" is not offered)",
         true}},
       kText,
       "\"Max sessions set to N\\n\"; 400 on a bad value",
       ""},
      {"/setMaxFaceValue",
       kPost,
       {{"maxfacevalue", "wei; 0 = no cap", true}},
       kText,
       "\"ticket max face value set\"; 400 on a bad value or without an account",
       ""},
      {"/setPriceForBroadcaster",
       kPost,
       {{"pricePerUnit", "price for pixelsPerUnit pixels", true},
        {"pixelsPerUnit", "pixels the price covers", true},
        {"broadcasterEthAddr", "0x-hex gateway address, or \"default\"", true},
        {"currency", "wei (default) or ETH"}},
       kText,
       "\"Price per pixel set to P wei for N pixels for broadcaster B\\n\"; 400 bad value",
       ""},
      // --- Chain reads ---
      {"/orchestratorInfo",
       kAny,
       {},
       kJson,
       "{Transcoder: {Address, ServiceURI, LastRewardRound, RewardCut, FeeShare, "
       "DelegatedStake, ActivationRound, DeactivationRound, LastActiveStakeUpdateRound, Active, "
       "Status, PricePerPixel}, PriceInfo: \"num/den\"}; big numbers bare, cuts in ppm",
       "chain"},
      {"/delegatorInfo",
       kAny,
       {},
       kJson,
       "{Address, BondedAmount, Fees, DelegateAddress, DelegatedAmount, StartRound, "
       "LastClaimRound, NextUnbondingLockId, PendingStake, PendingFees, Status}",
       "chain"},
      {"/unbondingLocks",
       kAny,
       {{"withdrawable", "true: only locks withdrawable now"}},
       kJson,
       "[{ID, Delegator, Amount, WithdrawRound}]",
       "chain"},
      {"/protocolParameters",
       kAny,
       {},
       kJson,
       "{NumActiveTranscoders, RoundLength, RoundLockAmount, UnbondingPeriod, Inflation, "
       "InflationChange, TargetBondingRate, TotalBonded, TotalSupply, Paused}",
       "chain"},
      {"/contractAddresses",
       kAny,
       {},
       kJson,
       "{Controller, LivepeerToken, LivepeerTokenFaucet, TicketBroker, RoundsManager, "
       "BondingManager, Minter, ServiceRegistry: address}",
       "chain"},
      {"/registeredOrchestrators",
       kAny,
       {},
       kJson,
       "[Transcoder] of the active pool, as /orchestratorInfo's",
       "chain"},
      {"/orchestratorEarningPoolsForRound",
       kAny,
       {{"round", "round number", true}},
       kJson,
       "{TotalStake, TranscoderRewardCut, TranscoderFeeShare, CumulativeRewardFactor, "
       "CumulativeFeeFactor}",
       "chain"},
      {"/currentRound", kAny, {}, kText, "the current round, decimal", "chain"},
      {"/roundInitialized", kAny, {}, kText, "true or false", "chain"},
      {"/currentBlock",
       kAny,
       {},
       "application/octet-stream",
       "the last L1 block seen, big-endian bytes (go-livepeer's format)",
       "chain"},
      {"/ethAddr", kAny, {}, kText, "the node's account, checksummed hex", "chain"},
      {"/tokenBalance", kAny, {}, kText, "LPT balance in wei, decimal", "chain"},
      {"/ethBalance", kAny, {}, kText, "ETH balance in wei, decimal", "chain"},
      {"/maxGasPrice", kAny, {}, kText, "wei, decimal; empty when there is no maximum", "chain"},
      {"/minGasPrice", kAny, {}, kText, "wei, decimal", "chain"},
      {"/setMaxGasPrice",
       kPost,
       {{"amount", "wei; 0 removes the maximum", true}},
       kText,
       "empty; 400 on a bad value",
       "chain"},
      {"/setMinGasPrice",
       kPost,
       {{"minGasPrice", "wei", true}},
       kText,
       "empty; 400 on a bad value",
       "chain"},
      {"/signMessage",
       kPost,
       {{"message", "text to sign (EIP-191 personal message)", true}},
       "application/octet-stream",
       "the 65-byte signature (r, s, v with v 27/28); header SigFormat data/typed is refused "
       "with 400",
       "chain"},
      // --- Transactions ---
      {"/reward", {"GET", "POST"}, {}, kText, kTx, "chain"},
      {"/initializeRound", kPost, {}, kText, kTx, "chain"},
      {"/activateOrchestrator",
       kPost,
       {{"blockRewardCut", "percent of the reward kept (e.g. 10 or 2.5)", true},
        {"feeShare", "percent of fees shared with delegators", true},
        {"pricePerUnit", "price for pixelsPerUnit pixels", true},
        {"pixelsPerUnit", "pixels the price covers", true},
        {"serviceURI", "URI to register, e.g. https://host:8935", true},
        {"currency", "wei (default) or ETH"},
        {"amount", "LPT wei to bond to itself first (approve + bond); 0 or absent: none"},
        {"unbondingLockId", "rebond this unbonding lock to itself first"}},
       kText,
       "empty once registered (price set; rebond or bond; transcoder; setServiceURI if it "
       "differs); 400 bad parameter or \"orchestrator already registered\", 500 \"current round "
       "is locked\" or the chain's error",
       "chain"},
      {"/setOrchestratorConfig",
       kPost,
       {{"pricePerUnit", "with pixelsPerUnit: the default price"},
        {"pixelsPerUnit", "with pricePerUnit"},
        {"currency", "wei (default) or ETH"},
        {"blockRewardCut", "with feeShare: percent; a transaction only if changed"},
        {"feeShare", "with blockRewardCut: percent"},
        {"serviceURI", "a transaction only if changed"}},
       kText,
       "empty; 400 bad parameter, 500 with the chain's error",
       "chain"},
      {"/bond",
       kPost,
       {{"amount", "LPT wei", true}, {"toAddr", "0x-hex address to bond to", true}},
       kText,
       "empty once bonded (the BondingManager is approved first when its allowance is short); "
       "400 bad parameter, 500 with the chain's error",
       "chain"},
      {"/unbond", kPost, {{"amount", "LPT wei", true}}, kText, kTx, "chain"},
      {"/rebond",
       kPost,
       {{"unbondingLockId", "lock id", true},
        {"toAddr", "when unbonded: the address to rebond to (rebondFromUnbonded)"}},
       kText,
       kTx,
       "chain"},
      {"/withdrawStake", kPost, {{"unbondingLockId", "lock id", true}}, kText, kTx, "chain"},
      {"/withdrawFees", kPost, {{"amount", "ETH wei", true}}, kText, kTx, "chain"},
      {"/claimEarnings", kPost, {}, kText, kTx, "chain"},
      {"/transferTokens",
       kPost,
       {{"to", "0x-hex address", true}, {"amount", "LPT wei", true}},
       kText,
       kTx,
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

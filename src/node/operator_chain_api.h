// The operator port's on-chain endpoints (go-livepeer's CLI web server names, ops.md 2):
// GET /orchestratorInfo, /currentRound, /EthChainID, /ethAddr; POST /reward, /initializeRound,
// /activateOrchestrator (bond, set reward cut and fee share, set the service URI).
//
// Transactions wait for their receipts, so those handlers run on a thread of their own and
// answer when the chain has; reads answer from eth_call. Offchain, none of them is registered.
#pragma once

#include "net/router.h"
#include "node/onchain.h"

namespace baton::node {

void RegisterOperatorChainApi(OnChain* onchain, std::shared_ptr<const eth::Account> account,
                              std::string service_uri, http::Router& router);

}  // namespace baton::node

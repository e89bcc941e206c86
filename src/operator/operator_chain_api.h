// The operator port's on-chain endpoints (go-livepeer's CLI web server names, doc/ops.md 2):
// GET /orchestratorInfo, /currentRound, /EthChainID, /ethAddr; POST /reward, /initializeRound,
// /activateOrchestrator (bond, set reward cut and fee share, set the service URI).
//
// Routes and answers are described in operator/routes.h. Transactions wait for their
// receipts, so those handlers run on the borrowed executor and answer when the chain has;
// reads answer from eth_call. Offchain, none of them is registered.
#pragma once

#include "net/router.h"
#include "node/onchain.h"
#include "worker/executor.h"

namespace baton::ops {

void RegisterOperatorChainApi(node::OnChain* onchain, std::shared_ptr<const eth::Account> account,
                              std::string service_uri, worker::Executor* executor,
                              http::Router& router);

}  // namespace baton::ops

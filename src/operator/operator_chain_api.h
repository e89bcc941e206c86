// The operator port's on-chain endpoints, go-livepeer's CLI server paths, parameters and
// answers (doc/ops.md 2 and 3): what livepeer_cli's orchestrator menu reads (orchestrator,
// delegator, unbonding locks, protocol parameters, contract addresses, balances, rounds,
// blocks, gas prices) and the transactions it sends (reward, initializeRound,
// activateOrchestrator, setOrchestratorConfig, bond, unbond, rebond, withdrawStake,
// withdrawFees, claimEarnings, transferTokens), plus setMin/MaxGasPrice and signMessage.
//
// Routes, methods, required parameters and answers are described in operator/routes.cc. Reads
// that call the chain and every transaction run on the borrowed executor (a transaction answers
// once its receipt is in, as go-livepeer's CheckTx); the rest answer on the loop thread.
// Offchain, RegisterOffchainChainStubs answers each of these paths 500 "missing ETH client",
// as go-livepeer does.
#pragma once

#include <memory>

#include "eth/account.h"
#include "net/router.h"
#include "node/onchain.h"
#include "pm/price_book.h"
#include "worker/executor.h"

namespace baton::ops {

struct ChainApiDeps {
  node::OnChain* chain = nullptr;
  std::shared_ptr<const eth::Account> account;
  worker::Executor* executor = nullptr;
  pm::PriceBook* prices = nullptr;  // the default price that activation and config set
};

void RegisterOperatorChainApi(ChainApiDeps deps, http::Router& router);
void RegisterOffchainChainStubs(http::Router& router);

}  // namespace baton::ops

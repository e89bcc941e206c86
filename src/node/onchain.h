// The node's on-chain half, started when -network is not offchain: Ethereum client, gas price
// monitor, nonces and transactions for the node's account, the Livepeer contracts resolved
// through the Controller, the chain watcher (pm::ChainFacts), and the per-round duties.
//
// Owns its threads (gas monitor, chain watcher, duties); Start/Stop from the main thread.
#pragma once

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "chain/chain_watcher.h"
#include "chain/protocol_duties.h"
#include "eth/account.h"
#include "eth/gas_price_monitor.h"
#include "eth/nonce_manager.h"
#include "eth/tx_manager.h"
#include "node/node_config.h"
#include "pm/in_memory_chain_facts.h"

namespace baton::node {

class OnChain {
 public:
  // Connects to -ethUrl, checks the chain, resolves the contracts. Nothing runs yet.
  static absl::StatusOr<std::unique_ptr<OnChain>> Connect(
      const NodeConfig& config, const std::shared_ptr<const eth::Account>& account);
  ~OnChain();

  // Listeners hear of each new L1 block on the watcher's thread. REQUIRES: before Start.
  void AddBlockListener(chain::ChainWatcher::BlockListener listener);
  // Listeners hear of each reorganisation (its fork block) on the watcher's thread, after the
  // account's nonces were resynchronised with the chain. REQUIRES: before Start.
  void AddReorgListener(chain::ChainWatcher::ReorgListener listener);
  absl::Status Start();
  void Stop();

  chain::ChainWatcher& watcher() { return *watcher_; }
  const std::shared_ptr<const eth::EthClient>& client() const { return client_; }
  const std::shared_ptr<const eth::TransactionManager>& transactions() const { return txs_; }
  const std::shared_ptr<eth::GasPriceMonitor>& gas() const { return gas_; }
  uint64_t chain_id() const { return chain_id_; }
  // Rewards called, reward errors, rounds initialized (for the metrics).
  chain::ProtocolDuties::Counters duty_counters() const { return duties_->counters(); }
  const crypto::Address& recipient() const { return recipient_; }

 private:
  OnChain() = default;

  uint64_t chain_id_ = 0;
  crypto::Address recipient_;
  std::shared_ptr<const eth::EthClient> client_;
  std::shared_ptr<eth::GasPriceMonitor> gas_;
  std::shared_ptr<eth::NonceManager> nonces_;
  std::shared_ptr<const eth::TransactionManager> txs_;
  std::unique_ptr<chain::ChainWatcher> watcher_;
  std::unique_ptr<chain::ProtocolDuties> duties_;
};

// Offchain with an account: tickets are checked for real but there is no chain to redeem
// them on, so every gateway is trusted with a large deposit and reserve, `recipient` is
// active, and a fixed round 1 keeps ticket expiration params well formed.
void TrustEverySenderOffchain(pm::InMemoryChainFacts& facts, const crypto::Address& recipient);

}  // namespace baton::node

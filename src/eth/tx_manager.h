// TransactionManager: builds, signs, sends and follows the node's own transactions, with
// go-livepeer's rules (doc/pm.md 6, doc/ops.md 1.6):
// - type: EIP-1559 (type 2) when the latest head has a baseFee, else legacy with EIP-155;
//   tip = eth_maxPriorityFeePerGas (fallback eth_gasPrice − baseFee), fee cap = tip + 2·baseFee,
//   or max(tip, min(maxGasPrice, 2·baseFee)) when -maxGasPrice is set; legacy gasPrice = the
//   monitor's price. Both refuse while the gas price is above -maxGasPrice.
// - gas: the request's limit, else -gasLimit, else eth_estimateGas (a revert there is returned
//   as an error with its reason);
// - nonce from the NonceManager;
// - waiting: polls for a receipt up to -transactionTimeout, then replaces the transaction (same
//   nonce, tip and fee cap +11% rounded up) at most -maxTransactionReplacements times; a
//   replacement is refused when tip + (feeCap − tip)/2 exceeds -maxGasPrice or the transaction
//   was already mined. Any sent version that gets mined ends the wait.
// - cancelling: a stop request on the wait's std::stop_token (node shutdown) ends the wait at
//   once, or after the receipt poll in flight, with a Cancelled status; nothing is broadcast
//   after it. What was sent stays in the mempool and may still be mined: the caller reconciles.
// - a receipt with status 0 is "transaction failed txHash=0x…: <revert reason>", the reason
//   coming from replaying the call with eth_call at the receipt's block.
//
// Thread-safety: all methods may be called from any thread; sends of one account are
// serialised by the NonceManager. Shared collaborators must outlive the manager.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "eth/account.h"
#include "eth/eth_client.h"
#include "eth/gas_price_monitor.h"
#include "eth/nonce_manager.h"
#include "eth/transaction.h"

namespace baton::eth {

struct TxManagerOptions {
  std::chrono::milliseconds tx_timeout{std::chrono::minutes(5)};
  int max_replacements = 1;
  uint64_t gas_limit = 0;  // 0 = estimate
  std::chrono::milliseconds receipt_poll_interval{1000};
};

struct TxRequest {
  std::optional<crypto::Address> to;  // nullopt deploys a contract
  std::string data;
  crypto::U256 value;
  uint64_t gas_limit = 0;  // overrides options and estimation when non-zero
  std::string label;       // for logs, e.g. "redeemWinningTicket"
};

class TransactionManager {
 public:
  TransactionManager(std::shared_ptr<const EthClient> client,
                     std::shared_ptr<const Account> account,
                     std::shared_ptr<const GasPriceMonitor> gas_prices,
                     std::shared_ptr<NonceManager> nonces, uint64_t chain_id,
                     TxManagerOptions options);

  // Builds, signs and broadcasts; returns the signed transaction.
  absl::StatusOr<SignedTransaction> Send(const TxRequest& request) const;
  // Waits for a receipt of tx (or of one of its replacements). Cancelled, naming the last hash
  // sent, when `stop` is requested before one is found (the default token never is).
  absl::StatusOr<Receipt> Wait(const SignedTransaction& tx, std::stop_token stop = {}) const;
  absl::StatusOr<Receipt> SendAndWait(const TxRequest& request, std::stop_token stop = {}) const;

  // The unsigned transaction Send() would sign, for a given nonce (exposed for tests).
  absl::StatusOr<Transaction> Build(const TxRequest& request, uint64_t nonce) const;
  // The +11% replacement of tx, or an error when it would exceed the maximum gas price.
  absl::StatusOr<Transaction> Replacement(const Transaction& tx) const;

 private:
  absl::Status SetFees(Transaction& tx) const;
  absl::StatusOr<uint64_t> GasLimit(const TxRequest& request) const;
  // Polls the hashes until one has a receipt or the deadline passes (nullopt); Cancelled when
  // `stop` is requested between two polls.
  absl::StatusOr<std::optional<Receipt>> PollReceipt(const std::vector<std::string>& hashes,
                                                     const std::stop_token& stop) const;
  absl::Status FailureOf(const Receipt& receipt, const Transaction& tx) const;

  std::shared_ptr<const EthClient> client_;
  std::shared_ptr<const Account> account_;
  std::shared_ptr<const GasPriceMonitor> gas_prices_;
  std::shared_ptr<NonceManager> nonces_;
  uint64_t chain_id_;
  TxManagerOptions options_;
};

}  // namespace baton::eth

#include "eth/tx_manager.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "common/hex.h"
#include "eth/abi_function.h"

namespace baton::eth {
namespace {

using crypto::U256;

constexpr unsigned kPriceBumpPercent = 11;

// value · (100 + bump) / 100, rounded up (go-livepeer's applyPriceBump).
U256 Bump(const U256& value) { return (value * (100 + kPriceBumpPercent) + 99) / 100; }

// The price a transaction is judged by against the maximum (go-livepeer's calcGasPrice).
U256 EffectivePrice(const Transaction& tx) {
  if (tx.type == Transaction::Type::kLegacy) return tx.gas_price;
  return tx.max_priority_fee_per_gas + (tx.max_fee_per_gas - tx.max_priority_fee_per_gas) / 2;
}

// Sleeps for `period`, or less when a stop is requested meanwhile; true when it was.
bool SleepUnlessStopped(std::chrono::milliseconds period, const std::stop_token& stop) {
  std::mutex mu;
  std::condition_variable_any wake;  // notified only by the stop request
  std::unique_lock lock(mu);
  wake.wait_for(lock, stop, period, [] { return false; });
  return stop.stop_requested();
}

absl::Status Cancelled(const std::string& hash) {
  return absl::CancelledError(absl::StrCat(
      "stopped waiting for transaction txHash=", HexEncode0x(hash), ": it may still be mined"));
}

CallRequest CallOf(const Transaction& tx, const crypto::Address& from) {
  return CallRequest{from, tx.to, tx.data, tx.value, tx.gas_limit};
}

}  // namespace

TransactionManager::TransactionManager(std::shared_ptr<const EthClient> client,
                                       std::shared_ptr<const Account> account,
                                       std::shared_ptr<const GasPriceMonitor> gas_prices,
                                       std::shared_ptr<NonceManager> nonces, uint64_t chain_id,
                                       TxManagerOptions options)
    : client_(std::move(client)),
      account_(std::move(account)),
      gas_prices_(std::move(gas_prices)),
      nonces_(std::move(nonces)),
      chain_id_(chain_id),
      options_(options) {}

absl::Status TransactionManager::SetFees(Transaction& tx) const {
  auto price = gas_prices_->SuggestGasPrice();
  if (!price.ok()) return price.status();
  auto head = client_->GetBlockByNumber(std::nullopt);
  if (!head.ok()) return head.status();
  if (!head->base_fee) {
    tx.type = Transaction::Type::kLegacy;
    tx.gas_price = *price;
    return absl::OkStatus();
  }
  const U256 base_fee = *head->base_fee;
  tx.type = Transaction::Type::kDynamicFee;
  auto tip = client_->MaxPriorityFeePerGas();
  if (tip.ok()) {
    tx.max_priority_fee_per_gas = *tip;
  } else {
    tx.max_priority_fee_per_gas = *price > base_fee ? *price - base_fee : U256(0);
  }
  const U256& t = tx.max_priority_fee_per_gas;
  if (auto max = gas_prices_->MaxGasPrice()) {
    // go-livepeer caps the fee cap at 2·baseFee so the account needs less balance; the tip is
    // a floor because a fee cap below the tip is invalid.
    U256 cap = std::min(*max, base_fee * 2);
    tx.max_fee_per_gas = std::max(cap, t);
  } else {
    tx.max_fee_per_gas = t + base_fee * 2;
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> TransactionManager::GasLimit(const TxRequest& request) const {
  if (request.gas_limit != 0) return request.gas_limit;
  if (options_.gas_limit != 0) return options_.gas_limit;
  return client_->EstimateGas(
      CallRequest{account_->address(), request.to, request.data, request.value, std::nullopt});
}

absl::StatusOr<Transaction> TransactionManager::Build(const TxRequest& request,
                                                      uint64_t nonce) const {
  Transaction tx;
  tx.chain_id = chain_id_;
  tx.nonce = nonce;
  tx.to = request.to;
  tx.value = request.value;
  tx.data = request.data;
  if (auto s = SetFees(tx); !s.ok()) return s;
  auto gas = GasLimit(request);
  if (!gas.ok()) return gas.status();
  tx.gas_limit = *gas;
  return tx;
}

absl::StatusOr<SignedTransaction> TransactionManager::Send(const TxRequest& request) const {
  std::function<absl::StatusOr<SignedTransaction>(uint64_t)> send =
      [&](uint64_t nonce) -> absl::StatusOr<SignedTransaction> {
    auto tx = Build(request, nonce);
    if (!tx.ok()) return tx.status();
    SignedTransaction signed_tx = account_->SignTransaction(*tx);
    auto hash = client_->SendRawTransaction(signed_tx.raw);
    if (!hash.ok()) return hash.status();
    spdlog::info("sent transaction {} txHash={} nonce={} gas={}", request.label,
                 HexEncode0x(signed_tx.hash), nonce, tx->gas_limit);
    return signed_tx;
  };
  return nonces_->WithNextNonce(account_->address(), send);
}

absl::StatusOr<Transaction> TransactionManager::Replacement(const Transaction& tx) const {
  Transaction next = tx;
  if (tx.type == Transaction::Type::kLegacy) {
    next.gas_price = Bump(tx.gas_price);
  } else {
    next.max_priority_fee_per_gas = Bump(tx.max_priority_fee_per_gas);
    next.max_fee_per_gas = Bump(tx.max_fee_per_gas);
  }
  auto max = gas_prices_->MaxGasPrice();
  U256 price = EffectivePrice(next);
  if (max && price > *max)
    return absl::FailedPreconditionError(absl::StrCat(
        "replacement gas price exceeds max gas price suggested=", crypto::U256ToDecimal(price),
        " max=", crypto::U256ToDecimal(*max)));
  return next;
}

absl::StatusOr<std::optional<Receipt>> TransactionManager::PollReceipt(
    const std::vector<std::string>& hashes, const std::stop_token& stop) const {
  auto deadline = std::chrono::steady_clock::now() + options_.tx_timeout;
  while (true) {
    for (const auto& hash : hashes) {
      auto receipt = client_->GetTransactionReceipt(hash);
      if (!receipt.ok()) return receipt.status();
      if (receipt->has_value()) return receipt;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::optional<Receipt>();
    if (SleepUnlessStopped(options_.receipt_poll_interval, stop)) return Cancelled(hashes.back());
  }
}

absl::Status TransactionManager::FailureOf(const Receipt& receipt, const Transaction& tx) const {
  std::string message = absl::StrCat("transaction failed txHash=", HexEncode0x(receipt.tx_hash));
  auto replay = client_->Call(CallOf(tx, account_->address()), ToQuantity(receipt.block_number));
  absl::Status status;
  std::optional<std::string> revert = replay.ok() ? std::nullopt : RevertData(replay.status());
  std::optional<std::string> reason = revert ? abi::DecodeRevertReason(*revert) : std::nullopt;
  if (reason) absl::StrAppend(&message, ": ", *reason);
  status = absl::AbortedError(message);
  if (revert) SetRevertData(status, *revert);
  return status;
}

absl::StatusOr<Receipt> TransactionManager::Wait(const SignedTransaction& first,
                                                 std::stop_token stop) const {
  std::vector<std::string> hashes = {first.hash};
  Transaction current = first.tx;
  for (int replacements = 0;; ++replacements) {
    auto receipt = PollReceipt(hashes, stop);
    if (!receipt.ok()) return receipt.status();
    if (receipt->has_value()) {
      const Receipt& r = **receipt;
      if (r.status == 0) return FailureOf(r, current);
      return r;
    }
    if (replacements >= options_.max_replacements)
      return absl::DeadlineExceededError(absl::StrCat(
          "timed out waiting for transaction txHash=", HexEncode0x(hashes.back()), " after ",
          options_.tx_timeout.count(), " ms and ", replacements, " replacements"));
    if (stop.stop_requested()) return Cancelled(hashes.back());  // never replace after a stop
    auto pending = client_->IsTransactionPending(hashes.back());
    if (!pending.ok()) return pending.status();
    if (pending->has_value() && !**pending)
      return absl::FailedPreconditionError("cannot replace a transaction that was already mined");
    auto next = Replacement(current);
    if (!next.ok()) return next.status();
    SignedTransaction signed_tx = account_->SignTransaction(*next);
    auto sent = client_->SendRawTransaction(signed_tx.raw);
    if (!sent.ok()) return sent.status();
    spdlog::info("replaced transaction txHash={} with txHash={} nonce={}",
                 HexEncode0x(hashes.back()), HexEncode0x(signed_tx.hash), next->nonce);
    hashes.push_back(signed_tx.hash);
    current = *next;
  }
}

absl::StatusOr<Receipt> TransactionManager::SendAndWait(const TxRequest& request,
                                                        std::stop_token stop) const {
  auto tx = Send(request);
  if (!tx.ok()) return tx.status();
  return Wait(*tx, std::move(stop));
}

}  // namespace baton::eth

// EthClient: typed Ethereum JSON-RPC methods (eth_chainId, blocks, gas prices, nonces,
// eth_call, eth_estimateGas, sending raw transactions, receipts, logs, balances) over a
// JsonRpcClient, with quantities decoded into U256 / uint64 and bytes into raw strings.
//
// Errors keep the node's message (see json_rpc.h); a malformed answer is an InternalError
// naming the method and field. Thread-safe: every method may be called concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crypto/address.h"
#include "crypto/uint256.h"
#include "eth/json_rpc.h"

namespace baton::eth {

struct BlockHeader {
  uint64_t number = 0;
  std::string hash;         // 32 bytes
  std::string parent_hash;  // 32 bytes
  uint64_t timestamp = 0;
  std::optional<crypto::U256> base_fee;     // London and later
  std::optional<uint64_t> l1_block_number;  // Arbitrum's `l1BlockNumber`
};

struct Log {
  crypto::Address address;
  std::vector<std::string> topics;  // 32 bytes each
  std::string data;
  uint64_t block_number = 0;
  std::string block_hash;
  std::string tx_hash;
  uint64_t log_index = 0;
  bool removed = false;
};

struct Receipt {
  std::string tx_hash;
  uint64_t status = 0;  // 1 success, 0 failure
  uint64_t block_number = 0;
  std::string block_hash;
  uint64_t gas_used = 0;
  crypto::U256 effective_gas_price;
  std::optional<crypto::Address> contract_address;
  std::vector<Log> logs;
};

// eth_call / eth_estimateGas arguments.
struct CallRequest {
  std::optional<crypto::Address> from;
  std::optional<crypto::Address> to;
  std::string data;
  crypto::U256 value;
  std::optional<uint64_t> gas;
};

struct LogFilter {
  uint64_t from_block = 0;
  uint64_t to_block = 0;
  std::vector<crypto::Address> addresses;
  // topics[i] lists the accepted values at position i (empty = any).
  std::vector<std::vector<std::string>> topics;
};

class EthClient {
 public:
  explicit EthClient(std::shared_ptr<const JsonRpcClient> rpc) : rpc_(std::move(rpc)) {}
  explicit EthClient(JsonRpcOptions options)
      : rpc_(std::make_shared<JsonRpcClient>(std::move(options))) {}

  absl::StatusOr<uint64_t> ChainId() const;
  absl::StatusOr<uint64_t> BlockNumber() const;
  // The header of block `number`, or of the latest block when nullopt.
  absl::StatusOr<BlockHeader> GetBlockByNumber(std::optional<uint64_t> number) const;
  absl::StatusOr<crypto::U256> GasPrice() const;
  absl::StatusOr<crypto::U256> MaxPriorityFeePerGas() const;
  // block: "latest", "pending", ...
  absl::StatusOr<uint64_t> GetTransactionCount(const crypto::Address& account,
                                               const std::string& block = "pending") const;
  absl::StatusOr<crypto::U256> GetBalance(const crypto::Address& account,
                                          const std::string& block = "latest") const;
  // Returns the call's return data; a revert is an error carrying RevertData().
  absl::StatusOr<std::string> Call(const CallRequest& request,
                                   const std::string& block = "latest") const;
  absl::StatusOr<uint64_t> EstimateGas(const CallRequest& request) const;
  // Returns the 32-byte transaction hash.
  absl::StatusOr<std::string> SendRawTransaction(std::string_view raw) const;
  // nullopt while the transaction is not mined.
  absl::StatusOr<std::optional<Receipt>> GetTransactionReceipt(std::string_view tx_hash) const;
  // Whether the node knows the transaction, and if so whether it is still pending.
  // nullopt: unknown to the node.
  absl::StatusOr<std::optional<bool>> IsTransactionPending(std::string_view tx_hash) const;
  absl::StatusOr<std::vector<Log>> GetLogs(const LogFilter& filter) const;

  const JsonRpcClient& rpc() const { return *rpc_; }

 private:
  std::shared_ptr<const JsonRpcClient> rpc_;
};

// "0x"-prefixed hex quantity (no leading zeros) as JSON-RPC wants it.
std::string ToQuantity(const crypto::U256& value);
absl::StatusOr<crypto::U256> ParseQuantity(const nlohmann::json& j);

// The decoders EthClient applies to a method's "result" (a malformed one is an InternalError
// naming the field). Exception-free for any JSON value.
absl::StatusOr<BlockHeader> DecodeBlockHeader(const nlohmann::json& result);  // a non-null block
absl::StatusOr<Receipt> DecodeReceipt(const nlohmann::json& result);          // a non-null receipt
absl::StatusOr<std::vector<Log>> DecodeLogs(const nlohmann::json& result);    // eth_getLogs

}  // namespace baton::eth

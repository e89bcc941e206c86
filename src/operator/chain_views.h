// What the operator port reads from the Livepeer contracts, in go-livepeer's JSON shapes
// (eth/types/contracts.go, doc/ops.md 2): the orchestrator (Transcoder), the delegator,
// unbonding locks, protocol parameters, contract addresses, the active pool, an earnings pool.
//
// Big numbers are BigNumber() values (operator/go_json.h: write with DumpGoJson); addresses
// are lower-case hex (go-ethereum's Address.MarshalText). Every read is a blocking eth_call: call
// these off the event loop. Stateless; thread-safe as EthClient is.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "chain/protocol_contracts.h"
#include "eth/abi_value.h"
#include "eth/eth_client.h"
#include "nlohmann/json.hpp"
#include "operator/go_json.h"

namespace baton::ops {

class ChainReader {
 public:
  ChainReader(const eth::EthClient& client, const chain::ProtocolContracts& contracts)
      : client_(client), k_(contracts) {}

  const eth::EthClient& client() const { return client_; }
  const chain::ProtocolContracts& contracts() const { return k_; }

  // eth_call of `signature` (e.g. "getDelegator(address)") on `to`, decoded as `outputs`.
  absl::StatusOr<std::vector<eth::abi::Value>> Call(
      const crypto::Address& to, std::string_view signature, std::string_view outputs,
      const std::vector<eth::abi::Value>& args = {}) const;
  absl::StatusOr<crypto::U256> Uint(const crypto::Address& to, std::string_view signature,
                                    const std::vector<eth::abi::Value>& args = {}) const;
  // Controller.getContract(keccak256(name)); an unknown name is the zero address.
  absl::StatusOr<crypto::Address> Contract(std::string_view name) const;

 private:
  const eth::EthClient& client_;
  const chain::ProtocolContracts& k_;
};

// go-livepeer's Transcoder for `address`; `price_per_pixel` is its PricePerPixel ("num/den"),
// null when absent.
absl::StatusOr<nlohmann::json> TranscoderJson(const ChainReader& r, const crypto::Address& address,
                                              std::optional<std::string> price_per_pixel);
absl::StatusOr<nlohmann::json> DelegatorJson(const ChainReader& r, const crypto::Address& address);
// The locks of `address` still held (withdrawRound > 0); with `withdrawable_at`, only those
// whose withdraw round is at or before it.
absl::StatusOr<nlohmann::json> UnbondingLocksJson(const ChainReader& r,
                                                  const crypto::Address& address,
                                                  std::optional<crypto::U256> withdrawable_at);
absl::StatusOr<nlohmann::json> ProtocolParametersJson(const ChainReader& r, uint64_t chain_id);
absl::StatusOr<nlohmann::json> ContractAddressesJson(const ChainReader& r);
// The active pool, largest stake first; PricePerPixel is `own_price` for `own`, else "0"
// (Baton keeps no database of other orchestrators' prices).
absl::StatusOr<nlohmann::json> RegisteredOrchestratorsJson(const ChainReader& r,
                                                           const crypto::Address& own,
                                                           const std::string& own_price);
absl::StatusOr<nlohmann::json> EarningsPoolJson(const ChainReader& r,
                                                const crypto::Address& address,
                                                const crypto::U256& round);

}  // namespace baton::ops

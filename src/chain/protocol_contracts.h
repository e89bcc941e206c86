// The Livepeer contracts this node talks to, resolved once at start-up through the
// Controller (doc/pm.md 5: only the Controller is configured; every other address comes from
// Controller.getContract(keccak256(name))). Plain data after Resolve; thread-safe to share.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "crypto/address.h"
#include "eth/eth_client.h"

namespace baton::chain {

struct ProtocolContracts {
  crypto::Address controller;
  crypto::Address ticket_broker;
  crypto::Address rounds_manager;
  crypto::Address bonding_manager;
  crypto::Address service_registry;

  // Fails naming the contract that the Controller does not know.
  static absl::StatusOr<ProtocolContracts> Resolve(const eth::EthClient& client,
                                                   const crypto::Address& controller);
};

// The AI subnet's ServiceRegistry (-aiServiceRegistry), with the ServiceRegistry ABI.
inline constexpr char kAiServiceRegistry[] = "0x04C0b249740175999E5BF5c9ac1dA92431EF34C5";

// The Controller of a -network preset ("arbitrum-one-mainnet", "mainnet"); empty otherwise.
std::string PresetController(const std::string& network);
// go-livepeer's redeem gas estimate: 1,200,000 on arbitrum-one-mainnet, 350,000 elsewhere.
uint64_t RedeemGas(const std::string& network);

}  // namespace baton::chain

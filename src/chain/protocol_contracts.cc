#include "chain/protocol_contracts.h"

#include "eth/contracts.h"

namespace baton::chain {

absl::StatusOr<ProtocolContracts> ProtocolContracts::Resolve(const eth::EthClient& client,
                                                             const crypto::Address& controller) {
  ProtocolContracts c;
  c.controller = controller;
  struct Entry {
    const char* name;
    crypto::Address* out;
  };
  for (Entry e :
       {Entry{"TicketBroker", &c.ticket_broker}, Entry{"RoundsManager", &c.rounds_manager},
        Entry{"BondingManager", &c.bonding_manager},
        Entry{"ServiceRegistry", &c.service_registry}}) {
    auto address = eth::contracts::GetContract(client, controller, e.name);
    if (!address.ok())
      return absl::UnavailableError(std::string("resolving ") + e.name + " through Controller " +
                                    controller.Hex() + ": " +
                                    std::string(address.status().message()));
    if (address->IsZero())
      return absl::NotFoundError(std::string("Controller ") + controller.Hex() +
                                 " has no contract registered as " + e.name);
    *e.out = *address;
  }
  return c;
}

std::string PresetController(const std::string& network) {
  if (network == "arbitrum-one-mainnet") return "0xD8E8328501E9645d16Cf49539efC04f734606ee4";
  if (network == "mainnet") return "0xf96d54e490317c557a967abfa5d6e33006be69b3";
  return "";
}

uint64_t RedeemGas(const std::string& network) {
  return network == "arbitrum-one-mainnet" ? 1'200'000 : 350'000;
}

}  // namespace baton::chain

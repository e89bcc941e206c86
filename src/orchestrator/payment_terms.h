// What the node asks of a gateway in exchange for work: the price and the ticket parameters
// it advertises in every OrchestratorInfo.
//
// The offchain node has a price but no ticket parameters (no account to receive tickets);
// the payments layer provides the implementation with ticket parameters (pm::Recipient).
// Implementations are thread-safe.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "lp_rpc.pb.h"

namespace baton::orchestrator {

class PaymentTerms {
 public:
  virtual ~PaymentTerms() = default;
  // Price quoted to `sender` (20 bytes) for `manifest` ("" outside a session): the session's
  // fixed price if one is pinned, else the per-gateway or default price.
  virtual absl::StatusOr<net::PriceInfo> Price(const std::string& sender,
                                               const std::string& manifest) = 0;
  // Ticket parameters for `sender` at `price`; nullopt when the node takes no tickets.
  virtual absl::StatusOr<std::optional<net::TicketParams>> TicketParams(
      const std::string& sender, const net::PriceInfo& price) = 0;
};

}  // namespace baton::orchestrator

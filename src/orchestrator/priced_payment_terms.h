// PaymentTerms on top of the payments layer: prices from pm::PriceBook (per-gateway, default,
// auto-adjusted by the ticket's tx-cost multiplier), the session's fixed price from
// pm::Balances, and ticket parameters from pm::Recipient when the node has an account to
// receive tickets (none offchain without an account). With metrics, each ticket parameters
// answer records go-livepeer's per-gateway gauges livepeer_gateway_ticket_face_value and
// livepeer_gateway_max_float (gwei, label sender; doc/ops.md 4).
//
// Borrows every collaborator; they must outlive it. Thread-safe.
#pragma once

#include "common/metrics.h"
#include "orchestrator/payment_terms.h"
#include "pm/balances.h"
#include "pm/chain_facts.h"
#include "pm/price_book.h"
#include "pm/recipient.h"

namespace baton::orchestrator {

class PricedPaymentTerms : public PaymentTerms {
 public:
  // recipient may be null: the node then quotes prices but takes no tickets.
  PricedPaymentTerms(const pm::PriceBook& prices, pm::Balances& balances, pm::Recipient* recipient)
      : prices_(prices), balances_(balances), recipient_(recipient) {}

  // Records the per-gateway gauges; `facts` answers MaxFloat (the recipient's chain facts).
  void set_metrics(Metrics* metrics, const pm::ChainFacts* facts) {
    metrics_ = metrics;
    facts_ = facts;
  }

  absl::StatusOr<net::PriceInfo> Price(const std::string& sender,
                                       const std::string& manifest) override;
  absl::StatusOr<std::optional<net::TicketParams>> TicketParams(
      const std::string& sender, const net::PriceInfo& price) override;

 private:
  const pm::PriceBook& prices_;
  pm::Balances& balances_;
  pm::Recipient* recipient_;
  Metrics* metrics_ = nullptr;
  const pm::ChainFacts* facts_ = nullptr;
};

}  // namespace baton::orchestrator

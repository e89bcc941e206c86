// PaymentTerms on top of the payments layer: prices from pm::PriceBook (per-gateway, default,
// auto-adjusted by the ticket's tx-cost multiplier), the session's fixed price from
// pm::Balances, and ticket parameters from pm::Recipient when the node has an account to
// receive tickets (none offchain without an account).
//
// Borrows every collaborator; they must outlive it. Thread-safe.
#pragma once

#include "orchestrator/payment_terms.h"
#include "pm/balances.h"
#include "pm/price_book.h"
#include "pm/recipient.h"

namespace baton::orchestrator {

class PricedPaymentTerms : public PaymentTerms {
 public:
  // recipient may be null: the node then quotes prices but takes no tickets.
  PricedPaymentTerms(const pm::PriceBook& prices, pm::Balances& balances, pm::Recipient* recipient)
      : prices_(prices), balances_(balances), recipient_(recipient) {}

  absl::StatusOr<net::PriceInfo> Price(const std::string& sender,
                                       const std::string& manifest) override;
  absl::StatusOr<std::optional<net::TicketParams>> TicketParams(
      const std::string& sender, const net::PriceInfo& price) override;

 private:
  const pm::PriceBook& prices_;
  pm::Balances& balances_;
  pm::Recipient* recipient_;
};

}  // namespace baton::orchestrator

// Payment admission: whether a paid job may start, and at what price its work is charged
// (doc/pm.md 2.4 and 3, doc/wire.md 3 steps 4-5 and 4). It is the payment part of the
// orchestrator's admission step: Recipient::ProcessPayment for the payment itself, then
// go-livepeer's SufficientBalance, with the rules that keep a priced node from working unpaid:
// - the balance check runs whenever the session's price (its pinned price, else the node's
//   quote) is above zero, whatever price the gateway claims;
// - a payment without tickets is accepted when the session's balance covers one ticket's EV,
//   as real gateways expect, and refused 400 "Insufficient balance" otherwise;
// - work is debited at the session's pinned price, never at the gateway's claim.
// The answer carries the HTTP status go-livepeer's handlers use (400 for a refused payment
// or balance), and 503 when a winning ticket could not be stored.
//
// Free functions over a Recipient and Balances that the caller owns; thread-safe as those are.
#pragma once

#include <string>
#include <string_view>

#include "crypto/address.h"
#include "lp_rpc.pb.h"
#include "pm/balances.h"
#include "pm/rational.h"
#include "pm/recipient.h"

namespace baton::pm {

struct PaymentDecision {
  int http_status = 200;  // 200, 400 (payment or balance refused) or 503 (ticket not stored)
  std::string error;      // the response text when http_status != 200
  PaymentOutcome payment;
  // What the job's work is debited at: the session's pinned price, else the quote.
  Rat price = 0;
  bool ok() const { return http_status == 200; }
};

// The price `sender`'s session `manifest` is charged: its pinned price, else `quoted`.
Rat SessionPrice(Balances& balances, const crypto::Address& sender, std::string_view manifest,
                 const Rat& quoted);

// POST /segment: the payment, then the balance whenever the session's price is above zero.
// `quoted` is the price the node quotes this session now (the refreshed OrchestratorInfo's).
PaymentDecision AdmitWork(Recipient& recipient, Balances& balances, const net::Payment& payment,
                          std::string_view manifest, const Rat& quoted);

// POST /payment: the payment alone (go-livepeer checks no balance there; no work follows).
PaymentDecision AdmitPayment(Recipient& recipient, Balances& balances, const net::Payment& payment,
                             std::string_view manifest, const Rat& quoted);

// After the work: balance −= `price` (the decision's) × units (output pixels); may go
// negative.
void DebitWork(Balances& balances, const crypto::Address& sender, std::string_view manifest,
               const Rat& price, uint64_t units);

}  // namespace baton::pm

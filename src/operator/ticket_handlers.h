// Operator-port handlers for winning tickets, as plain functions from request parameters to a
// status code and a body, so operator_api.cc only wires the routes (doc/ops.md 6, pain point 1:
// operators need to see queued, unredeemed and expired tickets and why they wait).
//
//   GET  /tickets[?state=queued|submitted|redeemed|failed|expired][&sender=0x…][&limit=N]
//        → 200 {"counts": {...,"total"}, "faceValues": {state: wei}, "tickets": [...]}, newest
//          first (limit 500 by default, at most 10000); 400 on a bad parameter.
//   POST /redeemTicket, form body id=N  or  sig=0x…(65 bytes)
//        → 200 {"redeemed": entry}; 400 bad parameter; 404 unknown ticket; 409 settled already
//          or refused by a safety check (the body says which); 500 ledger error.
// A ticket in the JSON: id, state, sender, recipient, faceValue and winProb (wei, decimal),
// senderNonce, creationRound, paramsExpirationBlock, ticketHash, sig, txHash, blockNumber,
// reason (why it waits or failed), attempts, createdAt/submittedAt/settledAt (unix seconds),
// manifestID.
//
// Stateless; thread-safe as the ledger and redeemer are. RedeemTicket blocks until the
// redemption's receipt (or refusal): call it off the event loop.
#pragma once

#include <functional>
#include <string>

#include "ledger/ticket_ledger.h"
#include "nlohmann/json.hpp"

namespace baton::redeem {
class Redeemer;
}  // namespace baton::redeem

namespace baton::ops {

struct HandlerResponse {
  int status = 200;
  std::string body;  // application/json
};

// Looks up a query or form parameter; "" when absent.
using ParamLookup = std::function<std::string(const std::string& name)>;

nlohmann::json EntryJson(const ledger::LedgerEntry& entry);
HandlerResponse TicketsHandler(ledger::TicketLedger& ledger, const ParamLookup& param);
HandlerResponse RedeemTicketHandler(ledger::TicketLedger& ledger, redeem::Redeemer& redeemer,
                                    const ParamLookup& param);

}  // namespace baton::ops

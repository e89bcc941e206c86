// WinningTicketSink: where the recipient hands each winning ticket, with everything needed to
// redeem it on-chain later. The ticket ledger (ledger::TicketLedger, src/ledger) implements it
// durably; RecordingTicketSink keeps them in memory for tests.
//
// Accept is called synchronously by the thread processing the payment (the orchestrator's
// payment executor, off the event loops: orchestrator/admission.h), before the job response is
// sent, so a durable implementation can persist (fsync) first. Implementations must be
// thread-safe. An error from Accept (disk full, database locked) fails the payment that
// carried the ticket: nothing of it is credited and the work is refused, since a ticket that
// is not stored can never be redeemed (go-livepeer stores asynchronously and credits anyway).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "crypto/uint256.h"
#include "pm/ticket.h"

namespace baton::pm {

struct WinningTicket {
  Ticket ticket;
  std::string sig;  // 65 bytes r‖s‖v, v ∈ {27,28}
  crypto::U256 recipient_rand = 0;
  crypto::U256 params_expiration_block = 0;
  std::string manifest_id;  // the session, for logs
};

class WinningTicketSink {
 public:
  virtual ~WinningTicketSink() = default;
  virtual absl::Status Accept(const WinningTicket& ticket) = 0;
};

// Keeps every accepted ticket; for tests and the offchain node.
class RecordingTicketSink : public WinningTicketSink {
 public:
  absl::Status Accept(const WinningTicket& ticket) override {
    std::lock_guard<std::mutex> lock(mu_);
    tickets_.push_back(ticket);
    return absl::OkStatus();
  }
  std::vector<WinningTicket> tickets() const {
    std::lock_guard<std::mutex> lock(mu_);
    return tickets_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<WinningTicket> tickets_;
};

}  // namespace baton::pm

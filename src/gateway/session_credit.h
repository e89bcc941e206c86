// SessionCredit: a gateway's credit with one orchestrator session, kept as a go-livepeer
// gateway keeps it (core/accounting.go Balance.StageUpdate, server/segment_rpc.go
// newBalanceUpdate / completeBalanceUpdate), so that the node's balance for the session and
// ours agree: EV of the tickets sent, minus price × pixels of each result.
//
// For each segment, Stage reserves the whole credit (it reads zero while the segment is in
// flight, so concurrent segments each pay for themselves) and says how many tickets cover the
// shortfall to max(fee, one ticket's EV): the node serves only while the session's balance
// covers one EV, so the credit must reach that even for a cheaper segment. Zero tickets means
// a payment without tickets. Then exactly one of: Cancel (nothing was sent: the reserved
// credit comes back), Complete (a result came: credit += reserved + new − debit), or nothing
// (no result: the node may have spent it, so it is counted spent, as go-livepeer counts it).
// A new session id (a refreshed session) starts from zero, as the node's balance does.
//
// Thread-safe: one mutex.
#pragma once

#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "pm/rational.h"

namespace baton::gateway {

class SessionCredit {
 public:
  struct Update {
    std::string session_id;
    int tickets = 0;
    pm::Rat existing = 0;    // reserved from the credit
    pm::Rat new_credit = 0;  // tickets × EV
  };

  // Fails (and reserves nothing) when the shortfall needs an absurd number of tickets.
  absl::StatusOr<Update> Stage(const std::string& session_id, const pm::Rat& fee,
                               const pm::Rat& ticket_ev);
  void Cancel(const Update& update);
  void Complete(const Update& update, const pm::Rat& debit);
  pm::Rat balance() const;

 private:
  void AddLocked(const std::string& session_id, const pm::Rat& amount);

  mutable std::mutex mu_;
  pm::Rat credit_ = 0;
  std::string session_id_;
};

}  // namespace baton::gateway

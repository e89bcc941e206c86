#include "gateway/session_credit.h"

#include "pm/sender.h"

namespace baton::gateway {

absl::StatusOr<SessionCredit::Update> SessionCredit::Stage(const std::string& session_id,
                                                           const pm::Rat& fee,
                                                           const pm::Rat& ticket_ev) {
  std::lock_guard<std::mutex> lock(mu_);
  if (session_id != session_id_) {
    session_id_ = session_id;
    credit_ = 0;
  }
  const pm::Rat min_credit = fee > ticket_ev ? fee : ticket_ev;
  absl::StatusOr<int> tickets = pm::Sender::TicketsFor(min_credit - credit_, ticket_ev);
  if (!tickets.ok()) return tickets.status();
  Update update;
  update.session_id = session_id;
  update.tickets = *tickets;
  update.existing = credit_;
  update.new_credit = ticket_ev * *tickets;
  credit_ = 0;
  return update;
}

void SessionCredit::AddLocked(const std::string& session_id, const pm::Rat& amount) {
  if (session_id == session_id_) credit_ += amount;
}

void SessionCredit::Cancel(const Update& update) {
  std::lock_guard<std::mutex> lock(mu_);
  AddLocked(update.session_id, update.existing);
}

void SessionCredit::Complete(const Update& update, const pm::Rat& debit) {
  std::lock_guard<std::mutex> lock(mu_);
  AddLocked(update.session_id, update.existing + update.new_credit - debit);
}

pm::Rat SessionCredit::balance() const {
  std::lock_guard<std::mutex> lock(mu_);
  return credit_;
}

}  // namespace baton::gateway

#include "pm/sender.h"

#include <algorithm>

#include "crypto/eth_sign.h"
#include "pm/payment_decoder.h"
#include "pm/ticket.h"

namespace baton::pm {

uint32_t Sender::NextNonce(const std::string& recipient_rand_hash) {
  std::lock_guard<std::mutex> lock(mu_);
  return ++nonces_[recipient_rand_hash];
}

absl::StatusOr<int> Sender::TicketsFor(const Rat& gap, const Rat& ev) {
  if (gap <= 0) return 0;
  if (ev <= 0) return absl::InvalidArgumentError("the ticket EV is 0");
  Rat ratio = gap / ev;
  BigInt count =
      boost::multiprecision::numerator(ratio) / boost::multiprecision::denominator(ratio);
  if (count * boost::multiprecision::denominator(ratio) !=
      boost::multiprecision::numerator(ratio)) {
    count += 1;
  }
  if (count > 100000) {
    return absl::InvalidArgumentError("expected fee needs " + count.str() +
                                      " tickets; the ticket EV is too small");
  }
  return count.convert_to<int>();
}

absl::StatusOr<net::Payment> Sender::CreatePayment(const net::OrchestratorInfo& info,
                                                   const Rat& expected_fee) {
  if (!info.has_ticket_params()) return CreatePaymentWithTickets(info, 0);
  const net::TicketParams& tp = info.ticket_params();
  Rat ev = TicketEV(WireUint::FromBytes(tp.face_value()).value,
                    WireUint::FromBytes(tp.win_prob()).value);
  if (ev <= 0) return CreatePaymentWithTickets(info, 1);
  absl::StatusOr<int> count = TicketsFor(expected_fee, ev);
  if (!count.ok()) return count.status();
  return CreatePaymentWithTickets(info, std::max(*count, 1));
}

absl::StatusOr<net::Payment> Sender::CreatePaymentWithTickets(const net::OrchestratorInfo& info,
                                                              int count) {
  net::Payment payment;
  payment.set_sender(address_.bytes());
  if (info.has_price_info()) *payment.mutable_expected_price() = info.price_info();
  if (!info.has_ticket_params() || count == 0) return payment;

  const net::TicketParams& tp = info.ticket_params();
  *payment.mutable_ticket_params() = tp;
  *payment.mutable_expiration_params() = tp.expiration_params();

  Ticket ticket;
  ticket.recipient = crypto::Address::FromBytesGoStyle(tp.recipient());
  ticket.sender = address_;
  ticket.face_value = WireUint::FromBytes(tp.face_value()).value;
  ticket.win_prob = WireUint::FromBytes(tp.win_prob()).value;
  ticket.recipient_rand_hash = HashGoStyle(tp.recipient_rand_hash());
  ticket.expiration.creation_round = tp.expiration_params().creation_round();
  ticket.expiration.creation_round_block_hash =
      HashGoStyle(tp.expiration_params().creation_round_block_hash());
  for (int i = 0; i < count; ++i) {
    ticket.sender_nonce = NextNonce(ticket.recipient_rand_hash);
    net::TicketSenderParams* sp = payment.add_ticket_sender_params();
    sp->set_sender_nonce(ticket.sender_nonce);
    sp->set_sig(crypto::PersonalSign(key_, ticket.Hash()));
  }
  return payment;
}

}  // namespace baton::pm

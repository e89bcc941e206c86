#include "pm/sender.h"

#include <gtest/gtest.h>

#include "crypto/eth_sign.h"
#include "pm/payment_decoder.h"
#include "pm/ticket.h"

namespace baton::pm {
namespace {

net::OrchestratorInfo InfoWithEV(uint64_t face_value, const crypto::U256& win_prob) {
  net::OrchestratorInfo info;
  net::TicketParams* tp = info.mutable_ticket_params();
  tp->set_recipient(crypto::PrivateKey::Generate().address().bytes());
  tp->set_face_value(crypto::U256ToMinimal(face_value));
  tp->set_win_prob(crypto::U256ToMinimal(win_prob));
  tp->set_recipient_rand_hash(std::string(32, '\x42'));
  tp->set_seed("\x01");
  tp->set_expiration_block("\x64");
  tp->mutable_expiration_params()->set_creation_round(3);
  tp->mutable_expiration_params()->set_creation_round_block_hash(std::string(32, '\x07'));
  info.mutable_price_info()->set_priceperunit(3);
  info.mutable_price_info()->set_pixelsperunit(2);
  return info;
}

TEST(Sender, EnoughTicketsForTheFeeWithIncreasingNonces) {
  Sender sender(crypto::PrivateKey::Generate());
  // EV = 1000 × MAX/2 / MAX ≈ 500 (slightly less).
  net::OrchestratorInfo info = InfoWithEV(1000, MaxWinProb() / 2);
  net::Payment p = sender.CreatePayment(info, Rat(1000)).value();
  ASSERT_EQ(p.ticket_sender_params_size(), 3);  // 1000 / 499.99... → 3
  EXPECT_EQ(p.sender(), sender.address().bytes());
  EXPECT_EQ(p.expected_price().priceperunit(), 3);
  EXPECT_EQ(p.expiration_params().creation_round(), 3);
  DecodedPayment d = DecodePayment(p);
  for (int i = 0; i < 3; ++i) {
    Ticket t;
    t.recipient = d.params.recipient;
    t.sender = d.sender;
    t.face_value = d.params.face_value.value;
    t.win_prob = d.params.win_prob.value;
    t.sender_nonce = d.tickets[i].sender_nonce;
    t.recipient_rand_hash = d.params.recipient_rand_hash;
    t.expiration = d.expiration;
    EXPECT_EQ(t.sender_nonce, static_cast<uint32_t>(i + 1));
    EXPECT_EQ(crypto::RecoverPersonalSigner(t.Hash(), d.tickets[i].sig).value(), sender.address());
  }
  // The next payment against the same params continues the nonces.
  net::Payment next = sender.CreatePayment(info, Rat(1)).value();
  ASSERT_EQ(next.ticket_sender_params_size(), 1);
  EXPECT_EQ(next.ticket_sender_params(0).sender_nonce(), 4u);
}

TEST(Sender, FreeOrchestratorGetsAPaymentWithoutTickets) {
  Sender sender(crypto::PrivateKey::Generate());
  net::OrchestratorInfo info;
  info.mutable_price_info()->set_pixelsperunit(1);
  net::Payment p = sender.CreatePayment(info, Rat(1000)).value();
  EXPECT_FALSE(p.has_ticket_params());
  EXPECT_EQ(p.ticket_sender_params_size(), 0);
  EXPECT_EQ(p.sender(), sender.address().bytes());
}

}  // namespace
}  // namespace baton::pm

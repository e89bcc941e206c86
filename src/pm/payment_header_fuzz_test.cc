// Runs the fuzz target's body over a small corpus of real and broken headers, so every build
// exercises it even without clang.
#include "pm/payment_header_fuzz.h"

#include <gtest/gtest.h>

#include <random>

#include "common/hex.h"
#include "crypto/secp256k1.h"
#include "pm/payment_decoder.h"
#include "pm/sender.h"

namespace baton::pm {
namespace {

void RunFuzzBody(std::string_view s) {
  FuzzPaymentHeaders(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(PaymentHeaderFuzz, CorpusRunsCleanly) {
  Sender sender(crypto::PrivateKey::Generate());
  net::OrchestratorInfo info;
  info.mutable_ticket_params()->set_face_value("\x01\x00");
  info.mutable_ticket_params()->set_win_prob(std::string(40, '\xff'));  // oversized on purpose
  info.mutable_price_info()->set_pixelsperunit(1);
  std::string payment = sender.CreatePaymentWithTickets(info, 3)->SerializeAsString();
  net::SegData seg;
  seg.set_manifestid("abc");
  seg.set_seq(7);
  std::vector<std::string> corpus = {
      "",
      "\n",
      "====",
      "AAAA\nAAAA",
      "not base64!\n***",
      payment,
      Base64Encode(payment) + "\n" + Base64Encode(seg.SerializeAsString()),
      Base64Encode(payment.substr(0, payment.size() / 2))};
  std::mt19937 rng(1);
  for (int i = 0; i < 300; ++i) {
    std::string mutated = payment;
    mutated[rng() % mutated.size()] = static_cast<char>(rng());
    corpus.push_back(mutated);
    corpus.push_back(Base64Encode(mutated));
  }
  for (const std::string& input : corpus) RunFuzzBody(input);
}

TEST(PaymentHeaders, DecodeBase64Protobuf) {
  net::Payment p;
  p.set_sender(std::string(20, '\x01'));
  EXPECT_EQ(ParsePaymentHeader(Base64Encode(p.SerializeAsString()))->sender(), p.sender());
  EXPECT_FALSE(ParsePaymentHeader("@@@").ok());
  EXPECT_FALSE(ParsePaymentHeader(Base64Encode("\xff\xff\xff")).ok());
  net::SegData seg;
  seg.set_seq(9);
  EXPECT_EQ(ParseSegDataHeader(Base64Encode(seg.SerializeAsString()))->seq(), 9);
}

TEST(PaymentDecoding, GoStyleFieldsAndMinimalIntegers) {
  net::Payment p;
  p.set_sender(std::string(25, '\x00') + "\x05");  // 26 bytes: keep the last 20
  p.mutable_ticket_params()->set_recipient("\x07");
  p.mutable_ticket_params()->set_face_value(std::string("\x00\x00\x01\x02", 4));
  p.mutable_ticket_params()->set_recipient_rand_hash("\x09");
  p.mutable_expiration_params()->set_creation_round(3);
  DecodedPayment d = DecodePayment(p);
  EXPECT_EQ(d.sender, crypto::Address::FromBytesGoStyle("\x05"));
  EXPECT_EQ(d.params.recipient.Hex(), "0x0000000000000000000000000000000000000007");
  EXPECT_EQ(d.params.face_value.minimal, "\x01\x02");
  EXPECT_EQ(d.params.face_value.value, 0x0102);
  EXPECT_EQ(d.params.recipient_rand_hash, std::string(31, '\0') + "\x09");
  EXPECT_EQ(d.params.win_prob.minimal, "");
  EXPECT_EQ(d.expiration.creation_round, 3);
  EXPECT_EQ(d.expiration.creation_round_block_hash, std::string(32, '\0'));
  EXPECT_FALSE(d.expected_price.has_value());
}

}  // namespace
}  // namespace baton::pm

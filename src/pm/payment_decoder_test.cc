// The payment headers' decoding: base64 + protobuf, Go-style field conversions. (The decoders'
// robustness against any bytes is the payment_header fuzz target's job, see fuzz/.)
#include "pm/payment_decoder.h"

#include <gtest/gtest.h>

#include "common/hex.h"

namespace baton::pm {
namespace {

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

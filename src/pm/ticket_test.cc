// The ticket hash, win check and EV against go-livepeer's TestHash vectors and doc/pm.md 1.5.
#include "pm/ticket.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/keccak.h"

namespace baton::pm {
namespace {

using crypto::Address;
using crypto::U256;

std::string HashHex(const Ticket& t) { return HexEncode(t.Hash()); }

TEST(TicketHash, GoLivepeerTestHashVectors) {
  Ticket t;
  t.sender_nonce = 0xffffffff;
  EXPECT_EQ(HashHex(t), "e1393fc7f6de093780674022f96cb8e3872235167d037c04d554e58c0e63d280");
  t.sender_nonce = 1;
  EXPECT_EQ(HashHex(t), "ce0918ba94518293e9712effbe5fca4f1f431089833a5b8c257cb1e024595f68");
  t = Ticket();
  t.face_value = 1;
  t.win_prob = 500;
  EXPECT_EQ(HashHex(t), "87ef13f2d37e4d5352a01d3c77b8179d80e0887f1953bfabfd0bfd7b0f689ddd");
  t = Ticket();
  t.face_value = 500;
  t.win_prob = 1;
  EXPECT_EQ(HashHex(t), "aa4b35071043587992ac8b9dd1b2cf1d8311130e6458cf0b2342484e21af5f5b");
  t = Ticket();
  t.recipient = Address::FromHex("73AEd7b5dEb30222fa896f399d46cC99c7BEe57F").value();
  EXPECT_EQ(HashHex(t), "81e353ae39046e2b77b9f996abbaeed527fda559b61ef90f299c4499dd508ccc");
  t = Ticket();
  t.recipient_rand_hash = crypto::Keccak256("foo");
  EXPECT_EQ(HashHex(t), "be5eaf9a49a39540b9bb02f1a21904f61324a29819e2c032824bfaa10c100b17");
  t = Ticket();
  t.expiration.creation_round = 10;
  t.expiration.creation_round_block_hash = crypto::Keccak256("foo");
  EXPECT_EQ(HashHex(t), "e502907c16036ab3d11b78c5a2e93c20f3d6415c67f91de4ed01348182b3b2e2");
}

TEST(TicketHash, EmptyAuxDataOnlyWhenRoundAndHashAreBothZero) {
  TicketExpiration e;
  EXPECT_EQ(e.AuxData(), "");
  e.creation_round = 1;
  EXPECT_EQ(e.AuxData().size(), 64u);
  e.creation_round = 0;
  e.creation_round_block_hash[31] = 1;
  EXPECT_EQ(e.AuxData().size(), 64u);
  Ticket t;
  t.expiration = e;
  EXPECT_EQ(t.Hash(), crypto::Keccak256(std::string(168, '\0') + e.AuxData()));
}

TEST(TicketEV, IsExactRational) {
  EXPECT_EQ(TicketEV(0, MaxWinProb()), Rat(0));
  EXPECT_EQ(TicketEV(1000, MaxWinProb()), Rat(1000));
  U256 half = MaxWinProb() / 2;  // (2^256-2)/2
  Rat ev = TicketEV(2, half);
  EXPECT_LT(ev, Rat(1));
  EXPECT_EQ(ev, Rat(ToBigInt(half) * 2, ToBigInt(MaxWinProb())));
}

TEST(WinCheck, ComparesHashWithWinProb) {
  std::string sig(65, '\x07');
  U256 rand = 12345;
  U256 value = crypto::U256FromBigEndian(crypto::Keccak256(sig + crypto::U256ToBE32(rand)));
  EXPECT_FALSE(IsWinningTicket(sig, rand, value));  // strictly less than
  EXPECT_TRUE(IsWinningTicket(sig, rand, value + 1));
  EXPECT_TRUE(IsWinningTicket(sig, rand, MaxWinProb()) || value == MaxWinProb());
  EXPECT_FALSE(IsWinningTicket(sig, rand, 0));
}

TEST(RecipientRandHash, IsKeccakOfBE32) {
  EXPECT_EQ(RecipientRandHash(5), crypto::Keccak256(std::string(31, '\0') + "\x05"));
}

}  // namespace
}  // namespace baton::pm

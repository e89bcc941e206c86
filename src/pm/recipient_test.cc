// The recipient's rules (doc/pm.md 2.1-2.4), one test per rule: each breaks exactly that rule and
// expects go-livepeer's error text and class.
#include "pm/recipient.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "common/hex.h"
#include "crypto/eth_sign.h"
#include "crypto/keccak.h"
#include "pm/in_memory_chain_facts.h"
#include "pm/sender.h"

namespace baton::pm {
namespace {

using crypto::Address;
using crypto::PrivateKey;
using crypto::U256;

std::string Unhex(std::string_view h) { return HexDecode(h).value(); }

const char kAnvil0[] = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const char kAnvil1Key[] = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const char kAnvil1Checksum[] = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

class RecipientTest : public ::testing::Test {
 protected:
  RecipientTest()
      : gateway_key_(PrivateKey::FromBytes(Unhex(kAnvil1Key)).value()),
        recipient_(Config(), chain_, sink_, balances_),
        sender_(gateway_key_) {
    chain_.SetLastSeenL1Block(100);
    chain_.SetRound(5, crypto::Keccak256("foo"));
    chain_.SetGasPrice(U256(10000000));
    chain_.SetActive(orchestrator(), true);
    InMemoryChainFacts::SenderState state;
    state.info.deposit = U256("1000000000000000000");
    state.max_float = U256("1000000000000000000");
    chain_.SetDefaultSender(state);
  }

  static RecipientConfig Config() {
    RecipientConfig c;
    c.address = Address::FromHex(kAnvil0).value();
    c.secret = std::string(32, '\x11');
    c.redeem_gas = 1200000;
    return c;
  }
  Address orchestrator() const { return Address::FromHex(kAnvil0).value(); }

  // OrchestratorInfo quoting `price` = num/den to the gateway.
  net::OrchestratorInfo Info(int64_t num = 3, int64_t den = 2) {
    net::OrchestratorInfo info;
    Rat price(num, den);
    *info.mutable_ticket_params() = recipient_.TicketParams(sender_.address(), price).value();
    info.mutable_price_info()->set_priceperunit(num);
    info.mutable_price_info()->set_pixelsperunit(den);
    return info;
  }
  net::Payment Pay(const net::OrchestratorInfo& info, int tickets = 1) {
    return sender_.CreatePaymentWithTickets(info, tickets).value();
  }
  PaymentOutcome Process(const net::Payment& p) { return recipient_.ProcessPayment(p, "sess"); }
  Rat Balance() { return balances_.Balance(sender_.address(), "sess").value_or(Rat(-1)); }

  PrivateKey gateway_key_;
  InMemoryChainFacts chain_;
  RecordingTicketSink sink_;
  Balances balances_;
  Recipient recipient_;
  Sender sender_;
};

TEST_F(RecipientTest, WorkedExampleFromPmSpec) {
  std::string seed_hex = "00";
  for (int i = 0; i < 10; ++i) seed_hex += "c0ffee";
  seed_hex += "ab";
  WireUint seed = WireUint::FromBytes(Unhex(seed_hex));
  ASSERT_EQ(seed.minimal.size(), 31u);

  net::TicketParams tp = recipient_.TicketParams(sender_.address(), Rat(6, 4)).value();
  EXPECT_EQ(WireUint::FromBytes(tp.face_value()).value, U256(1200000000000000ull));
  EXPECT_EQ(HexEncode(tp.win_prob()),
            "6fd91d84bcda58175fdfab3d77a168e2893e4958803b6b57ae84efcbf000");
  EXPECT_EQ(WireUint::FromBytes(tp.expiration_block()).value, U256(140));
  EXPECT_EQ(tp.expiration_params().creation_round(), 5);
  EXPECT_EQ(tp.expiration_params().creation_round_block_hash(), crypto::Keccak256("foo"));

  TicketExpiration exp{5, crypto::Keccak256("foo")};
  WireUint fv = WireUint::FromBytes(tp.face_value()), wp = WireUint::FromBytes(tp.win_prob());
  WireUint block = WireUint::FromBytes(tp.expiration_block());
  EXPECT_EQ(recipient_.RecipientRandMessage(seed, sender_.address(), fv, wp, block, Rat(6, 4), exp)
                .size(),
            155u);
  U256 rand = recipient_.RecipientRand(seed, sender_.address(), fv, wp, block, Rat(6, 4), exp);
  EXPECT_EQ(HexEncode(crypto::U256ToBE32(rand)),
            "21005f3e40d60ed5dc261b0a85a2787cd7cc6f615132dc61cdd7573d3910bd53");
  EXPECT_EQ(HexEncode(RecipientRandHash(rand)),
            "497bf9f6e953417bd3ff9c834d5710314396746af656d988ba3e1345907b2b4e");
  Ticket t;
  t.recipient = orchestrator();
  t.sender = sender_.address();
  t.face_value = fv.value;
  t.win_prob = wp.value;
  t.sender_nonce = 1;
  t.recipient_rand_hash = RecipientRandHash(rand);
  t.expiration = exp;
  EXPECT_EQ(HexEncode(t.Hash()),
            "6522687c4d6764be7a9cef8ca2af52413300b124e96e110af514f456fa91e62a");
  std::string sig = crypto::PersonalSign(gateway_key_, t.Hash());
  EXPECT_EQ(static_cast<unsigned char>(sig[64]), 0x1c);
  EXPECT_FALSE(IsWinningTicket(sig, rand, t.win_prob));
}

TEST_F(RecipientTest, ValidPaymentCreditsExactEV) {
  net::OrchestratorInfo info = Info();
  PaymentOutcome out = Process(Pay(info, 3));
  ASSERT_TRUE(out.status.ok()) << out.status;
  Rat ev = TicketEV(WireUint::FromBytes(info.ticket_params().face_value()).value,
                    WireUint::FromBytes(info.ticket_params().win_prob()).value);
  EXPECT_EQ(out.tickets_credited, 3);
  EXPECT_EQ(out.credited, ev * 3);
  EXPECT_EQ(Balance(), ev * 3);
  EXPECT_EQ(balances_.FixedPrice(sender_.address(), "sess").value(), Rat(3, 2));
  EXPECT_GE(ev, Rat(8000000000ull));  // winProb rounds up: EV is at least -ticketEV
}

TEST_F(RecipientTest, WrongRecipientIsFatal) {
  net::OrchestratorInfo info = Info();
  Address other = PrivateKey::Generate().address();
  chain_.SetActive(other, true);
  info.mutable_ticket_params()->set_recipient(other.bytes());
  PaymentOutcome out = Process(Pay(info));
  EXPECT_EQ(out.status.message(), "invalid ticket recipient");
  EXPECT_EQ(out.tickets_credited, 0);
}

TEST_F(RecipientTest, WrongSignerIsNonFatalAndNotCredited) {
  net::OrchestratorInfo info = Info();
  net::Payment p = Sender(PrivateKey::Generate()).CreatePaymentWithTickets(info, 1).value();
  p.set_sender(sender_.address().bytes());  // claims to be the gateway the params were made for
  ReceiveResult r = recipient_.ReceiveTicket(
      ReceivedTicket{DecodePayment(p).params, sender_.address(), DecodePayment(p).expiration,
                     Rat(3, 2), 1, p.ticket_sender_params(0).sig()});
  EXPECT_EQ(r.status.message(), "invalid ticket signature");
  EXPECT_FALSE(r.fatal);
  PaymentOutcome out = Process(p);
  EXPECT_EQ(out.status.message(), "invalid ticket signature");
  EXPECT_EQ(out.tickets_credited, 0);
}

TEST_F(RecipientTest, ForgedSignatureRejected) {
  net::Payment p = Pay(Info());
  std::string sig = p.ticket_sender_params(0).sig();
  sig[10] ^= 0x01;
  p.mutable_ticket_sender_params(0)->set_sig(sig);
  EXPECT_EQ(Process(p).status.message(), "invalid ticket signature");
}

TEST_F(RecipientTest, HighSSignatureRejectedThoughItRecoversTheSigner) {
  net::Payment p = Pay(Info());
  std::string sig = p.ticket_sender_params(0).sig();
  const U256 n("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  U256 s = crypto::U256FromBigEndian(sig.substr(32, 32));
  std::string high = sig.substr(0, 32) + crypto::U256ToBE32(n - s) +
                     std::string(1, static_cast<char>(sig[64] == 27 ? 28 : 27));
  // The malleated signature is valid ECDSA for the same key...
  std::string raw = high;
  raw[64] = static_cast<char>(raw[64] - 27);
  Ticket t = recipient_
                 .ReceiveTicket(ReceivedTicket{DecodePayment(p).params, sender_.address(),
                                               DecodePayment(p).expiration, Rat(3, 2), 1, sig})
                 .ticket;
  EXPECT_EQ(crypto::AddressFromPublicKey(
                crypto::RecoverPublicKey(crypto::PersonalSignDigest(t.Hash()), raw).value()),
            sender_.address());
  // ...but Ethereum's rules (EIP-2) reject it.
  p.mutable_ticket_sender_params(0)->set_sig(high);
  EXPECT_EQ(Process(p).status.message(), "invalid ticket signature");
}

TEST_F(RecipientTest, BadVRejected) {
  net::Payment p = Pay(Info());
  std::string sig = p.ticket_sender_params(0).sig();
  sig[64] = static_cast<char>(sig[64] - 27);  // raw recid 0/1 instead of 27/28
  p.mutable_ticket_sender_params(0)->set_sig(sig);
  EXPECT_EQ(Process(p).status.message(), "invalid ticket signature");
}

TEST_F(RecipientTest, ReplayedNonceRejected) {
  net::Payment p = Pay(Info());
  ASSERT_TRUE(Process(p).status.ok());
  Rat before = Balance();
  PaymentOutcome again = Process(p);
  EXPECT_EQ(again.status.message(),
            std::string("invalid ticket senderNonce: already seen sender=") + kAnvil1Checksum +
                " nonce=1");
  EXPECT_EQ(Balance(), before);
}

TEST_F(RecipientTest, TooManyNoncesPerRecipientRand) {
  net::OrchestratorInfo info = Info();
  PaymentOutcome out = Process(Pay(info, 600));
  ASSERT_TRUE(out.status.ok()) << out.status;
  PaymentOutcome more = Process(Pay(info, 1));
  EXPECT_EQ(more.status.message(),
            std::string("invalid ticket senderNonce: too many values sender=") + kAnvil1Checksum +
                " nonce=601");
}

// Each field the HMAC covers: tampering breaks the commitment (fatal).
class TamperTest : public RecipientTest {
 protected:
  void ExpectCommitmentFailure(const net::Payment& p) {
    PaymentOutcome out = Process(p);
    EXPECT_EQ(out.status.message(), "invalid recipientRand for ticket recipientRandHash");
    EXPECT_EQ(out.tickets_credited, 0);
  }
};

TEST_F(TamperTest, FaceValue) {
  net::OrchestratorInfo info = Info();
  info.mutable_ticket_params()->set_face_value(crypto::U256ToMinimal(U256("2000000000000000")));
  ExpectCommitmentFailure(Pay(info));
}
TEST_F(TamperTest, WinProb) {
  net::OrchestratorInfo info = Info();
  info.mutable_ticket_params()->set_win_prob(std::string(32, '\xff'));
  ExpectCommitmentFailure(Pay(info));
}
TEST_F(TamperTest, Seed) {
  net::OrchestratorInfo info = Info();
  std::string seed = info.ticket_params().seed();
  seed.back() ^= 1;
  info.mutable_ticket_params()->set_seed(seed);
  ExpectCommitmentFailure(Pay(info));
}
TEST_F(TamperTest, ExpirationBlock) {
  net::OrchestratorInfo info = Info();
  info.mutable_ticket_params()->set_expiration_block(crypto::U256ToMinimal(1000));
  ExpectCommitmentFailure(Pay(info));
}
TEST_F(TamperTest, CreationRound) {
  net::OrchestratorInfo info = Info();
  info.mutable_ticket_params()->mutable_expiration_params()->set_creation_round(6);
  ExpectCommitmentFailure(Pay(info));
}
TEST_F(TamperTest, CreationRoundBlockHash) {
  net::OrchestratorInfo info = Info();
  info.mutable_ticket_params()->mutable_expiration_params()->set_creation_round_block_hash(
      crypto::Keccak256("bar"));
  ExpectCommitmentFailure(Pay(info));
}
TEST_F(TamperTest, Price) {
  net::Payment p = Pay(Info());
  p.mutable_expected_price()->set_priceperunit(1);  // 1/2 instead of 3/2
  ExpectCommitmentFailure(p);
}
TEST_F(TamperTest, UnreducedPriceIsTheSamePrice) {
  net::Payment p = Pay(Info());
  p.mutable_expected_price()->set_priceperunit(6);
  p.mutable_expected_price()->set_pixelsperunit(4);
  EXPECT_TRUE(Process(p).status.ok());
}
TEST_F(TamperTest, RecipientRandHash) {
  net::OrchestratorInfo info = Info();
  info.mutable_ticket_params()->set_recipient_rand_hash(crypto::Keccak256("x"));
  ExpectCommitmentFailure(Pay(info));
}

TEST_F(RecipientTest, ExpiredParamsRejectedAfterTheWinCheck) {
  // faceValue == EV gives winProb = MAX: every ticket wins.
  RecipientConfig c = Config();
  c.max_face_value = c.ticket_ev;
  chain_.SetGasPrice(std::nullopt);  // no tx cost, so a face value of just EV is allowed
  Recipient r(c, chain_, sink_, balances_);
  net::OrchestratorInfo info;
  *info.mutable_ticket_params() = r.TicketParams(sender_.address(), Rat(3, 2)).value();
  *info.mutable_price_info() = Info().price_info();
  chain_.SetLastSeenL1Block(140);  // == expiration block
  PaymentOutcome out = r.ProcessPayment(Pay(info), "sess");
  EXPECT_EQ(out.status.message(), "TicketParams expired");
  EXPECT_EQ(out.tickets_credited, 0);
  EXPECT_EQ(out.winners, 1);  // still redeemed, as in go-livepeer
  EXPECT_EQ(sink_.tickets().size(), 1u);
}

TEST_F(RecipientTest, WinningTicketGoesToTheSinkWithEverythingToRedeemIt) {
  RecipientConfig c = Config();
  c.max_face_value = c.ticket_ev;
  chain_.SetGasPrice(std::nullopt);  // no tx cost, so a face value of just EV is allowed
  Recipient r(c, chain_, sink_, balances_);
  net::OrchestratorInfo info;
  *info.mutable_ticket_params() = r.TicketParams(sender_.address(), Rat(3, 2)).value();
  EXPECT_EQ(WireUint::FromBytes(info.ticket_params().win_prob()).value, MaxWinProb());
  *info.mutable_price_info() = Info().price_info();
  net::Payment p = Pay(info, 2);
  PaymentOutcome out = r.ProcessPayment(p, "sess");
  ASSERT_TRUE(out.status.ok()) << out.status;
  EXPECT_EQ(out.winners, 2);
  std::vector<WinningTicket> won = sink_.tickets();
  ASSERT_EQ(won.size(), 2u);
  EXPECT_EQ(won[1].ticket.sender_nonce, 2u);
  EXPECT_EQ(won[1].sig, p.ticket_sender_params(1).sig());
  EXPECT_EQ(RecipientRandHash(won[1].recipient_rand), info.ticket_params().recipient_rand_hash());
  EXPECT_EQ(won[1].params_expiration_block, U256(140));
  EXPECT_EQ(won[1].ticket.Hash().size(), 32u);
  EXPECT_EQ(crypto::RecoverPersonalSigner(won[1].ticket.Hash(), won[1].sig).value(),
            sender_.address());
  EXPECT_EQ(out.credited, Rat(BigInt(8000000000ull) * 2));
}

TEST_F(RecipientTest, OrdinaryTicketsDoNotWin) {
  PaymentOutcome out = Process(Pay(Info(), 5));
  ASSERT_TRUE(out.status.ok());
  EXPECT_EQ(out.winners, 0);  // winProb ≈ 1/150000
  EXPECT_TRUE(sink_.tickets().empty());
}

TEST_F(RecipientTest, ZeroSenderIsFatal) {
  net::Payment p = Pay(Info());
  p.set_sender(std::string(20, '\0'));
  EXPECT_EQ(Process(p).status.message(), "invalid ticket sender");
}

TEST_F(RecipientTest, UnknownSenderAndUnlockingSenderAreFatal) {
  InMemoryChainFacts chain;
  chain.SetActive(orchestrator(), true);
  chain.SetRound(5, crypto::Keccak256("foo"));
  chain.SetLastSeenL1Block(100);
  Recipient r(Config(), chain, sink_, balances_);
  net::OrchestratorInfo info = Info();
  PaymentOutcome out = r.ProcessPayment(Pay(info), "s");
  EXPECT_EQ(out.status.message(), std::string("could not get sender info for ") + kAnvil1Checksum +
                                      ": unknown sender " + sender_.address().Hex());
  InMemoryChainFacts::SenderState unlocking;
  unlocking.info.withdraw_round = 6;  // ≤ round + 1
  chain.SetSender(sender_.address(), unlocking);
  out = r.ProcessPayment(Pay(info), "s");
  EXPECT_EQ(out.status.message(), std::string("deposit and reserve for sender ") + kAnvil1Checksum +
                                      " is set to unlock soon");
  unlocking.info.withdraw_round = 7;
  chain.SetSender(sender_.address(), unlocking);
  EXPECT_NE(
      r.ProcessPayment(Pay(info), "s").status.message(),
      std::string("deposit and reserve for sender ") + kAnvil1Checksum + " is set to unlock soon");
}

TEST_F(RecipientTest, NonFatalErrorIsStickyForTheRestOfThePayment) {
  net::Payment p = Pay(Info(), 3);
  std::string sig = p.ticket_sender_params(1).sig();
  sig[5] ^= 0x40;
  p.mutable_ticket_sender_params(1)->set_sig(sig);
  PaymentOutcome out = Process(p);
  EXPECT_EQ(out.status.message(), "invalid ticket signature");
  EXPECT_EQ(out.tickets_credited, 1);  // the third, valid ticket is not credited either
  EXPECT_EQ(Balance(), out.credited);
}

TEST_F(RecipientTest, FatalErrorKeepsEarlierCredits) {
  // A zero-hash block in the middle is impossible within one payment, so use two payments:
  // credits from the first stay after a fatal second.
  ASSERT_TRUE(Process(Pay(Info())).status.ok());
  Rat before = Balance();
  net::OrchestratorInfo info = Info();
  info.mutable_ticket_params()->set_face_value("\x01");
  EXPECT_FALSE(Process(Pay(info)).status.ok());
  EXPECT_EQ(Balance(), before);
}

TEST_F(RecipientTest, PaymentLevelChecks) {
  net::Payment p = Pay(Info());
  net::Payment no_sender = p;
  no_sender.clear_sender();
  EXPECT_TRUE(
      absl::StartsWith(Process(no_sender).status.message(), "Could not find Sender for payment: "));
  net::Payment no_price = p;
  no_price.clear_expected_price();
  EXPECT_EQ(Process(no_price).status.message(),
            "invalid expected price sent with payment err=\"expected price is nil\"");
  net::Payment zero_pixels = p;
  zero_pixels.mutable_expected_price()->set_pixelsperunit(0);
  EXPECT_EQ(Process(zero_pixels).status.message(),
            "invalid expected price sent with payment err=\"pixels per unit is 0\"");
  chain_.SetActive(orchestrator(), false);
  EXPECT_EQ(Process(p).status.message(),
            "orchestrator 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 is inactive in round 5, "
            "cannot process payments");
}

TEST_F(RecipientTest, NoTicketParamsPinsAFreeSessionOnlyAtAFreeNode) {
  net::Payment p;
  p.set_sender(sender_.address().bytes());
  // A node quoting a price pins nothing for a payment that pays nothing.
  PaymentOutcome out = recipient_.ProcessPayment(p, "sess", Rat(3, 2));
  EXPECT_TRUE(out.status.ok());
  EXPECT_TRUE(out.ticketless);
  EXPECT_FALSE(balances_.FixedPrice(sender_.address(), "sess").has_value());
  // A node quoting 0 pins 0, as go-livepeer does.
  EXPECT_TRUE(recipient_.ProcessPayment(p, "sess", Rat(0)).status.ok());
  EXPECT_EQ(balances_.FixedPrice(sender_.address(), "sess").value(), Rat(0));
  // The first pinned price stays.
  EXPECT_TRUE(Process(Pay(Info())).status.ok());
  EXPECT_EQ(balances_.FixedPrice(sender_.address(), "sess").value(), Rat(0));
}

TEST_F(RecipientTest, TicketParamsRules) {
  // Price 0: no face value and no win probability.
  net::TicketParams free = recipient_.TicketParams(sender_.address(), Rat(0)).value();
  EXPECT_EQ(free.face_value(), "");
  EXPECT_EQ(free.win_prob(), "");
  EXPECT_EQ(free.seed().size() <= 32, true);
  // Capped by max float, then failing below EV.
  InMemoryChainFacts::SenderState poor;
  poor.max_float = 7999999999ull;
  chain_.SetSender(sender_.address(), poor);
  EXPECT_EQ(recipient_.TicketParams(sender_.address(), Rat(1)).status().message(),
            "insufficient sender reserve");
  poor.max_float = 9000000000ull;  // ≥ EV but below txCost (1.2e13) and redeemGas × 3 gwei
  chain_.SetSender(sender_.address(), poor);
  EXPECT_EQ(recipient_.TicketParams(sender_.address(), Rat(1)).status().message(),
            "insufficient sender reserve");
  chain_.SetGasPrice(std::nullopt);  // txCost 0: the face value is 100 × EV, capped
  EXPECT_EQ(
      WireUint::FromBytes(recipient_.TicketParams(sender_.address(), Rat(1))->face_value()).value,
      U256(9000000000ull));
  // -maxFaceValue caps too.
  RecipientConfig c = Config();
  c.max_face_value = 10000000000ull;
  Recipient capped(c, chain_, sink_, balances_);
  chain_.SetSender(sender_.address(), InMemoryChainFacts::SenderState{{}, U256(1) << 100});
  EXPECT_EQ(WireUint::FromBytes(capped.TicketParams(sender_.address(), Rat(1))->face_value()).value,
            U256(10000000000ull));
}

TEST_F(RecipientTest, ZeroRoundHashFallsBackToThePreviousRound) {
  chain_.SetRound(4, crypto::Keccak256("four"));
  chain_.SetRound(5, std::string(32, '\0'));
  net::TicketParams tp = recipient_.TicketParams(sender_.address(), Rat(1)).value();
  EXPECT_EQ(tp.expiration_params().creation_round(), 4);
  EXPECT_EQ(tp.expiration_params().creation_round_block_hash(), crypto::Keccak256("four"));
}

TEST_F(RecipientTest, TxCostMultiplier) {
  // faceValue 1.2e15 / txCost 1.2e13 = 100.
  EXPECT_EQ(recipient_.TxCostMultiplier(sender_.address()).value(), Rat(100));
  chain_.SetGasPrice(std::nullopt);
  EXPECT_EQ(recipient_.TxCostMultiplier(sender_.address()).value(), Rat(0));
}

TEST(NonceTracker, ForgetsRandsWhoseParamsExpired) {
  NonceTracker nonces;
  std::string a(32, 'a'), b(32, 'b');
  EXPECT_EQ(nonces.Record(a, 1, 139), NonceTracker::Result::kAccepted);
  EXPECT_EQ(nonces.Record(b, 1, 140), NonceTracker::Result::kAccepted);
  EXPECT_EQ(nonces.Record(a, 1, 139), NonceTracker::Result::kAlreadySeen);
  nonces.Prune(139);
  EXPECT_EQ(nonces.rand_count(), 1u);
  EXPECT_EQ(nonces.Record(a, 1, 139), NonceTracker::Result::kAccepted);  // forgotten
  EXPECT_EQ(nonces.Record(b, 1, 140), NonceTracker::Result::kAlreadySeen);
  nonces.Prune(140);
  EXPECT_EQ(nonces.rand_count(), 0u);
}

}  // namespace
}  // namespace baton::pm

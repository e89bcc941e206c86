// Fixed vectors for the crypto layer (published standards, go-livepeer's own tests and
// doc/pm.md 1.5). Random cross-checks against ethers live in tests/pm.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "common/hex.h"
#include "crypto/address.h"
#include "crypto/eth_sign.h"
#include "crypto/hmac.h"
#include "crypto/keccak.h"
#include "crypto/secp256k1.h"
#include "crypto/uint256.h"

namespace baton::crypto {
namespace {

std::string Unhex(std::string_view h) { return HexDecode(h).value(); }

constexpr char kAnvil1Key[] = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

TEST(Keccak, MatchesEthereumVectors) {
  EXPECT_EQ(HexEncode(Keccak256("")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(HexEncode(Keccak256("foo")),
            "41b1a0649752af1b28b3dc29a1556eee781e4a4c3a1f7f53f90fa834de098c4d");
}

TEST(Hmac, MatchesRfc4231Case2) {
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HmacSha256("", "x").size(), 32u);
}

TEST(ConstantTimeEquals, ComparesContentsAndLengths) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
  EXPECT_FALSE(ConstantTimeEquals("xbc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

// Fastest of many runs of cmp over two 1 MiB buffers that differ at byte `at`.
template <typename Cmp>
double FastestSeconds(size_t at, Cmp cmp) {
  std::string a(1 << 20, 'k'), b = a;
  b[at] ^= 1;
  double best = 1e9;
  for (int i = 0; i < 30; ++i) {
    auto start = std::chrono::steady_clock::now();
    volatile bool equal = cmp(a, b);
    (void)equal;
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

// The time does not depend on where the first difference is. The same measurement tells an
// early-exit comparison apart by a factor in the thousands, so the bound below is loose.
TEST(ConstantTimeEquals, TimeDoesNotDependOnTheFirstDifference) {
  const size_t last = (1 << 20) - 1;
  auto ct = [](const std::string& a, const std::string& b) { return ConstantTimeEquals(a, b); };
  const double first = FastestSeconds(0, ct), at_end = FastestSeconds(last, ct);
  EXPECT_GT(first, at_end / 4) << first << " s vs " << at_end << " s";
  auto early_exit = [](const std::string& a, const std::string& b) { return a == b; };
  const double eq_first = FastestSeconds(0, early_exit), eq_end = FastestSeconds(last, early_exit);
  EXPECT_LT(eq_first, eq_end / 4) << "the measurement cannot tell an early exit apart";
  std::printf(
      "1 MiB, first vs last byte differing: constant-time %.1f / %.1f us, "
      "operator== %.2f / %.1f us\n",
      first * 1e6, at_end * 1e6, eq_first * 1e6, eq_end * 1e6);
}

TEST(U256, BigEndianRoundTripsAndGoStyleTruncation) {
  EXPECT_EQ(U256FromBigEndian(""), 0);
  EXPECT_EQ(U256FromBigEndian(Unhex("0102")), 0x0102);
  std::string long33 = Unhex("ff") + std::string(31, '\0') + "\x05";
  EXPECT_EQ(U256FromBigEndian(long33), 5);  // the leading byte is dropped
  U256 max = ~U256(0);
  EXPECT_EQ(U256ToBE32(max), std::string(32, '\xff'));
  EXPECT_EQ(U256FromBigEndian(U256ToBE32(max)), max);
  EXPECT_EQ(U256ToMinimal(0), "");
  EXPECT_EQ(U256ToMinimal(0x0100), std::string("\x01\x00", 2));
  EXPECT_EQ(U256ToBE32(1).back(), '\x01');
}

TEST(U256, DecimalParsingIsStrict) {
  U256 max = ~U256(0);
  EXPECT_EQ(U256ToDecimal(max),
            "115792089237316195423570985008687907853269984665640564039457584007913129639935");
  EXPECT_EQ(U256FromDecimal(U256ToDecimal(max)).value(), max);
  EXPECT_EQ(U256FromDecimal("8000000000").value(), U256(8000000000ull));
  EXPECT_FALSE(U256FromDecimal("").ok());
  EXPECT_FALSE(U256FromDecimal("12a").ok());
  EXPECT_FALSE(U256FromDecimal("-1").ok());
  EXPECT_FALSE(U256FromDecimal(
                   "115792089237316195423570985008687907853269984665640564039457584007913129639936")
                   .ok());
}

TEST(Address, GoStyleBytesAndHexForms) {
  Address a = Address::FromBytesGoStyle("\x01");
  EXPECT_EQ(a.Hex(), "0x0000000000000000000000000000000000000001");
  EXPECT_FALSE(a.IsZero());
  EXPECT_TRUE(Address().IsZero());
  std::string b32 = std::string(12, '\xee') + std::string(20, '\x11');
  EXPECT_EQ(Address::FromBytesGoStyle(b32).bytes(), std::string(20, '\x11'));
  // EIP-55's own examples.
  Address c = Address::FromHex("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").value();
  EXPECT_EQ(c.ChecksumHex(), "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  EXPECT_EQ(Address::FromHex("fB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")->ChecksumHex(),
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
  EXPECT_FALSE(Address::FromHex("0x1234").ok());
  EXPECT_FALSE(Address::FromHex("0xzz6916095ca1df60bB79Ce92cE3Ea74c37c5d359").ok());
  EXPECT_TRUE(Address::FromBytesGoStyle("\x01") < Address::FromBytesGoStyle("\x02"));
  EXPECT_EQ(std::hash<Address>()(a), std::hash<Address>()(Address::FromBytesGoStyle("\x01")));
}

TEST(Secp256k1, KeyToAddress) {
  PrivateKey key = PrivateKey::FromBytes(Unhex(kAnvil1Key)).value();
  EXPECT_EQ(key.address().ChecksumHex(), "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
  EXPECT_EQ(key.PublicKey().size(), 64u);
  EXPECT_FALSE(PrivateKey::FromBytes(std::string(32, '\0')).ok());
  EXPECT_FALSE(PrivateKey::FromBytes(std::string(31, '\x01')).ok());
  EXPECT_FALSE(PrivateKey::FromBytes(std::string(32, '\xff')).ok());  // ≥ n
}

TEST(Secp256k1, SignThenRecoverGivesTheKey) {
  PrivateKey key = PrivateKey::Generate();
  std::string digest = Keccak256("hello");
  std::string sig = key.SignDigest(digest);
  ASSERT_EQ(sig.size(), 65u);
  EXPECT_LE(static_cast<unsigned char>(sig[64]), 1);
  EXPECT_EQ(sig, key.SignDigest(digest));  // RFC6979: deterministic
  EXPECT_EQ(RecoverPublicKey(digest, sig).value(), key.PublicKey());
  sig[64] = 2;
  EXPECT_FALSE(RecoverPublicKey(digest, sig).ok());
}

TEST(EthSign, GoLivepeerRecoveryVector) {
  // go-livepeer crypto/verify_test.go: msg is already the 32-byte digest.
  std::string msg = Unhex("b7da355477356fc4c47fcabcf232dc77a6db9b07b7e48b76261cc55cc8fbabb3");
  std::string sig = Unhex(
      "206443228e8f784bc3a122de0d85eb3ebff82d6a79cca26c7eeb907099a6404f6dff57bc6828f28bd6cd07"
      "3c89d94cf3364204679ed8365fa45b5ee6af19a9841c");
  Address want = Address::FromHex("3BadDb1eeE2105893136A3F96c8a963E9C6309d6").value();
  EXPECT_EQ(RecoverPersonalSigner(msg, sig).value(), want);
  // Only with the personal-sign prefix.
  std::string raw = sig;
  raw[64] = static_cast<char>(raw[64] - 27);
  EXPECT_NE(AddressFromPublicKey(RecoverPublicKey(msg, raw).value()), want);
  EXPECT_NE(RecoverPersonalSigner(Unhex("0f00"), sig).value_or(Address()), want);
  EXPECT_FALSE(RecoverPersonalSigner(msg, sig.substr(0, 64)).ok());
  std::string high_s = Unhex(
      "e742ff452d41413616a5bf43fe15dd88294e983d3d36206c2712f39083d638bde0a0fc89be718fbc1033e1"
      "d30d78be1c68081562ed2e97af876f286f3453231d1b");
  EXPECT_FALSE(RecoverPersonalSigner(msg, high_s).ok());
  std::string bad_v = sig;
  bad_v[64] = 1;
  EXPECT_FALSE(RecoverPersonalSigner(msg, bad_v).ok());
}

TEST(EthSign, WorkedExampleSignatureFromPmSpec) {
  PrivateKey key = PrivateKey::FromBytes(Unhex(kAnvil1Key)).value();
  std::string ticket_hash =
      Unhex("6522687c4d6764be7a9cef8ca2af52413300b124e96e110af514f456fa91e62a");
  EXPECT_EQ(HexEncode(PersonalSign(key, ticket_hash)),
            "4a33d94476d0126f72ade3eb07d054a4bde9e4f4253f75d39835a2fa5cb03d9c"
            "1a0fba7e5ab0164c9e29c74b6261862052f2eb741b8651267eeaf0a32de00f50"
            "1c");
}

TEST(EthSign, SignAndVerifyMessages) {
  PrivateKey key = PrivateKey::Generate();
  std::string sig = Sign(key, "some message");
  EXPECT_TRUE(VerifySig(key.address(), "some message", sig));
  EXPECT_FALSE(VerifySig(key.address(), "other message", sig));
  EXPECT_FALSE(VerifySig(PrivateKey::Generate().address(), "some message", sig));
  EXPECT_FALSE(VerifySig(key.address(), "some message", sig.substr(0, 64)));
}

}  // namespace
}  // namespace baton::crypto

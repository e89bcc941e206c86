// Segment credentials and the ladder, checked against doc/wire.md and an independent
// implementation (ethers, tests/gateway/reference.js).
#include "gateway/segment_request.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/eth_sign.h"
#include "crypto/keccak.h"
#include "gateway/rendition_ladder.h"
#include "gateway/result_verifier.h"
#include "gateway/test_support.h"

namespace baton::gateway {
namespace {

using testing::HaveNodeEthers;
using testing::NodeReference;

// anvil account #1: a well-known dev key.
constexpr char kKeyHex[] = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

crypto::PrivateKey DevKey() { return *crypto::PrivateKey::FromBytes(*HexDecode(kKeyHex)); }

std::vector<::net::VideoProfile> DefaultLadder() {
  return *ParseTranscodingOptions("P240p30fps16x9,P360p30fps16x9");
}

SegmentIdentity SampleSegment(int64_t seq) {
  return {"f00dcafe", seq, crypto::Keccak256("segment bytes " + std::to_string(seq)), 2000};
}

TEST(RenditionLadderTest, ParsesPresetsInOrder) {
  std::vector<::net::VideoProfile> ladder = DefaultLadder();
  ASSERT_EQ(ladder.size(), 2u);
  EXPECT_EQ(ladder[0].name(), "P240p30fps16x9");
  EXPECT_EQ(ladder[0].width(), 426);
  EXPECT_EQ(ladder[0].height(), 240);
  EXPECT_EQ(ladder[0].bitrate(), 600000);
  EXPECT_EQ(ladder[0].fps(), 30u);
  EXPECT_EQ(ladder[1].name(), "P360p30fps16x9");
  EXPECT_EQ(ladder[1].width(), 640);
  EXPECT_EQ(ladder[1].bitrate(), 1200000);
}

TEST(RenditionLadderTest, RejectsUnknownAndEmpty) {
  EXPECT_FALSE(ParseTranscodingOptions("P240p30fps16x9,P999p").ok());
  EXPECT_FALSE(ParseTranscodingOptions("").ok());
  EXPECT_FALSE(ParseTranscodingOptions(" , ").ok());
}

TEST(RenditionLadderTest, ProfileIdsMatchTheSpecTable) {
  // doc/transcode.md 1.1 lists these IDs (first 4 bytes of keccak of the name).
  EXPECT_EQ(ProfileId("P240p30fps16x9"), "c0a6517a");
  EXPECT_EQ(ProfileId("P360p30fps16x9"), "93c717e7");
  EXPECT_EQ(ProfileId("P720p30fps16x9"), "49d54ea9");
  EXPECT_EQ(ProfileId("P144p30fps16x9"), "fca40bf9");
}

TEST(RenditionLadderTest, RequiredCapabilitiesOfThePresets) {
  // Auth token (12), H.264 (0), MPEGTS (1): 0x1003.
  ::net::Capabilities caps = RequiredCapabilities(DefaultLadder());
  ASSERT_EQ(caps.bitstring_size(), 1);
  EXPECT_EQ(caps.bitstring(0), 0x1003u);
}

TEST(RenditionLadderTest, RequiredCapabilitiesFollowProfileFeatures) {
  ::net::VideoProfile p = DefaultLadder()[0];
  p.set_format(::net::VideoProfile::MP4);
  p.set_encoder(::net::VideoProfile::H265);
  p.set_profile(::net::VideoProfile::H264_MAIN);
  p.set_gop(2000);
  p.set_fpsden(1001);
  const uint64_t expected =
      (1u << 12) | (1u << 0) | (1u << 2) | (1u << 16) | (1u << 8) | (1u << 11) | (1u << 3);
  EXPECT_EQ(RequiredCapabilities({p}).bitstring(0), expected);
}

TEST(RenditionLadderTest, EstimatedPixelsFollowsEstimateFee) {
  // (426·240 + 640·360) · 30 fps · ⌈2.0⌉ s · 1.02
  EXPECT_EQ(EstimatedPixels(DefaultLadder(), 2.0), pm::Rat(332640 * 30 * 2) * pm::Rat(102, 100));
  // ⌈2.1⌉ = 3 s; passthrough counts 60 fps.
  ::net::VideoProfile passthrough = DefaultLadder()[0];
  passthrough.set_fps(0);
  EXPECT_EQ(EstimatedPixels({passthrough}, 2.1), pm::Rat(102240 * 60 * 3) * pm::Rat(102, 100));
}

TEST(SegmentRequestTest, FlattenLayout) {
  SegmentIdentity segment = SampleSegment(7);
  std::string flat = Flatten(segment, DefaultLadder());
  std::string expected_seq(32, '\0');
  expected_seq[31] = 7;
  EXPECT_EQ(flat, "f00dcafe" + expected_seq + segment.hash + "c0a6517a93c717e7");
}

TEST(SegmentRequestTest, FlattenMatchesIndependentImplementation) {
  if (!HaveNodeEthers()) GTEST_SKIP() << "node with ethers is not available";
  for (int64_t seq : {int64_t{0}, int64_t{1}, int64_t{300}, int64_t{1} << 40}) {
    SegmentIdentity segment = SampleSegment(seq);
    segment.manifest_id = std::string("\x01\xff manifest", 11);
    std::string reference =
        NodeReference("flatten 0x" + HexEncode(segment.manifest_id) + " " + std::to_string(seq) +
                      " 0x" + HexEncode(segment.hash) + " P240p30fps16x9 P360p30fps16x9");
    EXPECT_EQ(HexEncode(Flatten(segment, DefaultLadder())), reference) << "seq " << seq;
  }
}

TEST(SegmentRequestTest, SegDataIsSignedOverFlatten) {
  crypto::PrivateKey key = DevKey();
  ::net::AuthToken token;
  token.set_session_id("0a1b2c3d");
  token.set_token("mac");
  token.set_expiration(1234);
  SegmentIdentity segment = SampleSegment(3);
  ::net::SegData seg = BuildSegData(segment, DefaultLadder(), token, key);

  EXPECT_EQ(seg.manifestid(), "f00dcafe");
  EXPECT_EQ(seg.seq(), 3);
  EXPECT_EQ(seg.hash(), segment.hash);
  EXPECT_EQ(seg.duration(), 2000);
  EXPECT_EQ(seg.profiles(), "invalid");
  EXPECT_EQ(seg.auth_token().session_id(), "0a1b2c3d");
  ASSERT_EQ(seg.fullprofiles_size(), 2);
  EXPECT_EQ(seg.fullprofiles(1).name(), "P360p30fps16x9");
  EXPECT_EQ(seg.capabilities().bitstring(0), 0x1003u);
  EXPECT_TRUE(crypto::VerifySig(key.address(), Flatten(segment, DefaultLadder()), seg.sig()));
  // A different seq is a different message.
  EXPECT_FALSE(
      crypto::VerifySig(key.address(), Flatten(SampleSegment(4), DefaultLadder()), seg.sig()));

  if (HaveNodeEthers()) {
    EXPECT_EQ(NodeReference("recover 0x" + HexEncode(Flatten(segment, DefaultLadder())) + " 0x" +
                            HexEncode(seg.sig())),
              key.address().ChecksumHex());
  }
}

TEST(SegmentRequestTest, HeadersAreStandardBase64OfTheProtobufs) {
  ::net::SegData seg = BuildSegData(SampleSegment(1), DefaultLadder(), {}, DevKey());
  ::net::Payment payment;
  payment.set_sender(DevKey().address().bytes());
  SegmentHeaders headers = EncodeHeaders(seg, payment);
  ::net::SegData seg_back;
  ASSERT_TRUE(seg_back.ParseFromString(*Base64Decode(headers.livepeer_segment)));
  EXPECT_EQ(seg_back.sig(), seg.sig());
  ::net::Payment payment_back;
  ASSERT_TRUE(payment_back.ParseFromString(*Base64Decode(headers.livepeer_payment)));
  EXPECT_EQ(payment_back.sender(), DevKey().address().bytes());
}

TEST(ResultVerifierTest, AcceptsAnIndependentSignatureOverTheRenditions) {
  if (!HaveNodeEthers()) GTEST_SKIP() << "node with ethers is not available";
  std::vector<std::string> renditions = {"rendition zero bytes", std::string(1000, '\x47')};
  std::string out = NodeReference("signresults 0x" + std::string(kKeyHex) + " 0x" +
                                  HexEncode(renditions[0]) + " 0x" + HexEncode(renditions[1]));
  ASSERT_EQ(out.size(), 130u + 1 + 42);
  std::string sig = *HexDecode(out.substr(0, 130));
  crypto::Address signer = *crypto::Address::FromHex(out.substr(131));
  EXPECT_EQ(signer, DevKey().address());
  EXPECT_TRUE(VerifyResultSignature(signer, renditions, sig).ok());
  // Wrong order, altered bytes, another signer, no signature: all rejected.
  EXPECT_FALSE(VerifyResultSignature(signer, {renditions[1], renditions[0]}, sig).ok());
  EXPECT_FALSE(VerifyResultSignature(signer, {renditions[0] + "x", renditions[1]}, sig).ok());
  EXPECT_FALSE(
      VerifyResultSignature(crypto::PrivateKey::Generate().address(), renditions, sig).ok());
  EXPECT_FALSE(VerifyResultSignature(signer, renditions, "").ok());
}

TEST(ResultVerifierTest, SignerIsAddressElseRecipientElseNone) {
  ::net::OrchestratorInfo info;
  EXPECT_FALSE(ExpectedResultSigner(info).has_value());
  info.set_address(std::string(20, '\0'));  // offchain
  EXPECT_FALSE(ExpectedResultSigner(info).has_value());
  crypto::Address recipient = crypto::PrivateKey::Generate().address();
  info.mutable_ticket_params()->set_recipient(recipient.bytes());
  EXPECT_EQ(ExpectedResultSigner(info), recipient);
  info.set_address(DevKey().address().bytes());
  EXPECT_EQ(ExpectedResultSigner(info), DevKey().address());
}

}  // namespace
}  // namespace baton::gateway

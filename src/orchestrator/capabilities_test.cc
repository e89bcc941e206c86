#include "orchestrator/capabilities.h"

#include <gtest/gtest.h>

#include <string>

namespace baton::orchestrator {
namespace {

net::Capabilities WithBits(std::vector<uint64_t> words) {
  net::Capabilities c;
  for (auto w : words) c.add_bitstring(w);
  c.set_version("0.9.1");
  return c;
}

TEST(Capabilities, DefaultSetIsTheSingleWord0x4005FFF) {
  auto words = EncodeCapabilityBitstring(DefaultCapabilities());
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(words[0], 0x4005FFFu);
}

TEST(Capabilities, EncodingRoundTripsAcrossWords) {
  std::set<int> caps = {0, 63, 64, 130, -1};
  auto words = EncodeCapabilityBitstring(caps);
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[0], (uint64_t{1} << 63) | 1u);
  EXPECT_EQ(words[1], 1u);
  EXPECT_EQ(words[2], uint64_t{1} << 2);
  net::Capabilities c = WithBits(words);
  EXPECT_EQ(DecodeBitstring(c.bitstring()), (std::set<int>{0, 63, 64, 130}));
}

TEST(Capabilities, MakeCapabilitiesGivesCapacityOnePerCapability) {
  auto c = MakeCapabilities({0, 1, 35}, "0.1.0");
  EXPECT_EQ(c.capacities().size(), 3u);
  EXPECT_EQ(c.capacities().at(35), 1u);
  EXPECT_TRUE(c.mandatories().empty());
  EXPECT_EQ(c.version(), "0.1.0");
}

TEST(Capabilities, SubsetRule) {
  auto provider = WithBits({0b1111});
  EXPECT_TRUE(CompatibleWith(WithBits({0b0101}), provider));
  EXPECT_FALSE(CompatibleWith(WithBits({0b10000}), provider));
  EXPECT_FALSE(CompatibleWith(WithBits({0b1, 0b1}), provider));  // more words than provider
  EXPECT_TRUE(CompatibleWith(WithBits({}), provider));
}

TEST(Capabilities, MandatoriesAndMinVersion) {
  auto provider = WithBits({0b11});
  provider.add_mandatories(0b10);
  EXPECT_FALSE(CompatibleWith(WithBits({0b01}), provider));
  EXPECT_TRUE(CompatibleWith(WithBits({0b11}), provider));

  auto requester = WithBits({0b11});
  requester.mutable_constraints()->set_minversion("0.9.0");
  EXPECT_TRUE(CompatibleWith(requester, provider));
  requester.mutable_constraints()->set_minversion("0.10.0");
  EXPECT_FALSE(CompatibleWith(requester, provider));
  provider.set_version("undefined");
  requester.mutable_constraints()->set_minversion("0.1.0");
  EXPECT_FALSE(CompatibleWith(requester, provider));
}

TEST(Capabilities, ModelConstraints) {
  auto provider = WithBits({uint64_t{1} << 27});
  auto& pm = (*provider.mutable_constraints()->mutable_percapability())[27];
  (*pm.mutable_models())["sd"].set_warm(false);
  auto requester = WithBits({uint64_t{1} << 27});
  auto& rm = (*requester.mutable_constraints()->mutable_percapability())[27];
  (*rm.mutable_models())["sd"].set_warm(false);
  EXPECT_TRUE(CompatibleWith(requester, provider));
  (*rm.mutable_models())["sd"].set_warm(true);
  EXPECT_FALSE(CompatibleWith(requester, provider));
  (*rm.mutable_models()).clear();
  (*rm.mutable_models())["other"];
  EXPECT_FALSE(CompatibleWith(requester, provider));
}

TEST(Capabilities, NamesAndPipelines) {
  EXPECT_EQ(CapabilityName(0), "H.264");
  EXPECT_EQ(CapabilityName(33), "Llm");
  EXPECT_EQ(PipelineToCapability("live-video-to-video"), 35);
  EXPECT_EQ(PipelineToCapability("text-to-image"), 27);
  EXPECT_EQ(PipelineToCapability("llm"), 33);
  EXPECT_EQ(PipelineToCapability("nope"), -2);
}

TEST(Capabilities, Versions) {
  EXPECT_TRUE(VersionAtLeast("0.9.1-abc", "0.9.1"));
  EXPECT_FALSE(VersionAtLeast("0.9.0", "0.9.1"));
  EXPECT_TRUE(VersionAtLeast("1.0.0", "0.99.99"));
  EXPECT_FALSE(VersionAtLeast("garbage", "0.1.0"));
  EXPECT_TRUE(VersionAtLeast("0.1.0", "garbage"));
}

// What a go-livepeer gateway's -orchMinLivepeerVersion sees (doc/wire.md 6.4) with the version
// Baton advertises (node/version.h): a minimum of the go-livepeer release Baton matches, or
// any earlier one, passes; Baton's own version alone would not.
TEST(Capabilities, AdvertisedVersionPassesGatewaysAskingForTheCurrentRelease) {
  const std::string advertised = "0.9.2+baton.0.1.0";
  net::Capabilities provider = MakeCapabilities({0, 1}, advertised);
  EXPECT_EQ(provider.version(), advertised);
  for (const char* min : {"0.9.2", "v0.9.2", "0.9.2-ai.1", "0.9.1", "0.8.10", "0.5.0"}) {
    net::Capabilities gateway = WithBits({1});
    gateway.mutable_constraints()->set_minversion(min);
    EXPECT_TRUE(CompatibleWith(gateway, provider)) << min;
  }
  for (const char* min : {"0.9.3", "0.10.0", "1.0.0"}) {
    net::Capabilities gateway = WithBits({1});
    gateway.mutable_constraints()->set_minversion(min);
    EXPECT_FALSE(CompatibleWith(gateway, provider)) << min;
  }
  net::Capabilities gateway = WithBits({1});
  gateway.mutable_constraints()->set_minversion("0.9.2");
  EXPECT_FALSE(CompatibleWith(gateway, MakeCapabilities({0, 1}, "0.1.0")));
}

// Gateway-chosen version text is parsed without exceptions: numbers are uint64 (as in the
// semver package go-livepeer uses); beyond that a constraint is refused by name.
TEST(Capabilities, HostileVersionNumbers) {
  EXPECT_FALSE(VersionAtLeast("0.9.1", "1.99999999999"));  // past int, within uint64
  EXPECT_TRUE(VersionAtLeast("18446744073709551615.0.0", "18446744073709551614.9"));
  EXPECT_TRUE(VersionAtLeast("0.9.1", "1.99999999999999999999999"));  // unparsable minimum
  EXPECT_FALSE(VersionAtLeast("1.99999999999999999999999", "0.1"));
  EXPECT_TRUE(VersionAtLeast("0.9.1", "0.-1.2"));
  EXPECT_TRUE(VersionAtLeast("0.9.1", std::string("0.\0.1", 5)));

  auto requester = WithBits({1});
  EXPECT_TRUE(CheckConstraintNumbers(requester).ok());
  requester.mutable_constraints()->set_minversion("1.99999999999");
  EXPECT_TRUE(CheckConstraintNumbers(requester).ok());
  requester.mutable_constraints()->set_minversion("v1.2.99999999999999999999999-x");
  absl::Status s = CheckConstraintNumbers(requester);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "invalid capability constraint: minVersion \"v1.2.99999999999999999999999-x\" has a "
            "number out of range");
  requester.mutable_constraints()->set_minversion("0.1.0");
  auto& rm = (*requester.mutable_constraints()->mutable_percapability())[27];
  (*rm.mutable_models())["sd"].set_runnerversion("99999999999999999999999.1");
  EXPECT_EQ(CheckConstraintNumbers(requester).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace baton::orchestrator

#include "node/version.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace baton::node {
namespace {

// Capabilities.version is the go-livepeer release Baton speaks, with Baton's own version as
// semver build metadata (which go-livepeer's Masterminds/semver parses and ignores when
// comparing); orchestrator/capabilities_test.cc checks what a gateway's minimum makes of it.
TEST(Version, CapabilityVersionIsTheCompatibleReleasePlusBatonsOwn) {
  EXPECT_EQ(std::string(kLivepeerCompatibleVersion), "0.9.2");
  EXPECT_EQ(std::string(kCapabilityVersion), std::string("0.9.2+baton.") + kVersion);
  EXPECT_TRUE(std::regex_match(kVersion, std::regex(R"(\d+\.\d+\.\d+)")));
  EXPECT_TRUE(std::regex_match(
      kCapabilityVersion,
      std::regex(
          R"(\d+\.\d+\.\d+(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)")));
}

}  // namespace
}  // namespace baton::node

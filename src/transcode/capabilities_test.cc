#include "transcode/capabilities.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "transcode/test_media.h"

namespace baton::transcode {
namespace {

bool Has(const std::vector<int>& caps, int c) {
  return std::find(caps.begin(), caps.end(), c) != caps.end();
}

// The encoders the ffmpeg CLI lists must match what we advertise (same Debian libraries).
TEST(CapabilitiesTest, MatchesTheEncodersFfmpegReports) {
  const std::string encoders = testing::Run("ffmpeg -hide_banner -encoders 2>/dev/null");
  const std::vector<int> caps = SoftwareCapabilities();
  EXPECT_TRUE(std::is_sorted(caps.begin(), caps.end()));
  EXPECT_EQ(Has(caps, 0), encoders.find(" libx264 ") != std::string::npos);
  EXPECT_EQ(Has(caps, 16), encoders.find(" libx265 ") != std::string::npos);
  EXPECT_EQ(Has(caps, 19), encoders.find(" libvpx ") != std::string::npos);
  EXPECT_EQ(Has(caps, 20), encoders.find(" libvpx-vp9 ") != std::string::npos);
  for (int c : {1, 2, 3, 7, 8, 9, 10, 11, 26}) EXPECT_TRUE(Has(caps, c)) << c;
  EXPECT_FALSE(Has(caps, 14)) << "no MPEG-7 signatures yet";
  EXPECT_FALSE(Has(caps, 27)) << "no AI capabilities from the transcoder";
}

TEST(CapabilitiesTest, ChecksEachProfileAgainstTheSet) {
  VideoProfile p = *FindPreset("P240p30fps16x9");
  EXPECT_TRUE(CheckProfilesSupported({p}, {0, 1}).ok());
  p.codec = VideoCodec::kVp9;
  p.format = OutputFormat::kMp4;
  absl::Status s = CheckProfilesSupported({p}, {0, 1, 2});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("capability 20"), std::string::npos) << s;
  EXPECT_TRUE(CheckProfilesSupported({p}, {2, 20}).ok());
  p.gop_ms = 1000;
  EXPECT_FALSE(CheckProfilesSupported({p}, {2, 20}).ok());
}

TEST(CapabilitiesTest, NvidiaIsRefusedClearlyWithoutAGpu) {
  if (std::filesystem::exists("/dev/nvidia0")) GTEST_SKIP() << "a GPU is present";
  absl::Status s = ProbeNvidia("0");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("-nvidia"), std::string::npos) << s;
}

}  // namespace
}  // namespace baton::transcode

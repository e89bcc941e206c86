#include "transcode/output_size.h"

#include <gtest/gtest.h>

namespace baton::transcode {
namespace {

struct Case {
  FrameSize in, target, out;
};

// The cases of doc/transcode.md 1.6 (LPMS runResolutionTests_H264).
TEST(OutputSizeTest, MatchesLpmsResolutionCases) {
  const Case cases[] = {
      {{150, 200}, {0, 250}, {188, 250}}, {{200, 300}, {0, 427}, {284, 426}},
      {{200, 300}, {426, 0}, {284, 426}}, {{123, 456}, {0, 426}, {146, 542}},
      {{200, 300}, {0, 428}, {286, 428}}, {{400, 456}, {0, 40}, {146, 166}},
      {{456, 123}, {426, 0}, {426, 114}}, {{456, 123}, {0, 301}, {300, 80}},
      {{456, 400}, {100, 0}, {146, 128}}, {{500, 100}, {0, 200}, {250, 50}},
      {{456, 120}, {0, 400}, {400, 106}}, {{123, 123}, {426, 0}, {426, 426}},
      {{1280, 720}, {0, 123}, {146, 82}}, {{56, 100}, {256, 144}, {146, 260}},
  };
  for (const Case& c : cases) {
    FrameSize got = ComputeOutputSize(c.in, c.target, VideoCodec::kH264);
    EXPECT_EQ(got, c.out) << c.in.width << "x" << c.in.height << " -> " << c.target.width << "x"
                          << c.target.height << " gave " << got.width << "x" << got.height;
  }
}

TEST(OutputSizeTest, StandardLadderKeepsSixteenByNine) {
  EXPECT_EQ(ComputeOutputSize({1920, 1080}, {1280, 720}, VideoCodec::kH264),
            (FrameSize{1280, 720}));
  EXPECT_EQ(ComputeOutputSize({1920, 1080}, {426, 240}, VideoCodec::kH264), (FrameSize{426, 240}));
  EXPECT_EQ(ComputeOutputSize({1920, 1080}, {1024, 576}, VideoCodec::kH264),
            (FrameSize{1024, 576}));
}

TEST(OutputSizeTest, PortraitSourceGivesPortraitOutput) {
  EXPECT_EQ(ComputeOutputSize({720, 1280}, {640, 360}, VideoCodec::kH264), (FrameSize{360, 640}));
}

TEST(OutputSizeTest, VpCodecsScaleLikeH264) {
  EXPECT_EQ(ComputeOutputSize({1280, 720}, {426, 240}, VideoCodec::kVp9), (FrameSize{426, 240}));
}

TEST(OutputSizeTest, HevcHasSmallerMinimums) {
  // 1280x720 to width 132 (HEVC minimum): 132 * 720 / 1280 = 74.25 -> 74.
  EXPECT_EQ(ComputeOutputSize({1280, 720}, {0, 0}, VideoCodec::kH265), (FrameSize{132, 74}));
}

TEST(OutputSizeTest, ExtremeAspectNeverGivesZero) {
  FrameSize got = ComputeOutputSize({16, 4000}, {256, 144}, VideoCodec::kH264);
  EXPECT_GE(got.width, 2);
  EXPECT_GE(got.height, 2);
}

}  // namespace
}  // namespace baton::transcode

// The pixel recount against ffprobe, an independent decoder front end, on clips made by the
// ffmpeg CLI at test time.
#include "gateway/pixel_counter.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gateway/result_verifier.h"
#include "gateway/source_segments.h"
#include "gateway/test_support.h"

namespace baton::gateway {
namespace {

using testing::RunCapture;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Makes an H.264 MPEG-TS clip of `frames` frames at w×h.
std::string MakeClip(const std::string& dir, const std::string& name, int w, int h, int frames) {
  std::string path = dir + "/" + name;
  absl::Status made =
      RunProgram({"ffmpeg", "-hide_banner", "-nostdin", "-y", "-f", "lavfi", "-i",
                  "testsrc2=size=" + std::to_string(w) + "x" + std::to_string(h) + ":rate=30",
                  "-frames:v", std::to_string(frames), "-c:v", "libx264", "-preset", "ultrafast",
                  "-bf", "2", "-f", "mpegts", path},
                 dir + "/" + name + ".log");
  EXPECT_TRUE(made.ok()) << made;
  return path;
}

// Σ w·h over every frame ffprobe decodes.
int64_t FfprobePixels(const std::string& path, int64_t* frames) {
  std::istringstream lines(
      RunCapture("ffprobe -v error -select_streams v:0 -show_entries "
                 "frame=width,height -of csv=p=0 " +
                 path));
  int64_t pixels = 0;
  *frames = 0;
  for (std::string line; std::getline(lines, line);) {
    int w = 0, h = 0;
    if (std::sscanf(line.c_str(), "%d,%d", &w, &h) == 2) {
      pixels += int64_t{w} * h;
      ++*frames;
    }
  }
  return pixels;
}

class PixelCounterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<ScratchDir> dir = ScratchDir::Create("pixel-counter-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<ScratchDir>(*std::move(dir));
  }
  std::unique_ptr<ScratchDir> dir_;
};

TEST_F(PixelCounterTest, MatchesFfprobe) {
  std::string clip = MakeClip(dir_->path(), "a.ts", 320, 240, 45);
  int64_t frames = 0;
  const int64_t expected = FfprobePixels(clip, &frames);
  ASSERT_EQ(frames, 45);
  absl::StatusOr<DecodedCount> count = CountDecodedPixels(ReadFile(clip));
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(count->frames, frames);
  EXPECT_EQ(count->pixels, expected);
  EXPECT_EQ(count->width, 320);
  EXPECT_EQ(count->height, 240);
}

TEST_F(PixelCounterTest, CountsEachFrameAtItsOwnSizeAcrossAResolutionChange) {
  std::string a = MakeClip(dir_->path(), "a.ts", 320, 240, 20);
  std::string b = MakeClip(dir_->path(), "b.ts", 176, 144, 25);
  std::string joined = dir_->path() + "/joined.ts";
  std::ofstream(joined, std::ios::binary) << ReadFile(a) << ReadFile(b);
  int64_t frames = 0;
  const int64_t expected = FfprobePixels(joined, &frames);
  absl::StatusOr<DecodedCount> count = CountDecodedPixels(ReadFile(joined));
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(count->frames, frames);
  EXPECT_EQ(count->pixels, expected);
  EXPECT_EQ(count->pixels, 20 * 320 * 240 + 25 * 176 * 144);
}

TEST_F(PixelCounterTest, VerifyPixelsReportsAMismatch) {
  std::string clip = ReadFile(MakeClip(dir_->path(), "a.ts", 320, 240, 10));
  EXPECT_TRUE(VerifyPixels(clip, 10 * 320 * 240).ok());
  absl::Status off_by_one_frame = VerifyPixels(clip, 11 * 320 * 240);
  EXPECT_FALSE(off_by_one_frame.ok());
  EXPECT_NE(off_by_one_frame.message().find("decoded 768000 (10 frames)"), std::string::npos)
      << off_by_one_frame;
}

TEST_F(PixelCounterTest, GarbageIsAnError) {
  EXPECT_FALSE(CountDecodedPixels("definitely not a video").ok());
  EXPECT_FALSE(CountDecodedPixels("").ok());
}

}  // namespace
}  // namespace baton::gateway

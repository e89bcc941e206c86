#include "ai/media_probe.h"

#include <gtest/gtest.h>

#include <string>

namespace baton::ai {
namespace {

// A 3×2 PNG (one-colour), built by hand so the test needs no image files.
std::string TinyPng() {
  static const unsigned char kPng[] = {
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
      0x52, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0x12,
      0x16, 0xf1, 0x4d, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
      0xcf, 0xc0, 0x00, 0x41, 0x0c, 0x70, 0x16, 0x00, 0x41, 0xd2, 0x05, 0xfb, 0x87, 0xf0, 0xb9,
      0x48, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
  return std::string(reinterpret_cast<const char*>(kPng), sizeof kPng);
}

// 16-bit mono PCM WAV of `seconds` at 8 kHz.
std::string Wav(int seconds) {
  const uint32_t rate = 8000, data = rate * 2 * seconds;
  std::string w = "RIFF";
  auto u32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) w += static_cast<char>(v >> (8 * i) & 0xff);
  };
  auto u16 = [&](uint16_t v) {
    for (int i = 0; i < 2; ++i) w += static_cast<char>(v >> (8 * i) & 0xff);
  };
  u32(36 + data);
  w += "WAVEfmt ";
  u32(16);
  u16(1);
  u16(1);
  u32(rate);
  u32(rate * 2);
  u16(2);
  u16(16);
  w += "data";
  u32(data);
  w += std::string(data, '\0');
  return w;
}

TEST(MediaProbe, PngSize) {
  auto size = ProbeImageSize(TinyPng());
  ASSERT_TRUE(size.ok()) << size.status();
  EXPECT_EQ(size->width, 3);
  EXPECT_EQ(size->height, 2);
}

TEST(MediaProbe, WavDuration) {
  auto seconds = ProbeAudioSeconds(Wav(3));
  ASSERT_TRUE(seconds.ok()) << seconds.status();
  EXPECT_NEAR(*seconds, 3.0, 0.01);
}

TEST(MediaProbe, GarbageIsRefused) {
  EXPECT_FALSE(ProbeImageSize("not an image at all").ok());
  EXPECT_FALSE(ProbeAudioSeconds("").ok());
  EXPECT_FALSE(ProbeImageSize(Wav(1)).ok());  // audio is not an image
}

}  // namespace
}  // namespace baton::ai

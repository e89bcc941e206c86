// Specification of the runner's media codecs (runner/media_codec.h), through FFmpeg itself.
#include "runner/media_codec.h"

#include <cmath>
#include <cstring>

#include "gtest/gtest.h"

namespace baton::runner {
namespace {

std::vector<int16_t> Tone(int rate, double seconds, double hz) {
  std::vector<int16_t> samples(static_cast<size_t>(rate * seconds));
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i] = static_cast<int16_t>(8000 * std::sin(2 * M_PI * hz * i / rate));
  }
  return samples;
}

TEST(EncodeWav, WritesACanonicalPcmHeader) {
  std::vector<int16_t> samples = {0, 1, -1, 32767};
  std::string wav = EncodeWav(samples.data(), samples.size(), 22050);
  ASSERT_EQ(wav.size(), 44u + 8);
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(wav.substr(8, 8), "WAVEfmt ");
  EXPECT_EQ(wav.substr(36, 4), "data");
  uint32_t rate = 0;
  std::memcpy(&rate, wav.data() + 24, 4);
  EXPECT_EQ(rate, 22050u);
}

TEST(DecodeAudioMono, ResamplesAWavFileTo16kHz) {
  std::vector<int16_t> tone = Tone(22050, 1.0, 440);
  std::string wav = EncodeWav(tone.data(), tone.size(), 22050);
  auto pcm = DecodeAudioMono(wav, 16000, 60);
  ASSERT_TRUE(pcm.ok()) << pcm.status();
  EXPECT_NEAR(static_cast<double>(pcm->size()), 16000, 200);
  int16_t peak = 0;
  for (int16_t s : *pcm) peak = std::max<int16_t>(peak, std::abs(s));
  EXPECT_GT(peak, 6000);  // the tone survived resampling
}

TEST(DecodeAudioMono, RefusesWhatIsNotAudioAndAudioOverTheLimit) {
  EXPECT_FALSE(DecodeAudioMono("", 16000, 60).ok());
  EXPECT_FALSE(DecodeAudioMono(std::string(4096, 'x'), 16000, 60).ok());
  std::vector<int16_t> tone = Tone(16000, 2.0, 300);
  std::string wav = EncodeWav(tone.data(), tone.size(), 16000);
  EXPECT_FALSE(DecodeAudioMono(wav, 16000, 1.0).ok());
  // A playlist that names a local file reads nothing: no protocol may be opened.
  EXPECT_FALSE(DecodeAudioMono("#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n", 16000, 60).ok());
}

// A Sun AU file: audio FFmpeg reads, in a container that no upload may use.
std::string SunAu(const std::vector<int16_t>& samples, uint32_t rate) {
  auto be32 = [](uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                       static_cast<char>(v >> 8), static_cast<char>(v)};
  };
  std::string au = ".snd" + be32(24) + be32(samples.size() * 2) + be32(3) + be32(rate) + be32(1);
  for (int16_t v : samples) {
    au.push_back(static_cast<char>(static_cast<uint16_t>(v) >> 8));
    au.push_back(static_cast<char>(v));
  }
  return au;
}

TEST(DecodeAudioMono, OnlyTheUploadContainersAreOpened) {
  std::vector<int16_t> tone = Tone(16000, 1.0, 300);
  auto pcm = DecodeAudioMono(SunAu(tone, 16000), 16000, 60);
  ASSERT_FALSE(pcm.ok());
  EXPECT_NE(std::string(pcm.status().message()).find("not audio"), std::string::npos)
      << pcm.status();
  // The same samples as WAV are fine.
  EXPECT_TRUE(DecodeAudioMono(EncodeWav(tone.data(), tone.size(), 16000), 16000, 60).ok());
}

TEST(Png, RoundTripsThroughTheDecoderAndScalesWithLanczos) {
  RgbImage image{.width = 8, .height = 6, .pixels = {}};
  image.pixels.resize(8 * 6 * 3);
  for (size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = static_cast<uint8_t>(i * 7);
  auto png = EncodePng(image);
  ASSERT_TRUE(png.ok()) << png.status();
  EXPECT_EQ(png->substr(1, 3), "PNG");
  auto decoded = DecodeImage(*png, 1000);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->width, 8);
  EXPECT_EQ(decoded->height, 6);
  EXPECT_EQ(decoded->pixels, image.pixels);  // PNG is lossless
  EXPECT_FALSE(DecodeImage(*png, 47).ok());  // over the pixel limit
  EXPECT_FALSE(DecodeImage("not an image at all", 1000).ok());

  auto scaled = ScaleLanczos(image, 32, 24);
  ASSERT_TRUE(scaled.ok()) << scaled.status();
  EXPECT_EQ(scaled->pixels.size(), 32u * 24 * 3);
}

}  // namespace
}  // namespace baton::runner

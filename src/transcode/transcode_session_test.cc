// Scenarios after LPMS (doc/transcode.md 3.3) on tiny inputs made by the ffmpeg CLI at test time;
// every output is checked with ffprobe, an independent decoder.
#include "transcode/transcode_session.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <thread>

#include "transcode/test_media.h"

extern "C" {
#include <libavutil/log.h>
}

namespace baton::transcode {
namespace {

using testing::AudioPacketHashes;
using testing::Ffmpeg;
using testing::Packets;
using testing::Probe;
using testing::ReadFile;
using testing::StreamOf;
using testing::TempDir;
using testing::WriteFile;

VideoProfile Profile(const std::string& name, int w, int h, int fps, int64_t bps = 300'000) {
  VideoProfile p;
  p.name = name;
  p.width = w;
  p.height = h;
  p.fps_num = fps;
  p.bitrate_bps = bps;
  return p;
}

constexpr char kVideo[] = "-f lavfi -i testsrc2=s=320x180:r=30 ";
constexpr char kAudio[] = "-f lavfi -i sine=f=440:r=44100 ";
constexpr char kX264[] = "-c:v libx264 -preset ultrafast -g 30 -bf 2 -pix_fmt yuv420p ";

class TranscodeSessionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    av_log_set_level(AV_LOG_ERROR);  // keep x264's per-encoder statistics out of the test log
    dir_ = new TempDir();
    // 2 s, 30 fps, H.264 + AAC, in MPEG-TS: the usual segment shape.
    ASSERT_TRUE(Ffmpeg(std::string(kVideo) + kAudio + kX264 + "-c:a aac -t 2 " + In("av.ts")));
    // 4 s cut into two 2 s segments of one stream (consecutive segments of a session).
    ASSERT_TRUE(Ffmpeg(std::string(kVideo) + kAudio + kX264 + "-c:a aac -t 4 " + In("long.ts")));
    ASSERT_TRUE(Ffmpeg("-i " + In("long.ts") +
                       " -c copy -f segment -segment_time 2 -reset_timestamps 0 " +
                       In("seg%d.ts")));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string In(const std::string& name) { return dir_->File(name); }

  // Writes an output to disk, then checks with ffprobe that it decodes to exactly the frames
  // and pixels we report (what a verifying gateway recounts).
  nlohmann::json CheckOutput(const RenditionResult& r, const std::string& name) {
    const std::string path = dir_->File(name);
    WriteFile(path, r.bytes);
    nlohmann::json probe = Probe(path);
    nlohmann::json video = StreamOf(probe, "video");
    EXPECT_FALSE(video.is_null()) << name << " has no video stream";
    if (video.is_null()) return probe;
    EXPECT_EQ(video["width"].get<int>(), r.width) << name;
    EXPECT_EQ(video["height"].get<int>(), r.height) << name;
    const int64_t frames = std::stoll(video.value("nb_read_frames", "0"));
    EXPECT_EQ(frames, r.frames) << name;
    EXPECT_EQ(r.pixels, frames * video["width"].get<int64_t>() * video["height"].get<int64_t>())
        << name;
    return probe;
  }

  absl::StatusOr<TranscodeResult> Run(TranscodeSession& session, const std::string& bytes,
                                      const std::vector<VideoProfile>& profiles) {
    SegmentInput in;
    in.bytes = bytes;
    return session.Transcode(in, profiles);
  }

  static TempDir* dir_;
};

TempDir* TranscodeSessionTest::dir_ = nullptr;

TEST_F(TranscodeSessionTest, LadderHasExactSizesFramesAndPixels) {
  const std::string bytes = ReadFile(In("av.ts"));
  TranscodeSession session;
  auto result =
      Run(session, bytes,
          {Profile("a", 256, 144, 30), Profile("b", 426, 240, 30), Profile("c", 0, 100, 15)});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->decoded_frames, 60);
  EXPECT_EQ(result->decoded_pixels, 60 * 320 * 180);
  ASSERT_EQ(result->renditions.size(), 3u);
  nlohmann::json a = CheckOutput(result->renditions[0], "ladder0.ts");
  CheckOutput(result->renditions[1], "ladder1.ts");
  CheckOutput(result->renditions[2], "ladder2.ts");
  EXPECT_EQ(result->renditions[0].width, 256);
  EXPECT_EQ(result->renditions[0].height, 144);
  EXPECT_EQ(result->renditions[0].frames, 60);
  EXPECT_EQ(result->renditions[1].width, 426);
  // 0x100 clamps the width to 146; 146 * 180 / 320 = 82.
  EXPECT_EQ(result->renditions[2].width, 146);
  EXPECT_EQ(result->renditions[2].height, 82);
  EXPECT_EQ(result->renditions[2].frames, 30);
  nlohmann::json v = StreamOf(a, "video");
  EXPECT_EQ(v.value("codec_name", ""), "h264");
  EXPECT_EQ(v.value("avg_frame_rate", ""), "30/1");
  EXPECT_EQ(a["format"].value("format_name", ""), "mpegts");
}

TEST_F(TranscodeSessionTest, AudioIsCopiedBitExact) {
  const std::string bytes = ReadFile(In("av.ts"));
  TranscodeSession session;
  auto result = Run(session, bytes, {Profile("a", 256, 144, 30)});
  ASSERT_TRUE(result.ok()) << result.status();
  WriteFile(In("audio_out.ts"), result->renditions[0].bytes);
  std::vector<std::string> in = AudioPacketHashes(In("av.ts"));
  std::vector<std::string> out = AudioPacketHashes(In("audio_out.ts"));
  ASSERT_GT(in.size(), 50u);
  EXPECT_EQ(in, out);
}

TEST_F(TranscodeSessionTest, TimestampsContinueAcrossSegments) {
  TranscodeSession session;
  std::vector<VideoProfile> profiles = {Profile("fixed", 256, 144, 30),
                                        Profile("passthrough", 256, 144, 0)};
  std::vector<std::vector<testing::PacketInfo>> packets[2];
  for (int seg = 0; seg < 2; ++seg) {
    const std::string bytes = ReadFile(In("seg" + std::to_string(seg) + ".ts"));
    auto result = Run(session, bytes, profiles);
    ASSERT_TRUE(result.ok()) << "segment " << seg << ": " << result.status();
    for (size_t i = 0; i < profiles.size(); ++i) {
      const std::string name = "cont" + std::to_string(seg) + "_" + std::to_string(i) + ".ts";
      CheckOutput(result->renditions[i], name);
      packets[i].push_back(Packets(In(name), "v"));
    }
  }
  for (size_t i = 0; i < profiles.size(); ++i) {
    std::set<int64_t> pts;
    for (const auto& seg : packets[i]) {
      ASSERT_FALSE(seg.empty());
      EXPECT_TRUE(seg.front().keyframe) << "each segment opens on a keyframe";
      for (const auto& p : seg) pts.insert(p.pts);
    }
    // Together the two outputs are one unbroken 30 fps timeline (3000 ticks at 90 kHz).
    EXPECT_EQ(pts.size(), 120u) << profiles[i].name;
    int64_t prev = *pts.begin();
    for (int64_t t : pts) {
      if (t != prev) {
        EXPECT_EQ(t - prev, 3000) << profiles[i].name << " gap at " << t;
      }
      prev = t;
    }
  }
  EXPECT_EQ(session.segments_done(), 2);
}

TEST_F(TranscodeSessionTest, PassthroughKeepsSourceFramesAndTimestamps) {
  ASSERT_TRUE(
      Ffmpeg("-f lavfi -i testsrc2=s=320x180:r=24 -t 1 " + std::string(kX264) + In("24fps.ts")));
  TranscodeSession session;
  auto result = Run(session, ReadFile(In("24fps.ts")),
                    {Profile("pass", 256, 144, 0), Profile("thirty", 256, 144, 30)});
  ASSERT_TRUE(result.ok()) << result.status();
  nlohmann::json pass = CheckOutput(result->renditions[0], "pass.ts");
  CheckOutput(result->renditions[1], "thirty.ts");
  EXPECT_EQ(result->renditions[0].frames, 24);
  EXPECT_EQ(StreamOf(pass, "video").value("avg_frame_rate", ""), "24/1");
  EXPECT_NEAR(result->renditions[1].frames, 30, 1);
  std::set<int64_t> src, out;
  for (const auto& p : Packets(In("24fps.ts"), "v")) src.insert(p.pts);
  for (const auto& p : Packets(In("pass.ts"), "v")) out.insert(p.pts);
  EXPECT_EQ(src, out);
}

TEST_F(TranscodeSessionTest, GopAndIntraOnly) {
  const std::string bytes = ReadFile(In("av.ts"));
  VideoProfile gop = Profile("gop", 256, 144, 30);
  gop.gop_ms = 300;
  VideoProfile pass_gop = Profile("passgop", 256, 144, 0);
  pass_gop.gop_ms = 300;
  VideoProfile intra = Profile("intra", 256, 144, 30);
  intra.gop_ms = kGopIntraOnly;
  TranscodeSession session;
  auto result = Run(session, bytes, {gop, pass_gop, intra});
  ASSERT_TRUE(result.ok()) << result.status();
  const char* names[] = {"gop.ts", "passgop.ts", "intra.ts"};
  int keyframes[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    CheckOutput(result->renditions[i], names[i]);
    for (const auto& p : Packets(In(names[i]), "v")) keyframes[i] += p.keyframe;
  }
  EXPECT_EQ(keyframes[0], 7);  // every 9 frames over 60 frames (LPMS SetGOPs)
  EXPECT_EQ(keyframes[1], 7);  // forced every 0.3 s by timestamp
  EXPECT_EQ(keyframes[2], 60);
}

TEST_F(TranscodeSessionTest, EncoderProfiles) {
  const std::string bytes = ReadFile(In("av.ts"));
  std::vector<VideoProfile> profiles;
  const EncoderProfile kinds[] = {EncoderProfile::kBaseline, EncoderProfile::kMain,
                                  EncoderProfile::kHigh, EncoderProfile::kConstrainedHigh};
  for (EncoderProfile kind : kinds) {
    profiles.push_back(Profile("p" + std::to_string(static_cast<int>(kind)), 256, 144, 30));
    profiles.back().encoder_profile = kind;
  }
  TranscodeSession session;
  auto result = Run(session, bytes, profiles);
  ASSERT_TRUE(result.ok()) << result.status();
  const char* expected[] = {"Constrained Baseline", "Main", "High", "High"};
  const bool b_frames[] = {false, true, true, false};
  for (int i = 0; i < 4; ++i) {
    nlohmann::json v =
        StreamOf(CheckOutput(result->renditions[i], profiles[i].name + ".ts"), "video");
    EXPECT_EQ(v.value("profile", ""), expected[i]);
    EXPECT_EQ(v.value("has_b_frames", 0) > 0, b_frames[i]) << profiles[i].name;
  }
}

TEST_F(TranscodeSessionTest, Mp4OutputIsFaststart) {
  VideoProfile p = Profile("mp4", 256, 144, 30);
  p.format = OutputFormat::kMp4;
  TranscodeSession session;
  auto result = Run(session, ReadFile(In("av.ts")), {p});
  ASSERT_TRUE(result.ok()) << result.status();
  const RenditionResult& r = result->renditions[0];
  EXPECT_EQ(r.container, "mp4");
  nlohmann::json probe = CheckOutput(r, "out.mp4");
  EXPECT_NE(probe["format"].value("format_name", "").find("mp4"), std::string::npos);
  EXPECT_FALSE(StreamOf(probe, "audio").is_null());
  EXPECT_NE(r.bytes.substr(0, 128).find("moov"), std::string::npos) << "moov not up front";
  EXPECT_EQ(r.frames, 60);
}

TEST_F(TranscodeSessionTest, Mp4InputWithMoovAtTheEnd) {
  ASSERT_TRUE(Ffmpeg("-i " + In("av.ts") + " -c copy " + In("input.mp4")));
  TranscodeSession session;
  auto result = Run(session, ReadFile(In("input.mp4")), {Profile("a", 256, 144, 30)});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->decoded_frames, 60);
  nlohmann::json probe = CheckOutput(result->renditions[0], "from_mp4.ts");
  EXPECT_FALSE(StreamOf(probe, "audio").is_null());
  EXPECT_EQ(result->renditions[0].frames, 60);
}

TEST_F(TranscodeSessionTest, AudioTheContainerCannotCarryIsEncodedToAac) {
  ASSERT_TRUE(
      Ffmpeg(std::string(kVideo) + kAudio + kX264 + "-c:a pcm_s16le -t 1 " + In("pcm.mov")));
  TranscodeSession session;
  auto result = Run(session, ReadFile(In("pcm.mov")), {Profile("a", 256, 144, 30)});
  ASSERT_TRUE(result.ok()) << result.status();
  nlohmann::json audio = StreamOf(CheckOutput(result->renditions[0], "pcm_out.ts"), "audio");
  ASSERT_FALSE(audio.is_null());
  EXPECT_EQ(audio.value("codec_name", ""), "aac");
  EXPECT_EQ(audio.value("sample_rate", ""), "44100");
  EXPECT_EQ(audio.value("channels", 0), 2);
  // About one second of audio survives the trip (44 AAC frames of 1024 samples).
  EXPECT_NEAR(static_cast<double>(testing::Packets(In("pcm_out.ts"), "a").size()), 44, 3);
}

TEST_F(TranscodeSessionTest, HevcVp8Vp9Outputs) {
  std::vector<VideoProfile> profiles;
  const VideoCodec codecs[] = {VideoCodec::kH265, VideoCodec::kVp8, VideoCodec::kVp9};
  for (VideoCodec c : codecs) {
    profiles.push_back(Profile(std::string(CodecName(c)), 256, 144, 15));
    profiles.back().codec = c;
    profiles.back().format = OutputFormat::kMp4;
  }
  TranscodeSession session;
  auto result = Run(session, ReadFile(In("av.ts")), profiles);
  ASSERT_TRUE(result.ok()) << result.status();
  const char* names[] = {"hevc", "vp8", "vp9"};
  const char* containers[] = {"mp4", "matroska", "mp4"};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(result->renditions[i].container, containers[i]);
    nlohmann::json v = StreamOf(
        CheckOutput(result->renditions[i], std::string(names[i]) + "." + containers[i]), "video");
    EXPECT_EQ(v.value("codec_name", ""), names[i]);
    EXPECT_EQ(result->renditions[i].frames, 30);
  }
}

TEST_F(TranscodeSessionTest, ClipKeepsTheWindowRebasedToZero) {
  TranscodeSession session;
  SegmentInput in;
  const std::string bytes = ReadFile(In("av.ts"));
  in.bytes = bytes;
  in.clip_from_ms = 500;
  in.clip_to_ms = 1500;
  auto result = session.Transcode(in, {Profile("pass", 256, 144, 0), Profile("f", 256, 144, 30)});
  ASSERT_TRUE(result.ok()) << result.status();
  for (int i = 0; i < 2; ++i) {
    const std::string name = "clip" + std::to_string(i) + ".ts";
    CheckOutput(result->renditions[i], name);
    EXPECT_EQ(result->renditions[i].frames, 30) << name;
    int64_t first = INT64_MAX;
    for (const auto& p : Packets(In(name), "v")) first = std::min(first, p.pts);
    // Rebased to 0; with B-frames the MPEG-TS muxer shifts by the reorder delay (2 frames)
    // to keep dts non-negative, as the FFmpeg CLI does.
    EXPECT_LE(first, 6000) << "output rebased to 0";
  }
  in.clip_from_ms = 1000;
  in.clip_to_ms = 500;
  EXPECT_FALSE(session.Transcode(in, {Profile("pass", 256, 144, 0)}).ok());
}

TEST_F(TranscodeSessionTest, BadInputsFailCleanlyAndTheSessionSurvives) {
  ASSERT_TRUE(Ffmpeg(std::string(kAudio) + "-c:a aac -t 1 " + In("audio_only.ts")));
  ASSERT_TRUE(Ffmpeg("-i " + In("av.ts") + " -c copy -bsf:v noise=drop=key " + In("nokey.ts")));
  const std::string good = ReadFile(In("av.ts"));
  const std::string truncated = good.substr(0, good.size() / 2);
  struct Bad {
    std::string name, bytes, message;
  } cases[] = {
      {"garbage", std::string(4000, '\x5a'), "not a media file"},
      {"empty", "", "empty segment"},
      {"audio-only", ReadFile(In("audio_only.ts")), "no video stream"},
      {"no keyframe", ReadFile(In("nokey.ts")), "No keyframes"},
  };
  TranscodeSession session;
  const std::vector<VideoProfile> profiles = {Profile("a", 256, 144, 30)};
  for (const Bad& bad : cases) {
    auto result = Run(session, bad.bytes, profiles);
    ASSERT_FALSE(result.ok()) << bad.name;
    EXPECT_NE(result.status().message().find(bad.message), std::string::npos)
        << bad.name << ": " << result.status();
    auto next = Run(session, good, profiles);
    ASSERT_TRUE(next.ok()) << "after " << bad.name << ": " << next.status();
    EXPECT_EQ(next->renditions[0].frames, 60);
  }
  // A truncated segment transcodes what it holds, consistently counted.
  auto cut = Run(session, truncated, profiles);
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_GT(cut->renditions[0].frames, 0);
  EXPECT_LT(cut->renditions[0].frames, 60);
  CheckOutput(cut->renditions[0], "truncated.ts");
}

TEST_F(TranscodeSessionTest, SizeChangeMidSegmentKeepsCountsExact) {
  // Two halves of different sizes in one segment, timestamps continuing (as a stream that
  // switches resolution mid-segment).
  ASSERT_TRUE(
      Ffmpeg("-f lavfi -i testsrc2=s=320x180:r=30 -t 1 " + std::string(kX264) + In("part_a.ts")));
  ASSERT_TRUE(Ffmpeg("-f lavfi -i testsrc2=s=180x320:r=30 -t 1 " + std::string(kX264) +
                     "-output_ts_offset 1 " + In("part_b.ts")));
  const std::string bytes = ReadFile(In("part_a.ts")) + ReadFile(In("part_b.ts"));
  TranscodeSession session;
  auto result = Run(session, bytes, {Profile("a", 256, 144, 30), Profile("p", 256, 144, 0)});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->decoded_frames, 60);
  EXPECT_EQ(result->decoded_pixels, 60 * 320 * 180);
  CheckOutput(result->renditions[0], "sizechange0.ts");
  CheckOutput(result->renditions[1], "sizechange1.ts");
  EXPECT_EQ(result->renditions[1].frames, 60);
}

TEST_F(TranscodeSessionTest, FramesFarApartAreARunawayError) {
  // 5 frames 10 s apart: a 30 fps output would need ~1200 frames (LPMS EncodedFrameRunaway).
  ASSERT_TRUE(
      Ffmpeg("-f lavfi -i testsrc2=s=160x90:r=5 -frames:v 5 -vf setpts=N*10/TB "
             "-enc_time_base 1/90000 " +
             std::string(kX264) + In("sparse.ts")));
  TranscodeSession session;
  auto result = Run(session, ReadFile(In("sparse.ts")), {Profile("a", 256, 144, 30)});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("runaway"), std::string::npos) << result.status();
  // Passthrough has no frame multiplication and is fine.
  auto pass = Run(session, ReadFile(In("sparse.ts")), {Profile("p", 256, 144, 0)});
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->renditions[0].frames, 5);
}

// The H.264 decode capabilities we advertise (21-25): 4:2:2, 4:4:4 and 10-bit sources, and
// interlaced ones, all come out as progressive 8-bit 4:2:0.
TEST_F(TranscodeSessionTest, OtherPixelFormatsBecome420) {
  const char* formats[] = {"yuv422p", "yuv444p", "yuv420p10le", "yuv422p10le"};
  TranscodeSession session;
  for (const char* fmt : formats) {
    const std::string name = std::string("fmt_") + fmt + ".ts";
    ASSERT_TRUE(
        Ffmpeg("-f lavfi -i testsrc2=s=320x180:r=30 -t 0.5 -c:v libx264 -preset "
               "ultrafast -pix_fmt " +
               std::string(fmt) + " " + In(name)));
    auto result = Run(session, ReadFile(In(name)), {Profile("a", 256, 144, 30)});
    ASSERT_TRUE(result.ok()) << fmt << ": " << result.status();
    nlohmann::json v = StreamOf(CheckOutput(result->renditions[0], "out_" + name), "video");
    EXPECT_EQ(v.value("pix_fmt", ""), "yuv420p") << fmt;
    EXPECT_EQ(result->renditions[0].frames, 15) << fmt;
  }
  ASSERT_TRUE(
      Ffmpeg("-f lavfi -i testsrc2=s=320x180:r=30 -t 0.5 -vf tinterlace=5 -flags "
             "+ilme+ildct -c:v libx264 -preset ultrafast " +
             In("interlaced.ts")));
  auto result = Run(session, ReadFile(In("interlaced.ts")), {Profile("a", 256, 144, 30)});
  ASSERT_TRUE(result.ok()) << result.status();
  nlohmann::json v = StreamOf(CheckOutput(result->renditions[0], "out_interlaced.ts"), "video");
  EXPECT_EQ(v.value("field_order", "progressive"), "progressive");
}

TEST_F(TranscodeSessionTest, AbsurdAspectRatioIsRefused) {
  ASSERT_TRUE(
      Ffmpeg("-f lavfi -i testsrc2=s=16x4000:r=5 -t 1 " + std::string(kX264) + In("tall.ts")));
  TranscodeSession session;
  auto result = Run(session, ReadFile(In("tall.ts")), {Profile("a", 256, 144, 30)});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("too large"), std::string::npos) << result.status();
}

// Damaged segments (random byte flips and cuts, fixed seed): each ends in an error or in
// outputs that decode to exactly the counted frames; the session keeps working throughout.
TEST_F(TranscodeSessionTest, MutatedSegmentsNeverBreakTheSession) {
  const std::string good = ReadFile(In("av.ts"));
  std::mt19937 rng(1234);
  TranscodeSession session;
  const std::vector<VideoProfile> profiles = {Profile("p", 146, 82, 0)};
  int ok = 0;
  for (int i = 0; i < 16; ++i) {
    std::string bytes = good;
    const int flips = 1 + static_cast<int>(rng() % 200);
    for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    if (i % 4 == 3) bytes.resize(rng() % bytes.size());
    auto result = Run(session, bytes, profiles);
    if (!result.ok()) continue;
    ++ok;
    CheckOutput(result->renditions[0], "mutated" + std::to_string(i) + ".ts");
  }
  EXPECT_GT(ok, 0) << "light damage should still transcode";
  auto next = Run(session, good, profiles);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->renditions[0].frames, 60);
}

TEST_F(TranscodeSessionTest, RequestErrors) {
  const std::string good = ReadFile(In("av.ts"));
  TranscodeSession session;
  std::vector<VideoProfile> eleven(11, Profile("a", 256, 144, 30));
  auto many = Run(session, good, eleven);
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.status().message().find("Too many outputs"), std::string::npos);
  auto none = Run(session, good, {});
  EXPECT_FALSE(none.ok());
  auto zero_bitrate = Run(session, good, {Profile("zero", 256, 144, 30, 0)});
  ASSERT_FALSE(zero_bitrate.ok());
  EXPECT_NE(zero_bitrate.status().message().find("bitrate"), std::string::npos);
  SegmentInput too_long;
  too_long.bytes = good;
  too_long.duration_ms = 301'000;
  EXPECT_FALSE(session.Transcode(too_long, {Profile("a", 256, 144, 30)}).ok());
}

TEST_F(TranscodeSessionTest, OneThreadAndConcurrentSessionsGiveCorrectOutputs) {
  const std::string bytes = ReadFile(In("av.ts"));
  const std::vector<VideoProfile> profiles = {Profile("a", 256, 144, 30),
                                              Profile("b", 426, 240, 30)};
  ThreadBudget single(1);
  TranscodeSession inline_session(&single);
  auto inline_result = Run(inline_session, bytes, profiles);
  ASSERT_TRUE(inline_result.ok()) << inline_result.status();
  CheckOutput(inline_result->renditions[1], "inline.ts");

  ThreadBudget shared(2);
  absl::StatusOr<TranscodeResult> results[2];
  std::thread threads[2];
  for (int i = 0; i < 2; ++i) {
    threads[i] = std::thread([&, i] {
      TranscodeSession s(&shared);
      SegmentInput in;
      in.bytes = bytes;
      results[i] = s.Transcode(in, profiles);
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status();
    EXPECT_EQ(results[i]->renditions[1].frames, 60);
    CheckOutput(results[i]->renditions[1], "concurrent" + std::to_string(i) + ".ts");
  }
  EXPECT_EQ(shared.active(), 0);
}

}  // namespace
}  // namespace baton::transcode

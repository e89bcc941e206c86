#include "transcode/video_profile.h"

#include "absl/strings/str_cat.h"

namespace baton::transcode {
namespace {

VideoProfile Preset(const char* name, int width, int height, int64_t kbps, int fps) {
  VideoProfile p;
  p.name = name;
  p.width = width;
  p.height = height;
  p.bitrate_bps = kbps * 1000;
  p.fps_num = fps;
  p.fps_den = 1;
  return p;
}

// The largest sizes any encoder here accepts; anything beyond is a mistake or an attack.
constexpr int kMaxDimension = 8192;
constexpr int kMaxFps = 1000;

}  // namespace

const std::vector<VideoProfile>& StandardPresets() {
  static const std::vector<VideoProfile> presets = {
      Preset("P720p60fps16x9", 1280, 720, 6000, 60), Preset("P720p30fps16x9", 1280, 720, 4000, 30),
      Preset("P720p25fps16x9", 1280, 720, 3500, 25), Preset("P720p30fps4x3", 960, 720, 3500, 30),
      Preset("P576p30fps16x9", 1024, 576, 1500, 30), Preset("P576p25fps16x9", 1024, 576, 1500, 25),
      Preset("P360p30fps16x9", 640, 360, 1200, 30),  Preset("P360p25fps16x9", 640, 360, 1000, 25),
      Preset("P360p30fps4x3", 480, 360, 1000, 30),   Preset("P240p30fps16x9", 426, 240, 600, 30),
      Preset("P240p25fps16x9", 426, 240, 600, 25),   Preset("P240p30fps4x3", 320, 240, 600, 30),
      Preset("P144p30fps16x9", 256, 144, 400, 30),   Preset("P144p25fps16x9", 256, 144, 400, 25),
  };
  return presets;
}

std::optional<VideoProfile> FindPreset(std::string_view name) {
  for (const VideoProfile& p : StandardPresets()) {
    if (p.name == name) return p;
  }
  return std::nullopt;
}

absl::Status ValidateProfile(const VideoProfile& p) {
  auto bad = [&p](const std::string& what) {
    return absl::InvalidArgumentError(absl::StrCat("bad profile \"", p.name, "\": ", what));
  };
  if (p.bitrate_bps <= 0) return bad("bitrate must be positive");
  if (p.width < 0 || p.height < 0 || p.width > kMaxDimension || p.height > kMaxDimension) {
    return bad(absl::StrCat("resolution ", p.width, "x", p.height, " out of range"));
  }
  if (p.fps_num < 0 || p.fps_den <= 0) return bad("frame rate must be non-negative");
  if (p.fps_num > kMaxFps * p.fps_den) return bad("frame rate above 1000 fps");
  if (p.gop_ms < kGopIntraOnly) return bad("invalid GOP");
  if (p.quality > 63) return bad("quality must be 0-63");
  switch (p.encoder_profile) {
    case EncoderProfile::kDefault:
    case EncoderProfile::kBaseline:
    case EncoderProfile::kMain:
    case EncoderProfile::kHigh:
    case EncoderProfile::kConstrainedHigh:
      break;
    default:
      return bad("unrecognized encoder profile");
  }
  if (p.codec != VideoCodec::kH264 && p.codec != VideoCodec::kH265 && p.codec != VideoCodec::kVp8 &&
      p.codec != VideoCodec::kVp9) {
    return bad("unrecognized video codec");
  }
  if (p.format != OutputFormat::kMpegts && p.format != OutputFormat::kMp4) {
    return bad("unrecognized profile output format");
  }
  return absl::OkStatus();
}

std::string_view CodecName(VideoCodec codec) {
  switch (codec) {
    case VideoCodec::kH264:
      return "H.264";
    case VideoCodec::kH265:
      return "HEVC";
    case VideoCodec::kVp8:
      return "VP8";
    case VideoCodec::kVp9:
      return "VP9";
  }
  return "unknown";
}

std::string_view FormatName(OutputFormat format) {
  return format == OutputFormat::kMp4 ? "mp4" : "mpegts";
}

std::string_view FormatExtension(OutputFormat format) {
  return format == OutputFormat::kMp4 ? ".mp4" : ".ts";
}

}  // namespace baton::transcode

// VideoProfile: one output rendition a gateway asks for (doc/transcode.md 1.1-1.5), and the
// standard preset table (P720p30fps16x9, ...).
//
// A profile is a plain value: name, target size, bitrate, frame rate (0 = keep the source's
// timing), GOP, H.264 encoder profile, codec and container. The wire form (net.VideoProfile)
// is converted in profile_proto.h; this file has no protobuf or networking dependency.
// Everything here is immutable data or pure functions and is safe to use from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace baton::transcode {

enum class VideoCodec { kH264 = 0, kH265 = 1, kVp8 = 2, kVp9 = 3 };
enum class OutputFormat { kMpegts = 0, kMp4 = 1 };
// H.264 profile names as on the wire; kDefault lets the encoder choose (x264: High, bf=3).
enum class EncoderProfile {
  kDefault = 0,
  kBaseline = 1,
  kMain = 2,
  kHigh = 3,
  kConstrainedHigh = 4
};

// GOP sentinel: every frame is an IDR frame.
inline constexpr int32_t kGopIntraOnly = -1;

struct VideoProfile {
  std::string name;
  int width = 0;   // 0 = derive from the aspect ratio (doc/transcode.md 1.6)
  int height = 0;  // 0 = derive from the aspect ratio
  int64_t bitrate_bps = 0;
  int fps_num = 0;  // 0 = passthrough: keep the source frames and timestamps
  int fps_den = 1;
  int32_t gop_ms = 0;  // 0 = encoder default, > 0 = keyframe interval, kGopIntraOnly
  EncoderProfile encoder_profile = EncoderProfile::kDefault;
  VideoCodec codec = VideoCodec::kH264;
  OutputFormat format = OutputFormat::kMpegts;
  uint32_t quality = 0;  // CRF when non-zero (still capped by the bitrate's VBV)

  bool passthrough_fps() const { return fps_num == 0; }
};

// The standard presets of doc/transcode.md 1.1, in table order.
const std::vector<VideoProfile>& StandardPresets();

// The preset with this exact name, if any. P144p25fps16x9 is found here even though
// go-livepeer's lookup table misses it.
std::optional<VideoProfile> FindPreset(std::string_view name);

// Checks what the encoder needs: positive bitrate, sane sizes and frame rate, GOP >= -1.
// The message names the profile and the offending field.
absl::Status ValidateProfile(const VideoProfile& profile);

// Short names used in messages and by the node: "H.264", "HEVC", "VP8", "VP9"; "mpegts", "mp4".
std::string_view CodecName(VideoCodec codec);
std::string_view FormatName(OutputFormat format);
// File extension of an output in this format, with the dot (".ts", ".mp4").
std::string_view FormatExtension(OutputFormat format);

}  // namespace baton::transcode

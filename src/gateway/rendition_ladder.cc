#include "gateway/rendition_ladder.h"

#include <cmath>
#include <set>

#include "absl/strings/str_split.h"
#include "common/hex.h"
#include "crypto/keccak.h"

namespace baton::gateway {
namespace {

struct Preset {
  const char* name;
  int width;
  int height;
  int bitrate_bps;
  int fps;
};

// transcode.md 1.1. P144p25fps16x9 is included although go-livepeer cannot select it by name.
constexpr Preset kPresets[] = {
    {"P720p60fps16x9", 1280, 720, 6000000, 60}, {"P720p30fps16x9", 1280, 720, 4000000, 30},
    {"P720p25fps16x9", 1280, 720, 3500000, 25}, {"P720p30fps4x3", 960, 720, 3500000, 30},
    {"P576p30fps16x9", 1024, 576, 1500000, 30}, {"P576p25fps16x9", 1024, 576, 1500000, 25},
    {"P360p30fps16x9", 640, 360, 1200000, 30},  {"P360p25fps16x9", 640, 360, 1000000, 25},
    {"P360p30fps4x3", 480, 360, 1000000, 30},   {"P240p30fps16x9", 426, 240, 600000, 30},
    {"P240p25fps16x9", 426, 240, 600000, 25},   {"P240p30fps4x3", 320, 240, 600000, 30},
    {"P144p30fps16x9", 256, 144, 400000, 30},   {"P144p25fps16x9", 256, 144, 400000, 25},
};

// Capability numbers of wire.md 6.1.
enum Capability : int {
  kH264 = 0,
  kMpegts = 1,
  kMp4 = 2,
  kFractionalFramerates = 3,
  kProfileBaseline = 7,
  kProfileMain = 8,
  kProfileHigh = 9,
  kProfileConstrainedHigh = 10,
  kGop = 11,
  kAuthToken = 12,
  kHevcEncode = 16,
  kVp8Encode = 19,
  kVp9Encode = 20,
};

int EncoderCapability(::net::VideoProfile::VideoCodec codec) {
  switch (codec) {
    case ::net::VideoProfile::H265:
      return kHevcEncode;
    case ::net::VideoProfile::VP8:
      return kVp8Encode;
    case ::net::VideoProfile::VP9:
      return kVp9Encode;
    default:
      return kH264;
  }
}

// -1 when the default encoder profile asks for nothing (go-livepeer's Capability_Unused).
int ProfileCapability(::net::VideoProfile::Profile profile) {
  switch (profile) {
    case ::net::VideoProfile::H264_BASELINE:
      return kProfileBaseline;
    case ::net::VideoProfile::H264_MAIN:
      return kProfileMain;
    case ::net::VideoProfile::H264_HIGH:
      return kProfileHigh;
    case ::net::VideoProfile::H264_CONSTRAINED_HIGH:
      return kProfileConstrainedHigh;
    default:
      return -1;
  }
}

::net::VideoProfile ToWire(const Preset& preset) {
  ::net::VideoProfile profile;
  profile.set_name(preset.name);
  profile.set_width(preset.width);
  profile.set_height(preset.height);
  profile.set_bitrate(preset.bitrate_bps);
  profile.set_fps(preset.fps);
  return profile;
}

}  // namespace

absl::StatusOr<std::vector<::net::VideoProfile>> ParseTranscodingOptions(std::string_view text) {
  std::vector<::net::VideoProfile> profiles;
  for (absl::string_view name :
       absl::StrSplit(absl::string_view(text.data(), text.size()), ',', absl::SkipWhitespace())) {
    const Preset* found = nullptr;
    for (const Preset& preset : kPresets) {
      if (name == preset.name) found = &preset;
    }
    if (found == nullptr) {
      return absl::InvalidArgumentError("unknown transcoding profile \"" + std::string(name) +
                                        "\" (expected preset names like P240p30fps16x9)");
    }
    profiles.push_back(ToWire(*found));
  }
  if (profiles.empty()) return absl::InvalidArgumentError("no transcoding profiles given");
  return profiles;
}

std::string ProfileId(std::string_view name) {
  return HexEncode(crypto::Keccak256(name).substr(0, 4));
}

::net::Capabilities RequiredCapabilities(const std::vector<::net::VideoProfile>& profiles) {
  std::set<int> caps = {kAuthToken, kH264};
  for (const ::net::VideoProfile& p : profiles) {
    caps.insert(p.format() == ::net::VideoProfile::MP4 ? kMp4 : kMpegts);
    caps.insert(EncoderCapability(p.encoder()));
    if (p.fpsden() > 0) caps.insert(kFractionalFramerates);
    if (int cap = ProfileCapability(p.profile()); cap >= 0) caps.insert(cap);
    if (p.gop() != 0) caps.insert(kGop);
  }
  ::net::Capabilities out;
  for (int cap : caps) {
    size_t word = static_cast<size_t>(cap) / 64;
    while (static_cast<size_t>(out.bitstring_size()) <= word) out.add_bitstring(0);
    out.set_bitstring(word, out.bitstring(word) | (uint64_t{1} << (cap % 64)));
  }
  return out;
}

pm::Rat EstimatedPixels(const std::vector<::net::VideoProfile>& profiles, double duration_s) {
  const int64_t seconds = static_cast<int64_t>(std::ceil(duration_s));
  pm::BigInt pixels = 0;
  for (const ::net::VideoProfile& p : profiles) {
    const int64_t fps_num = p.fps() == 0 ? 60 : p.fps();  // passthrough: assume 60 fps
    const int64_t fps_den = p.fpsden() == 0 ? 1 : p.fpsden();
    const int64_t fps = (fps_num + fps_den - 1) / fps_den;
    pixels += pm::BigInt(int64_t{p.width()} * p.height()) * fps * seconds;
  }
  return pm::Rat(pixels) * pm::Rat(102, 100);
}

}  // namespace baton::gateway

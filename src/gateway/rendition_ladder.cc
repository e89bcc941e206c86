#include "gateway/rendition_ladder.h"

#include <cmath>
#include <set>

#include "absl/strings/str_split.h"
#include "common/absl_view.h"
#include "common/capability.h"
#include "common/hex.h"
#include "crypto/keccak.h"
#include "transcode/video_profile.h"

namespace baton::gateway {
namespace {

int EncoderCapability(::net::VideoProfile::VideoCodec codec) {
  switch (codec) {
    case ::net::VideoProfile::H265:
      return kCapHevcEncode;
    case ::net::VideoProfile::VP8:
      return kCapVp8Encode;
    case ::net::VideoProfile::VP9:
      return kCapVp9Encode;
    default:
      return kCapH264;
  }
}

// -1 when the default encoder profile asks for nothing (go-livepeer's Capability_Unused).
int ProfileCapability(::net::VideoProfile::Profile profile) {
  switch (profile) {
    case ::net::VideoProfile::H264_BASELINE:
      return kCapProfileH264Baseline;
    case ::net::VideoProfile::H264_MAIN:
      return kCapProfileH264Main;
    case ::net::VideoProfile::H264_HIGH:
      return kCapProfileH264High;
    case ::net::VideoProfile::H264_CONSTRAINED_HIGH:
      return kCapProfileH264ConstrainedHigh;
    default:
      return -1;
  }
}

// The wire form of a transcoder profile (net.VideoProfile, doc/transcode.md 1.3).
::net::VideoProfile ToWire(const transcode::VideoProfile& p) {
  ::net::VideoProfile wire;
  wire.set_name(p.name);
  wire.set_width(p.width);
  wire.set_height(p.height);
  wire.set_bitrate(static_cast<int32_t>(p.bitrate_bps));
  wire.set_fps(static_cast<uint32_t>(p.fps_num));
  // The presets keep FramerateDen 0 on the wire: a fpsDen > 0 would ask for capability 3.
  if (p.fps_den > 1) wire.set_fpsden(static_cast<uint32_t>(p.fps_den));
  wire.set_gop(p.gop_ms);
  wire.set_profile(static_cast<::net::VideoProfile::Profile>(p.encoder_profile));
  wire.set_encoder(static_cast<::net::VideoProfile::VideoCodec>(p.codec));
  wire.set_format(static_cast<::net::VideoProfile::Format>(p.format));
  return wire;
}

}  // namespace

absl::StatusOr<std::vector<::net::VideoProfile>> ParseTranscodingOptions(std::string_view text) {
  std::vector<::net::VideoProfile> profiles;
  for (absl::string_view name : absl::StrSplit(AsAbsl(text), ',', absl::SkipWhitespace())) {
    std::optional<transcode::VideoProfile> found =
        transcode::FindPreset(std::string_view(name.data(), name.size()));
    if (!found) {
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
  std::set<int> caps = {kCapAuthToken, kCapH264};
  for (const ::net::VideoProfile& p : profiles) {
    caps.insert(p.format() == ::net::VideoProfile::MP4 ? kCapMp4 : kCapMpegts);
    caps.insert(EncoderCapability(p.encoder()));
    if (p.fpsden() > 0) caps.insert(kCapFractionalFramerates);
    if (int cap = ProfileCapability(p.profile()); cap >= 0) caps.insert(cap);
    if (p.gop() != 0) caps.insert(kCapGop);
  }
  ::net::Capabilities out;
  for (uint64_t word : EncodeCapabilityBitstring(caps)) out.add_bitstring(word);
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

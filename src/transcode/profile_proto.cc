#include "transcode/profile_proto.h"

#include "absl/strings/str_cat.h"

namespace baton::transcode {
namespace {

constexpr int64_t kDefaultDurationMs = 2000;
constexpr int64_t kMaxDurationMs = 300'000;

}  // namespace

absl::StatusOr<VideoProfile> ProfileFromProto(const net::VideoProfile& wire) {
  VideoProfile p;
  p.name = wire.name().empty()
               ? absl::StrCat("net_", wire.width(), "x", wire.height(), "_", wire.bitrate())
               : wire.name();
  p.width = wire.width();
  p.height = wire.height();
  p.bitrate_bps = wire.bitrate();
  p.fps_num = static_cast<int>(wire.fps());
  p.fps_den = wire.fpsden() == 0 ? 1 : static_cast<int>(wire.fpsden());
  const int format = static_cast<int>(wire.format());
  if (format != 0 && format != 1) {
    return absl::InvalidArgumentError("unrecognized profile output format");
  }
  p.format = static_cast<OutputFormat>(format);
  const int profile = static_cast<int>(wire.profile());
  if (profile < 0 || profile > 4) return absl::InvalidArgumentError("unrecognized encoder profile");
  p.encoder_profile = static_cast<EncoderProfile>(profile);
  const int codec = static_cast<int>(wire.encoder());
  if (codec < 0 || codec > 3) return absl::InvalidArgumentError("unrecognized video codec");
  p.codec = static_cast<VideoCodec>(codec);
  if (wire.gop() < kGopIntraOnly) {
    return absl::InvalidArgumentError(absl::StrCat("invalid gop ", wire.gop()));
  }
  p.gop_ms = wire.gop();
  p.quality = wire.quality();
  return p;
}

absl::StatusOr<std::vector<VideoProfile>> ProfilesFromSegData(const net::SegData& seg) {
  const auto& list = !seg.fullprofiles3().empty()   ? seg.fullprofiles3()
                     : !seg.fullprofiles2().empty() ? seg.fullprofiles2()
                                                    : seg.fullprofiles();
  std::vector<VideoProfile> profiles;
  for (const net::VideoProfile& wire : list) {
    absl::StatusOr<VideoProfile> p = ProfileFromProto(wire);
    if (!p.ok()) return p.status();
    profiles.push_back(*std::move(p));
  }
  return profiles;
}

absl::StatusOr<SegmentInput> SegmentInputFromSegData(const net::SegData& seg,
                                                     std::string_view bytes) {
  if (seg.duration() < 0 || seg.duration() > kMaxDurationMs) {
    return absl::InvalidArgumentError("invalid duration");
  }
  SegmentInput in;
  in.bytes = bytes;
  in.duration_ms = seg.duration() == 0 ? kDefaultDurationMs : seg.duration();
  if (seg.has_segment_parameters()) {
    const auto& params = seg.segment_parameters();
    if (params.from() > 0) in.clip_from_ms = static_cast<int64_t>(params.from());
    if (params.to() > 0) in.clip_to_ms = static_cast<int64_t>(params.to());
  }
  return in;
}

}  // namespace baton::transcode

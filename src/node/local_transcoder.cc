#include "node/local_transcoder.h"

namespace baton::node {

transcode::VideoProfile ToTranscodeProfile(const net::VideoProfile& p) {
  transcode::VideoProfile out;
  out.name = p.name();
  out.width = p.width();
  out.height = p.height();
  out.bitrate_bps = p.bitrate();
  out.fps_num = static_cast<int>(p.fps());
  out.fps_den = p.fpsden() == 0 ? 1 : static_cast<int>(p.fpsden());
  out.gop_ms = p.gop() < 0 ? transcode::kGopIntraOnly : p.gop();
  out.encoder_profile = static_cast<transcode::EncoderProfile>(p.profile());
  out.codec = static_cast<transcode::VideoCodec>(p.encoder());
  out.format = static_cast<transcode::OutputFormat>(p.format());
  out.quality = p.quality();
  return out;
}

std::shared_ptr<transcode::TranscodeSession> LocalTranscoder::SessionFor(
    const std::string& session) {
  std::lock_guard lock(mu_);
  auto& s = sessions_[session];
  if (!s) s = std::make_shared<transcode::TranscodeSession>();
  return s;
}

absl::StatusOr<std::vector<SegmentTranscoder::Rendition>> LocalTranscoder::Transcode(
    const std::string& session, const SegmentRequest& request, std::string_view bytes) {
  std::vector<transcode::VideoProfile> profiles;
  for (const auto& p : request.profiles) profiles.push_back(ToTranscodeProfile(p));
  transcode::SegmentInput input;
  input.bytes = bytes;
  input.duration_ms = request.duration_ms;
  if (request.seg_data.has_segment_parameters()) {
    const auto& clip = request.seg_data.segment_parameters();
    if (clip.from() > 0) input.clip_from_ms = static_cast<int64_t>(clip.from());
    if (clip.to() > 0) input.clip_to_ms = static_cast<int64_t>(clip.to());
  }
  auto result = SessionFor(session)->Transcode(input, profiles);
  if (!result.ok()) return result.status();
  std::vector<Rendition> out;
  for (auto& r : result->renditions) out.push_back({std::move(r.bytes), r.pixels});
  return out;
}

void LocalTranscoder::EndSession(const std::string& session) {
  std::lock_guard lock(mu_);
  sessions_.erase(session);
}

}  // namespace baton::node

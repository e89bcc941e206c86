#include "worker/local_transcoder.h"

#include <chrono>

#include "transcode/calibration.h"
#include "transcode/profile_proto.h"
#include "transcode/thread_priority.h"

namespace baton::worker {

std::shared_ptr<transcode::TranscodeSession> LocalTranscoder::SessionFor(
    const std::string& session) {
  std::lock_guard lock(mu_);
  auto& s = sessions_[session];
  if (!s) s = std::make_shared<transcode::TranscodeSession>();
  return s;
}

absl::StatusOr<std::vector<SegmentTranscoder::Rendition>> LocalTranscoder::Transcode(
    const std::string& session, const net::SegData& seg_data,
    const std::vector<net::VideoProfile>& requested, std::string_view bytes) {
  return Transcode(session, seg_data, requested, bytes, nullptr);
}

absl::StatusOr<std::vector<SegmentTranscoder::Rendition>> LocalTranscoder::Transcode(
    const std::string& session, const net::SegData& seg_data,
    const std::vector<net::VideoProfile>& requested, std::string_view bytes,
    int64_t* decoded_pixels) {
  std::vector<transcode::VideoProfile> profiles;
  for (const auto& p : requested) {
    auto profile = transcode::ProfileFromProto(p);
    if (!profile.ok()) return profile.status();
    profiles.push_back(*std::move(profile));
  }
  auto input = transcode::SegmentInputFromSegData(seg_data, bytes);
  if (!input.ok()) return input.status();
  transcode::LowerThreadPriority();
  const auto start = std::chrono::steady_clock::now();
  auto result = SessionFor(session)->Transcode(*input, profiles);
  if (capacity_ != nullptr) {
    // Failed segments too: one that ran out of time is the clearest sign of being behind.
    const double content_s = (input->duration_ms > 0 ? input->duration_ms : 2000) / 1000.0;
    capacity_->RecordSegment(session, start, std::chrono::steady_clock::now(), content_s,
                             transcode::ProcessCpuSeconds());
  }
  if (!result.ok()) return result.status();
  if (decoded_pixels != nullptr) *decoded_pixels = result->decoded_pixels;
  std::vector<Rendition> out;
  for (auto& r : result->renditions) {
    // VP8 (and VP9 asked for in MPEG-TS) come back in Matroska, which MPEG-TS cannot carry.
    std::string ext = r.container == "mp4" ? ".mp4" : r.container == "matroska" ? ".mkv" : ".ts";
    out.push_back({std::move(r.bytes), r.pixels, ext});
  }
  return out;
}

void LocalTranscoder::EndSession(const std::string& session) {
  std::lock_guard lock(mu_);
  sessions_.erase(session);
}

}  // namespace baton::worker

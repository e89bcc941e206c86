#include "transcode/source_limits.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace baton::transcode {

int64_t SourceLimits::MaxFrames(int64_t duration_ms) const {
  // Rounded up, so a segment of exactly max_fps frames a second always passes.
  return (std::max<int64_t>(duration_ms, 0) * max_fps + 999) / 1000 + frame_slack;
}

std::chrono::milliseconds SourceLimits::Deadline(int64_t duration_ms) const {
  return std::max(min_deadline, std::chrono::milliseconds(duration_ms) * deadline_factor);
}

SegmentGuard SegmentGuard::Start(const SourceLimits& limits, int64_t duration_ms) {
  SegmentGuard guard;
  guard.limits = limits;
  guard.duration_ms = duration_ms > 0 ? duration_ms : 2000;  // 0 on the wire means 2 s
  guard.deadline = Clock::now() + limits.Deadline(duration_ms);
  return guard;
}

absl::Status SegmentGuard::CheckFrameSize(int width, int height) const {
  if (width <= limits.max_side && height <= limits.max_side &&
      static_cast<int64_t>(width) * height <= limits.max_pixels) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("source too large: ", width, "x", height,
                                                 " (limits: ", limits.max_side, " pixels a side, ",
                                                 limits.max_pixels, " pixels a frame)"));
}

absl::Status SegmentGuard::TooManyFrames() const {
  return absl::InvalidArgumentError(absl::StrCat("too many frames: more than ", max_frames(),
                                                 " in a ", duration_ms, " ms segment (limit ",
                                                 limits.max_fps, " fps)"));
}

absl::Status SegmentGuard::DeadlineExceeded() const {
  return absl::DeadlineExceededError(
      absl::StrCat("segment deadline exceeded: not transcoded within ",
                   limits.Deadline(duration_ms).count(), " ms"));
}

namespace {

// Calls f on each comma-separated item of list until f returns true.
template <typename F>
bool AnyItem(std::string_view list, F f) {
  while (true) {
    const size_t comma = list.find(',');
    if (f(list.substr(0, comma))) return true;
    if (comma == std::string_view::npos) return false;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

bool DemuxerAllowed(std::string_view demuxer_name, std::string_view whitelist) {
  // A demuxer's name lists its aliases; any one on the whitelist admits it, as in FFmpeg's
  // own format_whitelist check (av_match_list).
  return AnyItem(demuxer_name, [whitelist](std::string_view name) {
    return !name.empty() &&
           AnyItem(whitelist, [name](std::string_view allowed) { return name == allowed; });
  });
}

}  // namespace baton::transcode

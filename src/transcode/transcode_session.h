// TranscodeSession: transcodes the segments of one gateway session, one at a time, into the
// renditions the gateway asked for.
//
// Each segment is demuxed from memory and decoded once; its frames fan out to the renditions
// (scale, frame rate, encoder, muxer: see rendition.h), which run on up to N worker threads,
// N being the session's share of the cores from a ThreadBudget. Renditions are grouped onto
// workers by pixel rate so that the workers finish together; the encoder thread count is the
// share left per rendition. Outputs keep the source clock, so consecutive segments continue
// each other.
//
// Software encoders are opened per segment, as LPMS does: libx264 cannot be flushed and reused
// on FFmpeg 5.1, and a fresh encoder guarantees that each segment starts with an IDR frame.
// What survives between segments is only the session's bookkeeping, so a bad segment returns
// an error with a readable message and never poisons the next one.
//
// The segment is untrusted input: it is held to the session's SourceLimits (containers, frame
// size, frames for its declared duration, a wall-clock deadline), and a segment over any of
// them fails with a message naming the limit.
//
// Not thread-safe: call Transcode from one thread at a time (the node serializes a session's
// segments). Different sessions may run concurrently on different threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "transcode/source_limits.h"
#include "transcode/thread_budget.h"
#include "transcode/video_profile.h"

namespace baton::transcode {

struct SegmentInput {
  std::string_view bytes;  // the segment file (MPEG-TS, MP4, ...); must outlive the call
  // segment_parameters: keep only [from, to) ms after the segment's first video timestamp,
  // rebased to 0. to = 0 means "to the end".
  std::optional<int64_t> clip_from_ms;
  std::optional<int64_t> clip_to_ms;
  int64_t duration_ms = 0;  // the gateway's duration; 0 means 2 s; over 5 min is refused
};

struct RenditionResult {
  std::string bytes;
  std::string container;  // "mpegts", "mp4", or "matroska" for VP8 / VP9-in-TS (rendition.h)
  int width = 0;
  int height = 0;
  int64_t frames = 0;
  int64_t pixels = 0;  // frames x width x height: what a verifying gateway recounts
};

struct TranscodeResult {
  std::vector<RenditionResult> renditions;  // in profile order
  int64_t decoded_frames = 0;
  int64_t decoded_pixels = 0;
};

class TranscodeSession {
 public:
  static constexpr size_t kMaxOutputs = 10;

  explicit TranscodeSession(ThreadBudget* budget = &ThreadBudget::Global(),
                            const SourceLimits& limits = SourceLimits());

  absl::StatusOr<TranscodeResult> Transcode(const SegmentInput& input,
                                            const std::vector<VideoProfile>& profiles);

  int64_t segments_done() const { return segments_done_; }

 private:
  ThreadBudget* budget_;
  SourceLimits limits_;
  int64_t segments_done_ = 0;
};

}  // namespace baton::transcode

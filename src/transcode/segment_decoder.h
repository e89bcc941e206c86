// SegmentDecoder: demuxes one segment (MPEG-TS, MP4/MOV, Matroska/WebM or FLV, nothing else)
// from memory and decodes its video once, handing every decoded frame and every audio packet
// to a sink.
//
// The bytes are untrusted: the segment's SegmentGuard (source_limits.h) decides which
// demuxers may open them (and no demuxer may open a file or URL), how large the frames and
// how many they may be, and when decoding must stop.
//
// Video frames get repaired, strictly increasing timestamps (doc/transcode.md 2.6: missing pts
// come from best_effort_timestamp or the previous frame plus one frame duration; a pts at or
// below the previous one becomes previous + 1). Audio is never decoded: packets pass through
// untouched so renditions can copy them bit-exact. Corrupt packets are skipped the way the
// FFmpeg CLI skips them; a segment with no video stream, no keyframe or no decodable frame is
// an InvalidArgument error naming the problem.
// One decoder per segment; not thread-safe. The bytes must outlive the decoder.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "transcode/memory_io.h"
#include "transcode/source_limits.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace baton::transcode {

// What renditions need to know about the source before its first frame.
struct SourceInfo {
  AVRational video_time_base{1, 90000};
  AVRational video_frame_rate{0, 1};  // {0, 1} when the container does not say
  int64_t video_start_pts = AV_NOPTS_VALUE;
  const AVCodecParameters* audio = nullptr;  // owned by the decoder; null without audio
  AVRational audio_time_base{1, 90000};
};

class SegmentSink {
 public:
  virtual ~SegmentSink() = default;
  // frame->pts is in SourceInfo::video_time_base. The sink may keep references to the frame.
  virtual absl::Status OnVideoFrame(const AVFrame& frame) = 0;
  // pkt.pts/dts are in SourceInfo::audio_time_base.
  virtual absl::Status OnAudioPacket(const AVPacket& pkt) = 0;
};

class SegmentDecoder {
 public:
  // Longest segment accepted, as go-livepeer's ErrTranscoderDuration.
  static constexpr int64_t kMaxDurationMs = 300'000;

  // Opens and probes the segment. Errors: not a media file, a container off the whitelist,
  // no video stream, too long, frames too large, no decoder for the video codec, deadline.
  // `threads` > 1 lets the video decoder use frame threads.
  static absl::StatusOr<std::unique_ptr<SegmentDecoder>> Open(
      std::string_view bytes, int threads = 1, const SegmentGuard& guard = SegmentGuard());
  ~SegmentDecoder();

  const SourceInfo& source() const { return source_; }

  // Decodes the whole segment into the sink. A sink error stops decoding and is returned.
  absl::Status Run(SegmentSink& sink);

  int64_t decoded_frames() const { return decoded_frames_; }
  int64_t decoded_pixels() const { return decoded_pixels_; }

 private:
  SegmentDecoder(std::string_view bytes, const SegmentGuard& guard);
  absl::Status Probe();
  // AVIOInterruptCB: FFmpeg's long loops (stream probing) stop once the deadline passes.
  static int Interrupted(void* opaque);
  absl::Status OpenVideoDecoder(int threads);
  absl::Status DecodePacket(const AVPacket* pkt, SegmentSink& sink);
  absl::Status DecodeError(int rc) const;
  void RepairTimestamp(AVFrame& frame);

  MemoryInput input_;
  SegmentGuard guard_;
  AVFormatContext* format_ = nullptr;
  AVCodecContext* video_decoder_ = nullptr;
  int video_index_ = -1;
  int audio_index_ = -1;
  SourceInfo source_;
  int64_t video_packets_ = 0;
  bool saw_keyframe_ = false;
  int64_t last_pts_ = AV_NOPTS_VALUE;
  int64_t decoded_frames_ = 0;
  int64_t decoded_pixels_ = 0;
};

}  // namespace baton::transcode

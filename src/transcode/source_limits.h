// SourceLimits: what the node accepts as a segment from an untrusted gateway (issue 8, item 4).
//
// A segment body is attacker-chosen bytes. Before and while decoding it the node enforces:
// - a container whitelist: only MPEG-TS, MP4/MOV, Matroska/WebM and FLV are probed and opened;
//   playlists (HLS, concat, ...) and every other demuxer are refused, and the demuxer may open
//   no protocol at all, so a body can never make the node read a file or a URL;
// - the source's frame size: each side at most max_side pixels and each frame at most
//   max_pixels pixels (checked on the stream parameters, inside the decoder's buffer
//   allocation, and on every decoded frame, since the size may change mid-stream);
// - the number of decoded frames against the gateway's declared duration (at most max_fps
//   frames a second plus frame_slack), so a "2 s" segment cannot carry minutes of video;
// - a wall-clock deadline per segment: max(min_deadline, deadline_factor x duration), twice
//   the time a go-livepeer gateway waits for the result (max(8 s, 4 x duration),
//   doc/transcode.md 4). Past the gateway's wait the work is useless; the factor of two keeps a
//   slow or loaded machine from failing segments a gateway would still have taken, and still
//   bounds what one segment can cost.
// Each refusal is an error whose message names the limit; it ends only that segment.
// A plain value type; thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"

namespace baton::transcode {

struct SourceLimits {
  // 8192 a side covers 8K UHD in either orientation.
  static constexpr int kDefaultMaxSide = 8192;
  // H.264/HEVC level 6.2's largest frame (139,264 macroblocks of 16x16): ~35.7 MP.
  static constexpr int64_t kDefaultMaxPixels = 139'264LL * 256;
  static constexpr int kDefaultMaxFps = 240;
  static constexpr int64_t kDefaultFrameSlack = 120;  // half a second at the maximum rate
  static constexpr std::chrono::milliseconds kDefaultMinDeadline{16'000};
  static constexpr int kDefaultDeadlineFactor = 8;

  int max_side = kDefaultMaxSide;
  int64_t max_pixels = kDefaultMaxPixels;
  int max_fps = kDefaultMaxFps;
  int64_t frame_slack = kDefaultFrameSlack;
  std::chrono::milliseconds min_deadline = kDefaultMinDeadline;
  int deadline_factor = kDefaultDeadlineFactor;

  // Most video frames a segment of the declared duration may decode to.
  int64_t MaxFrames(int64_t duration_ms) const;
  // Wall-clock time a segment of the declared duration may take, decoding to muxing.
  std::chrono::milliseconds Deadline(int64_t duration_ms) const;
};

// The limits applied to one segment: the node's SourceLimits, the frame budget from the
// gateway's declared duration, and the moment the segment must be done by.
struct SegmentGuard {
  using Clock = std::chrono::steady_clock;

  SourceLimits limits;
  int64_t duration_ms = 2000;  // as declared by the gateway (0 on the wire means 2 s)
  Clock::time_point deadline = Clock::time_point::max();

  // A guard for a segment starting now.
  static SegmentGuard Start(const SourceLimits& limits, int64_t duration_ms);

  bool Expired() const { return Clock::now() >= deadline; }
  int64_t max_frames() const { return limits.MaxFrames(duration_ms); }

  // The errors, with the messages gateways see in TranscodeResult.error.
  absl::Status CheckFrameSize(int width, int height) const;
  absl::Status TooManyFrames() const;
  absl::Status DeadlineExceeded() const;
};

// Demuxers a segment may be opened with, as FFmpeg's format_whitelist ("mpegts,mov,...").
inline constexpr char kDemuxerWhitelist[] = "mpegts,mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,flv";
// What the error message calls them.
inline constexpr char kAcceptedContainers[] = "MPEG-TS, MP4/MOV, Matroska/WebM, FLV";

// Demuxers an uploaded image or audio file (AI requests, doc/ai.md 2.3) may be opened with: the
// node's unit probes (ai/media_probe.h) and baton-runner's decoders (runner/media_codec.h).
inline constexpr char kImageUploadDemuxers[] =
    "png_pipe,jpeg_pipe,webp_pipe,bmp_pipe,gif,image2pipe";
inline constexpr char kAudioUploadDemuxers[] = "wav,mp3,flac,ogg,mov,mp4,m4a,matroska,webm,aac";

// True if a demuxer's name ("mov,mp4,m4a,3gp,3g2,mj2", "hls", ...) is on `whitelist` (a comma
// list, FFmpeg's format_whitelist syntax).
bool DemuxerAllowed(std::string_view demuxer_name, std::string_view whitelist = kDemuxerWhitelist);

}  // namespace baton::transcode

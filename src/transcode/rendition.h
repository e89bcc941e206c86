// Rendition: one output of a segment. It scales (and, for a fixed frame rate, converts the
// rate of) the decoded source frames with a libavfilter graph, encodes them and muxes the
// result, together with the source audio copied packet for packet, into an in-memory
// MPEG-TS or MP4 file (audio the container cannot carry is re-encoded to AAC instead).
//
// Everything opens on the first video frame, because the output size depends on the source
// size (doc/transcode.md 1.6); audio that arrives earlier waits in a queue. The first frame is
// forced to an IDR frame, timestamps follow the source clock (so renditions of consecutive
// segments continue each other), and every frame sent to the encoder is counted, at the
// encoder's size, for billing (frames x width x height). The size is fixed for the segment:
// a source that changes size mid-segment is scaled to the size chosen from its first frame.
// Not thread-safe: one thread feeds a rendition at a time.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "transcode/audio_reencoder.h"
#include "transcode/av_util.h"
#include "transcode/memory_io.h"
#include "transcode/output_size.h"
#include "transcode/segment_decoder.h"
#include "transcode/video_profile.h"

namespace baton::transcode {

struct RenditionOutput {
  std::string bytes;      // the complete output file
  std::string container;  // "mpegts", "mp4" or "matroska" (see ContainerName)
  int width = 0;
  int height = 0;
  int64_t frames = 0;  // frames encoded (and decodable from bytes)
  int64_t pixels = 0;  // frames x width x height
};

class Rendition {
 public:
  // Fails for profiles this build cannot encode (missing encoder, VP8/VP9 in MPEG-TS).
  // REQUIRES: source outlives the rendition; encoder_threads >= 1.
  static absl::StatusOr<std::unique_ptr<Rendition>> Create(const VideoProfile& profile,
                                                           const SourceInfo& source,
                                                           int encoder_threads);
  ~Rendition();

  absl::Status AddVideoFrame(const AVFrame& frame);
  absl::Status AddAudioPacket(const AVPacket& pkt);
  // Drains filter, encoder and muxer and returns the file. The rendition is spent afterwards.
  absl::StatusOr<RenditionOutput> Finish();

  // The muxer an output uses: the profile's format, except that VP8 (and VP9 asked for in
  // MPEG-TS) go into Matroska, since neither MPEG-TS nor FFmpeg 5.1's MP4 can carry them.
  static const char* ContainerName(const VideoProfile& profile);
  // Encoder name for a codec ("libx264", ...).
  static const char* EncoderName(VideoCodec codec);

 private:
  Rendition(const VideoProfile& profile, const SourceInfo& source, int encoder_threads);
  absl::Status Open(const AVFrame& first);
  absl::Status BuildFilter(const AVFrame& first, FrameSize size);
  absl::Status OpenEncoder();
  absl::Status OpenMuxer();
  absl::Status PullFiltered();
  absl::Status Encode(AVFrame* frame);
  absl::Status WriteEncoded();
  absl::Status WriteAudio(AVPacket* pkt);
  AudioReencoder::PacketSink EncodedAudioSink();
  absl::Status Mux(AVPacket* pkt, int64_t& last_dts);

  const VideoProfile profile_;
  const SourceInfo& source_;
  const int encoder_threads_;

  FilterGraphPtr graph_;
  AVFilterContext* buffer_src_ = nullptr;
  AVFilterContext* buffer_sink_ = nullptr;
  CodecContextPtr encoder_;
  MemoryOutput output_;
  AVFormatContext* muxer_ = nullptr;
  AVStream* video_stream_ = nullptr;
  AVStream* audio_stream_ = nullptr;
  std::unique_ptr<AudioReencoder> audio_reencoder_;  // only when the audio cannot be copied
  std::deque<PacketPtr> early_audio_;

  int64_t input_frames_ = 0;
  int64_t end_pts_ = 0;  // end of the last source frame, in the source time base
  int64_t encoded_frames_ = 0;
  int64_t next_keyframe_pts_ = AV_NOPTS_VALUE;  // passthrough GOP, in encoder time base
  int64_t last_video_dts_ = AV_NOPTS_VALUE;
  int64_t last_audio_dts_ = AV_NOPTS_VALUE;
  bool opened_ = false;
  bool header_written_ = false;
};

}  // namespace baton::transcode

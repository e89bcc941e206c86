// AudioReencoder: turns source audio into AAC (stereo, 44.1 kHz, planar float in), for the
// rare output container that cannot carry the source's audio codec as is (e.g. PCM from an
// MP4 into MPEG-TS). Audio is otherwise copied packet for packet, because gateways compare
// audio checksums between orchestrators (doc/transcode.md 2.4, 5).
//
// Mirrors LPMS's audio encode path: decode, `aformat=fltp:stereo:44100` with the sink cut to
// the encoder's frame size, then the FFmpeg AAC encoder. Not thread-safe; owned by one
// Rendition.
#pragma once

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "transcode/av_util.h"

namespace baton::transcode {

class AudioReencoder {
 public:
  using PacketSink = std::function<absl::Status(AVPacket*)>;

  // `global_header`: the container wants codec extradata up front (MP4, Matroska).
  static absl::StatusOr<std::unique_ptr<AudioReencoder>> Create(const AVCodecParameters* source,
                                                                AVRational source_time_base,
                                                                bool global_header);

  // The opened encoder, for the output stream's parameters and time base.
  const AVCodecContext* encoder() const { return encoder_.get(); }

  // Decodes, converts and encodes one source packet; each AAC packet (timestamps in the
  // encoder's time base) goes to `sink`. nullptr flushes everything.
  absl::Status Add(const AVPacket* pkt, const PacketSink& sink);

 private:
  AudioReencoder() = default;
  absl::Status Open(const AVCodecParameters* source, AVRational source_time_base,
                    bool global_header);
  absl::Status BuildFilter(AVRational source_time_base);
  absl::Status PullFiltered(const PacketSink& sink);
  absl::Status Drain(const PacketSink& sink);

  CodecContextPtr decoder_;
  CodecContextPtr encoder_;
  FilterGraphPtr graph_;
  AVFilterContext* src_ = nullptr;
  AVFilterContext* sink_ = nullptr;
};

}  // namespace baton::transcode

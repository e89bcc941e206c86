#include "gateway/pixel_counter.h"

#include <memory>
#include <string>

#include "transcode/av_util.h"
#include "transcode/memory_io.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace baton::gateway {
namespace {

struct FormatCloser {
  void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};

// Receives every frame the decoder has ready and adds it to `count`.
void DrainFrames(AVCodecContext* decoder, AVFrame* frame, DecodedCount& count) {
  while (avcodec_receive_frame(decoder, frame) == 0) {
    if (frame->width > 0 && frame->height > 0) {
      ++count.frames;
      count.pixels += int64_t{frame->width} * frame->height;
      count.width = frame->width;
      count.height = frame->height;
    }
    av_frame_unref(frame);
  }
}

}  // namespace

absl::StatusOr<DecodedCount> CountDecodedPixels(std::string_view media) {
  // The same in-memory I/O the node's transcoder demuxes segments with.
  transcode::MemoryInput input(media);
  if (input.avio() == nullptr) return absl::ResourceExhaustedError("cannot allocate FFmpeg I/O");
  AVFormatContext* raw = avformat_alloc_context();
  raw->pb = input.avio();
  if (int err = avformat_open_input(&raw, nullptr, nullptr, nullptr); err < 0) {
    return absl::InvalidArgumentError("cannot read the rendition's container: " +
                                      transcode::AvErrorText(err));
  }
  std::unique_ptr<AVFormatContext, FormatCloser> format(raw);
  if (int err = avformat_find_stream_info(format.get(), nullptr); err < 0) {
    return absl::InvalidArgumentError("cannot probe the rendition: " + transcode::AvErrorText(err));
  }
  const AVCodec* codec = nullptr;
  const int stream = av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (stream < 0 || codec == nullptr) {
    return absl::InvalidArgumentError("the rendition has no decodable video stream");
  }
  transcode::CodecContextPtr decoder(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(decoder.get(), format->streams[stream]->codecpar);
  decoder->thread_count = 1;  // small renditions; keep the gateway's CPU for the node
  if (int err = avcodec_open2(decoder.get(), codec, nullptr); err < 0) {
    return absl::InternalError("cannot open the video decoder: " + transcode::AvErrorText(err));
  }

  DecodedCount count;
  transcode::PacketPtr packet = transcode::NewPacket();
  transcode::FramePtr frame = transcode::NewFrame();
  while (av_read_frame(format.get(), packet.get()) >= 0) {
    if (packet->stream_index == stream) {
      if (avcodec_send_packet(decoder.get(), packet.get()) == AVERROR(EAGAIN)) {
        DrainFrames(decoder.get(), frame.get(), count);
        avcodec_send_packet(decoder.get(), packet.get());
      }
      DrainFrames(decoder.get(), frame.get(), count);
    }
    av_packet_unref(packet.get());
  }
  avcodec_send_packet(decoder.get(), nullptr);  // flush the decoder's delayed frames
  DrainFrames(decoder.get(), frame.get(), count);
  return count;
}

}  // namespace baton::gateway

#include "gateway/pixel_counter.h"

#include <cstring>
#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
}

namespace baton::gateway {
namespace {

// A read-only, seekable view of the bytes for libavformat's custom I/O.
struct MemoryReader {
  std::string_view data;
  int64_t position = 0;
};

int ReadPacket(void* opaque, uint8_t* buf, int size) {
  auto* reader = static_cast<MemoryReader*>(opaque);
  const int64_t left = static_cast<int64_t>(reader->data.size()) - reader->position;
  if (left <= 0) return AVERROR_EOF;
  const int n = static_cast<int>(std::min<int64_t>(left, size));
  std::memcpy(buf, reader->data.data() + reader->position, n);
  reader->position += n;
  return n;
}

int64_t Seek(void* opaque, int64_t offset, int whence) {
  auto* reader = static_cast<MemoryReader*>(opaque);
  const int64_t size = static_cast<int64_t>(reader->data.size());
  switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE:
      return size;
    case SEEK_SET:
      reader->position = offset;
      break;
    case SEEK_CUR:
      reader->position += offset;
      break;
    case SEEK_END:
      reader->position = size + offset;
      break;
    default:
      return AVERROR(EINVAL);
  }
  return reader->position;
}

std::string AvError(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, buf, sizeof buf);
  return buf;
}

struct FormatCloser {
  void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
struct IoCloser {
  void operator()(AVIOContext* io) const {
    av_freep(&io->buffer);
    avio_context_free(&io);
  }
};
struct CodecCloser {
  void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
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
  constexpr int kBufferSize = 64 * 1024;
  MemoryReader reader{media};
  auto* buffer = static_cast<unsigned char*>(av_malloc(kBufferSize));
  std::unique_ptr<AVIOContext, IoCloser> io(
      avio_alloc_context(buffer, kBufferSize, 0, &reader, ReadPacket, nullptr, Seek));
  AVFormatContext* raw = avformat_alloc_context();
  raw->pb = io.get();
  if (int err = avformat_open_input(&raw, nullptr, nullptr, nullptr); err < 0) {
    return absl::InvalidArgumentError("cannot read the rendition's container: " + AvError(err));
  }
  std::unique_ptr<AVFormatContext, FormatCloser> format(raw);
  if (int err = avformat_find_stream_info(format.get(), nullptr); err < 0) {
    return absl::InvalidArgumentError("cannot probe the rendition: " + AvError(err));
  }
  const AVCodec* codec = nullptr;
  const int stream = av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (stream < 0 || codec == nullptr) {
    return absl::InvalidArgumentError("the rendition has no decodable video stream");
  }
  std::unique_ptr<AVCodecContext, CodecCloser> decoder(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(decoder.get(), format->streams[stream]->codecpar);
  decoder->thread_count = 1;  // small renditions; keep the gateway's CPU for the node
  if (int err = avcodec_open2(decoder.get(), codec, nullptr); err < 0) {
    return absl::InternalError("cannot open the video decoder: " + AvError(err));
  }

  DecodedCount count;
  std::unique_ptr<AVPacket, PacketFreer> packet(av_packet_alloc());
  std::unique_ptr<AVFrame, FrameFreer> frame(av_frame_alloc());
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

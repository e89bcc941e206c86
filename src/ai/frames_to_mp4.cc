#include "ai/frames_to_mp4.h"

#include "ai/media_probe.h"
#include "transcode/av_util.h"
#include "transcode/memory_io.h"

extern "C" {
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

namespace baton::ai {
namespace {

using transcode::AvStatus;

struct SwsFree {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct MuxerFree {
  void operator()(AVFormatContext* f) const { avformat_free_context(f); }
};

absl::StatusOr<transcode::FramePtr> DecodePng(const std::string& png) {
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_PNG);
  if (codec == nullptr) return absl::InternalError("no PNG decoder");
  transcode::CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) return absl::ResourceExhaustedError("cannot allocate PNG decoder");
  av_opt_set_int(ctx.get(), "max_pixels", kMaxPixels, 0);
  if (int rc = avcodec_open2(ctx.get(), codec, nullptr); rc < 0) return AvStatus(rc, "PNG decoder");
  transcode::PacketPtr packet = transcode::NewPacket();
  packet->data = reinterpret_cast<uint8_t*>(const_cast<char*>(png.data()));
  packet->size = static_cast<int>(png.size());
  if (int rc = avcodec_send_packet(ctx.get(), packet.get()); rc < 0)
    return AvStatus(rc, "frame is not a PNG");
  transcode::FramePtr frame = transcode::NewFrame();
  if (int rc = avcodec_receive_frame(ctx.get(), frame.get()); rc < 0)
    return AvStatus(rc, "frame is not a PNG");
  return frame;
}

}  // namespace

absl::StatusOr<std::string> FramesToMp4(const std::vector<std::string>& frames, int fps) {
  if (frames.empty()) return absl::InvalidArgumentError("no frames");
  if (fps <= 0 || fps > 240) fps = 7;
  auto first = DecodePng(frames[0]);
  if (!first.ok()) return first.status();
  // H.264 in 4:2:0 needs even sizes.
  const int width = (*first)->width & ~1, height = (*first)->height & ~1;
  if (width < 2 || height < 2) return absl::InvalidArgumentError("frames too small");
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (codec == nullptr) return absl::InternalError("no libx264 encoder");
  transcode::CodecContextPtr enc(avcodec_alloc_context3(codec));
  if (!enc) return absl::ResourceExhaustedError("cannot allocate encoder");
  enc->width = width;
  enc->height = height;
  enc->pix_fmt = AV_PIX_FMT_YUV420P;
  enc->time_base = AVRational{1, fps};
  enc->framerate = AVRational{fps, 1};
  enc->bit_rate = 6'000'000;
  enc->gop_size = fps;
  enc->thread_count = 1;
  enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  av_opt_set(enc->priv_data, "preset", "veryfast", 0);
  if (int rc = avcodec_open2(enc.get(), codec, nullptr); rc < 0) return AvStatus(rc, "encoder");

  transcode::MemoryOutput output;  // declared first: the muxer must not outlive it
  AVFormatContext* raw = nullptr;
  if (int rc = avformat_alloc_output_context2(&raw, nullptr, "mp4", nullptr); rc < 0)
    return AvStatus(rc, "MP4 muxer");
  std::unique_ptr<AVFormatContext, MuxerFree> muxer(raw);
  if (auto s = output.AttachTo(muxer.get()); !s.ok()) return s;
  AVStream* stream = avformat_new_stream(muxer.get(), nullptr);
  if (stream == nullptr) return absl::ResourceExhaustedError("cannot add stream");
  stream->time_base = enc->time_base;
  if (int rc = avcodec_parameters_from_context(stream->codecpar, enc.get()); rc < 0)
    return AvStatus(rc, "stream parameters");
  if (int rc = avformat_write_header(muxer.get(), nullptr); rc < 0) return AvStatus(rc, "header");

  transcode::PacketPtr packet = transcode::NewPacket();
  auto drain = [&]() -> absl::Status {
    while (true) {
      int rc = avcodec_receive_packet(enc.get(), packet.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return absl::OkStatus();
      if (rc < 0) return AvStatus(rc, "encode");
      av_packet_rescale_ts(packet.get(), enc->time_base, stream->time_base);
      packet->stream_index = stream->index;
      rc = av_interleaved_write_frame(muxer.get(), packet.get());
      if (rc < 0) return AvStatus(rc, "mux");
    }
  };
  std::unique_ptr<SwsContext, SwsFree> scaler;
  for (size_t i = 0; i < frames.size(); ++i) {
    auto decoded = i == 0 ? std::move(first) : DecodePng(frames[i]);
    if (!decoded.ok()) return decoded.status();
    const AVFrame* in = decoded->get();
    scaler.reset(sws_getCachedContext(scaler.release(), in->width, in->height,
                                      static_cast<AVPixelFormat>(in->format), width, height,
                                      AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
    if (!scaler) return absl::InvalidArgumentError("frame format cannot be converted");
    transcode::FramePtr out = transcode::NewFrame();
    out->format = AV_PIX_FMT_YUV420P;
    out->width = width;
    out->height = height;
    if (int rc = av_frame_get_buffer(out.get(), 0); rc < 0) return AvStatus(rc, "frame buffer");
    sws_scale(scaler.get(), in->data, in->linesize, 0, in->height, out->data, out->linesize);
    out->pts = static_cast<int64_t>(i);
    if (int rc = avcodec_send_frame(enc.get(), out.get()); rc < 0) return AvStatus(rc, "encode");
    if (auto s = drain(); !s.ok()) return s;
  }
  if (int rc = avcodec_send_frame(enc.get(), nullptr); rc < 0) return AvStatus(rc, "flush");
  if (auto s = drain(); !s.ok()) return s;
  if (int rc = av_write_trailer(muxer.get()); rc < 0) return AvStatus(rc, "trailer");
  return output.TakeBytes();
}

}  // namespace baton::ai

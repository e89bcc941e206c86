#include "runner/media_codec.h"

#include <cstring>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "transcode/av_util.h"
#include "transcode/memory_io.h"
#include "transcode/source_limits.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/imgutils.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

namespace baton::runner {
namespace {

using transcode::AvErrorText;
using transcode::AvStatus;

// An uploaded file opened for demuxing from memory, with its decoder for one stream.
class MemoryDemuxer {
 public:
  explicit MemoryDemuxer(std::string_view bytes) : input_(bytes) {}
  ~MemoryDemuxer() {
    avcodec_free_context(&decoder_);
    avformat_close_input(&format_);
  }

  // Opens the container and the decoder of its best stream of `type`.
  // Only the demuxers in `demuxers` (FFmpeg's format_whitelist syntax) may read the bytes.
  absl::Status Open(AVMediaType type, std::string_view what, const char* demuxers) {
    if (input_.avio() == nullptr) return absl::InternalError("cannot allocate input");
    format_ = avformat_alloc_context();
    if (format_ == nullptr) return absl::InternalError("cannot allocate demuxer");
    format_->pb = input_.avio();
    format_->flags |= AVFMT_FLAG_CUSTOM_IO;
    // Only the bytes in memory may be read: no protocol, no nested file (a playlist naming
    // file:///etc/passwd opens nothing).
    format_->io_open = &transcode::RefuseNestedOpen;
    format_->protocol_whitelist = av_strdup("");
    format_->format_whitelist = av_strdup(demuxers);
    if (format_->protocol_whitelist == nullptr || format_->format_whitelist == nullptr)
      return absl::InternalError("out of memory");
    int rc = avformat_open_input(&format_, "", nullptr, nullptr);  // frees format_ on error
    if (rc < 0)
      return absl::InvalidArgumentError(absl::StrCat("not ", AsAbsl(what), ": ", AvErrorText(rc)));
    rc = avformat_find_stream_info(format_, nullptr);
    if (rc < 0)
      return absl::InvalidArgumentError(absl::StrCat("not ", AsAbsl(what), ": ", AvErrorText(rc)));
    const AVCodec* codec = nullptr;
    stream_ = av_find_best_stream(format_, type, -1, -1, &codec, 0);
    if (stream_ < 0 || codec == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("not ", AsAbsl(what), ": no decodable stream"));
    }
    decoder_ = avcodec_alloc_context3(codec);
    if (decoder_ == nullptr) return absl::InternalError("cannot allocate decoder");
    rc = avcodec_parameters_to_context(decoder_, format_->streams[stream_]->codecpar);
    if (rc < 0) return AvStatus(rc, "decoder parameters");
    decoder_->thread_count = 1;
    rc = avcodec_open2(decoder_, codec, nullptr);
    if (rc < 0)
      return absl::InvalidArgumentError(absl::StrCat("not ", AsAbsl(what), ": ", AvErrorText(rc)));
    return absl::OkStatus();
  }

  // Calls on_frame(frame) for every decoded frame of the stream until it returns false or the
  // input ends (decoder drained). A corrupt packet ends decoding with what was decoded so far.
  template <typename OnFrame>
  absl::Status Decode(OnFrame on_frame) {
    transcode::PacketPtr packet = transcode::NewPacket();
    transcode::FramePtr frame = transcode::NewFrame();
    if (!packet || !frame) return absl::InternalError("out of memory");
    bool more = true;
    bool draining = false;
    while (more) {
      if (!draining) {
        int rc = av_read_frame(format_, packet.get());
        if (rc < 0) {
          draining = true;
          avcodec_send_packet(decoder_, nullptr);
        } else {
          if (packet->stream_index == stream_) {
            rc = avcodec_send_packet(decoder_, packet.get());
            if (rc < 0 && rc != AVERROR(EAGAIN))
              draining = true, avcodec_send_packet(decoder_, nullptr);
          }
          av_packet_unref(packet.get());
        }
      }
      while (true) {
        int rc = avcodec_receive_frame(decoder_, frame.get());
        if (rc == AVERROR(EAGAIN)) break;
        if (rc < 0) return absl::OkStatus();  // AVERROR_EOF or a decoding error: done
        absl::StatusOr<bool> go_on = on_frame(frame.get());
        av_frame_unref(frame.get());
        if (!go_on.ok()) return go_on.status();
        if (!*go_on) {
          more = false;
          break;
        }
      }
    }
    return absl::OkStatus();
  }

  AVCodecContext* decoder() const { return decoder_; }

 private:
  transcode::MemoryInput input_;
  AVFormatContext* format_ = nullptr;
  AVCodecContext* decoder_ = nullptr;
  int stream_ = -1;
};

struct SwrFree {
  void operator()(SwrContext* s) const { swr_free(&s); }
};
struct SwsFree {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};

void PutLe16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}
void PutLe32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

absl::StatusOr<std::vector<int16_t>> DecodeAudioMono(std::string_view bytes, int sample_rate,
                                                     double max_seconds) {
  if (bytes.empty()) return absl::InvalidArgumentError("not audio: empty file");
  MemoryDemuxer demuxer(bytes);
  if (absl::Status s = demuxer.Open(AVMEDIA_TYPE_AUDIO, "audio", transcode::kAudioUploadDemuxers);
      !s.ok())
    return s;
  const size_t max_samples = static_cast<size_t>(max_seconds * sample_rate);
  std::vector<int16_t> samples;
  std::unique_ptr<SwrContext, SwrFree> swr;
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  // The resampler is made from the first frame: its layout and format are what the decoder
  // really produces (some containers declare none).
  auto convert = [&](const AVFrame* frame) -> absl::StatusOr<bool> {
    if (!swr) {
      SwrContext* raw = nullptr;
      AVChannelLayout in_layout;
      if (frame->ch_layout.nb_channels > 0) {
        av_channel_layout_copy(&in_layout, &frame->ch_layout);
      } else {
        av_channel_layout_default(&in_layout, 1);
      }
      int rc = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_S16, sample_rate, &in_layout,
                                   static_cast<AVSampleFormat>(frame->format), frame->sample_rate,
                                   0, nullptr);
      av_channel_layout_uninit(&in_layout);
      swr.reset(raw);
      if (rc < 0 || frame->sample_rate <= 0) {
        return absl::InvalidArgumentError("not audio: unusable sample format or rate");
      }
      rc = swr_init(swr.get());
      if (rc < 0) return absl::InvalidArgumentError(absl::StrCat("not audio: ", AvErrorText(rc)));
    }
    const int room = swr_get_out_samples(swr.get(), frame ? frame->nb_samples : 0);
    if (room < 0) return absl::InvalidArgumentError("not audio: resampler failed");
    const size_t at = samples.size();
    samples.resize(at + room);
    uint8_t* out = reinterpret_cast<uint8_t*>(samples.data() + at);
    int got = swr_convert(swr.get(), &out, room,
                          frame ? const_cast<const uint8_t**>(frame->extended_data) : nullptr,
                          frame ? frame->nb_samples : 0);
    if (got < 0) return absl::InvalidArgumentError("not audio: resampling failed");
    samples.resize(at + got);
    if (samples.size() > max_samples) {
      return absl::OutOfRangeError(
          absl::StrCat("audio longer than the runner's limit of ", max_seconds, " s"));
    }
    return true;
  };
  if (absl::Status s = demuxer.Decode(convert); !s.ok()) return s;
  if (!swr) return absl::InvalidArgumentError("not audio: no audio frames decoded");
  if (absl::StatusOr<bool> flushed = convert(nullptr); !flushed.ok()) return flushed.status();
  return samples;
}

absl::StatusOr<RgbImage> DecodeImage(std::string_view bytes, size_t max_pixels) {
  if (bytes.empty()) return absl::InvalidArgumentError("not an image: empty file");
  MemoryDemuxer demuxer(bytes);
  if (absl::Status s =
          demuxer.Open(AVMEDIA_TYPE_VIDEO, "an image", transcode::kImageUploadDemuxers);
      !s.ok())
    return s;
  const AVCodecContext* decoder = demuxer.decoder();
  if (decoder->width <= 0 || decoder->height <= 0 ||
      static_cast<size_t>(decoder->width) * decoder->height > max_pixels) {
    return absl::InvalidArgumentError(absl::StrCat("image of ", decoder->width, "x",
                                                   decoder->height, " is over the limit of ",
                                                   max_pixels, " pixels"));
  }
  RgbImage image;
  absl::Status converted = absl::InvalidArgumentError("not an image: no frame decoded");
  auto take_first = [&](const AVFrame* frame) -> absl::StatusOr<bool> {
    if (frame->width <= 0 || frame->height <= 0 ||
        static_cast<size_t>(frame->width) * frame->height > max_pixels) {
      converted = absl::InvalidArgumentError("image frame over the pixel limit");
      return false;
    }
    std::unique_ptr<SwsContext, SwsFree> sws(sws_getContext(
        frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), frame->width,
        frame->height, AV_PIX_FMT_RGB24, SWS_BICUBIC, nullptr, nullptr, nullptr));
    if (!sws) {
      converted = absl::InvalidArgumentError("not an image: unsupported pixel format");
      return false;
    }
    image.width = frame->width;
    image.height = frame->height;
    image.pixels.resize(static_cast<size_t>(image.width) * image.height * 3);
    uint8_t* dst[4] = {image.pixels.data(), nullptr, nullptr, nullptr};
    int dst_stride[4] = {image.width * 3, 0, 0, 0};
    sws_scale(sws.get(), frame->data, frame->linesize, 0, frame->height, dst, dst_stride);
    converted = absl::OkStatus();
    return false;
  };
  if (absl::Status s = demuxer.Decode(take_first); !s.ok()) return s;
  if (!converted.ok()) return converted;
  return image;
}

absl::StatusOr<RgbImage> ScaleLanczos(const RgbImage& image, int width, int height) {
  if (width <= 0 || height <= 0) return absl::InvalidArgumentError("empty output size");
  std::unique_ptr<SwsContext, SwsFree> sws(sws_getContext(
      image.width, image.height, AV_PIX_FMT_RGB24, width, height, AV_PIX_FMT_RGB24,
      SWS_LANCZOS | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr, nullptr, nullptr));
  if (!sws) return absl::InternalError("cannot create the Lanczos scaler");
  RgbImage out;
  out.width = width;
  out.height = height;
  out.pixels.resize(static_cast<size_t>(width) * height * 3);
  const uint8_t* src[4] = {image.pixels.data(), nullptr, nullptr, nullptr};
  int src_stride[4] = {image.width * 3, 0, 0, 0};
  uint8_t* dst[4] = {out.pixels.data(), nullptr, nullptr, nullptr};
  int dst_stride[4] = {width * 3, 0, 0, 0};
  sws_scale(sws.get(), src, src_stride, 0, image.height, dst, dst_stride);
  return out;
}

absl::StatusOr<std::string> EncodePng(const RgbImage& image) {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
  if (codec == nullptr) return absl::InternalError("FFmpeg has no PNG encoder");
  transcode::CodecContextPtr encoder(avcodec_alloc_context3(codec));
  transcode::FramePtr frame = transcode::NewFrame();
  transcode::PacketPtr packet = transcode::NewPacket();
  if (!encoder || !frame || !packet) return absl::InternalError("out of memory");
  encoder->width = image.width;
  encoder->height = image.height;
  encoder->pix_fmt = AV_PIX_FMT_RGB24;
  encoder->time_base = {1, 1};
  if (int rc = avcodec_open2(encoder.get(), codec, nullptr); rc < 0) {
    return AvStatus(rc, "open PNG encoder");
  }
  frame->width = image.width;
  frame->height = image.height;
  frame->format = AV_PIX_FMT_RGB24;
  // The frame borrows the pixels: PNG encoding reads them synchronously.
  frame->data[0] = const_cast<uint8_t*>(image.pixels.data());
  frame->linesize[0] = image.width * 3;
  if (int rc = avcodec_send_frame(encoder.get(), frame.get()); rc < 0) {
    return AvStatus(rc, "encode PNG");
  }
  avcodec_send_frame(encoder.get(), nullptr);
  std::string png;
  while (avcodec_receive_packet(encoder.get(), packet.get()) >= 0) {
    png.append(reinterpret_cast<const char*>(packet->data), packet->size);
    av_packet_unref(packet.get());
  }
  frame->data[0] = nullptr;
  if (png.empty()) return absl::InternalError("PNG encoder produced nothing");
  return png;
}

std::string EncodeWav(const int16_t* samples, size_t count, int sample_rate) {
  const uint32_t data_bytes = static_cast<uint32_t>(count * 2);
  std::string wav;
  wav.reserve(44 + data_bytes);
  wav += "RIFF";
  PutLe32(wav, 36 + data_bytes);
  wav += "WAVEfmt ";
  PutLe32(wav, 16);           // fmt chunk size
  PutLe16(wav, 1);            // PCM
  PutLe16(wav, 1);            // mono
  PutLe32(wav, sample_rate);  // samples per second
  PutLe32(wav, sample_rate * 2);
  PutLe16(wav, 2);   // block align
  PutLe16(wav, 16);  // bits per sample
  wav += "data";
  PutLe32(wav, data_bytes);
  for (size_t i = 0; i < count; ++i) PutLe16(wav, static_cast<uint16_t>(samples[i]));
  return wav;
}

}  // namespace baton::runner

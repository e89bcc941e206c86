#include "transcode/audio_reencoder.h"

#include "absl/strings/str_cat.h"

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
}

namespace baton::transcode {
namespace {

constexpr int kSampleRate = 44100;

}  // namespace

absl::StatusOr<std::unique_ptr<AudioReencoder>> AudioReencoder::Create(
    const AVCodecParameters* source, AVRational source_time_base, bool global_header) {
  std::unique_ptr<AudioReencoder> r(new AudioReencoder());
  if (absl::Status s = r->Open(source, source_time_base, global_header); !s.ok()) return s;
  return r;
}

absl::Status AudioReencoder::Open(const AVCodecParameters* source, AVRational source_time_base,
                                  bool global_header) {
  const AVCodec* dec = avcodec_find_decoder(source->codec_id);
  if (dec == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported audio codec: ", avcodec_get_name(source->codec_id)));
  }
  decoder_.reset(avcodec_alloc_context3(dec));
  if (decoder_ == nullptr) return absl::ResourceExhaustedError("cannot allocate audio decoder");
  int rc = avcodec_parameters_to_context(decoder_.get(), source);
  if (rc < 0) return AvStatus(rc, "bad audio parameters");
  decoder_->pkt_timebase = source_time_base;
  rc = avcodec_open2(decoder_.get(), dec, nullptr);
  if (rc < 0) return AvStatus(rc, "cannot open audio decoder");

  const AVCodec* aac = avcodec_find_encoder(AV_CODEC_ID_AAC);
  if (aac == nullptr) return absl::UnimplementedError("no AAC encoder in this FFmpeg");
  encoder_.reset(avcodec_alloc_context3(aac));
  if (encoder_ == nullptr) return absl::ResourceExhaustedError("cannot allocate audio encoder");
  encoder_->sample_fmt = AV_SAMPLE_FMT_FLTP;
  encoder_->sample_rate = kSampleRate;
  encoder_->time_base = {1, kSampleRate};
  av_channel_layout_default(&encoder_->ch_layout, 2);
  if (global_header) encoder_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  rc = avcodec_open2(encoder_.get(), aac, nullptr);
  if (rc < 0) return AvStatus(rc, "cannot open AAC encoder");
  return BuildFilter(source_time_base);
}

absl::Status AudioReencoder::BuildFilter(AVRational source_time_base) {
  graph_.reset(avfilter_graph_alloc());
  if (graph_ == nullptr) return absl::ResourceExhaustedError("cannot allocate audio filters");
  char layout[128] = {};
  if (decoder_->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
    av_channel_layout_default(&decoder_->ch_layout, decoder_->ch_layout.nb_channels);
  }
  av_channel_layout_describe(&decoder_->ch_layout, layout, sizeof(layout));
  std::string args = absl::StrCat("time_base=", source_time_base.num, "/", source_time_base.den,
                                  ":sample_rate=", decoder_->sample_rate,
                                  ":sample_fmt=", av_get_sample_fmt_name(decoder_->sample_fmt),
                                  ":channel_layout=", layout);
  int rc = avfilter_graph_create_filter(&src_, avfilter_get_by_name("abuffer"), "in", args.c_str(),
                                        nullptr, graph_.get());
  if (rc < 0) return AvStatus(rc, "cannot create audio filter source");
  rc = avfilter_graph_create_filter(&sink_, avfilter_get_by_name("abuffersink"), "out", nullptr,
                                    nullptr, graph_.get());
  if (rc < 0) return AvStatus(rc, "cannot create audio filter sink");
  AVFilterInOut* outputs = avfilter_inout_alloc();
  AVFilterInOut* inputs = avfilter_inout_alloc();
  outputs->name = av_strdup("in");
  outputs->filter_ctx = src_;
  inputs->name = av_strdup("out");
  inputs->filter_ctx = sink_;
  const std::string chain = absl::StrCat("aformat=sample_fmts=fltp:sample_rates=", kSampleRate,
                                         ":channel_layouts=stereo");
  rc = avfilter_graph_parse_ptr(graph_.get(), chain.c_str(), &inputs, &outputs, nullptr);
  avfilter_inout_free(&inputs);
  avfilter_inout_free(&outputs);
  if (rc < 0) return AvStatus(rc, "cannot build audio filters");
  rc = avfilter_graph_config(graph_.get(), nullptr);
  if (rc < 0) return AvStatus(rc, "cannot configure audio filters");
  // AAC takes fixed-size frames (1024 samples); the sink cuts them for us.
  av_buffersink_set_frame_size(sink_, encoder_->frame_size);
  return absl::OkStatus();
}

absl::Status AudioReencoder::Add(const AVPacket* pkt, const PacketSink& sink) {
  int rc = avcodec_send_packet(decoder_.get(), pkt);
  if (rc < 0 && rc != AVERROR_INVALIDDATA && rc != AVERROR_EOF) {
    return AvStatus(rc, "audio decoding failed");
  }
  FramePtr frame = NewFrame();
  while (true) {
    rc = avcodec_receive_frame(decoder_.get(), frame.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) break;
    if (rc == AVERROR_INVALIDDATA) continue;  // a damaged packet costs its samples only
    if (rc < 0) return AvStatus(rc, "audio decoding failed");
    frame->pts = frame->best_effort_timestamp;
    rc = av_buffersrc_add_frame(src_, frame.get());
    if (rc < 0) return AvStatus(rc, "cannot filter audio");
    if (absl::Status s = PullFiltered(sink); !s.ok()) return s;
  }
  if (pkt != nullptr) return absl::OkStatus();
  rc = av_buffersrc_add_frame(src_, nullptr);
  if (rc < 0) return AvStatus(rc, "cannot flush audio filters");
  if (absl::Status s = PullFiltered(sink); !s.ok()) return s;
  rc = avcodec_send_frame(encoder_.get(), nullptr);
  if (rc < 0) return AvStatus(rc, "cannot flush audio encoder");
  return Drain(sink);
}

absl::Status AudioReencoder::PullFiltered(const PacketSink& sink) {
  FramePtr frame = NewFrame();
  while (true) {
    int rc = av_buffersink_get_frame(sink_, frame.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return absl::OkStatus();
    if (rc < 0) return AvStatus(rc, "audio filtering failed");
    if (frame->pts != AV_NOPTS_VALUE) {
      frame->pts =
          av_rescale_q(frame->pts, av_buffersink_get_time_base(sink_), encoder_->time_base);
    }
    rc = avcodec_send_frame(encoder_.get(), frame.get());
    av_frame_unref(frame.get());
    if (rc < 0) return AvStatus(rc, "audio encoding failed");
    if (absl::Status s = Drain(sink); !s.ok()) return s;
  }
}

absl::Status AudioReencoder::Drain(const PacketSink& sink) {
  PacketPtr pkt = NewPacket();
  while (true) {
    int rc = avcodec_receive_packet(encoder_.get(), pkt.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return absl::OkStatus();
    if (rc < 0) return AvStatus(rc, "audio encoding failed");
    if (absl::Status s = sink(pkt.get()); !s.ok()) return s;
    av_packet_unref(pkt.get());
  }
}

}  // namespace baton::transcode

#include "transcode/rendition.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "absl/strings/str_cat.h"

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
}

namespace baton::transcode {
namespace {

// An fps filter fed timestamps far apart could multiply frames without bound (LPMS's
// "Encoded frames runaway" guard uses the same ratio).
constexpr int64_t kMaxFramesPerInputFrame = 25;
constexpr int kMaxOutputDimension = 8192;

struct DictFree {
  void operator()(AVDictionary* d) const { av_dict_free(&d); }
};

// Whether a muxer can carry an audio codec copied as is. MPEG-TS has no codec query in
// FFmpeg 5.1, so its list is spelled out; other muxers answer 0 when they cannot.
bool ContainerCarries(const AVOutputFormat* format, AVCodecID codec) {
  if (std::string_view(format->name) == "mpegts") {
    for (AVCodecID ok :
         {AV_CODEC_ID_MP2, AV_CODEC_ID_MP3, AV_CODEC_ID_AAC, AV_CODEC_ID_AAC_LATM, AV_CODEC_ID_AC3,
          AV_CODEC_ID_EAC3, AV_CODEC_ID_DTS, AV_CODEC_ID_TRUEHD, AV_CODEC_ID_OPUS}) {
      if (codec == ok) return true;
    }
    return false;
  }
  return avformat_query_codec(format, codec, FF_COMPLIANCE_NORMAL) != 0;
}

bool IsVp(VideoCodec codec) { return codec == VideoCodec::kVp8 || codec == VideoCodec::kVp9; }

// x264/x265 options of doc/transcode.md 1.5 (LPMS's defaults), plus quiet x265 logging.
AVDictionary* EncoderOptions(const VideoProfile& p) {
  AVDictionary* opts = nullptr;
  if (!IsVp(p.codec)) {
    av_dict_set(&opts, "preset", "medium", 0);
    av_dict_set(&opts, "forced-idr", "1", 0);
  }
  if (p.codec == VideoCodec::kH265) av_dict_set(&opts, "x265-params", "log-level=error", 0);
  if (p.codec == VideoCodec::kH264) {
    switch (p.encoder_profile) {
      case EncoderProfile::kBaseline:
        av_dict_set(&opts, "profile", "baseline", 0);
        break;
      case EncoderProfile::kMain:
        av_dict_set(&opts, "profile", "main", 0);
        break;
      case EncoderProfile::kHigh:
      case EncoderProfile::kConstrainedHigh:
        av_dict_set(&opts, "profile", "high", 0);
        break;
      case EncoderProfile::kDefault:
        break;
    }
  }
  if (p.quality != 0) av_dict_set_int(&opts, "crf", p.quality, 0);
  return opts;
}

int BFrames(EncoderProfile profile) {
  return profile == EncoderProfile::kBaseline || profile == EncoderProfile::kConstrainedHigh ? 0
                                                                                             : 3;
}

}  // namespace

const char* Rendition::ContainerName(const VideoProfile& p) {
  // MPEG-TS cannot carry VP8/VP9 and FFmpeg 5.1's MP4 muxer has no VP8 tag; Matroska carries
  // both next to the copied audio (WebM would refuse AAC).
  if (p.codec == VideoCodec::kVp8) return "matroska";
  if (p.codec == VideoCodec::kVp9 && p.format == OutputFormat::kMpegts) return "matroska";
  return p.format == OutputFormat::kMp4 ? "mp4" : "mpegts";
}

const char* Rendition::EncoderName(VideoCodec codec) {
  switch (codec) {
    case VideoCodec::kH264:
      return "libx264";
    case VideoCodec::kH265:
      return "libx265";
    case VideoCodec::kVp8:
      return "libvpx";
    case VideoCodec::kVp9:
      return "libvpx-vp9";
  }
  return "";
}

Rendition::Rendition(const VideoProfile& profile, const SourceInfo& source, int encoder_threads)
    : profile_(profile), source_(source), encoder_threads_(std::max(1, encoder_threads)) {}

Rendition::~Rendition() {
  if (muxer_ != nullptr) {
    muxer_->pb = nullptr;  // the MemoryOutput frees its own buffer
    avformat_free_context(muxer_);
  }
}

absl::StatusOr<std::unique_ptr<Rendition>> Rendition::Create(const VideoProfile& profile,
                                                             const SourceInfo& source,
                                                             int encoder_threads) {
  if (absl::Status s = ValidateProfile(profile); !s.ok()) return s;
  if (avcodec_find_encoder_by_name(EncoderName(profile.codec)) == nullptr) {
    return absl::UnimplementedError(absl::StrCat("profile \"", profile.name, "\": encoder ",
                                                 EncoderName(profile.codec), " not available"));
  }
  if (IsVp(profile.codec) && profile.format == OutputFormat::kMpegts) {
    return absl::InvalidArgumentError(absl::StrCat("profile \"", profile.name,
                                                   "\": ", std::string(CodecName(profile.codec)),
                                                   " cannot be carried in MPEG-TS; use MP4"));
  }
  return std::unique_ptr<Rendition>(new Rendition(profile, source, encoder_threads));
}

absl::Status Rendition::Open(const AVFrame& first) {
  const FrameSize size = ComputeOutputSize({first.width, first.height},
                                           {profile_.width, profile_.height}, profile_.codec);
  if (size.width > kMaxOutputDimension || size.height > kMaxOutputDimension) {
    return absl::InvalidArgumentError(
        absl::StrCat("profile \"", profile_.name, "\": output ", size.width, "x", size.height,
                     " for a ", first.width, "x", first.height, " source is too large"));
  }
  if (absl::Status s = BuildFilter(first, size); !s.ok()) return s;
  if (absl::Status s = OpenEncoder(); !s.ok()) return s;
  if (absl::Status s = OpenMuxer(); !s.ok()) return s;
  opened_ = true;
  while (!early_audio_.empty()) {
    PacketPtr pkt = std::move(early_audio_.front());
    early_audio_.pop_front();
    if (absl::Status s = WriteAudio(pkt.get()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Rendition::BuildFilter(const AVFrame& first, FrameSize size) {
  graph_.reset(avfilter_graph_alloc());
  if (graph_ == nullptr) return absl::ResourceExhaustedError("cannot allocate filter graph");
  graph_->nb_threads = 1;  // parallelism comes from renditions and the encoder, not scale
  AVRational sar = first.sample_aspect_ratio.num > 0 ? first.sample_aspect_ratio : AVRational{1, 1};
  std::string src_args =
      absl::StrCat("video_size=", first.width, "x", first.height, ":pix_fmt=", first.format,
                   ":time_base=", source_.video_time_base.num, "/", source_.video_time_base.den,
                   ":pixel_aspect=", sar.num, "/", sar.den);
  int rc = avfilter_graph_create_filter(&buffer_src_, avfilter_get_by_name("buffer"), "in",
                                        src_args.c_str(), nullptr, graph_.get());
  if (rc < 0) return AvStatus(rc, "cannot create filter source");
  rc = avfilter_graph_create_filter(&buffer_sink_, avfilter_get_by_name("buffersink"), "out",
                                    nullptr, nullptr, graph_.get());
  if (rc < 0) return AvStatus(rc, "cannot create filter sink");
  const enum AVPixelFormat pix_fmts[] = {AV_PIX_FMT_YUV420P, AV_PIX_FMT_NONE};
  rc = av_opt_set_int_list(buffer_sink_, "pix_fmts", pix_fmts, AV_PIX_FMT_NONE,
                           AV_OPT_SEARCH_CHILDREN);
  if (rc < 0) return AvStatus(rc, "cannot set sink pixel format");

  // fps after scale, as LPMS does, so that duplicated frames are not scaled again.
  std::string chain = absl::StrCat("scale=", size.width, ":", size.height);
  if (!profile_.passthrough_fps()) {
    absl::StrAppend(&chain, ",fps=fps=", profile_.fps_num, "/", profile_.fps_den);
  }
  AVFilterInOut* outputs = avfilter_inout_alloc();
  AVFilterInOut* inputs = avfilter_inout_alloc();
  outputs->name = av_strdup("in");
  outputs->filter_ctx = buffer_src_;
  inputs->name = av_strdup("out");
  inputs->filter_ctx = buffer_sink_;
  rc = avfilter_graph_parse_ptr(graph_.get(), chain.c_str(), &inputs, &outputs, nullptr);
  avfilter_inout_free(&inputs);
  avfilter_inout_free(&outputs);
  if (rc < 0) return AvStatus(rc, "cannot build filter graph");
  return AvStatus(avfilter_graph_config(graph_.get(), nullptr), "cannot configure filters");
}

absl::Status Rendition::OpenEncoder() {
  const AVCodec* codec = avcodec_find_encoder_by_name(EncoderName(profile_.codec));
  encoder_.reset(avcodec_alloc_context3(codec));
  if (encoder_ == nullptr) return absl::ResourceExhaustedError("cannot allocate encoder");
  AVCodecContext* enc = encoder_.get();
  enc->width = av_buffersink_get_w(buffer_sink_);
  enc->height = av_buffersink_get_h(buffer_sink_);
  enc->pix_fmt = static_cast<AVPixelFormat>(av_buffersink_get_format(buffer_sink_));
  enc->sample_aspect_ratio = av_buffersink_get_sample_aspect_ratio(buffer_sink_);
  enc->time_base = av_buffersink_get_time_base(buffer_sink_);
  enc->framerate = profile_.passthrough_fps() ? source_.video_frame_rate
                                              : AVRational{profile_.fps_num, profile_.fps_den};
  if (enc->framerate.num <= 0) enc->framerate = {30, 1};
  // ABR with VBV maxrate = bufsize = bitrate (a one-second buffer), as LPMS configures it.
  enc->bit_rate = enc->rc_min_rate = enc->rc_max_rate = profile_.bitrate_bps;
  enc->rc_buffer_size = static_cast<int>(std::min<int64_t>(profile_.bitrate_bps, INT32_MAX));
  enc->max_b_frames = BFrames(profile_.encoder_profile);
  if (profile_.gop_ms == kGopIntraOnly) {
    enc->gop_size = 1;
  } else if (profile_.gop_ms > 0 && !profile_.passthrough_fps()) {
    // LPMS ignores the rate's denominator here; we use the real rate.
    const double frames = profile_.gop_ms / 1000.0 * profile_.fps_num / profile_.fps_den;
    enc->gop_size = std::max(1, static_cast<int>(std::lround(frames)));
  }
  // Threads sized to the rendition: x264 gains little from frame threads on small frames and
  // each one holds frames of its own. About one thread per 640x360 of output, within the
  // session's share of the cores.
  const int64_t pixels = static_cast<int64_t>(enc->width) * enc->height;
  enc->thread_count =
      std::clamp(static_cast<int>(pixels / (640 * 360)), 1, std::max(1, encoder_threads_));
  if (std::string_view(ContainerName(profile_)) != "mpegts") {
    enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  }
  std::unique_ptr<AVDictionary, DictFree> opts(EncoderOptions(profile_));
  AVDictionary* raw = opts.release();
  // x264's lookahead holds whole frames with their half-size copies (40 with preset medium,
  // most of an encoder's memory at any size: ~25 MB at 240p): 20 frames (as x264's "faster"
  // preset; a third of a 2 s segment at 30 fps) halve it at a small cost in quality.
  if (profile_.codec == VideoCodec::kH264) av_dict_set(&raw, "rc-lookahead", "20", 0);
  int rc = avcodec_open2(enc, codec, &raw);
  av_dict_free(&raw);
  return AvStatus(
      rc, absl::StrCat("profile \"", profile_.name, "\": cannot open encoder ", codec->name));
}

absl::Status Rendition::OpenMuxer() {
  const char* format_name = ContainerName(profile_);
  int rc = avformat_alloc_output_context2(&muxer_, nullptr, format_name, nullptr);
  if (rc < 0) return AvStatus(rc, "cannot create muxer");
  if (absl::Status s = output_.AttachTo(muxer_); !s.ok()) return s;
  video_stream_ = avformat_new_stream(muxer_, nullptr);
  if (video_stream_ == nullptr) return absl::ResourceExhaustedError("cannot add video stream");
  rc = avcodec_parameters_from_context(video_stream_->codecpar, encoder_.get());
  if (rc < 0) return AvStatus(rc, "cannot set video stream parameters");
  video_stream_->time_base = encoder_->time_base;
  video_stream_->avg_frame_rate = encoder_->framerate;
  if (source_.audio != nullptr) {
    audio_stream_ = avformat_new_stream(muxer_, nullptr);
    if (audio_stream_ == nullptr) return absl::ResourceExhaustedError("cannot add audio stream");
    if (ContainerCarries(muxer_->oformat, source_.audio->codec_id)) {
      rc = avcodec_parameters_copy(audio_stream_->codecpar, source_.audio);
      if (rc < 0) return AvStatus(rc, "cannot copy audio parameters");
      audio_stream_->codecpar->codec_tag = 0;  // let the output container choose its own tag
      audio_stream_->time_base = source_.audio_time_base;
    } else {
      auto reencoder = AudioReencoder::Create(source_.audio, source_.audio_time_base,
                                              muxer_->oformat->flags & AVFMT_GLOBALHEADER);
      if (!reencoder.ok()) return reencoder.status();
      audio_reencoder_ = *std::move(reencoder);
      rc = avcodec_parameters_from_context(audio_stream_->codecpar, audio_reencoder_->encoder());
      if (rc < 0) return AvStatus(rc, "cannot set audio stream parameters");
      audio_stream_->time_base = audio_reencoder_->encoder()->time_base;
    }
  }
  AVDictionary* opts = nullptr;
  if (std::string_view(format_name) == "mp4") av_dict_set(&opts, "movflags", "faststart", 0);
  rc = avformat_write_header(muxer_, &opts);
  av_dict_free(&opts);
  if (rc < 0) return AvStatus(rc, absl::StrCat("profile \"", profile_.name, "\": cannot mux"));
  header_written_ = true;
  return absl::OkStatus();
}

absl::Status Rendition::AddVideoFrame(const AVFrame& frame) {
  if (!opened_) {
    if (absl::Status s = Open(frame); !s.ok()) return s;
  }
  ++input_frames_;
  int64_t duration = frame.pkt_duration;
  if (duration <= 0 && source_.video_frame_rate.num > 0) {
    duration = av_rescale_q(1, av_inv_q(source_.video_frame_rate), source_.video_time_base);
  }
  end_pts_ = frame.pts + std::max<int64_t>(duration, 1);
  // KEEP_REF: the same decoded frame feeds every rendition.
  int rc = av_buffersrc_add_frame_flags(buffer_src_, const_cast<AVFrame*>(&frame),
                                        AV_BUFFERSRC_FLAG_KEEP_REF);
  if (rc < 0) return AvStatus(rc, "cannot filter frame");
  return PullFiltered();
}

absl::Status Rendition::PullFiltered() {
  FramePtr frame = NewFrame();
  while (true) {
    int rc = av_buffersink_get_frame(buffer_sink_, frame.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return absl::OkStatus();
    if (rc < 0) return AvStatus(rc, "filtering failed");
    absl::Status s = Encode(frame.get());
    av_frame_unref(frame.get());
    if (!s.ok()) return s;
  }
}

absl::Status Rendition::Encode(AVFrame* frame) {
  frame->pict_type = AV_PICTURE_TYPE_NONE;
  if (encoded_frames_ == 0) frame->pict_type = AV_PICTURE_TYPE_I;  // each segment opens on IDR
  if (profile_.passthrough_fps() && profile_.gop_ms > 0) {
    // No fixed rate to turn the GOP into a frame count, so keyframes are forced by time.
    const int64_t gop = av_rescale_q(profile_.gop_ms, {1, 1000}, encoder_->time_base);
    if (next_keyframe_pts_ == AV_NOPTS_VALUE || frame->pts >= next_keyframe_pts_) {
      frame->pict_type = AV_PICTURE_TYPE_I;
      next_keyframe_pts_ = frame->pts + std::max<int64_t>(1, gop);
    }
  }
  int rc = avcodec_send_frame(encoder_.get(), frame);
  if (rc < 0) return AvStatus(rc, absl::StrCat("profile \"", profile_.name, "\": encoding failed"));
  ++encoded_frames_;
  if (encoded_frames_ > kMaxFramesPerInputFrame * input_frames_) {
    return absl::InvalidArgumentError("Encoded frames runaway: input timestamps too far apart");
  }
  return WriteEncoded();
}

absl::Status Rendition::WriteEncoded() {
  PacketPtr pkt = NewPacket();
  while (true) {
    int rc = avcodec_receive_packet(encoder_.get(), pkt.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return absl::OkStatus();
    if (rc < 0) return AvStatus(rc, "encoding failed");
    av_packet_rescale_ts(pkt.get(), encoder_->time_base, video_stream_->time_base);
    pkt->stream_index = video_stream_->index;
    if (absl::Status s = Mux(pkt.get(), last_video_dts_); !s.ok()) return s;
  }
}

absl::Status Rendition::AddAudioPacket(const AVPacket& pkt) {
  PacketPtr copy(av_packet_clone(&pkt));
  if (copy == nullptr) return absl::ResourceExhaustedError("cannot copy audio packet");
  if (!opened_) {
    early_audio_.push_back(std::move(copy));
    return absl::OkStatus();
  }
  return WriteAudio(copy.get());
}

absl::Status Rendition::WriteAudio(AVPacket* pkt) {
  if (audio_stream_ == nullptr) return absl::OkStatus();
  if (audio_reencoder_ != nullptr) return audio_reencoder_->Add(pkt, EncodedAudioSink());
  av_packet_rescale_ts(pkt, source_.audio_time_base, audio_stream_->time_base);
  pkt->stream_index = audio_stream_->index;
  pkt->pos = -1;
  return Mux(pkt, last_audio_dts_);
}

AudioReencoder::PacketSink Rendition::EncodedAudioSink() {
  return [this](AVPacket* pkt) {
    av_packet_rescale_ts(pkt, audio_reencoder_->encoder()->time_base, audio_stream_->time_base);
    pkt->stream_index = audio_stream_->index;
    return Mux(pkt, last_audio_dts_);
  };
}

absl::Status Rendition::Mux(AVPacket* pkt, int64_t& last_dts) {
  // Muxers refuse non-increasing dts; nudge them forward as LPMS's mux guard does.
  if (pkt->dts != AV_NOPTS_VALUE && last_dts != AV_NOPTS_VALUE && pkt->dts <= last_dts) {
    pkt->dts = last_dts + 1;
    if (pkt->pts != AV_NOPTS_VALUE && pkt->pts < pkt->dts) pkt->pts = pkt->dts;
  }
  if (pkt->dts != AV_NOPTS_VALUE) last_dts = pkt->dts;
  int rc = av_interleaved_write_frame(muxer_, pkt);  // takes the packet's reference
  return AvStatus(rc, absl::StrCat("profile \"", profile_.name, "\": muxing failed"));
}

absl::StatusOr<RenditionOutput> Rendition::Finish() {
  if (!opened_) return absl::InvalidArgumentError("invalid video: no video frames in segment");
  // EOF at the end of the last frame (not its start), so the fps filter emits the frames that
  // fall within the last frame's duration and consecutive segments join without a gap.
  int rc = av_buffersrc_close(buffer_src_, end_pts_, AV_BUFFERSRC_FLAG_PUSH);
  if (rc < 0) return AvStatus(rc, "cannot flush filters");
  if (absl::Status s = PullFiltered(); !s.ok()) return s;
  rc = avcodec_send_frame(encoder_.get(), nullptr);
  if (rc < 0) return AvStatus(rc, "cannot flush encoder");
  if (absl::Status s = WriteEncoded(); !s.ok()) return s;
  if (audio_reencoder_ != nullptr) {
    if (absl::Status s = audio_reencoder_->Add(nullptr, EncodedAudioSink()); !s.ok()) return s;
  }
  rc = av_write_trailer(muxer_);
  if (rc < 0) return AvStatus(rc, absl::StrCat("profile \"", profile_.name, "\": muxing failed"));
  RenditionOutput out;
  out.width = encoder_->width;
  out.height = encoder_->height;
  out.frames = encoded_frames_;
  out.pixels = encoded_frames_ * out.width * out.height;
  out.container = ContainerName(profile_);
  out.bytes = output_.TakeBytes();
  return out;
}

}  // namespace baton::transcode

#include "transcode/segment_decoder.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "transcode/av_util.h"

extern "C" {
#include <libavutil/dict.h>
#include <libavutil/mathematics.h>
}

namespace baton::transcode {

SegmentDecoder::SegmentDecoder(std::string_view bytes, const SegmentGuard& guard)
    : input_(bytes), guard_(guard) {}

SegmentDecoder::~SegmentDecoder() {
  avcodec_free_context(&video_decoder_);
  avformat_close_input(&format_);
}

absl::StatusOr<std::unique_ptr<SegmentDecoder>> SegmentDecoder::Open(std::string_view bytes,
                                                                     int threads,
                                                                     const SegmentGuard& guard) {
  if (bytes.empty()) return absl::InvalidArgumentError("empty segment: no data");
  std::unique_ptr<SegmentDecoder> decoder(new SegmentDecoder(bytes, guard));
  if (absl::Status s = decoder->Probe(); !s.ok()) return s;
  if (absl::Status s = decoder->OpenVideoDecoder(threads); !s.ok()) return s;
  return decoder;
}

absl::Status SegmentDecoder::Probe() {
  if (input_.avio() == nullptr) return absl::ResourceExhaustedError("cannot allocate input");
  format_ = avformat_alloc_context();
  if (format_ == nullptr) return absl::ResourceExhaustedError("cannot allocate demuxer");
  format_->pb = input_.avio();
  format_->flags |= AVFMT_FLAG_CUSTOM_IO;
  format_->interrupt_callback = {&SegmentDecoder::Interrupted, this};
  // Nothing may be opened but the bytes in memory: io_open refuses every URL, and the
  // whitelists (copied into any nested demuxer) name no protocol and only our demuxers.
  format_->io_open = &RefuseNestedOpen;
  format_->protocol_whitelist = av_strdup("");
  format_->format_whitelist = av_strdup(kDemuxerWhitelist);
  if (format_->protocol_whitelist == nullptr || format_->format_whitelist == nullptr) {
    return absl::ResourceExhaustedError("cannot allocate demuxer");
  }
  // Probe here rather than in avformat_open_input so that a refused container gets a message
  // naming it. Probing only reads the buffer; no demuxer code runs yet.
  const AVInputFormat* container = nullptr;
  int rc = av_probe_input_buffer2(format_->pb, &container, "", format_, 0, 0);
  if (rc < 0 || container == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("not a media file: ", AvErrorText(rc)));
  }
  if (!DemuxerAllowed(container->name)) {
    return absl::InvalidArgumentError(absl::StrCat("unsupported container \"", container->name,
                                                   "\": a segment must be ", kAcceptedContainers));
  }
  rc = avformat_open_input(&format_, "", container, nullptr);  // frees format_ on error
  if (rc < 0) {
    return absl::InvalidArgumentError(absl::StrCat("not a media file: ", AvErrorText(rc)));
  }
  // Containers with headers (MP4, Matroska, FLV) declare the frame size before any decoding.
  for (unsigned i = 0; i < format_->nb_streams; ++i) {
    const AVCodecParameters* par = format_->streams[i]->codecpar;
    if (par->codec_type != AVMEDIA_TYPE_VIDEO) continue;
    if (absl::Status s = guard_.CheckFrameSize(par->width, par->height); !s.ok()) return s;
  }
  // Probing decodes a few frames; the decoders it opens get the frame-size limit too.
  std::vector<AVDictionary*> probe_options(format_->nb_streams, nullptr);
  for (AVDictionary*& options : probe_options) {
    av_dict_set_int(&options, "max_pixels", guard_.limits.max_pixels, 0);
  }
  rc = avformat_find_stream_info(format_, probe_options.data());
  for (AVDictionary*& options : probe_options) av_dict_free(&options);
  if (guard_.Expired()) return guard_.DeadlineExceeded();
  if (rc < 0) return AvStatus(rc, "cannot read stream info");
  if (format_->duration != AV_NOPTS_VALUE &&
      format_->duration > kMaxDurationMs * (AV_TIME_BASE / 1000)) {
    return absl::InvalidArgumentError(
        absl::StrCat("segment too long: ", format_->duration / AV_TIME_BASE, " s (limit 300 s)"));
  }
  video_index_ = av_find_best_stream(format_, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (video_index_ < 0) {
    return absl::InvalidArgumentError("invalid video: the segment has no video stream");
  }
  audio_index_ = av_find_best_stream(format_, AVMEDIA_TYPE_AUDIO, -1, video_index_, nullptr, 0);
  const AVStream* video = format_->streams[video_index_];
  if (absl::Status s = guard_.CheckFrameSize(video->codecpar->width, video->codecpar->height);
      !s.ok()) {
    return s;
  }
  source_.video_time_base = video->time_base;
  source_.video_frame_rate =
      video->r_frame_rate.num > 0 ? video->r_frame_rate : video->avg_frame_rate;
  source_.video_start_pts = video->start_time;
  if (audio_index_ >= 0) {
    source_.audio = format_->streams[audio_index_]->codecpar;
    source_.audio_time_base = format_->streams[audio_index_]->time_base;
  }
  return absl::OkStatus();
}

absl::Status SegmentDecoder::OpenVideoDecoder(int threads) {
  const AVCodecParameters* par = format_->streams[video_index_]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (codec == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported input codec: ", avcodec_get_name(par->codec_id)));
  }
  video_decoder_ = avcodec_alloc_context3(codec);
  if (video_decoder_ == nullptr) return absl::ResourceExhaustedError("cannot allocate decoder");
  int rc = avcodec_parameters_to_context(video_decoder_, par);
  if (rc < 0) return AvStatus(rc, "bad video parameters");
  video_decoder_->pkt_timebase = format_->streams[video_index_]->time_base;
  // The decoder refuses to allocate a larger frame (the stream parameters may understate it).
  video_decoder_->max_pixels = guard_.limits.max_pixels;
  // x264's lookahead holds back most encoding until the decoder has delivered ~40 frames, so
  // early on the decoder is the bottleneck: give it the session's threads.
  video_decoder_->thread_count = std::max(1, threads);
  rc = avcodec_open2(video_decoder_, codec, nullptr);
  return AvStatus(rc, "cannot open video decoder");
}

void SegmentDecoder::RepairTimestamp(AVFrame& frame) {
  int64_t pts = frame.best_effort_timestamp;
  if (pts == AV_NOPTS_VALUE) pts = frame.pts;
  int64_t step = frame.pkt_duration;
  if (step <= 0 && source_.video_frame_rate.num > 0) {
    step = av_rescale_q(1, av_inv_q(source_.video_frame_rate), source_.video_time_base);
  }
  if (step <= 0) step = 1;
  if (pts == AV_NOPTS_VALUE) pts = last_pts_ == AV_NOPTS_VALUE ? 0 : last_pts_ + step;
  if (last_pts_ != AV_NOPTS_VALUE && pts <= last_pts_) pts = last_pts_ + 1;
  frame.pts = pts;
  last_pts_ = pts;
}

int SegmentDecoder::Interrupted(void* opaque) {
  return static_cast<SegmentDecoder*>(opaque)->guard_.Expired() ? 1 : 0;
}

absl::Status SegmentDecoder::DecodeError(int rc) const {
  // A frame over max_pixels fails inside the decoder; say which limit it hit.
  if (absl::Status s = guard_.CheckFrameSize(video_decoder_->width, video_decoder_->height);
      !s.ok()) {
    return s;
  }
  return AvStatus(rc, "video decoding failed");
}

absl::Status SegmentDecoder::DecodePacket(const AVPacket* pkt, SegmentSink& sink) {
  int rc = avcodec_send_packet(video_decoder_, pkt);
  // The decoder knows the coded size once it has parsed the headers, before any frame.
  if (absl::Status s = guard_.CheckFrameSize(video_decoder_->width, video_decoder_->height);
      !s.ok()) {
    return s;
  }
  // Corrupt data is skipped like the FFmpeg CLI does; the frames around it still count.
  if (rc < 0 && rc != AVERROR(EAGAIN) && rc != AVERROR_EOF && rc != AVERROR_INVALIDDATA) {
    return DecodeError(rc);
  }
  FramePtr frame = NewFrame();
  while (true) {
    rc = avcodec_receive_frame(video_decoder_, frame.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return absl::OkStatus();
    if (rc == AVERROR_INVALIDDATA) continue;
    if (rc < 0) return DecodeError(rc);
    RepairTimestamp(*frame);
    if (frame->width > 0 && frame->height > 0) {
      if (absl::Status s = guard_.CheckFrameSize(frame->width, frame->height); !s.ok()) return s;
      if (decoded_frames_ >= guard_.max_frames()) return guard_.TooManyFrames();
      if (guard_.Expired()) return guard_.DeadlineExceeded();
      ++decoded_frames_;
      decoded_pixels_ += static_cast<int64_t>(frame->width) * frame->height;
      if (absl::Status s = sink.OnVideoFrame(*frame); !s.ok()) return s;
    }
    av_frame_unref(frame.get());
  }
}

absl::Status SegmentDecoder::Run(SegmentSink& sink) {
  PacketPtr pkt = NewPacket();
  while (true) {
    if (guard_.Expired()) return guard_.DeadlineExceeded();
    int rc = av_read_frame(format_, pkt.get());
    if (rc == AVERROR_EOF) break;
    // A truncated or damaged tail ends the segment; what was read so far is still used.
    if (rc < 0) break;
    absl::Status s;
    if (pkt->stream_index == video_index_) {
      ++video_packets_;
      if (pkt->flags & AV_PKT_FLAG_KEY) saw_keyframe_ = true;
      if (saw_keyframe_) s = DecodePacket(pkt.get(), sink);
    } else if (pkt->stream_index == audio_index_) {
      s = sink.OnAudioPacket(*pkt);
    }
    av_packet_unref(pkt.get());
    if (!s.ok()) return s;
  }
  if (guard_.Expired()) return guard_.DeadlineExceeded();  // the demuxer was interrupted
  if (video_packets_ == 0) {
    return absl::InvalidArgumentError("invalid video: the video stream has no frames");
  }
  if (!saw_keyframe_) return absl::InvalidArgumentError("No keyframes in input");
  if (absl::Status s = DecodePacket(nullptr, sink); !s.ok()) return s;
  if (decoded_frames_ == 0) {
    return absl::InvalidArgumentError("invalid video: no decodable video frames in segment");
  }
  return absl::OkStatus();
}

}  // namespace baton::transcode

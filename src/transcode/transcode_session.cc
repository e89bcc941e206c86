#include "transcode/transcode_session.h"

#include <algorithm>
#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "transcode/rendition.h"
#include "transcode/rendition_worker.h"
#include "transcode/segment_decoder.h"

extern "C" {
#include <libavutil/mathematics.h>
}

namespace baton::transcode {
namespace {

// Relative encoding cost of a profile: output pixels per second.
double PixelRate(const VideoProfile& p, const SourceInfo& source) {
  double w = p.width > 0 ? p.width : p.height * 16.0 / 9;
  double h = p.height > 0 ? p.height : p.width * 9.0 / 16;
  double fps = p.passthrough_fps() ? av_q2d(source.video_frame_rate) : 1.0 * p.fps_num / p.fps_den;
  if (fps <= 0) fps = 30;
  return std::max(1.0, w * h * fps);
}

// Assigns renditions to `workers` groups, heaviest first onto the lightest group, so the
// groups finish at about the same time.
std::vector<int> BalanceGroups(const std::vector<VideoProfile>& profiles, const SourceInfo& source,
                               int workers) {
  std::vector<size_t> order(profiles.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return PixelRate(profiles[a], source) > PixelRate(profiles[b], source);
  });
  std::vector<double> load(workers, 0);
  std::vector<int> group(profiles.size(), 0);
  for (size_t i : order) {
    int lightest = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    group[i] = lightest;
    load[lightest] += PixelRate(profiles[i], source);
  }
  return group;
}

// Applies the clip window and hands frames and audio to the workers.
class SegmentFanOut : public SegmentSink {
 public:
  SegmentFanOut(const SourceInfo& source, const SegmentInput& input,
                std::vector<std::unique_ptr<RenditionWorker>>& workers)
      : source_(source), workers_(workers) {
    if (!input.clip_from_ms && !input.clip_to_ms) return;
    clipping_ = true;
    const int64_t start = source.video_start_pts == AV_NOPTS_VALUE ? 0 : source.video_start_pts;
    clip_offset_ =
        start + av_rescale_q(input.clip_from_ms.value_or(0), {1, 1000}, source.video_time_base);
    if (input.clip_to_ms.value_or(0) > 0) {
      clip_end_ = start + av_rescale_q(*input.clip_to_ms, {1, 1000}, source.video_time_base);
    }
    audio_offset_ = av_rescale_q(clip_offset_, source.video_time_base, source.audio_time_base);
    if (clip_end_ != std::numeric_limits<int64_t>::max()) {
      audio_end_ = av_rescale_q(clip_end_, source.video_time_base, source.audio_time_base);
    }
  }

  absl::Status OnVideoFrame(const AVFrame& frame) override {
    if (!clipping_) {
      for (auto& worker : workers_) worker->PushFrame(frame);
      return absl::OkStatus();
    }
    if (frame.pts < clip_offset_ || frame.pts >= clip_end_) return absl::OkStatus();
    FramePtr rebased(av_frame_clone(&frame));
    if (rebased == nullptr) return absl::ResourceExhaustedError("cannot reference frame");
    rebased->pts -= clip_offset_;
    for (auto& worker : workers_) worker->PushFrame(*rebased);
    return absl::OkStatus();
  }

  absl::Status OnAudioPacket(const AVPacket& pkt) override {
    if (source_.audio == nullptr) return absl::OkStatus();
    if (!clipping_) {
      for (auto& worker : workers_) worker->PushAudio(pkt);
      return absl::OkStatus();
    }
    if (pkt.pts == AV_NOPTS_VALUE || pkt.pts < audio_offset_ || pkt.pts >= audio_end_) {
      return absl::OkStatus();
    }
    PacketPtr rebased(av_packet_clone(&pkt));
    if (rebased == nullptr) return absl::ResourceExhaustedError("cannot reference packet");
    rebased->pts -= audio_offset_;
    if (rebased->dts != AV_NOPTS_VALUE) rebased->dts -= audio_offset_;
    for (auto& worker : workers_) worker->PushAudio(*rebased);
    return absl::OkStatus();
  }

 private:
  const SourceInfo& source_;
  std::vector<std::unique_ptr<RenditionWorker>>& workers_;
  bool clipping_ = false;
  int64_t clip_offset_ = 0;
  int64_t clip_end_ = std::numeric_limits<int64_t>::max();
  int64_t audio_offset_ = 0;
  int64_t audio_end_ = std::numeric_limits<int64_t>::max();
};

absl::Status CheckRequest(const SegmentInput& input, const std::vector<VideoProfile>& profiles) {
  if (profiles.empty()) return absl::InvalidArgumentError("no output profiles requested");
  if (profiles.size() > TranscodeSession::kMaxOutputs) {
    return absl::InvalidArgumentError(absl::StrCat("Too many outputs: ", profiles.size(),
                                                   " (limit ", TranscodeSession::kMaxOutputs, ")"));
  }
  for (const VideoProfile& p : profiles) {
    if (absl::Status s = ValidateProfile(p); !s.ok()) return s;
  }
  if (input.duration_ms < 0 || input.duration_ms > SegmentDecoder::kMaxDurationMs) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid duration ", input.duration_ms, " ms (limit 300 s)"));
  }
  const int64_t from = input.clip_from_ms.value_or(0);
  const int64_t to = input.clip_to_ms.value_or(0);
  if (from < 0 || to < 0 || (to > 0 && to <= from)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid clip: from ", from, " ms to ", to, " ms"));
  }
  return absl::OkStatus();
}

}  // namespace

TranscodeSession::TranscodeSession(ThreadBudget* budget, const SourceLimits& limits)
    : budget_(budget), limits_(limits) {}

absl::StatusOr<TranscodeResult> TranscodeSession::Transcode(
    const SegmentInput& input, const std::vector<VideoProfile>& profiles) {
  if (absl::Status s = CheckRequest(input, profiles); !s.ok()) return s;
  // The deadline counts from here: waiting for threads is part of the segment's time.
  const SegmentGuard guard = SegmentGuard::Start(limits_, input.duration_ms);
  ThreadBudget::Lease lease = budget_->Acquire();
  absl::StatusOr<std::unique_ptr<SegmentDecoder>> decoder =
      SegmentDecoder::Open(input.bytes, lease.threads(), guard);
  if (!decoder.ok()) return decoder.status();
  const SourceInfo& source = (*decoder)->source();

  const int renditions = static_cast<int>(profiles.size());
  const int worker_count = std::min(lease.threads(), renditions);
  const int encoder_threads = std::max(1, lease.threads() / renditions);
  std::vector<std::unique_ptr<RenditionWorker>> workers;
  for (int i = 0; i < worker_count; ++i) {
    workers.push_back(std::make_unique<RenditionWorker>(/*threaded=*/worker_count > 1, &guard));
  }
  std::vector<int> group = BalanceGroups(profiles, source, worker_count);
  for (size_t i = 0; i < profiles.size(); ++i) {
    auto rendition = Rendition::Create(profiles[i], source, encoder_threads);
    if (!rendition.ok()) return rendition.status();
    workers[group[i]]->Add(i, *std::move(rendition));
  }

  SegmentFanOut fan_out(source, input, workers);
  if (absl::Status s = (*decoder)->Run(fan_out); !s.ok()) return s;  // workers abort
  TranscodeResult result;
  std::vector<RenditionOutput> outputs(profiles.size());
  absl::Status first_error;
  for (auto& worker : workers) worker->EndInput();  // all flush in parallel
  for (auto& worker : workers) {
    absl::Status s = worker->Finish(outputs);
    if (first_error.ok()) first_error = s;
  }
  if (!first_error.ok()) return first_error;
  // Flushing the encoders is the last stretch of work; a result past the deadline is one the
  // gateway has stopped waiting for.
  if (guard.Expired()) return guard.DeadlineExceeded();
  result.decoded_frames = (*decoder)->decoded_frames();
  result.decoded_pixels = (*decoder)->decoded_pixels();
  for (RenditionOutput& out : outputs) {
    result.renditions.push_back(
        {std::move(out.bytes), out.container, out.width, out.height, out.frames, out.pixels});
  }
  ++segments_done_;
  return result;
}

}  // namespace baton::transcode

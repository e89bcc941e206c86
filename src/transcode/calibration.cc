#include "transcode/calibration.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "transcode/av_util.h"
#include "transcode/memory_io.h"
#include "transcode/thread_priority.h"
#include "transcode/transcode_session.h"

extern "C" {
#include <libavutil/opt.h>
}

namespace baton::transcode {
namespace {

struct FormatFree {
  void operator()(AVFormatContext* f) const {
    f->pb = nullptr;  // owned by the MemoryOutput
    avformat_free_context(f);
  }
};

// A textured pattern that pans and changes a little every frame: detail and motion for the
// encoders' motion search, like camera footage rather than a flat test card.
void Paint(AVFrame* frame, int t) {
  for (int y = 0; y < frame->height; ++y) {
    uint8_t* row = frame->data[0] + y * frame->linesize[0];
    for (int x = 0; x < frame->width; ++x) {
      const uint32_t cell =
          static_cast<uint32_t>(((x + 3 * t) >> 3) * 7919 + ((y + t) >> 3) * 104729);
      const uint32_t noise = (cell * 2654435761u) >> 27;
      row[x] = static_cast<uint8_t>(((x + y + 2 * t) & 0xff) / 2 + noise * 3 + ((x * y + t) & 7));
    }
  }
  for (int plane = 1; plane < 3; ++plane) {
    for (int y = 0; y < frame->height / 2; ++y) {
      uint8_t* row = frame->data[plane] + y * frame->linesize[plane];
      for (int x = 0; x < frame->width / 2; ++x)
        row[x] = static_cast<uint8_t>(plane == 1 ? (x + t) & 0xff : (y * 2 + t) & 0xff);
    }
  }
}

absl::Status Drain(AVCodecContext* enc, AVFormatContext* mux, AVStream* stream) {
  PacketPtr pkt = NewPacket();
  while (true) {
    int rc = avcodec_receive_packet(enc, pkt.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return absl::OkStatus();
    if (rc < 0) return AvStatus(rc, "calibration clip: encoding failed");
    av_packet_rescale_ts(pkt.get(), enc->time_base, stream->time_base);
    pkt->stream_index = stream->index;
    rc = av_interleaved_write_frame(mux, pkt.get());
    if (rc < 0) return AvStatus(rc, "calibration clip: muxing failed");
  }
}

std::vector<VideoProfile> DefaultLadder() {
  std::vector<VideoProfile> ladder;
  for (const char* name : {"P240p30fps16x9", "P360p30fps16x9"}) ladder.push_back(*FindPreset(name));
  return ladder;
}

}  // namespace

double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

absl::StatusOr<std::string> GenerateCalibrationClip(const CalibrationClip& clip) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (codec == nullptr) return absl::UnavailableError("calibration clip: libx264 not available");
  CodecContextPtr enc(avcodec_alloc_context3(codec));
  if (enc == nullptr) return absl::ResourceExhaustedError("calibration clip: no encoder");
  enc->width = clip.width;
  enc->height = clip.height;
  enc->pix_fmt = AV_PIX_FMT_YUV420P;
  enc->time_base = {1, clip.fps};
  enc->framerate = {clip.fps, 1};
  enc->gop_size = static_cast<int>(clip.fps * clip.seconds);
  enc->max_b_frames = 0;
  enc->bit_rate = 4'000'000;
  enc->thread_count = 1;
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "preset", "ultrafast", 0);  // the clip is input, not what is measured
  int rc = avcodec_open2(enc.get(), codec, &opts);
  av_dict_free(&opts);
  if (rc < 0) return AvStatus(rc, "calibration clip: cannot open libx264");

  AVFormatContext* raw = nullptr;
  rc = avformat_alloc_output_context2(&raw, nullptr, "mpegts", nullptr);
  if (rc < 0) return AvStatus(rc, "calibration clip: no muxer");
  std::unique_ptr<AVFormatContext, FormatFree> mux(raw);
  MemoryOutput output;
  if (absl::Status s = output.AttachTo(mux.get()); !s.ok()) return s;
  AVStream* stream = avformat_new_stream(mux.get(), nullptr);
  if (stream == nullptr) return absl::ResourceExhaustedError("calibration clip: no stream");
  rc = avcodec_parameters_from_context(stream->codecpar, enc.get());
  if (rc < 0) return AvStatus(rc, "calibration clip: stream parameters");
  stream->time_base = enc->time_base;
  rc = avformat_write_header(mux.get(), nullptr);
  if (rc < 0) return AvStatus(rc, "calibration clip: header");

  FramePtr frame = NewFrame();
  frame->width = clip.width;
  frame->height = clip.height;
  frame->format = AV_PIX_FMT_YUV420P;
  rc = av_frame_get_buffer(frame.get(), 0);
  if (rc < 0) return AvStatus(rc, "calibration clip: frame");
  const int frames = static_cast<int>(clip.fps * clip.seconds);
  for (int t = 0; t < frames; ++t) {
    rc = av_frame_make_writable(frame.get());
    if (rc < 0) return AvStatus(rc, "calibration clip: frame");
    Paint(frame.get(), t);
    frame->pts = t;
    rc = avcodec_send_frame(enc.get(), frame.get());
    if (rc < 0) return AvStatus(rc, "calibration clip: encoding failed");
    if (absl::Status s = Drain(enc.get(), mux.get(), stream); !s.ok()) return s;
  }
  rc = avcodec_send_frame(enc.get(), nullptr);
  if (rc < 0) return AvStatus(rc, "calibration clip: flush");
  if (absl::Status s = Drain(enc.get(), mux.get(), stream); !s.ok()) return s;
  rc = av_write_trailer(mux.get());
  if (rc < 0) return AvStatus(rc, "calibration clip: trailer");
  return output.TakeBytes();
}

absl::StatusOr<CalibrationResult> Calibrate(const CalibrationClip& clip, int sessions,
                                            int segments) {
  absl::StatusOr<std::string> bytes = GenerateCalibrationClip(clip);
  if (!bytes.ok()) return bytes.status();
  const std::vector<VideoProfile> ladder = DefaultLadder();
  std::vector<absl::Status> errors(sessions);
  std::vector<double> ratios(sessions);
  const double cpu0 = ProcessCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < sessions; ++i) {
    threads.emplace_back([&, i] {
      LowerThreadPriority();
      // A loaded machine may be slower than a gateway would wait; calibration wants the time.
      SourceLimits limits;
      limits.min_deadline = std::chrono::minutes(2);
      TranscodeSession session(&ThreadBudget::Global(), limits);
      SegmentInput input;
      input.bytes = *bytes;
      input.duration_ms = static_cast<int64_t>(clip.seconds * 1000);
      double wall = 0;
      for (int s = 0; s < segments; ++s) {
        const auto t0 = std::chrono::steady_clock::now();
        absl::StatusOr<TranscodeResult> result = session.Transcode(input, ladder);
        wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!result.ok()) {
          errors[i] = result.status();
          return;
        }
      }
      ratios[i] = wall / (segments * clip.seconds);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& s : errors)
    if (!s.ok()) return absl::InternalError(absl::StrCat("calibration: ", s.message()));
  CalibrationResult r;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = ProcessCpuSeconds() - cpu0;
  r.sessions = sessions;
  r.cpu_per_content_s = cpu / (sessions * segments * clip.seconds);
  r.cores = r.wall_s > 0 ? cpu / r.wall_s : 0;
  for (double ratio : ratios) r.realtime_ratio += ratio / sessions;
  if (r.cpu_per_content_s <= 0 || r.cores <= 0)
    return absl::InternalError("calibration: no CPU time measured");
  return r;
}

}  // namespace baton::transcode

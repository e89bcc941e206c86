// Small helpers over FFmpeg's C API used throughout src/transcode: owning pointers for the
// FFmpeg structs (so every early return frees them) and FFmpeg error codes turned into
// absl::Status with a message that says what was being done.
// Stateless; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
}

namespace baton::transcode {

struct AvFrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct AvPacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct AvCodecContextFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct AvFilterGraphFree {
  void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};

using FramePtr = std::unique_ptr<AVFrame, AvFrameFree>;
using PacketPtr = std::unique_ptr<AVPacket, AvPacketFree>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, AvCodecContextFree>;
using FilterGraphPtr = std::unique_ptr<AVFilterGraph, AvFilterGraphFree>;

FramePtr NewFrame();
PacketPtr NewPacket();

// FFmpeg's text for an AVERROR code ("Invalid data found when processing input").
std::string AvErrorText(int code);

// OK for code >= 0; otherwise an error "<what>: <FFmpeg's text>". AVERROR_INVALIDDATA and
// EINVAL map to InvalidArgument (bad input), everything else to Internal.
absl::Status AvStatus(int code, std::string_view what);

}  // namespace baton::transcode

#include "transcode/output_size.h"

#include <algorithm>
#include <cstdint>

namespace baton::transcode {
namespace {

struct Limits {
  int min_width, min_height, max_width, max_height;
};

Limits LimitsFor(VideoCodec codec) {
  if (codec == VideoCodec::kH265) return {132, 40, 8192, 8192};
  return {146, 50, 4096, 4096};
}

// FFmpeg scale's "-2": num/den of the known side, rounded to the nearest even number
// (av_rescale rounds half away from zero).
int EvenAspect(int known, int num, int den) {
  const int64_t twice_den = 2LL * den;
  const int64_t half = (static_cast<int64_t>(known) * num + twice_den / 2) / twice_den;
  return static_cast<int>(half * 2);
}

int TruncateEven(int v) { return v & ~1; }

}  // namespace

FrameSize ComputeOutputSize(FrameSize source, FrameSize target, VideoCodec codec) {
  const Limits lim = LimitsFor(codec);
  const int w = std::clamp(target.width, lim.min_width, lim.max_width);
  const int h = std::clamp(target.height, lim.min_height, lim.max_height);
  const int max_side = std::max(w, h);
  const int64_t iw = source.width, ih = source.height;
  FrameSize out;
  if (iw >= ih) {  // landscape or square: the long side is the width
    if (max_side * ih / iw >= lim.min_height) {
      out.width = TruncateEven(max_side);
      out.height = EvenAspect(out.width, ih, iw);
    } else {
      out.height = TruncateEven(lim.min_height);
      out.width = EvenAspect(out.height, iw, ih);
    }
  } else {  // portrait: the long side is the height
    if (max_side * iw / ih >= lim.min_width) {
      out.height = TruncateEven(max_side);
      out.width = EvenAspect(out.height, iw, ih);
    } else {
      out.width = TruncateEven(lim.min_width);
      out.height = EvenAspect(out.width, ih, iw);
    }
  }
  // A degenerate source (e.g. 16x4000) could round a side to 0; encoders need at least 2.
  out.width = std::max(out.width, 2);
  out.height = std::max(out.height, 2);
  return out;
}

}  // namespace baton::transcode

// OutputSize: the resolution rule of doc/transcode.md 1.6, which decides each rendition's actual
// frame size from the source size and the profile's target size.
//
// The target is clamped to the encoder limits (NVENC's, applied to every encoder as LPMS
// does), its longer side goes to the source's longer side (so portrait sources give portrait
// outputs), the other side follows the source aspect ratio rounded to an even number
// (FFmpeg scale's "-2"), and a side that would fall under the minimum is pinned to it.
// VP8/VP9 use the H.264 limits (LPMS keeps the source size there by accident; we do not).
// Pure functions; thread-safe.
#pragma once

#include "transcode/video_profile.h"

namespace baton::transcode {

struct FrameSize {
  int width = 0;
  int height = 0;
  bool operator==(const FrameSize&) const = default;
};

// REQUIRES: source.width > 0 && source.height > 0.
FrameSize ComputeOutputSize(FrameSize source, FrameSize target, VideoCodec codec);

}  // namespace baton::transcode

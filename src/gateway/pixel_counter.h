// CountDecodedPixels: decodes a media file held in memory (an MPEG-TS or MP4 rendition) with
// libavformat/libavcodec and counts its video frames and Σ width·height over them, the way a
// verifying gateway recounts an orchestrator's reported pixels (doc/transcode.md 2.9 and 5).
//
// Every decoded frame counts with its own dimensions, so resolution changes are handled.
// Pure function over bytes; thread-safe (each call has its own demuxer and decoder).
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace baton::gateway {

struct DecodedCount {
  int64_t frames = 0;
  int64_t pixels = 0;
  int width = 0;  // of the last frame
  int height = 0;
};

// Errors: unreadable container, no video stream, or a decoder that cannot be opened.
absl::StatusOr<DecodedCount> CountDecodedPixels(std::string_view media);

}  // namespace baton::gateway

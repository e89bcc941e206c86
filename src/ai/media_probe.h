// Media probing for billable units (doc/ai.md 2.3): the size of an uploaded image and the
// duration of uploaded audio, read by FFmpeg from the bytes in memory.
//
// The bytes come from gateways: only a short list of image and audio demuxers may run, nothing
// but the buffer can be opened, and decoders refuse frames over kMaxPixels. Errors are
// InvalidArgument with a client-facing message. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace baton::ai {

inline constexpr int64_t kMaxPixels = 100'000'000;

struct ImageSize {
  int width = 0;
  int height = 0;
};

// PNG, JPEG, WebP, BMP or GIF.
absl::StatusOr<ImageSize> ProbeImageSize(std::string_view bytes);
// WAV, MP3, FLAC, Ogg, MP4/M4A, Matroska/WebM: the duration in seconds.
absl::StatusOr<double> ProbeAudioSeconds(std::string_view bytes);

}  // namespace baton::ai

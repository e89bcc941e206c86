// Media codecs for the runner's pipelines, over FFmpeg: uploaded audio decoded to the mono PCM a
// speech recogniser wants, uploaded images decoded to RGB, PNG and WAV written for the answers
// (the runner API's media are PNG and WAV data URLs, doc/ai.md 1.1).
//
// Inputs are untrusted: they are demuxed from memory only (no file or network protocol may be
// opened, so a playlist that names other files reads nothing), by the demuxers the node accepts
// for uploads only (transcode/source_limits.h), and sizes are bounded before anything large is
// allocated. Errors are InvalidArgument for input that is not usable media,
// Internal for FFmpeg failures on good input.
//
// Stateless functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace baton::runner {

// The first audio stream of an upload's container (WAV, MP3, FLAC, Ogg, MP4/M4A, Matroska/WebM,
// AAC), decoded, mixed down to mono and resampled to `sample_rate` Hz, signed 16-bit.
// OutOfRange beyond `max_seconds` of audio.
absl::StatusOr<std::vector<int16_t>> DecodeAudioMono(std::string_view bytes, int sample_rate,
                                                     double max_seconds);

// An 8-bit RGB picture, rows packed (stride = 3 * width).
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
};

// The first frame of an image (PNG, JPEG, WebP, BMP, GIF, or what image2pipe finds), as RGB.
// InvalidArgument when it is not one or has more than `max_pixels` pixels.
absl::StatusOr<RgbImage> DecodeImage(std::string_view bytes, size_t max_pixels);

// `image` scaled to width x height with libswscale's Lanczos filter.
absl::StatusOr<RgbImage> ScaleLanczos(const RgbImage& image, int width, int height);

// A PNG file of `image`.
absl::StatusOr<std::string> EncodePng(const RgbImage& image);

// A RIFF/WAVE file: PCM signed 16-bit little-endian, mono.
std::string EncodeWav(const int16_t* samples, size_t count, int sample_rate);

}  // namespace baton::runner

// Capability numbers: go-livepeer's enum (doc/wire.md 6.1), the one list every part of Baton uses
// (the node's advertised set, the transcoder's per-profile needs, the gateway's requirements),
// and their bitstring encoding (capability c sets bit c % 64 of word c / 64).
// Header-only and dependency-free, so that even the transcoder can use it without protobuf.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

namespace baton {

enum Capability : int {
  kCapH264 = 0,
  kCapMpegts = 1,
  kCapMp4 = 2,
  kCapFractionalFramerates = 3,
  kCapStorageDirect = 4,
  kCapStorageS3 = 5,
  kCapStorageGcs = 6,
  kCapProfileH264Baseline = 7,
  kCapProfileH264Main = 8,
  kCapProfileH264High = 9,
  kCapProfileH264ConstrainedHigh = 10,
  kCapGop = 11,
  kCapAuthToken = 12,
  kCapSceneClassification = 13,
  kCapMpeg7VideoSignature = 14,
  kCapHevcDecode = 15,
  kCapHevcEncode = 16,
  kCapVp8Decode = 17,
  kCapVp9Decode = 18,
  kCapVp8Encode = 19,
  kCapVp9Encode = 20,
  kCapH264Decode444_8bit = 21,
  kCapH264Decode422_8bit = 22,
  kCapH264Decode444_10bit = 23,
  kCapH264Decode422_10bit = 24,
  kCapH264Decode420_10bit = 25,
  kCapSegmentSlicing = 26,
  kCapTextToImage = 27,
  kCapImageToImage = 28,
  kCapImageToVideo = 29,
  kCapUpscale = 30,
  kCapAudioToText = 31,
  kCapSegmentAnything2 = 32,
  kCapLlm = 33,
  kCapImageToText = 34,
  kCapLiveVideoToVideo = 35,
  kCapTextToSpeech = 36,
  kCapByoc = 37,
};

// The bitstring words of a set; negative numbers (go-livepeer's Invalid/Unused) are skipped.
inline std::vector<uint64_t> EncodeCapabilityBitstring(const std::set<int>& caps) {
  std::vector<uint64_t> words;
  for (int c : caps) {
    if (c < 0) continue;
    const size_t word = static_cast<size_t>(c) / 64;
    if (words.size() <= word) words.resize(word + 1, 0);
    words[word] |= uint64_t{1} << (c % 64);
  }
  return words;
}

}  // namespace baton

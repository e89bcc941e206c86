// image-to-video answers (doc/ai.md 2.4): a runner returns its video as PNG frames; gateways
// expect one MP4 (H.264, 6000 kb/s, at the request's frame rate) that they download.
//
// Frames come from the runner (trusted more than gateways, still parsed defensively: PNG only,
// at most kMaxPixels per frame, all the size of the first). Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace baton::ai {

// Encodes PNG `frames` into an MP4 at `fps` frames per second.
absl::StatusOr<std::string> FramesToMp4(const std::vector<std::string>& frames, int fps);

}  // namespace baton::ai

// The model and billable units of an AI request body (doc/ai.md 2.2 steps 3-4 and 2.3): the
// runner API's JSON or multipart form, read without throwing (the bytes come from gateways).
// Image sizes and audio durations come from the probes passed in (ai/media_probe.h in the
// node; stand-ins in the fuzz target, which has no FFmpeg). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ai/media_probe.h"
#include "ai/pipelines.h"

namespace baton::ai {

// What one request asks for.
struct AiRequestFacts {
  std::string model_id;
  int64_t units = 0;
  bool stream = false;  // /llm with "stream": true
  int fps = 0;          // /image-to-video's fps field; 0 when absent
};

struct MediaProbes {
  std::function<absl::StatusOr<ImageSize>(std::string_view)> image;
  std::function<absl::StatusOr<double>(std::string_view)> audio_seconds;
};

// InvalidArgument with the 400 text when the body is malformed, lacks its model or a required
// field, or its media cannot be measured.
absl::StatusOr<AiRequestFacts> ReadAiRequest(const Pipeline& pipeline,
                                             std::string_view content_type, std::string_view body,
                                             const MediaProbes& probes);

}  // namespace baton::ai

// RunnerImages: which container image runs a managed runner for a pipeline (doc/ai.md 3), from
// -aiRunnerImage and -aiRunnerImageOverrides, with go-livepeer's choice order: an override for
// the pipeline (batch) or the live pipeline name (live-video-to-video, named by the model id),
// then the pipeline's own image (livepeer/ai-runner:<pipeline> for text-to-speech, audio-to-text,
// segment-anything-2, llm; live-app-<name> for known live names), then the default.
//
// A plain value type; parsing never throws.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace baton::ai {

struct RunnerImages {
  std::string default_image = "livepeer/ai-runner:latest";
  std::map<std::string, std::string> batch;  // pipeline -> image
  std::map<std::string, std::string> live;   // live pipeline name -> image

  // The image for (pipeline, model_id); NOT_FOUND for an unknown live pipeline name.
  absl::StatusOr<std::string> ImageFor(std::string_view pipeline, std::string_view model_id) const;
};

// -aiRunnerImage (deprecated; fills "default" when the overrides do not) and
// -aiRunnerImageOverrides, a JSON object {"default": img, "batch": {pipeline: img},
// "live": {name: img}}; either may be empty.
absl::StatusOr<RunnerImages> ParseRunnerImages(std::string_view runner_image,
                                               std::string_view overrides_json);

}  // namespace baton::ai

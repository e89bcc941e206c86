#include "ai/runner_images.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/absl_view.h"

namespace baton::ai {
namespace {

using Json = nlohmann::json;

// go-livepeer's built-in images for pipelines that have their own (ai/worker/docker.go).
const std::map<std::string, std::string, std::less<>>& PipelineImages() {
  static const auto* images = new std::map<std::string, std::string, std::less<>>{
      {"segment-anything-2", "livepeer/ai-runner:segment-anything-2"},
      {"text-to-speech", "livepeer/ai-runner:text-to-speech"},
      {"audio-to-text", "livepeer/ai-runner:audio-to-text"},
      {"llm", "livepeer/ai-runner:llm"},
  };
  return *images;
}

constexpr std::string_view kLiveNames[] = {"streamdiffusion",
                                           "streamdiffusion-sd15",
                                           "streamdiffusion-sdxl",
                                           "streamdiffusion-sdxl-faceid",
                                           "comfyui",
                                           "segment_anything_2",
                                           "noop"};

absl::Status ReadStringMap(const Json& json, const char* key,
                           std::map<std::string, std::string>* out) {
  auto it = json.find(key);
  if (it == json.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_object())
    return absl::InvalidArgumentError(
        absl::StrCat("-aiRunnerImageOverrides: \"", key, "\" must be an object"));
  for (auto entry = it->begin(); entry != it->end(); ++entry) {
    if (!entry.value().is_string())
      return absl::InvalidArgumentError(
          absl::StrCat("-aiRunnerImageOverrides: ", key, ".", entry.key(), " must be a string"));
    (*out)[entry.key()] = entry.value().get<std::string>();
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> RunnerImages::ImageFor(std::string_view pipeline,
                                                   std::string_view model_id) const {
  if (pipeline == "live-video-to-video") {
    // The model id names the live pipeline (go-livepeer's legacy use).
    if (auto it = live.find(std::string(model_id)); it != live.end()) return it->second;
    for (std::string_view name : kLiveNames)
      if (name == model_id) return absl::StrCat("livepeer/ai-runner:live-app-", AsAbsl(name));
    return absl::NotFoundError(
        absl::StrCat("no container image for live pipeline ", AsAbsl(model_id)));
  }
  if (auto it = batch.find(std::string(pipeline)); it != batch.end()) return it->second;
  if (auto it = PipelineImages().find(pipeline); it != PipelineImages().end()) return it->second;
  return default_image;
}

absl::StatusOr<RunnerImages> ParseRunnerImages(std::string_view runner_image,
                                               std::string_view overrides_json) {
  RunnerImages images;
  if (!runner_image.empty()) images.default_image = std::string(runner_image);
  if (overrides_json.empty()) return images;
  Json json = Json::parse(overrides_json, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object())
    return absl::InvalidArgumentError("-aiRunnerImageOverrides is not a JSON object");
  if (auto it = json.find("default"); it != json.end() && !it->is_null()) {
    if (!it->is_string())
      return absl::InvalidArgumentError("-aiRunnerImageOverrides: \"default\" must be a string");
    if (!it->get<std::string>().empty()) images.default_image = it->get<std::string>();
  }
  if (absl::Status s = ReadStringMap(json, "batch", &images.batch); !s.ok()) return s;
  if (absl::Status s = ReadStringMap(json, "live", &images.live); !s.ok()) return s;
  return images;
}

}  // namespace baton::ai

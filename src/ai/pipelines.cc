#include "ai/pipelines.h"

#include "common/capability.h"

namespace baton::ai {

const std::vector<Pipeline>& BatchPipelines() {
  static const std::vector<Pipeline> kPipelines = {
      {"text-to-image", kCapTextToImage, false, "model_id"},
      {"image-to-image", kCapImageToImage, true, "model_id"},
      {"image-to-video", kCapImageToVideo, true, "model_id"},
      {"upscale", kCapUpscale, true, "model_id"},
      {"audio-to-text", kCapAudioToText, true, "model_id"},
      {"segment-anything-2", kCapSegmentAnything2, true, "model_id"},
      {"llm", kCapLlm, false, "model"},
      {"image-to-text", kCapImageToText, true, "model_id"},
      {"text-to-speech", kCapTextToSpeech, false, "model_id"},
  };
  return kPipelines;
}

const Pipeline* FindPipeline(std::string_view name) {
  for (const Pipeline& p : BatchPipelines())
    if (p.name == name) return &p;
  return nullptr;
}

const Pipeline* PipelineForCapability(int cap) {
  for (const Pipeline& p : BatchPipelines())
    if (p.capability == cap) return &p;
  return nullptr;
}

}  // namespace baton::ai

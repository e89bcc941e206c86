// libFuzzer target: what the node reads from an AI request body before any runner sees it (the
// runner-API JSON or multipart form, the model, the billable units, doc/ai.md 2.3), and the
// -aiModels parser (JSON file and inline list). The first byte picks the pipeline, the second
// the probes' answer (a fixed size, or an error), so every pipeline's unit rule runs; the rest
// is the body, sent once as JSON and once as a multipart form with a fixed boundary. The
// probes stand in for FFmpeg, which the fuzz build does not link. Invariants: units are never
// negative, and a request that passes names its model. Built only by fuzz/ (never linked into
// baton).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ai/ai_models.h"
#include "ai/ai_request.h"

namespace baton::ai {
namespace {

void FuzzAiRequest(const uint8_t* data, size_t size) {
  if (size < 2) return;
  const auto& pipelines = BatchPipelines();
  const Pipeline& pipeline = pipelines[data[0] % pipelines.size()];
  const uint8_t mode = data[1];
  std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  MediaProbes probes;
  probes.image = [mode](std::string_view) -> absl::StatusOr<ImageSize> {
    if (mode & 1) return absl::InvalidArgumentError("unreadable image");
    return ImageSize{1 + mode, 1 + (mode >> 1)};
  };
  probes.audio_seconds = [mode](std::string_view) -> absl::StatusOr<double> {
    if (mode & 1) return absl::InvalidArgumentError("unreadable audio");
    return mode / 7.0;
  };
  for (std::string_view type : {std::string_view("application/json"),
                                std::string_view("multipart/form-data; boundary=fuzzboundary")}) {
    auto facts = ReadAiRequest(pipeline, type, body, probes);
    if (!facts.ok()) continue;
    if (facts->units < 0 || facts->model_id.empty()) std::abort();
  }
  (void)ParseAiModelsJson(body);
  (void)ParseAiModelsInline(body);
}

}  // namespace
}  // namespace baton::ai

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  baton::ai::FuzzAiRequest(data, size);
  return 0;
}

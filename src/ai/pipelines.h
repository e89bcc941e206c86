// The batch AI pipelines Baton routes (doc/ai.md 1.2, 2.1, 2.3): each pipeline's path, its
// capability number, whether its body is JSON or a multipart form, and the field naming its
// model. One table, used by the -aiModels parser, the orchestrator's AI routes and the
// capabilities the node advertises. Pure data; thread-safe.
#pragma once

#include <string_view>
#include <vector>

namespace baton::ai {

struct Pipeline {
  std::string_view name;         // "text-to-speech"; the route is "/" + name
  int capability;                // 36
  bool multipart;                // body is multipart/form-data (else JSON)
  std::string_view model_field;  // "model_id" ("model" for /llm)
};

// Every batch pipeline, in capability order.
const std::vector<Pipeline>& BatchPipelines();
// The pipeline named `name`, or nullptr (live-video-to-video is not a batch pipeline).
const Pipeline* FindPipeline(std::string_view name);
// The pipeline for capability `cap`, or nullptr.
const Pipeline* PipelineForCapability(int cap);

}  // namespace baton::ai

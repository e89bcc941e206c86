// -aiModels: the models an AI worker serves (doc/ai.md 3), from a JSON file or the inline list
// `pipeline:model_id[:warm],...`, checked into ModelSpecs (for the runner pools) plus each
// model's price (for the orchestrator's payment terms).
//
// Everything here parses operator input and never throws; every error names the entry and the
// key. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ai/runner_pool.h"
#include "pm/rational.h"

namespace baton::ai {

// One -aiModels entry.
struct AiModelConfig {
  ModelSpec spec;
  // price_per_unit in wei (currency applied); nullopt: the node's -pricePerUnit.
  std::optional<pm::Rat> price_per_unit;
  // pixels_per_unit; nullopt: the node's -pixelsPerUnit.
  std::optional<int64_t> pixels_per_unit;
  std::string gateway = "default";  // "default" or a gateway's 0x address
};

// The JSON array form.
absl::StatusOr<std::vector<AiModelConfig>> ParseAiModelsJson(std::string_view json);
// The inline form `pipeline:model_id[:warm]` separated by commas.
absl::StatusOr<std::vector<AiModelConfig>> ParseAiModelsInline(std::string_view text);
// The flag's value: the JSON array in the file it names, else the inline form.
absl::StatusOr<std::vector<AiModelConfig>> LoadAiModels(const std::string& value);

// The pool-facing specs of `models`, one per (pipeline, model_id, url): repeated entries add
// their capacity.
std::vector<ModelSpec> MergeSpecs(const std::vector<AiModelConfig>& models);

}  // namespace baton::ai

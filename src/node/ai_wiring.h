// The node's AI worker (-aiWorker, doc/ai.md 3 and 4): the runner pools built from -aiModels
// and the per-model prices, composed for node.cc.
//
// External entries (with a `url`) go to an ExternalRunnerPool; managed entries (no `url`) go
// to the managed-container pool through MakeManagedRunnerPool, the one place the container
// backend is connected. Built on the main thread at start-up; the pool is thread-safe.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "ai/ai_models.h"
#include "ai/gpu_info.h"
#include "ai/runner_pool.h"
#include "lp_rpc.pb.h"
#include "node/node_config.h"
#include "orchestrator/ai_prices.h"

namespace baton::node {

struct AiWorker {
  std::vector<ai::AiModelConfig> models;
  std::vector<ai::GpuInfo> gpus;  // NVML's, limited to -nvidia's ids; empty without a driver
  std::unique_ptr<ai::RunnerPool> runners;  // local runners, then remote AI workers if any
  ai::RunnerPool* local = nullptr;          // the local runners alone (inside `runners`)
  orchestrator::AiPrices prices;
  int capacity = 0;  // runners (or external slots) in all
};

// GetOrchestrator's `hardware`: each served model with the worker's GPUs (doc/ai.md 5).
std::vector<net::HardwareInformation> AiHardware(const AiWorker& worker);

// Parses -aiModels, waits for the external runners' health, starts the managed pool. `remote`
// (remote AI workers, not owned) joins the runners after the local ones. Without -aiWorker
// -aiModels only prices the models (remote workers serve them) and no runner starts.
absl::StatusOr<AiWorker> StartAiWorker(const NodeConfig& config, ai::RunnerPool* remote = nullptr);

// The managed-container pool (ai/container_pool.h) for the entries without a url, on the
// engine named by DOCKER_HOST; null when there are none.
absl::StatusOr<std::unique_ptr<ai::RunnerPool>> MakeManagedRunnerPool(
    const std::vector<ai::ModelSpec>& specs, const NodeConfig& config);

}  // namespace baton::node

#include "node/ai_wiring.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "ai/combined_runner_pool.h"
#include "ai/container_pool.h"
#include "ai/external_runner_pool.h"
#include "ai/pipelines.h"
#include "common/hex.h"
#include "orchestrator/ai_workers.h"
#include "pm/price_book.h"

namespace baton::node {
namespace {

absl::StatusOr<orchestrator::AiPrices> Prices(const std::vector<ai::AiModelConfig>& models,
                                              const NodeConfig& config) {
  auto node_price = pm::ParsePriceInWei(config.price_per_unit);
  if (!node_price.ok()) return node_price.status();
  auto node_pixels = pm::ParseDecimal(config.pixels_per_unit);
  if (!node_pixels.ok() || *node_pixels <= 0)
    return absl::InvalidArgumentError("-pixelsPerUnit must be a positive number");
  std::vector<orchestrator::AiPrices::Entry> entries;
  for (const ai::AiModelConfig& m : models) {
    orchestrator::AiPrices::Entry e;
    e.capability = ai::FindPipeline(m.spec.pipeline)->capability;
    e.model_id = m.spec.model_id;
    if (m.gateway != "default") {
      auto address =
          absl::StartsWith(m.gateway, "0x") ? HexDecode(m.gateway.substr(2)) : HexDecode(m.gateway);
      if (!address.ok() || address->size() != 20)
        return absl::InvalidArgumentError("-aiModels: gateway " + m.gateway + " is not an address");
      e.gateway = *address;
    }
    pm::Rat pixels = m.pixels_per_unit ? pm::Rat(*m.pixels_per_unit) : *node_pixels;
    e.price = m.price_per_unit.value_or(*node_price) / pixels;
    entries.push_back(std::move(e));
  }
  return orchestrator::AiPrices(entries);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ai::RunnerPool>> MakeManagedRunnerPool(
    const std::vector<ai::ModelSpec>& specs, const NodeConfig& config) {
  if (specs.empty()) return std::unique_ptr<ai::RunnerPool>();
  auto images = ai::ParseRunnerImages(config.ai.runner_image, config.ai.runner_image_overrides);
  if (!images.ok()) return images.status();
  ai::ContainerPoolOptions options;
  options.images = *std::move(images);
  options.models_dir =
      !config.ai.models_dir.empty() ? config.ai.models_dir : config.data_dir + "/models";
  // "all" would need the device count from NVML, which this build does not read.
  if (config.nvidia == "all")
    return absl::InvalidArgumentError("-nvidia all: name the GPU ids (e.g. -nvidia 0,1)");
  for (absl::string_view id : absl::StrSplit(config.nvidia, ',', absl::SkipWhitespace()))
    options.gpus.emplace_back(id);
  // A standalone AI worker has no service address of its own (its -serviceAddr default would
  // be an orchestrator's on the same machine): its operator port, bound by it alone, names it.
  options.creator_id =
      config.orchestrator ? config.service_uri : "aiworker-" + config.cli_bind.ToString();
  auto pool = ai::ContainerPool::Create(specs, std::move(options));
  if (!pool.ok()) return pool.status();
  // Removes this node's containers left from a crash, checks images, starts warm runners.
  if (auto s = (*pool)->Start(); !s.ok()) return s;
  return std::unique_ptr<ai::RunnerPool>(*std::move(pool));
}

std::vector<net::HardwareInformation> AiHardware(const AiWorker& worker) {
  std::vector<net::HardwareInformation> out;
  if (worker.gpus.empty()) return out;
  for (const ai::ModelState& m : (worker.local ? worker.local : worker.runners.get())->Models()) {
    net::HardwareInformation h;
    h.set_pipeline(m.pipeline);
    h.set_model_id(m.model_id);
    for (const ai::GpuInfo& g : worker.gpus) {
      net::GPUComputeInfo& info = (*h.mutable_gpu_info())[g.id];
      info.set_id(g.id);
      info.set_name(g.name);
      info.set_major(g.major);
      info.set_minor(g.minor);
      info.set_memory_total(g.memory_total);
      info.set_memory_free(g.memory_free);
    }
    out.push_back(std::move(h));
  }
  return out;
}

absl::StatusOr<AiWorker> StartAiWorker(const NodeConfig& config, ai::RunnerPool* remote) {
  AiWorker worker;
  std::string why;
  for (ai::GpuInfo& g : ai::ReadGpus(&why)) {
    const std::vector<std::string> ids = absl::StrSplit(config.nvidia, ',', absl::SkipWhitespace());
    if (config.nvidia.empty() || config.nvidia == "all" ||
        std::find(ids.begin(), ids.end(), g.id) != ids.end())
      worker.gpus.push_back(std::move(g));
  }
  if (worker.gpus.empty()) {
    spdlog::info("AI hardware: none advertised ({})",
                 why.empty() ? "no GPU named by -nvidia" : why);
  } else {
    for (const ai::GpuInfo& g : worker.gpus)
      spdlog::info("AI hardware: GPU {} {} (compute {}.{}, {} MiB)", g.id, g.name, g.major, g.minor,
                   g.memory_total >> 20);
  }
  if (!config.ai.models.empty()) {
    auto models = ai::LoadAiModels(config.ai.models);
    if (!models.ok()) return models.status();
    worker.models = *std::move(models);
  }
  auto prices = Prices(worker.models, config);
  if (!prices.ok()) return prices.status();
  worker.prices = *std::move(prices);
  std::vector<ai::ModelSpec> external, managed;
  // Without -aiWorker the entries only price what remote AI workers serve.
  for (ai::ModelSpec& spec :
       config.ai.worker ? ai::MergeSpecs(worker.models) : std::vector<ai::ModelSpec>{}) {
    worker.capacity += spec.capacity;
    (spec.url.empty() ? managed : external).push_back(std::move(spec));
  }
  std::vector<std::unique_ptr<ai::RunnerPool>> pools;
  if (!external.empty()) {
    auto pool = std::make_unique<ai::ExternalRunnerPool>(std::move(external));
    if (auto s = pool->Start(); !s.ok()) return s;
    pools.push_back(std::move(pool));
  }
  auto managed_pool = MakeManagedRunnerPool(managed, config);
  if (!managed_pool.ok()) return managed_pool.status();
  if (*managed_pool) pools.push_back(*std::move(managed_pool));
  auto local = std::make_unique<ai::CombinedRunnerPool>(std::move(pools));
  worker.local = local.get();
  std::vector<std::unique_ptr<ai::RunnerPool>> all;
  all.push_back(std::move(local));
  if (remote != nullptr) all.push_back(std::make_unique<orchestrator::RunnerPoolRef>(remote));
  worker.runners = std::make_unique<ai::CombinedRunnerPool>(std::move(all));
  for (const ai::ModelState& m : worker.local->Models())
    spdlog::info("AI model {} {}: capacity {}{}", m.pipeline, m.model_id, m.capacity,
                 m.warm ? ", warm" : "");
  return worker;
}

}  // namespace baton::node

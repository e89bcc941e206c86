#include "node/ai_worker_role.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "ai/frames_to_mp4.h"
#include "ai/worker_job.h"
#include "common/metrics.h"
#include "net/server.h"
#include "node/ai_wiring.h"
#include "node/standalone_role.h"
#include "node/version.h"
#include "operator/access_guard.h"
#include "orchestrator/capabilities.h"
#include "worker/ai_worker_client.h"

namespace baton::node {
namespace {

using nlohmann::json;

std::string Hostname() {
  char buf[256] = {0};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

// The payload conversions of doc/wire.md 5.2, the orchestrator's own (ai/worker_job.h). Each step
// reads the job's requestData again: it is small, and the steps stay free of shared state.
class WorkerJobConversions : public worker::AiJobConversions {
 public:
  absl::Status Read(worker::AiJob& job) const override {
    auto received = ai::ParseRequestData(job.pipeline, job.request_data);
    if (!received.ok()) return received.status();
    job.model_id = received->model_id;
    job.input_url = received->input_url;
    job.stream = received->stream;
    return absl::OkStatus();
  }
  absl::StatusOr<worker::AiPayload> RunnerRequest(const worker::AiJob& job,
                                                  std::string_view input) const override {
    auto received = ai::ParseRequestData(job.pipeline, job.request_data);
    if (!received.ok()) return received.status();
    ai::Body body = ai::MakeRunnerRequest(*received, input);
    return worker::AiPayload{std::move(body.content_type), std::move(body.data)};
  }
  absl::StatusOr<worker::AiPayload> Result(const worker::AiJob& job,
                                           std::string_view runner_answer) const override {
    auto received = ai::ParseRequestData(job.pipeline, job.request_data);
    if (!received.ok()) return received.status();
    auto result = ai::MakeWorkerResult(*received, runner_answer, ai::FramesToMp4);
    if (!result.ok()) return result.status();
    return worker::AiPayload{std::move(result->content_type), std::move(result->data)};
  }
};

// What this worker advertises at registration: go-livepeer's default capabilities (as its AI
// workers do) and each model with its whole capacity, built by the orchestrator's own code.
net::Capabilities WorkerCapabilities(const ai::RunnerPool& runners) {
  net::Capabilities caps =
      orchestrator::MakeCapabilities(orchestrator::DefaultCapabilities(), kCapabilityVersion);
  std::vector<ai::ModelState> models = runners.Models();
  // The orchestrator reserves from this capacity itself; jobs running across a re-registration
  // come back to it when they end.
  for (ai::ModelState& m : models) m.in_use = 0;
  orchestrator::AddAiModels(caps, models);
  return caps;
}

std::string StatusJson(const worker::AiWorkerClient& client, const ai::RunnerPool& runners,
                       const std::string& orch_addr) {
  auto s = client.snapshot();
  json models = json::array();
  for (const ai::ModelState& m : runners.Models()) {
    models.push_back({{"Pipeline", m.pipeline},
                      {"ModelID", m.model_id},
                      {"Warm", m.warm},
                      {"Capacity", m.capacity},
                      {"InUse", m.in_use},
                      {"RunnerVersion", m.runner_version}});
  }
  const auto since =
      std::chrono::duration_cast<std::chrono::seconds>(s.registered_since.time_since_epoch())
          .count();
  json doc = {{"Version", kVersion},      {"Role", "aiworker"},
              {"OrchAddr", orch_addr},    {"Registered", s.registered},
              {"RegisteredSince", since}, {"Registrations", s.registrations},
              {"Models", models},         {"InFlight", s.in_flight},
              {"JobsDone", s.jobs_done},  {"JobsFailed", s.jobs_failed},
              {"LastError", s.last_error}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

absl::Status RunStandaloneAiWorker(const NodeConfig& config, const sigset_t& stop_signals) {
  auto ai_worker = StartAiWorker(config);
  if (!ai_worker.ok()) return ai_worker.status();
  if (ai_worker->runners->Models().empty())
    return absl::InvalidArgumentError(
        "-aiModels names no models: an AI worker has nothing to offer");
  ai::RunnerPool& runners = *ai_worker->runners;

  Metrics metrics(Hostname(), "aiwk");
  metrics.DefineGauge("livepeer_versions", "Versions used by the node", NodeLabels::kTypeOnly);
  metrics.Set(
      "livepeer_versions", 1,
      {{"livepeerversion", kVersion}, {"compiler", "gcc"}, {"goos", "linux"}, {"goversion", ""}});
  worker::DefineAiWorkerMetrics(metrics);

  WorkerJobConversions conversions;
  worker::AiWorkerClientOptions options;
  options.orch_addr = config.orch_addr.ToString();
  options.secret = config.orch_secret;
  options.capabilities = [&runners] { return WorkerCapabilities(runners); };
  options.hardware = AiHardware(*ai_worker);
  options.runners = &runners;
  options.conversions = &conversions;
  // Every runner busy at once, and a little more for jobs waiting on their input download.
  options.threads = std::clamp(ai_worker->capacity + 2, 2, 64);
  options.job_timeout = config.ai.request_timeout;
  options.metrics = config.monitor ? &metrics : nullptr;
  auto client = std::make_unique<worker::AiWorkerClient>(options);

  const http::ServerOptions cli_options = StandaloneOperatorOptions(config);
  http::Server cli(cli_options);
  // The standalone transcoder's operator port rules. Its routes are GET-only, so they take no
  // body.
  auto access = InstallStandaloneAccess(config, cli.router());
  if (!access.ok()) return access.status();
  const std::string orch_addr = options.orch_addr;
  cli.router().Handle(
      "/status", {"GET"}, [&client, &runners, orch_addr](http::HttpRequest, auto response) {
        response->Respond(200, "application/json", StatusJson(*client, runners, orch_addr));
      });
  if (config.monitor) {
    metrics.DefineGauge("livepeer_ai_container_in_use", "Runners busy with a job");
    metrics.DefineGauge("livepeer_ai_container_idle", "Runners free for a job");
    metrics.AddCollector([&metrics, &runners] {
      for (const ai::ModelState& m : runners.Models()) {
        Labels labels{{"pipeline", m.pipeline}, {"model_name", m.model_id}};
        metrics.Set("livepeer_ai_container_in_use", m.in_use, labels);
        metrics.Set("livepeer_ai_container_idle", std::max(0, m.capacity - m.in_use), labels);
      }
    });
    cli.router().Handle("/metrics", {"GET"}, [&metrics](http::HttpRequest, auto response) {
      response->Respond(200, "text/plain; version=0.0.4; charset=utf-8", metrics.Render());
    });
  }
  if (auto s = StartOperatorPort(cli, *access, cli_options.bind_address); !s.ok()) {
    runners.Stop();
    return s;
  }
  spdlog::info("Standalone AI worker for {} ({} models, {} runners); operator API on http://{}",
               orch_addr, runners.Models().size(), ai_worker->capacity, cli_options.bind_address);

  absl::Status result = RunUntilStopSignal(
      stop_signals, [&client] { return client->Run(); }, [&client] { client->Stop(); });
  cli.Stop();
  access->cookie.reset();  // removes the operator token's file
  // Jobs end (answered) before the runners they hold go; then managed containers are removed.
  client.reset();
  runners.Stop();
  return result;
}

}  // namespace baton::node

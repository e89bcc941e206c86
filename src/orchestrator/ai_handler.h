// The gateway-facing AI routes on the service port (doc/ai.md 2): POST /text-to-image,
// /image-to-image, /image-to-video, /upscale, /audio-to-text, /segment-anything-2, /llm (JSON,
// or server-sent events with "stream"), /image-to-text and /text-to-speech, with the runner
// API's bodies, forwarded unchanged to a runner for the pipeline and model.
//
// A request passes, in go-livepeer's order (doc/ai.md 2.2): the payment header (402) and the
// segment credentials (403, without the transcode session capacity check) at header time; then
// off the loop, on the AI executor: the body and its billable units (400), a runner for the
// model (503 "insufficient capacity", which a model nobody serves gets too, saying so); the
// payment credited to "<capability>_<model>" at the model's price and the balance (400,
// Admission); the runner call within the request's deadline (500 with the runner's error as
// "<pipeline> container returned <status>: <msg>", or the timeout); the debit of units × the
// pinned price; the answer, whose data URLs become /stream/<request>/<name> downloads (kept
// inline for image answers to gateways without the `Authorization: Livepeer-AI-Worker-1.0`
// marker). Errors are plain text.
//
// Threads: Handle runs on a loop thread and only reads the headers; everything else runs on
// the AI executor (runner calls block) and answers through the thread-safe ResponseWriter.
// Borrows every collaborator; they must outlive it (stop the executor first).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "ai/ai_request.h"
#include "ai/pipelines.h"
#include "ai/runner_pool.h"
#include "common/metrics.h"
#include "net/router.h"
#include "orchestrator/admission.h"
#include "orchestrator/ai_prices.h"
#include "orchestrator/media_store.h"
#include "worker/executor.h"

namespace baton::orchestrator {

struct AiHandlerDeps {
  Admission* admission = nullptr;
  MediaStore* store = nullptr;
  ai::RunnerPool* runners = nullptr;
  const AiPrices* prices = nullptr;
  worker::Executor* executor = nullptr;        // runner calls and body probing
  Metrics* metrics = nullptr;                  // may be null
  std::chrono::milliseconds timeout{300'000};  // a request's deadline, from its arrival
};

// Defines the AI metric families (doc/ops.md 4) on `metrics`.
void DefineAiMetrics(Metrics& metrics);

class AiHandler {
 public:
  explicit AiHandler(AiHandlerDeps deps) : deps_(std::move(deps)) {}

  // Routes every batch pipeline's path on `router`.
  void Register(http::Router& router);

  // Sets the runner gauges (in use, idle) from the pool.
  void UpdateRunnerGauges() const;

 private:
  struct Job;
  void Handle(const ai::Pipeline& pipeline, http::HttpRequest request,
              std::shared_ptr<http::ResponseWriter> response);
  void Prepare(const std::shared_ptr<Job>& job);
  void Run(const std::shared_ptr<Job>& job);
  void Fail(const std::shared_ptr<Job>& job, int status, const std::string& message,
            const std::string& error_code);
  // The runner's 200 answer for the gateway, its media stored (ai::RewriteRunnerAnswer).
  absl::StatusOr<std::string> RewriteMedia(const Job& job, const std::string& body);

  AiHandlerDeps deps_;
};

}  // namespace baton::orchestrator

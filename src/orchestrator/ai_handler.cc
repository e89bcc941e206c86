#include "orchestrator/ai_handler.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "ai/frames_to_mp4.h"
#include "ai/media_probe.h"
#include "ai/runner_answer.h"
#include "common/hex.h"
#include "net/http_client.h"

namespace baton::orchestrator {
namespace {

// Uploads (images, audio) are bounded like the runner's 50 MB audio limit, with room for the
// form around them.
constexpr size_t kMaxAiBody = 64u << 20;
constexpr char kWorkerMarker[] = "Livepeer-AI-Worker-1.0";

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  return HexEncode(raw);
}

}  // namespace

void DefineAiMetrics(Metrics& m) {
  m.DefineGauge("livepeer_ai_container_in_use", "AI runners serving a request");
  m.DefineGauge("livepeer_ai_container_idle", "AI runners (or runner slots) free");
  m.DefineCounter("livepeer_ai_request_errors", "AI requests that failed");
  m.DefineCounter("livepeer_ai_models_requested", "AI requests per model");
  m.DefineGauge("livepeer_ai_request_price", "Price per unit of the last AI request (wei)");
  m.DefineHistogram("livepeer_ai_request_latency_seconds", "AI request time, arrival to answer",
                    {.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300});
}

struct AiHandler::Job {
  const ai::Pipeline* pipeline = nullptr;
  http::HttpRequest request;
  std::shared_ptr<http::ResponseWriter> response;
  std::chrono::steady_clock::time_point received;
  std::chrono::steady_clock::time_point deadline;
  Credentials credentials;
  ai::AiRequestFacts facts;
  std::string request_id;
  pm::Rat price = 0;
  std::unique_ptr<ai::RunnerLease> lease;
  std::optional<Admitted> admitted;
  bool marker = false;  // the gateway sent the AI worker protocol marker
  std::string balance_key() const {
    return std::to_string(pipeline->capability) + "_" + facts.model_id;
  }
};

void AiHandler::Register(http::Router& router) {
  auto check = [this](http::HttpRequest& head) {
    return deps_.admission->CheckHeaders(head, /*session_capacity=*/false);
  };
  for (const ai::Pipeline& p : ai::BatchPipelines()) {
    const ai::Pipeline* pipeline = &p;
    auto handler = [this, pipeline](http::HttpRequest r, std::shared_ptr<http::ResponseWriter> w) {
      Handle(*pipeline, std::move(r), std::move(w));
    };
    router.Handle("/" + std::string(p.name), {"POST"}, handler, check, kMaxAiBody);
    router.Handle("/" + std::string(p.name) + "/", {"POST"}, handler, check, kMaxAiBody);
  }
}

void AiHandler::Handle(const ai::Pipeline& pipeline, http::HttpRequest request,
                       std::shared_ptr<http::ResponseWriter> response) {
  auto job = std::make_shared<Job>();
  job->received = std::chrono::steady_clock::now();
  job->deadline = job->received + deps_.timeout;
  job->pipeline = &pipeline;
  job->response = std::move(response);
  if (auto rejection =
          deps_.admission->TakeCredentials(request, job->credentials, /*session_capacity=*/false))
    return job->response->RespondError(*rejection);
  job->marker = request.headers.Get("authorization").value_or("") == kWorkerMarker;
  job->request = std::move(request);
  job->request_id = RandomHex(4);
  auto queued = deps_.executor->Submit([this, job] { Prepare(job); });
  if (!queued.ok()) job->response->RespondError(503, "OrchestratorBusy");
}

void AiHandler::Fail(const std::shared_ptr<Job>& job, int status, const std::string& message,
                     const std::string& error_code) {
  if (deps_.metrics != nullptr) {
    deps_.metrics->Add("livepeer_ai_request_errors", 1,
                       {{"error_code", error_code},
                        {"pipeline", std::string(job->pipeline->name)},
                        {"model_name", job->facts.model_id},
                        {"sender", "0x" + HexEncode(job->credentials.sender)}});
  }
  job->lease.reset();
  UpdateRunnerGauges();
  job->response->RespondError(status, message);
}

void AiHandler::Prepare(const std::shared_ptr<Job>& job) {
  const ai::Pipeline& p = *job->pipeline;
  // 3-4. The body and its units.
  auto facts = ai::ReadAiRequest(p, job->request.headers.Get("content-type").value_or(""),
                                 job->request.body, {ai::ProbeImageSize, ai::ProbeAudioSeconds});
  if (!facts.ok()) return Fail(job, 400, std::string(facts.status().message()), "InvalidRequest");
  job->facts = *std::move(facts);
  const std::string model_name = job->facts.model_id;
  if (deps_.metrics != nullptr)
    deps_.metrics->Add("livepeer_ai_models_requested", 1,
                       {{"pipeline", std::string(p.name)}, {"model_name", model_name}});
  // 6. A runner for the model.
  auto lease = deps_.runners->Borrow(p.name, job->facts.model_id, job->deadline);
  if (!lease.ok()) {
    if (absl::IsNotFound(lease.status()))
      return Fail(job, 503,
                  "insufficient capacity: no runner serves " + std::string(p.name) + " model \"" +
                      model_name + "\" here",
                  "ModelNotServed");
    if (absl::IsResourceExhausted(lease.status()))
      return Fail(job, 503, "insufficient capacity", "InsufficientCapacity");
    return Fail(job, 500, std::string(lease.status().message()), "RunnerUnavailable");
  }
  job->lease = *std::move(lease);
  UpdateRunnerGauges();
  // 5, 7. The payment, credited to the model's balance at the model's price.
  job->price = deps_.prices->PriceOrTranscode(job->credentials.sender, p.capability, model_name);
  Admission::Policy policy;
  policy.balance_key = job->balance_key();
  policy.quoted = job->price;
  policy.session_slot = false;
  deps_.admission->Admit(
      job->credentials, std::move(policy), [this, job](Admission::Decision decision) {
        if (decision.rejection)
          return Fail(job, decision.rejection->status, decision.rejection->message, "PaymentError");
        job->admitted = *std::move(decision.admitted);
        auto queued = deps_.executor->Submit([this, job] { Run(job); });
        if (!queued.ok()) Fail(job, 503, "OrchestratorBusy", "Busy");
      });
}

void AiHandler::Run(const std::shared_ptr<Job>& job) {
  const ai::Pipeline& p = *job->pipeline;
  const std::string pipeline(p.name);
  if (std::chrono::steady_clock::now() >= job->deadline)
    return Fail(job, 500, pipeline + " request timed out", "Timeout");
  ai::RunnerCall call;
  call.pipeline = pipeline;
  call.content_type = job->request.headers.Get("content-type")
                          .value_or(p.multipart ? "multipart/form-data" : "application/json");
  call.body = job->request.body;
  call.deadline = job->deadline;
  call.request_id = job->request_id;
  // A stopping node does not wait for runners to finish (or a hung one to time out).
  call.cancelled = [stop = deps_.executor->stop_token()] { return stop.stop_requested(); };
  // A streaming /llm relays the runner's events as they come (doc/ai.md 2.4).
  bool streaming = false;
  if (job->facts.stream) {
    call.on_stream = [&](std::string_view chunk) {
      if (!streaming) {
        streaming = true;
        job->response->SendHeaders(
            200, {{"content-type", "text/event-stream"}, {"cache-control", "no-cache"}});
      }
      job->response->SendBody(std::string(chunk), false);
      return !job->response->IsClosed();
    };
  }
  auto answer = job->lease->Call(call);
  const std::string model_name = job->facts.model_id;
  if (!answer.ok() && http::NeverSent(answer.status()) &&
      std::chrono::steady_clock::now() < job->deadline) {
    // The runner is gone (a container that died since its last health check): the request
    // never reached it, so it is safe to send to another runner, once.
    const std::string failed_runner = job->lease->base_url();
    job->lease->MarkSuspect();
    job->lease.reset();
    auto again = deps_.runners->Borrow(p.name, model_name, job->deadline);
    if (!again.ok()) return Fail(job, 503, "insufficient capacity", "InsufficientCapacity");
    spdlog::warn("AI request {} ({} {}): runner {} unreachable ({}); sent to {}", job->request_id,
                 pipeline, model_name, failed_runner, std::string(answer.status().message()),
                 (*again)->base_url());
    job->lease = *std::move(again);
    answer = job->lease->Call(call);
  }
  if (!answer.ok()) {
    job->lease->MarkSuspect();
    std::string why = absl::IsDeadlineExceeded(answer.status())
                          ? pipeline + " runner did not answer within the request's deadline (" +
                                std::to_string(deps_.timeout.count() / 1000) + " s)"
                          : pipeline + " runner failed: " + std::string(answer.status().message());
    spdlog::warn("AI request {} ({} {}): {}", job->request_id, pipeline, model_name, why);
    if (streaming) {
      deps_.admission->Debit(*job->admitted, job->facts.units);
      job->response->SendBody("", true);
      job->lease.reset();
      return UpdateRunnerGauges();
    }
    return Fail(job, 500, why,
                absl::IsDeadlineExceeded(answer.status()) ? "Timeout" : "RunnerError");
  }
  if (answer->status != 200) {
    return Fail(job, 500,
                pipeline + " container returned " + std::to_string(answer->status) + ": " +
                    ai::RunnerErrorText(answer->body),
                "RunnerError");
  }
  // 10. Debit before answering (the balance may go negative).
  deps_.admission->Debit(*job->admitted, job->facts.units);
  spdlog::info("AI request {} {} {}: {} units at {} wei = {} wei, balance {}", job->request_id,
               pipeline, model_name, job->facts.units, pm::RatString(job->admitted->price),
               pm::RatString(job->admitted->price * job->facts.units), job->balance_key());
  job->lease.reset();
  UpdateRunnerGauges();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - job->received).count();
  if (deps_.metrics != nullptr) {
    Labels labels{{"pipeline", pipeline}, {"model_name", model_name}};
    deps_.metrics->Observe("livepeer_ai_request_latency_seconds", seconds, labels);
    deps_.metrics->Set("livepeer_ai_request_price", static_cast<double>(job->price), labels);
  }
  if (streaming) return job->response->SendBody("", true);
  auto body = RewriteMedia(*job, answer->body);
  if (!body.ok()) return Fail(job, 500, std::string(body.status().message()), "ResultStoreError");
  job->response->Respond(200, "application/json", *std::move(body));
}

// Data URLs in a runner's answer become downloads from our store; text passes through.
absl::StatusOr<std::string> AiHandler::RewriteMedia(const Job& job, const std::string& body) {
  ai::RunnerAnswerOptions options;
  options.gateway_marker = job.marker;
  options.fps = job.facts.fps;
  options.url_prefix =
      deps_.admission->orchestrator().service_uri() + "/stream/" + job.request_id + "/";
  options.name_for = [](std::string_view extension) {
    return RandomHex(4) + std::string(extension);
  };
  options.encode = ai::FramesToMp4;
  auto answer = ai::RewriteRunnerAnswer(job.pipeline->name, body, options);
  if (!answer.ok()) return answer.status();
  for (ai::AnswerMedia& media : answer->media)
    deps_.store->PutKept(job.request_id + "/" + media.name, std::move(media.bytes));
  return std::move(answer->body);
}

void AiHandler::UpdateRunnerGauges() const {
  if (deps_.metrics == nullptr) return;
  const std::string& uri = deps_.admission->orchestrator().service_uri();
  for (const ai::ModelState& m : deps_.runners->Models()) {
    Labels labels{{"pipeline", m.pipeline}, {"model_name", m.model_id}, {"orchestrator_uri", uri}};
    deps_.metrics->Set("livepeer_ai_container_in_use", m.in_use, labels);
    deps_.metrics->Set("livepeer_ai_container_idle", std::max(0, m.capacity - m.in_use), labels);
  }
}

}  // namespace baton::orchestrator

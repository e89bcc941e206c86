#include "worker/ai_worker_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "ai/worker_job.h"
#include "net/grpc_client.h"
#include "net/http_client.h"

namespace baton::worker {
namespace {

using Clock = std::chrono::steady_clock;

const std::string kAiWorkerAuth(ai::kWorkerAuthorization);
const std::string kAiWorkerErrorType(ai::kWorkerErrorType);
// An input file is an upload the orchestrator accepted (its AI bodies are bounded at 64 MiB).
constexpr size_t kMaxInputBytes = 64u << 20;
// A streamed LLM answer, buffered before it is posted: far more text than any model's context.
constexpr size_t kMaxStreamBytes = 16u << 20;

std::chrono::milliseconds Remaining(Clock::time_point deadline) {
  return std::max(std::chrono::milliseconds(1),
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
}

// One client per thread (an HttpClient is not shared between threads), kept so that the
// connection to the orchestrator is reused from job to job instead of a TLS handshake each.
http::HttpClient& ThreadHttpClient() {
  thread_local http::HttpClient client;
  return client;
}

}  // namespace

void DefineAiWorkerMetrics(Metrics& metrics) {
  metrics.DefineCounter("livepeer_ai_result_uploaded_total",
                        "AI results posted to the orchestrator");
  metrics.DefineCounter("livepeer_ai_result_upload_failed_total",
                        "AI results the orchestrator did not take");
  metrics.DefineHistogram("livepeer_ai_result_upload_time_seconds",
                          "Time to post an AI result to the orchestrator",
                          {.1, .25, .5, .75, 1, 2, 3, 5, 10});
}

AiWorkerClient::AiWorkerClient(AiWorkerClientOptions options)
    : options_(std::move(options)),
      // Queued jobs are not dropped at Stop: each is answered (with an error) so the
      // orchestrator's gateway is not left waiting for its 15-minute timeout.
      pool_({"ai worker jobs", std::max(1, options_.threads),
             static_cast<size_t>(std::max(1, options_.threads)) * 16,
             /*drop_queued_on_stop=*/false}) {}

AiWorkerClient::~AiWorkerClient() {
  Stop();
  pool_.Stop();
}

void AiWorkerClient::Stop() { stop_ = true; }

AiWorkerClient::Snapshot AiWorkerClient::snapshot() const {
  std::lock_guard lock(mu_);
  return state_;
}

absl::Status AiWorkerClient::Run() {
  // An orchestrator that finds this worker's version too old ends the stream at once with OK
  // (doc/wire.md 5.2), hence the hint in the log.
  return RunRegistrationLoop(
      {"AI worker", options_.orch_addr,
       "stream ended; an orchestrator of a newer version ends it at once", options_.max_backoff},
      stop_, [this] { return RunOnce(); },
      [this](const absl::Status& status) {
        std::lock_guard lock(mu_);
        state_.registered = false;
        state_.last_error = status.ok() ? "stream ended" : std::string(status.message());
      });
}

absl::Status AiWorkerClient::RunOnce() {
  net::RegisterAIWorkerRequest request;
  request.set_secret(options_.secret);
  if (options_.capabilities) *request.mutable_capabilities() = options_.capabilities();
  for (const auto& h : options_.hardware) *request.add_hardware() = h;
  http::GrpcClient client({options_.orch_addr, /*tls=*/true});
  spdlog::info("Registering AI worker to {}", options_.orch_addr);
  auto mark_registered = [this] {
    std::lock_guard lock(mu_);
    if (!state_.registered) {
      state_.registered = true;
      state_.registered_since = std::chrono::system_clock::now();
      state_.registrations++;
      state_.last_error.clear();  // what ended the previous registration no longer holds
    }
  };
  auto on_message = [&](std::string bytes) {
    mark_registered();  // a job proves the registration held
    net::NotifyAIJob notify;
    if (!notify.ParseFromString(bytes)) {
      spdlog::warn("Unreadable NotifyAIJob from {}", options_.orch_addr);
      return true;
    }
    {
      std::lock_guard lock(mu_);
      state_.in_flight++;
    }
    auto task = [this, notify, arrived = Clock::now()] { Handle(notify, arrived); };
    if (auto s = pool_.Submit(std::move(task)); !s.ok()) {
      // More jobs than the capacity advertised (or stopping): answered at once, on this thread
      // (it is rare and bounded), so the orchestrator's gateway can go on.
      spdlog::warn("AI task {} refused: {}", notify.taskid(), std::string(s.message()));
      {
        std::lock_guard lock(mu_);
        state_.in_flight--;
      }
      AiJob job;
      job.task_id = notify.taskid();
      job.pipeline = notify.aijobdata().pipeline();
      Post(job, {kAiWorkerErrorType, "insufficient capacity"}, std::chrono::seconds(5));
      std::lock_guard lock(mu_);
      state_.jobs_failed++;
    }
    return true;
  };
  // gRPC sends nothing before the first job, so a registration counts as held once the stream
  // stayed open for a moment (refusals such as "invalid secret" come at once).
  const auto started = Clock::now();
  auto should_stop = [this, started, &mark_registered] {
    if (Clock::now() - started > std::chrono::milliseconds(500)) mark_registered();
    return stop_.load();
  };
  return client.CallServerStreaming("/net.AIWorker/RegisterAIWorker", request.SerializeAsString(),
                                    on_message, should_stop);
}

void AiWorkerClient::Handle(const net::NotifyAIJob& notify, Clock::time_point arrived) {
  AiJob job;
  job.task_id = notify.taskid();
  job.pipeline = notify.aijobdata().pipeline();
  job.request_data = notify.aijobdata().requestdata();
  const auto start = Clock::now();
  auto result = Process(job);
  const auto processed = Clock::now();
  AiPayload payload = result.ok()
                          ? *std::move(result)
                          : AiPayload{kAiWorkerErrorType, std::string(result.status().message())};
  const bool posted = Post(job, payload, std::chrono::seconds(60));
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  if (result.ok()) {
    spdlog::info(
        "AI task {} {} {} done in {:.1f} ms (queued {:.1f} ms), result posted in {:.1f} ms",
        job.task_id, job.pipeline, job.model_id, ms(processed - start), ms(start - arrived),
        ms(Clock::now() - processed));
  } else {
    spdlog::warn("AI task {} {} {} failed after {:.1f} ms: {}", job.task_id, job.pipeline,
                 job.model_id, ms(processed - start), payload.body);
  }
  std::lock_guard lock(mu_);
  state_.in_flight--;
  (result.ok() && posted ? state_.jobs_done : state_.jobs_failed)++;
}

absl::StatusOr<AiPayload> AiWorkerClient::Process(AiJob& job) {
  const auto deadline = Clock::now() + options_.job_timeout;
  const std::stop_token stopping = pool_.stop_token();
  auto cancelled = [this, stopping] { return stop_.load() || stopping.stop_requested(); };
  if (cancelled()) return absl::UnavailableError("the AI worker is stopping");
  if (options_.conversions == nullptr)
    return absl::UnimplementedError("this AI worker has no payload conversions");
  if (auto s = options_.conversions->Read(job); !s.ok())
    return absl::InvalidArgumentError("AI request validation failed for " + job.pipeline +
                                      " pipeline: " + std::string(s.message()));

  // The input file, stored by the orchestrator under its /stream URL.
  std::string input;
  if (!job.input_url.empty()) {
    http::HttpClient& http = ThreadHttpClient();
    http::ClientRequest get;
    get.url = job.input_url;
    get.total_timeout = std::min(Remaining(deadline), std::chrono::milliseconds(120'000));
    get.max_response_bytes = kMaxInputBytes;
    get.cancelled = cancelled;
    auto reply = http.Send(get);
    if (!reply.ok())
      return absl::UnavailableError("input " + job.input_url + ": " +
                                    std::string(reply.status().message()));
    if (reply->status != 200)
      return absl::UnavailableError("input " + job.input_url + " answered " +
                                    std::to_string(reply->status));
    input = std::move(reply->body);
  }
  auto runner_request = options_.conversions->RunnerRequest(job, input);
  if (!runner_request.ok()) return runner_request.status();
  input.clear();

  auto lease = options_.runners->Borrow(job.pipeline, job.model_id, deadline);
  if (!lease.ok()) {
    if (absl::IsNotFound(lease.status()))
      return absl::NotFoundError("no workers can process job requested (no runner for " +
                                 job.pipeline + " " + job.model_id + " here)");
    return absl::ResourceExhaustedError("insufficient capacity");
  }
  ai::RunnerCall call;
  call.pipeline = job.pipeline;
  call.content_type = runner_request->content_type;
  call.body = runner_request->body;
  call.deadline = deadline;
  call.cancelled = cancelled;
  // A streaming /llm: the runner's events are buffered whole and posted as one body, so the
  // gateway gets them when the answer is complete. Bounded: a runner streaming without end is
  // cut off (the call then fails) rather than filling memory.
  std::string events;
  if (job.stream) {
    call.on_stream = [&events](std::string_view chunk) {
      if (events.size() + chunk.size() > kMaxStreamBytes) return false;
      events.append(chunk);
      return true;
    };
  }
  auto answer = (*lease)->Call(call);
  if (!answer.ok() && http::NeverSent(answer.status()) && Clock::now() < deadline) {
    // The runner is gone (a container that died since its last health check): the request
    // never reached it, so it is safe to send to another runner, once.
    (*lease)->MarkSuspect();
    lease->reset();
    lease = options_.runners->Borrow(job.pipeline, job.model_id, deadline);
    if (!lease.ok()) return absl::ResourceExhaustedError("insufficient capacity");
    events.clear();
    answer = (*lease)->Call(call);
  }
  if (!answer.ok()) {
    (*lease)->MarkSuspect();
    if (absl::IsDeadlineExceeded(answer.status()))
      return absl::DeadlineExceededError(job.pipeline +
                                         " runner did not answer within the job's deadline");
    return absl::UnavailableError(job.pipeline +
                                  " runner failed: " + std::string(answer.status().message()));
  }
  lease->reset();
  if (answer->status != 200)
    return absl::InternalError(job.pipeline + " container returned " +
                               std::to_string(answer->status) + ": " + answer->body.substr(0, 512));
  if (answer->streamed) return AiPayload{std::string(ai::kWorkerStreamType), std::move(events)};
  return options_.conversions->Result(job, answer->body);
}

bool AiWorkerClient::Post(const AiJob& job, const AiPayload& payload,
                          std::chrono::milliseconds timeout) {
  http::HttpClient& http = ThreadHttpClient();
  http::ClientRequest post;
  post.method = "POST";
  post.url = "https://" + options_.orch_addr + "/aiResults";
  post.headers = {{"authorization", kAiWorkerAuth},
                  {"credentials", options_.secret},
                  {"taskid", std::to_string(job.task_id)},
                  {"pipeline", job.pipeline},
                  {"content-type", payload.content_type}};
  if (payload.content_type == ai::kWorkerStreamType) post.headers.Add("cache-control", "no-cache");
  post.body = payload.body;
  post.has_body = true;
  post.version = http::ClientHttpVersion::kHttp2OverTls;
  post.total_timeout = stop_ ? std::min(timeout, std::chrono::milliseconds(5000)) : timeout;
  const auto upload_start = Clock::now();
  auto reply = http.Send(post);
  const double upload_s = std::chrono::duration<double>(Clock::now() - upload_start).count();
  const bool ok = reply.ok() && reply->status == 200;
  if (!reply.ok()) {
    spdlog::warn("Posting the result of AI task {} failed: {}", job.task_id,
                 std::string(reply.status().message()));
  } else if (reply->status != 200) {
    spdlog::warn("Orchestrator answered {} to the result of AI task {}: {}", reply->status,
                 job.task_id, reply->body.substr(0, 512));
  }
  if (options_.metrics != nullptr) {
    Labels labels{{"pipeline", job.pipeline},
                  {"model_name", job.model_id},
                  {"orchestrator_uri", "https://" + options_.orch_addr}};
    if (ok) {
      options_.metrics->Add("livepeer_ai_result_uploaded_total", 1, labels);
      options_.metrics->Observe("livepeer_ai_result_upload_time_seconds", upload_s, labels);
    } else {
      options_.metrics->Add("livepeer_ai_result_upload_failed_total", 1, labels);
    }
  }
  return ok;
}

}  // namespace baton::worker

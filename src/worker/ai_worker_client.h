// AiWorkerClient: the standalone AI worker's side of the O-W split (doc/wire.md 5.2), what
// `baton -aiWorker -orchAddr ... -orchSecret ... -aiModels ...` runs. It registers with the
// orchestrator over TLS (net.AIWorker/RegisterAIWorker with its secret, its AI capabilities and
// per-model constraints, and its hardware), and for each NotifyAIJob on the stream: reads the
// job's requestData, downloads its input file from input_url when the pipeline takes one (TLS
// not verified, as every go-livepeer client), borrows a local runner from its ai::RunnerPool,
// calls it, and posts the result to https://<orchAddr>/aiResults: multipart/mixed (file parts
// and one application/json part), text/event-stream for a streaming /llm (the runner's whole
// stream, buffered, then posted at once), or the error text as livepeer/ai-worker-error.
//
// The payload conversions (requestData -> runner body, runner answer -> result body) are the
// orchestrator's own, in ai/worker_job.h; this client reaches them through AiJobConversions so
// that its tests can use stand-ins.
//
// When the stream ends or cannot be opened it registers again (worker/registration_loop.h) after an
// exponential backoff (0.5 s, x1.5, capped at one minute, as go-livepeer's); "invalid secret" and
// "zero capacity" from the orchestrator are fatal and end Run with that error.
//
// Threads: Run blocks its caller on the stream; jobs run on an Executor of `threads` threads
// it owns (a job holds its thread while the runner works). Stop and snapshot may be called from
// any thread; the pool and the conversions must outlive the client.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ai/runner_pool.h"
#include "common/metrics.h"
#include "lp_rpc.pb.h"
#include "worker/executor.h"
#include "worker/registration_loop.h"

namespace baton::worker {

// One NotifyAIJob, as read from its requestData ({"input_url": ..., "request": ...}).
struct AiJob {
  int64_t task_id = 0;
  std::string pipeline;      // e.g. "text-to-speech"
  std::string request_data;  // the bytes the orchestrator sent
  std::string model_id;
  std::string input_url;  // empty when the pipeline takes no file
  bool stream = false;    // an /llm asking for server-sent events
};

// A body with its Content-Type.
struct AiPayload {
  std::string content_type;
  std::string body;
};

// The payload conversions of doc/wire.md 5.2 on the worker's side. Thread-safe.
class AiJobConversions {
 public:
  virtual ~AiJobConversions() = default;
  // Fills model_id, input_url and stream from job.request_data; InvalidArgument when unreadable.
  virtual absl::Status Read(AiJob& job) const = 0;
  // The runner's request body, with the downloaded input (empty when input_url is).
  virtual absl::StatusOr<AiPayload> RunnerRequest(const AiJob& job,
                                                  std::string_view input) const = 0;
  // The /aiResults body for the runner's 200 JSON answer.
  virtual absl::StatusOr<AiPayload> Result(const AiJob& job,
                                           std::string_view runner_answer) const = 0;
};

struct AiWorkerClientOptions {
  std::string orch_addr;  // host:port of the orchestrator's service port
  std::string secret;
  // What is advertised at each registration (built anew each time, so a runner's version
  // learned since the last one is included).
  std::function<net::Capabilities()> capabilities;
  std::vector<net::HardwareInformation> hardware;
  ai::RunnerPool* runners = nullptr;
  const AiJobConversions* conversions = nullptr;
  int threads = 1;                                 // jobs at once
  std::chrono::milliseconds job_timeout{300'000};  // arrival to runner answer
  Metrics* metrics = nullptr;                      // may be null
  std::chrono::milliseconds max_backoff{60'000};
};

class AiWorkerClient {
 public:
  explicit AiWorkerClient(AiWorkerClientOptions options);
  ~AiWorkerClient();

  // Registers and serves until Stop (OK) or a fatal answer (its error).
  absl::Status Run();
  // Ends the registration; running jobs are cancelled and answered with an error.
  void Stop();

  // last_error is empty while registered.
  struct Snapshot : RegistrationState {
    int64_t jobs_done = 0;
    int64_t jobs_failed = 0;
  };
  Snapshot snapshot() const;

 private:
  absl::Status RunOnce();
  void Handle(const net::NotifyAIJob& notify, std::chrono::steady_clock::time_point arrived);
  // The job's result or its error, as posted to /aiResults.
  absl::StatusOr<AiPayload> Process(AiJob& job);
  bool Post(const AiJob& job, const AiPayload& payload, std::chrono::milliseconds timeout);

  AiWorkerClientOptions options_;
  std::atomic<bool> stop_{false};
  Executor pool_;
  mutable std::mutex mu_;
  Snapshot state_;
};

// The metric families the client updates (go-livepeer's names), for the role to define.
void DefineAiWorkerMetrics(Metrics& metrics);

}  // namespace baton::worker

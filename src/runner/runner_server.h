// RunnerServer: baton-runner's HTTP front, the AI Runner HTTP API (doc/ai.md 1) around one
// Pipeline.
//
// Routes, each also with a trailing slash as FastAPI accepts: GET /health ({"status":"OK"}: the
// model loaded before the server started), GET /version ({pipeline, model_id, version} plus
// our "description" of the model), GET /hardware/info and /hardware/stats (no GPU: empty
// gpu_info/gpu_stats), and POST /<pipeline>. Other paths answer 404.
//
// A POST first passes the bearer-token check when a token is configured (401 with
// WWW-Authenticate: Bearer and {"detail":{"msg":"Invalid bearer token."}}); the pipeline then
// runs on a worker thread (inference blocks; the event loops only parse and answer) and its reply
// goes back through the response writer. A full work queue answers 503. Bodies over the
// pipeline's limit get the server's early 413.
//
// Threads: Start and Stop from the owner's thread (not from a handler). Handlers run on the
// server's loop threads, pipelines on `worker_threads` executor threads.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "net/server.h"
#include "runner/pipeline.h"
#include "worker/executor.h"

namespace baton::runner {

struct RunnerOptions {
  // "host:port" or ":port" (every interface); port 0 picks one.
  std::string bind_address = ":8000";
  // "" = no authentication (the AI Runner's AUTH_TOKEN).
  std::string auth_token;
  // /version's "version" (the AI Runner's VERSION).
  std::string version;
  // Requests run at once; more wait in a queue of `max_queued`.
  int worker_threads = 2;
  size_t max_queued = 64;
};

class RunnerServer {
 public:
  RunnerServer(std::unique_ptr<Pipeline> pipeline, RunnerOptions options);
  ~RunnerServer();
  RunnerServer(const RunnerServer&) = delete;
  RunnerServer& operator=(const RunnerServer&) = delete;

  // Binds and serves; returns the port.
  absl::StatusOr<int> Start();
  // Stops accepting, ends connections, drops queued requests, lets running inference finish.
  void Stop();

 private:
  void HandleInference(http::HttpRequest request, std::shared_ptr<http::ResponseWriter> response);
  bool Authorized(const http::HttpRequest& request) const;

  const std::unique_ptr<Pipeline> pipeline_;
  const RunnerOptions options_;
  worker::Executor executor_;
  http::Server server_;
};

}  // namespace baton::runner

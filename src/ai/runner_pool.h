// RunnerPool: where the orchestrator's AI handlers get a runner for one request. A runner is an
// HTTP server speaking the AI Runner API (doc/ai.md 1): a container the node manages through the
// Docker Engine API (ai/container_pool.h), a runner at a URL the operator named (the `url` key of
// -aiModels), or a remote AI worker. The handlers only see this interface, so they never know
// which one serves the request.
//
// Capacity: a managed runner serves one request at a time (a lease holds it); an external one up
// to its configured `capacity` at once. Borrow answers RESOURCE_EXHAUSTED with the text
// "insufficient capacity" when no runner can be had, the text go-livepeer gateways match on.
//
// Threads: every method may be called from any thread. Borrow may block while a cold container
// starts (up to its ready timeout), so callers run it off the network loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace baton::ai {

// One entry of -aiModels (doc/ai.md 3), as parsed from the JSON file or the inline list.
struct ModelSpec {
  std::string pipeline;  // runner pipeline name, e.g. "text-to-speech"
  std::string model_id;  // e.g. "espeak-ng"
  bool warm = false;     // started at boot and kept running
  int capacity = 1;      // managed: containers; external: concurrent requests
  std::string url;       // external runner base URL; empty: a managed container
  std::string token;     // bearer token sent to the runner (external), or given to it (managed)
  std::map<std::string, std::string> optimization_flags;  // env of warm managed containers
  // Pricing keys (price_per_unit, pixels_per_unit, currency, gateway) are the orchestrator's
  // business and are kept with its payment terms, not here.
};

// One request to a runner, in the AI Runner API's terms (doc/ai.md 1): the gateway's body for
// POST /<pipeline>, unchanged.
struct RunnerCall {
  std::string pipeline;      // the runner's path without "/", e.g. "text-to-speech"
  std::string content_type;  // of `body`: application/json, or multipart/form-data; boundary=...
  std::string_view body;     // not owned; must outlive Call
  std::chrono::steady_clock::time_point deadline;
  // The orchestrator's id of the request: a remote AI worker's input is stored under it.
  std::string request_id;
  // Set for a streaming /llm: each piece of a 200 answer's event stream goes here as it arrives
  // instead of into RunnerAnswer::body; returning false stops the call.
  std::function<bool(std::string_view chunk)> on_stream;
  // Set: polled while the call runs; true aborts it with CANCELLED (a stopping node).
  std::function<bool()> cancelled;
};

// A runner's answer. Any HTTP status is an answer: 200's body is the runner's JSON (empty when
// it was streamed), another status's body is its error document or text.
struct RunnerAnswer {
  int status = 0;
  std::string body;
  bool streamed = false;  // the 200 body went to RunnerCall::on_stream
};

// A runner held for one request. Destroying the lease gives the runner back.
class RunnerLease {
 public:
  virtual ~RunnerLease() = default;
  // Sends `call` to the runner and waits for its answer, at most until call.deadline.
  // The default POSTs to base_url()/<pipeline> over HTTP/1.1 with the bearer token; a remote AI
  // worker's lease sends the job over its registration stream instead (doc/wire.md 5.2).
  // Errors: UNAVAILABLE for a runner that could not be reached (http::NeverSent() says whether
  // the request surely never got there, so another runner may take it), DEADLINE_EXCEEDED,
  // CANCELLED, RESOURCE_EXHAUSTED for an oversized answer.
  virtual absl::StatusOr<RunnerAnswer> Call(const RunnerCall& call);
  virtual const std::string& base_url() const = 0;  // e.g. "http://127.0.0.1:8800"
  virtual const std::string& token() const = 0;     // bearer token to send; may be empty
  // The request failed in a way that says the runner is broken (connection refused, timeout):
  // the pool checks its health before lending it again.
  virtual void MarkSuspect() = 0;
};

// What capabilities advertise per model (doc/ai.md 5: warm, capacity, runnerVersion,
// capacityInUse).
struct ModelState {
  std::string pipeline;
  std::string model_id;
  bool warm = false;
  int capacity = 0;  // runners that can be had now or started, in use included
  int in_use = 0;
  std::string runner_version;  // lowest /version among running runners; empty if unknown
};

class RunnerPool {
 public:
  virtual ~RunnerPool() = default;
  // A runner for (pipeline, model_id), ready to take a request before `deadline`.
  virtual absl::StatusOr<std::unique_ptr<RunnerLease>> Borrow(
      std::string_view pipeline, std::string_view model_id,
      std::chrono::steady_clock::time_point deadline) = 0;
  virtual std::vector<ModelState> Models() const = 0;
  // Stops every runner this pool started; later Borrows fail. Idempotent.
  virtual void Stop() = 0;
};

}  // namespace baton::ai

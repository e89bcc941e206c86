// RemoteAiWorkers: AI workers that connect to the orchestrator (doc/wire.md 5.2), as one
// RunnerPool, so the AI routes use them as they use local runners (ai/runner_pool.h).
//
// A worker calls net.AIWorker/RegisterAIWorker with the -orchSecret (compared in constant time;
// a wrong one ends the call with "invalid secret") and its capabilities, whose per-model
// constraints (capacity, warm, runner version) become Models() for as long as its stream stays
// open; its hardware list joins the node's. A worker older than `min_version` is not attached
// and its call ends OK at once, as go-livepeer does. Borrow picks, as go-livepeer, the first
// registered worker whose model has capacity left and holds one unit until the lease goes.
//
// A lease's Call turns the gateway's request into a job (ai/worker_job.h): the upload is stored
// at <service_uri>/stream/<request>/<8 hex>.tempfile for the worker to fetch, and the job is sent
// as NotifyAIJob{taskId, AIJobData{pipeline, requestData}} on the worker's stream. It waits for
// the worker's POST /aiResults (Deliver) until the call's deadline. When that is the request's
// own deadline the call fails but the job keeps its unit of the worker's capacity until its
// result comes (and is dropped), so one slow job does not fail the worker's others; a worker
// with no result within max_wait (go-livepeer's 15 minutes) has its stream ended (go-livepeer
// disconnects it too; the worker reconnects). A worker whose stream
// is already closed fails with http::NeverSentError, so the handler retries elsewhere once; one
// that disconnects with the job under way fails the call UNAVAILABLE at once. The answer reads
// as a runner's: files as data URLs, errors as a 500 with the worker's text. LLM streaming:
// the worker's event stream is buffered whole and relayed when its post completes (not chunk by
// chunk as it arrives).
//
// POST /aiResults (Register): 401 for a wrong Authorization (Livepeer-AI-Worker-1.0) or
// Credentials, decided from the headers before any body is read (go-livepeer writes 401 and
// reads on); 415 for a Content-Type that does not parse or is none of the three result types;
// 400 "Invalid Task ID"; 500 when the body does not parse (the task gets the error too); else
// 200 "OK". Results for unknown or finished tasks are dropped.
//
// Threads: Attach/Detach/Deliver run on the service port's loop threads and never block;
// Borrow never blocks; Call blocks its caller (the AI executor). One mutex guards everything and
// is never held while writing to a stream. on_change runs outside it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ai/runner_pool.h"
#include "ai/worker_job.h"
#include "lp_rpc.pb.h"
#include "net/grpc_service.h"
#include "net/router.h"
#include "orchestrator/media_store.h"

namespace baton::orchestrator {

struct RemoteAiWorkersOptions {
  std::string service_uri;          // inputs are served at <service_uri>/stream/...
  MediaStore* store = nullptr;      // where the inputs wait for the worker's download
  std::string secret;               // -orchSecret
  std::string min_version;          // workers below it are ignored; empty: any
  std::function<void()> on_change;  // a worker came or went
  // go-livepeer's longest wait for a result; a call's own deadline may be shorter.
  std::chrono::milliseconds max_wait{15 * 60 * 1000};
};

class RemoteAiWorkers : public ai::RunnerPool {
 public:
  struct WorkerInfo {
    int64_t id = 0;
    std::string address;
    std::vector<ai::ModelState> models;
    std::chrono::system_clock::time_point connected_since;
  };

  explicit RemoteAiWorkers(RemoteAiWorkersOptions options);
  ~RemoteAiWorkers() override;

  // Serves net.AIWorker/RegisterAIWorker on `grpc` and POST /aiResults on `router`.
  void Register(http::GrpcService& grpc, http::Router& router);

  // A worker that passed the checks; jobs go to `stream`. Returns its id.
  int64_t Attach(const std::string& address, const net::Capabilities& capabilities,
                 std::vector<net::HardwareInformation> hardware,
                 std::shared_ptr<http::GrpcStreamWriter> stream);
  // Its stream ended, or it is being dropped: its models go, its jobs fail.
  void Detach(int64_t id);
  // A /aiResults post for `task_id`: false when no call waits for it.
  bool Deliver(int64_t task_id, absl::StatusOr<ai::WorkerResult> result);

  std::vector<WorkerInfo> Workers() const;
  std::vector<net::HardwareInformation> Hardware() const;
  int count() const;

  absl::StatusOr<std::unique_ptr<ai::RunnerLease>> Borrow(
      std::string_view pipeline, std::string_view model_id,
      std::chrono::steady_clock::time_point deadline) override;
  std::vector<ai::ModelState> Models() const override;
  void Stop() override;  // ends every worker's stream; later Borrows fail

 private:
  struct Worker;
  struct Task;
  class Lease;
  using Clock = std::chrono::steady_clock;

  void Release(int64_t worker, const std::string& pipeline, const std::string& model);
  // Disconnects the workers that kept an abandoned job past max_wait.
  void DropOverdueWorkers();
  absl::StatusOr<ai::RunnerAnswer> Run(const std::shared_ptr<Worker>& worker,
                                       const std::string& model, const ai::RunnerCall& call);
  void Changed();

  RemoteAiWorkersOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<int64_t, std::shared_ptr<Worker>> workers_;  // by id = registration order
  std::map<int64_t, std::shared_ptr<Task>> tasks_;      // jobs waiting for their result
  int64_t next_worker_id_ = 1;
  int64_t next_task_id_ = 0;  // go-livepeer's task ids count from 0
  bool stopped_ = false;
};

// A RunnerPool that forwards to one it does not own (so a CombinedRunnerPool can hold the
// RemoteAiWorkers the node also serves endpoints from). Stop is left to the owner.
class RunnerPoolRef : public ai::RunnerPool {
 public:
  explicit RunnerPoolRef(ai::RunnerPool* pool) : pool_(pool) {}
  absl::StatusOr<std::unique_ptr<ai::RunnerLease>> Borrow(
      std::string_view pipeline, std::string_view model_id,
      std::chrono::steady_clock::time_point deadline) override {
    return pool_->Borrow(pipeline, model_id, deadline);
  }
  std::vector<ai::ModelState> Models() const override { return pool_->Models(); }
  void Stop() override {}

 private:
  ai::RunnerPool* pool_;
};

}  // namespace baton::orchestrator

#include "orchestrator/ai_workers.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "ai/pipelines.h"
#include "common/absl_view.h"
#include "common/hex.h"
#include "net/http_client.h"
#include "net/multipart.h"
#include "orchestrator/capabilities.h"
#include "orchestrator/transcoder_endpoints.h"

namespace baton::orchestrator {
namespace {

// Results carry images, audio or a video: bounded like the gateway's uploads, with room.
constexpr size_t kMaxResultBytes = 128u << 20;
// How often a waiting call looks at its cancel flag (a stopping node).
constexpr std::chrono::milliseconds kCancelPoll{200};

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  return HexEncode(raw);
}

std::string Header(const http::HttpRequest& r, const char* name) {
  return r.headers.Get(name).value_or("");
}

// A runner-style error answer: {"detail": {"msg": ...}}, which the AI handler quotes.
ai::RunnerAnswer ErrorAnswer(int status, std::string_view message) {
  nlohmann::json doc = {{"detail", {{"msg", std::string(message)}}}};
  return ai::RunnerAnswer{
      status, doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), false};
}

}  // namespace

struct RemoteAiWorkers::Worker {
  WorkerInfo info;
  std::vector<net::HardwareInformation> hardware;
  std::shared_ptr<http::GrpcStreamWriter> stream;
  // (pipeline, model) -> units in use; the capacity is in info.models.
  std::map<std::pair<std::string, std::string>, int> in_use;
  bool gone = false;
};

struct RemoteAiWorkers::Task {
  int64_t worker_id = 0;
  std::string pipeline, model;
  std::optional<absl::StatusOr<ai::WorkerResult>> result;
  bool worker_gone = false;
  // The request gave up (its deadline) while the worker still works on the job: the task keeps
  // one unit of the worker's capacity until the result comes, or until `give_up`, when the
  // worker is disconnected as go-livepeer does after its 15 minutes.
  bool abandoned = false;
  std::chrono::steady_clock::time_point give_up;
};

class RemoteAiWorkers::Lease : public ai::RunnerLease {
 public:
  Lease(RemoteAiWorkers* pool, std::shared_ptr<Worker> worker, std::string pipeline,
        std::string model)
      : pool_(pool),
        worker_(std::move(worker)),
        pipeline_(std::move(pipeline)),
        model_(std::move(model)),
        url_("aiworker://" + worker_->info.address) {}
  ~Lease() override { pool_->Release(worker_->info.id, pipeline_, model_); }
  absl::StatusOr<ai::RunnerAnswer> Call(const ai::RunnerCall& call) override {
    return pool_->Run(worker_, model_, call);
  }
  const std::string& base_url() const override { return url_; }
  const std::string& token() const override { return token_; }
  void MarkSuspect() override {}  // a broken worker's stream ends; it is then gone

 private:
  RemoteAiWorkers* pool_;
  std::shared_ptr<Worker> worker_;
  std::string pipeline_, model_, url_, token_;
};

RemoteAiWorkers::RemoteAiWorkers(RemoteAiWorkersOptions options) : options_(std::move(options)) {}

RemoteAiWorkers::~RemoteAiWorkers() { Stop(); }

int64_t RemoteAiWorkers::Attach(const std::string& address, const net::Capabilities& capabilities,
                                std::vector<net::HardwareInformation> hardware,
                                std::shared_ptr<http::GrpcStreamWriter> stream) {
  auto w = std::make_shared<Worker>();
  w->info.address = address;
  w->info.connected_since = std::chrono::system_clock::now();
  for (const auto& [cap, constraints] : capabilities.constraints().percapability()) {
    const ai::Pipeline* p = ai::PipelineForCapability(static_cast<int>(cap));
    if (p == nullptr) continue;
    for (const auto& [model, c] : constraints.models()) {
      ai::ModelState m;
      m.pipeline = std::string(p->name);
      m.model_id = model;
      m.warm = c.warm();
      m.capacity = static_cast<int>(std::min<uint32_t>(c.capacity(), 1'000'000));
      m.runner_version = c.runnerversion();
      w->info.models.push_back(std::move(m));
    }
  }
  w->hardware = std::move(hardware);
  w->stream = std::move(stream);
  int64_t id;
  bool stopped;
  {
    std::lock_guard lock(mu_);
    id = w->info.id = next_worker_id_++;
    // Between Stop and the service port's stop a worker may still register: it is let go at
    // once rather than left attached, open and counted after Stop.
    stopped = stopped_;
    if (!stopped) workers_[id] = w;
  }
  if (stopped) {
    w->stream->Finish(http::GrpcCode::kUnavailable, "orchestrator stopping");
    return id;
  }
  std::string models;
  for (const ai::ModelState& m : w->info.models)
    models += (models.empty() ? "" : ", ") + m.pipeline + "/" + m.model_id + " x" +
              std::to_string(m.capacity);
  spdlog::info("AI worker {} attached from {}: {}", id, address,
               models.empty() ? "no models" : models);
  Changed();
  return id;
}

void RemoteAiWorkers::Detach(int64_t id) {
  std::shared_ptr<Worker> gone;
  {
    std::lock_guard lock(mu_);
    auto it = workers_.find(id);
    if (it == workers_.end()) return;
    gone = it->second;
    gone->gone = true;
    workers_.erase(it);
    for (auto it = tasks_.begin(); it != tasks_.end();) {
      if (it->second->worker_id == id) {
        it->second->worker_gone = true;
        if (it->second->abandoned) {  // nobody waits for it
          it = tasks_.erase(it);
          continue;
        }
      }
      ++it;
    }
    cv_.notify_all();
  }
  spdlog::info("AI worker {} at {} detached", id, gone->info.address);
  // The RPC ends OK, as go-livepeer's does; a no-op when the stream is already closed.
  gone->stream->Finish(http::GrpcCode::kOk);
  Changed();
}

bool RemoteAiWorkers::Deliver(int64_t task_id, absl::StatusOr<ai::WorkerResult> result) {
  std::lock_guard lock(mu_);
  auto it = tasks_.find(task_id);
  if (it == tasks_.end() || it->second->result) return false;
  if (it->second->abandoned) {  // too late for its request: the worker's unit is free again
    const Task& task = *it->second;
    if (auto w = workers_.find(task.worker_id); w != workers_.end()) {
      int& used = w->second->in_use[{task.pipeline, task.model}];
      used = std::max(0, used - 1);
    }
    tasks_.erase(it);
    return true;
  }
  it->second->result = std::move(result);
  cv_.notify_all();
  return true;
}

std::vector<RemoteAiWorkers::WorkerInfo> RemoteAiWorkers::Workers() const {
  std::lock_guard lock(mu_);
  std::vector<WorkerInfo> out;
  for (const auto& [id, w] : workers_) {
    out.push_back(w->info);
    for (ai::ModelState& m : out.back().models) {
      auto used = w->in_use.find({m.pipeline, m.model_id});
      m.in_use = used == w->in_use.end() ? 0 : used->second;
    }
  }
  return out;
}

std::vector<net::HardwareInformation> RemoteAiWorkers::Hardware() const {
  std::lock_guard lock(mu_);
  std::vector<net::HardwareInformation> out;
  for (const auto& [id, w] : workers_)
    out.insert(out.end(), w->hardware.begin(), w->hardware.end());
  return out;
}

int RemoteAiWorkers::count() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(workers_.size());
}

std::vector<ai::ModelState> RemoteAiWorkers::Models() const {
  std::vector<ai::ModelState> out;
  for (WorkerInfo& w : Workers())
    for (ai::ModelState& m : w.models) out.push_back(std::move(m));
  return out;
}

void RemoteAiWorkers::DropOverdueWorkers() {
  std::vector<int64_t> overdue;
  {
    std::lock_guard lock(mu_);
    const auto now = Clock::now();
    for (const auto& [task_id, task] : tasks_)
      if (task->abandoned && now >= task->give_up) overdue.push_back(task->worker_id);
  }
  for (int64_t id : overdue) {
    spdlog::warn("AI worker {}: no result within {} s of a job; disconnecting it", id,
                 std::chrono::duration_cast<std::chrono::seconds>(options_.max_wait).count());
    Detach(id);
  }
}

absl::StatusOr<std::unique_ptr<ai::RunnerLease>> RemoteAiWorkers::Borrow(
    std::string_view pipeline, std::string_view model_id, std::chrono::steady_clock::time_point) {
  DropOverdueWorkers();
  std::lock_guard lock(mu_);
  if (stopped_) return absl::NotFoundError("the node is stopping");
  bool served = false;
  for (auto& [id, w] : workers_) {
    for (const ai::ModelState& m : w->info.models) {
      if (m.pipeline != pipeline || m.model_id != model_id) continue;
      served = true;
      int& used = w->in_use[{m.pipeline, m.model_id}];
      if (used >= m.capacity) continue;
      ++used;
      return std::unique_ptr<ai::RunnerLease>(
          new Lease(this, w, std::string(pipeline), std::string(model_id)));
    }
  }
  if (!served) return absl::NotFoundError("no AI worker serves this model");
  return absl::ResourceExhaustedError("insufficient capacity");
}

void RemoteAiWorkers::Release(int64_t worker, const std::string& pipeline,
                              const std::string& model) {
  std::lock_guard lock(mu_);
  auto it = workers_.find(worker);
  if (it == workers_.end()) return;
  int& used = it->second->in_use[{pipeline, model}];
  used = std::max(0, used - 1);
}

absl::StatusOr<ai::RunnerAnswer> RemoteAiWorkers::Run(const std::shared_ptr<Worker>& worker,
                                                      const std::string& model,
                                                      const ai::RunnerCall& call) {
  const ai::Pipeline* pipeline = ai::FindPipeline(call.pipeline);
  if (pipeline == nullptr) return ErrorAnswer(404, "unknown pipeline " + call.pipeline);
  auto job = ai::MakeWorkerJob(*pipeline, call.content_type, call.body);
  if (!job.ok()) return ErrorAnswer(400, std::string(job.status().message()));
  std::string input_url;
  if (job->has_input) {
    // go-livepeer's name for a stored upload; the worker downloads it (doc/wire.md 5.2).
    const std::string request = call.request_id.empty() ? RandomHex(4) : call.request_id;
    const std::string path = request + "/" + RandomHex(4) + ".tempfile";
    options_.store->PutKept(path, std::move(job->input));
    input_url = options_.service_uri + "/stream/" + path;
  }
  net::NotifyAIJob notify;
  notify.mutable_aijobdata()->set_pipeline(call.pipeline);
  notify.mutable_aijobdata()->set_requestdata(ai::RequestData(input_url, job->request));
  auto task = std::make_shared<Task>();
  task->worker_id = worker->info.id;
  task->pipeline = call.pipeline;
  task->model = model;
  int64_t task_id;
  {
    std::lock_guard lock(mu_);
    if (worker->gone || stopped_)
      return http::NeverSentError("AI worker at " + worker->info.address + " disconnected");
    task_id = next_task_id_++;
    tasks_[task_id] = task;
  }
  notify.set_taskid(task_id);
  auto forget = [&] {
    std::lock_guard lock(mu_);
    tasks_.erase(task_id);
  };
  if (!worker->stream->Write(notify.SerializeAsString())) {
    forget();
    Detach(worker->info.id);
    return http::NeverSentError("AI worker at " + worker->info.address + " disconnected");
  }
  spdlog::info("AI job {} ({} {}) sent to AI worker {} at {}", task_id, call.pipeline,
               job->has_input ? input_url : "no input", worker->info.id, worker->info.address);
  task->give_up = Clock::now() + options_.max_wait;
  const auto deadline = std::min(call.deadline, task->give_up);
  std::unique_lock lock(mu_);
  while (!task->result && !task->worker_gone) {
    if (call.cancelled && call.cancelled()) {
      tasks_.erase(task_id);
      return absl::CancelledError("the node is stopping");
    }
    if (Clock::now() >= deadline && deadline < task->give_up) {
      // The request's own deadline: it fails, but the worker is not dropped for one slow job
      // (its other jobs would fail with it); the unit stays in use until the result comes.
      task->abandoned = true;
      ++worker->in_use[{task->pipeline, task->model}];  // the lease gives its unit back
      spdlog::warn("AI job {}: no result from AI worker {} within the request's deadline", task_id,
                   worker->info.id);
      return absl::DeadlineExceededError("Remote worker took too long");
    }
    if (Clock::now() >= deadline) {
      tasks_.erase(task_id);
      lock.unlock();
      spdlog::warn("AI job {}: AI worker {} at {} took too long; disconnecting it", task_id,
                   worker->info.id, worker->info.address);
      Detach(worker->info.id);
      return absl::DeadlineExceededError("Remote worker took too long");
    }
    cv_.wait_until(lock, std::min(deadline, Clock::now() + kCancelPoll));
  }
  tasks_.erase(task_id);
  if (!task->result)
    return absl::UnavailableError("AI worker at " + worker->info.address +
                                  " disconnected before it answered");
  absl::StatusOr<ai::WorkerResult> result = *std::move(task->result);
  lock.unlock();
  if (!result.ok())
    return ErrorAnswer(500, "unreadable result: " + std::string(result.status().message()));
  switch (result->kind) {
    case ai::WorkerResult::Kind::kError:
      return ErrorAnswer(500, result->body);
    case ai::WorkerResult::Kind::kStream:
      if (call.on_stream) {
        call.on_stream(result->body);
        return ai::RunnerAnswer{200, "", true};
      }
      return ai::RunnerAnswer{200, std::move(result->body), false};
    case ai::WorkerResult::Kind::kAnswer:
      break;
  }
  return ai::RunnerAnswer{200, std::move(result->body), false};
}

void RemoteAiWorkers::Stop() {
  std::vector<std::shared_ptr<Worker>> all;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    for (auto& [id, w] : workers_) {
      w->gone = true;
      all.push_back(w);
    }
    workers_.clear();
    for (auto& [id, task] : tasks_) task->worker_gone = true;
    cv_.notify_all();
  }
  for (auto& w : all) w->stream->Finish(http::GrpcCode::kUnavailable, "orchestrator stopping");
}

void RemoteAiWorkers::Changed() {
  if (options_.on_change) options_.on_change();
}

void RemoteAiWorkers::Register(http::GrpcService& grpc, http::Router& router) {
  grpc.AddServerStreaming(
      "/net.AIWorker/RegisterAIWorker", [this](std::string bytes, const http::GrpcCallContext& ctx,
                                               std::shared_ptr<http::GrpcStreamWriter> stream) {
        net::RegisterAIWorkerRequest request;
        if (!request.ParseFromString(bytes)) {
          return stream->Finish(
              http::GrpcCode::kInternal,
              "grpc: error unmarshalling request: invalid net.RegisterAIWorkerRequest");
        }
        // go-livepeer's text: workers match on it to decide the error is fatal.
        if (!SecretMatches(request.secret(), options_.secret)) {
          spdlog::warn("RegisterAIWorker from {}: invalid secret", ctx.peer_address());
          return stream->Finish(http::GrpcCode::kUnknown, "invalid secret");
        }
        const std::string& version = request.capabilities().version();
        if (!options_.min_version.empty() && !VersionAtLeast(version, options_.min_version)) {
          // go-livepeer ends the call OK without attaching the worker, which retries.
          spdlog::warn("AI worker at {} not attached: version {} is below {}", ctx.peer_address(),
                       version.empty() ? "(none)" : version, options_.min_version);
          return stream->Finish(http::GrpcCode::kOk);
        }
        std::vector<net::HardwareInformation> hardware(request.hardware().begin(),
                                                       request.hardware().end());
        int64_t id =
            Attach(ctx.peer_address(), request.capabilities(), std::move(hardware), stream);
        // The call stays open until the worker goes away or the pool lets it go.
        stream->SetOnCancel([this, id] { Detach(id); });
      });

  const std::string secret = options_.secret;
  auto check = [secret](http::HttpRequest& head) -> std::optional<http::Rejection> {
    if (Header(head, "Authorization") != ai::kWorkerAuthorization ||
        !SecretMatches(Header(head, "Credentials"), secret))
      return http::Rejection{401, "Unauthorized", {}};
    return std::nullopt;
  };
  router.Handle(
      "/aiResults", {"POST"},
      [this](http::HttpRequest req, std::shared_ptr<http::ResponseWriter> response) {
        const std::string content_type = Header(req, "Content-Type");
        auto media = http::MediaTypeOf(content_type);
        if (!media.ok()) return response->RespondError(415, std::string(media.status().message()));
        int64_t task_id = 0;
        if (!absl::SimpleAtoi(AsAbsl(Header(req, "TaskId")), &task_id))
          return response->RespondError(400, "Invalid Task ID");
        auto result = ai::ParseWorkerResult(Header(req, "Pipeline"), content_type, req.body);
        if (absl::IsFailedPrecondition(result.status())) {
          // go-livepeer answers OK and lets the task time out; here the task learns it at once.
          Deliver(task_id, result.status());
          return response->RespondError(415, std::string(result.status().message()));
        }
        if (!result.ok()) {
          spdlog::warn("Unreadable AI result for taskId={} from {}: {}", task_id, req.peer_address,
                       std::string(result.status().message()));
          Deliver(task_id, result.status());
          return response->RespondError(500, std::string(result.status().message()));
        }
        if (result->kind == ai::WorkerResult::Kind::kError)
          spdlog::warn("AI worker error for taskId={}: {}", task_id, result->body.substr(0, 512));
        if (!Deliver(task_id, *std::move(result)))
          spdlog::info("AI result for taskId={} dropped: no job waits for it", task_id);
        response->Respond(200, "text/plain; charset=utf-8", "OK");
      },
      check, kMaxResultBytes);
}

}  // namespace baton::orchestrator

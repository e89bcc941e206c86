#include "ai/external_runner_pool.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "net/http_client.h"

namespace baton::ai {
namespace {

http::HttpHeaders AuthHeaders(const std::string& token) {
  http::HttpHeaders h;
  if (!token.empty()) h.Add("authorization", "Bearer " + token);
  return h;
}

// The `status` of a /health answer; "" when the body is not the runner's JSON.
std::string HealthStatus(const std::string& body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object() || !doc.contains("status") || !doc["status"].is_string()) return "";
  return doc["status"].get<std::string>();
}

}  // namespace

absl::Status WaitForRunnerHealth(const std::string& url, const std::string& token,
                                 std::chrono::milliseconds timeout,
                                 std::chrono::milliseconds poll_interval) {
  http::HttpClient client;
  auto until = std::chrono::steady_clock::now() + timeout;
  std::string last = "no answer";
  while (true) {
    auto r = client.Get(url + "/health", AuthHeaders(token), std::chrono::milliseconds(5000));
    if (r.ok() && r->status == 200 && HealthStatus(r->body) != "ERROR") return absl::OkStatus();
    last = r.ok() ? "HTTP " + std::to_string(r->status) + " " + r->body.substr(0, 200)
                  : std::string(r.status().message());
    if (std::chrono::steady_clock::now() + poll_interval > until) break;
    std::this_thread::sleep_for(poll_interval);
  }
  return absl::UnavailableError("AI runner " + url + " not healthy within " +
                                std::to_string(timeout.count() / 1000) + " s: " + last);
}

std::string ReadRunnerVersion(const std::string& url, const std::string& token) {
  http::HttpClient client;
  auto r = client.Get(url + "/version", AuthHeaders(token), std::chrono::milliseconds(5000));
  if (!r.ok() || r->status != 200) return "";
  auto doc = nlohmann::json::parse(r->body, nullptr, false);
  if (!doc.is_object() || !doc.contains("version") || !doc["version"].is_string()) return "";
  return doc["version"].get<std::string>();
}

class ExternalRunnerPool::Lease : public RunnerLease {
 public:
  Lease(std::shared_ptr<State> state, size_t index, std::string url, std::string token)
      : state_(std::move(state)), index_(index), url_(std::move(url)), token_(std::move(token)) {}
  ~Lease() override {
    std::lock_guard lock(state_->mu);
    --state_->runners[index_].in_use;
  }
  const std::string& base_url() const override { return url_; }
  const std::string& token() const override { return token_; }
  // Not ours to restart; the next request finds out again.
  void MarkSuspect() override {}

 private:
  std::shared_ptr<State> state_;
  size_t index_;
  std::string url_;
  std::string token_;
};

ExternalRunnerPool::ExternalRunnerPool(std::vector<ModelSpec> specs, Options options)
    : options_(options), state_(std::make_shared<State>()) {
  for (ModelSpec& s : specs) {
    if (s.url.empty()) continue;
    state_->runners.push_back(Runner{std::move(s), 0, ""});
  }
}

ExternalRunnerPool::~ExternalRunnerPool() { Stop(); }

absl::Status ExternalRunnerPool::Start() {
  for (size_t i = 0; i < state_->runners.size(); ++i) {
    ModelSpec spec;
    {
      std::lock_guard lock(state_->mu);
      spec = state_->runners[i].spec;
    }
    if (auto s = WaitForRunnerHealth(spec.url, spec.token, options_.ready_timeout,
                                     options_.poll_interval);
        !s.ok())
      return s;
    std::string version = ReadRunnerVersion(spec.url, spec.token);
    spdlog::info("AI runner {} ready: {} {} (version {}, capacity {})", spec.url, spec.pipeline,
                 spec.model_id, version.empty() ? "unknown" : version, spec.capacity);
    std::lock_guard lock(state_->mu);
    state_->runners[i].version = version;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RunnerLease>> ExternalRunnerPool::Borrow(
    std::string_view pipeline, std::string_view model_id, std::chrono::steady_clock::time_point) {
  std::lock_guard lock(state_->mu);
  if (state_->stopped) return absl::UnavailableError("AI runners stopped");
  bool known = false;
  // The runner with the most free slots, so load spreads over runners of one model.
  Runner* best = nullptr;
  size_t best_index = 0;
  for (size_t i = 0; i < state_->runners.size(); ++i) {
    Runner& r = state_->runners[i];
    if (r.spec.pipeline != pipeline || r.spec.model_id != model_id) continue;
    known = true;
    if (r.in_use >= r.spec.capacity) continue;
    if (best == nullptr || r.spec.capacity - r.in_use > best->spec.capacity - best->in_use) {
      best = &r;
      best_index = i;
    }
  }
  if (!known) return absl::NotFoundError("no runner for this model");
  if (best == nullptr) return absl::ResourceExhaustedError("insufficient capacity");
  ++best->in_use;
  return std::unique_ptr<RunnerLease>(
      new Lease(state_, best_index, best->spec.url, best->spec.token));
}

std::vector<ModelState> ExternalRunnerPool::Models() const {
  std::lock_guard lock(state_->mu);
  std::vector<ModelState> out;
  for (const Runner& r : state_->runners) {
    ModelState* m = nullptr;
    for (ModelState& o : out)
      if (o.pipeline == r.spec.pipeline && o.model_id == r.spec.model_id) m = &o;
    if (m == nullptr) {
      out.push_back({r.spec.pipeline, r.spec.model_id, r.spec.warm, 0, 0, r.version});
      m = &out.back();
    }
    m->capacity += r.spec.capacity;
    m->in_use += r.in_use;
    if (!r.version.empty() && (m->runner_version.empty() || r.version < m->runner_version))
      m->runner_version = r.version;
  }
  return out;
}

void ExternalRunnerPool::Stop() {
  std::lock_guard lock(state_->mu);
  state_->stopped = true;
}

}  // namespace baton::ai

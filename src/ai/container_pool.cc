#include "ai/container_pool.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "ai/docker_client.h"
#include "common/absl_view.h"
#include "net/http_client.h"

namespace baton::ai {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr char kCreatorLabel[] = "creator";
constexpr char kCreator[] = "baton";
constexpr char kCreatorIdLabel[] = "creator_id";
constexpr char kModelsMount[] = "/models";
constexpr char kInsufficientCapacity[] = "insufficient capacity";  // gateways match this text

enum class State { kStarting, kIdle, kBusy, kChecking, kRemoving };

const char* StateName(State state) {
  switch (state) {
    case State::kStarting:
      return "starting";
    case State::kIdle:
      return "idle";
    case State::kBusy:
      return "busy";
    case State::kChecking:
      return "checking";
    case State::kRemoving:
      return "removing";
  }
  return "?";
}

struct Model {
  ModelSpec spec;  // capacity summed over repeated entries
  std::string image;
  bool image_ok = true;
};

struct Runner {
  uint64_t serial = 0;
  size_t model = 0;  // index into Core::models
  std::string name;
  std::string id;
  std::string slot;  // empty once its slot was handed to another runner (evicted)
  int port = 0;
  std::string url;
  bool warm = false;
  bool for_borrow = false;  // a cold start a Borrow waits for: counts as in use
  State state = State::kStarting;
  int failures = 0;
  Clock::time_point last_used;
  Clock::time_point loading_since;  // when a check first saw LOADING; reset when ready
  std::string version;
};

enum class Health { kReady, kLoading, kError, kUnreachable };

Health ProbeHealth(const std::string& url, const std::string& token, milliseconds timeout,
                   std::string* detail) {
  http::HttpClient client;
  http::ClientRequest request;
  request.url = url + "/health";
  request.version = http::ClientHttpVersion::kHttp1;
  request.connect_timeout = std::min(timeout, milliseconds(2000));
  request.total_timeout = timeout;
  request.max_response_bytes = 64 << 10;
  request.reuse_connection = false;
  if (!token.empty()) request.headers.Add("authorization", "Bearer " + token);
  absl::StatusOr<http::HttpResponse> response = client.Send(request);
  if (!response.ok()) {
    *detail = std::string(response.status().message());
    return Health::kUnreachable;
  }
  if (response->status != 200) {
    *detail = absl::StrCat("GET /health answered ", response->status);
    return Health::kUnreachable;
  }
  const std::string status = ParseRunnerHealth(response->body);
  if (status == "OK" || status == "IDLE") return Health::kReady;
  if (status == "LOADING") return Health::kLoading;
  *detail = status == "ERROR" ? "the runner reports ERROR" : "GET /health: unexpected body";
  return status == "ERROR" ? Health::kError : Health::kUnreachable;
}

std::string FetchVersion(const std::string& url, milliseconds timeout) {
  http::HttpClient client;
  http::ClientRequest request;
  request.url = url + "/version";
  request.version = http::ClientHttpVersion::kHttp1;
  request.total_timeout = timeout;
  request.max_response_bytes = 64 << 10;
  request.reuse_connection = false;
  absl::StatusOr<http::HttpResponse> response = client.Send(request);
  if (!response.ok() || response->status != 200) return "";
  return ParseRunnerVersion(response->body);
}

// True when nothing listens on host_ip:port now (another program's server, or a container the
// engine published for someone else).
bool PortFree(const std::string& host_ip, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host_ip.c_str(), &address.sin_addr) != 1)
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return free;
}

std::string Sanitize(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-';
    out += ok ? c : '-';
  }
  return out;
}

class ContainerLease;

}  // namespace

struct ContainerPool::Core : std::enable_shared_from_this<ContainerPool::Core> {
  ContainerPoolOptions options;
  std::vector<Model> models;
  std::vector<std::string> slots;
  std::unique_ptr<DockerClient> docker;

  std::mutex stop_mu;  // serializes Stop
  mutable std::mutex mu;
  std::condition_variable cv;
  bool started = false;
  bool stopped = false;
  std::atomic<bool> stopping{false};
  bool check_now = false;
  uint64_t next_serial = 1;
  std::map<uint64_t, Runner> runners;
  std::map<std::string, uint64_t> slot_owner;  // slot -> runner serial
  std::set<int> ports;
  int next_port_offset = 0;
  int starts_in_flight = 0;
  std::deque<std::pair<size_t, Clock::time_point>> warm_queue;  // model, not before
  std::thread watch_thread;
  std::thread warm_thread;

  std::optional<size_t> FindModel(std::string_view pipeline, std::string_view model_id) const {
    for (size_t i = 0; i < models.size(); ++i)
      if (models[i].spec.pipeline == pipeline && models[i].spec.model_id == model_id) return i;
    return std::nullopt;
  }

  int RunnersOf(size_t model) const {  // REQUIRES mu
    int n = 0;
    for (const auto& [serial, r] : runners)
      if (r.model == model && r.state != State::kRemoving) ++n;
    return n;
  }

  int AllocatePort() {  // REQUIRES mu; 0 when none is free
    for (int i = 0; i < options.host_port_count; ++i) {
      const int port = options.first_host_port + (next_port_offset + i) % options.host_port_count;
      if (ports.count(port) || !PortFree(options.host_ip, port)) continue;
      next_port_offset = (next_port_offset + i + 1) % options.host_port_count;
      ports.insert(port);
      return port;
    }
    return 0;
  }

  // Reserves a slot and a port for a new runner of `model` (REQUIRES mu). When every slot is
  // taken, an idle cold container of another model gives up its slot: it is returned in
  // *evicted for the caller to remove (outside the lock) before starting the new one.
  absl::StatusOr<uint64_t> Reserve(size_t model, bool warm, bool for_borrow, Runner* evicted) {
    std::string slot;
    for (const std::string& s : slots)
      if (!slot_owner.count(s)) {
        slot = s;
        break;
      }
    if (slot.empty()) {
      for (auto& [serial, r] : runners) {
        if (r.state == State::kIdle && !r.warm && r.model != model && !r.slot.empty()) {
          slot = r.slot;
          r.slot.clear();
          r.state = State::kRemoving;
          *evicted = r;
          break;
        }
      }
    }
    if (slot.empty()) return absl::ResourceExhaustedError(kInsufficientCapacity);
    const int port = AllocatePort();
    if (port == 0) {
      if (evicted->serial != 0) {  // undo the eviction
        runners[evicted->serial].slot = slot;
        runners[evicted->serial].state = State::kIdle;
        *evicted = Runner{};
      }
      return absl::ResourceExhaustedError(
          absl::StrCat(kInsufficientCapacity, ": no free host port in ", options.first_host_port,
                       "-", options.first_host_port + options.host_port_count - 1));
    }
    Runner r;
    r.serial = next_serial++;
    r.model = model;
    r.slot = slot;
    r.port = port;
    r.url = absl::StrCat("http://", options.host_ip, ":", port);
    r.name = ContainerName(options.creator_id, models[model].spec.pipeline,
                           models[model].spec.model_id, port);
    r.warm = warm;
    r.for_borrow = for_borrow;
    r.state = State::kStarting;
    r.last_used = Clock::now();
    slot_owner[slot] = r.serial;
    runners[r.serial] = r;
    return r.serial;
  }

  void Release(uint64_t serial) {  // REQUIRES mu
    auto it = runners.find(serial);
    if (it == runners.end()) return;
    if (!it->second.slot.empty()) {
      auto owner = slot_owner.find(it->second.slot);
      if (owner != slot_owner.end() && owner->second == serial) slot_owner.erase(owner);
    }
    ports.erase(it->second.port);
    runners.erase(it);
  }

  ContainerSpec SpecFor(const Runner& r, bool warm) const {
    const Model& model = models[r.model];
    ContainerSpec spec;
    spec.name = r.name;
    spec.image = model.image;
    spec.env = {"PIPELINE=" + model.spec.pipeline, "MODEL_ID=" + model.spec.model_id};
    if (!model.spec.token.empty()) spec.env.push_back("AUTH_TOKEN=" + model.spec.token);
    // go-livepeer gives optimization flags to warm containers only: they slow a cold start.
    if (warm)
      for (const auto& [key, value] : model.spec.optimization_flags)
        spec.env.push_back(key + "=" + value);
    if (options.verbose_logs) spec.env.push_back("VERBOSE_LOGGING=1");
    spec.labels[kCreatorLabel] = kCreator;
    if (!options.creator_id.empty()) spec.labels[kCreatorIdLabel] = options.creator_id;
    spec.labels["baton.pipeline"] = model.spec.pipeline;
    spec.labels["baton.model_id"] = model.spec.model_id;
    if (!options.models_dir.empty()) spec.binds.emplace_back(options.models_dir, kModelsMount);
    spec.container_port = options.container_port;
    spec.host_ip = options.host_ip;
    spec.host_port = r.port;
    if (!options.gpus.empty()) spec.gpu_ids = {r.slot};
    return spec;
  }

  std::string LogsExcerpt(const std::string& id) {
    absl::StatusOr<std::string> logs = docker->Logs(id, 20);
    if (!logs.ok() || logs->empty()) return "";
    std::string text = *logs;
    if (text.size() > 2000) text = text.substr(text.size() - 2000);
    return "; its last log lines: " + text;
  }

  // Creates and starts the container for `plan` and waits until it is ready (no lock held).
  // Returns the container id; on any failure the container is removed.
  absl::StatusOr<std::string> StartContainer(const Runner& plan, bool warm,
                                             Clock::time_point deadline) {
    const Model& model = models[plan.model];
    const ContainerSpec spec = SpecFor(plan, warm);
    const auto began = Clock::now();
    absl::StatusOr<std::string> id = docker->Create(spec);
    if (id.status().code() == absl::StatusCode::kAlreadyExists) {
      // A container of ours by that name survived (e.g. a failed removal): replace it.
      (void)docker->Remove(spec.name);
      id = docker->Create(spec);
    }
    if (!id.ok()) return id.status();
    auto fail = [&](absl::Status status) -> absl::Status {
      std::string logs = LogsExcerpt(*id);
      if (absl::Status removed = docker->Remove(*id); !removed.ok())
        spdlog::warn("AI runner container {}: {}", spec.name, std::string(removed.message()));
      return absl::Status(status.code(),
                          absl::StrCat("AI runner ", model.spec.pipeline, "/", model.spec.model_id,
                                       " (container ", spec.name, "): ", status.message(), logs));
    };
    const auto created = Clock::now();
    if (absl::Status s = docker->Start(*id); !s.ok()) return fail(s);
    const auto start_answered = Clock::now();
    // Polls start fast and slow down to poll_interval: a small runner is up in a few tens of
    // milliseconds, and a cold start is latency a request waits for.
    milliseconds wait = std::min(options.poll_interval, milliseconds(25));
    // Running, per the engine.
    while (true) {
      if (stopping) return fail(absl::CancelledError("the pool is stopping"));
      absl::StatusOr<ContainerStatus> status = docker->Inspect(*id);
      if (!status.ok()) return fail(status.status());
      if (status->running) break;
      if (status->status == "exited" || status->status == "dead")
        return fail(absl::UnavailableError(
            absl::StrCat("the container ", status->status, " with code ", status->exit_code,
                         status->error.empty() ? "" : ": ", status->error)));
      if (Clock::now() + wait > deadline)
        return fail(absl::DeadlineExceededError("not running before the deadline"));
      std::this_thread::sleep_for(wait);
      wait = std::min(2 * wait, options.poll_interval);
    }
    const auto running = Clock::now();
    // Ready, per the runner.
    std::string detail;
    wait = std::min(options.poll_interval, milliseconds(25));
    while (true) {
      if (stopping) return fail(absl::CancelledError("the pool is stopping"));
      const milliseconds left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      const Health health =
          ProbeHealth(plan.url, model.spec.token,
                      std::min(std::max(left, milliseconds(100)), options.health_timeout), &detail);
      if (health == Health::kReady) break;
      if (health == Health::kError) return fail(absl::UnavailableError(detail));
      if (health == Health::kUnreachable) {
        absl::StatusOr<ContainerStatus> status = docker->Inspect(*id);
        if (status.ok() && !status->running && !status->restarting)
          return fail(absl::UnavailableError(
              absl::StrCat("the container stopped with code ", status->exit_code)));
      }
      if (Clock::now() + wait > deadline)
        return fail(absl::DeadlineExceededError(absl::StrCat(
            "not healthy within ",
            std::chrono::duration_cast<milliseconds>(deadline - began).count() / 1000.0,
            " s: ", health == Health::kLoading ? "still LOADING" : detail)));
      std::this_thread::sleep_for(wait);
      wait = std::min(2 * wait, options.poll_interval);
    }
    auto s = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
    const auto ready = Clock::now();
    spdlog::info(
        "AI runner {}/{} ready in {:.2f} s (create {:.2f}, start {:.2f}, running {:.2f}, healthy "
        "{:.2f}): container {} ({}), slot {}, {}",
        model.spec.pipeline, model.spec.model_id, s(ready - began), s(created - began),
        s(start_answered - created), s(running - start_answered), s(ready - running), spec.name,
        id->substr(0, 12), plan.slot, plan.url);
    return id;
  }

  // Starts one runner of `model` with the lock held on entry and exit (released meanwhile).
  // A warm one ends idle (in the pool); a cold one for a Borrow ends busy (lent).
  absl::StatusOr<uint64_t> StartOne(std::unique_lock<std::mutex>& lock, size_t model, bool warm,
                                    Clock::time_point deadline) {
    Runner evicted;
    absl::StatusOr<uint64_t> serial = Reserve(model, warm, /*for_borrow=*/!warm, &evicted);
    if (!serial.ok()) return serial.status();
    ++starts_in_flight;
    const Runner plan = runners[*serial];
    const milliseconds ready_timeout = warm && !models[model].spec.optimization_flags.empty()
                                           ? options.ready_timeout_with_flags
                                           : options.ready_timeout;
    deadline = std::min(deadline, Clock::now() + ready_timeout);
    lock.unlock();
    if (evicted.serial != 0) {
      spdlog::info("AI runner container {} removed: its slot {} is needed", evicted.name,
                   plan.slot);
      if (absl::Status s = docker->Remove(evicted.id); !s.ok())
        spdlog::warn("AI runner container {}: {}", evicted.name, std::string(s.message()));
    }
    absl::StatusOr<std::string> id = StartContainer(plan, warm, deadline);
    std::string version;
    if (id.ok()) version = FetchVersion(plan.url, options.health_timeout);
    lock.lock();
    if (evicted.serial != 0) Release(evicted.serial);
    --starts_in_flight;
    cv.notify_all();
    if (id.ok() && stopping) {
      Release(*serial);
      lock.unlock();
      (void)docker->Remove(*id);
      lock.lock();
      return absl::UnavailableError("the AI runner pool is stopping");
    }
    if (!id.ok()) {
      Release(*serial);
      return id.status();
    }
    Runner& r = runners[*serial];
    r.id = *id;
    r.version = version;
    r.state = warm ? State::kIdle : State::kBusy;
    r.last_used = Clock::now();
    return *serial;
  }

  void Return(uint64_t serial, bool suspect) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = runners.find(serial);
    if (it == runners.end() || it->second.state != State::kBusy) return;
    it->second.for_borrow = false;
    it->second.last_used = Clock::now();
    if (suspect) {
      // Checked by the watch thread before it is lent again.
      it->second.state = State::kChecking;
      check_now = true;
      cv.notify_all();
    } else {
      it->second.state = State::kIdle;
    }
  }

  // Removes containers (no lock held): gracefully for an idle timeout, at once for a dead one.
  void RemoveContainers(const std::vector<std::pair<Runner, bool>>& doomed) {
    for (const auto& [r, graceful] : doomed) {
      if (graceful) (void)docker->Stop(r.id, options.stop_grace);
      if (absl::Status s = docker->Remove(r.id); !s.ok())
        spdlog::warn("AI runner container {}: {}", r.name, std::string(s.message()));
    }
  }

  void WatchLoop() {
    std::unique_lock<std::mutex> lock(mu);
    while (!stopping) {
      cv.wait_for(lock, options.watch_interval, [&] { return stopping || check_now; });
      if (stopping) break;
      check_now = false;
      struct Target {
        uint64_t serial;
        std::string url;
        std::string token;
      };
      std::vector<Target> targets;
      for (const auto& [serial, r] : runners)
        if (r.state == State::kIdle || r.state == State::kChecking)
          targets.push_back({serial, r.url, models[r.model].spec.token});
      lock.unlock();
      std::vector<std::pair<Health, std::string>> results;
      for (const Target& t : targets) {
        std::string detail;
        Health health = ProbeHealth(t.url, t.token, options.health_timeout, &detail);
        results.emplace_back(health, std::move(detail));
      }
      lock.lock();
      if (stopping) break;
      std::vector<std::pair<Runner, bool>> doomed;  // runner, graceful
      for (size_t i = 0; i < targets.size(); ++i) {
        auto it = runners.find(targets[i].serial);
        if (it == runners.end()) continue;
        Runner& r = it->second;
        if (r.state != State::kIdle && r.state != State::kChecking) continue;
        auto& [health, detail] = results[i];
        if (health == Health::kReady) {
          r.failures = 0;
          r.loading_since = {};
          r.state = State::kIdle;
          continue;
        }
        if (health == Health::kLoading) {  // up but not ready: not lent until it is
          if (r.loading_since == Clock::time_point{}) r.loading_since = Clock::now();
          r.state = State::kChecking;
          if (Clock::now() - r.loading_since <= options.ready_timeout) continue;
        }
        // ERROR, or a failed check after a failed request (suspect), is final; LOADING for
        // longer than a start may take counts one failure per check.
        const bool suspect = r.state == State::kChecking && health != Health::kLoading;
        r.failures =
            (health == Health::kError || suspect) ? options.max_health_failures : r.failures + 1;
        if (health == Health::kLoading) detail = "LOADING for longer than the ready timeout";
        spdlog::warn("AI runner container {} failed its health check ({}/{}): {}", r.name,
                     r.failures, options.max_health_failures, detail);
        if (r.failures >= options.max_health_failures) {
          r.state = State::kRemoving;
          doomed.emplace_back(r, false);
        }
      }
      const auto now = Clock::now();
      if (options.cold_idle_timeout.count() > 0) {
        for (auto& [serial, r] : runners) {
          if (r.state == State::kIdle && !r.warm &&
              now - r.last_used >= options.cold_idle_timeout) {
            spdlog::info(
                "AI runner container {} removed after {} s idle", r.name,
                std::chrono::duration_cast<std::chrono::seconds>(now - r.last_used).count());
            r.state = State::kRemoving;
            doomed.emplace_back(r, true);
          }
        }
      }
      cv.notify_all();  // a checked runner may be idle again
      if (doomed.empty()) continue;
      lock.unlock();
      RemoveContainers(doomed);
      lock.lock();
      for (const auto& [r, graceful] : doomed) {
        Release(r.serial);
        if (r.warm && !graceful && !stopping) {
          spdlog::warn("AI runner container {} is dead; starting a new warm one", r.name);
          warm_queue.emplace_back(r.model, Clock::now());
        }
      }
      cv.notify_all();
    }
  }

  void WarmLoop() {
    std::unique_lock<std::mutex> lock(mu);
    while (true) {
      cv.wait(lock, [&] { return stopping || !warm_queue.empty(); });
      if (stopping) break;
      auto [model, not_before] = warm_queue.front();
      if (Clock::now() < not_before) {
        cv.wait_until(lock, not_before, [&] { return bool(stopping); });
        continue;
      }
      warm_queue.pop_front();
      if (RunnersOf(model) >= models[model].spec.capacity) continue;
      absl::StatusOr<uint64_t> serial =
          StartOne(lock, model, /*warm=*/true, Clock::time_point::max());
      if (!serial.ok() && !stopping) {
        spdlog::error("AI runner: a warm {}/{} could not start (trying again in {} ms): {}",
                      models[model].spec.pipeline, models[model].spec.model_id,
                      2 * options.watch_interval.count(), std::string(serial.status().message()));
        warm_queue.emplace_back(model, Clock::now() + 2 * options.watch_interval);
      }
    }
  }

  absl::Status RemoveLeftovers() {
    absl::StatusOr<std::vector<ContainerSummary>> list = docker->List({{kCreatorLabel, kCreator}});
    if (!list.ok()) return list.status();
    for (const ContainerSummary& c : *list) {
      auto id_label = c.labels.find(kCreatorIdLabel);
      const bool ours = id_label == c.labels.end() ? true : id_label->second == options.creator_id;
      if (!ours) continue;
      spdlog::info("AI runner container {} ({}) left from an earlier run: removing it", c.name,
                   c.state);
      if (absl::Status s = docker->Remove(c.id); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
};

namespace {

class ContainerLease : public RunnerLease {
 public:
  ContainerLease(std::shared_ptr<ContainerPool::Core> core, uint64_t serial, std::string url,
                 std::string token)
      : core_(std::move(core)), serial_(serial), url_(std::move(url)), token_(std::move(token)) {}
  ~ContainerLease() override { core_->Return(serial_, suspect_); }
  const std::string& base_url() const override { return url_; }
  const std::string& token() const override { return token_; }
  void MarkSuspect() override { suspect_ = true; }

 private:
  std::shared_ptr<ContainerPool::Core> core_;
  uint64_t serial_;
  std::string url_;
  std::string token_;
  bool suspect_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ContainerPool>> ContainerPool::Create(std::vector<ModelSpec> models,
                                                                     ContainerPoolOptions options) {
  auto core = std::make_shared<Core>();
  absl::StatusOr<std::string> socket =
      options.docker_host.empty() ? DockerClient::SocketPathFromEnvironment()
                                  : DockerClient::SocketPathFromDockerHost(options.docker_host);
  if (!socket.ok()) return socket.status();
  if (options.host_port_count <= 0 || options.first_host_port <= 0 ||
      options.first_host_port + options.host_port_count > 65536)
    return absl::InvalidArgumentError("AI runner host port range is not within 1-65535");
  if (options.gpus.empty() && options.cpu_slots <= 0)
    return absl::InvalidArgumentError("AI runners need at least one slot");
  if (options.max_health_failures < 1) options.max_health_failures = 1;
  core->docker = std::make_unique<DockerClient>(*socket);
  if (options.gpus.empty()) {
    for (int i = 0; i < options.cpu_slots; ++i) core->slots.push_back(absl::StrCat("emulated-", i));
  } else {
    core->slots = options.gpus;
  }
  for (ModelSpec& spec : models) {
    if (!spec.url.empty())
      return absl::InvalidArgumentError(absl::StrCat("AI model ", spec.pipeline, "/", spec.model_id,
                                                     " has a url: it is not a managed runner"));
    if (spec.pipeline.empty() || spec.model_id.empty())
      return absl::InvalidArgumentError("an AI model needs a pipeline and a model_id");
    if (spec.capacity <= 0) spec.capacity = 1;
    std::optional<size_t> existing = core->FindModel(spec.pipeline, spec.model_id);
    if (existing) {
      Model& m = core->models[*existing];
      if (m.spec.warm != spec.warm)
        return absl::InvalidArgumentError(
            absl::StrCat("AI model ", spec.pipeline, "/", spec.model_id, " is both warm and cold"));
      m.spec.capacity += spec.capacity;
      continue;
    }
    absl::StatusOr<std::string> image = options.images.ImageFor(spec.pipeline, spec.model_id);
    if (!image.ok()) return image.status();
    core->models.push_back(Model{std::move(spec), *image, true});
  }
  core->options = std::move(options);
  return std::unique_ptr<ContainerPool>(new ContainerPool(std::move(core)));
}

ContainerPool::ContainerPool(std::shared_ptr<Core> core) : core_(std::move(core)) {}

ContainerPool::~ContainerPool() { Stop(); }

absl::Status ContainerPool::Start() {
  Core& core = *core_;
  {
    std::lock_guard<std::mutex> lock(core.mu);
    if (core.started || core.stopping) return absl::FailedPreconditionError("already started");
  }
  absl::StatusOr<std::string> version = core.docker->Version();
  if (!version.ok()) return version.status();
  spdlog::info("AI runners: container engine {} at {}", *version, core.docker->socket_path());
  if (absl::Status s = core.RemoveLeftovers(); !s.ok()) return s;
  if (!core.options.models_dir.empty()) {
    // The engine refuses to bind a folder that does not exist.
    std::error_code error;
    std::filesystem::create_directories(core.options.models_dir, error);
    if (error)
      return absl::FailedPreconditionError(
          absl::StrCat("AI models folder ", core.options.models_dir, ": ", error.message()));
  }
  std::vector<bool> image_ok;
  for (const Model& m : core.models) {
    absl::StatusOr<bool> present = core.docker->ImageExists(m.image);
    if (!present.ok()) return present.status();
    if (!*present && core.options.pull_missing_images) {
      spdlog::info("AI runner image {} for {}/{} is not present: pulling it", m.image,
                   m.spec.pipeline, m.spec.model_id);
      if (absl::Status pulled = core.docker->Pull(m.image, core.options.pull_timeout); !pulled.ok())
        spdlog::warn("AI runner image {}: {}", m.image, std::string(pulled.message()));
      present = core.docker->ImageExists(m.image);
      if (!present.ok()) return present.status();
    }
    image_ok.push_back(*present);
    if (*present) continue;
    if (m.spec.warm)
      return absl::FailedPreconditionError(absl::StrCat("AI runner image ", m.image, " for warm ",
                                                        m.spec.pipeline, "/", m.spec.model_id,
                                                        " is not present in the container engine"));
    spdlog::warn("AI runner image {} for {}/{} is not present: that model has no capacity", m.image,
                 m.spec.pipeline, m.spec.model_id);
  }
  std::unique_lock<std::mutex> lock(core.mu);
  for (size_t i = 0; i < core.models.size(); ++i) core.models[i].image_ok = image_ok[i];
  core.started = true;
  for (size_t i = 0; i < core.models.size(); ++i) {
    if (!core.models[i].spec.warm) continue;
    for (int n = 0; n < core.models[i].spec.capacity; ++n) {
      absl::StatusOr<uint64_t> serial =
          core.StartOne(lock, i, /*warm=*/true, Clock::time_point::max());
      if (!serial.ok()) return serial.status();
    }
  }
  core.watch_thread = std::thread([&core] { core.WatchLoop(); });
  core.warm_thread = std::thread([&core] { core.WarmLoop(); });
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RunnerLease>> ContainerPool::Borrow(std::string_view pipeline,
                                                                   std::string_view model_id,
                                                                   Clock::time_point deadline) {
  Core& core = *core_;
  std::unique_lock<std::mutex> lock(core.mu);
  if (!core.started || core.stopping)
    return absl::UnavailableError("the AI runner pool is not running");
  std::optional<size_t> model = core.FindModel(pipeline, model_id);
  if (!model)
    return absl::NotFoundError(absl::StrCat("no managed AI runner for pipeline ", AsAbsl(pipeline),
                                            " and model ", AsAbsl(model_id)));
  const Model& m = core.models[*model];
  // A runner being checked (its last request failed) or removed frees its slot within a health
  // check: wait for that rather than refuse a request a moment before a runner is free again.
  const auto settle_by =
      std::min(deadline, Clock::now() + 2 * core.options.health_timeout + std::chrono::seconds(2));
  absl::StatusOr<uint64_t> serial = absl::ResourceExhaustedError(kInsufficientCapacity);
  while (true) {
    for (auto& [id, r] : core.runners) {
      if (r.model == *model && r.state == State::kIdle) {
        r.state = State::kBusy;
        return std::unique_ptr<RunnerLease>(new ContainerLease(core_, id, r.url, m.spec.token));
      }
    }
    if (!m.image_ok) return absl::ResourceExhaustedError(kInsufficientCapacity);
    if (core.RunnersOf(*model) < m.spec.capacity) {
      serial = core.StartOne(lock, *model, /*warm=*/false, deadline);
      if (serial.ok() || serial.status().code() != absl::StatusCode::kResourceExhausted) break;
    }
    bool settling = false;
    for (const auto& [id, r] : core.runners)
      settling |= r.state == State::kChecking || r.state == State::kRemoving;
    if (!settling || Clock::now() >= settle_by) break;
    core.cv.wait_until(lock, settle_by);
    if (core.stopping) return absl::UnavailableError("the AI runner pool is not running");
  }
  if (!serial.ok()) {
    if (serial.status().code() != absl::StatusCode::kResourceExhausted)
      spdlog::warn("{}", std::string(serial.status().message()));
    return serial.status();
  }
  const Runner& r = core.runners[*serial];
  return std::unique_ptr<RunnerLease>(
      new ContainerLease(core_, *serial, r.url, core.models[*model].spec.token));
}

std::vector<ModelState> ContainerPool::Models() const {
  const Core& core = *core_;
  std::lock_guard<std::mutex> lock(core.mu);
  std::vector<ModelState> out;
  for (size_t i = 0; i < core.models.size(); ++i) {
    const Model& m = core.models[i];
    ModelState state;
    state.pipeline = m.spec.pipeline;
    state.model_id = m.spec.model_id;
    state.warm = m.spec.warm;
    state.capacity = m.image_ok ? m.spec.capacity : 0;
    for (const auto& [serial, r] : core.runners) {
      if (r.model != i) continue;
      if (r.state == State::kBusy || (r.state == State::kStarting && r.for_borrow)) ++state.in_use;
      if (!r.version.empty() && (state.runner_version.empty() || r.version < state.runner_version))
        state.runner_version = r.version;
    }
    out.push_back(std::move(state));
  }
  return out;
}

std::vector<ManagedContainer> ContainerPool::Containers() const {
  const Core& core = *core_;
  std::lock_guard<std::mutex> lock(core.mu);
  std::vector<ManagedContainer> out;
  for (const auto& [serial, r] : core.runners) {
    const Model& m = core.models[r.model];
    out.push_back({r.name, r.id, m.spec.pipeline, m.spec.model_id, r.slot, r.url, r.warm,
                   StateName(r.state), r.version});
  }
  return out;
}

void ContainerPool::Stop() {
  Core& core = *core_;
  std::lock_guard<std::mutex> stop_lock(core.stop_mu);
  {
    std::lock_guard<std::mutex> lock(core.mu);
    if (core.stopped) return;
    core.stopping = true;
    core.cv.notify_all();
  }
  if (core.watch_thread.joinable()) core.watch_thread.join();
  if (core.warm_thread.joinable()) core.warm_thread.join();
  std::vector<Runner> all;
  {
    std::unique_lock<std::mutex> lock(core.mu);
    core.cv.wait(lock, [&] { return core.starts_in_flight == 0; });
    for (auto& [serial, r] : core.runners) all.push_back(r);
    const bool started = core.started;
    core.runners.clear();
    core.slot_owner.clear();
    core.ports.clear();
    core.stopped = true;
    if (!started) return;
  }
  for (const Runner& r : all) {
    if (r.id.empty()) continue;
    if (absl::Status s = core.docker->Remove(r.id); !s.ok())
      spdlog::warn("AI runner container {}: {}", r.name, std::string(s.message()));
  }
  // Anything of ours the engine still has (a create whose answer was lost).
  if (absl::Status s = core.RemoveLeftovers(); !s.ok())
    spdlog::warn("AI runners: could not list leftover containers: {}", std::string(s.message()));
  if (!all.empty()) spdlog::info("AI runners: {} containers removed", all.size());
}

std::string ParseRunnerHealth(std::string_view body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return "";
  auto it = json.find("status");
  return it != json.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string ParseRunnerVersion(std::string_view body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return "";
  auto it = json.find("version");
  return it != json.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string ContainerName(std::string_view creator_id, std::string_view pipeline,
                          std::string_view model_id, int port) {
  std::string name = "baton-";
  if (!creator_id.empty()) absl::StrAppend(&name, Sanitize(creator_id.substr(0, 48)), "-");
  absl::StrAppend(&name, Sanitize(pipeline), "_", Sanitize(model_id.substr(0, 96)), "_", port);
  return name;
}

}  // namespace baton::ai

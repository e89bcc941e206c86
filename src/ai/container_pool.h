// ContainerPool: the RunnerPool of managed runners (doc/ai.md 4), AI Runner containers the node
// creates and removes through the Docker Engine API (ai/docker_client.h). One container serves
// one (pipeline, model) and one request at a time; it occupies a slot (a GPU named by -nvidia,
// or a CPU slot `emulated-<i>` when there is none) and a host port from the pool's own
// allocator (127.0.0.1, published to the container's port 8000).
//
// Life of a container: created with PIPELINE, MODEL_ID (and AUTH_TOKEN when the model has a
// token; optimization flags for warm ones), the models folder bound at /models and the GPU
// requested; started; ready once the engine says running and GET /health answers 200 with a
// status other than ERROR and LOADING. Warm models get `capacity` containers at Start and keep
// them: a warm container that dies (two failed health checks, or ERROR) is replaced. Cold ones
// are created by the first Borrow that finds none idle (the caller waits for it, until its
// deadline or the ready timeout) and removed after `cold_idle_timeout` without use, dead, or
// when their slot is needed by another model. Idle containers are health-checked; a lent one
// is checked when it comes back if the request marked it suspect. Start removes this node's
// containers left from a crash (label creator_id); Stop removes all of this pool's containers.
//
// Ownership and threads: the pool owns two threads, started by Start and joined by Stop: the
// watch thread (health checks every `watch_interval`, idle timeouts, removals) and the warm
// thread (replaces dead warm containers). Borrow runs a cold start on the caller's thread.
// Every public method is thread-safe. A lease may outlive Stop and the pool itself (it keeps
// the pool's shared state alive; returning it after Stop does nothing).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ai/runner_images.h"
#include "ai/runner_pool.h"

namespace baton::ai {

struct ContainerPoolOptions {
  std::string docker_host;        // "unix:///path"; empty: $DOCKER_HOST, else /var/run/docker.sock
  std::string models_dir;         // bound at /models (-aiModelsDir; Start creates it); empty: none
  RunnerImages images;            // from -aiRunnerImage / -aiRunnerImageOverrides
  std::vector<std::string> gpus;  // -nvidia ids ("all" already expanded); empty: CPU slots
  int cpu_slots = 1;              // without GPUs: slots emulated-0 .. emulated-<n-1>
  // Labels this node's containers (creator=baton, creator_id=<this>) so a restarted node finds
  // its leftovers and nobody else's; e.g. the service address or the ETH address.
  std::string creator_id;
  std::string host_ip = "127.0.0.1";
  int first_host_port = 8000;  // host ports are taken from [first, first + count), skipping any
  int host_port_count = 1000;  // that another process already listens on
  int container_port = 8000;
  bool verbose_logs = false;  // VERBOSE_LOGGING=1 in the runner
  // Start pulls a model's image the engine lacks (go-livepeer does); a failed pull leaves that
  // model without capacity.
  bool pull_missing_images = true;
  std::chrono::milliseconds pull_timeout{std::chrono::minutes(30)};
  std::chrono::milliseconds ready_timeout{std::chrono::minutes(3)};
  std::chrono::milliseconds ready_timeout_with_flags{std::chrono::minutes(5)};
  std::chrono::milliseconds poll_interval{500};  // while starting: the longest wait between polls
  std::chrono::milliseconds watch_interval{std::chrono::seconds(5)};
  std::chrono::milliseconds health_timeout{std::chrono::seconds(5)};
  int max_health_failures = 2;
  std::chrono::seconds stop_grace{8};
  // A cold container idle this long is removed; 0 keeps it until its slot is needed.
  std::chrono::milliseconds cold_idle_timeout{std::chrono::minutes(10)};
};

// One container, as the pool sees it (for metrics, the status page and tests).
struct ManagedContainer {
  std::string name;
  std::string id;
  std::string pipeline;
  std::string model_id;
  std::string slot;  // GPU id or emulated-<i>
  std::string url;   // http://127.0.0.1:<port>
  bool warm = false;
  std::string state;  // "starting", "idle", "busy", "checking", "removing"
  std::string version;
};

class ContainerPool : public RunnerPool {
 public:
  // `models` are the managed entries of -aiModels (url empty); repeated (pipeline, model)
  // entries add their capacity. Checks the options; contacts nothing yet.
  static absl::StatusOr<std::unique_ptr<ContainerPool>> Create(std::vector<ModelSpec> models,
                                                               ContainerPoolOptions options);
  ~ContainerPool() override;  // Stop()

  // Removes this node's leftover containers, checks each model's image is present (pulling a
  // missing one; a model whose image is still missing has no capacity), starts the warm containers
  // (blocking until they are ready; an error if one fails) and the pool's threads.
  absl::Status Start();

  absl::StatusOr<std::unique_ptr<RunnerLease>> Borrow(
      std::string_view pipeline, std::string_view model_id,
      std::chrono::steady_clock::time_point deadline) override;
  std::vector<ModelState> Models() const override;
  void Stop() override;

  std::vector<ManagedContainer> Containers() const;

  struct Core;  // shared with leases and the threads

 private:
  explicit ContainerPool(std::shared_ptr<Core> core);
  std::shared_ptr<Core> core_;
};

// The runner's GET /health body ({"status": "OK" | "LOADING" | "IDLE" | "ERROR"}): the status
// text, or "" when the body is not that shape. Runner replies are untrusted.
std::string ParseRunnerHealth(std::string_view body);
// GET /version's {"version": ...}, or "".
std::string ParseRunnerVersion(std::string_view body);
// A container name from its parts: characters Docker refuses become '-'.
std::string ContainerName(std::string_view creator_id, std::string_view pipeline,
                          std::string_view model_id, int port);

}  // namespace baton::ai

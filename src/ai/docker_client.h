// DockerClient: the few calls of the Docker Engine API (versioned paths, /v1.41/...) that the
// node needs to run AI runner containers (doc/ai.md 4): create, start, inspect, list by label,
// stop, kill, remove, logs, and whether an image is present. It speaks HTTP/1.1 over the Unix
// socket that DOCKER_HOST names (unix:///path; default /var/run/docker.sock) through the
// project's one HTTP client (net/http_client.h). Docker's daemon and podman's Docker-compatible
// service both answer it.
//
// Errors: the engine's own message ({"message": ...}) becomes the status text; 400 is
// INVALID_ARGUMENT, 404 NOT_FOUND, 409 ALREADY_EXISTS (a name in use), 5xx UNAVAILABLE, others
// INTERNAL; an unreachable socket is UNAVAILABLE. Engine responses are untrusted bytes: the
// Parse* functions below never throw and are fuzzed (docker_client_fuzz.cc).
//
// Threads: every method may be called from any thread at once; each call uses its own HTTP
// client (a Unix socket connect costs microseconds), so a slow stop never holds up an inspect.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace baton::ai {

// What to create (the subset of Docker's container config and host config the node uses).
struct ContainerSpec {
  std::string name;  // [a-zA-Z0-9][a-zA-Z0-9_.-]*
  std::string image;
  std::vector<std::string> env;  // "NAME=value"
  std::map<std::string, std::string> labels;
  std::vector<std::string> cmd;  // empty: the image's own command
  // Bind mounts, host folder -> container path.
  std::vector<std::pair<std::string, std::string>> binds;
  // Bridge networking with one published port (container_port/tcp -> host_ip:host_port), or
  // the host's network (the container then listens on the host's ports itself).
  bool host_network = false;
  int container_port = 8000;
  std::string host_ip = "127.0.0.1";
  int host_port = 0;  // 0: not published
  // GPUs by id, as `--gpus device=<id>` (DeviceRequests with capability "gpu").
  std::vector<std::string> gpu_ids;
  std::string restart_policy = "on-failure";  // "" or "no": never restarted by the engine
  int restart_max_retries = 3;
};

struct ContainerStatus {
  std::string id;
  std::string name;    // without the leading '/'
  std::string status;  // "created", "running", "exited", "dead", ...
  bool running = false;
  bool restarting = false;
  int exit_code = 0;
  int restart_count = 0;
  std::string error;  // the engine's note on why it failed, if any
};

struct ContainerSummary {
  std::string id;
  std::string name;   // first name, without the leading '/'
  std::string state;  // "running", "exited", ...
  std::map<std::string, std::string> labels;
};

class DockerClient {
 public:
  // The socket path a DOCKER_HOST value names: "unix:///run/x.sock" -> "/run/x.sock"; an empty
  // value means /var/run/docker.sock. tcp:// and ssh:// hosts are refused (INVALID_ARGUMENT).
  static absl::StatusOr<std::string> SocketPathFromDockerHost(std::string_view docker_host);
  // The same, for the DOCKER_HOST environment variable.
  static absl::StatusOr<std::string> SocketPathFromEnvironment();

  explicit DockerClient(std::string socket_path,
                        std::chrono::milliseconds call_timeout = std::chrono::seconds(30));

  const std::string& socket_path() const { return socket_path_; }

  // The engine's version text ("24.0.7", or podman's "4.3.1"): a cheap liveness check.
  absl::StatusOr<std::string> Version();
  absl::StatusOr<bool> ImageExists(const std::string& image);
  // Pulls `image` ("name[:tag]") from its registry, waiting up to `timeout` for the whole
  // download; the engine's progress stream is read for an error.
  absl::Status Pull(const std::string& image, std::chrono::milliseconds timeout);
  // Returns the new container's id.
  absl::StatusOr<std::string> Create(const ContainerSpec& spec);
  absl::Status Start(const std::string& id);  // a running container is fine
  absl::StatusOr<ContainerStatus> Inspect(const std::string& id);
  // Containers in every state whose labels include all of `labels`.
  absl::StatusOr<std::vector<ContainerSummary>> List(
      const std::map<std::string, std::string>& labels);
  absl::Status Stop(const std::string& id, std::chrono::seconds grace);  // stopped is fine
  absl::Status Kill(const std::string& id);                              // SIGKILL
  absl::Status Remove(const std::string& id);  // forced (kills a running one); missing is fine
  // The last `tail` lines of stdout and stderr together.
  absl::StatusOr<std::string> Logs(const std::string& id, int tail);

 private:
  struct Reply {
    int status = 0;
    std::string body;
  };
  absl::StatusOr<Reply> Call(const std::string& method, const std::string& path,
                             const std::string* json_body,
                             std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

  std::string socket_path_;
  std::chrono::milliseconds call_timeout_;
};

// Pure request/response code, exposed for tests and the fuzz target.
std::string CreateRequestBody(const ContainerSpec& spec);
absl::StatusOr<std::string> ParseCreateResponse(std::string_view body);
absl::StatusOr<ContainerStatus> ParseInspectResponse(std::string_view body);
absl::StatusOr<std::vector<ContainerSummary>> ParseListResponse(std::string_view body);
absl::StatusOr<std::string> ParseVersionResponse(std::string_view body);
// A pull's progress stream (JSON objects, one a line): OK, or the first {"error": ...} in it.
absl::Status ParsePullStream(std::string_view body);
// An error reply as a status carrying the engine's message (or a short excerpt of the body).
absl::Status EngineError(std::string_view what, int http_status, std::string_view body);
// Docker's log stream without a TTY is framed (8-byte headers: stream, 0, 0, 0, big-endian
// length); this joins the frames' payloads. Text that is not framed is returned as it is.
std::string DemultiplexLogs(std::string_view raw);

}  // namespace baton::ai

// libFuzzer target: a reply body as a container engine (anything listening on DOCKER_HOST's
// socket) or a managed runner container may send it, through every parser the node applies to
// such replies: container create, inspect, list and version, error messages, the framed log
// stream, an image pull's progress stream, and the runner's /health and /version. Built only by
// fuzz/ (never linked into baton).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ai/container_pool.h"
#include "ai/docker_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace baton::ai;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)ParseCreateResponse(body);
  (void)ParseInspectResponse(body);
  (void)ParseListResponse(body);
  (void)ParseVersionResponse(body);
  (void)EngineError("fuzz", 409, body);
  (void)DemultiplexLogs(body);
  (void)ParsePullStream(body);
  (void)ParseRunnerHealth(body);
  (void)ParseRunnerVersion(body);
  return 0;
}

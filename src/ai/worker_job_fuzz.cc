// libFuzzer target: the two remote AI worker payloads that arrive from the network
// (doc/wire.md 5.2): requestData as a worker reads it from an orchestrator's NotifyAIJob, and a
// /aiResults body as the orchestrator reads it from a worker. The first byte picks the
// pipeline; the second half of the rest, after a 0xff byte if there is one, is the result
// body, sent as multipart/mixed with a fixed boundary (and as the other two types). A job that
// parses is rebuilt into its runner call, and a gateway body through MakeWorkerJob, so the
// writers run on whatever the parsers accept. The result half is also a runner's answer as the
// AI worker role turns it into its /aiResults body (MakeWorkerResult, frames "encoded" by a
// stand-in that concatenates them), read back as the orchestrator would. Invariants: a parsed
// job names its model, and a rebuilt JSON request parses again. Built only by fuzz/ (never
// linked into baton).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ai/worker_job.h"

namespace baton::ai {
namespace {

absl::StatusOr<std::string> ConcatFrames(const std::vector<std::string>& frames, int fps) {
  if (frames.empty() || fps <= 0) return absl::InvalidArgumentError("no frames");
  std::string out;
  for (const std::string& f : frames) out += f;
  return out;
}

void FuzzWorkerJob(const uint8_t* data, size_t size) {
  if (size < 1) return;
  const auto& pipelines = BatchPipelines();
  const Pipeline& pipeline = pipelines[data[0] % pipelines.size()];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string_view request_data = rest, result = rest;
  if (size_t cut = rest.find('\xff'); cut != std::string_view::npos) {
    request_data = rest.substr(0, cut);
    result = rest.substr(cut + 1);
  }
  auto job = ParseRequestData(pipeline.name, request_data);
  if (job.ok()) {
    if (job->pipeline != &pipeline) std::abort();
    Body body = MakeRunnerRequest(*job, "input");
    if (body.data.empty()) std::abort();
    auto again = nlohmann::json::parse(job->request, nullptr, false);
    if (again.is_discarded()) std::abort();
  }
  for (std::string_view type :
       {std::string_view("multipart/mixed; boundary=fuzzboundary"),
        std::string_view("text/event-stream"), std::string_view("livepeer/ai-worker-error")}) {
    auto parsed = ParseWorkerResult(pipeline.name, type, result);
    if (parsed.ok() && parsed->kind == WorkerResult::Kind::kAnswer &&
        nlohmann::json::parse(parsed->body, nullptr, false).is_discarded())
      std::abort();
  }
  ReceivedJob received;
  received.pipeline = &pipeline;
  received.fps = data[0] >> 4;
  if (auto made = MakeWorkerResult(received, result, ConcatFrames); made.ok()) {
    if (made->content_type.empty()) std::abort();
    (void)ParseWorkerResult(pipeline.name, made->content_type, made->data);
  }
  (void)MakeWorkerJob(pipeline, "multipart/form-data; boundary=fuzzboundary", result);
  (void)MakeWorkerJob(pipeline, "application/json", request_data);
}

}  // namespace
}  // namespace baton::ai

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  baton::ai::FuzzWorkerJob(data, size);
  return 0;
}

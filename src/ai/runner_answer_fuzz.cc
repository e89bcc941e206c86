// libFuzzer target: a runner's answer as the orchestrator's AI routes read it (doc/ai.md 2.2,
// 2.4), from a runner container or a remote AI worker. The first byte picks the pipeline and
// whether the gateway sent the AI worker marker; the rest is the 200 answer, and is also read
// as an error body. The frame encoder is a stand-in that concatenates the frames (no FFmpeg
// here). Invariants: a rewritten answer is JSON, names one media per stored URL, and its media
// URLs carry the prefix. Built only by fuzz/ (never linked into baton).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ai/pipelines.h"
#include "ai/runner_answer.h"

namespace baton::ai {
namespace {

absl::StatusOr<std::string> ConcatFrames(const std::vector<std::string>& frames, int fps) {
  if (frames.empty() || fps <= 0) return absl::InvalidArgumentError("no frames");
  std::string out;
  for (const std::string& f : frames) out += f;
  return out;
}

void FuzzRunnerAnswer(const uint8_t* data, size_t size) {
  if (size < 1) return;
  const auto& pipelines = BatchPipelines();
  const std::string_view pipeline = pipelines[(data[0] & 0x7f) % pipelines.size()].name;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  RunnerAnswerOptions options;
  options.gateway_marker = (data[0] & 0x80) != 0;
  options.url_prefix = "https://o/stream/r/";
  options.encode = ConcatFrames;
  auto answer = RewriteRunnerAnswer(pipeline, body, options);
  if (answer.ok()) {
    auto doc = nlohmann::json::parse(answer->body, nullptr, false);
    if (doc.is_discarded()) std::abort();
    size_t urls = 0;
    for (size_t at = answer->body.find("https://o/stream/r/"); at != std::string::npos;
         at = answer->body.find("https://o/stream/r/", at + 1))
      ++urls;
    if (urls < answer->media.size()) std::abort();
    for (const AnswerMedia& m : answer->media)
      if (m.name.empty()) std::abort();
  }
  (void)RunnerErrorText(body);
}

}  // namespace
}  // namespace baton::ai

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  baton::ai::FuzzRunnerAnswer(data, size);
  return 0;
}

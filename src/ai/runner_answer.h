// A runner's 200 answer to a batch AI request, as the orchestrator's AI routes answer it to the
// gateway (doc/ai.md 2.2, 2.4): the answer is untrusted bytes (a runner container, or a remote
// AI worker's result, doc/wire.md 5.2), so it is parsed here without exceptions, every value's
// type checked before use. Data URLs under images[].url, frames[][].url and audio.url become
// media to store and the answer's URLs point at them; image answers stay inline for gateways
// without the AI worker marker; image-to-video frames become one MP4 (the encoder is injected,
// so tests and the fuzz target need no FFmpeg). Also the text of a runner's error body.
//
// The caller (AiHandler) stores the media and answers the body. Pure functions; thread-safe
// as far as the injected callbacks are.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace baton::ai {

// Encodes image-to-video frames (PNG bytes) into one MP4 at `fps`: ai::FramesToMp4 in the node.
using FramesEncoder =
    std::function<absl::StatusOr<std::string>(const std::vector<std::string>& frames, int fps)>;

struct RunnerAnswerOptions {
  // The gateway sent `Authorization: Livepeer-AI-Worker-1.0`; without it, text-to-image,
  // image-to-image and upscale answers keep their data URLs (doc/ai.md 2.2).
  bool gateway_marker = true;
  int fps = 7;             // image-to-video's frame rate (the request's, 7 by default)
  std::string url_prefix;  // a stored media's URL is url_prefix + its name
  // A fresh name for a media with this extension (".png", ".jpg", ".wav", ".mp4", ".bin").
  std::function<std::string(std::string_view extension)> name_for;
  FramesEncoder encode;  // image-to-video; an answer with frames fails without it
};

struct AnswerMedia {
  std::string name;  // from name_for; its URL is url_prefix + name
  std::string bytes;
};

struct RewrittenAnswer {
  std::string body;                // the JSON for the gateway
  std::vector<AnswerMedia> media;  // to store before answering `body`
};

// Rewrites `body`, the runner's 200 answer for `pipeline`. Errors (Internal, with the message
// the gateway sees): "<pipeline> container returned invalid JSON" (also nested deeper than
// kMaxJsonDepth, common/json_depth.h),
// "... an undecodable data URL", "... an undecodable frame", "<pipeline> result could not be
// encoded: <why>". Nothing else in the answer is checked: text passes through.
absl::StatusOr<RewrittenAnswer> RewriteRunnerAnswer(std::string_view pipeline,
                                                    std::string_view body,
                                                    const RunnerAnswerOptions& options);

// The text of a runner's error body: {"detail": {"msg": ...}}, {"detail": "..."}, another
// detail as JSON (a 422's list), or the first 512 bytes of the raw body.
std::string RunnerErrorText(std::string_view body);

}  // namespace baton::ai

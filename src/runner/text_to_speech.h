// Text-to-speech with eSpeak NG (model id "espeak-ng"): the runner API's /text-to-speech
// (doc/ai.md 1.2): JSON {text, model_id?, description?} -> {"audio":{"url":"data:audio/wav;..."}}.
//
// libespeak-ng keeps one global synthesiser per process, so this pipeline loads it once and
// serialises requests on a mutex. `description` (a voice description for the GPU runner's
// Parler-TTS) is accepted and ignored: eSpeak speaks American English with its f5 voice
// variant at 140 words per minute.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "runner/pipeline.h"

namespace baton::runner {

// Initialises libespeak-ng from paths.espeak_data; fails if its data cannot be loaded.
absl::StatusOr<std::unique_ptr<Pipeline>> CreateTextToSpeech(const ModelPaths& paths);

}  // namespace baton::runner

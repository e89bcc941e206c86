// Upscale by 4 with a classical Lanczos filter (libswscale; model id "lanczos"): the runner API's
// /upscale (doc/ai.md 1.2): multipart {prompt, image file, model_id?, seed?, ...} ->
// {images:[{url: PNG data URL, seed, nsfw: false}]}.
//
// This is resampling, not a learned super-resolution model such as the GPU runner's Stable
// Diffusion x4 upscaler: it invents no detail and ignores the prompt. The answer says so in an
// extra top-level field, "scaler" (clients that read only `images` are unaffected), and the
// runner's /version reports it. Inputs up to 1024x1024 (output 4096x4096). Stateless; any number
// of requests run at once.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "runner/pipeline.h"

namespace baton::runner {

absl::StatusOr<std::unique_ptr<Pipeline>> CreateUpscale();

// The "scaler" field of every answer.
inline constexpr char kUpscaleScalerNote[] =
    "lanczos: 4x Lanczos resampling (libswscale), a classical scaler, not a learned model";

}  // namespace baton::runner

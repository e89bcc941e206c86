// Image-to-text with Tesseract OCR and its English data (model id "tesseract"): the runner API's
// /image-to-text (doc/ai.md 1.2): multipart {image file, prompt?, model_id?} -> {text}.
//
// Where the GPU runner captions the image (BLIP), this one returns the text written in it, line
// by line; `prompt` is accepted and ignored. A file over 50 MB is 413; an image that cannot be
// decoded 400. One Tesseract engine is loaded at start and shared under a mutex.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "runner/pipeline.h"

namespace baton::runner {

absl::StatusOr<std::unique_ptr<Pipeline>> CreateImageToText(const ModelPaths& paths);

}  // namespace baton::runner

// Audio-to-text with CMU PocketSphinx and its en-US model (model id "pocketsphinx"): the runner
// API's /audio-to-text (doc/ai.md 1.2): multipart {audio file, model_id?, return_timestamps?,
// metadata?} -> {text, chunks:[{timestamp:[start, end], text}]}.
//
// Any audio FFmpeg can demux and decode is accepted, resampled to the model's 16 kHz mono.
// Errors as the runner API's: a file over 50 MB is 413, audio that cannot be decoded 415
// "Unsupported audio format or malformed file.". return_timestamps: "word" gives a chunk per
// word; "true"/"sentence" (default) a chunk per stretch of speech between pauses of 0.3 s or
// more; "false" one chunk for the whole file. Files up to 20 s are decoded as one utterance;
// longer ones are cut at their quietest moments into pieces of 8 to 20 s; at most 30 minutes.
//
// The decoder (acoustic model, language model, dictionary: about 40 MB) is loaded once; requests
// take turns on it (a mutex), as pocketsphinx decoders are not thread-safe.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "runner/pipeline.h"

namespace baton::runner {

absl::StatusOr<std::unique_ptr<Pipeline>> CreateAudioToText(const ModelPaths& paths);

}  // namespace baton::runner

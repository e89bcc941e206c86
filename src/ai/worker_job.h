// WorkerJob: the payloads of the remote AI worker protocol (doc/wire.md 5.2), in all four
// directions, as go-livepeer's orchestrator and AI worker write and read them.
//
//   orchestrator -> worker  NotifyAIJob.AIJobData.requestData: JSON {"input_url", "request"},
//                           where "request" holds the gateway's request with go-livepeer's field
//                           names and JSON types (a go-livepeer worker unmarshals it into typed Go
//                           structs: numbers are JSON numbers, booleans JSON booleans) and the
//                           upload (image or audio) is not inline but stored by the orchestrator
//                           and named by input_url.   MakeWorkerJob / RequestData   (O side)
//                                                     ParseRequestData              (worker side)
//   worker -> runner        the runner call rebuilt from the job: JSON pipelines send "request"
//                           as is, multipart pipelines a form with every field as text and the
//                           upload as the part `image` or `audio`.  MakeRunnerRequest (worker)
//   worker -> orchestrator  POST /aiResults: multipart/mixed (one part per file, headers
//                           Content-Disposition: attachment; filename=<8 hex>.<ext>,
//                           Content-Length, Content-Type; then one application/json part whose
//                           url fields name the files), text/event-stream (LLM streaming) or
//                           livepeer/ai-worker-error (the error text).  MakeWorkerResult,
//                           MakeWorkerError (worker side)  ParseWorkerResult (O side), which turns
//                           the files back into data URLs so the answer reads like a runner's.
//
// requestData and /aiResults bodies come from the network (ParseRequestData's from an
// orchestrator, ParseWorkerResult's from a worker holding the secret): both are parsed without
// throwing and fuzzed (worker_job_fuzz.cc). Pure functions; thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ai/pipelines.h"

namespace baton::ai {

// --- Orchestrator side: a gateway request becomes a job. ---

// A gateway's request as a worker job: `request` is the JSON object text for requestData's
// "request"; `input` the upload's bytes (multipart pipelines), which the orchestrator stores
// and names as input_url.
struct WorkerJob {
  std::string request;
  std::string input;
  bool has_input = false;
};

// Converts a gateway body (`content_type` application/json or multipart/form-data) for
// `pipeline`. A field whose text does not convert to its type (as go-livepeer's form binding
// refuses it) is InvalidArgument "<field>: ...". JSON pipelines keep their body (parsed and
// re-serialised) after the same type check.
absl::StatusOr<WorkerJob> MakeWorkerJob(const Pipeline& pipeline, std::string_view content_type,
                                        std::string_view body);

// The requestData bytes: {"input_url": <input_url, "" when none>, "request": <request>}.
// REQUIRES: `request` is a JSON object text (as MakeWorkerJob returns).
std::string RequestData(std::string_view input_url, std::string_view request);

// --- Worker side: a job becomes a runner call. ---

// A received job: its pipeline, the input to download (empty when none), the request object
// text, the model (go-livepeer's worker refuses a job without one) and /llm's stream flag.
struct ReceivedJob {
  const Pipeline* pipeline = nullptr;
  std::string input_url;
  std::string request;
  std::string model_id;
  bool stream = false;
  int fps = 0;  // image-to-video's fps; 0 when absent (the MP4 then runs at 7)
};

// Parses requestData for `pipeline_name` (NotifyAIJob's pipeline). InvalidArgument for an
// unknown pipeline, JSON that is not {"input_url": string, "request": object}, a field of the
// wrong type, a missing model, or a multipart pipeline without an input_url.
absl::StatusOr<ReceivedJob> ParseRequestData(std::string_view pipeline_name,
                                             std::string_view request_data);

// A runner request body and its Content-Type.
struct Body {
  std::string content_type;
  std::string data;
};

// The runner call for `job` (POST <runner>/<pipeline>), with the downloaded `input` for
// multipart pipelines: fields as go-livepeer's worker writes them (booleans true/false, whole
// numbers in decimal, fractions with six decimals), the upload as a file part named image or
// audio (filename the same).
Body MakeRunnerRequest(const ReceivedJob& job, std::string_view input);

// --- Worker side: a runner's answer becomes the /aiResults body. ---

// Encodes image-to-video frames (PNG bytes) into one MP4 at `fps`: ai::FramesToMp4 in the node
// (kept out of this file so the fuzz build needs no FFmpeg).
using FramesEncoder =
    std::function<absl::StatusOr<std::string>(const std::vector<std::string>& frames, int fps)>;

// The multipart/mixed result for a runner's 200 answer (`runner_json`) to `job`: each data URL
// in images[].url (PNG, or MP4 for image-to-video) or audio.url (WAV) becomes a file part and
// its url the file's name; image-to-video frames are first encoded to one MP4 (`encode`) and
// answered as {"images": [{url, seed, nsfw}]}; other answers are one JSON part. InvalidArgument
// for an answer that is not JSON or holds an undecodable data URL (send MakeWorkerError then).
// `boundary` empty: 20 random hex digits as go-livepeer's.
absl::StatusOr<Body> MakeWorkerResult(const ReceivedJob& job, std::string_view runner_json,
                                      const FramesEncoder& encode, std::string boundary = "");

// The error result: Content-Type livepeer/ai-worker-error, body = `message`.
Body MakeWorkerError(std::string_view message);

// The Content-Type of an LLM event stream relayed to /aiResults.
inline constexpr std::string_view kWorkerStreamType = "text/event-stream";
inline constexpr std::string_view kWorkerErrorType = "livepeer/ai-worker-error";
inline constexpr std::string_view kWorkerAuthorization = "Livepeer-AI-Worker-1.0";

// --- Orchestrator side: a /aiResults body becomes a runner-style answer. ---

struct WorkerResult {
  enum class Kind { kAnswer, kStream, kError };
  Kind kind = Kind::kAnswer;
  // kAnswer: the runner-style JSON (files as data URLs in images[].url / audio.url);
  // kStream: the event stream's bytes; kError: the worker's error text.
  std::string body;
};

// Parses a worker's /aiResults body (`content_type` as sent) for `pipeline_name` (the Pipeline
// header). InvalidArgument when the multipart does not parse, lacks its JSON part, the JSON is
// not what the pipeline answers, or a url names a file the body does not hold;
// FailedPrecondition for a content type that is none of the three.
absl::StatusOr<WorkerResult> ParseWorkerResult(std::string_view pipeline_name,
                                               std::string_view content_type,
                                               std::string_view body);

}  // namespace baton::ai

// Pipeline: one loaded model behind one AI Runner route, as baton-runner serves it.
//
// An AI Runner process serves exactly one pipeline with one model (doc/ai.md 1; PIPELINE and
// MODEL_ID in its environment). A Pipeline owns that model's state, loaded in its factory (so a
// runner whose model cannot load fails at start, before /health answers), and turns a request's
// body into the route's JSON answer. The HTTP front (runner_server.h) does what every route
// shares: paths, auth, body limits, threads; a pipeline does its own body checks, model_id
// comparison and inference, and answers with the runner API's status codes and error bodies
// (doc/ai.md 1.1): {"detail":{"msg":...}} for 400/401/413/415/500, FastAPI's list form for 422.
//
// Thread safety: Handle may be called from several worker threads at once; a pipeline whose
// library is not thread-safe (espeak-ng, pocketsphinx, tesseract) serialises inside. Handle may
// block for as long as inference takes; it never throws.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "net/http_message.h"
#include "net/multipart.h"
#include "nlohmann/json.hpp"

namespace baton::runner {

// A finished answer: status, JSON body, extra header fields (WWW-Authenticate on a 401).
struct Reply {
  int status = 200;
  std::string body;
  http::HttpHeaders headers;
};

// 200 with `body` as JSON.
Reply JsonReply(const nlohmann::json& body);
// The runner API's HTTPError: {"detail":{"msg":"<msg>"}}.
Reply ErrorReply(int status, std::string_view msg);
// FastAPI's validation error (422) for the body field `field`: {"detail":[{"loc":["body",
// field], "msg", "type"}]}.
Reply ValidationError(std::string_view field, std::string_view msg, std::string_view type);
// 400 "pipeline configured with X but called with Y" when `requested` is non-empty and differs.
std::optional<Reply> CheckModelId(std::string_view requested, std::string_view loaded);
// "data:<mime>;base64,<bytes>".
std::string DataUrl(std::string_view mime, std::string_view bytes);

// A multipart request's form, or the 422 a FastAPI runner answers for a body that is not one.
// The form's parts view into request.body.
struct FormOrReply {
  std::optional<http::MultipartForm> form;
  std::optional<Reply> reply;
};
FormOrReply ReadForm(const http::HttpRequest& request);
// ReadForm, then CheckModelId on the form's `model_id` against `loaded`.
FormOrReply ReadModelForm(const http::HttpRequest& request, std::string_view loaded);
// A required file field: 422 when missing, 413 above the runner API's 50 MB.
struct FileOrReply {
  const http::MultipartPart* part = nullptr;
  std::optional<Reply> reply;
};
FileOrReply RequiredFile(const http::MultipartForm& form, std::string_view name);
// A text field of a form ("" when absent).
std::string FormText(const http::MultipartForm& form, std::string_view name);

class Pipeline {
 public:
  virtual ~Pipeline() = default;

  // The route name ("text-to-speech") and the loaded model ("espeak-ng").
  virtual std::string_view pipeline() const = 0;
  virtual std::string_view model_id() const = 0;
  // The largest request body the route reads (the server answers 413 beyond it).
  virtual size_t max_body_bytes() const { return 1u << 20; }
  // Answers one request (its path is the pipeline's route). See the file comment for threads.
  virtual Reply Handle(const http::HttpRequest& request) = 0;
};

// The pipelines this runner has models for: pipeline name -> its one model id.
struct PipelineInfo {
  std::string_view pipeline;
  std::string_view model_id;
  std::string_view description;
};
const std::vector<PipelineInfo>& SupportedPipelines();

// Where each pipeline's model data lives (defaults: Debian's package paths, which the container
// image keeps).
struct ModelPaths {
  std::string espeak_data;       // "" = libespeak-ng's built-in default
  std::string pocketsphinx_dir;  // holds en-us/, en-us.lm.bin, cmudict-en-us.dict
  std::string tessdata_dir;      // holds eng.traineddata
};

// Loads `pipeline` with `model_id` ("" = the pipeline's model). NotFound for a pipeline or
// model this runner does not have; the model library's error when loading fails.
absl::StatusOr<std::unique_ptr<Pipeline>> CreatePipeline(std::string_view pipeline,
                                                         std::string_view model_id,
                                                         const ModelPaths& paths);

}  // namespace baton::runner

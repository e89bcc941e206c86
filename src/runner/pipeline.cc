#include "runner/pipeline.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "common/hex.h"
#include "runner/audio_to_text.h"
#include "runner/image_to_text.h"
#include "runner/text_to_speech.h"
#include "runner/upscale.h"

namespace baton::runner {

Reply JsonReply(const nlohmann::json& body) {
  return {200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

Reply ErrorReply(int status, std::string_view msg) {
  nlohmann::json body = {{"detail", {{"msg", std::string(msg)}}}};
  return {status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

Reply ValidationError(std::string_view field, std::string_view msg, std::string_view type) {
  nlohmann::json loc = nlohmann::json::array({"body"});
  if (!field.empty()) loc.push_back(std::string(field));
  nlohmann::json body = {
      {"detail", nlohmann::json::array(
                     {{{"loc", loc}, {"msg", std::string(msg)}, {"type", std::string(type)}}})}};
  return {422, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

std::optional<Reply> CheckModelId(std::string_view requested, std::string_view loaded) {
  if (requested.empty() || requested == loaded) return std::nullopt;
  return ErrorReply(400, std::string("pipeline configured with ") + std::string(loaded) +
                             " but called with " + std::string(requested));
}

std::string DataUrl(std::string_view mime, std::string_view bytes) {
  return std::string("data:") + std::string(mime) + ";base64," + Base64Encode(bytes);
}

FormOrReply ReadForm(const http::HttpRequest& request) {
  FormOrReply result;
  std::string content_type = request.headers.Get("content-type").value_or("");
  absl::StatusOr<http::MultipartForm> form = http::ParseMultipartForm(content_type, request.body);
  if (!form.ok()) {
    // FastAPI reads a body that is no form as an empty form: its required fields are missing.
    result.reply =
        ValidationError("", std::string(form.status().message()), "value_error.multipart");
  } else {
    result.form = std::move(*form);
  }
  return result;
}

FormOrReply ReadModelForm(const http::HttpRequest& request, std::string_view loaded) {
  FormOrReply read = ReadForm(request);
  if (read.form) {
    if (std::optional<Reply> wrong = CheckModelId(FormText(*read.form, "model_id"), loaded)) {
      read.form.reset();
      read.reply = std::move(wrong);
    }
  }
  return read;
}

FileOrReply RequiredFile(const http::MultipartForm& form, std::string_view name) {
  constexpr size_t kMaxFileBytes = 50u << 20;  // the runner API's limit (413 above)
  FileOrReply result;
  result.part = form.Find(name);
  if (result.part == nullptr) {
    result.reply = ValidationError(name, "field required", "value_error.missing");
  } else if (result.part->data.size() > kMaxFileBytes) {
    result.reply = ErrorReply(413, "File size exceeds limit.");
  }
  return result;
}

std::string FormText(const http::MultipartForm& form, std::string_view name) {
  const http::MultipartPart* part = form.Find(name);
  return part == nullptr ? std::string() : std::string(part->data);
}

const std::vector<PipelineInfo>& SupportedPipelines() {
  static const std::vector<PipelineInfo> kPipelines = {
      {"text-to-speech", "espeak-ng", "eSpeak NG formant synthesis (libespeak-ng), English"},
      {"audio-to-text", "pocketsphinx",
       "CMU PocketSphinx with its en-US acoustic and language model"},
      {"image-to-text", "tesseract", "Tesseract OCR (LSTM), English: the text found in the image"},
      {"upscale", "lanczos",
       "4x Lanczos resampling (libswscale): a classical scaler, not a learned model"},
  };
  return kPipelines;
}

absl::StatusOr<std::unique_ptr<Pipeline>> CreatePipeline(std::string_view pipeline,
                                                         std::string_view model_id,
                                                         const ModelPaths& paths) {
  const PipelineInfo* info = nullptr;
  std::string known;
  for (const PipelineInfo& candidate : SupportedPipelines()) {
    if (candidate.pipeline == pipeline) info = &candidate;
    absl::StrAppend(&known, known.empty() ? "" : ", ", AsAbsl(candidate.pipeline), " (",
                    AsAbsl(candidate.model_id), ")");
  }
  if (info == nullptr) {
    return absl::NotFoundError(absl::StrCat("PIPELINE \"", AsAbsl(pipeline),
                                            "\" is not served by baton-runner; it serves ", known));
  }
  if (!model_id.empty() && model_id != info->model_id) {
    return absl::NotFoundError(absl::StrCat("MODEL_ID \"", AsAbsl(model_id), "\": pipeline ",
                                            AsAbsl(pipeline), " has only the model ",
                                            AsAbsl(info->model_id)));
  }
  if (pipeline == "text-to-speech") return CreateTextToSpeech(paths);
  if (pipeline == "audio-to-text") return CreateAudioToText(paths);
  if (pipeline == "image-to-text") return CreateImageToText(paths);
  return CreateUpscale();
}

}  // namespace baton::runner

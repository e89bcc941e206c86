#include "ai/ai_request.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "net/multipart.h"

namespace baton::ai {
namespace {

using nlohmann::json;

absl::Status Bad(std::string text) { return absl::InvalidArgumentError(std::move(text)); }

// A positive whole number field of a multipart form (`fallback` when absent).
absl::StatusOr<int64_t> FormInt(const http::MultipartForm& form, std::string_view name,
                                int64_t fallback) {
  const http::MultipartPart* part = form.Find(name);
  if (part == nullptr || part->data.empty()) return fallback;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(part->data.data(), part->data.data() + part->data.size(), v);
  if (ec != std::errc() || ptr != part->data.data() + part->data.size() || v <= 0 || v > 1'000'000)
    return Bad(std::string(name) + " must be a positive whole number");
  return v;
}

// A positive whole number field of a JSON body (`fallback` when absent or null).
absl::StatusOr<int64_t> JsonInt(const json& body, const char* name, int64_t fallback) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() <= 0 || it->get<int64_t>() > 1'000'000)
    return Bad(std::string(name) + " must be a positive whole number");
  return it->get<int64_t>();
}

int64_t CodePoints(std::string_view utf8) {
  int64_t n = 0;
  for (unsigned char c : utf8)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

absl::StatusOr<AiRequestFacts> ReadJson(const Pipeline& p, std::string_view body) {
  json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Bad("request body is not a JSON object");
  AiRequestFacts f;
  auto model = doc.find(std::string(p.model_field));
  if (model == doc.end() || !model->is_string() || model->get<std::string>().empty())
    return Bad(std::string(p.model_field) + " is required");
  f.model_id = model->get<std::string>();
  if (p.name == "text-to-image") {
    auto h = JsonInt(doc, "height", 512), w = JsonInt(doc, "width", 512),
         n = JsonInt(doc, "num_images_per_prompt", 1);
    for (auto* v : {&h, &w, &n})
      if (!v->ok()) return v->status();
    f.units = *h * *w * *n;
  } else if (p.name == "llm") {
    auto it = doc.find("max_tokens");
    if (it == doc.end() || it->is_null()) return Bad("MaxTokens not specified");
    auto tokens = JsonInt(doc, "max_tokens", 0);
    if (!tokens.ok()) return tokens.status();
    f.units = *tokens;
    auto stream = doc.find("stream");
    f.stream = stream != doc.end() && stream->is_boolean() && stream->get<bool>();
  } else if (p.name == "text-to-speech") {
    auto text = doc.find("text");
    if (text != doc.end() && !text->is_string()) return Bad("text must be a string");
    f.units = text == doc.end() ? 0 : 1000 * CodePoints(text->get_ref<const std::string&>());
  }
  return f;
}

absl::StatusOr<AiRequestFacts> ReadForm(const Pipeline& p, std::string_view content_type,
                                        std::string_view body, const MediaProbes& probes) {
  auto form = http::ParseMultipartForm(content_type, body);
  if (!form.ok()) return Bad(std::string(form.status().message()));
  AiRequestFacts f;
  const http::MultipartPart* model = form->Find(p.model_field);
  if (model == nullptr || model->data.empty())
    return Bad(std::string(p.model_field) + " is required");
  f.model_id = std::string(model->data);
  if (p.name == "image-to-video") {
    auto h = FormInt(*form, "height", 576), w = FormInt(*form, "width", 1024);
    if (!h.ok()) return h.status();
    if (!w.ok()) return w.status();
    f.units = *h * *w * 25;  // the fixed frame count go-livepeer charges
    auto fps = FormInt(*form, "fps", 0);
    if (!fps.ok()) return fps.status();
    f.fps = static_cast<int>(*fps);
    if (form->Find("image") == nullptr) return Bad("image is required");
    return f;
  }
  const char* file = p.name == "audio-to-text" ? "audio" : "image";
  const http::MultipartPart* upload = form->Find(file);
  if (upload == nullptr || upload->data.empty()) return Bad(std::string(file) + " is required");
  if (p.name == "audio-to-text") {
    auto seconds = probes.audio_seconds(upload->data);
    if (!seconds.ok() || static_cast<int64_t>(*seconds) <= 0)
      return Bad("Unable to calculate duration");
    f.units = static_cast<int64_t>(*seconds) * 1000;
    return f;
  }
  auto size = probes.image(upload->data);
  if (!size.ok()) return Bad("Unable to read the image: " + std::string(size.status().message()));
  f.units = static_cast<int64_t>(size->width) * size->height;
  if (p.name == "image-to-image") {
    auto n = FormInt(*form, "num_images_per_prompt", 1);
    if (!n.ok()) return n.status();
    f.units *= *n;
  }
  return f;
}

}  // namespace

absl::StatusOr<AiRequestFacts> ReadAiRequest(const Pipeline& pipeline,
                                             std::string_view content_type, std::string_view body,
                                             const MediaProbes& probes) {
  if (pipeline.multipart) return ReadForm(pipeline, content_type, body, probes);
  return ReadJson(pipeline, body);
}

}  // namespace baton::ai

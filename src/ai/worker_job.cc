#include "ai/worker_job.h"

#include <openssl/rand.h>

#include <cctype>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "common/json_depth.h"
#include "net/multipart.h"

namespace baton::ai {
namespace {

using nlohmann::json;

absl::Status Bad(std::string text) { return absl::InvalidArgumentError(std::move(text)); }

// Serialises without throwing: text that is not UTF-8 (form fields are raw bytes) gets U+FFFD,
// as Go's json.Marshal writes it.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The Go types of the request structs' fields (go-livepeer ai/worker/runner.gen.go).
enum class Type { kString, kInt, kFloat, kBool, kFile, kMessages };

struct Field {
  std::string_view name;
  Type type;
  bool always = false;  // a plain Go string (not a pointer): present even when empty
};

// Each pipeline's request fields, in the structs' order.
const std::vector<Field>& FieldsOf(std::string_view pipeline) {
  using T = Type;
  static const std::vector<Field> kTextToImage = {{"guidance_scale", T::kFloat},
                                                  {"height", T::kInt},
                                                  {"loras", T::kString},
                                                  {"model_id", T::kString},
                                                  {"negative_prompt", T::kString},
                                                  {"num_images_per_prompt", T::kInt},
                                                  {"num_inference_steps", T::kInt},
                                                  {"prompt", T::kString},
                                                  {"safety_check", T::kBool},
                                                  {"seed", T::kInt},
                                                  {"width", T::kInt}};
  static const std::vector<Field> kImageToImage = {{"guidance_scale", T::kFloat},
                                                   {"image", T::kFile},
                                                   {"image_guidance_scale", T::kFloat},
                                                   {"loras", T::kString},
                                                   {"model_id", T::kString},
                                                   {"negative_prompt", T::kString},
                                                   {"num_images_per_prompt", T::kInt},
                                                   {"num_inference_steps", T::kInt},
                                                   {"prompt", T::kString, true},
                                                   {"safety_check", T::kBool},
                                                   {"seed", T::kInt},
                                                   {"strength", T::kFloat}};
  static const std::vector<Field> kImageToVideo = {{"fps", T::kInt},
                                                   {"height", T::kInt},
                                                   {"image", T::kFile},
                                                   {"model_id", T::kString},
                                                   {"motion_bucket_id", T::kInt},
                                                   {"noise_aug_strength", T::kFloat},
                                                   {"num_inference_steps", T::kInt},
                                                   {"safety_check", T::kBool},
                                                   {"seed", T::kInt},
                                                   {"width", T::kInt}};
  static const std::vector<Field> kUpscale = {
      {"image", T::kFile},          {"model_id", T::kString},   {"num_inference_steps", T::kInt},
      {"prompt", T::kString, true}, {"safety_check", T::kBool}, {"seed", T::kInt}};
  static const std::vector<Field> kAudioToText = {{"audio", T::kFile},
                                                  {"metadata", T::kString},
                                                  {"model_id", T::kString},
                                                  {"return_timestamps", T::kString}};
  static const std::vector<Field> kSegmentAnything2 = {{"box", T::kString},
                                                       {"image", T::kFile},
                                                       {"mask_input", T::kString},
                                                       {"model_id", T::kString},
                                                       {"multimask_output", T::kBool},
                                                       {"normalize_coords", T::kBool},
                                                       {"point_coords", T::kString},
                                                       {"point_labels", T::kString},
                                                       {"return_logits", T::kBool}};
  static const std::vector<Field> kLlm = {{"max_tokens", T::kInt},    {"messages", T::kMessages},
                                          {"model", T::kString},      {"stream", T::kBool},
                                          {"temperature", T::kFloat}, {"top_k", T::kInt},
                                          {"top_p", T::kFloat}};
  static const std::vector<Field> kImageToText = {
      {"image", T::kFile}, {"model_id", T::kString}, {"prompt", T::kString}};
  static const std::vector<Field> kTextToSpeech = {
      {"description", T::kString}, {"model_id", T::kString}, {"text", T::kString}};
  static const std::vector<Field> kNone;
  if (pipeline == "text-to-image") return kTextToImage;
  if (pipeline == "image-to-image") return kImageToImage;
  if (pipeline == "image-to-video") return kImageToVideo;
  if (pipeline == "upscale") return kUpscale;
  if (pipeline == "audio-to-text") return kAudioToText;
  if (pipeline == "segment-anything-2") return kSegmentAnything2;
  if (pipeline == "llm") return kLlm;
  if (pipeline == "image-to-text") return kImageToText;
  if (pipeline == "text-to-speech") return kTextToSpeech;
  return kNone;
}

const Field* FileField(std::string_view pipeline) {
  for (const Field& f : FieldsOf(pipeline))
    if (f.type == Type::kFile) return &f;
  return nullptr;
}

bool IsFloat32(double v) { return std::isfinite(v) && std::fabs(v) <= FLT_MAX; }

// Whether `v` unmarshals into the Go field type `type` (null always does: the fields are
// pointers, or zero values).
absl::Status CheckJsonType(const Field& f, const json& v) {
  if (v.is_null()) return absl::OkStatus();
  bool ok = false;
  switch (f.type) {
    case Type::kString:
      ok = v.is_string();
      break;
    case Type::kInt:
      ok = v.is_number_integer() &&
           (!v.is_number_unsigned() ||
            v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
      break;
    case Type::kFloat:
      ok = v.is_number() && IsFloat32(v.get<double>());
      break;
    case Type::kBool:
      ok = v.is_boolean();
      break;
    case Type::kFile:  // Go's File reads base64 text (the bytes come from input_url instead)
      ok = v.is_string();
      break;
    case Type::kMessages:
      ok = v.is_array();
      if (ok)
        for (const json& m : v) {
          if (m.is_null()) continue;
          if (!m.is_object()) return Bad(std::string(f.name) + ": each message must be an object");
          for (const char* key : {"role", "content"}) {
            auto it = m.find(key);
            if (it != m.end() && !it->is_null() && !it->is_string())
              return Bad(std::string(f.name) + ": " + key + " must be a string");
          }
        }
      break;
  }
  if (ok) return absl::OkStatus();
  static constexpr const char* kNames[] = {"a string",  "a whole number", "a number",
                                           "a boolean", "a file",         "a list of messages"};
  return Bad(std::string(f.name) + " must be " + kNames[static_cast<int>(f.type)]);
}

absl::Status CheckRequestObject(std::string_view pipeline, const json& request) {
  if (!request.is_object()) return Bad("request is not a JSON object");
  for (const Field& f : FieldsOf(pipeline)) {
    auto it = request.find(std::string(f.name));
    if (it == request.end()) continue;
    if (auto s = CheckJsonType(f, *it); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// A form field's text as its Go type, as go-livepeer's form binding converts it (strconv).
absl::StatusOr<json> FormValue(const Field& f, std::string_view text) {
  switch (f.type) {
    case Type::kString:
      return json(std::string(text));
    case Type::kInt: {
      std::string_view digits = text;
      if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-') digits.remove_prefix(1);
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty())
        return Bad(std::string(f.name) + ": invalid whole number \"" + std::string(text) + "\"");
      return json(v);
    }
    case Type::kFloat: {
      std::string_view digits = text;
      if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-') digits.remove_prefix(1);
      double v = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty() ||
          !IsFloat32(v))
        return Bad(std::string(f.name) + ": invalid number \"" + std::string(text) + "\"");
      return json(v);
    }
    case Type::kBool:
      for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"})
        if (text == t) return json(true);
      for (std::string_view t : {"0", "f", "F", "FALSE", "false", "False"})
        if (text == t) return json(false);
      return Bad(std::string(f.name) + ": invalid boolean \"" + std::string(text) + "\"");
    case Type::kFile:
    case Type::kMessages:
      break;
  }
  return Bad(std::string(f.name) + ": not a form field");
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  return HexEncode(raw);
}

// "data:<type>;base64,<text>" -> (type, bytes).
absl::StatusOr<std::pair<std::string, std::string>> DecodeDataUrl(std::string_view url) {
  if (url.substr(0, 5) != "data:") return Bad("not a data URL");
  size_t comma = url.find(',');
  if (comma == std::string_view::npos) return Bad("a data URL without data");
  std::string_view meta = url.substr(5, comma - 5);
  constexpr std::string_view kBase64 = ";base64";
  if (meta.size() < kBase64.size() || meta.substr(meta.size() - kBase64.size()) != kBase64)
    return Bad("a data URL that is not base64");
  meta.remove_suffix(kBase64.size());
  if (size_t semi = meta.find(';'); semi != std::string_view::npos) meta = meta.substr(0, semi);
  // The type becomes a part's Content-Type header: a runner's CR/LF must not add header lines.
  for (char c : meta)
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("!#$&^_.+-/").find(c) == std::string_view::npos)
      return Bad("a data URL with an invalid media type");
  auto bytes = Base64Decode(url.substr(comma + 1));
  if (!bytes.ok()) return Bad("an undecodable data URL");
  return std::make_pair(std::string(meta), *std::move(bytes));
}

std::string ExtensionFor(std::string_view type) {
  if (type == "video/mp4") return ".mp4";
  if (type == "audio/wav" || type == "audio/x-wav" || type == "audio/wave") return ".wav";
  if (type == "image/jpeg") return ".jpg";
  return ".png";
}

std::string TypeForName(std::string_view name, std::string_view fallback) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".png")) return "image/png";
  if (ends(".mp4")) return "video/mp4";
  if (ends(".wav")) return "audio/wav";
  if (ends(".jpg")) return "image/jpeg";
  return std::string(fallback);
}

bool IsImagePipeline(std::string_view p) {
  return p == "text-to-image" || p == "image-to-image" || p == "upscale" || p == "image-to-video";
}

// Writes go-livepeer's result parts: files first, then the JSON (its textproto headers come out
// sorted by name).
class ResultWriter {
 public:
  explicit ResultWriter(std::string boundary) : writer_(std::move(boundary)) {}
  // Adds a file part for `data_url` and returns its name.
  absl::StatusOr<std::string> AddDataUrl(std::string_view data_url) {
    auto decoded = DecodeDataUrl(data_url);
    if (!decoded.ok()) return decoded.status();
    return AddFile(decoded->first, decoded->second);
  }
  std::string AddFile(std::string_view type, std::string_view bytes) {
    std::string name = RandomHex(4) + ExtensionFor(type);
    writer_.AddPart({{"Content-Disposition", "attachment; filename=" + name},
                     {"Content-Length", std::to_string(bytes.size())},
                     {"Content-Type", std::string(type)}},
                    bytes);
    return name;
  }
  Body Finish(std::string_view json_text) && {
    writer_.AddPart({{"Content-Length", std::to_string(json_text.size())},
                     {"Content-Type", "application/json"}},
                    json_text);
    Body out;
    out.content_type = writer_.content_type("multipart/mixed");
    out.data = std::move(writer_).Finish();
    return out;
  }

 private:
  http::MultipartWriter writer_;
};

}  // namespace

absl::StatusOr<WorkerJob> MakeWorkerJob(const Pipeline& pipeline, std::string_view content_type,
                                        std::string_view body) {
  WorkerJob job;
  if (!pipeline.multipart) {
    if (JsonNestsDeeperThan(body)) return Bad("request body is nested too deeply");
    json doc = json::parse(body.begin(), body.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return Bad("request body is not a JSON object");
    if (auto s = CheckRequestObject(pipeline.name, doc); !s.ok()) return s;
    job.request = Dump(doc);
    return job;
  }
  auto form = http::ParseMultipartForm(content_type, body);
  if (!form.ok()) return form.status();
  json request = json::object();
  for (const Field& f : FieldsOf(pipeline.name)) {
    const http::MultipartPart* part = form->Find(f.name);
    if (f.type == Type::kFile) {
      if (part == nullptr) return Bad(std::string(f.name) + " is required");
      job.input = std::string(part->data);
      job.has_input = true;
      request[std::string(f.name)] = nullptr;  // go-livepeer empties the upload's field
      continue;
    }
    // An empty value of a typed field counts as absent, as the runner's form reader has it.
    if (part == nullptr || (part->data.empty() && f.type != Type::kString)) {
      if (f.always) request[std::string(f.name)] = "";
      continue;
    }
    auto value = FormValue(f, part->data);
    if (!value.ok()) return value.status();
    request[std::string(f.name)] = *std::move(value);
  }
  job.request = Dump(request);
  return job;
}

std::string RequestData(std::string_view input_url, std::string_view request) {
  json url = std::string(input_url);
  std::string out = "{\"input_url\":";
  out += Dump(url);
  out += ",\"request\":";
  out += request;
  out += "}";
  return out;
}

absl::StatusOr<ReceivedJob> ParseRequestData(std::string_view pipeline_name,
                                             std::string_view request_data) {
  ReceivedJob job;
  job.pipeline = FindPipeline(pipeline_name);
  if (job.pipeline == nullptr)
    return Bad("AI request pipeline type not supported: " + std::string(pipeline_name));
  if (JsonNestsDeeperThan(request_data)) return Bad("requestData is nested too deeply");
  json doc = json::parse(request_data.begin(), request_data.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Bad("requestData is not a JSON object");
  auto url = doc.find("input_url");
  if (url != doc.end() && !url->is_null()) {
    if (!url->is_string()) return Bad("input_url must be a string");
    job.input_url = url->get<std::string>();
  }
  auto request = doc.find("request");
  if (request == doc.end() || !request->is_object())
    return Bad("requestData has no request object");
  if (auto s = CheckRequestObject(job.pipeline->name, *request); !s.ok()) return s;
  auto model = request->find(std::string(job.pipeline->model_field));
  if (model == request->end() || !model->is_string())
    return Bad("AI request validation failed for " + std::string(pipeline_name) + " pipeline: no " +
               std::string(job.pipeline->model_field));
  job.model_id = model->get<std::string>();
  if (job.pipeline->multipart && job.input_url.empty())
    return Bad("AI request validation failed for " + std::string(pipeline_name) +
               " pipeline: no input_url");
  if (auto it = request->find("stream"); it != request->end() && it->is_boolean())
    job.stream = it->get<bool>();
  if (auto it = request->find("fps"); it != request->end() && it->is_number_integer()) {
    int64_t fps = it->get<int64_t>();
    job.fps = fps > 0 && fps <= 1000 ? static_cast<int>(fps) : 0;
  }
  job.request = Dump(*request);
  return job;
}

Body MakeRunnerRequest(const ReceivedJob& job, std::string_view input) {
  Body out;
  if (!job.pipeline->multipart) {
    out.content_type = "application/json";
    out.data = job.request;
    return out;
  }
  json request = json::parse(job.request, nullptr, false);
  http::MultipartWriter form;
  if (const Field* file = FileField(job.pipeline->name))
    form.AddFile(file->name, file->name, "application/octet-stream", input);
  for (const Field& f : FieldsOf(job.pipeline->name)) {
    if (f.type == Type::kFile || !request.is_object()) continue;
    auto it = request.find(std::string(f.name));
    if (it == request.end() || it->is_null()) continue;
    std::string text;
    if (it->is_string()) {
      text = it->get<std::string>();
    } else if (it->is_boolean()) {
      text = it->get<bool>() ? "true" : "false";
    } else if (it->is_number_integer() && f.type == Type::kInt) {
      text = std::to_string(it->get<int64_t>());
    } else if (it->is_number()) {
      // Go's fmt "%f" of the float32 field.
      char buf[64];
      std::snprintf(buf, sizeof buf, "%f",
                    static_cast<double>(static_cast<float>(it->get<double>())));
      text = buf;
    } else {
      text = Dump(*it);
    }
    form.AddField(f.name, text);
  }
  out.content_type = form.content_type();
  out.data = std::move(form).Finish();
  return out;
}

absl::StatusOr<Body> MakeWorkerResult(const ReceivedJob& job, std::string_view runner_json,
                                      const FramesEncoder& encode, std::string boundary) {
  if (JsonNestsDeeperThan(runner_json)) return Bad("the runner's answer is nested too deeply");
  json doc = json::parse(runner_json.begin(), runner_json.end(), nullptr, false);
  if (doc.is_discarded()) return Bad("the runner's answer is not JSON");
  ResultWriter writer(boundary.empty() ? RandomHex(10) : std::move(boundary));
  const std::string_view pipeline = job.pipeline->name;
  if (pipeline == "image-to-video" && doc.is_object() && doc.contains("frames")) {
    // go-livepeer's worker encodes the one batch of frames to an MP4 and answers an image answer.
    const json& frames = doc["frames"];
    if (!frames.is_array() || frames.size() != 1 || !frames[0].is_array())
      return Bad("unexpected number of image-to-video outputs");
    std::vector<std::string> pngs;
    for (const json& m : frames[0]) {
      if (!m.is_object() || !m.contains("url") || !m["url"].is_string())
        return Bad("an image-to-video frame without a url");
      auto decoded = DecodeDataUrl(m["url"].get_ref<const std::string&>());
      if (!decoded.ok()) return decoded.status();
      pngs.push_back(std::move(decoded->second));
    }
    if (!encode) return absl::FailedPreconditionError("no frame encoder");
    auto mp4 = encode(pngs, job.fps > 0 ? job.fps : 7);
    if (!mp4.ok()) return mp4.status();
    json media = {{"url", writer.AddFile("video/mp4", *mp4)}, {"seed", 0}, {"nsfw", false}};
    if (!frames[0].empty()) {
      const json& first = frames[0][0];
      if (first.contains("seed")) media["seed"] = first["seed"];
      if (first.contains("nsfw")) media["nsfw"] = first["nsfw"];
    }
    return std::move(writer).Finish(Dump(json{{"images", json::array({media})}}));
  }
  if (IsImagePipeline(pipeline) && doc.is_object()) {
    if (auto images = doc.find("images"); images != doc.end() && images->is_array()) {
      for (json& m : *images) {
        if (!m.is_object() || !m.contains("url") || !m["url"].is_string()) continue;
        auto name = writer.AddDataUrl(m["url"].get_ref<const std::string&>());
        if (!name.ok()) return name.status();
        m["url"] = *name;
      }
    }
    return std::move(writer).Finish(Dump(doc));
  }
  if (pipeline == "text-to-speech" && doc.is_object()) {
    if (auto audio = doc.find("audio"); audio != doc.end() && audio->is_object() &&
                                        audio->contains("url") && (*audio)["url"].is_string()) {
      auto name = writer.AddDataUrl((*audio)["url"].get_ref<const std::string&>());
      if (!name.ok()) return name.status();
      (*audio)["url"] = *name;
    }
    return std::move(writer).Finish(Dump(doc));
  }
  return std::move(writer).Finish(runner_json);
}

Body MakeWorkerError(std::string_view message) {
  return Body{std::string(kWorkerErrorType), std::string(message)};
}

absl::StatusOr<WorkerResult> ParseWorkerResult(std::string_view pipeline_name,
                                               std::string_view content_type,
                                               std::string_view body) {
  auto media = http::MediaTypeOf(content_type);
  if (!media.ok()) return absl::FailedPreconditionError(media.status().message());
  WorkerResult result;
  if (*media == kWorkerErrorType) {
    result.kind = WorkerResult::Kind::kError;
    result.body = std::string(body);
    return result;
  }
  if (*media == kWorkerStreamType) {
    result.kind = WorkerResult::Kind::kStream;
    result.body = std::string(body);
    return result;
  }
  if (*media != "multipart/mixed")
    return absl::FailedPreconditionError("unsupported result type " + *media);
  auto boundary = http::MultipartBoundary(content_type, "multipart/mixed");
  if (!boundary.ok()) return Bad(std::string(boundary.status().message()));
  http::MultipartLimits limits;
  limits.max_parts = 128;
  auto form = http::ParseMultipartMixed(body, *boundary, limits);
  if (!form.ok()) return form.status();
  std::map<std::string, std::pair<std::string, std::string_view>> files;  // name -> (type, bytes)
  const http::MultipartPart* answer = nullptr;
  for (const http::MultipartPart& part : form->parts) {
    auto type = http::MediaTypeOf(part.content_type);
    if (type.ok() && *type == "application/json") {
      answer = &part;  // go-livepeer keeps the last
    } else if (part.has_filename) {
      std::string name = part.filename;
      if (size_t slash = name.rfind('/'); slash != std::string::npos) name = name.substr(slash + 1);
      files[name] = {TypeForName(name, type.ok() ? *type : "application/octet-stream"), part.data};
    }
  }
  if (answer == nullptr) return Bad("the result has no application/json part");
  if (JsonNestsDeeperThan(answer->data)) return Bad("the result's JSON part is nested too deeply");
  json doc = json::parse(answer->data.begin(), answer->data.end(), nullptr, false);
  if (doc.is_discarded()) return Bad("the result's JSON part does not parse");
  // Each file the JSON names goes back inline, as a runner would have answered it. A file named
  // many times would be inlined as often: the base64 text is bounded by twice the body (each
  // file named once takes 4/3 of its bytes).
  size_t inline_budget = 2 * body.size();
  auto inline_file = [&](json& media) -> absl::Status {
    if (!media.is_object()) return Bad("a media entry is not an object");
    auto url = media.find("url");
    if (url == media.end() || !url->is_string()) return Bad("a media entry without a url");
    auto file = files.find(url->get<std::string>());
    if (file == files.end())
      return Bad("the result names a file it does not hold: " + url->get<std::string>());
    const size_t encoded = (file->second.second.size() + 2) / 3 * 4;
    if (encoded > inline_budget) return Bad("the result names its files more often than it holds");
    inline_budget -= encoded;
    *url = "data:" + file->second.first + ";base64," + Base64Encode(file->second.second);
    return absl::OkStatus();
  };
  if (IsImagePipeline(pipeline_name)) {
    if (!doc.is_object() || !doc.contains("images") || !doc["images"].is_array())
      return Bad("the result is not an image answer");
    for (json& m : doc["images"])
      if (auto s = inline_file(m); !s.ok()) return s;
  } else if (pipeline_name == "text-to-speech") {
    if (!doc.is_object() || !doc.contains("audio")) return Bad("the result is not an audio answer");
    if (auto s = inline_file(doc["audio"]); !s.ok()) return s;
  }
  result.body = Dump(doc);
  return result;
}

}  // namespace baton::ai

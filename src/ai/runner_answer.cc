#include "ai/runner_answer.h"

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "common/json_depth.h"

namespace baton::ai {
namespace {

using nlohmann::json;

// Invalid UTF-8 cannot come out of the parser, but dump() would throw on it: replace, never throw.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string ExtensionFor(std::string_view mime) {
  if (mime == "image/png") return ".png";
  if (mime == "image/jpeg") return ".jpg";
  if (mime == "audio/wav" || mime == "audio/x-wav" || mime == "audio/wave") return ".wav";
  if (mime == "video/mp4") return ".mp4";
  return ".bin";
}

// The string under `key` of `object`, or null when `object` is no object or it is no string.
const std::string* StringField(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

class Rewriter {
 public:
  Rewriter(std::string_view pipeline, const RunnerAnswerOptions& options)
      : pipeline_(pipeline), options_(options) {}

  absl::Status Fail(std::string_view what) const {
    return absl::InternalError(pipeline_ + " container returned " + std::string(what));
  }

  // Names `bytes` (with the extension) for the store; returns its URL.
  std::string Add(std::string_view extension, std::string bytes) {
    std::string name = options_.name_for ? options_.name_for(extension)
                                         : std::to_string(media_.size()) + std::string(extension);
    std::string url = options_.url_prefix + name;
    media_.push_back(AnswerMedia{std::move(name), std::move(bytes)});
    return url;
  }

  // A media object's data URL becomes a stored media; anything else stays as it is.
  absl::Status RewriteMedia(json& media, bool keep_inline) {
    const std::string* text = StringField(media, "url");
    if (text == nullptr || text->rfind("data:", 0) != 0 || keep_inline) return absl::OkStatus();
    const size_t comma = text->find(',');
    const size_t semi = text->find(';');
    if (comma == std::string::npos || semi == std::string::npos || semi > comma)
      return absl::OkStatus();
    auto bytes = Base64Decode(std::string_view(*text).substr(comma + 1));
    if (!bytes.ok()) return Fail("an undecodable data URL");
    std::string url =
        Add(ExtensionFor(std::string_view(*text).substr(5, semi - 5)), *std::move(bytes));
    media["url"] = std::move(url);
    return absl::OkStatus();
  }

  // image-to-video: the frames become one MP4, answered as an image answer (doc/ai.md 2.4). A
  // remote AI worker encodes them itself and answers the image answer (doc/wire.md 5.2).
  absl::StatusOr<std::string> EncodeFrames(const json& frames) {
    std::vector<std::string> pngs;
    const json* first = nullptr;
    if (frames.is_array()) {
      for (const json& batch : frames) {
        if (!batch.is_array()) continue;
        for (const json& m : batch) {
          const std::string* text = StringField(m, "url");
          if (text == nullptr) continue;
          const size_t comma = text->find(',');
          if (comma == std::string::npos) return Fail("an undecodable frame");
          auto bytes = Base64Decode(std::string_view(*text).substr(comma + 1));
          if (!bytes.ok()) return Fail("an undecodable frame");
          if (first == nullptr) first = &m;
          pngs.push_back(*std::move(bytes));
        }
      }
    }
    absl::StatusOr<std::string> mp4 =
        options_.encode ? options_.encode(pngs, options_.fps > 0 ? options_.fps : 7)
                        : absl::FailedPreconditionError("no frame encoder");
    if (!mp4.ok())
      return absl::InternalError(
          pipeline_ + " result could not be encoded: " + std::string(mp4.status().message()));
    json media = {{"url", Add(".mp4", *std::move(mp4))}, {"seed", 0}, {"nsfw", false}};
    if (first != nullptr) {
      if (auto it = first->find("seed"); it != first->end()) media["seed"] = *it;
      if (auto it = first->find("nsfw"); it != first->end()) media["nsfw"] = *it;
    }
    return Dump(json{{"images", json::array({std::move(media)})}});
  }

  std::vector<AnswerMedia> TakeMedia() { return std::move(media_); }

 private:
  const std::string pipeline_;
  const RunnerAnswerOptions& options_;
  std::vector<AnswerMedia> media_;
};

}  // namespace

absl::StatusOr<RewrittenAnswer> RewriteRunnerAnswer(std::string_view pipeline,
                                                    std::string_view body,
                                                    const RunnerAnswerOptions& options) {
  Rewriter rewriter(pipeline, options);
  if (JsonNestsDeeperThan(body)) return rewriter.Fail("invalid JSON");
  json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded()) return rewriter.Fail("invalid JSON");
  RewrittenAnswer out;
  if (pipeline == "image-to-video" && doc.is_object()) {
    if (auto frames = doc.find("frames"); frames != doc.end()) {
      auto encoded = rewriter.EncodeFrames(*frames);
      if (!encoded.ok()) return encoded.status();
      out.body = *std::move(encoded);
      out.media = rewriter.TakeMedia();
      return out;
    }
  }
  // Gateways older than the marker want image answers inline (doc/ai.md 2.2).
  const bool keep_inline =
      !options.gateway_marker &&
      (pipeline == "text-to-image" || pipeline == "image-to-image" || pipeline == "upscale");
  if (doc.is_object()) {
    if (auto it = doc.find("images"); it != doc.end() && it->is_array())
      for (json& m : *it)
        if (auto s = rewriter.RewriteMedia(m, keep_inline); !s.ok()) return s;
    if (auto it = doc.find("frames"); it != doc.end() && it->is_array())
      for (json& batch : *it)
        if (batch.is_array())
          for (json& m : batch)
            if (auto s = rewriter.RewriteMedia(m, keep_inline); !s.ok()) return s;
    if (auto it = doc.find("audio"); it != doc.end())
      if (auto s = rewriter.RewriteMedia(*it, keep_inline); !s.ok()) return s;
  }
  out.body = Dump(doc);
  out.media = rewriter.TakeMedia();
  return out;
}

std::string RunnerErrorText(std::string_view body) {
  if (!JsonNestsDeeperThan(body)) {
    json doc = json::parse(body.begin(), body.end(), nullptr, false);
    if (doc.is_object()) {
      if (auto detail = doc.find("detail"); detail != doc.end()) {
        if (const std::string* msg = StringField(*detail, "msg")) return *msg;
        if (detail->is_string()) return detail->get<std::string>();
        return Dump(*detail);
      }
    }
  }
  return std::string(body.substr(0, 512));
}

}  // namespace baton::ai

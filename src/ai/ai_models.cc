#include "ai/ai_models.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "ai/pipelines.h"

namespace baton::ai {
namespace {

using nlohmann::json;

absl::Status EntryError(size_t index, const std::string& why) {
  return absl::InvalidArgumentError("-aiModels entry " + std::to_string(index + 1) + ": " + why);
}

// Go's strconv.ParseBool.
std::optional<bool> ParseGoBool(std::string_view s) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"})
    if (s == t) return true;
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"})
    if (s == f) return false;
  return std::nullopt;
}

absl::Status CheckPipeline(size_t index, const ModelSpec& spec) {
  if (spec.pipeline == "live-video-to-video")
    return EntryError(index, "pipeline live-video-to-video is not supported by Baton yet");
  if (FindPipeline(spec.pipeline) == nullptr)
    return EntryError(index, "unknown pipeline \"" + spec.pipeline + "\"");
  if (spec.model_id.empty()) return EntryError(index, "model_id is required");
  return absl::OkStatus();
}

// Warm and cold entries of one model contradict each other (go-livepeer panics on this).
absl::Status CheckConsistent(const std::vector<AiModelConfig>& models) {
  std::map<std::pair<std::string, std::string>, bool> warm;
  for (size_t i = 0; i < models.size(); ++i) {
    const ModelSpec& s = models[i].spec;
    auto [it, inserted] = warm.emplace(std::pair{s.pipeline, s.model_id}, s.warm);
    if (!inserted && it->second != s.warm)
      return EntryError(
          i, "model " + s.model_id + " of " + s.pipeline + " is listed both warm and cold");
  }
  return absl::OkStatus();
}

absl::StatusOr<pm::Rat> JsonPrice(size_t index, const json& v) {
  if (!v.is_number() || (v.is_number_float() && !(v.get<double>() >= 0)))
    return EntryError(index, "price_per_unit must be a non-negative JSON number");
  auto r = pm::ParseDecimal(v.dump());
  if (!r.ok() || *r < 0)
    return EntryError(index, "price_per_unit " + v.dump() + " is not a plain decimal number");
  return r;
}

absl::StatusOr<AiModelConfig> ParseEntry(size_t index, const json& e) {
  if (!e.is_object()) return EntryError(index, "must be a JSON object");
  AiModelConfig out;
  ModelSpec& spec = out.spec;
  std::string currency;
  for (const auto& item : e.items()) {
    // Named, not structured, bindings: lambdas capture them (clang 14 refuses the latter).
    const std::string& key = item.key();
    const json& v = item.value();
    auto need_string = [&](std::string& into) -> absl::Status {
      if (!v.is_string()) return EntryError(index, key + " must be a string");
      into = v.get<std::string>();
      return absl::OkStatus();
    };
    absl::Status s;
    if (key == "pipeline") {
      s = need_string(spec.pipeline);
    } else if (key == "model_id") {
      s = need_string(spec.model_id);
    } else if (key == "url") {
      s = need_string(spec.url);
    } else if (key == "token") {
      s = need_string(spec.token);
    } else if (key == "currency") {
      s = need_string(currency);
    } else if (key == "gateway") {
      s = need_string(out.gateway);
    } else if (key == "warm") {
      if (!v.is_boolean()) return EntryError(index, "warm must be true or false");
      spec.warm = v.get<bool>();
    } else if (key == "capacity") {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 1'000'000)
        return EntryError(index, "capacity must be a whole number between 0 and 1000000");
      spec.capacity = std::max<int>(1, static_cast<int>(v.get<int64_t>()));  // 0 means 1
    } else if (key == "price_per_unit") {
      auto price = JsonPrice(index, v);
      if (!price.ok()) return price.status();
      out.price_per_unit = *price;
    } else if (key == "pixels_per_unit") {
      if (!v.is_number_integer() || v.get<int64_t>() <= 0)
        return EntryError(index, "pixels_per_unit must be a positive whole number");
      out.pixels_per_unit = v.get<int64_t>();
    } else if (key == "optimization_flags") {
      if (!v.is_object()) return EntryError(index, "optimization_flags must be a JSON object");
      for (const auto& [name, flag] : v.items()) {
        if (flag.is_boolean()) {
          spec.optimization_flags[name] = flag.get<bool>() ? "true" : "false";
        } else if (flag.is_string()) {
          spec.optimization_flags[name] = flag.get<std::string>();
        } else {
          return EntryError(index, "optimization_flags." + name + " must be a string or a bool");
        }
      }
    } else {
      return EntryError(index, "unknown key \"" + key + "\"");
    }
    if (!s.ok()) return s;
  }
  if (auto s = CheckPipeline(index, spec); !s.ok()) return s;
  if (!spec.url.empty() && spec.url.rfind("http://", 0) != 0 && spec.url.rfind("https://", 0) != 0)
    return EntryError(index, "url must start with http:// or https://");
  while (!spec.url.empty() && spec.url.back() == '/') spec.url.pop_back();
  if (currency == "eth" || currency == "ETH") {
    if (out.price_per_unit) *out.price_per_unit *= pm::Rat(pm::BigInt("1000000000000000000"));
  } else if (!currency.empty() && currency != "wei" && currency != "WEI") {
    return EntryError(index, "currency \"" + currency +
                                 "\" needs a price feed, which Baton does not have: give the "
                                 "price in wei or eth");
  }
  if (out.gateway != "default" && (out.gateway.size() != 42 || out.gateway.rfind("0x", 0) != 0))
    return EntryError(index, "gateway must be \"default\" or a 0x address");
  return out;
}

}  // namespace

absl::StatusOr<std::vector<AiModelConfig>> ParseAiModelsJson(std::string_view text) {
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::InvalidArgumentError("-aiModels: the file is not JSON");
  if (!doc.is_array())
    return absl::InvalidArgumentError("-aiModels: the file must hold a JSON array of models");
  std::vector<AiModelConfig> out;
  for (size_t i = 0; i < doc.size(); ++i) {
    auto entry = ParseEntry(i, doc[i]);
    if (!entry.ok()) return entry.status();
    out.push_back(*std::move(entry));
  }
  if (auto s = CheckConsistent(out); !s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<AiModelConfig>> ParseAiModelsInline(std::string_view text) {
  std::vector<AiModelConfig> out;
  size_t index = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(',', pos);
    std::string_view item = text.substr(pos, end == text.npos ? text.npos : end - pos);
    pos = end == text.npos ? text.size() + 1 : end + 1;
    if (item.empty()) continue;
    std::vector<std::string_view> parts;
    for (size_t p = 0; p <= item.size();) {
      size_t colon = item.find(':', p);
      parts.push_back(item.substr(p, colon == item.npos ? item.npos : colon - p));
      p = colon == item.npos ? item.size() + 1 : colon + 1;
    }
    if (parts.size() < 2 || parts.size() > 3)
      return EntryError(index, "\"" + std::string(item) +
                                   "\" is not pipeline:model_id[:warm] (inline model ids "
                                   "cannot contain ':'; use a JSON file)");
    AiModelConfig m;
    m.spec.pipeline = std::string(parts[0]);
    m.spec.model_id = std::string(parts[1]);
    if (parts.size() == 3) {
      auto warm = ParseGoBool(parts[2]);
      if (!warm)
        return EntryError(index,
                          "warm must be true or false, got \"" + std::string(parts[2]) + "\"");
      m.spec.warm = *warm;
    }
    if (auto s = CheckPipeline(index, m.spec); !s.ok()) return s;
    out.push_back(std::move(m));
    ++index;
  }
  if (out.empty()) return absl::InvalidArgumentError("-aiModels: no models given");
  if (auto s = CheckConsistent(out); !s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<AiModelConfig>> LoadAiModels(const std::string& value) {
  std::error_code ec;
  if (!value.empty() && std::filesystem::is_regular_file(value, ec)) {
    std::ifstream in(value);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (!in.good() && !in.eof())
      return absl::InvalidArgumentError("-aiModels: cannot read " + value);
    auto models = ParseAiModelsJson(text);
    if (!models.ok())
      return absl::InvalidArgumentError(std::string(models.status().message()) + " (file " + value +
                                        ")");
    return models;
  }
  // Inline JSON is not accepted upstream either; a clearer word than "not pipeline:model_id".
  if (!value.empty() && (value.front() == '[' || value.front() == '{'))
    return absl::InvalidArgumentError(
        "-aiModels: JSON must be in a file (the value names no readable file)");
  return ParseAiModelsInline(value);
}

std::vector<ModelSpec> MergeSpecs(const std::vector<AiModelConfig>& models) {
  std::vector<ModelSpec> out;
  std::map<std::tuple<std::string, std::string, std::string>, size_t> seen;
  // Default entries first: each adds runners. A gateway-specific entry only sets a price for a
  // model already listed; alone, it lists the model.
  for (bool defaults : {true, false}) {
    for (const AiModelConfig& m : models) {
      if ((m.gateway == "default") != defaults) continue;
      auto key = std::tuple{m.spec.pipeline, m.spec.model_id, m.spec.url};
      auto [it, inserted] = seen.emplace(key, out.size());
      if (inserted) {
        out.push_back(m.spec);
      } else if (defaults) {
        out[it->second].capacity += m.spec.capacity;
      }
    }
  }
  return out;
}

}  // namespace baton::ai

#include "orchestrator/capabilities.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/absl_view.h"

namespace baton::orchestrator {
namespace {

const std::map<int, std::string>& Names() {
  static const std::map<int, std::string> kNames = {
      {-2, "Invalid"},
      {-1, "Unused"},
      {0, "H.264"},
      {1, "MPEGTS"},
      {2, "MP4"},
      {3, "Fractional framerates"},
      {4, "Storage direct"},
      {5, "Storage S3"},
      {6, "Storage GCS"},
      {7, "H264 Baseline profile"},
      {8, "H264 Main profile"},
      {9, "H264 High profile"},
      {10, "H264 Constrained, Contained High profile"},
      {11, "GOP"},
      {12, "Auth token"},
      {14, "MPEG7 signature"},
      {15, "HEVC decode"},
      {16, "HEVC encode"},
      {17, "VP8 decode"},
      {18, "VP9 decode"},
      {19, "VP8 encode"},
      {20, "VP9 encode"},
      {21, "H264 Decode YUV444 8-bit"},
      {22, "H264 Decode YUV422 8-bit"},
      {23, "H264 Decode YUV444 10-bit"},
      {24, "H264 Decode YUV422 10-bit"},
      {25, "H264 Decode YUV420 10-bit"},
      {26, "Segment slicing"},
      {27, "Text to image"},
      {28, "Image to image"},
      {29, "Image to video"},
      {30, "Upscale"},
      {31, "Audio to text"},
      {32, "Segment anything 2"},
      {33, "Llm"},
      {34, "Image to text"},
      {35, "Live video to video"},
      {36, "Text to speech"},
      {37, "byoc"},
  };
  return kNames;
}

// A semantic version's numbers, or why there are none. Numbers are uint64 as in the
// Masterminds semver package go-livepeer uses; they are parsed without exceptions because the
// text comes from gateways.
struct ParsedVersion {
  enum class Error { kNone, kMalformed, kOutOfRange };
  Error error = Error::kNone;
  std::array<uint64_t, 3> parts{0, 0, 0};
};

ParsedVersion ParseVersion(std::string_view v) {
  if (!v.empty() && v[0] == 'v') v.remove_prefix(1);
  v = v.substr(0, v.find_first_of("-+"));
  ParsedVersion out;
  size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    size_t end = v.find('.', pos);
    std::string_view part = v.substr(pos, end == std::string_view::npos ? v.npos : end - pos);
    if (part.empty() ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return {ParsedVersion::Error::kMalformed, {}};
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), out.parts[i]);
    if (ec == std::errc::result_out_of_range) return {ParsedVersion::Error::kOutOfRange, {}};
    if (ec != std::errc() || ptr != part.data() + part.size())
      return {ParsedVersion::Error::kMalformed, {}};
    if (end == std::string_view::npos) {
      if (i == 0) return {ParsedVersion::Error::kMalformed, {}};
      return out;
    }
    pos = end + 1;
  }
  return out;
}

absl::Status CheckVersionNumbers(std::string_view field, const std::string& version) {
  if (ParseVersion(version).error != ParsedVersion::Error::kOutOfRange) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid capability constraint: ", AsAbsl(field), " \"",
      AsAbsl(std::string_view(version).substr(0, 64)), "\" has a number out of range"));
}

bool BitsSubset(const google::protobuf::RepeatedField<uint64_t>& sub,
                const google::protobuf::RepeatedField<uint64_t>& super) {
  if (sub.size() > super.size()) return false;
  for (int i = 0; i < sub.size(); ++i) {
    if ((sub[i] & super[i]) != sub[i]) return false;
  }
  return true;
}

bool ModelConstraintsCompatible(const net::Capabilities& requester,
                                const net::Capabilities& provider) {
  const auto& want = requester.constraints().percapability();
  const auto& have = provider.constraints().percapability();
  for (const auto& [cap, wanted] : want) {
    auto it = have.find(cap);
    if (it == have.end()) continue;
    for (const auto& [model, need] : wanted.models()) {
      auto m = it->second.models().find(model);
      if (m == it->second.models().end()) return false;
      if (need.warm() && !m->second.warm()) return false;
      if (!need.runnerversion().empty() &&
          !VersionAtLeast(m->second.runnerversion(), need.runnerversion()))
        return false;
    }
  }
  return true;
}

}  // namespace

std::string CapabilityName(int capability) {
  auto it = Names().find(capability);
  return it == Names().end() ? "" : it->second;
}

int PipelineToCapability(const std::string& pipeline) {
  if (pipeline.empty()) return -2;
  std::string name = pipeline;
  name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  std::replace(name.begin(), name.end(), '-', ' ');
  for (const auto& [cap, n] : Names()) {
    if (n == name) return cap;
  }
  return -2;
}

std::set<int> DefaultCapabilities() { return {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 26}; }

// S3/GCS storage (5, 6) and MPEG-7 signatures (14) are not implemented, so not advertised.
std::set<int> OrchestratorFeatureCapabilities() {
  return {kCapH264,
          kCapMpegts,
          kCapMp4,
          kCapFractionalFramerates,
          kCapStorageDirect,
          kCapProfileH264Baseline,
          kCapProfileH264Main,
          kCapProfileH264High,
          kCapProfileH264ConstrainedHigh,
          kCapGop,
          kCapAuthToken,
          kCapSegmentSlicing};
}

std::set<int> DecodeBitstring(const google::protobuf::RepeatedField<uint64_t>& words) {
  std::set<int> caps;
  for (int w = 0; w < words.size(); ++w) {
    for (int bit = 0; bit < 64; ++bit) {
      if (words[w] >> bit & 1) caps.insert(w * 64 + bit);
    }
  }
  return caps;
}

net::Capabilities MakeCapabilities(const std::set<int>& caps, const std::string& version) {
  net::Capabilities out;
  for (uint64_t w : EncodeCapabilityBitstring(caps)) out.add_bitstring(w);
  for (int c : caps) {
    if (c >= 0) (*out.mutable_capacities())[c] = 1;
  }
  out.set_version(version);
  return out;
}

void AddAiModels(net::Capabilities& caps, const std::vector<ai::ModelState>& models) {
  std::set<int> bits = DecodeBitstring(caps.bitstring());
  auto& per_cap = *caps.mutable_constraints()->mutable_percapability();
  for (const ai::ModelState& m : models) {
    const int cap = PipelineToCapability(m.pipeline);
    if (cap < 0) continue;
    bits.insert(cap);
    (*caps.mutable_capacities())[cap] = 1;
    auto& c = (*per_cap[cap].mutable_models())[m.model_id];
    c.set_warm(c.warm() || m.warm);
    c.set_capacity(c.capacity() + static_cast<uint32_t>(std::max(0, m.capacity - m.in_use)));
    c.set_capacityinuse(c.capacityinuse() + static_cast<uint32_t>(std::max(0, m.in_use)));
    if (!m.runner_version.empty() &&
        (c.runnerversion().empty() || !VersionAtLeast(m.runner_version, c.runnerversion())))
      c.set_runnerversion(m.runner_version);
  }
  caps.clear_bitstring();
  for (uint64_t w : EncodeCapabilityBitstring(bits)) caps.add_bitstring(w);
}

bool VersionAtLeast(const std::string& version, const std::string& minimum) {
  ParsedVersion min = ParseVersion(minimum);
  if (min.error != ParsedVersion::Error::kNone) return true;
  ParsedVersion have = ParseVersion(version);
  if (have.error != ParsedVersion::Error::kNone) return false;
  return have.parts >= min.parts;
}

absl::Status CheckConstraintNumbers(const net::Capabilities& requester) {
  const net::Capabilities::Constraints& constraints = requester.constraints();
  if (auto s = CheckVersionNumbers("minVersion", constraints.minversion()); !s.ok()) return s;
  for (const auto& [cap, per_cap] : constraints.percapability()) {
    for (const auto& [model, need] : per_cap.models()) {
      if (auto s = CheckVersionNumbers("runnerVersion", need.runnerversion()); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

bool CompatibleWith(const net::Capabilities& requester, const net::Capabilities& provider) {
  const std::string& min_version = requester.constraints().minversion();
  if (!min_version.empty()) {
    if (provider.version().empty() || provider.version() == "undefined") return false;
    if (!VersionAtLeast(provider.version(), min_version)) return false;
  }
  if (!BitsSubset(provider.mandatories(), requester.bitstring())) return false;
  if (!ModelConstraintsCompatible(requester, provider)) return false;
  return BitsSubset(requester.bitstring(), provider.bitstring());
}

}  // namespace baton::orchestrator

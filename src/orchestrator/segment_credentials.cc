#include "orchestrator/segment_credentials.h"

#include "common/hex.h"
#include "crypto/keccak.h"
#include "orchestrator/capabilities.h"
#include "transcode/profile_proto.h"

namespace baton::orchestrator {
namespace {

// The transcoder's wire conversion is the one set of profile rules: it validates the enums
// and derives a missing name (net_<w>x<h>_<bitrate>), which the signature covers.
absl::Status NormalizeProfile(net::VideoProfile& p) {
  auto converted = transcode::ProfileFromProto(p);
  if (!converted.ok()) return converted.status();
  p.set_name(converted->name);
  return absl::OkStatus();
}

const google::protobuf::RepeatedPtrField<net::VideoProfile>& ChosenProfiles(
    const net::SegData& seg) {
  if (seg.fullprofiles3_size() > 0) return seg.fullprofiles3();
  if (seg.fullprofiles2_size() > 0) return seg.fullprofiles2();
  return seg.fullprofiles();
}

std::string GoHash(const std::string& bytes) {
  if (bytes.size() >= 32) return bytes.substr(bytes.size() - 32);
  return std::string(32 - bytes.size(), '\0') + bytes;
}

}  // namespace

absl::StatusOr<SegmentRequest> DecodeSegData(std::string_view header) {
  auto raw = Base64Decode(header);
  if (!raw.ok()) return absl::InvalidArgumentError("ErrorSegEncoding");
  SegmentRequest req;
  if (!req.seg_data.ParseFromString(*raw))
    return absl::InvalidArgumentError("proto: cannot parse invalid wire-format data (SegData)");
  for (const auto& p : ChosenProfiles(req.seg_data)) {
    req.profiles.push_back(p);
    if (auto s = NormalizeProfile(req.profiles.back()); !s.ok()) return s;
  }
  int64_t duration = req.seg_data.duration();
  if (duration < 0 || duration > kMaxSegmentDurationMs)
    return absl::InvalidArgumentError("invalid duration");
  req.duration_ms = duration == 0 ? kDefaultSegmentDurationMs : duration;
  req.hash = GoHash(req.seg_data.hash());
  return req;
}

std::string FlattenSegment(const SegmentRequest& req) {
  std::string out = req.manifest_id();
  std::string seq(32, '\0');
  auto v = static_cast<uint64_t>(req.seq());
  for (int i = 31; i >= 24; --i, v >>= 8) seq[i] = static_cast<char>(v & 0xff);
  out += seq;
  out += req.hash;
  std::string ids;
  for (const auto& p : req.profiles) ids += crypto::Keccak256(p.name()).substr(0, 4);
  return out + HexEncode(ids);
}

absl::Status VerifySegmentCredentials(const SegmentRequest& req, std::string_view sender,
                                      const CredentialCheckers& c) {
  if (!c.identity->VerifySig(sender, FlattenSegment(req), req.seg_data.sig()))
    return absl::PermissionDeniedError("ErrSegSig");
  if (auto s = CheckConstraintNumbers(req.seg_data.capabilities()); !s.ok()) return s;
  if (!CompatibleWith(req.seg_data.capabilities(), c.node_capabilities))
    return absl::PermissionDeniedError("incompatible capabilities");
  const net::AuthToken* token =
      req.seg_data.has_auth_token() ? &req.seg_data.auth_token() : nullptr;
  if (auto s = c.tokens->Verify(token); !s.ok()) return s;
  if (c.sessions == nullptr) return absl::OkStatus();  // AI requests take runner capacity
  return c.sessions->CheckCapacity(token->session_id());
}

}  // namespace baton::orchestrator

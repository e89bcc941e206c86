#include "gateway/segment_request.h"

#include "common/hex.h"
#include "crypto/eth_sign.h"
#include "gateway/rendition_ladder.h"

namespace baton::gateway {
namespace {

// Minimal big-endian bytes of a non-negative seq, left-padded to 32 bytes.
std::string PaddedSeq(int64_t seq) {
  std::string out(32, '\0');
  uint64_t value = static_cast<uint64_t>(seq);
  for (int i = 31; i >= 24; --i, value >>= 8) out[i] = static_cast<char>(value & 0xff);
  return out;
}

}  // namespace

std::string Flatten(const SegmentIdentity& segment,
                    const std::vector<::net::VideoProfile>& profiles) {
  std::string out = segment.manifest_id;
  out += PaddedSeq(segment.seq);
  out += segment.hash;
  for (const ::net::VideoProfile& profile : profiles) out += ProfileId(profile.name());
  return out;
}

::net::SegData BuildSegData(const SegmentIdentity& segment,
                            const std::vector<::net::VideoProfile>& profiles,
                            const ::net::AuthToken& auth_token, const crypto::PrivateKey& key) {
  ::net::SegData seg;
  seg.set_manifestid(segment.manifest_id);
  seg.set_seq(segment.seq);
  seg.set_hash(segment.hash);
  seg.set_profiles("invalid");
  seg.set_sig(crypto::Sign(key, Flatten(segment, profiles)));
  seg.set_duration(segment.duration_ms);
  *seg.mutable_capabilities() = RequiredCapabilities(profiles);
  *seg.mutable_auth_token() = auth_token;
  for (const ::net::VideoProfile& profile : profiles) *seg.add_fullprofiles() = profile;
  return seg;
}

SegmentHeaders EncodeHeaders(const ::net::SegData& seg_data, const ::net::Payment& payment) {
  return {Base64Encode(seg_data.SerializeAsString()), Base64Encode(payment.SerializeAsString())};
}

}  // namespace baton::gateway

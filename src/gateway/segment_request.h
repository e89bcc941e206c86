// SegmentRequest: the credentials a gateway sends with one segment on POST /segment
// (doc/wire.md 3): the SegData protobuf, signed over its "Flatten" bytes with the gateway key,
// and both request headers (Livepeer-Segment, Livepeer-Payment) as standard padded base64.
//
// The segment signature covers manifestId ‖ 32-byte left-padded big-endian seq ‖ the
// 32-byte keccak of the segment bytes ‖ the ASCII lower-case hex of the 4-byte profile IDs
// (go-livepeer core/streamdata.go Flatten); the orchestrator recovers the Payment's sender
// from it, so the key signing here must be the one that signs the tickets.
// Pure functions over values; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/secp256k1.h"
#include "lp_rpc.pb.h"

namespace baton::gateway {

// What identifies one segment of one session.
struct SegmentIdentity {
  std::string manifest_id;  // arbitrary bytes chosen by the gateway, per session
  int64_t seq = 0;          // REQUIRES: >= 0
  std::string hash;         // keccak256 of the segment bytes, 32 bytes
  int32_t duration_ms = 0;
};

// The exact bytes the segment signature covers.
std::string Flatten(const SegmentIdentity& segment,
                    const std::vector<::net::VideoProfile>& profiles);

// A complete SegData: identity, Sign(Flatten) with `key`, the required capabilities of the
// profiles, the session's auth token and the profiles in fullProfiles (33). The legacy
// `profiles` field carries "invalid", as modern gateways send.
::net::SegData BuildSegData(const SegmentIdentity& segment,
                            const std::vector<::net::VideoProfile>& profiles,
                            const ::net::AuthToken& auth_token, const crypto::PrivateKey& key);

// The header values: standard padded base64 of the serialized protobufs.
struct SegmentHeaders {
  std::string livepeer_segment;
  std::string livepeer_payment;
};
SegmentHeaders EncodeHeaders(const ::net::SegData& seg_data, const ::net::Payment& payment);

}  // namespace baton::gateway

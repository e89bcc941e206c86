// Decoding and checking the credentials a gateway sends with each segment: the
// `Livepeer-Segment` header (base64 SegData) and its signature, capabilities, auth token
// and capacity, in go-livepeer's order with its error texts (doc/wire.md section 3).
//
// Pure functions over their inputs (the checks borrow the node's identity, token issuer and
// session registry). Thread-safe. DecodeSegData is a parser of untrusted input and has a
// fuzz target (segment_credentials_fuzz.cc).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lp_rpc.pb.h"
#include "orchestrator/auth_token.h"
#include "orchestrator/identity.h"
#include "orchestrator/session_registry.h"

namespace baton::orchestrator {

// MaxDuration of a segment (go-livepeer common.MaxDuration).
inline constexpr int64_t kMaxSegmentDurationMs = int64_t{5} * 60 * 1000;
inline constexpr int64_t kDefaultSegmentDurationMs = 2000;

struct SegmentRequest {
  net::SegData seg_data;                    // as received
  std::vector<net::VideoProfile> profiles;  // fullProfiles3 > 2 > 1, names filled in
  int64_t duration_ms = kDefaultSegmentDurationMs;
  const std::string& manifest_id() const { return seg_data.manifestid(); }
  int64_t seq() const { return seg_data.seq(); }
  // Go's BytesToHash: the right-most 32 bytes, left-padded.
  std::string hash;
};

// base64 → SegData → validated request. Errors: "ErrorSegEncoding" for bad base64, a protobuf
// error, "unrecognized profile output format", "unrecognized encoder profile",
// "unrecognized video codec", "invalid duration".
absl::StatusOr<SegmentRequest> DecodeSegData(std::string_view header);

// The bytes the gateway signs (core/streamdata.go:Flatten): manifestId ‖ BE32(seq) ‖ hash ‖
// lower-case hex of keccak(name)[0:4] for each profile.
std::string FlattenSegment(const SegmentRequest& request);

struct CredentialCheckers {
  const NodeIdentity* identity;
  const AuthTokenIssuer* tokens;
  const SessionRegistry* sessions;  // null: no session capacity check (AI requests)
  net::Capabilities node_capabilities;
};

// verifySegCreds after decoding: segment signature by `sender` ("ErrSegSig"), capabilities
// ("invalid capability constraint: ..." for a version number beyond uint64, then
// "incompatible capabilities"), auth token ("missing/invalid/expired auth token"),
// capacity ("OrchestratorCapped").
absl::Status VerifySegmentCredentials(const SegmentRequest& request, std::string_view sender,
                                      const CredentialCheckers& checkers);

}  // namespace baton::orchestrator

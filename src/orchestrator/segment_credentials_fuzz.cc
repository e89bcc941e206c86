// libFuzzer target: the credentials a gateway sends with a segment, through every step the node
// applies before accepting it: base64 and protobuf decoding of `Livepeer-Segment`, profile
// validation and normalisation, the signed bytes, capability constraints (version numbers) and
// compatibility, the auth token and the session's capacity. The input is tried both as the
// header text and as the raw SegData bytes (base64-encoded here), so mutations reach the
// protobuf fields directly. A token whose bytes are "fuzz" is swapped for a valid one for its
// session id, so the capacity step is reached too. Offchain identity (any signature verifies)
// on even sequence numbers, an account's on odd ones. Built only by fuzz/ (never linked into
// baton).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/hex.h"
#include "crypto/secp256k1.h"
#include "eth/account.h"
#include "google/protobuf/stubs/logging.h"
#include "orchestrator/account_identity.h"
#include "orchestrator/capabilities.h"
#include "orchestrator/segment_credentials.h"

namespace baton::orchestrator {
namespace {

struct World {
  World()
      : account(std::make_shared<eth::Account>(
            crypto::PrivateKey::FromBytes(std::string(32, '\x07')).value())),
        sessions(2),
        node_caps(MakeCapabilities(DefaultCapabilities(), "0.9.1")) {
    (void)sessions.Acquire("held-1");
    (void)sessions.Acquire("held-2");
  }
  OffchainIdentity offchain;
  AccountIdentity account;
  AuthTokenIssuer tokens;
  SessionRegistry sessions;
  net::Capabilities node_caps;
};

void Check(std::string_view header) {
  static World* world = new World();
  absl::StatusOr<SegmentRequest> req = DecodeSegData(header);
  if (!req.ok()) return;
  (void)FlattenSegment(*req);
  if (req->seg_data.has_auth_token() && req->seg_data.auth_token().token() == "fuzz") {
    *req->seg_data.mutable_auth_token() =
        world->tokens.IssueFor(req->seg_data.auth_token().session_id());
  }
  const NodeIdentity* identity =
      req->seq() % 2 == 0 ? static_cast<const NodeIdentity*>(&world->offchain) : &world->account;
  CredentialCheckers checkers{identity, &world->tokens, &world->sessions, world->node_caps};
  (void)VerifySegmentCredentials(*req, std::string(20, '\x01'), checkers);
  // The other direction too: the segment's capabilities as a provider.
  (void)CompatibleWith(world->node_caps, req->seg_data.capabilities());
  (void)DecodeBitstring(req->seg_data.capabilities().bitstring());
}

}  // namespace
}  // namespace baton::orchestrator

// Protobuf logs every string field with invalid UTF-8 to stderr; that would drown the output.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  baton::orchestrator::Check(input);
  baton::orchestrator::Check(baton::Base64Encode(input));
  return 0;
}

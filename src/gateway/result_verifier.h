// Result verification as a verifying gateway does it (doc/wire.md 3 "Result signature",
// doc/transcode.md 5): the orchestrator's signature over the downloaded renditions, and a recount
// of each rendition's pixels against the pixels it reported (and billed).
//
// The signature is personal-sign(keccak(keccak(out_0) ‖ … ‖ keccak(out_{n-1}))) by
// info.address, or by ticket_params.recipient when the address is zero. Offchain nodes have
// neither and send no signature; that is reported as "unsigned", not as a failure.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "crypto/address.h"
#include "lp_rpc.pb.h"

namespace baton::gateway {

// The account that must have signed results under `info`, or nullopt when both the address
// and the ticket recipient are zero or absent (an offchain orchestrator).
std::optional<crypto::Address> ExpectedResultSigner(const ::net::OrchestratorInfo& info);

// keccak(out_0) ‖ … ‖ keccak(out_{n-1}): the message whose Sign() the orchestrator returns.
std::string RenditionHashes(const std::vector<std::string>& renditions);

// OK when `sig` is `signer`'s signature over the renditions, in profile order.
absl::Status VerifyResultSignature(const crypto::Address& signer,
                                   const std::vector<std::string>& renditions,
                                   const std::string& sig);

// Decodes the rendition and compares Σ w·h over its frames with `reported_pixels`; the error
// names both numbers and the frame count.
absl::Status VerifyPixels(const std::string& rendition, int64_t reported_pixels);

}  // namespace baton::gateway

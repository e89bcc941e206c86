// Ethereum personal-sign over 32-byte digests, as go-livepeer signs and verifies tickets,
// results and requests (doc/wire.md "Conventions", doc/pm.md 1.3).
//
// personal-sign(d) signs keccak("\x19Ethereum Signed Message:\n32" ‖ d); the signature is
// r‖s‖v with v ∈ {27,28}. Verification accepts only length 65, v ∈ {27,28} and low s
// (s ≤ n/2), exactly like go-livepeer's crypto/verify.go. All functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "crypto/address.h"
#include "crypto/secp256k1.h"

namespace baton::crypto {

// keccak("\x19Ethereum Signed Message:\n32" ‖ digest32).
std::string PersonalSignDigest(std::string_view digest32);
// 65 bytes r‖s‖v, v = 27 or 28. REQUIRES: digest32.size() == 32.
std::string PersonalSign(const PrivateKey& key, std::string_view digest32);
// PersonalSign(key, keccak(msg)): how nodes sign arbitrary messages.
std::string Sign(const PrivateKey& key, std::string_view msg);
// The address that personal-signed digest32, or an error for a malformed or high-s signature.
absl::StatusOr<Address> RecoverPersonalSigner(std::string_view digest32, std::string_view sig65);
// Does sig recover, from PersonalSignDigest(keccak(msg)), to addr?
bool VerifySig(const Address& addr, std::string_view msg, std::string_view sig);

}  // namespace baton::crypto

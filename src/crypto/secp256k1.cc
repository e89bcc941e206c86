#include "crypto/secp256k1.h"

#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <cstdlib>

#include "crypto/keccak.h"

namespace baton::crypto {
namespace {

const unsigned char* U8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

void RandomBytes(unsigned char* out, int n) {
  if (RAND_bytes(out, n) != 1) std::abort();  // no safe way on without randomness
}

// Created once; after randomisation it is only used through const pointers, which
// libsecp256k1 documents as safe to share between threads.
const secp256k1_context* Context() {
  static const secp256k1_context* ctx = [] {
    secp256k1_context* c =
        secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
    unsigned char seed[32];
    RandomBytes(seed, sizeof seed);
    if (!secp256k1_context_randomize(c, seed)) std::abort();
    return c;
  }();
  return ctx;
}

std::string SerializeUncompressed(const secp256k1_pubkey& pub) {
  unsigned char out[65];
  size_t len = sizeof out;
  secp256k1_ec_pubkey_serialize(Context(), out, &len, &pub, SECP256K1_EC_UNCOMPRESSED);
  return std::string(reinterpret_cast<char*>(out) + 1, 64);
}

}  // namespace

absl::StatusOr<PrivateKey> PrivateKey::FromBytes(std::string_view key32) {
  if (key32.size() != 32) {
    return absl::InvalidArgumentError("private key must be 32 bytes, got " +
                                      std::to_string(key32.size()));
  }
  if (!secp256k1_ec_seckey_verify(Context(), U8(key32))) {
    return absl::InvalidArgumentError("private key is not a valid secp256k1 scalar");
  }
  return PrivateKey(std::string(key32));
}

PrivateKey PrivateKey::Generate() {
  std::string key(32, '\0');
  do {
    RandomBytes(reinterpret_cast<unsigned char*>(key.data()), 32);
  } while (!secp256k1_ec_seckey_verify(Context(), U8(key)));
  return PrivateKey(std::move(key));
}

std::string PrivateKey::PublicKey() const {
  secp256k1_pubkey pub;
  if (!secp256k1_ec_pubkey_create(Context(), &pub, U8(key_))) std::abort();  // key was verified
  return SerializeUncompressed(pub);
}

Address PrivateKey::address() const { return AddressFromPublicKey(PublicKey()); }

std::string PrivateKey::SignDigest(std::string_view digest32) const {
  secp256k1_ecdsa_recoverable_signature sig;
  // A null nonce function selects RFC6979, as go-ethereum's signer does.
  if (!secp256k1_ecdsa_sign_recoverable(Context(), &sig, U8(digest32), U8(key_), nullptr,
                                        nullptr)) {
    std::abort();  // only fails for an invalid key, which FromBytes excludes
  }
  std::string out(65, '\0');
  int recid = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(
      Context(), reinterpret_cast<unsigned char*>(out.data()), &recid, &sig);
  out[64] = static_cast<char>(recid);
  return out;
}

absl::StatusOr<std::string> RecoverPublicKey(std::string_view digest32,
                                             std::string_view sig65_recid01) {
  if (digest32.size() != 32) return absl::InvalidArgumentError("digest must be 32 bytes");
  if (sig65_recid01.size() != 65) return absl::InvalidArgumentError("signature must be 65 bytes");
  int recid = static_cast<unsigned char>(sig65_recid01[64]);
  if (recid > 1) return absl::InvalidArgumentError("invalid signature recovery id");
  secp256k1_ecdsa_recoverable_signature sig;
  if (!secp256k1_ecdsa_recoverable_signature_parse_compact(Context(), &sig, U8(sig65_recid01),
                                                           recid)) {
    return absl::InvalidArgumentError("invalid signature values");
  }
  secp256k1_pubkey pub;
  if (!secp256k1_ecdsa_recover(Context(), &pub, &sig, U8(digest32))) {
    return absl::InvalidArgumentError("signature recovery failed");
  }
  return SerializeUncompressed(pub);
}

Address AddressFromPublicKey(std::string_view pub64) {
  return Address::FromBytesGoStyle(Keccak256(pub64));
}

}  // namespace baton::crypto

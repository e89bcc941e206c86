#include "crypto/eth_sign.h"

#include <algorithm>
#include <cstring>

#include "crypto/keccak.h"

namespace baton::crypto {
namespace {

// secp256k1n / 2, big-endian: the largest s Ethereum accepts (EIP-2).
constexpr unsigned char kHalfOrder[32] = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

bool IsHighS(std::string_view sig) { return std::memcmp(sig.data() + 32, kHalfOrder, 32) > 0; }

constexpr std::string_view kPrefix =
    "\x19"
    "Ethereum Signed Message:\n32";

}  // namespace

std::string PersonalSignDigest(std::string_view digest32) {
  std::string buf;
  buf.reserve(kPrefix.size() + digest32.size());
  buf.append(kPrefix).append(digest32);
  return Keccak256(buf);
}

std::string PersonalSign(const PrivateKey& key, std::string_view digest32) {
  std::string sig = key.SignDigest(PersonalSignDigest(digest32));
  sig[64] = static_cast<char>(sig[64] + 27);
  return sig;
}

std::string Sign(const PrivateKey& key, std::string_view msg) {
  return PersonalSign(key, Keccak256(msg));
}

absl::StatusOr<Address> RecoverPersonalSigner(std::string_view digest32, std::string_view sig65) {
  if (sig65.size() != 65) {
    return absl::InvalidArgumentError("invalid signature length " + std::to_string(sig65.size()));
  }
  unsigned char v = static_cast<unsigned char>(sig65[64]);
  if (v != 27 && v != 28) {
    return absl::InvalidArgumentError("invalid signature v value " + std::to_string(v));
  }
  if (IsHighS(sig65)) return absl::InvalidArgumentError("invalid signature s value (high s)");
  std::string sig(sig65);
  sig[64] = static_cast<char>(v - 27);
  absl::StatusOr<std::string> pub = RecoverPublicKey(PersonalSignDigest(digest32), sig);
  if (!pub.ok()) return pub.status();
  return AddressFromPublicKey(*pub);
}

bool VerifySig(const Address& addr, std::string_view msg, std::string_view sig) {
  absl::StatusOr<Address> signer = RecoverPersonalSigner(Keccak256(msg), sig);
  return signer.ok() && *signer == addr;
}

}  // namespace baton::crypto

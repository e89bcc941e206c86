// geth-compatible Web3 Secret Storage (keystore v3) files and a keystore directory.
//
// A key file is JSON: the private key encrypted with AES-128-CTR under dk[0:16], where dk is
// scrypt (default N=262144, r=8, p=1, as geth and go-livepeer write) or PBKDF2-HMAC-SHA256 of
// the password; mac = keccak256(dk[16:32] ‖ ciphertext). Files are named like geth's,
// "UTC--<ISO time>--<address hex>", written 0600 in a 0700 directory.
//
// Keystore is a handle on a directory (or a single key file); it holds no secrets itself.
// Unlocked keys are returned to the caller (see account.h), never logged. All functions may be
// called from any thread; concurrent Create() calls write distinct files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crypto/address.h"
#include "crypto/secp256k1.h"

namespace baton::eth {

struct ScryptParams {
  uint64_t n = 262144;  // tests lower this for speed
  uint32_t r = 8;
  uint32_t p = 1;
};

// The encrypted JSON for key under password.
absl::StatusOr<std::string> EncryptKey(const crypto::PrivateKey& key, std::string_view password,
                                       const ScryptParams& params = {});
// Decrypts a v3 key file (scrypt or pbkdf2). A wrong password gives
// "could not decrypt key with given password".
absl::StatusOr<crypto::PrivateKey> DecryptKey(std::string_view json, std::string_view password);
// The address a key file declares, without decrypting it.
absl::StatusOr<crypto::Address> KeyFileAddress(std::string_view json);

class Keystore {
 public:
  struct Entry {
    crypto::Address address;
    std::string path;
  };

  // path: a directory of key files (created on first Create) or one key file.
  explicit Keystore(std::string path, ScryptParams params = {})
      : path_(std::move(path)), params_(params) {}

  // The accounts found, sorted by file name (oldest first for geth-named files); unreadable
  // files are skipped. A missing directory is an empty keystore.
  absl::StatusOr<std::vector<Entry>> List() const;
  absl::StatusOr<Entry> Find(const crypto::Address& address) const;
  // Generates a key, writes its file, and returns the new entry.
  absl::StatusOr<Entry> Create(std::string_view password) const;
  // Writes an existing key (import).
  absl::StatusOr<Entry> Store(const crypto::PrivateKey& key, std::string_view password) const;
  absl::StatusOr<crypto::PrivateKey> Unlock(const crypto::Address& address,
                                            std::string_view password) const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  ScryptParams params_;
};

}  // namespace baton::eth

// Account: the node's Ethereum identity, unlocked from a geth keystore once at start-up and
// held in memory for the life of the process (-ethKeystorePath, -ethAcctAddr, -ethPassword).
//
// Open() follows go-livepeer's accountmanager: the account is -ethAcctAddr, or the first key in
// the keystore; when the keystore is empty or the address is not in it, a new key is created
// with the password. The private key never leaves this object except as signatures, and is
// never logged. Thread-safe: all methods are const.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "crypto/address.h"
#include "crypto/secp256k1.h"
#include "eth/keystore.h"
#include "eth/transaction.h"

namespace baton::eth {

struct AccountOptions {
  std::string keystore_path;  // directory, or a single key file
  std::string address;        // hex; empty = the first account
  std::string password;       // already resolved (see ResolvePassword)
  ScryptParams scrypt;        // for a newly created key
};

// -ethPassword semantics (go-livepeer common.ReadFromFile): if value names a readable regular
// file, its contents with surrounding whitespace trimmed; otherwise value itself.
std::string ResolvePassword(std::string_view value);

class Account {
 public:
  static absl::StatusOr<std::unique_ptr<Account>> Open(const AccountOptions& options);
  // For tests and tools that already hold a key.
  explicit Account(crypto::PrivateKey key) : key_(std::move(key)), address_(key_.address()) {}

  const crypto::Address& address() const { return address_; }
  // Whether Open() had to create the key.
  bool created() const { return created_; }

  SignedTransaction SignTransaction(const Transaction& tx) const { return tx.Sign(key_); }
  // Ethereum personal-sign of keccak(msg) (go-livepeer's AccountManager.Sign).
  std::string Sign(std::string_view msg) const;
  // EIP-191 signature of a text message: keccak("\x19Ethereum Signed Message:\n" ‖ len ‖ msg),
  // v = 27/28 (go-livepeer's AccountManager.Sign, the operator port's /signMessage).
  std::string SignText(std::string_view msg) const;
  // Personal-sign of a 32-byte digest (tickets).
  std::string SignDigest(std::string_view digest32) const;

 private:
  crypto::PrivateKey key_;
  crypto::Address address_;
  bool created_ = false;
};

}  // namespace baton::eth

#include "eth/account.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "crypto/eth_sign.h"
#include "crypto/keccak.h"

namespace baton::eth {

std::string ResolvePassword(std::string_view value) {
  std::error_code ec;
  std::filesystem::path path{std::string(value)};
  if (value.empty() || !std::filesystem::is_regular_file(path, ec)) return std::string(value);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string(value);
  std::stringstream ss;
  ss << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(ss.str()));
}

absl::StatusOr<std::unique_ptr<Account>> Account::Open(const AccountOptions& options) {
  Keystore keystore(options.keystore_path, options.scrypt);
  auto entries = keystore.List();
  if (!entries.ok()) return entries.status();
  std::optional<crypto::Address> wanted;
  if (!options.address.empty()) {
    auto a = crypto::Address::FromHex(options.address);
    if (!a.ok())
      return absl::InvalidArgumentError(
          absl::StrCat("invalid -ethAcctAddr: ", a.status().message()));
    wanted = *a;
  }
  std::optional<Keystore::Entry> chosen;
  for (const auto& e : *entries)
    if (!wanted || e.address == *wanted) {
      chosen = e;
      break;
    }
  bool created = false;
  if (!chosen) {
    auto entry = keystore.Create(options.password);
    if (!entry.ok()) return entry.status();
    chosen = *entry;
    created = true;
  }
  auto key = keystore.Unlock(chosen->address, options.password);
  if (!key.ok())
    return absl::Status(
        key.status().code(),
        absl::StrCat("unlocking ", chosen->address.ChecksumHex(), ": ", key.status().message()));
  auto account = std::make_unique<Account>(*std::move(key));
  account->created_ = created;
  return account;
}

std::string Account::Sign(std::string_view msg) const { return crypto::Sign(key_, msg); }

std::string Account::SignText(std::string_view msg) const {
  std::string prefixed =
      "\x19"
      "Ethereum Signed Message:\n" +
      std::to_string(msg.size());
  prefixed.append(msg);
  std::string sig = key_.SignDigest(crypto::Keccak256(prefixed));
  sig[64] = static_cast<char>(sig[64] + 27);
  return sig;
}

std::string Account::SignDigest(std::string_view digest32) const {
  return crypto::PersonalSign(key_, digest32);
}

}  // namespace baton::eth

#include "eth/keystore.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/hex.h"
#include "common/private_file.h"
#include "crypto/hmac.h"
#include "crypto/keccak.h"

namespace baton::eth {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr size_t kDerivedKeySize = 32;

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n));
  return out;
}

std::string RandomUuid() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string h = HexEncode(b);
  return absl::StrCat(h.substr(0, 8), "-", h.substr(8, 4), "-", h.substr(12, 4), "-",
                      h.substr(16, 4), "-", h.substr(20));
}

absl::StatusOr<std::string> Scrypt(std::string_view password, std::string_view salt,
                                   const ScryptParams& p, size_t dklen) {
  if (p.n < 2 || (p.n & (p.n - 1)) != 0 || p.r == 0 || p.p == 0 || p.n > (1u << 24) || p.r > 64 ||
      p.p > 16)
    return absl::InvalidArgumentError("keystore: unsupported scrypt parameters");
  std::string dk(dklen, '\0');
  // OpenSSL's default memory cap (32 MiB) is below geth's standard N=262144, r=8 (256 MiB).
  uint64_t maxmem = 128ull * p.r * (p.n + p.p + 2) + (1u << 20);
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), p.n, p.r,
                     p.p, maxmem, reinterpret_cast<unsigned char*>(dk.data()), dklen) != 1)
    return absl::InternalError("keystore: scrypt failed (out of memory?)");
  return dk;
}

absl::StatusOr<std::string> Pbkdf2(std::string_view password, std::string_view salt, int rounds,
                                   size_t dklen) {
  if (rounds < 1 || rounds > 100000000) return absl::InvalidArgumentError("keystore: bad c");
  std::string dk(dklen, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), rounds, EVP_sha256(),
                        static_cast<int>(dklen), reinterpret_cast<unsigned char*>(dk.data())) != 1)
    return absl::InternalError("keystore: pbkdf2 failed");
  return dk;
}

// AES-128-CTR is its own inverse.
absl::StatusOr<std::string> Aes128Ctr(std::string_view key16, std::string_view iv16,
                                      std::string_view input) {
  if (key16.size() != 16 || iv16.size() != 16)
    return absl::InvalidArgumentError("keystore: bad cipher key or iv size");
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::string out(input.size(), '\0');
  int len = 0, final_len = 0;
  bool ok =
      EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nullptr,
                         reinterpret_cast<const unsigned char*>(key16.data()),
                         reinterpret_cast<const unsigned char*>(iv16.data())) == 1 &&
      EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                        reinterpret_cast<const unsigned char*>(input.data()),
                        static_cast<int>(input.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + len, &final_len) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return absl::InternalError("keystore: aes-128-ctr failed");
  return out;
}

std::string Mac(std::string_view dk, std::string_view ciphertext) {
  return crypto::Keccak256(std::string(dk.substr(16, 16)) + std::string(ciphertext));
}

absl::StatusOr<std::string> HexField(const json& obj, const char* name) {
  if (!obj.is_object() || !obj.contains(name) || !obj[name].is_string())
    return absl::InvalidArgumentError(absl::StrCat("keystore: missing field \"", name, "\""));
  auto bytes = HexDecode(obj[name].get<std::string>());
  if (!bytes.ok())
    return absl::InvalidArgumentError(absl::StrCat("keystore: field \"", name, "\" is not hex"));
  return bytes;
}

// The derived key for the file's kdf section.
absl::StatusOr<std::string> DeriveKey(const json& crypto_section, std::string_view password) {
  std::string kdf = crypto_section.value("kdf", "");
  const json& params = crypto_section.contains("kdfparams") ? crypto_section["kdfparams"] : json();
  auto salt = HexField(params, "salt");
  if (!salt.ok()) return salt.status();
  size_t dklen = params.value("dklen", 32);
  if (dklen < kDerivedKeySize || dklen > 64)
    return absl::InvalidArgumentError("keystore: unsupported dklen");
  if (kdf == "scrypt") {
    ScryptParams p{params.value("n", uint64_t{0}), params.value("r", 0u), params.value("p", 0u)};
    return Scrypt(password, *salt, p, dklen);
  }
  if (kdf == "pbkdf2") {
    if (params.value("prf", "") != "hmac-sha256")
      return absl::InvalidArgumentError("keystore: pbkdf2 needs prf hmac-sha256");
    return Pbkdf2(password, *salt, params.value("c", 0), dklen);
  }
  return absl::InvalidArgumentError(absl::StrCat("keystore: unsupported kdf \"", kdf, "\""));
}

absl::StatusOr<json> ParseKeyFile(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return absl::InvalidArgumentError("keystore: not JSON");
  if (j.value("version", 0) != 3)
    return absl::InvalidArgumentError("keystore: only version 3 key files are supported");
  return j;
}

std::string GethFileName(const crypto::Address& address) {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(now);
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now - secs).count();
  std::time_t t = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return absl::StrFormat("UTC--%04d-%02d-%02dT%02d-%02d-%02d.%09dZ--%s", tm.tm_year + 1900,
                         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nanos,
                         HexEncode(address.bytes()));
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("keystore: cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusOr<crypto::PrivateKey> DecryptKeyFile(std::string_view text,
                                                  std::string_view password) {
  auto j = ParseKeyFile(text);
  if (!j.ok()) return j.status();
  // geth reads "crypto" and, for old files, "Crypto" (ethers still writes it).
  const json& section = j->contains("crypto") ? (*j)["crypto"] : j->value("Crypto", json());
  if (section.value("cipher", "") != "aes-128-ctr")
    return absl::InvalidArgumentError("keystore: only aes-128-ctr is supported");
  auto ciphertext = HexField(section, "ciphertext");
  auto mac = HexField(section, "mac");
  auto iv = HexField(section.value("cipherparams", json()), "iv");
  for (const absl::Status& s : {ciphertext.status(), mac.status(), iv.status()})
    if (!s.ok()) return s;
  auto dk = DeriveKey(section, password);
  if (!dk.ok()) return dk.status();
  std::string expected = Mac(*dk, *ciphertext);
  if (!crypto::ConstantTimeEquals(*mac, expected))
    return absl::PermissionDeniedError("could not decrypt key with given password");
  auto plain = Aes128Ctr(dk->substr(0, 16), *iv, *ciphertext);
  OPENSSL_cleanse(dk->data(), dk->size());
  if (!plain.ok()) return plain.status();
  auto key = crypto::PrivateKey::FromBytes(*plain);
  OPENSSL_cleanse(plain->data(), plain->size());
  if (!key.ok()) return absl::InvalidArgumentError("keystore: decrypted key is invalid");
  if (auto declared = KeyFileAddress(text); declared.ok() && *declared != key->address())
    return absl::InvalidArgumentError("keystore: key does not match the file's address");
  return key;
}

absl::StatusOr<crypto::Address> DeclaredAddress(std::string_view text) {
  auto j = ParseKeyFile(text);
  if (!j.ok()) return j.status();
  if (!j->contains("address") || !(*j)["address"].is_string())
    return absl::InvalidArgumentError("keystore: key file has no address");
  return crypto::Address::FromHex((*j)["address"].get<std::string>());
}

}  // namespace

absl::StatusOr<std::string> EncryptKey(const crypto::PrivateKey& key, std::string_view password,
                                       const ScryptParams& params) {
  std::string salt = RandomBytes(32), iv = RandomBytes(16);
  auto dk = Scrypt(password, salt, params, kDerivedKeySize);
  if (!dk.ok()) return dk.status();
  auto ciphertext = Aes128Ctr(dk->substr(0, 16), iv, key.bytes());
  if (!ciphertext.ok()) return ciphertext.status();
  json j = {{"address", HexEncode(key.address().bytes())},
            {"crypto",
             {{"cipher", "aes-128-ctr"},
              {"ciphertext", HexEncode(*ciphertext)},
              {"cipherparams", {{"iv", HexEncode(iv)}}},
              {"kdf", "scrypt"},
              {"kdfparams",
               {{"dklen", kDerivedKeySize},
                {"n", params.n},
                {"p", params.p},
                {"r", params.r},
                {"salt", HexEncode(salt)}}},
              {"mac", HexEncode(Mac(*dk, *ciphertext))}}},
            {"id", RandomUuid()},
            {"version", 3}};
  OPENSSL_cleanse(dk->data(), dk->size());
  return j.dump();
}

absl::StatusOr<crypto::PrivateKey> DecryptKey(std::string_view text, std::string_view password) {
  // nlohmann's typed accessors throw on a field of the wrong JSON type; a malformed file is an
  // error value, not an exception.
  try {
    return DecryptKeyFile(text, password);
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("keystore: malformed key file: ", e.what()));
  }
}

absl::StatusOr<crypto::Address> KeyFileAddress(std::string_view text) {
  try {
    return DeclaredAddress(text);
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("keystore: malformed key file: ", e.what()));
  }
}

absl::StatusOr<std::vector<Keystore::Entry>> Keystore::List() const {
  std::vector<Entry> entries;
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_regular_file(path_, ec)) {
    files.push_back(path_);
  } else if (fs::is_directory(path_, ec)) {
    for (const auto& e : fs::directory_iterator(path_, ec))
      if (e.is_regular_file() && e.path().filename().string()[0] != '.' &&
          e.path().extension() != ".tmp")
        files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto text = ReadFile(f.string());
    if (!text.ok()) continue;
    auto address = KeyFileAddress(*text);
    if (address.ok()) entries.push_back(Entry{*address, f.string()});
  }
  return entries;
}

absl::StatusOr<Keystore::Entry> Keystore::Find(const crypto::Address& address) const {
  auto entries = List();
  if (!entries.ok()) return entries.status();
  for (const auto& e : *entries)
    if (e.address == address) return e;
  return absl::NotFoundError(
      absl::StrCat("keystore: no key for ", address.ChecksumHex(), " in ", path_));
}

absl::StatusOr<Keystore::Entry> Keystore::Create(std::string_view password) const {
  return Store(crypto::PrivateKey::Generate(), password);
}

absl::StatusOr<Keystore::Entry> Keystore::Store(const crypto::PrivateKey& key,
                                                std::string_view password) const {
  std::error_code ec;
  if (fs::is_regular_file(path_, ec))
    return absl::FailedPreconditionError(
        absl::StrCat("keystore: ", path_, " is a key file, not a directory"));
  fs::create_directories(path_, ec);
  fs::permissions(path_, fs::perms::owner_all, ec);
  auto json = EncryptKey(key, password, params_);
  if (!json.ok()) return json.status();
  fs::path file = fs::path(path_) / GethFileName(key.address());
  // O_EXCL|O_NOFOLLOW, mode 0600: never over an existing file, never through a link.
  if (auto s = baton::WritePrivateFile(file.string(), *json, baton::Existing::kRefuse); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("keystore: ", s.message()));
  }
  return Entry{key.address(), file.string()};
}

absl::StatusOr<crypto::PrivateKey> Keystore::Unlock(const crypto::Address& address,
                                                    std::string_view password) const {
  auto entry = Find(address);
  if (!entry.ok()) return entry.status();
  auto text = ReadFile(entry->path);
  if (!text.ok()) return text.status();
  return DecryptKey(*text, password);
}

}  // namespace baton::eth

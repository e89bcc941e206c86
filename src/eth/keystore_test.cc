// Keystores: files written by ethers (scrypt, and a pbkdf2 one) are read by Baton; files Baton
// writes are read by ethers; the directory, account selection and password rules.
#include "eth/keystore.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/hex.h"
#include "eth/account.h"
#include "eth/test_support.h"

namespace baton::eth {
namespace {

namespace fs = std::filesystem;
constexpr ScryptParams kFast{1024, 8, 1};

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("baton-keystore-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string str() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

TEST(Keystore, ReadsKeystoresWrittenByEthers) {
  uint32_t seed = testing::VectorSeed();
  auto vectors = testing::RunVectors("keystore " + std::to_string(seed) + " 4");
  ASSERT_TRUE(vectors.ok()) << vectors.status();
  bool saw_pbkdf2 = false;
  for (const auto& v : *vectors) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " kdf " + v["kdf"].get<std::string>());
    saw_pbkdf2 |= v["kdf"] == "pbkdf2";
    std::string json = v["json"].get<std::string>();
    std::string password = v["password"].get<std::string>();
    auto key = DecryptKey(json, password);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(HexEncode0x(key->bytes()), v["key"].get<std::string>());
    EXPECT_EQ(key->address().ChecksumHex(), v["address"].get<std::string>());
    auto wrong = DecryptKey(json, password + "x");
    EXPECT_EQ(wrong.status().message(), "could not decrypt key with given password");
  }
  EXPECT_TRUE(saw_pbkdf2);
}

TEST(Keystore, EthersReadsWhatBatonWrites) {
  TempDir dir;
  Keystore keystore(dir.str(), kFast);
  const std::string password = "päss word";
  auto entry = keystore.Create(password);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_NE(fs::path(entry->path).filename().string().find(HexEncode(entry->address.bytes())),
            std::string::npos);
  EXPECT_EQ(fs::path(entry->path).filename().string().substr(0, 5), "UTC--");
  EXPECT_EQ(fs::status(entry->path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto out = testing::RunVectors("keystore-read '" + entry->path + "' '" + password + "'");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["address"].get<std::string>(), entry->address.ChecksumHex());
  auto key = keystore.Unlock(entry->address, password);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(HexEncode0x(key->bytes()), (*out)["key"].get<std::string>());
}

TEST(Keystore, DefaultScryptParametersAreGeths) {
  // N=262144, r=8 needs 256 MiB inside scrypt: this checks OpenSSL's memory cap is raised.
  auto key = crypto::PrivateKey::Generate();
  auto json = EncryptKey(key, "pw");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_NE(json->find("\"n\":262144"), std::string::npos);
  auto back = DecryptKey(*json, "pw");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->bytes(), key.bytes());
}

TEST(Account, CreatesWhenMissingThenReopensTheSameAccount) {
  TempDir dir;
  AccountOptions options{dir.str(), "", "secret", kFast};
  auto first = Account::Open(options);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE((*first)->created());
  auto again = Account::Open(options);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE((*again)->created());
  EXPECT_EQ((*again)->address(), (*first)->address());

  options.password = "wrong";
  EXPECT_FALSE(Account::Open(options).ok());

  // An address that is not in the keystore makes a new account, as go-livepeer does.
  options = {dir.str(), "0x00000000000000000000000000000000000000aa", "secret", kFast};
  auto other = Account::Open(options);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_TRUE((*other)->created());
  EXPECT_EQ(Keystore(dir.str()).List()->size(), 2u);

  // Selecting by address, and a keystore path that is the key file itself.
  auto entry = Keystore(dir.str()).Find((*first)->address());
  ASSERT_TRUE(entry.ok());
  auto by_file = Account::Open({entry->path, (*first)->address().Hex(), "secret", kFast});
  ASSERT_TRUE(by_file.ok()) << by_file.status();
  EXPECT_EQ((*by_file)->address(), (*first)->address());
}

TEST(Account, PasswordIsAValueOrATrimmedFile) {
  TempDir dir;
  fs::create_directories(dir.str());
  std::string file = dir.str() + "/password.txt";
  std::ofstream(file) << "  from file \n";
  EXPECT_EQ(ResolvePassword(file), "from file");
  EXPECT_EQ(ResolvePassword("plain value"), "plain value");
  EXPECT_EQ(ResolvePassword(""), "");
}

TEST(Keystore, RejectsMalformedFiles) {
  EXPECT_FALSE(DecryptKey("not json", "x").ok());
  EXPECT_FALSE(DecryptKey("{\"version\":1}", "x").ok());
  EXPECT_FALSE(DecryptKey("{\"version\":3,\"crypto\":{\"cipher\":\"aes-128-cbc\"}}", "x").ok());
  // Fields of the wrong JSON type are errors, not exceptions.
  EXPECT_FALSE(DecryptKey(R"({"version":"3"})", "x").ok());
  EXPECT_FALSE(DecryptKey(R"({"version":3,"crypto":5})", "x").ok());
  EXPECT_FALSE(DecryptKey(R"({"version":3,"crypto":{"cipher":"aes-128-ctr","ciphertext":"00",
      "mac":"00","cipherparams":{"iv":"00"},"kdf":"scrypt","kdfparams":{"salt":"00","n":"x"}}})",
                          "x")
                   .ok());
  EXPECT_FALSE(KeyFileAddress(R"({"version":3,"address":7})").ok());
}

}  // namespace
}  // namespace baton::eth

#include "common/private_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace baton {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class PrivateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "baton-private-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    old_umask_ = umask(0);  // the most permissive umask: the mode must still be 0600
  }
  void TearDown() override {
    umask(old_umask_);
    fs::remove_all(dir_);
  }
  static mode_t Mode(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(lstat(path.c_str(), &st), 0) << path;
    return st.st_mode;
  }
  // No temporary file is left behind.
  void ExpectOnly(std::initializer_list<std::string> names) {
    std::set<std::string> want(names), got;
    for (const auto& e : fs::directory_iterator(dir_)) got.insert(e.path().filename().string());
    EXPECT_EQ(got, want);
  }
  fs::path dir_;
  mode_t old_umask_ = 0;
};

TEST_F(PrivateFileTest, CreatesMode0600UnderAnyUmask) {
  const fs::path key = dir_ / "key";
  ASSERT_TRUE(WritePrivateFile(key, "secret", Existing::kRefuse).ok());
  EXPECT_EQ(Mode(key) & 07777, 0600u);
  EXPECT_TRUE(S_ISREG(Mode(key)));
  EXPECT_EQ(Slurp(key), "secret");
  ExpectOnly({"key"});
}

TEST_F(PrivateFileTest, RefuseKeepsAnExistingFile) {
  const fs::path key = dir_ / "key";
  std::ofstream(key) << "old";
  absl::Status s = WritePrivateFile(key, "new", Existing::kRefuse);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  EXPECT_EQ(Slurp(key), "old");
  ExpectOnly({"key"});
}

TEST_F(PrivateFileTest, NeverWritesThroughASymlink) {
  // Someone planted key -> victim: neither mode may write the victim.
  const fs::path victim = dir_ / "victim", key = dir_ / "key";
  std::ofstream(victim) << "victim";
  fs::create_symlink(victim, key);
  EXPECT_EQ(WritePrivateFile(key, "secret", Existing::kRefuse).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Slurp(victim), "victim");
  ASSERT_TRUE(WritePrivateFile(key, "secret", Existing::kReplace).ok());
  EXPECT_EQ(Slurp(victim), "victim");
  EXPECT_TRUE(S_ISREG(Mode(key)));  // the link itself was replaced by our file
  EXPECT_EQ(Mode(key) & 07777, 0600u);
  EXPECT_EQ(Slurp(key), "secret");
  ExpectOnly({"key", "victim"});
}

TEST_F(PrivateFileTest, ReplaceOverwritesAtomically) {
  const fs::path cert = dir_ / "cert.pem";
  ASSERT_TRUE(WritePrivateFile(cert, "one", Existing::kReplace).ok());
  ASSERT_TRUE(WritePrivateFile(cert, "two", Existing::kReplace).ok());
  EXPECT_EQ(Slurp(cert), "two");
  ExpectOnly({"cert.pem"});
}

TEST_F(PrivateFileTest, MissingDirectoryIsAnError) {
  EXPECT_FALSE(WritePrivateFile(dir_ / "no" / "key", "x", Existing::kRefuse).ok());
}

}  // namespace
}  // namespace baton

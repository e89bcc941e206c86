#include "operator/access_guard.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/hex.h"
#include "net/router.h"

namespace baton::ops {
namespace {

http::HttpRequest Head(std::initializer_list<http::HttpHeaders::Field> headers) {
  http::HttpRequest r;
  r.method = "POST";
  r.path = "/reward";
  r.headers = http::HttpHeaders(headers);
  return r;
}

int StatusOf(const AccessGuard& guard, std::initializer_list<http::HttpHeaders::Field> headers) {
  auto refused = guard.Check(Head(headers));
  return refused ? refused->status : 200;
}

TEST(AccessGuardTest, LoopbackAcceptsItsNamesWithoutOriginOrToken) {
  AccessGuard guard("127.0.0.1", 7935, "");
  for (const char* host : {"127.0.0.1:7935", "localhost:7935", "LOCALHOST:7935", "[::1]:7935"})
    EXPECT_EQ(StatusOf(guard, {{"host", host}}), 200) << host;
  EXPECT_EQ(StatusOf(guard, {{"host", "localhost:7935"}, {"origin", "http://localhost:7935"}}),
            200);
  EXPECT_EQ(StatusOf(guard, {{"host", "localhost:7935"}, {"sec-fetch-site", "same-origin"}}), 200);
  EXPECT_EQ(StatusOf(guard, {{"host", "localhost:7935"}, {"sec-fetch-site", "none"}}), 200);
}

TEST(AccessGuardTest, RefusesOtherHostsAndPorts) {
  AccessGuard guard("127.0.0.1", 7935, "");
  for (const char* host : {"evil.example:7935", "127.0.0.1:80", "127.0.0.1", "localhost",
                           "127.0.0.1:7935:1", "", "[::1", "127.0.0.1:99999", "a b:7935"})
    EXPECT_EQ(StatusOf(guard, {{"host", host}}), 403) << host;
  EXPECT_EQ(StatusOf(guard, {}), 403);  // no Host at all
}

TEST(AccessGuardTest, RefusesForeignOriginsAndSites) {
  AccessGuard guard("127.0.0.1", 7935, "");
  for (const char* origin :
       {"http://evil.example", "null", "https://127.0.0.1:7935", "http://127.0.0.1:8080",
        "http://localhost", "http://127.0.0.1:7935/x"})
    EXPECT_EQ(StatusOf(guard, {{"host", "127.0.0.1:7935"}, {"origin", origin}}), 403) << origin;
  for (const char* site : {"cross-site", "same-site", "Cross-Site"})
    EXPECT_EQ(StatusOf(guard, {{"host", "127.0.0.1:7935"}, {"sec-fetch-site", site}}), 403);
  auto refused = guard.Check(Head({{"host", "127.0.0.1:7935"}, {"origin", "http://evil.example"}}));
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->message.find("cross-origin"), std::string::npos) << refused->message;
}

TEST(AccessGuardTest, NonLoopbackBindKnowsOnlyItsOwnName) {
  AccessGuard guard("10.1.2.3", 7935, "");
  EXPECT_EQ(StatusOf(guard, {{"host", "10.1.2.3:7935"}}), 200);
  EXPECT_EQ(StatusOf(guard, {{"host", "localhost:7935"}}), 403);
  EXPECT_EQ(StatusOf(guard, {{"host", "10.1.2.3:7935"}, {"origin", "http://10.1.2.3:7935"}}), 200);
}

TEST(AccessGuardTest, WildcardBindTakesAnyHostButOnlyItsOwnOrigin) {
  AccessGuard guard("0.0.0.0", 7935, "");
  EXPECT_EQ(StatusOf(guard, {{"host", "orch.lan:7935"}}), 200);
  EXPECT_EQ(StatusOf(guard, {{"host", "orch.lan:7935"}, {"origin", "http://orch.lan:7935"}}), 200);
  EXPECT_EQ(StatusOf(guard, {{"host", "orch.lan:7935"}, {"origin", "http://evil.example"}}), 403);
}

TEST(AccessGuardTest, TokenAsBearerOrBasicPassword) {
  const std::string token(64, 'a');
  AccessGuard guard("127.0.0.1", 7935, token);
  const char* host = "127.0.0.1:7935";
  EXPECT_EQ(StatusOf(guard, {{"host", host}}), 401);
  EXPECT_EQ(StatusOf(guard, {{"host", host}, {"authorization", "Bearer " + token}}), 200);
  EXPECT_EQ(StatusOf(guard, {{"host", host}, {"authorization", "bearer  " + token + " "}}), 200);
  EXPECT_EQ(StatusOf(guard, {{"host", host}, {"authorization", "Bearer " + token + "a"}}), 401);
  EXPECT_EQ(StatusOf(guard, {{"host", host}, {"authorization", "Bearer " + std::string(64, 'b')}}),
            401);
  EXPECT_EQ(StatusOf(guard, {{"host", host}, {"authorization", "Bearer"}}), 401);
  EXPECT_EQ(
      StatusOf(guard, {{"host", host}, {"authorization", "Basic " + Base64Encode("x:" + token)}}),
      200);
  EXPECT_EQ(
      StatusOf(guard, {{"host", host}, {"authorization", "Basic " + Base64Encode(":" + token)}}),
      200);
  EXPECT_EQ(StatusOf(guard, {{"host", host}, {"authorization", "Basic " + Base64Encode(token)}}),
            401);
  EXPECT_EQ(StatusOf(guard, {{"host", host}, {"authorization", "Basic !!!"}}), 401);
  // The origin rules are decided first: a browser hears 403 whatever it sends.
  EXPECT_EQ(StatusOf(guard, {{"host", "evil.example:7935"}, {"authorization", "Bearer " + token}}),
            403);
  auto refused = guard.Check(Head({{"host", host}}));
  ASSERT_TRUE(refused);
  EXPECT_TRUE(refused->headers.Get("www-authenticate").has_value());
}

TEST(AccessGuardTest, LoopbackNames) {
  for (const char* h : {"127.0.0.1", "127.0.0.2", "127.255.0.1", "localhost", "[::1]", "::1"})
    EXPECT_TRUE(IsLoopbackHost(h)) << h;
  for (const char* h : {"0.0.0.0", "10.0.0.1", "128.0.0.1", "[::]", "example.com", ""})
    EXPECT_FALSE(IsLoopbackHost(h)) << h;
}

TEST(AccessGuardTest, InstalledOnARouterItAnswersBeforeRouting) {
  http::Router router;
  router.Handle("/reward", {"POST"}, [](http::HttpRequest, auto) {});
  auto access = InstallOperatorAccess("127.0.0.1", 0, false, "/nonexistent", router);
  ASSERT_TRUE(access.ok()) << access.status();
  EXPECT_TRUE(access->token.empty());  // loopback without -cliAuth: no token, no cookie
  auto head = Head({{"host", "127.0.0.1:7935"}});
  // Until the port is known nothing names the API.
  EXPECT_EQ(router.CheckHead(head)->status, 403);
  access->guard->set_port(7935);
  EXPECT_EQ(router.CheckHead(head), std::nullopt);
  auto foreign = Head({{"host", "127.0.0.1:7935"}, {"origin", "http://evil.example"}});
  EXPECT_EQ(router.CheckHead(foreign)->status, 403);
  foreign.path = "/nowhere";  // before the 404 too: a page learns nothing of the routes
  EXPECT_EQ(router.CheckHead(foreign)->status, 403);
  head.path = "/nowhere";
  EXPECT_EQ(router.CheckHead(head)->status, 404);
}

TEST(AccessGuardTest, NonLoopbackInstallNeedsAToken) {
  http::Router router;
  router.Handle("/reward", {"POST"}, [](http::HttpRequest, auto) {});
  auto access = InstallOperatorAccess("0.0.0.0", 7935, false, "/tmp", router);
  ASSERT_TRUE(access.ok());
  EXPECT_EQ(access->token.size(), 64u);
  EXPECT_EQ(access->cookie_path, "/tmp/operator.cookie");
  EXPECT_EQ(access->cookie, nullptr);  // written by Started, once the port is bound
  auto head = Head({{"host", "192.0.2.1:7935"}});
  EXPECT_EQ(router.CheckHead(head)->status, 401);
  head.headers.Add("authorization", "Bearer " + access->token);
  EXPECT_EQ(router.CheckHead(head), std::nullopt);
  auto loopback_auth = InstallOperatorAccess("127.0.0.1", 7935, true, "/tmp", router);
  ASSERT_TRUE(loopback_auth.ok());
  EXPECT_EQ(loopback_auth->token.size(), 64u);
}

class CookieTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("baton-cookie-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Read(const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::filesystem::path dir_;
};

TEST_F(CookieTest, Written0600ReplacedAndRemoved) {
  const auto path = dir_ / "operator.cookie";
  std::string first;
  {
    auto cookie = OperatorCookie::Write(path.string(), *NewOperatorToken());
    ASSERT_TRUE(cookie.ok()) << cookie.status();
    first = (*cookie)->token();
    EXPECT_EQ(first.size(), 64u);
    EXPECT_TRUE(HexDecode(first).ok());
    EXPECT_EQ(Read(path), first);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    auto second = OperatorCookie::Write(path.string(), *NewOperatorToken());
    ASSERT_TRUE(second.ok());
    EXPECT_NE((*second)->token(), first);
    EXPECT_EQ(Read(path), (*second)->token());
    second->reset();
    EXPECT_FALSE(std::filesystem::exists(path));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(CookieTest, ALinkIsReplacedNotFollowed) {
  const auto target = dir_ / "victim";
  { std::ofstream(target) << "keep"; }
  const auto path = dir_ / "operator.cookie";
  std::filesystem::create_symlink(target, path);
  // A link planted at the temp name must not be written through either.
  std::filesystem::create_symlink(target, dir_ / "operator.cookie.tmp");
  auto cookie = OperatorCookie::Write(path.string(), *NewOperatorToken());
  ASSERT_TRUE(cookie.ok()) << cookie.status();
  EXPECT_EQ(Read(target), "keep");
  EXPECT_FALSE(std::filesystem::is_symlink(path));
  EXPECT_EQ(Read(path), (*cookie)->token());
}

}  // namespace
}  // namespace baton::ops

#include "orchestrator/auth_token.h"

#include <gtest/gtest.h>

#include <regex>

namespace baton::orchestrator {
namespace {

TEST(AuthToken, IssuesEightHexSessionIdValidThirtyMinutes) {
  int64_t now = 1'700'000'000;
  AuthTokenIssuer issuer([&] { return now; });
  auto token = issuer.Issue();
  EXPECT_TRUE(std::regex_match(token.session_id(), std::regex("[0-9a-f]{8}")));
  EXPECT_EQ(token.expiration(), now + 30 * 60);
  EXPECT_EQ(token.token().size(), 32u);
  EXPECT_TRUE(issuer.Verify(&token).ok());
  EXPECT_NE(issuer.Issue().session_id(), token.session_id());
}

TEST(AuthToken, VerifyErrorsInOrder) {
  int64_t now = 1'700'000'000;
  AuthTokenIssuer issuer([&] { return now; });
  EXPECT_EQ(issuer.Verify(nullptr).message(), "missing auth token");
  auto token = issuer.Issue();
  auto tampered = token;
  tampered.set_session_id("deadbeef");
  EXPECT_EQ(issuer.Verify(&tampered).message(), "invalid auth token");
  tampered = token;
  tampered.set_expiration(token.expiration() + 1);
  EXPECT_EQ(issuer.Verify(&tampered).message(), "invalid auth token");
  now += 30 * 60;
  EXPECT_TRUE(issuer.Verify(&token).ok());  // valid through its last second
  now += 1;
  EXPECT_EQ(issuer.Verify(&token).message(), "expired auth token");
  EXPECT_TRUE(issuer.MacMatches(token));  // EndTranscodingSession ignores expiry
}

TEST(AuthToken, KeysDifferPerIssuer) {
  AuthTokenIssuer a, b;
  auto token = a.Issue();
  EXPECT_FALSE(b.MacMatches(token));
}

}  // namespace
}  // namespace baton::orchestrator

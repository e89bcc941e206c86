#include "gateway/stream_session.h"

#include <gtest/gtest.h>

namespace baton::gateway {
namespace {

TEST(StreamSessionTest, RefreshesInTheLastTenthOfTheTokensLife) {
  ::net::OrchestratorInfo info;
  EXPECT_FALSE(ShouldRefreshSession(info, 1000));  // no token: nothing to refresh
  info.mutable_auth_token()->set_expiration(1000 + 30 * 60);
  EXPECT_FALSE(ShouldRefreshSession(info, 1000));            // fresh
  EXPECT_FALSE(ShouldRefreshSession(info, 1000 + 27 * 60));  // exactly 3 minutes left
  EXPECT_TRUE(ShouldRefreshSession(info, 1000 + 27 * 60 + 1));
  EXPECT_TRUE(ShouldRefreshSession(info, 1000 + 31 * 60));  // expired
}

}  // namespace
}  // namespace baton::gateway

#include "operator/form_params.h"

#include <gtest/gtest.h>

namespace baton::ops {
namespace {

http::HttpRequest Post(std::string body, std::string query = "",
                       std::string type = "application/x-www-form-urlencoded") {
  http::HttpRequest r;
  r.method = "POST";
  r.query = std::move(query);
  r.body = std::move(body);
  if (!type.empty()) r.headers.Add("content-type", type);
  return r;
}

TEST(FormParamsTest, PostReadsTheDecodedBodyOnly) {
  auto r = Post("serviceURI=https%3A%2F%2F1.2.3.4%3A8935&feeShare=50&note=a+b&feeShare=60",
                "blockRewardCut=10");
  EXPECT_EQ(FormValue(r, "serviceURI"), "https://1.2.3.4:8935");
  EXPECT_EQ(FormValue(r, "feeShare"), "50");  // the first of repeated names
  EXPECT_EQ(FormValue(r, "note"), "a b");
  EXPECT_EQ(FormValue(r, "blockRewardCut"), std::nullopt);  // the query does not count
  EXPECT_EQ(FormValue(r, "fee"), std::nullopt);
}

TEST(FormParamsTest, PostNeedsTheFormContentType) {
  EXPECT_EQ(FormValue(Post("id=1", "", "application/x-www-form-urlencoded; charset=UTF-8"), "id"),
            "1");
  EXPECT_EQ(FormValue(Post("id=1", "", "text/plain"), "id"), std::nullopt);
  EXPECT_EQ(FormValue(Post("id=1", "", ""), "id"), std::nullopt);
}

TEST(FormParamsTest, GetReadsTheQuery) {
  http::HttpRequest r;
  r.method = "GET";
  r.query = "state=queued&limit=5&empty=&flag";
  r.body = "state=other";
  EXPECT_EQ(FormValue(r, "state"), "queued");
  EXPECT_EQ(FormValue(r, "limit"), "5");
  EXPECT_EQ(FormValue(r, "empty"), "");
  EXPECT_EQ(FormValue(r, "flag"), "");
}

TEST(FormParamsTest, BrokenEscapesAreSkipped) {
  EXPECT_EQ(UrlDecode("%"), std::nullopt);
  EXPECT_EQ(UrlDecode("%4"), std::nullopt);
  EXPECT_EQ(UrlDecode("%zz"), std::nullopt);
  EXPECT_EQ(UrlDecode("%41%62c"), "Abc");
  EXPECT_EQ(FormValue(Post("id=%zz&id=7"), "id"), "7");
}

}  // namespace
}  // namespace baton::ops

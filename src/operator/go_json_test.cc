#include "operator/go_json.h"

#include <gtest/gtest.h>

namespace baton::ops {
namespace {

TEST(GoJson, BigNumbersAreBareJsonNumbersAsGoWritesThem) {
  const crypto::U256 big = *crypto::U256FromDecimal("1000000000000000000000");  // > 2^64
  nlohmann::json j = {
      {"Amount", BigNumber(big)}, {"List", {BigNumber(0), BigNumber(7)}}, {"Text", "1"}};
  const std::string text = DumpGoJson(j);
  EXPECT_EQ(text, R"({"Amount":1000000000000000000000,"List":[0,7],"Text":"1"})");
  EXPECT_NO_THROW(EXPECT_TRUE(nlohmann::json::parse(text).is_object()));
}

TEST(GoJson, OtherStringsThatLookLikeTheMarkerStayStrings) {
  // Service URIs come from the chain: anything in them must survive as a string.
  for (std::string uri : {std::string("\x01"
                                      "big:5"),
                          std::string("x\"\x01"
                                      "big:5"),
                          std::string("\x01"
                                      "big:5\" , \"y"),
                          std::string("\x01"
                                      "big:"),
                          std::string(":\"\x01"
                                      "big:12")}) {
    nlohmann::json j = {{"ServiceURI", uri}, {"N", BigNumber(3)}};
    const std::string text = DumpGoJson(j);
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << text;
    EXPECT_EQ(parsed["N"], 3);
    EXPECT_EQ(parsed["ServiceURI"], uri) << text;
  }
}

}  // namespace
}  // namespace baton::ops

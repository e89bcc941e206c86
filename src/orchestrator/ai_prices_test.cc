#include "orchestrator/ai_prices.h"

#include <gtest/gtest.h>

namespace baton::orchestrator {
namespace {

const std::string kGateway(20, '\x11');
const std::string kOther(20, '\x22');

TEST(AiPrices, PerGatewayPriceWinsOverTheModelsDefault) {
  AiPrices prices({{36, "espeak-ng", "", 7}, {36, "espeak-ng", kGateway, 3}});
  EXPECT_EQ(prices.Price(kGateway, 36, "espeak-ng"), pm::Rat(3));
  EXPECT_EQ(prices.Price(kOther, 36, "espeak-ng"), pm::Rat(7));
  EXPECT_FALSE(prices.Price(kOther, 36, "other-model").has_value());
}

TEST(AiPrices, AnUnpricedModelCostsTheTranscodePriceNeverNothing) {
  AiPrices prices({{36, "espeak-ng", "", 7}});
  // Without the node's transcode price an unpriced model is free (offchain test nodes).
  EXPECT_EQ(prices.PriceOrTranscode(kOther, 30, "remote-upscaler"), pm::Rat(0));
  prices.SetTranscodePrice(
      [](const std::string& sender) { return sender == kGateway ? pm::Rat(5, 2) : pm::Rat(9); });
  EXPECT_EQ(prices.PriceOrTranscode(kGateway, 30, "remote-upscaler"), pm::Rat(5, 2));
  EXPECT_EQ(prices.PriceOrTranscode(kOther, 30, "remote-upscaler"), pm::Rat(9));
  // A model with its own price keeps it.
  EXPECT_EQ(prices.PriceOrTranscode(kOther, 36, "espeak-ng"), pm::Rat(7));
}

}  // namespace
}  // namespace baton::orchestrator

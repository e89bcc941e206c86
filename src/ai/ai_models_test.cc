#include "ai/ai_models.h"

#include <gtest/gtest.h>

namespace baton::ai {
namespace {

TEST(AiModels, InlineList) {
  auto m = ParseAiModelsInline("text-to-speech:espeak-ng:true,image-to-text:tesseract");
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0].spec.pipeline, "text-to-speech");
  EXPECT_EQ((*m)[0].spec.model_id, "espeak-ng");
  EXPECT_TRUE((*m)[0].spec.warm);
  EXPECT_FALSE((*m)[1].spec.warm);
  EXPECT_EQ((*m)[1].spec.capacity, 1);
}

TEST(AiModels, InlineErrorsNameTheEntry) {
  EXPECT_NE(ParseAiModelsInline("text-to-speech").status().message().find("pipeline:model_id"),
            std::string::npos);
  EXPECT_NE(ParseAiModelsInline("text-to-speech:x:maybe").status().message().find("warm"),
            std::string::npos);
  EXPECT_NE(ParseAiModelsInline("paint:x").status().message().find("unknown pipeline"),
            std::string::npos);
  EXPECT_NE(ParseAiModelsInline("llm:a:true,llm:a:false").status().message().find("warm and cold"),
            std::string::npos);
  EXPECT_FALSE(ParseAiModelsInline("").ok());
}

TEST(AiModels, JsonEntries) {
  auto m = ParseAiModelsJson(R"([
    {"pipeline": "text-to-speech", "model_id": "espeak-ng", "url": "http://127.0.0.1:9000/",
     "token": "t", "capacity": 4, "price_per_unit": 0.5, "pixels_per_unit": 1000},
    {"pipeline": "llm", "model_id": "m", "warm": true, "price_per_unit": 2, "currency": "eth",
     "optimization_flags": {"SFAST": true, "X": "1"}}
  ])");
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->size(), 2u);
  const AiModelConfig& tts = (*m)[0];
  EXPECT_EQ(tts.spec.url, "http://127.0.0.1:9000");
  EXPECT_EQ(tts.spec.token, "t");
  EXPECT_EQ(tts.spec.capacity, 4);
  EXPECT_EQ(*tts.price_per_unit, pm::Rat(1, 2));
  EXPECT_EQ(*tts.pixels_per_unit, 1000);
  const AiModelConfig& llm = (*m)[1];
  EXPECT_EQ(*llm.price_per_unit, pm::Rat(pm::BigInt("2000000000000000000")));
  EXPECT_EQ(llm.spec.optimization_flags.at("SFAST"), "true");
  EXPECT_EQ(llm.spec.optimization_flags.at("X"), "1");
}

TEST(AiModels, JsonErrors) {
  auto message = [](const char* json) {
    return std::string(ParseAiModelsJson(json).status().message());
  };
  EXPECT_NE(message("{}").find("JSON array"), std::string::npos);
  EXPECT_NE(message("[").find("not JSON"), std::string::npos);
  EXPECT_NE(
      message(R"([{"pipeline":"llm","model_id":"m","price_per_unit":"5"}])").find("price_per_unit"),
      std::string::npos);
  EXPECT_NE(message(R"([{"pipeline":"llm","model_id":"m","currency":"USD"}])").find("price feed"),
            std::string::npos);
  EXPECT_NE(message(R"([{"pipeline":"llm","model_id":"m","colour":1}])").find("unknown key"),
            std::string::npos);
  EXPECT_NE(message(R"([{"pipeline":"llm"}])").find("model_id is required"), std::string::npos);
  EXPECT_NE(message(R"([{"pipeline":"llm","model_id":"m","url":"ftp://x"}])").find("url"),
            std::string::npos);
  EXPECT_NE(
      message(R"([{"pipeline":"live-video-to-video","model_id":"noop"}])").find("not supported"),
      std::string::npos);
}

TEST(AiModels, InlineJsonIsRefusedClearly) {
  EXPECT_NE(LoadAiModels("[{\"pipeline\":\"llm\"}]").status().message().find("in a file"),
            std::string::npos);
}

TEST(AiModels, MergeAddsCapacityOfRepeatedEntries) {
  auto m = ParseAiModelsJson(R"([
    {"pipeline": "llm", "model_id": "m", "url": "http://a", "capacity": 2},
    {"pipeline": "llm", "model_id": "m", "url": "http://a", "capacity": 3},
    {"pipeline": "llm", "model_id": "m", "url": "http://a", "gateway":
       "0x0000000000000000000000000000000000000001", "price_per_unit": 1}
  ])");
  ASSERT_TRUE(m.ok()) << m.status();
  auto specs = MergeSpecs(*m);
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].capacity, 5);
}

}  // namespace
}  // namespace baton::ai

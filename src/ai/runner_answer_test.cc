#include "ai/runner_answer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "common/json_depth.h"

namespace baton::ai {
namespace {

using nlohmann::json;

std::string DataUrl(std::string_view mime, std::string_view bytes) {
  return "data:" + std::string(mime) + ";base64," + Base64Encode(bytes);
}

RunnerAnswerOptions Options() {
  RunnerAnswerOptions o;
  o.url_prefix = "https://o:8935/stream/req/";
  o.name_for = [n = 0](std::string_view ext) mutable {
    return "m" + std::to_string(n++) + std::string(ext);
  };
  return o;
}

json Body(const absl::StatusOr<RewrittenAnswer>& answer) {
  return json::parse(answer->body, nullptr, false);
}

TEST(RunnerAnswerTest, ImagesBecomeStoredMedia) {
  json in = {{"images",
              {{{"url", DataUrl("image/png", "PNG1")}, {"seed", 7}, {"nsfw", false}},
               {{"url", DataUrl("image/jpeg", "JPG2")}, {"seed", 8}, {"nsfw", true}}}}};
  auto out = RewriteRunnerAnswer("text-to-image", in.dump(), Options());
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->media.size(), 2u);
  EXPECT_EQ(out->media[0].name, "m0.png");
  EXPECT_EQ(out->media[0].bytes, "PNG1");
  EXPECT_EQ(out->media[1].name, "m1.jpg");
  EXPECT_EQ(out->media[1].bytes, "JPG2");
  json doc = Body(out);
  EXPECT_EQ(doc["images"][0]["url"], "https://o:8935/stream/req/m0.png");
  EXPECT_EQ(doc["images"][1]["url"], "https://o:8935/stream/req/m1.jpg");
  EXPECT_EQ(doc["images"][1]["seed"], 8);
  EXPECT_EQ(doc["images"][1]["nsfw"], true);
}

TEST(RunnerAnswerTest, ImagesStayInlineForGatewaysWithoutTheMarker) {
  json in = {{"images", {{{"url", DataUrl("image/png", "PNG1")}, {"seed", 1}}}}};
  auto options = Options();
  options.gateway_marker = false;
  for (const char* pipeline : {"text-to-image", "image-to-image", "upscale"}) {
    auto out = RewriteRunnerAnswer(pipeline, in.dump(), options);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_TRUE(out->media.empty()) << pipeline;
    EXPECT_EQ(Body(out), in) << pipeline;
  }
  // Audio is stored whatever the gateway.
  json speech = {{"audio", {{"url", DataUrl("audio/wav", "RIFF")}}}};
  auto out = RewriteRunnerAnswer("text-to-speech", speech.dump(), options);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->media.size(), 1u);
  EXPECT_EQ(out->media[0].name, "m0.wav");
  EXPECT_EQ(Body(out)["audio"]["url"], "https://o:8935/stream/req/m0.wav");
}

TEST(RunnerAnswerTest, FramesOutsideImageToVideoAreStoredOneByOne) {
  json in = {{"frames",
              {{{{"url", DataUrl("image/png", "F1")}}, {{"url", DataUrl("video/mp4", "F2")}}},
               {{{"url", DataUrl("application/x-odd", "F3")}}}}}};
  auto out = RewriteRunnerAnswer("segment-anything-2", in.dump(), Options());
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->media.size(), 3u);
  EXPECT_EQ(out->media[1].name, "m1.mp4");
  EXPECT_EQ(out->media[2].name, "m2.bin");
  EXPECT_EQ(Body(out)["frames"][1][0]["url"], "https://o:8935/stream/req/m2.bin");
}

TEST(RunnerAnswerTest, TextAndOtherUrlsPassThrough) {
  json in = {{"text", "hello"},
             {"chunks", json::array()},
             {"images",
              {{{"url", "https://elsewhere/x.png"}},
               {{"url", "data:image/png,no-semicolon"}},
               {{"url", "data:image/png,a;b"}},
               {{"url", 5}},
               "not an object",
               json::array()}},
             {"audio", "text"}};
  auto out = RewriteRunnerAnswer("image-to-text", in.dump(), Options());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->media.empty());
  EXPECT_EQ(Body(out), in);
}

TEST(RunnerAnswerTest, UndecodableDataUrlsFail) {
  json in = {{"images",
              {{{"url", DataUrl("image/png", "good")}}, {{"url", "data:image/png;base64,***"}}}}};
  auto out = RewriteRunnerAnswer("text-to-image", in.dump(), Options());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(), "text-to-image container returned an undecodable data URL");
  json audio = {{"audio", {{"url", "data:audio/wav;base64,%%%%"}}}};
  EXPECT_FALSE(RewriteRunnerAnswer("text-to-speech", audio.dump(), Options()).ok());
}

TEST(RunnerAnswerTest, InvalidJsonFails) {
  for (std::string_view body : {"", "{", "not json", "{\"images\": [}", "\xff\xfe"}) {
    auto out = RewriteRunnerAnswer("llm", body, Options());
    ASSERT_FALSE(out.ok()) << body;
    EXPECT_EQ(out.status().message(), "llm container returned invalid JSON");
  }
}

TEST(RunnerAnswerTest, WrongTypesAtEveryLevelPassThrough) {
  for (std::string_view body :
       {"null", "5", "\"text\"", "[]", "[1,2]", R"({"images":5})", R"({"images":{"url":1}})",
        R"({"images":[null,1,"x",[],{"url":null},{"url":{}},{"url":[]}]})", R"({"frames":"x"})",
        R"({"frames":[1,"x",{},[1,null,{"url":2}]]})", R"({"audio":[]})",
        R"({"audio":{"url":true}})"}) {
    auto out = RewriteRunnerAnswer("text-to-image", body, Options());
    ASSERT_TRUE(out.ok()) << body << ": " << out.status();
    EXPECT_TRUE(out->media.empty()) << body;
    EXPECT_EQ(Body(out), json::parse(body)) << body;
  }
}

TEST(RunnerAnswerTest, ImageToVideoFramesBecomeOneMp4) {
  json in = {{"frames",
              {{{{"url", DataUrl("image/png", "P1")}, {"seed", 42}, {"nsfw", true}},
                {{"url", DataUrl("image/png", "P2")}, {"seed", 43}}},
               {"skipped", {{"url", 1}}, {{"url", DataUrl("image/png", "P3")}}}}}};
  std::vector<std::string> seen;
  int seen_fps = 0;
  auto options = Options();
  options.fps = 12;
  options.encode = [&](const std::vector<std::string>& frames,
                       int fps) -> absl::StatusOr<std::string> {
    seen = frames;
    seen_fps = fps;
    return std::string("MP4");
  };
  auto out = RewriteRunnerAnswer("image-to-video", in.dump(), options);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(seen, (std::vector<std::string>{"P1", "P2", "P3"}));
  EXPECT_EQ(seen_fps, 12);
  ASSERT_EQ(out->media.size(), 1u);
  EXPECT_EQ(out->media[0].name, "m0.mp4");
  EXPECT_EQ(out->media[0].bytes, "MP4");
  EXPECT_EQ(
      Body(out),
      json({{"images",
             {{{"url", "https://o:8935/stream/req/m0.mp4"}, {"seed", 42}, {"nsfw", true}}}}}));
}

TEST(RunnerAnswerTest, ImageToVideoDefaultsAndFailures) {
  auto options = Options();
  options.fps = 0;
  int seen_fps = 0;
  options.encode = [&](const std::vector<std::string>&, int fps) -> absl::StatusOr<std::string> {
    seen_fps = fps;
    return std::string("MP4");
  };
  // No seed or nsfw on the first frame: 0 and false; no fps: 7.
  json in = {{"frames", {{{{"url", DataUrl("image/png", "P1")}}}}}};
  auto out = RewriteRunnerAnswer("image-to-video", in.dump(), options);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(seen_fps, 7);
  EXPECT_EQ(Body(out)["images"][0]["seed"], 0);
  EXPECT_EQ(Body(out)["images"][0]["nsfw"], false);

  for (std::string_view bad : {R"({"frames":[[{"url":"no comma"}]]})",
                               R"({"frames":[[{"url":"data:image/png;base64,!"}]]})"}) {
    auto failed = RewriteRunnerAnswer("image-to-video", bad, options);
    ASSERT_FALSE(failed.ok()) << bad;
    EXPECT_EQ(failed.status().message(), "image-to-video container returned an undecodable frame");
  }
  options.encode = [](const std::vector<std::string>& frames, int) -> absl::StatusOr<std::string> {
    if (frames.empty()) return absl::InvalidArgumentError("no frames");
    return std::string("MP4");
  };
  auto empty = RewriteRunnerAnswer("image-to-video", R"({"frames":"x"})", options);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), "image-to-video result could not be encoded: no frames");
  options.encode = nullptr;
  EXPECT_FALSE(RewriteRunnerAnswer("image-to-video", in.dump(), options).ok());
  // A remote worker's image answer (already one MP4) passes as an image answer.
  options.name_for = Options().name_for;
  json worker = {{"images", {{{"url", DataUrl("video/mp4", "MP4")}, {"seed", 3}}}}};
  auto stored = RewriteRunnerAnswer("image-to-video", worker.dump(), options);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->media.size(), 1u);
  EXPECT_EQ(stored->media[0].name, "m0.mp4");
}

TEST(RunnerAnswerTest, HugeAndDeeplyNestedAnswers) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto out = RewriteRunnerAnswer("llm", deep, Options());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(), "llm container returned invalid JSON");
  // Brackets inside strings do not count; the limit itself passes.
  std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(RewriteRunnerAnswer("llm", ok, Options()).ok());
  json text = {{"text", std::string(10000, '[') + "\\\"{"}};
  EXPECT_TRUE(RewriteRunnerAnswer("llm", text.dump(), Options()).ok());
  // Many media and a long text.
  json many = {{"images", json::array()}, {"text", std::string(1 << 20, 'x')}};
  for (int i = 0; i < 1000; ++i) many["images"].push_back({{"url", DataUrl("image/png", "x")}});
  auto big = RewriteRunnerAnswer("text-to-image", many.dump(), Options());
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_EQ(big->media.size(), 1000u);
  EXPECT_EQ(RunnerErrorText(deep), deep.substr(0, 512));
}

TEST(RunnerAnswerTest, ErrorText) {
  EXPECT_EQ(RunnerErrorText(R"({"detail":{"msg":"out of memory"}})"), "out of memory");
  EXPECT_EQ(RunnerErrorText(R"({"detail":"Not Found"})"), "Not Found");
  EXPECT_EQ(RunnerErrorText(R"({"detail":[{"loc":["body","prompt"],"msg":"field required"}]})"),
            R"([{"loc":["body","prompt"],"msg":"field required"}])");
  EXPECT_EQ(RunnerErrorText(R"({"detail":{"msg":5}})"), R"({"msg":5})");
  EXPECT_EQ(RunnerErrorText(R"({"other":1})"), R"({"other":1})");
  EXPECT_EQ(RunnerErrorText("Internal Server Error"), "Internal Server Error");
  EXPECT_EQ(RunnerErrorText(""), "");
  EXPECT_EQ(RunnerErrorText(std::string(2000, 'e')), std::string(512, 'e'));
}

}  // namespace
}  // namespace baton::ai

// Specification of the runner's pipelines (runner/pipeline.h) with their real models: bodies,
// status codes and error bodies as the AI Runner API has them (doc/ai.md 1.1, 1.2). The HTTP
// front and the speech round trip are tested end to end in tests/runner/.
#include "runner/pipeline.h"

#include "common/hex.h"
#include "gtest/gtest.h"
#include "runner/media_codec.h"

namespace baton::runner {
namespace {

ModelPaths DebianPaths() {
  return {.espeak_data = "",
          .pocketsphinx_dir = "/usr/share/pocketsphinx/model/en-us",
          .tessdata_dir = "/usr/share/tesseract-ocr/5/tessdata"};
}

http::HttpRequest Json(std::string body) {
  http::HttpRequest request;
  request.method = "POST";
  request.headers.Add("content-type", "application/json");
  request.body = std::move(body);
  return request;
}

http::HttpRequest Form(http::MultipartWriter writer) {
  http::HttpRequest request;
  request.method = "POST";
  request.headers.Add("content-type", writer.content_type());
  request.body = std::move(writer).Finish();
  return request;
}

nlohmann::json Body(const Reply& reply) { return nlohmann::json::parse(reply.body); }

std::string DecodeDataUrl(const std::string& url, std::string_view mime) {
  std::string prefix = "data:" + std::string(mime) + ";base64,";
  EXPECT_EQ(url.substr(0, prefix.size()), prefix);
  auto bytes = Base64Decode(url.substr(prefix.size()));
  return bytes.ok() ? *bytes : std::string();
}

TEST(CreatePipeline, RefusesPipelinesAndModelsItDoesNotHave) {
  EXPECT_EQ(CreatePipeline("text-to-image", "", DebianPaths()).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CreatePipeline("upscale", "stabilityai/stable-diffusion-x4-upscaler", DebianPaths())
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  auto tesseract =
      CreatePipeline("image-to-text", "",
                     {.espeak_data = "", .pocketsphinx_dir = "", .tessdata_dir = "/nonexistent"});
  EXPECT_FALSE(tesseract.ok());
}

TEST(TextToSpeech, SpeaksAWavAndAnswersTheRunnersErrors) {
  auto tts = CreatePipeline("text-to-speech", "espeak-ng", DebianPaths());
  ASSERT_TRUE(tts.ok()) << tts.status();
  Reply ok = (*tts)->Handle(Json(R"({"text":"Hello from the runner.","model_id":"espeak-ng"})"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  std::string wav = DecodeDataUrl(Body(ok)["audio"]["url"], "audio/wav");
  ASSERT_GT(wav.size(), 44u + 22050);  // more than half a second of 22 kHz speech
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  auto pcm = DecodeAudioMono(wav, 16000, 60);
  ASSERT_TRUE(pcm.ok()) << pcm.status();

  Reply empty = (*tts)->Handle(Json(R"({"text":""})"));
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(Body(empty)["detail"]["msg"], "Text input must be provided.");
  Reply wrong = (*tts)->Handle(Json(R"({"text":"hi","model_id":"parler-tts/x"})"));
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(Body(wrong)["detail"]["msg"],
            "pipeline configured with espeak-ng but called with parler-tts/x");
  Reply not_json = (*tts)->Handle(Json("{text"));
  EXPECT_EQ(not_json.status, 422);
  EXPECT_TRUE(Body(not_json)["detail"].is_array());
  EXPECT_EQ((*tts)->Handle(Json(R"({"text":5})")).status, 422);
}

TEST(Upscale, ScalesByFourAndSaysItIsNotALearnedModel) {
  auto upscale = CreatePipeline("upscale", "", DebianPaths());
  ASSERT_TRUE(upscale.ok()) << upscale.status();
  RgbImage image{.width = 20, .height = 10, .pixels = std::vector<uint8_t>(20 * 10 * 3, 128)};
  auto png = EncodePng(image);
  ASSERT_TRUE(png.ok());
  http::MultipartWriter form;
  form.AddField("prompt", "a grey rectangle");
  form.AddField("seed", "42");
  form.AddFile("image", "grey.png", "image/png", *png);
  Reply reply = (*upscale)->Handle(Form(std::move(form)));
  ASSERT_EQ(reply.status, 200) << reply.body;
  nlohmann::json body = Body(reply);
  ASSERT_EQ(body["images"].size(), 1u);
  EXPECT_EQ(body["images"][0]["seed"], 42);
  EXPECT_EQ(body["images"][0]["nsfw"], false);
  EXPECT_NE(body["scaler"].get<std::string>().find("not a learned model"), std::string::npos);
  auto out = DecodeImage(DecodeDataUrl(body["images"][0]["url"], "image/png"), 1 << 20);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->width, 80);
  EXPECT_EQ(out->height, 40);

  http::MultipartWriter no_prompt;
  no_prompt.AddFile("image", "grey.png", "image/png", *png);
  EXPECT_EQ((*upscale)->Handle(Form(std::move(no_prompt))).status, 422);
  http::MultipartWriter bad_image;
  bad_image.AddField("prompt", "x");
  bad_image.AddFile("image", "x.png", "image/png", "not a png");
  EXPECT_EQ((*upscale)->Handle(Form(std::move(bad_image))).status, 400);
}

TEST(AudioToText, AnswersTheRunnersErrors) {
  auto asr = CreatePipeline("audio-to-text", "pocketsphinx", DebianPaths());
  ASSERT_TRUE(asr.ok()) << asr.status();
  http::MultipartWriter garbage;
  garbage.AddFile("audio", "x.mp3", "audio/mpeg", std::string(2000, '\x5a'));
  Reply bad = (*asr)->Handle(Form(std::move(garbage)));
  EXPECT_EQ(bad.status, 415);
  EXPECT_EQ(Body(bad)["detail"]["msg"], "Unsupported audio format or malformed file.");
  http::MultipartWriter missing;
  missing.AddField("model_id", "pocketsphinx");
  EXPECT_EQ((*asr)->Handle(Form(std::move(missing))).status, 422);
  http::MultipartWriter wrong;
  wrong.AddField("model_id", "openai/whisper-large-v3");
  wrong.AddFile("audio", "a.wav", "audio/wav", "RIFF");
  EXPECT_EQ((*asr)->Handle(Form(std::move(wrong))).status, 400);
  // Silence decodes to no words, not an error.
  std::vector<int16_t> silence(16000, 0);
  http::MultipartWriter quiet;
  quiet.AddFile("audio", "quiet.wav", "audio/wav",
                EncodeWav(silence.data(), silence.size(), 16000));
  Reply nothing = (*asr)->Handle(Form(std::move(quiet)));
  ASSERT_EQ(nothing.status, 200) << nothing.body;
  EXPECT_TRUE(Body(nothing)["chunks"].is_array());
}

}  // namespace
}  // namespace baton::runner

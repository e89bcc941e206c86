#include "ai/worker_job.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/hex.h"
#include "net/multipart.h"

namespace baton::ai {
namespace {

using nlohmann::json;

const Pipeline& P(std::string_view name) { return *FindPipeline(name); }

std::string Form(std::string& content_type,
                 const std::vector<std::pair<std::string, std::string>>& fields,
                 std::string_view file_name, std::string_view file) {
  http::MultipartWriter w("formboundary");
  w.AddFile(file_name, "in.png", "image/png", file);
  for (const auto& [k, v] : fields) w.AddField(k, v);
  content_type = w.content_type();
  return std::move(w).Finish();
}

TEST(WorkerJobTest, MultipartFieldsGetGoTypesAndTheUploadLeavesTheRequest) {
  std::string type;
  std::string body = Form(type,
                          {{"prompt", "a cat"},
                           {"model_id", "m"},
                           {"strength", "0.5"},
                           {"safety_check", "False"},
                           {"seed", "+42"},
                           {"num_inference_steps", ""},
                           {"unknown", "x"}},
                          "image", "PNGBYTES");
  auto job = MakeWorkerJob(P("image-to-image"), type, body);
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_TRUE(job->has_input);
  EXPECT_EQ(job->input, "PNGBYTES");
  json r = json::parse(job->request);
  EXPECT_EQ(r["prompt"], "a cat");
  EXPECT_TRUE(r["strength"].is_number_float());
  EXPECT_DOUBLE_EQ(r["strength"].get<double>(), 0.5);
  EXPECT_TRUE(r["safety_check"].is_boolean());
  EXPECT_FALSE(r["safety_check"].get<bool>());
  EXPECT_TRUE(r["seed"].is_number_integer());
  EXPECT_EQ(r["seed"], 42);
  EXPECT_TRUE(r.contains("image") && r["image"].is_null());
  EXPECT_FALSE(r.contains("num_inference_steps"));  // empty means absent
  EXPECT_FALSE(r.contains("unknown"));
}

TEST(WorkerJobTest, PlainStringFieldsAreAlwaysPresent) {
  std::string type;
  std::string body = Form(type, {{"model_id", "m"}}, "image", "x");
  auto job = MakeWorkerJob(P("upscale"), type, body);
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(json::parse(job->request)["prompt"], "");
}

TEST(WorkerJobTest, FieldsThatDoNotConvertAreRefused) {
  for (auto [field, value] :
       std::vector<std::pair<std::string, std::string>>{{"seed", "1.5"},
                                                        {"seed", "x"},
                                                        {"strength", "1e99"},
                                                        {"strength", "nan"},
                                                        {"safety_check", "yes"}}) {
    std::string type;
    std::string body = Form(type, {{"model_id", "m"}, {field, value}}, "image", "x");
    auto job = MakeWorkerJob(P("image-to-image"), type, body);
    EXPECT_TRUE(absl::IsInvalidArgument(job.status())) << field << "=" << value;
    EXPECT_NE(job.status().message().find(field), std::string::npos);
  }
  std::string type;
  std::string body = Form(type, {{"model_id", "m"}}, "picture", "x");
  EXPECT_FALSE(MakeWorkerJob(P("image-to-image"), type, body).ok());  // no `image`
}

TEST(WorkerJobTest, JsonPipelinesPassTheirBodyAfterATypeCheck) {
  auto job = MakeWorkerJob(P("text-to-speech"), "application/json",
                           R"({"model_id":"espeak","text":"hi","extra":[1]})");
  ASSERT_TRUE(job.ok());
  EXPECT_FALSE(job->has_input);
  EXPECT_EQ(json::parse(job->request),
            json::parse(R"({"model_id":"espeak","text":"hi","extra":[1]})"));
  EXPECT_FALSE(MakeWorkerJob(P("text-to-image"), "application/json",
                             R"({"model_id":"m","prompt":"p","height":"512"})")
                   .ok());
  EXPECT_FALSE(MakeWorkerJob(P("text-to-image"), "application/json",
                             R"({"model_id":"m","prompt":"p","seed":7.0})")
                   .ok());
  EXPECT_FALSE(
      MakeWorkerJob(P("llm"), "application/json", R"({"model":"m","messages":[{"role":1}]})").ok());
  EXPECT_TRUE(MakeWorkerJob(P("llm"), "application/json",
                            R"({"model":"m","messages":[{"role":"user","content":"x"}],)"
                            R"("temperature":1,"stream":true})")
                  .ok());
  EXPECT_FALSE(MakeWorkerJob(P("llm"), "application/json", "[]").ok());
}

TEST(WorkerJobTest, RequestDataRoundTripsThroughTheWorkersParser) {
  std::string type;
  std::string body = Form(type, {{"prompt", "p"}, {"model_id", "m"}, {"fps", "9"}}, "image", "x");
  auto job = MakeWorkerJob(P("image-to-video"), type, body);
  ASSERT_TRUE(job.ok());
  std::string data = RequestData("https://o:8935/stream/r/abcd0123.tempfile", job->request);
  json doc = json::parse(data);
  EXPECT_EQ(doc["input_url"], "https://o:8935/stream/r/abcd0123.tempfile");
  auto got = ParseRequestData("image-to-video", data);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->pipeline->name, "image-to-video");
  EXPECT_EQ(got->model_id, "m");
  EXPECT_EQ(got->fps, 9);
  EXPECT_EQ(got->input_url, "https://o:8935/stream/r/abcd0123.tempfile");
}

TEST(WorkerJobTest, RequestDataParserRefusesWhatAGoWorkerRefuses) {
  EXPECT_FALSE(ParseRequestData("nope", R"({"input_url":"","request":{}})").ok());
  EXPECT_FALSE(ParseRequestData("text-to-speech", "not json").ok());
  EXPECT_FALSE(ParseRequestData("text-to-speech", R"({"request":[]})").ok());
  EXPECT_FALSE(ParseRequestData("text-to-speech", R"({"request":{"text":"x"}})").ok());  // model
  EXPECT_FALSE(ParseRequestData("upscale", R"({"request":{"model_id":"m"}})").ok());     // input
  EXPECT_FALSE(ParseRequestData("text-to-speech", R"({"request":{"model_id":"m","text":5}})").ok());
  auto llm = ParseRequestData("llm", R"({"input_url":"","request":{"model":"m","stream":true}})");
  ASSERT_TRUE(llm.ok());
  EXPECT_TRUE(llm->stream);
}

TEST(WorkerJobTest, RunnerRequestStringifiesFieldsAsGoDoes) {
  auto job = ParseRequestData(
      "image-to-image",
      R"({"input_url":"u","request":{"prompt":"p","model_id":"m","image":null,"strength":0.8,)"
      R"("safety_check":true,"seed":3,"loras":null}})");
  ASSERT_TRUE(job.ok());
  Body b = MakeRunnerRequest(*job, "IMG");
  auto form = http::ParseMultipartForm(b.content_type, b.data);
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_NE(form->Find("image"), nullptr);
  EXPECT_EQ(form->Find("image")->data, "IMG");
  EXPECT_EQ(form->Find("image")->filename, "image");
  EXPECT_EQ(form->Find("strength")->data, "0.800000");
  EXPECT_EQ(form->Find("safety_check")->data, "true");
  EXPECT_EQ(form->Find("seed")->data, "3");
  EXPECT_EQ(form->Find("prompt")->data, "p");
  EXPECT_EQ(form->Find("loras"), nullptr);
  auto tts = ParseRequestData("text-to-speech", R"({"request":{"model_id":"m","text":"t"}})");
  ASSERT_TRUE(tts.ok());
  Body j = MakeRunnerRequest(*tts, "");
  EXPECT_EQ(j.content_type, "application/json");
  EXPECT_EQ(json::parse(j.data)["text"], "t");
}

TEST(WorkerJobTest, ResultHasGoLivepeersExactPartHeaders) {
  auto job = ParseRequestData("text-to-speech", R"({"request":{"model_id":"m","text":"t"}})");
  ASSERT_TRUE(job.ok());
  std::string answer =
      R"({"audio":{"url":"data:audio/wav;base64,)" + Base64Encode("RIFFWAV") + R"("}})";
  auto result = MakeWorkerResult(*job, answer, nullptr, "0123456789abcdef0123");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->content_type, "multipart/mixed; boundary=0123456789abcdef0123");
  const std::string& d = result->data;
  ASSERT_EQ(d.rfind("--0123456789abcdef0123\r\nContent-Disposition: attachment; filename=", 0), 0u)
      << d;
  size_t name_at = d.find("filename=") + 9;
  std::string name = d.substr(name_at, d.find("\r\n", name_at) - name_at);
  EXPECT_EQ(name.size(), 12u);  // 8 hex + ".wav"
  EXPECT_EQ(name.substr(8), ".wav");
  std::string json_text = R"({"audio":{"url":")" + name + R"("}})";
  std::string expected =
      "--0123456789abcdef0123\r\nContent-Disposition: attachment; filename=" + name +
      "\r\nContent-Length: 7\r\nContent-Type: audio/wav\r\n\r\nRIFFWAV\r\n"
      "--0123456789abcdef0123\r\nContent-Length: " +
      std::to_string(json_text.size()) + "\r\nContent-Type: application/json\r\n\r\n" + json_text +
      "\r\n--0123456789abcdef0123--\r\n";
  EXPECT_EQ(d, expected);
  // ...and the orchestrator reads it back as the runner's answer.
  auto back = ParseWorkerResult("text-to-speech", result->content_type, result->data);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->kind, WorkerResult::Kind::kAnswer);
  EXPECT_EQ(json::parse(back->body), json::parse(answer));
}

TEST(WorkerJobTest, ADataUrlTypeCannotAddHeaderLinesToItsPart) {
  auto job = ParseRequestData("text-to-image", R"({"request":{"model_id":"m","prompt":"p"}})");
  ASSERT_TRUE(job.ok());
  std::string answer = R"({"images":[{"url":"data:image/png\r\nX-Injected: 1;base64,)" +
                       Base64Encode("P1") + R"("}]})";
  auto result = MakeWorkerResult(*job, answer, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("invalid media type"), std::string_view::npos)
      << result.status();
}

TEST(WorkerJobTest, ImageAnswersRoundTripAndTextAnswersPassThrough) {
  auto job = ParseRequestData("text-to-image", R"({"request":{"model_id":"m","prompt":"p"}})");
  ASSERT_TRUE(job.ok());
  std::string answer = R"({"images":[{"url":"data:image/png;base64,)" + Base64Encode("P1") +
                       R"(","seed":1,"nsfw":false},{"url":"data:image/png;base64,)" +
                       Base64Encode("P2") + R"(","seed":2,"nsfw":true}]})";
  auto result = MakeWorkerResult(*job, answer, nullptr);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->content_type.size(), std::string("multipart/mixed; boundary=").size() + 20);
  auto back = ParseWorkerResult("text-to-image", result->content_type, result->data);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(json::parse(back->body), json::parse(answer));

  auto a2t = ParseRequestData("audio-to-text", R"({"input_url":"u","request":{"model_id":"m"}})");
  ASSERT_TRUE(a2t.ok());
  auto text = MakeWorkerResult(*a2t, R"({"text":"hi","chunks":[]})", nullptr);
  ASSERT_TRUE(text.ok());
  auto text_back = ParseWorkerResult("audio-to-text", text->content_type, text->data);
  ASSERT_TRUE(text_back.ok());
  EXPECT_EQ(json::parse(text_back->body), json::parse(R"({"text":"hi","chunks":[]})"));
}

TEST(WorkerJobTest, ImageToVideoFramesBecomeOneMp4) {
  auto job =
      ParseRequestData("image-to-video", R"({"input_url":"u","request":{"model_id":"m","fps":5}})");
  ASSERT_TRUE(job.ok());
  std::string answer = R"({"frames":[[{"url":"data:image/png;base64,)" + Base64Encode("F1") +
                       R"(","seed":9,"nsfw":false},{"url":"data:image/png;base64,)" +
                       Base64Encode("F2") + R"(","seed":9,"nsfw":false}]]})";
  int seen_fps = 0;
  size_t seen_frames = 0;
  FramesEncoder encode = [&](const std::vector<std::string>& frames, int fps) {
    seen_fps = fps;
    seen_frames = frames.size();
    return absl::StatusOr<std::string>("MP4");
  };
  auto result = MakeWorkerResult(*job, answer, encode);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(seen_fps, 5);
  EXPECT_EQ(seen_frames, 2u);
  EXPECT_NE(result->data.find("Content-Type: video/mp4"), std::string::npos);
  auto back = ParseWorkerResult("image-to-video", result->content_type, result->data);
  ASSERT_TRUE(back.ok());
  json doc = json::parse(back->body);
  EXPECT_EQ(doc["images"][0]["url"], "data:video/mp4;base64," + Base64Encode("MP4"));
  EXPECT_EQ(doc["images"][0]["seed"], 9);
}

// A result's JSON may name one file many times; inlining it each time would multiply a body
// bounded at 128 MiB into gigabytes (std::bad_alloc on a loop thread); here 1 MiB named 100
// times would take 133 MiB. The inlined bytes are bounded by what the body itself holds.
TEST(WorkerJobTest, AFileNamedManyTimesIsNotInlinedWithoutBound) {
  const std::string file(1 << 20, 'x');
  std::string images = "[";
  for (int i = 0; i < 100; ++i) images += std::string(i ? "," : "") + R"({"url":"a.png"})";
  images += "]";
  const std::string body =
      "--b\r\nContent-Disposition: attachment; filename=a.png\r\n"
      "Content-Type: image/png\r\n\r\n" +
      file +
      "\r\n--b\r\nContent-Type: application/json\r\n\r\n"
      R"({"images":)" +
      images + "}\r\n--b--";
  auto result = ParseWorkerResult("text-to-image", "multipart/mixed; boundary=b", body);
  EXPECT_FALSE(result.ok());
  // Named once, it is inlined.
  const std::string once =
      "--b\r\nContent-Disposition: attachment; filename=a.png\r\n"
      "Content-Type: image/png\r\n\r\n" +
      file +
      "\r\n--b\r\nContent-Type: application/json\r\n\r\n"
      R"({"images":[{"url":"a.png"}]})"
      "\r\n--b--";
  EXPECT_TRUE(ParseWorkerResult("text-to-image", "multipart/mixed; boundary=b", once).ok());
}

TEST(WorkerJobTest, ErrorsStreamsAndBrokenResults) {
  Body err = MakeWorkerError("runner exploded");
  auto e = ParseWorkerResult("llm", err.content_type, err.data);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->kind, WorkerResult::Kind::kError);
  EXPECT_EQ(e->body, "runner exploded");
  auto s = ParseWorkerResult("llm", "text/event-stream", "data: {}\n\n");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, WorkerResult::Kind::kStream);
  EXPECT_TRUE(absl::IsFailedPrecondition(ParseWorkerResult("llm", "text/plain", "x").status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(ParseWorkerResult("llm", "", "x").status()));
  // Truncated, no JSON part, a url naming a missing file, a non-image answer.
  const std::string t = "multipart/mixed; boundary=b";
  EXPECT_FALSE(ParseWorkerResult("llm", t, "--b\r\nContent-Type: application/json\r\n\r\n{}").ok());
  EXPECT_FALSE(
      ParseWorkerResult("llm", t, "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--").ok());
  EXPECT_FALSE(ParseWorkerResult("upscale", t,
                                 "--b\r\nContent-Type: application/json\r\n\r\n"
                                 R"({"images":[{"url":"gone.png"}]})"
                                 "\r\n--b--")
                   .ok());
  EXPECT_FALSE(
      ParseWorkerResult("upscale", t, "--b\r\nContent-Type: application/json\r\n\r\n[1]\r\n--b--")
          .ok());
  EXPECT_TRUE(
      ParseWorkerResult("llm", t, "--b\r\nContent-Type: application/json\r\n\r\n[1]\r\n--b--")
          .ok());
}

// Megabytes of brackets would overflow the stack when the parsed JSON is written back out
// (found by hand with worker_job_fuzz on a 1 MB input): refused before parsing, at each side.
TEST(WorkerJobTest, DeeplyNestedJsonIsRefused) {
  const std::string deep = std::string(500000, '[') + std::string(500000, ']');
  auto gateway = MakeWorkerJob(P("llm"), "application/json",
                               R"({"model":"m","messages":[],"x":)" + deep + "}");
  ASSERT_FALSE(gateway.ok());
  EXPECT_EQ(gateway.status().message(), "request body is nested too deeply");
  auto notify = ParseRequestData("llm", R"({"request":{"model":"m","x":)" + deep + "}}");
  ASSERT_FALSE(notify.ok());
  EXPECT_EQ(notify.status().message(), "requestData is nested too deeply");
  ReceivedJob job;
  job.pipeline = &P("text-to-image");
  auto made = MakeWorkerResult(job, R"({"images":[],"x":)" + deep + "}", nullptr);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().message(), "the runner's answer is nested too deeply");
  auto result =
      ParseWorkerResult("llm", "multipart/mixed; boundary=b",
                        "--b\r\nContent-Type: application/json\r\n\r\n" + deep + "\r\n--b--\r\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "the result's JSON part is nested too deeply");
}

}  // namespace
}  // namespace baton::ai

#include "net/router.h"

#include <gtest/gtest.h>

namespace baton::http {
namespace {

// Records what a handler or the router answered.
class RecordingWriter : public ResponseWriter {
 public:
  void SendHeaders(int s, HttpHeaders h, bool end) override {
    status = s;
    headers = std::move(h);
    ended = end;
  }
  void SendBody(std::string chunk, bool end) override {
    body += chunk;
    ended = end;
  }
  void SendTrailers(HttpHeaders) override { ended = true; }
  void SetOnClosed(std::function<void()>) override {}
  bool IsClosed() const override { return ended; }
  void RunAfter(std::chrono::milliseconds, std::function<void()>) override {}

  int status = 0;
  HttpHeaders headers;
  std::string body;
  bool ended = false;
};

TEST(HttpHeaders, LookupIgnoresCaseAndNamesAreStoredLowerCase) {
  HttpHeaders headers;
  headers.Add("Livepeer-Payment", "abc");
  headers.Add("X-Multi", "1");
  headers.Add("x-multi", "2");
  EXPECT_EQ(headers.Get("livepeer-payment"), "abc");
  EXPECT_EQ(headers.Get("LIVEPEER-PAYMENT"), "abc");
  EXPECT_EQ(headers.fields()[0].first, "livepeer-payment");
  EXPECT_EQ(headers.Get("X-MULTI"), "1");
  EXPECT_EQ(headers.size(), 3u);
  headers.Set("x-Multi", "3");
  EXPECT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers.Get("x-multi"), "3");
  headers.Remove("LIVEPEER-payment");
  EXPECT_FALSE(headers.Has("livepeer-payment"));
  EXPECT_FALSE(headers.Get("missing").has_value());
}

HttpRequest Request(std::string method, std::string path) {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  return request;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.Handle("/segment", {"POST"}, Named("segment"));
    router.HandlePrefix("/stream/", {"GET", "HEAD"}, Named("stream"));
    router.HandlePrefix("/stream/special/", {}, Named("special"));
    router.Handle("/stream/exact", {"GET"}, Named("exact"));
  }
  HttpHandler Named(std::string name) {
    return [this, name](HttpRequest request, std::shared_ptr<ResponseWriter> response) {
      hit = name;
      response->Respond(200, "text/plain", request.path);
    };
  }
  std::shared_ptr<RecordingWriter> Run(std::string method, std::string path) {
    auto writer = std::make_shared<RecordingWriter>();
    hit.clear();
    router.Dispatch(Request(std::move(method), std::move(path)), writer);
    return writer;
  }
  Router router;
  std::string hit;
};

TEST_F(RouterTest, ExactAndPrefixRoutes) {
  EXPECT_EQ(Run("POST", "/segment")->status, 200);
  EXPECT_EQ(hit, "segment");
  EXPECT_EQ(Run("GET", "/stream/abc/1.ts")->body, "/stream/abc/1.ts");
  EXPECT_EQ(hit, "stream");
  Run("GET", "/stream/exact");
  EXPECT_EQ(hit, "exact");
  Run("DELETE", "/stream/special/x");
  EXPECT_EQ(hit, "special");
}

TEST_F(RouterTest, UnknownPathIs404InGoStyle) {
  auto writer = Run("GET", "/nope");
  EXPECT_EQ(writer->status, 404);
  EXPECT_EQ(writer->body, "404 page not found\n");
  EXPECT_EQ(writer->headers.Get("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(Run("POST", "/segmentx")->status, 404);
  EXPECT_EQ(Run("GET", "/stream")->status, 404);
  EXPECT_TRUE(hit.empty());
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  auto writer = Run("GET", "/segment");
  EXPECT_EQ(writer->status, 405);
  EXPECT_EQ(writer->headers.Get("allow"), "POST");
  EXPECT_EQ(writer->body, "Method Not Allowed\n");
  EXPECT_EQ(Run("POST", "/stream/abc")->status, 405);
  EXPECT_TRUE(hit.empty());
}

TEST(ResponseWriter, RespondErrorIsTextWithNewline) {
  RecordingWriter writer;
  writer.RespondError(503, "insufficient capacity");
  EXPECT_EQ(writer.status, 503);
  EXPECT_EQ(writer.body, "insufficient capacity\n");
  EXPECT_EQ(writer.headers.Get("content-length"), "22");
  EXPECT_TRUE(writer.ended);
}

}  // namespace
}  // namespace baton::http

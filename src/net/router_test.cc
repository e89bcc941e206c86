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

// A route with a header check: /guarded wants "x-token: good"; the check records what it saw.
class RouterCheckTest : public RouterTest {
 protected:
  void SetUp() override {
    RouterTest::SetUp();
    router.Handle("/guarded", {"POST"}, Named("guarded"),
                  [this](const HttpRequest& head) -> std::optional<Rejection> {
                    seen = head;
                    if (head.headers.Get("x-token") == "good") return std::nullopt;
                    return Rejection{403, "bad token", {}};
                  });
  }
  // CheckHead on a request the test keeps (a check may leave state in it).
  std::optional<Rejection> Check(HttpRequest head) { return router.CheckHead(head); }
  HttpRequest seen;
};

TEST_F(RouterCheckTest, CheckHeadAnswers404And405FromTheHeadAlone) {
  std::optional<Rejection> missing = Check(Request("POST", "/nope"));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->message, "404 page not found");
  std::optional<Rejection> wrong = Check(Request("GET", "/guarded"));
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->message, "Method Not Allowed");
  EXPECT_EQ(wrong->headers.Get("allow"), "POST");
  EXPECT_TRUE(seen.path.empty()) << "the check ran for a request that is not its route's";
  // Routes without a check pass.
  EXPECT_FALSE(Check(Request("POST", "/segment")).has_value());
  EXPECT_FALSE(Check(Request("GET", "/stream/a/1.ts")).has_value());
}

TEST_F(RouterCheckTest, TheRouteCheckSeesTheHeadAndMayReject) {
  HttpRequest head = Request("POST", "/guarded");
  head.query = "a=1";
  head.headers.Add("X-Token", "bad");
  std::optional<Rejection> rejected = router.CheckHead(head);
  ASSERT_TRUE(rejected.has_value());
  EXPECT_EQ(rejected->status, 403);
  EXPECT_EQ(rejected->message, "bad token");
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.query, "a=1");
  EXPECT_EQ(seen.headers.Get("x-token"), "bad");
  head.headers.Set("x-token", "good");
  EXPECT_FALSE(router.CheckHead(head).has_value());
  EXPECT_TRUE(hit.empty()) << "CheckHead must not run the handler";
}

TEST_F(RouterCheckTest, DispatchRunsTheHandlerWithoutTheCheck) {
  seen = HttpRequest{};
  auto writer = Run("POST", "/guarded");  // no token: CheckHead would reject it
  EXPECT_EQ(writer->status, 200);
  EXPECT_EQ(hit, "guarded");
  EXPECT_TRUE(seen.path.empty());
}

TEST(ResponseWriter, RespondErrorCarriesARejectionsHeaders) {
  RecordingWriter writer;
  writer.RespondError(Rejection{405, "Method Not Allowed", {{"allow", "POST"}}});
  EXPECT_EQ(writer.status, 405);
  EXPECT_EQ(writer.body, "Method Not Allowed\n");
  EXPECT_EQ(writer.headers.Get("allow"), "POST");
  EXPECT_EQ(writer.headers.Get("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(writer.headers.Get("x-content-type-options"), "nosniff");
}

TEST(RouterBodyLimitTest, EachRouteDecidesItsBodyLimitFromTheHead) {
  Router router;
  router.SetDefaultMaxBody(1000);
  auto ok = [](HttpRequest, std::shared_ptr<ResponseWriter> w) {
    w->Respond(200, "text/plain", "");
  };
  router.Handle("/upload", {"POST"}, ok, nullptr, 5000);
  router.Handle("/pay", {"POST"}, ok, nullptr, 0);
  router.Handle("/form", {"POST"}, ok);
  router.Handle("/health", {"GET"}, ok);
  router.HandlePrefix("/stream/", {"GET", "HEAD"}, ok);
  auto head = [](std::string method, std::string path, std::string length = "") {
    HttpRequest request;
    request.method = std::move(method);
    request.path = std::move(path);
    if (!length.empty()) request.headers.Add("content-length", length);
    return request;
  };
  EXPECT_EQ(router.MaxBody(head("POST", "/upload")), 5000u);
  EXPECT_EQ(router.MaxBody(head("POST", "/pay")), 0u);
  EXPECT_EQ(router.MaxBody(head("POST", "/form")), 1000u);  // the default
  EXPECT_EQ(router.MaxBody(head("GET", "/health")), 0u);    // GET-only: no body
  EXPECT_EQ(router.MaxBody(head("GET", "/stream/a/b.ts")), 0u);
  EXPECT_EQ(router.MaxBody(head("POST", "/nowhere")), 0u);  // answered 404 without one
  EXPECT_EQ(router.MaxBody(head("POST", "/health")), 0u);   // answered 405 without one

  HttpRequest over = head("GET", "/health", "1");
  std::optional<Rejection> rejection = router.CheckHead(over);
  ASSERT_TRUE(rejection);
  EXPECT_EQ(rejection->status, 413);
  HttpRequest empty = head("GET", "/health", "0");
  EXPECT_FALSE(router.CheckHead(empty));
  HttpRequest fits = head("POST", "/upload", "5000");
  EXPECT_FALSE(router.CheckHead(fits));
  HttpRequest too_big = head("POST", "/upload", "5001");
  ASSERT_TRUE(router.CheckHead(too_big));
  HttpRequest huge = head("POST", "/form", "99999999999999999999999");  // out of range
  EXPECT_EQ(router.CheckHead(huge)->status, 413);
  HttpRequest unknown = head("POST", "/nowhere", "5");
  EXPECT_EQ(router.CheckHead(unknown)->status, 404);  // 404 before 413
}

}  // namespace
}  // namespace baton::http

// The HTTP/1.1 codec's early answers, driven byte by byte through a fake connection: a request
// rejected at headers-complete is answered before its body (never with a 100 Continue) and the
// connection closes lingering; an accepted one reads its body; a rejected request without a
// body keeps the connection.
#include <event2/buffer.h>
#include <event2/event.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/codec.h"
#include "net/event_loop.h"
#include "net/server_context.h"

namespace baton::http {
namespace {

// The connection as the codec sees it: records what it writes and how it closes. Posted
// response writes run when the test turns the (unstarted) loop with RunPosted.
class FakeConnection final : public ConnectionIo {
 public:
  explicit FakeConnection(const ServerContext& server)
      : server_(server), loop_(*EventLoop::Create("test")) {}

  void Write(std::string_view bytes) override { written.append(bytes); }
  void CloseAfterWrite() override { ++closes; }
  void LingeringClose() override { ++lingering_closes; }
  void PauseReading() override {}
  void ResumeReading() override {}
  const std::string& peer_address() const override { return peer_; }
  bool tls() const override { return false; }
  const std::shared_ptr<EventLoop>& loop() const override { return loop_; }
  const ServerContext& server() const override { return server_; }

  void RunPosted() { event_base_loop(loop_->base(), EVLOOP_NONBLOCK); }

  std::string written;
  int closes = 0;
  int lingering_closes = 0;

 private:
  const ServerContext& server_;
  std::shared_ptr<EventLoop> loop_;
  std::string peer_ = "127.0.0.1:1";
};

class Http1EarlyAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.body_limit = [](const HttpRequest&) { return size_t{64} << 20; };
    server_.check_head = [this](const HttpRequest& head) -> std::optional<Rejection> {
      ++checks_;
      if (head.headers.Get("x-token") == "good") return std::nullopt;
      return Rejection{403, "invalid auth token", {}};
    };
    server_.dispatch = [this](HttpRequest request, std::shared_ptr<ResponseWriter> response) {
      dispatched_.push_back(std::move(request));
      response->Respond(200, "text/plain", "ok");
    };
    io_ = std::make_unique<FakeConnection>(server_);
    codec_ = MakeHttp1Codec(*io_);
  }

  void Feed(const std::string& bytes) {
    evbuffer* input = evbuffer_new();
    evbuffer_add(input, bytes.data(), bytes.size());
    codec_->OnInput(input);
    EXPECT_EQ(evbuffer_get_length(input), 0u);
    evbuffer_free(input);
  }

  ServerContext server_;
  int checks_ = 0;
  std::vector<HttpRequest> dispatched_;
  std::unique_ptr<FakeConnection> io_;
  std::unique_ptr<Codec> codec_;
};

constexpr char kRejectedUpload[] =
    "POST /segment HTTP/1.1\r\nHost: o\r\nX-Token: bad\r\nContent-Length: 50000000\r\n"
    "Expect: 100-continue\r\n\r\n";

TEST_F(Http1EarlyAnswerTest, RejectedUploadIsAnsweredBeforeItsBodyAndTheConnectionCloses) {
  Feed(kRejectedUpload);
  EXPECT_EQ(checks_, 1);
  const std::string& out = io_->written;
  EXPECT_EQ(out.rfind("HTTP/1.1 403 Forbidden\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("\r\nConnection: close\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\nContent-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nContent-Length: 19\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 23), "\r\n\r\ninvalid auth token\n") << out;
  EXPECT_EQ(out.find("100 Continue"), std::string::npos) << out;
  EXPECT_EQ(io_->lingering_closes, 1);
  // The body that still arrives is never parsed nor dispatched, and nothing more is written.
  const size_t answered = out.size();
  Feed(std::string(1 << 20, 'x'));
  Feed("GET /next HTTP/1.1\r\nHost: o\r\n\r\n");
  io_->RunPosted();
  EXPECT_TRUE(dispatched_.empty());
  EXPECT_EQ(io_->written.size(), answered);
  EXPECT_EQ(checks_, 1);
}

TEST_F(Http1EarlyAnswerTest, RejectedChunkedUploadIsAnsweredBeforeItsBody) {
  Feed("POST /segment HTTP/1.1\r\nHost: o\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(io_->written.rfind("HTTP/1.1 403 Forbidden\r\n", 0), 0u) << io_->written;
  EXPECT_EQ(io_->lingering_closes, 1);
  Feed("5\r\nhello\r\n0\r\n\r\n");
  io_->RunPosted();
  EXPECT_TRUE(dispatched_.empty());
}

TEST_F(Http1EarlyAnswerTest, AcceptedUploadGetsContinueThenItsBodyIsRead) {
  Feed(
      "POST /segment HTTP/1.1\r\nHost: o\r\nX-Token: good\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(io_->written, "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_TRUE(dispatched_.empty());
  Feed("hello");
  ASSERT_EQ(dispatched_.size(), 1u);
  EXPECT_EQ(dispatched_[0].body, "hello");
  EXPECT_EQ(dispatched_[0].path, "/segment");
  io_->RunPosted();
  EXPECT_NE(io_->written.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << io_->written;
  EXPECT_EQ(io_->lingering_closes + io_->closes, 0);
}

TEST_F(Http1EarlyAnswerTest, RejectedRequestWithoutABodyKeepsTheConnection) {
  Feed("GET /segment HTTP/1.1\r\nHost: o\r\n\r\nGET /segment HTTP/1.1\r\nHost: o\r\n\r\n");
  io_->RunPosted();
  io_->RunPosted();
  EXPECT_TRUE(dispatched_.empty());
  EXPECT_EQ(checks_, 2);
  const std::string& out = io_->written;
  const size_t first = out.find("HTTP/1.1 403 Forbidden\r\n");
  ASSERT_NE(first, std::string::npos) << out;
  EXPECT_NE(out.find("HTTP/1.1 403 Forbidden\r\n", first + 1), std::string::npos) << out;
  EXPECT_EQ(out.find("Connection: close"), std::string::npos) << out;
  EXPECT_EQ(io_->lingering_closes + io_->closes, 0);
}

}  // namespace
}  // namespace baton::http

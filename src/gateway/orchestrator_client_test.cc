// OrchestratorClient's HTTP behaviour against a scripted HTTP/1.1 server on a free port:
// deadlines for the response headers, error statuses, and TranscodeResult parsing.
#include "gateway/orchestrator_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace baton::gateway {
namespace {

// Answers one request on a loopback port: waits `delay`, then writes `response` verbatim.
class ScriptedServer {
 public:
  ScriptedServer(std::chrono::milliseconds delay, std::string response)
      : delay_(delay), response_(std::move(response)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listener_, 4);
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& request() const { return request_; }

 private:
  void Serve() {
    int conn = accept(listener_, nullptr, nullptr);
    if (conn < 0) return;
    char buf[65536];
    // Read the head and the Content-Length body.
    while (true) {
      ssize_t n = read(conn, buf, sizeof buf);
      if (n <= 0) break;
      request_.append(buf, n);
      size_t head_end = request_.find("\r\n\r\n");
      if (head_end == std::string::npos) continue;
      size_t cl = request_.find("Content-Length: ");
      size_t length = cl == std::string::npos ? 0 : std::stoul(request_.substr(cl + 16));
      if (request_.size() >= head_end + 4 + length) break;
    }
    std::this_thread::sleep_for(delay_);
    (void)!write(conn, response_.data(), response_.size());
    close(conn);
  }

  std::chrono::milliseconds delay_;
  std::string response_;
  int listener_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

std::string Http200(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(OrchestratorClientTest, ParsesTheTranscodeResultAndSendsTheHeaders) {
  ::net::TranscodeResult result;
  result.set_seq(4);
  result.mutable_data()->add_segments()->set_url("https://o/stream/x/P240p30fps16x9/4.ts");
  ScriptedServer server(std::chrono::milliseconds(0), Http200(result.SerializeAsString()));
  OrchestratorClient client(server.url());
  absl::StatusOr<SegmentExchange> exchange =
      client.SubmitSegment(server.url(), {"c2VnbWVudA==", "cGF5"}, "segment bytes", 2.0);
  ASSERT_TRUE(exchange.ok()) << exchange.status();
  EXPECT_EQ(exchange->result.seq(), 4);
  EXPECT_EQ(exchange->result.data().segments(0).url(), "https://o/stream/x/P240p30fps16x9/4.ts");
  EXPECT_EQ(exchange->bytes_sent, 13);
  EXPECT_NE(server.request().find("POST /segment HTTP/1.1"), std::string::npos);
  // Field names go out lower-cased (HttpHeaders; HTTP/2 requires it, HTTP/1.1 ignores case).
  EXPECT_NE(server.request().find("livepeer-segment: c2VnbWVudA=="), std::string::npos);
  EXPECT_NE(server.request().find("livepeer-payment: cGF5"), std::string::npos);
  EXPECT_NE(server.request().find("content-type: video/MP2T"), std::string::npos);
}

TEST(OrchestratorClientTest, ErrorStatusCarriesTheOrchestratorsText) {
  ScriptedServer server(std::chrono::milliseconds(0),
                        "HTTP/1.1 403 Forbidden\r\nContent-Length: 26\r\n\r\n"
                        "incompatible capabilities\n");
  OrchestratorClient client(server.url());
  absl::StatusOr<SegmentExchange> exchange = client.SubmitSegment(server.url(), {}, "x", 2.0);
  ASSERT_FALSE(exchange.ok());
  EXPECT_EQ(exchange.status().message(), "HTTP 403: incompatible capabilities");
}

TEST(OrchestratorClientTest, LateResponseHeadersFailTheSegment) {
  // A 2-second segment allows max(2 s, 1 s) = 2 s for the headers; the server takes 3.
  ScriptedServer server(std::chrono::milliseconds(3000), Http200(""));
  OrchestratorClient client(server.url());
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<SegmentExchange> exchange = client.SubmitSegment(server.url(), {}, "x", 2.0);
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(exchange.ok());
  EXPECT_TRUE(absl::IsDeadlineExceeded(exchange.status())) << exchange.status();
  EXPECT_NE(exchange.status().message().find("no response headers within 2.0 s"), std::string::npos)
      << exchange.status();
  EXPECT_LT(waited, 3.0);  // gave up before the server answered
}

TEST(OrchestratorClientTest, DownloadFailsOnNon200) {
  ScriptedServer server(std::chrono::milliseconds(0),
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 12\r\n\r\nErrNotFound\n");
  OrchestratorClient client(server.url());
  absl::StatusOr<std::string> body = client.Download(server.url() + "/stream/a/b.ts");
  ASSERT_FALSE(body.ok());
  EXPECT_NE(body.status().message().find("HTTP 404"), std::string::npos);
}

}  // namespace
}  // namespace baton::gateway

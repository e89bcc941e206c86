// Early answers end to end: a Server in this process rejects requests from their headers, and
// real clients (raw sockets, curl over TLS, an nghttp2 client session) announce large bodies they
// never send. The answer must arrive without the body: HTTP/1.1 then closes the connection,
// HTTP/2 resets only that stream (NO_ERROR), drops whatever DATA still comes for it, and keeps
// serving other streams on the same connection.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "net/server.h"
#include "test_support.h"

namespace baton::http {
namespace {

using testing::ConnectLoopback;
using testing::RunCommand;
using testing::SendAll;
using testing::TempDir;

constexpr size_t kMaxBody = 64u << 20;
constexpr uint64_t kAnnounced = 50'000'000;  // under the limit: the route's check decides

// Minimal HTTP/2 client over a blocking socket, on nghttp2's client session: it submits requests
// and records per stream the status, body, end of stream and RST_STREAM code.
class H2Client {
 public:
  struct Stream {
    int status = 0;
    std::string body;
    bool ended = false;  // the server's END_STREAM arrived
    bool reset = false;
    uint32_t reset_code = 0;
    bool reset_after_end = false;
    bool closed = false;
  };

  explicit H2Client(int fd) : fd_(fd) {
    nghttp2_session_callbacks* callbacks;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &OnHeader);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &OnData);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &OnFrame);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &OnClose);
    nghttp2_session_client_new(&session_, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  ~H2Client() { nghttp2_session_del(session_); }

  // HEADERS only; `end_stream` false leaves the request body "to follow".
  int32_t Request(const std::string& method, const std::string& path,
                  std::vector<std::pair<std::string, std::string>> headers, bool end_stream) {
    headers.insert(
        headers.begin(),
        {{":method", method}, {":scheme", "http"}, {":authority", "localhost"}, {":path", path}});
    std::vector<nghttp2_nv> nv;
    for (auto& [name, value] : headers) {
      nv.push_back({reinterpret_cast<uint8_t*>(name.data()),
                    reinterpret_cast<uint8_t*>(value.data()), name.size(), value.size(),
                    NGHTTP2_NV_FLAG_NONE});
    }
    const uint8_t flags = end_stream ? NGHTTP2_FLAG_END_STREAM : NGHTTP2_FLAG_NONE;
    const int32_t id =
        nghttp2_submit_headers(session_, flags, -1, nullptr, nv.data(), nv.size(), nullptr);
    streams[id];
    return id;
  }

  // Sends what the session has queued and feeds it what arrives until `done` or the deadline.
  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (!Flush() || std::chrono::steady_clock::now() > deadline) return false;
      uint8_t buffer[16384];
      const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n == 0) return false;
      if (n < 0) continue;  // the socket's short receive timeout: check the deadline again
      if (nghttp2_session_mem_recv(session_, buffer, static_cast<size_t>(n)) < 0) return false;
    }
    return Flush();
  }

  // Raw DATA frames on `stream_id`, written past the session (which would refuse: the stream is
  // closed), as a client that had them in flight when the reset came would send them.
  bool SendRawData(int32_t stream_id, size_t total) {
    const std::string payload(16384, 'd');
    for (size_t sent = 0; sent < total; sent += payload.size()) {
      std::string frame = {0x00, 0x40, 0x00, 0x00 /* DATA */, 0x00 /* no flags */};
      for (int shift = 24; shift >= 0; shift -= 8) frame += static_cast<char>(stream_id >> shift);
      if (!SendAll(fd_, frame + payload)) return false;
    }
    return true;
  }

  // A round trip: every frame the server sent before it answered the PING has arrived after.
  bool Ping() {
    const int acks = ping_acks_;
    nghttp2_submit_ping(session_, NGHTTP2_FLAG_NONE, nullptr);
    return RunUntil([&] { return ping_acks_ > acks; });
  }

  std::map<int32_t, Stream> streams;
  bool goaway = false;

 private:
  bool Flush() {
    for (;;) {
      const uint8_t* data;
      const ssize_t n = nghttp2_session_mem_send(session_, &data);
      if (n < 0) return false;
      if (n == 0) return true;
      if (!SendAll(fd_, std::string(reinterpret_cast<const char*>(data), n))) return false;
    }
  }
  static H2Client& Self(void* self) { return *static_cast<H2Client*>(self); }
  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                      size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void* self) {
    if (std::string_view(reinterpret_cast<const char*>(name), namelen) == ":status") {
      Self(self).streams[frame->hd.stream_id].status =
          std::stoi(std::string(reinterpret_cast<const char*>(value), valuelen));
    }
    return 0;
  }
  static int OnData(nghttp2_session*, uint8_t, int32_t id, const uint8_t* data, size_t len,
                    void* self) {
    Self(self).streams[id].body.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }
  static int OnFrame(nghttp2_session*, const nghttp2_frame* frame, void* self) {
    if (frame->hd.type == NGHTTP2_GOAWAY) Self(self).goaway = true;
    if (frame->hd.type == NGHTTP2_PING && (frame->hd.flags & NGHTTP2_FLAG_ACK))
      ++Self(self).ping_acks_;
    if (frame->hd.stream_id == 0) return 0;
    Stream& stream = Self(self).streams[frame->hd.stream_id];
    const bool data_or_headers =
        frame->hd.type == NGHTTP2_DATA || frame->hd.type == NGHTTP2_HEADERS;
    if (data_or_headers && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) stream.ended = true;
    if (frame->hd.type == NGHTTP2_RST_STREAM) {
      stream.reset = true;
      stream.reset_code = frame->rst_stream.error_code;
      stream.reset_after_end = stream.ended;
    }
    return 0;
  }
  static int OnClose(nghttp2_session*, int32_t id, uint32_t, void* self) {
    Self(self).streams[id].closed = true;
    return 0;
  }

  int fd_;
  nghttp2_session* session_ = nullptr;
  int ping_acks_ = 0;
};

// Reads until the peer's FIN (true) or a reset/timeout (false).
bool ReadUntilFin(int fd, std::string& bytes) {
  char buffer[16384];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return n == 0;
    bytes.append(buffer, static_cast<size_t>(n));
  }
}

class EarlyAnswerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    ServerOptions options;
    options.bind_address = "127.0.0.1:0";
    options.cert_dir = dir_->path();
    options.worker_threads = 2;
    options.max_body_bytes = kMaxBody;
    tls_server_ = new Server(options);
    Install(*tls_server_);
    ASSERT_TRUE(tls_server_->Start().ok());
    options.tls = false;
    clear_server_ = new Server(options);
    Install(*clear_server_);
    ASSERT_TRUE(clear_server_->Start().ok());
    // Sparse: 50 MB on disk costs nothing, and curl uploads it only if the server lets it.
    big_file_ = new std::string(dir_->path() + "/big.bin");
    const int fd = open(big_file_->c_str(), O_CREAT | O_WRONLY, 0600);
    ASSERT_EQ(ftruncate(fd, kAnnounced), 0);
    close(fd);
  }
  static void TearDownTestSuite() {
    delete tls_server_;
    delete clear_server_;
    delete big_file_;
    delete dir_;
  }

  // /guarded accepts only "x-token: good"; its handler counts the requests that reached it.
  static void Install(Server& server) {
    server.router().Handle(
        "/guarded", {"POST"},
        [](HttpRequest request, std::shared_ptr<ResponseWriter> response) {
          ++handled_;
          response->Respond(200, "text/plain", absl::StrCat("got ", request.body.size()));
        },
        [](const HttpRequest& head) -> std::optional<Rejection> {
          if (head.headers.Get("x-token") == "good") return std::nullopt;
          return Rejection{403, "invalid auth token", {}};
        });
    server.router().Handle("/hello", {"GET"}, [](HttpRequest request, auto response) {
      response->Respond(200, "text/plain", "hello " + request.protocol);
    });
  }

  static std::string Https(const std::string& path) {
    return absl::StrCat("https://127.0.0.1:", tls_server_->port(), path);
  }

  static TempDir* dir_;
  static Server* tls_server_;
  static Server* clear_server_;
  static std::string* big_file_;
  static std::atomic<int> handled_;
};

TempDir* EarlyAnswerTest::dir_ = nullptr;
Server* EarlyAnswerTest::tls_server_ = nullptr;
Server* EarlyAnswerTest::clear_server_ = nullptr;
std::string* EarlyAnswerTest::big_file_ = nullptr;
std::atomic<int> EarlyAnswerTest::handled_{0};

TEST_F(EarlyAnswerTest, Http11RejectionComesWithoutTheBodyThenTheServerCloses) {
  const int handled_before = handled_.load();
  const int fd = ConnectLoopback(clear_server_->port(), /*receive_timeout_ms=*/10000);
  ASSERT_GE(fd, 0);
  // Headers and the first 256 KiB of the body: the server must answer without the rest, and the
  // bytes it did not read must not turn its close into a reset that loses the answer.
  ASSERT_TRUE(
      SendAll(fd, absl::StrCat("POST /guarded HTTP/1.1\r\nHost: x\r\nX-Token: bad\r\n",
                               "Content-Length: ", kAnnounced, "\r\nExpect: 100-continue\r\n\r\n",
                               std::string(256 * 1024, 'b'))));
  std::string bytes;
  // A FIN right after the answer, not a reset (which unread input would cause) nor a timeout.
  EXPECT_TRUE(ReadUntilFin(fd, bytes)) << "no orderly close: " << std::strerror(errno);
  close(fd);
  EXPECT_EQ(bytes.rfind("HTTP/1.1 403 Forbidden\r\n", 0), 0u) << bytes;
  EXPECT_NE(bytes.find("\r\nConnection: close\r\n"), std::string::npos) << bytes;
  EXPECT_EQ(bytes.find("100 Continue"), std::string::npos) << bytes;
  const std::string tail = "\r\n\r\ninvalid auth token\n";
  ASSERT_GE(bytes.size(), tail.size());
  EXPECT_EQ(bytes.substr(bytes.size() - tail.size()), tail);
  EXPECT_EQ(handled_.load(), handled_before);
}

TEST_F(EarlyAnswerTest, Http11RejectionWithoutABodyKeepsTheConnection) {
  const int fd = ConnectLoopback(clear_server_->port());
  ASSERT_GE(fd, 0);
  const std::string request = "POST /guarded HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
  ASSERT_TRUE(SendAll(fd, request + request + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string bytes = testing::ReadUntil(fd, "hello HTTP/1.1");
  close(fd);
  EXPECT_EQ(bytes.find("Connection: close"), std::string::npos) << bytes;
  const size_t first = bytes.find("HTTP/1.1 403 Forbidden");
  ASSERT_NE(first, std::string::npos) << bytes;
  EXPECT_NE(bytes.find("HTTP/1.1 403 Forbidden", first + 1), std::string::npos) << bytes;
  EXPECT_NE(bytes.find("hello HTTP/1.1"), std::string::npos) << bytes;
}

// curl over TLS uploads a 50 MB file at 1 MB/s: a server that read the body first would take
// 50 s. The answer comes at once, curl stops sending, and its next request shows whether the
// connection survived: HTTP/1.1 needs a new one, HTTP/2 reuses it.
TEST_F(EarlyAnswerTest, CurlOverTlsHearsTheRejectionBeforeUploading) {
  const int handled_before = handled_.load();
  for (const auto& [flags, reused_connects] :
       {std::pair<std::string, std::string>{"--http1.1", "1"}, {"--http2", "0"}}) {
    const std::string per_transfer = absl::StrCat("-sk ", flags, " --max-time 30 ");
    const std::string command = absl::StrCat(
        "curl ", per_transfer, "--limit-rate 1M -H 'X-Token: bad' --data-binary @", *big_file_,
        " -w '|%{http_code}|%{size_upload}|%{time_total}#' '", Https("/guarded"), "' --next ",
        per_transfer, "-w '|%{http_code}|%{num_connects}' '", Https("/hello"), "'");
    const std::string output = RunCommand(command).output;
    std::vector<std::string> transfers = absl::StrSplit(output, '#');
    ASSERT_EQ(transfers.size(), 2u) << output;
    std::vector<std::string> first = absl::StrSplit(transfers[0], '|');
    ASSERT_EQ(first.size(), 4u) << output;
    EXPECT_EQ(first[0], "invalid auth token\n") << flags;
    EXPECT_EQ(first[1], "403") << flags;
    EXPECT_LT(std::stod(first[2]), 8e6) << flags << ": the body was uploaded: " << output;
    EXPECT_LT(std::stod(first[3]), 8.0) << flags << ": " << output;
    EXPECT_EQ(transfers[1], absl::StrCat("hello ", flags == "--http2" ? "HTTP/2" : "HTTP/1.1",
                                         "|200|", reused_connects))
        << flags;
  }
  EXPECT_EQ(handled_.load(), handled_before);
}

TEST_F(EarlyAnswerTest, Http2RejectionResetsOnlyItsStreamAndDropsItsData) {
  const int handled_before = handled_.load();
  const int fd = ConnectLoopback(clear_server_->port(), /*receive_timeout_ms=*/100);
  ASSERT_GE(fd, 0);
  H2Client client(fd);  // prior knowledge: the session starts with the preface
  const int32_t rejected =
      client.Request("POST", "/guarded",
                     {{"x-token", "bad"}, {"content-length", std::to_string(kAnnounced)}}, false);
  ASSERT_TRUE(client.RunUntil([&] { return client.streams[rejected].ended; }));
  const H2Client::Stream& answer = client.streams[rejected];
  EXPECT_EQ(answer.status, 403);
  EXPECT_EQ(answer.body, "invalid auth token\n");
  // A client that stops sending is not reset (curl 7.88 would fail the transfer).
  ASSERT_TRUE(client.Ping());
  EXPECT_FALSE(answer.reset);
  // One that keeps sending past a stream window is: NO_ERROR, after the complete answer.
  ASSERT_TRUE(client.SendRawData(rejected, 2u << 20));
  ASSERT_TRUE(client.RunUntil([&] { return client.streams[rejected].reset; }));
  EXPECT_TRUE(answer.reset_after_end);
  EXPECT_EQ(answer.reset_code, static_cast<uint32_t>(NGHTTP2_NO_ERROR));
  // DATA still in flight after the reset: more than the connection window (16 MiB), so a server
  // that stopped crediting the window for dropped DATA would end the connection.
  ASSERT_TRUE(client.SendRawData(rejected, 20u << 20));
  const int32_t hello = client.Request("GET", "/hello", {}, true);
  ASSERT_TRUE(client.RunUntil([&] { return client.streams[hello].closed; }));
  EXPECT_EQ(client.streams[hello].status, 200);
  EXPECT_EQ(client.streams[hello].body, "hello HTTP/2");
  EXPECT_FALSE(client.goaway);
  // A content-length over the server's limit is refused the same way, before any DATA.
  const int32_t too_big = client.Request(
      "POST", "/guarded", {{"x-token", "good"}, {"content-length", std::to_string(kMaxBody + 1)}},
      false);
  ASSERT_TRUE(client.RunUntil([&] { return client.streams[too_big].ended; }));
  EXPECT_EQ(client.streams[too_big].status, 413);
  EXPECT_EQ(client.streams[too_big].body, "413 Request Entity Too Large\n");
  // A rejected request that sent no body is answered and ends normally, without a reset.
  const int32_t no_body = client.Request("POST", "/guarded", {}, true);
  ASSERT_TRUE(client.RunUntil([&] { return client.streams[no_body].closed; }));
  EXPECT_EQ(client.streams[no_body].status, 403);
  EXPECT_FALSE(client.streams[no_body].reset);
  // An accepted upload is read and handled.
  const int32_t accepted = client.Request("POST", "/guarded", {{"x-token", "good"}}, true);
  ASSERT_TRUE(client.RunUntil([&] { return client.streams[accepted].closed; }));
  EXPECT_EQ(client.streams[accepted].status, 200);
  EXPECT_EQ(handled_.load(), handled_before + 1);
  close(fd);
}

}  // namespace
}  // namespace baton::http

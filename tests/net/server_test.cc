// End-to-end tests of the net layer: a Server runs in this process and independent clients
// (curl, python3-grpcio, raw sockets) drive it over TLS and cleartext.
#include "net/server.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "test_support.h"

namespace baton::http {
namespace {

using testing::CommandResult;
using testing::ConnectLoopback;
using testing::ReadUntil;
using testing::ReadUntilClosed;
using testing::RunCommand;
using testing::SendAll;
using testing::TempDir;

constexpr size_t kMaxBody = 1 << 20;
constexpr size_t kMaxHeader = 100 * 1024;

// Routes and gRPC methods shared by every server in this file.
struct TestApp {
  std::mutex mutex;
  std::vector<std::thread> threads;
  std::vector<std::shared_ptr<GrpcUnaryResponder>> sleeping;
  std::atomic<int> sleep_cancelled{0};

  void Background(std::function<void()> work) {
    std::lock_guard lock(mutex);
    threads.emplace_back(std::move(work));
  }
  void JoinAll() {
    std::vector<std::thread> joining;
    {
      std::lock_guard lock(mutex);
      joining.swap(threads);
    }
    for (auto& thread : joining) thread.join();
  }

  void Install(Server& server) {
    Router& router = server.router();
    router.Handle("/hello", {"GET"}, [](HttpRequest request, auto response) {
      response->Respond(200, "text/plain",
                        absl::StrCat("hello ", request.protocol, request.tls ? " tls" : ""));
    });
    router.Handle("/echo", {"POST"}, [](HttpRequest request, auto response) {
      response->Respond(200, "application/octet-stream", request.body);
    });
    // A route with its own, larger body limit; answers with the body's size.
    router.Handle(
        "/upload", {"POST"},
        [](HttpRequest request, auto response) {
          response->Respond(200, "text/plain", std::to_string(request.body.size()));
        },
        nullptr, size_t{64} << 20);
    router.Handle("/headers", {"GET"}, [](HttpRequest request, auto response) {
      response->Respond(200, "text/plain",
                        absl::StrCat("big=", request.headers.Get("X-Big").value_or("").size()));
    });
    router.HandlePrefix("/stream/", {"GET"}, [](HttpRequest request, auto response) {
      response->Respond(200, "text/plain", "stream:" + request.path + "?" + request.query);
    });
    // Headers now, body a second later from another thread (the POST /segment pattern).
    router.Handle("/slow", {"GET", "POST"}, [this](HttpRequest, auto response) {
      response->SendHeaders(200, HttpHeaders{{"content-type", "text/plain"}});
      Background([response] {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        response->SendBody("late body", /*end=*/true);
      });
    });

    GrpcService& grpc = server.grpc();
    grpc.AddUnary("/test.Svc/Echo", [](std::string request, const GrpcCallContext&) {
      return GrpcResult::Ok("echo:" + request);
    });
    grpc.AddUnary("/test.Svc/MetadataSize", [](std::string, const GrpcCallContext& context) {
      return GrpcResult::Ok(
          absl::StrCat("big=", context.metadata().Get("x-big").value_or("").size()));
    });
    grpc.AddUnary("/test.Svc/Fail", [](std::string, const GrpcCallContext&) {
      return GrpcResult::Error(GrpcCode::kNotFound, "no such thing\n100%");
    });
    grpc.AddServerStreaming("/test.Svc/Count", [this](std::string request, const GrpcCallContext&,
                                                      std::shared_ptr<GrpcStreamWriter> writer) {
      const int count = std::stoi(request);
      Background([writer, count] {
        for (int i = 0; i < count; ++i) writer->Write(absl::StrCat("msg-", i));
        writer->Finish(GrpcCode::kOk);
      });
    });
    grpc.AddAsyncUnary("/test.Svc/Sleep", [this](std::string, const GrpcCallContext&,
                                                 std::shared_ptr<GrpcUnaryResponder> responder) {
      responder->SetOnCancel([this] { ++sleep_cancelled; });
      std::lock_guard lock(mutex);
      sleeping.push_back(std::move(responder));
    });
  }
};

class NetServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    app_ = new TestApp;
    cert_dir_ = new TempDir;
    ServerOptions tls_options;
    tls_options.bind_address = "127.0.0.1:0";
    tls_options.cert_dir = cert_dir_->path();
    tls_options.worker_threads = 2;
    tls_options.max_body_bytes = kMaxBody;
    tls_options.max_header_bytes = kMaxHeader;
    tls_server_ = new Server(tls_options);
    app_->Install(*tls_server_);
    ASSERT_TRUE(tls_server_->Start().ok());

    ServerOptions clear_options = tls_options;
    clear_options.tls = false;
    // ThousandsOfIdleConnections holds 1,500 from one address (the per-IP cap has its own test).
    clear_options.max_connections_per_client = 0;
    clear_server_ = new Server(clear_options);
    app_->Install(*clear_server_);
    ASSERT_TRUE(clear_server_->Start().ok());
  }

  static void TearDownTestSuite() {
    app_->JoinAll();
    delete tls_server_;
    delete clear_server_;
    delete cert_dir_;
    delete app_;
  }

  static std::string Https(const std::string& path) {
    return absl::StrCat("https://127.0.0.1:", tls_server_->port(), path);
  }
  static std::string Http(const std::string& path) {
    return absl::StrCat("http://127.0.0.1:", clear_server_->port(), path);
  }
  // curl with the given flags; -w appends "|<http_version>|<status>".
  static CommandResult Curl(const std::string& flags, const std::string& url) {
    return RunCommand(absl::StrCat("curl -sk --max-time 10 ", flags,
                                   " -w '|%{http_version}|%{http_code}' '", url, "'"));
  }
  static std::string Grpc(const std::string& args, bool tls = true) {
    const std::string target =
        absl::StrCat("127.0.0.1:", (tls ? tls_server_ : clear_server_)->port());
    std::string command = absl::StrCat("/usr/bin/python3 ", testing::SourceDir(),
                                       "/tests/net/grpc_call.py --target ", target, " ", args);
    if (tls) absl::StrAppend(&command, " --cert ", tls_server_->cert_path());
    return RunCommand(command).output;
  }
  static void ExpectServing() {
    EXPECT_EQ(Curl("--http2", Https("/hello")).output, "hello HTTP/2 tls|2|200");
    EXPECT_EQ(Curl("--http2-prior-knowledge", Http("/hello")).output, "hello HTTP/2|2|200");
  }
  std::string WriteFile(const std::string& name, const std::string& bytes) {
    const std::string path = cert_dir_->path() + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  static TestApp* app_;
  static TempDir* cert_dir_;
  static Server* tls_server_;
  static Server* clear_server_;
};

TestApp* NetServerTest::app_ = nullptr;
TempDir* NetServerTest::cert_dir_ = nullptr;
Server* NetServerTest::tls_server_ = nullptr;
Server* NetServerTest::clear_server_ = nullptr;

TEST_F(NetServerTest, TlsPortSpeaksHttp2AndHttp11ByAlpn) {
  EXPECT_EQ(Curl("--http2", Https("/hello")).output, "hello HTTP/2 tls|2|200");
  EXPECT_EQ(Curl("--http1.1", Https("/hello")).output, "hello HTTP/1.1 tls|1.1|200");
  // Keep-alive: two requests on one HTTP/1.1 connection.
  const std::string twice =
      RunCommand(absl::StrCat("curl -sk --http1.1 -w '|%{num_connects}' '", Https("/hello"), "' '",
                              Https("/stream/a/b.ts?x=1"), "'"))
          .output;
  EXPECT_EQ(twice, "hello HTTP/1.1 tls|1stream:/stream/a/b.ts?x=1|0");
}

TEST_F(NetServerTest, CleartextSpeaksHttp11AndPriorKnowledgeH2c) {
  EXPECT_EQ(Curl("--http1.1", Http("/hello")).output, "hello HTTP/1.1|1.1|200");
  EXPECT_EQ(Curl("--http2-prior-knowledge", Http("/hello")).output, "hello HTTP/2|2|200");
}

TEST_F(NetServerTest, UnknownPathAndWrongMethodAnswerLikeGo) {
  EXPECT_EQ(Curl("--http2", Https("/nope")).output, "404 page not found\n|2|404");
  EXPECT_EQ(Curl("--http1.1 -X DELETE", Https("/hello")).output, "Method Not Allowed\n|1.1|405");
}

TEST_F(NetServerTest, PostBodiesFixedAndChunkedAreEchoed) {
  const std::string body(300000, 'b');
  const std::string file = WriteFile("body.bin", body);
  EXPECT_EQ(Curl("--http2 --data-binary @" + file, Https("/echo")).output, body + "|2|200");
  EXPECT_EQ(Curl("--http1.1 --data-binary @" + file, Https("/echo")).output, body + "|1.1|200");
  EXPECT_EQ(Curl("--http1.1 -H 'Transfer-Encoding: chunked' --data-binary @" + file, Http("/echo"))
                .output,
            body + "|1.1|200");
}

TEST_F(NetServerTest, BodyOverLimitIs413AndServerKeepsServing) {
  const std::string file = WriteFile("big.bin", std::string(kMaxBody + 1000, 'x'));
  EXPECT_EQ(Curl("--http1.1 --data-binary @" + file, Https("/echo")).output,
            "413 Request Entity Too Large\n|1.1|413");
  EXPECT_EQ(Curl("--http1.1 -H 'Transfer-Encoding: chunked' --data-binary @" + file, Http("/echo"))
                .output,
            "413 Request Entity Too Large\n|1.1|413");
  const std::string h2 = Curl("--http2 --data-binary @" + file, Https("/echo")).output;
  EXPECT_EQ(h2.substr(h2.size() - 4), "|413") << h2;
  ExpectServing();
}

// A route's own limit wins over the default; over HTTP/2 a body larger than what a connection
// buffers before its windows stay shut (32 MiB) still completes: the oldest receiving stream
// always gets its window back.
TEST_F(NetServerTest, RouteBodyLimitAndAnHttp2BodyOverTheConnectionBufferBound) {
  const std::string file = WriteFile("upload.bin", std::string(40u << 20, 'u'));
  EXPECT_EQ(Curl("--http2 --data-binary @" + file, Https("/upload")).output, "41943040|2|200");
  EXPECT_EQ(Curl("--http1.1 --data-binary @" + file, Https("/upload")).output, "41943040|1.1|200");
  const std::string h2 = Curl("--http2 --data-binary @" + file, Https("/echo")).output;
  EXPECT_EQ(h2.substr(h2.size() - 4), "|413") << h2.substr(0, 200);
  ExpectServing();
}

TEST_F(NetServerTest, SixtyFourKibHeaderValueAcceptedOnBothProtocols) {
  const std::string header = "-H 'X-Big: " + std::string(64 * 1024, 'p') + "'";
  EXPECT_EQ(Curl("--http1.1 " + header, Https("/headers")).output, "big=65536|1.1|200");
  // curl cannot send an HTTP/2 header block over 64 KiB in total; grpcio can.
  EXPECT_EQ(Grpc("--method /test.Svc/MetadataSize --metadata x-big=65536"),
            "{\"code\": 0, \"details\": \"\", \"messages\": [\"big=65536\"]}\n");
  const std::string h2_header = "-H 'X-Big: " + std::string(65000, 'p') + "'";
  EXPECT_EQ(Curl("--http2 " + h2_header, Https("/headers")).output, "big=65000|2|200");
  EXPECT_EQ(Curl("--http2-prior-knowledge " + h2_header, Http("/headers")).output,
            "big=65000|2|200");
}

TEST_F(NetServerTest, OversizedHeadersAreRejectedAndServerKeepsServing) {
  const std::string h1 = "-H 'X-Big: " + std::string(kMaxHeader + 10, 'q') + "'";
  EXPECT_EQ(Curl("--http1.1 " + h1, Https("/headers")).output,
            "431 Request Header Fields Too Large\n|1.1|431");
  // HTTP/2: two 60 KiB fields pass nghttp2's per-field limit but not our list limit.
  const std::string h2 = Grpc(
      "--method /test.Svc/MetadataSize --metadata x-big=61440 "
      "--metadata x-big2=61440");
  EXPECT_EQ(h2.find("\"code\": 0"), std::string::npos) << h2;
  ExpectServing();
}

TEST_F(NetServerTest, GrpcUnaryAndServerStreamingFromPythonGrpcio) {
  EXPECT_EQ(Grpc("--method /test.Svc/Echo --payload hi"),
            "{\"code\": 0, \"details\": \"\", \"messages\": [\"echo:hi\"]}\n");
  EXPECT_EQ(Grpc("--method /test.Svc/Count --stream --payload 3"),
            "{\"code\": 0, \"details\": \"\", \"messages\": [\"msg-0\", \"msg-1\", \"msg-2\"]}\n");
  // The grpc-message is percent-encoded on the wire and decoded by the client.
  EXPECT_EQ(Grpc("--method /test.Svc/Fail"),
            "{\"code\": 5, \"details\": \"no such thing\\n100%\", \"messages\": []}\n");
  EXPECT_EQ(Grpc("--method /test.Svc/Nope"),
            "{\"code\": 12, \"details\": \"unknown method Nope for service test.Svc\", "
            "\"messages\": []}\n");
  EXPECT_EQ(Grpc("--method /test.Svc/Echo --payload plain", /*tls=*/false),
            "{\"code\": 0, \"details\": \"\", \"messages\": [\"echo:plain\"]}\n");
}

TEST_F(NetServerTest, GrpcDeadlineExceededCancelsTheMethod) {
  const int cancelled_before = app_->sleep_cancelled.load();
  // grpcio sends grpc-timeout; both sides agree on DEADLINE_EXCEEDED.
  const std::string result = Grpc("--method /test.Svc/Sleep --timeout 0.3");
  EXPECT_NE(result.find("\"code\": 4"), std::string::npos) << result;
  // The server's own deadline, seen through curl: trailers-only DEADLINE_EXCEEDED.
  const std::string frame = std::string("\0\0\0\0\x01z", 6);
  const std::string file = WriteFile("sleep.bin", frame);
  const CommandResult curl = RunCommand(absl::StrCat(
      "curl -sk --http2 --max-time 5 -D - -o /dev/null -H 'content-type: application/grpc' "
      "-H 'te: trailers' -H 'grpc-timeout: 200m' --data-binary @",
      file, " '", Https("/test.Svc/Sleep"), "'"));
  EXPECT_NE(curl.output.find("grpc-status: 4"), std::string::npos) << curl.output;
  for (int i = 0; i < 50 && app_->sleep_cancelled.load() < cancelled_before + 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(app_->sleep_cancelled.load(), cancelled_before + 2);
}

TEST_F(NetServerTest, MalformedGrpcFramesGetAStatusAndServerKeepsServing) {
  auto grpc_status_for = [&](const std::string& body) {
    const std::string file = WriteFile("frame.bin", body);
    const CommandResult curl = RunCommand(absl::StrCat(
        "curl -sk --http2 --max-time 5 -D - -o /dev/null -H 'content-type: application/grpc' "
        "--data-binary @",
        file, " '", Https("/test.Svc/Echo"), "'"));
    const size_t at = curl.output.find("grpc-status: ");
    return at == std::string::npos
               ? std::string("none")
               : curl.output.substr(at + 13, curl.output.find('\r', at) - at - 13);
  };
  EXPECT_EQ(grpc_status_for(std::string("\0\0\0\0\x64"
                                        "abc",
                                        8)),
            "13");                                                      // truncated
  EXPECT_EQ(grpc_status_for(std::string("\x01\0\0\0\x01z", 6)), "12");  // compressed
  EXPECT_EQ(grpc_status_for(std::string("\0\x7f\0\0\0", 5)), "8");      // > 4 MiB declared
  const std::string one_message("\0\0\0\0\x01z", 6);
  EXPECT_EQ(grpc_status_for(one_message + one_message), "13");  // two messages
  EXPECT_EQ(Grpc("--method /test.Svc/Echo --payload again"),
            "{\"code\": 0, \"details\": \"\", \"messages\": [\"echo:again\"]}\n");
}

TEST_F(NetServerTest, GrpcOverHttp11IsAnError) {
  const CommandResult curl =
      Curl("--http1.1 -H 'content-type: application/grpc' --data x", Https("/test.Svc/Echo"));
  EXPECT_EQ(curl.output, "gRPC requires HTTP/2\n|1.1|400");
}

TEST_F(NetServerTest, HeadersArriveBeforeALateBody) {
  for (const std::string& flags : {std::string("--http2"), std::string("--http1.1")}) {
    const CommandResult curl = RunCommand(absl::StrCat(
        "curl -sk --max-time 10 ", flags,
        " -w '|%{http_code}|%{time_starttransfer}|%{time_total}' '", Https("/slow"), "'"));
    std::vector<std::string> parts = absl::StrSplit(curl.output, '|');
    ASSERT_EQ(parts.size(), 4u) << curl.output;
    EXPECT_EQ(parts[0], "late body");
    EXPECT_EQ(parts[1], "200");
    EXPECT_LT(std::stod(parts[2]), 0.6) << flags << " headers were held back: " << curl.output;
    EXPECT_GE(std::stod(parts[3]), 0.9) << curl.output;
  }
}

TEST_F(NetServerTest, PlaintextOnTheTlsPortFailsOnlyThatConnection) {
  const int fd = ConnectLoopback(tls_server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(ReadUntilClosed(fd).closed_by_peer);
  close(fd);
  ExpectServing();
}

TEST_F(NetServerTest, GarbageAfterTheHttp2PrefaceClosesOnlyThatConnection) {
  const int fd = ConnectLoopback(clear_server_->port());
  ASSERT_GE(fd, 0);
  // Preface, then a SETTINGS frame whose length is not a multiple of 6, then junk.
  std::string bytes = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  bytes += std::string(
               "\x00\x00\x03\x04\x00\x00\x00\x00\x00"
               "abc",
               12) +
           "garbage!";
  ASSERT_TRUE(SendAll(fd, bytes));
  const auto read = ReadUntilClosed(fd);
  EXPECT_TRUE(read.closed_by_peer);
  close(fd);
  ExpectServing();
}

TEST_F(NetServerTest, ThousandsOfIdleConnectionsWhileStillAnswering) {
  constexpr int kConnections = 1500;
  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i) {
    const int fd = ConnectLoopback(clear_server_->port());
    ASSERT_GE(fd, 0) << "connection " << i;
    fds.push_back(fd);
  }
  ExpectServing();
  // Every idle connection is live: each answers a request.
  for (int fd : fds) ASSERT_TRUE(SendAll(fd, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  int answered = 0;
  for (int fd : fds) {
    if (ReadUntil(fd, "hello HTTP/1.1").find("hello HTTP/1.1") != std::string::npos) ++answered;
    close(fd);
  }
  EXPECT_EQ(answered, kConnections);
}

TEST(NetServerLifecycle, IdleConnectionsAreClosedAfterTheTimeout) {
  ServerOptions options;
  options.bind_address = "127.0.0.1:0";
  options.tls = false;
  options.idle_timeout = std::chrono::milliseconds(300);
  options.header_timeout = std::chrono::seconds(30);
  Server server(options);
  server.router().Handle("/hello", {"GET"}, [](HttpRequest, std::shared_ptr<ResponseWriter> w) {
    w->Respond(200, "text/plain", "hello");
  });
  ASSERT_TRUE(server.Start().ok());
  // Idle between requests: closed after idle_timeout (not the 30 s header deadline).
  const int fd = ConnectLoopback(server.port());
  ASSERT_TRUE(SendAll(fd, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_NE(ReadUntil(fd, "hello").find("hello"), std::string::npos);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(ReadUntilClosed(fd).closed_by_peer);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  close(fd);
}

TEST(NetServerLifecycle, AConnectionThatSendsNothingIsClosedAtTheHeaderDeadline) {
  ServerOptions options;
  options.bind_address = "127.0.0.1:0";
  options.tls = false;
  options.header_timeout = std::chrono::milliseconds(300);
  Server server(options);
  ASSERT_TRUE(server.Start().ok());
  const int fd = ConnectLoopback(server.port());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(ReadUntilClosed(fd).closed_by_peer);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  close(fd);
}

TEST(NetServerLifecycle, StartReportsATakenPortAndStopIsIdempotent) {
  ServerOptions options;
  options.bind_address = "127.0.0.1:0";
  options.tls = false;
  Server first(options);
  auto port = first.Start();
  ASSERT_TRUE(port.ok());
  options.bind_address = absl::StrCat("127.0.0.1:", *port);
  Server second(options);
  auto taken = second.Start();
  ASSERT_FALSE(taken.ok());
  EXPECT_NE(taken.status().message().find("address already in use"), std::string::npos)
      << taken.status();
  std::thread stopper([&] { first.Stop(); });
  stopper.join();
  first.Stop();
  EXPECT_LT(ConnectLoopback(*port), 0);
}

TEST(NetServerLifecycle, CertificateHasGoLivepeerShape) {
  TempDir dir;
  ServerOptions options;
  options.bind_address = "127.0.0.1:0";
  options.cert_dir = dir.path();
  options.cert_host = "orch.example.com";
  Server server(options);
  ASSERT_TRUE(server.Start().ok());
  const std::string text = RunCommand("openssl x509 -noout -text -in " + server.cert_path()).output;
  EXPECT_NE(text.find("prime256v1"), std::string::npos) << text;
  EXPECT_NE(text.find("CA:TRUE"), std::string::npos);
  EXPECT_NE(text.find("Digital Signature, Certificate Sign"), std::string::npos);
  EXPECT_NE(text.find("TLS Web Server Authentication"), std::string::npos);
  EXPECT_NE(text.find("DNS:orch.example.com"), std::string::npos);
  std::ifstream key(dir.path() + "/key.pem");
  std::string first_line;
  std::getline(key, first_line);
  EXPECT_EQ(first_line, "-----BEGIN EC PRIVATE KEY-----");
  const std::string dates =
      RunCommand("openssl x509 -noout -startdate -enddate -in " + server.cert_path()).output;
  EXPECT_FALSE(dates.empty());
}

// cert.pem and key.pem are written fresh each start, mode 0600, and never through a link that
// someone planted in the directory.
TEST(NetServerLifecycle, CertificateFilesArePrivateAndNotWrittenThroughLinks) {
  TempDir dir;
  const std::string victim = dir.path() + "/victim";
  std::ofstream(victim) << "victim";
  ASSERT_EQ(symlink(victim.c_str(), (dir.path() + "/key.pem").c_str()), 0);
  ASSERT_EQ(symlink(victim.c_str(), (dir.path() + "/cert.pem").c_str()), 0);
  const mode_t old_umask = umask(0);  // the mode must not depend on the umask
  ServerOptions options;
  options.bind_address = "127.0.0.1:0";
  options.cert_dir = dir.path();
  Server server(options);
  absl::Status started = server.Start().status();
  umask(old_umask);
  ASSERT_TRUE(started.ok()) << started;
  std::ifstream in(victim);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "victim");
  for (const char* name : {"/key.pem", "/cert.pem"}) {
    struct stat st {};
    ASSERT_EQ(lstat((dir.path() + name).c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode)) << name;
    EXPECT_EQ(st.st_mode & 07777, 0600u) << name;
  }
}

}  // namespace
}  // namespace baton::http

// GrpcClient and HttpClient against independent servers (python3-grpcio) and against Server.
#include <gtest/gtest.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "net/grpc_client.h"
#include "net/http_client.h"
#include "net/server.h"
#include "net/tls_context.h"
#include "test_support.h"

namespace baton::http {
namespace {

using std::chrono::milliseconds;

// A python3-grpcio server child process; its stdin is our pipe, closing it stops the server.
class PythonGrpcServer {
 public:
  explicit PythonGrpcServer(const std::string& args) {
    const std::string command =
        absl::StrCat("/usr/bin/python3 ", testing::SourceDir(), "/tests/net/grpc_echo_server.py ",
                     args, " > ", port_file_.path(), "/port");
    pipe_ = popen(command.c_str(), "w");
    for (int i = 0; i < 100 && port_ == 0; ++i) {
      std::this_thread::sleep_for(milliseconds(50));
      FILE* file = std::fopen((port_file_.path() + "/port").c_str(), "r");
      if (file != nullptr) {
        if (std::fscanf(file, "%d", &port_) != 1) port_ = 0;
        std::fclose(file);
      }
    }
  }
  ~PythonGrpcServer() {
    if (pipe_ != nullptr) pclose(pipe_);
  }
  int port() const { return port_; }

 private:
  testing::TempDir port_file_;
  FILE* pipe_ = nullptr;
  int port_ = 0;
};

TEST(GrpcClient, CallsAnIndependentServerOverH2c) {
  PythonGrpcServer server("");
  ASSERT_NE(server.port(), 0);
  GrpcClient client({absl::StrCat("127.0.0.1:", server.port()), /*tls=*/false});
  auto reply = client.Call("/test.Svc/Echo", "hello", milliseconds(5000));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(*reply, "py:hello");
  auto failed = client.Call("/test.Svc/Fail", "", milliseconds(5000));
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(failed.status().message(), "nothing here\n50%");
  auto unknown = client.Call("/test.Svc/Nope", "", milliseconds(5000));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kUnimplemented) << unknown.status();
}

TEST(GrpcClient, CallsAnIndependentServerOverTlsWithOurCertificate) {
  testing::TempDir dir;
  auto paths = WriteSelfSignedCertificate(dir.path(), "localhost");
  ASSERT_TRUE(paths.ok());
  PythonGrpcServer server(absl::StrCat("--cert ", paths->cert_pem, " --key ", paths->key_pem));
  ASSERT_NE(server.port(), 0);
  GrpcClient client({absl::StrCat("127.0.0.1:", server.port()), /*tls=*/true,
                     /*reuse_connection=*/true});
  for (int i = 0; i < 3; ++i) {
    auto reply = client.Call("/test.Svc/Echo", absl::StrCat("n", i), milliseconds(5000));
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(*reply, absl::StrCat("py:n", i));
  }
}

TEST(GrpcClient, UnreachableTargetIsUnavailable) {
  int port;
  {
    ServerOptions options;
    options.bind_address = "127.0.0.1:0";
    options.tls = false;
    Server server(options);
    port = *server.Start();
  }
  GrpcClient client({absl::StrCat("127.0.0.1:", port), /*tls=*/false});
  EXPECT_EQ(client.Call("/x.Y/Z", "", milliseconds(1000)).status().code(),
            absl::StatusCode::kUnavailable);
}

// URLs may come from peers (an orchestrator's input_url for a remote AI worker): libcurl would
// also open file://, gopher:// (arbitrary bytes to any port), dict://, ldap:// and more.
TEST(HttpClient, SpeaksOnlyHttpAndHttps) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/secret";
  FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fputs("not for peers", file);
  std::fclose(file);
  HttpClient client;
  auto local = client.Get("file://" + path, {}, milliseconds(2000));
  EXPECT_FALSE(local.ok()) << local->body;
  EXPECT_FALSE(client.Get("gopher://127.0.0.1:1/_x", {}, milliseconds(2000)).ok());
  EXPECT_FALSE(client.Get("dict://127.0.0.1:1/x", {}, milliseconds(2000)).ok());
}

class ClientsAgainstServer : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.bind_address = "127.0.0.1:0";
    options.cert_dir = dir_.path();
    server_ = std::make_unique<Server>(options);
    server_->router().Handle("/who", {}, [](HttpRequest request, auto response) {
      response->Respond(
          200, "text/plain",
          absl::StrCat(request.method, " ", request.protocol, " ",
                       request.headers.Get("x-test").value_or("-"), " ", request.body.size()),
          HttpHeaders{{"X-Reply", "yes"}});
    });
    server_->grpc().AddUnary("/test.Svc/Fast", [](std::string request, const GrpcCallContext&) {
      return GrpcResult::Ok(std::move(request));
    });
    server_->grpc().AddUnary("/test.Svc/Slow", [](std::string, const GrpcCallContext& context) {
      std::this_thread::sleep_for(milliseconds(10));
      return GrpcResult::Ok(context.deadline() ? "has-deadline" : "no-deadline");
    });
    ASSERT_TRUE(server_->Start().ok());
  }
  std::string Url(const std::string& path) {
    return absl::StrCat("https://127.0.0.1:", server_->port(), path);
  }
  testing::TempDir dir_;
  std::unique_ptr<Server> server_;
};

TEST_F(ClientsAgainstServer, HttpClientNegotiatesH2OrSpeaksHttp11) {
  HttpClient h2;
  auto response = h2.Post(Url("/who"), "abc", HttpHeaders{{"X-Test", "t"}}, milliseconds(5000));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->protocol, "HTTP/2");
  EXPECT_EQ(response->body, "POST HTTP/2 t 3");
  EXPECT_EQ(response->headers.Get("x-reply"), "yes");

  HttpClient h1({/*allow_http2=*/false});
  response = h1.Get(Url("/who"), {}, milliseconds(5000));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->protocol, "HTTP/1.1");
  EXPECT_EQ(response->body, "GET HTTP/1.1 - 0");
  response = h1.Get(Url("/missing"), {}, milliseconds(5000));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 404);
}

TEST_F(ClientsAgainstServer, GrpcClientSendsTheDeadline) {
  GrpcClient client({absl::StrCat("127.0.0.1:", server_->port()), /*tls=*/true});
  auto reply = client.Call("/test.Svc/Slow", "", milliseconds(2000));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(*reply, "has-deadline");
}

}  // namespace
}  // namespace baton::http

namespace baton::http {
namespace {

// libcurl resets each finished stream; a kept connection must survive far more calls than
// nghttp2's default rapid-reset allowance (1000).
TEST_F(ClientsAgainstServer, KeptConnectionSurvivesManyCalls) {
  GrpcClient client({absl::StrCat("127.0.0.1:", server_->port()), /*tls=*/true,
                     /*reuse_connection=*/true});
  int failures = 0;
  for (int i = 0; i < 1300; ++i) {
    if (!client.Call("/test.Svc/Fast", "x", milliseconds(5000)).ok()) ++failures;
  }
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace baton::http

// JsonRpcClient against a scripted HTTP server: retries on the messages of doc/pm.md 6, no retry on
// ordinary node errors, revert data decoded, timeouts.
#include "eth/json_rpc.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "common/hex.h"
#include "eth/abi_codec.h"
#include "eth/abi_function.h"
#include "eth/eth_client.h"

namespace baton::eth {
namespace {

using std::chrono::milliseconds;

// Answers each HTTP request with the next scripted JSON body (the last one repeats), or stalls
// when the body is "stall".
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> bodies) : bodies_(std::move(bodies)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 16);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

 private:
  void Serve() {
    while (true) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string request;
      char buf[4096];
      // Read headers and the body (Content-Length).
      while (true) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, n);
        size_t end = request.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        size_t cl = request.find("Content-Length: ");
        size_t length = cl == std::string::npos ? 0 : std::stoul(request.substr(cl + 16));
        if (request.size() >= end + 4 + length) break;
      }
      int i = requests_++;
      std::string body = bodies_[std::min<size_t>(i, bodies_.size() - 1)];
      if (body == "stall") {
        std::this_thread::sleep_for(milliseconds(400));
      } else {
        std::string response =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
        (void)!write(c, response.data(), response.size());
      }
      close(c);
    }
  }

  std::vector<std::string> bodies_;
  int fd_;
  int port_;
  std::atomic<int> requests_{0};
  std::thread thread_;
};

JsonRpcOptions Options(const std::string& url) {
  return JsonRpcOptions{url, milliseconds(200), 6, milliseconds(5)};
}

TEST(JsonRpcClient, RetriesTheTransientMessagesOfGoLivepeer) {
  ScriptedServer server(
      {R"({"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"EOF"}})",
       R"({"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"unsupported block number 5"}})",
       R"({"jsonrpc":"2.0","id":1,"result":"0x7a69"})"});
  JsonRpcClient client(Options(server.url()));
  auto r = client.Call("eth_chainId", nlohmann::json::array());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "0x7a69");
  EXPECT_EQ(server.requests(), 3);
}

TEST(JsonRpcClient, GivesUpAfterMaxAttempts) {
  ScriptedServer server(
      {R"({"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"tls: use of closed connection"}})"});
  JsonRpcClient client(Options(server.url()));
  auto r = client.Call("eth_call", nlohmann::json::array());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "eth_call: tls: use of closed connection");
  EXPECT_EQ(server.requests(), 6);
}

TEST(JsonRpcClient, NodeErrorsAreNotRetriedAndCarryRevertData) {
  std::string revert =
      std::string(abi::kErrorSelector) +
      abi::EncodeOne(abi::Type::String(), abi::Value::Bytes("ticket is used")).value();
  ScriptedServer server(
      {R"({"jsonrpc":"2.0","id":1,"error":{"code":3,"message":"execution reverted","data":")" +
       HexEncode0x(revert) + R"("}})"});
  JsonRpcClient client(Options(server.url()));
  auto r = client.Call("eth_call", nlohmann::json::array());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "eth_call: execution reverted: ticket is used");
  EXPECT_EQ(RevertData(r.status()), revert);
  EXPECT_EQ(server.requests(), 1);
}

TEST(JsonRpcClient, TimesOutSlowNodes) {
  ScriptedServer server({"stall"});
  JsonRpcOptions options = Options(server.url());
  options.max_attempts = 2;
  JsonRpcClient client(options);
  auto start = std::chrono::steady_clock::now();
  auto r = client.Call("eth_blockNumber", nlohmann::json::array());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1500));
  EXPECT_EQ(server.requests(), 2);
}

TEST(JsonRpcClient, SendRawTransactionIsNotResentAfterATimeout) {
  ScriptedServer server({"stall"});
  JsonRpcClient client(Options(server.url()));
  auto r = client.Call("eth_sendRawTransaction", nlohmann::json::array({"0x00"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(server.requests(), 1);
}

TEST(EthClient, ParsesArbitrumBlockFields) {
  ScriptedServer server(
      {R"({"jsonrpc":"2.0","id":1,"result":{"number":"0x10","hash":"0x)" + std::string(64, 'a') +
       R"(","parentHash":"0x)" + std::string(64, 'b') +
       R"(","timestamp":"0x5","baseFeePerGas":"0x989680","l1BlockNumber":"0x12d687"}})"});
  EthClient client(Options(server.url()));
  auto head = client.GetBlockByNumber(std::nullopt);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->number, 16u);
  EXPECT_EQ(head->base_fee, crypto::U256(10000000));
  EXPECT_EQ(head->l1_block_number, 1234567u);
  EXPECT_EQ(head->hash, std::string(32, '\xaa'));
}

TEST(EthClient, MalformedAnswersAreErrorsNamingTheField) {
  ScriptedServer server({R"({"jsonrpc":"2.0","id":1,"result":{"number":"ten"}})"});
  EthClient client(Options(server.url()));
  auto head = client.GetBlockByNumber(5);
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.status().message(), "eth_getBlockByNumber: malformed field \"number\"");
}

}  // namespace
}  // namespace baton::eth

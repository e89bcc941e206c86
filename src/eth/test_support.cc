#include "eth/test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/hex.h"
#include "crypto/uint256.h"
#include "eth/json_rpc.h"

namespace baton::eth::testing {

uint32_t VectorSeed() {
  if (const char* s = std::getenv("BATON_ETH_SEED")) return static_cast<uint32_t>(std::atoll(s));
  return static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count() %
                               1000000007);
}

std::string SourceDir() {
  if (const char* s = std::getenv("BATON_SOURCE_DIR")) return s;
  return BATON_ETH_SOURCE_DIR;
}

absl::StatusOr<std::string> RunCommand(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("popen failed: " + command);
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int rc = pclose(pipe);
  if (rc != 0) return absl::InternalError(absl::StrCat("command failed (", rc, "): ", command));
  return out;
}

absl::StatusOr<nlohmann::json> RunVectors(const std::string& args) {
  std::string dir = SourceDir();
  auto out = RunCommand(absl::StrCat("NODE_PATH=", dir, "/tools/node_modules node ", dir,
                                     "/tests/eth/vectors.js ", args));
  if (!out.ok()) return out.status();
  auto j = nlohmann::json::parse(*out, nullptr, false);
  if (j.is_discarded()) return absl::InternalError("vectors.js printed invalid JSON");
  return j;
}

absl::StatusOr<abi::Value> ValueFromJson(const abi::Type& type, const nlohmann::json& j) {
  using Kind = abi::Type::Kind;
  switch (type.kind()) {
    case Kind::kUint: {
      auto v = crypto::U256FromDecimal(j.get<std::string>());
      if (!v.ok()) return v.status();
      return abi::Value::Uint(*v);
    }
    case Kind::kInt: {
      std::string s = j.get<std::string>();
      bool negative = !s.empty() && s[0] == '-';
      auto v = crypto::U256FromDecimal(negative ? s.substr(1) : s);
      if (!v.ok()) return v.status();
      abi::I256 i(*v);
      return abi::Value::Int(negative ? abi::I256(-i) : i);
    }
    case Kind::kAddress: {
      auto a = crypto::Address::FromHex(j.get<std::string>());
      if (!a.ok()) return a.status();
      return abi::Value::Addr(*a);
    }
    case Kind::kBool:
      return abi::Value::Bool(j.get<bool>());
    case Kind::kFixedBytes:
    case Kind::kBytes:
    case Kind::kString: {
      auto b = HexDecode(j.get<std::string>());
      if (!b.ok()) return b.status();
      return abi::Value::Bytes(*b);
    }
    case Kind::kArray:
    case Kind::kTuple: {
      abi::Value::List items;
      for (size_t i = 0; i < j.size(); ++i) {
        const abi::Type& t = type.kind() == Kind::kTuple ? type.components()[i] : type.element();
        auto v = ValueFromJson(t, j[i]);
        if (!v.ok()) return v.status();
        items.push_back(*std::move(v));
      }
      return abi::Value::Of(std::move(items));
    }
  }
  return absl::InternalError("unknown kind");
}

namespace {
// PUSH2 of a 16-bit value.
std::string Push2(size_t v) {
  return std::string{'\x61', static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
}
}  // namespace

std::string FixedResponseContract(const std::string& data, bool revert) {
  std::string runtime;
  std::string padded = data;
  padded.resize((padded.size() + 31) / 32 * 32, '\0');
  for (size_t off = 0; off < padded.size(); off += 32)
    runtime += '\x7f' + padded.substr(off, 32) + Push2(off) + '\x52';  // PUSH32 w; MSTORE
  runtime += Push2(data.size()) + std::string("\x60\x00", 2) + (revert ? '\xfd' : '\xf3');
  // PUSH2 len DUP1 PUSH2 13 PUSH1 0 CODECOPY PUSH1 0 RETURN (13 bytes), then the runtime.
  std::string init =
      Push2(runtime.size()) + '\x80' + Push2(13) + std::string("\x60\x00\x39\x60\x00\xf3", 6);
  return init + runtime;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

absl::StatusOr<std::unique_ptr<Anvil>> Anvil::Start(const std::string& extra_args) {
  std::unique_ptr<Anvil> anvil(new Anvil());
  int port = FreePort();
  anvil->url_ = absl::StrCat("http://127.0.0.1:", port);
  std::string command = absl::StrCat("exec ", SourceDir(), "/tools/node_modules/.bin/anvil --port ",
                                     port, " ", extra_args, " >/dev/null 2>&1");
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  anvil->pid_ = pid;
  JsonRpcClient probe(
      JsonRpcOptions{anvil->url_, std::chrono::milliseconds(500), 1, std::chrono::milliseconds(0)});
  for (int i = 0; i < 200; ++i) {
    if (probe.Call("eth_chainId", nlohmann::json::array()).ok()) return anvil;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return absl::DeadlineExceededError("anvil did not start: " + command);
}

Anvil::~Anvil() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

absl::StatusOr<std::string> Anvil::Cast(const std::string& args) const {
  auto out = RunCommand(
      absl::StrCat(SourceDir(), "/tools/node_modules/.bin/cast ", args, " --rpc-url ", url_));
  if (!out.ok()) return out.status();
  return std::string(absl::StripAsciiWhitespace(*out));
}

}  // namespace baton::eth::testing

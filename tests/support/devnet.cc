#include "support/devnet.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>

namespace baton::testing_support {
namespace {

std::mutex last_mu;
std::string last_command;  // guarded by last_mu

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

std::string SourceDir() {
  const char* dir = std::getenv("BATON_SOURCE_DIR");
  return dir ? dir : BATON_SOURCE_DIR_DEFAULT;
}

int RunCommand(const std::string& command, std::string& out) {
  {
    std::lock_guard lock(last_mu);
    last_command = command;
  }
  out.clear();
  FILE* p = popen(("timeout -k 5 90 " + command).c_str(), "r");
  if (p == nullptr) return -1;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int rc = pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return rc;
}

std::string Sh(const std::string& command) {
  std::string out;
  EXPECT_EQ(RunCommand(command, out), 0) << command << "\n" << out;
  return out;
}

std::string LastCommand() {
  std::lock_guard lock(last_mu);
  return last_command;
}

std::string FreshTestDir(const std::string& prefix) {
  const std::string dir = testing::TempDir() + "/" + prefix + "-" + std::to_string(getpid()) + "-" +
                          testing::UnitTest::GetInstance()->current_test_info()->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

crypto::U256 CastNumber(const std::string& line) {
  auto v = crypto::U256FromDecimal(line.substr(0, line.find(' ')));
  EXPECT_TRUE(v.ok()) << "not a number: " << line;
  return v.ok() ? *v : crypto::U256(0);
}

Watchdog::Watchdog(std::chrono::seconds limit)
    : thread_([this, limit] {
        std::unique_lock lock(mu_);
        if (cv_.wait_for(lock, limit, [this] { return done_; })) return;
        std::fprintf(stderr, "[watchdog] test stuck for %llds; last command: %s\n",
                     static_cast<long long>(limit.count()), LastCommand().c_str());
        std::fflush(stderr);
        std::abort();
      }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::unique_ptr<TestDevnet> TestDevnet::Start(const std::string& dir,
                                              const std::string& deploy_args) {
  std::unique_ptr<TestDevnet> devnet(new TestDevnet());
  devnet->source_ = SourceDir();
  devnet->state_dir_ = dir;
  setenv("NODE_PATH", (devnet->source_ + "/tools/node_modules").c_str(), 1);
  const std::string log = dir + ".start.log";
  std::string out;
  const int rc = RunCommand(devnet->source_ + "/scripts/devnet start --port 0 --state-dir " + dir +
                                " " + deploy_args + " 2>" + log,
                            out);
  if (rc != 0 || out.empty()) {
    ADD_FAILURE() << "scripts/devnet start failed (" << rc << "):\n" << ReadFile(log);
    return nullptr;  // the destructor stops whatever the script left running
  }
  auto controller = crypto::Address::FromHex(out.substr(out.rfind('\n') + 1));
  devnet->description_ =
      nlohmann::json::parse(ReadFile(dir + "/devnet.json"), nullptr, /*allow_exceptions=*/false);
  devnet->rpc_url_ = devnet->description_.value("rpcUrl", "");
  if (!controller.ok() || devnet->rpc_url_.empty()) {
    ADD_FAILURE() << "no Controller or rpcUrl from the devnet in " << dir << ": " << out;
    return nullptr;
  }
  devnet->controller_ = *controller;
  return devnet;
}

TestDevnet::~TestDevnet() {
  std::string out;
  RunCommand(source_ + "/scripts/devnet stop --state-dir " + state_dir_ + " 2>/dev/null", out);
}

crypto::Address TestDevnet::Account(const std::string& role) const {
  return *crypto::Address::FromHex(description_["accounts"][role]["address"].get<std::string>());
}

std::string TestDevnet::Cast(const std::string& args) const {
  return Sh(source_ + "/tools/node_modules/.bin/cast " + args + " --rpc-url " + rpc_url_);
}

std::string TestDevnet::ChainJs(const std::string& args) const {
  return Sh("node " + source_ + "/scripts/devnet-lib/chain.js --state-dir " + state_dir_ + " " +
            args);
}

}  // namespace baton::testing_support

// Test support for the C++ devnet suites: a devnet (anvil + our Livepeer-compatible contracts,
// scripts/devnet) per test, and the shell commands (cast, chain.js) through which tests change
// and read the chain without Baton's own Ethereum code.
//
// Every command runs under `timeout` (90 s): a stuck tool fails the test and names the command
// instead of hanging until ctest kills it silently. The devnet binds a free port itself
// (--port 0), so tests may run in parallel.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "crypto/address.h"
#include "crypto/uint256.h"
#include "nlohmann/json.hpp"

namespace baton::testing_support {

// The source tree: $BATON_SOURCE_DIR, else the one this test was built from.
std::string SourceDir();

// Runs a shell command; its exit status, with its stdout (trailing blanks trimmed) in `out`.
int RunCommand(const std::string& command, std::string& out);
// RunCommand where a non-zero status fails the current test; returns stdout.
std::string Sh(const std::string& command);
// The command Sh/RunCommand ran last (for a watchdog's message).
std::string LastCommand();

// An empty directory for the running test: <gtest TempDir>/<prefix>-<pid>-<test name>.
std::string FreshTestDir(const std::string& prefix);

// The first number of a line as cast prints it ("10000000000000000000 [1e19]").
crypto::U256 CastNumber(const std::string& line);

// Ends a test that is stuck (ctest would kill it silently at its timeout) with a message
// naming the last command it ran, so that a hang in CI is a diagnosis, not a mystery.
class Watchdog {
 public:
  explicit Watchdog(std::chrono::seconds limit);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

class TestDevnet {
 public:
  // Starts a devnet with its state under `dir`; `deploy_args` go to scripts/devnet (e.g.
  // "--round-length 100"). Null (and a failed test) when it does not start.
  static std::unique_ptr<TestDevnet> Start(const std::string& dir, const std::string& deploy_args);
  ~TestDevnet();  // stops anvil
  TestDevnet(const TestDevnet&) = delete;
  TestDevnet& operator=(const TestDevnet&) = delete;

  const std::string& rpc_url() const { return rpc_url_; }
  const crypto::Address& controller() const { return controller_; }
  // devnet.json: rpcUrl, chainId, contracts, accounts (orchestrator, gateway, ...).
  const nlohmann::json& description() const { return description_; }
  crypto::Address Account(const std::string& role) const;

  // `cast <args> --rpc-url <devnet>`; a failure fails the test.
  std::string Cast(const std::string& args) const;
  // `node scripts/devnet-lib/chain.js --state-dir <devnet> <args>`.
  std::string ChainJs(const std::string& args) const;

 private:
  TestDevnet() = default;
  std::string source_, state_dir_, rpc_url_;
  crypto::Address controller_;
  nlohmann::json description_;
};

}  // namespace baton::testing_support

// Test-only helpers for src/eth: running the ethers vector generator (tests/eth/vectors.js)
// and converting its JSON values into ABI values. Not part of baton_eth.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "eth/abi_type.h"
#include "eth/abi_value.h"

namespace baton::eth::testing {

// A seed for random vectors: $BATON_ETH_SEED if set, else derived from the clock. Tests print it
// so a failure can be replayed.
uint32_t VectorSeed();
// Runs `node tests/eth/vectors.js <args>` with NODE_PATH at tools/node_modules and parses the
// JSON it prints.
absl::StatusOr<nlohmann::json> RunVectors(const std::string& args);
// Runs a shell command and returns its stdout (error on a non-zero exit).
absl::StatusOr<std::string> RunCommand(const std::string& command);
// The repository root ($BATON_SOURCE_DIR, else the compile-time source dir).
std::string SourceDir();

// Converts the generator's JSON form (decimal strings, 0x hex, bools, arrays) into a Value.
absl::StatusOr<abi::Value> ValueFromJson(const abi::Type& type, const nlohmann::json& j);

}  // namespace baton::eth::testing

namespace baton::eth::testing {

// A free TCP port on 127.0.0.1 (bound to port 0 and released).
int FreePort();

// A real anvil node (tools/node_modules/.bin/anvil) on a free port, killed on destruction.
class Anvil {
 public:
  // extra_args: e.g. "--hardfork berlin" or "--no-mining".
  static absl::StatusOr<std::unique_ptr<Anvil>> Start(const std::string& extra_args = "");
  ~Anvil();
  const std::string& url() const { return url_; }
  // Runs `cast <args> --rpc-url <url>` and returns its trimmed output.
  absl::StatusOr<std::string> Cast(const std::string& args) const;

 private:
  Anvil() = default;
  int pid_ = -1;
  std::string url_;
};

// Init code deploying a contract whose every call returns (or reverts with) exactly `data`:
// the runtime stores the data word by word (PUSH32 w, PUSH2 off, MSTORE) and RETURNs or
// REVERTs. Hand-assembled, so no third-party bytecode. REQUIRES: data.size() < 65536.
std::string FixedResponseContract(const std::string& data, bool revert);

// anvil's dev account #0 key (public knowledge; funded with 10000 ETH on every anvil).
inline constexpr char kAnvilKey0[] =
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
inline constexpr char kAnvilKey1[] =
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

}  // namespace baton::eth::testing

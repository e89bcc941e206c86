// Test-only helpers for src/eth: running the ethers vector generator (tests/eth/vectors.js)
// and converting its JSON values into ABI values. Not part of baton_eth.
#pragma once

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

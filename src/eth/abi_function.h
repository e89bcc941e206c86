// Contract functions, events and revert data on top of the ABI codec: selectors from
// signatures, call data, return values, event topic0 and log decoding, and the standard
// Error(string) / Panic(uint256) revert payloads turned into readable messages.
//
// Function and Event are immutable values parsed once from a human-readable signature, e.g.
//   Function::Parse("getSenderInfo(address)", "uint256,uint256,uint256,uint256")
//   Event::Parse("DepositFunded(address indexed sender, uint256 amount)")
// and are safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "eth/abi_codec.h"

namespace baton::eth::abi {

class Function {
 public:
  // signature: "name(type [name], ...)"; outputs: "type, ..." (may be empty).
  static absl::StatusOr<Function> Parse(std::string_view signature, std::string_view outputs = "");

  const std::string& name() const { return name_; }
  const std::vector<Type>& inputs() const { return inputs_; }
  const std::vector<Type>& outputs() const { return outputs_; }
  // "name(t1,t2)" in canonical form.
  std::string Signature() const;
  // The first 4 bytes of keccak256(Signature()).
  std::string Selector() const { return selector_; }

  // selector ‖ abi.encode(args).
  absl::StatusOr<std::string> EncodeCall(const std::vector<Value>& args) const;
  // Decodes call data (checks the selector) into the arguments.
  absl::StatusOr<std::vector<Value>> DecodeCall(std::string_view calldata) const;
  // Decodes the return data of an eth_call.
  absl::StatusOr<std::vector<Value>> DecodeOutput(std::string_view data) const;

 private:
  std::string name_;
  std::vector<Type> inputs_;
  std::vector<Type> outputs_;
  std::string selector_;
};

class Event {
 public:
  // "Name(type [indexed] [name], ...)".
  static absl::StatusOr<Event> Parse(std::string_view signature);

  const std::string& name() const { return name_; }
  const std::vector<Param>& params() const { return params_; }
  std::string Signature() const;
  // keccak256(Signature()): topic0 of the event's logs.
  const std::string& Topic0() const { return topic0_; }

  // Decodes a log into the parameters in declaration order. topics[0] must be Topic0().
  // Indexed dynamic parameters (bytes, string, arrays, tuples) appear only as their 32-byte
  // keccak hash, returned as Value::Bytes of that hash.
  absl::StatusOr<std::vector<Value>> DecodeLog(const std::vector<std::string>& topics,
                                               std::string_view data) const;

 private:
  std::string name_;
  std::vector<Param> params_;
  std::string topic0_;
};

// 0x08c379a0 and 0x4e487b71, the selectors of Error(string) and Panic(uint256).
inline constexpr std::string_view kErrorSelector = "\x08\xc3\x79\xa0";
inline constexpr std::string_view kPanicSelector = "\x4e\x48\x7b\x71";

// A readable reason from revert data: the Error(string) message, "panic 0x11 (arithmetic
// overflow or underflow)" for Panic(uint256), "custom error 0x<selector>" for other
// selectors; nullopt for empty data (a bare `revert()`).
std::optional<std::string> DecodeRevertReason(std::string_view data);

}  // namespace baton::eth::abi

// The Solidity contract ABI encoding (docs.soliditylang.org, "Contract ABI Specification"):
// head/tail layout with 32-byte words, offsets relative to the enclosing tuple, and strict
// decoding of untrusted return data and logs.
//
// Encode checks each Value against its Type (integer ranges, byte lengths, array lengths) and
// returns an error naming the problem. Decode rejects truncated data, offsets out of range,
// dirty padding in addresses/bools/small integers and absurd lengths, so it is safe on bytes
// from any node. All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "eth/abi_type.h"
#include "eth/abi_value.h"

namespace baton::eth::abi {

// abi.encode(values...) for the given types.
absl::StatusOr<std::string> Encode(const std::vector<Type>& types,
                                   const std::vector<Value>& values);
// abi.decode(data, (types...)). Trailing bytes beyond what the types read are allowed, as
// Solidity allows them.
absl::StatusOr<std::vector<Value>> Decode(const std::vector<Type>& types, std::string_view data);

// One value: the same as Encode({type}, {value}).
absl::StatusOr<std::string> EncodeOne(const Type& type, const Value& value);
absl::StatusOr<Value> DecodeOne(const Type& type, std::string_view data);

}  // namespace baton::eth::abi

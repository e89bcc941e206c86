// A value of a Solidity ABI type: what the ABI codec encodes and decodes.
//
// Value is a small tagged union: unsigned and signed integers, addresses, booleans, byte strings
// (used for bytes, string and bytes<M>) and lists (used for arrays and tuples, in order).
// The codec checks a Value against its Type. Values are copyable and immutable in use;
// thread-safe like any value type.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <string>
#include <variant>
#include <vector>

#include "crypto/address.h"
#include "crypto/uint256.h"

namespace baton::eth::abi {

// Signed 256-bit magnitude with a sign (wider than int256; the codec checks ranges).
using I256 = boost::multiprecision::int256_t;

class Value {
 public:
  using List = std::vector<Value>;

  Value() : v_(false) {}
  static Value Uint(crypto::U256 v) { return Value(std::move(v)); }
  static Value Int(I256 v) { return Value(std::move(v)); }
  static Value Addr(crypto::Address a) { return Value(std::move(a)); }
  static Value Bool(bool b) { return Value(b); }
  // Raw bytes for `bytes`, `bytes<M>` (exactly M bytes) and `string` (UTF-8 text).
  static Value Bytes(std::string b) { return Value(std::move(b)); }
  // Members of an array or tuple, in order.
  static Value Of(List items) { return Value(std::move(items)); }

  bool is_uint() const { return std::holds_alternative<crypto::U256>(v_); }
  bool is_int() const { return std::holds_alternative<I256>(v_); }
  bool is_address() const { return std::holds_alternative<crypto::Address>(v_); }
  bool is_bool() const { return std::holds_alternative<bool>(v_); }
  bool is_bytes() const { return std::holds_alternative<std::string>(v_); }
  bool is_list() const { return std::holds_alternative<List>(v_); }

  // REQUIRES: the matching is_*() is true.
  const crypto::U256& uint() const { return std::get<crypto::U256>(v_); }
  const I256& int_value() const { return std::get<I256>(v_); }
  const crypto::Address& address() const { return std::get<crypto::Address>(v_); }
  bool boolean() const { return std::get<bool>(v_); }
  const std::string& bytes() const { return std::get<std::string>(v_); }
  const List& list() const { return std::get<List>(v_); }
  // Convenience for lists: the i-th member. REQUIRES: is_list() and i in range.
  const Value& operator[](size_t i) const { return list()[i]; }

  friend bool operator==(const Value&, const Value&) = default;

 private:
  template <typename T>
  explicit Value(T v) : v_(std::move(v)) {}
  std::variant<bool, crypto::U256, I256, crypto::Address, std::string, List> v_;
};

}  // namespace baton::eth::abi

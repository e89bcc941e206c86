// Solidity ABI types (uint<M>, int<M>, address, bool, bytes<M>, bytes, string, T[k], T[] and
// tuples), parsed from the canonical text of a signature, e.g. "(address,uint256,bytes)[]".
//
// Type is an immutable value; parsing is pure and thread-safe. Parameter lists as they appear in
// function and event signatures ("address indexed sender, uint256 amount") are parsed by
// ParseParams, which keeps names and `indexed` flags for event decoding.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace baton::eth::abi {

class Type {
 public:
  enum class Kind { kUint, kInt, kAddress, kBool, kFixedBytes, kBytes, kString, kArray, kTuple };

  static Type Uint(int bits = 256) { return Type(Kind::kUint, bits); }
  static Type Int(int bits = 256) { return Type(Kind::kInt, bits); }
  static Type Address() { return Type(Kind::kAddress, 160); }
  static Type Bool() { return Type(Kind::kBool, 0); }
  static Type FixedBytes(int size) { return Type(Kind::kFixedBytes, size); }
  static Type Bytes() { return Type(Kind::kBytes, 0); }
  static Type String() { return Type(Kind::kString, 0); }
  // length < 0 means a dynamic array T[].
  static Type Array(Type element, int length = -1);
  static Type Tuple(std::vector<Type> components);

  // Parses one canonical type ("uint" and "int" are accepted as uint256/int256).
  static absl::StatusOr<Type> Parse(std::string_view text);

  Kind kind() const { return kind_; }
  // Bits for uint/int, bytes for bytes<M>, length for fixed arrays (-1 for T[]).
  int size() const { return size_; }
  // The element of an array, or the members of a tuple.
  const std::vector<Type>& components() const { return components_; }
  const Type& element() const { return components_.front(); }

  // Dynamic types are encoded out of line behind an offset (bytes, string, T[], and any
  // array or tuple containing one).
  bool IsDynamic() const;
  // Bytes taken in the head of an enclosing tuple: 32 if dynamic, else the inline size.
  size_t HeadSize() const;
  // Canonical text, as used in selectors: "uint256", "(address,bytes)[2]".
  std::string Canonical() const;

  friend bool operator==(const Type&, const Type&) = default;

 private:
  Type(Kind kind, int size) : kind_(kind), size_(size) {}
  Kind kind_;
  int size_;
  std::vector<Type> components_;
};

// One parameter of a function or event signature.
struct Param {
  Type type;
  std::string name;      // may be empty
  bool indexed = false;  // events only
};

// Parses "type [indexed] [name], ..." (without the surrounding parentheses); empty text is an
// empty list.
absl::StatusOr<std::vector<Param>> ParseParams(std::string_view text);
// Parses a list of types only, e.g. "address,uint256[]".
absl::StatusOr<std::vector<Type>> ParseTypes(std::string_view text);
// The canonical "(t1,t2,...)" of a list of types.
std::string CanonicalList(const std::vector<Type>& types);

}  // namespace baton::eth::abi

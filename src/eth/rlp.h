// Recursive Length Prefix (RLP), Ethereum's serialisation of byte strings and nested lists, as
// the yellow paper (appendix B) defines it; used for transactions and their hashes.
//
// Encoding works on already-encoded items: EncodeList takes the encodings of its members, so a
// caller builds a transaction as EncodeList({EncodeUint(nonce), EncodeBytes(to), ...}).
// Decoding is strict (canonical lengths, single-byte strings below 0x80 not wrapped, no
// trailing bytes) and returns a tree of Items. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crypto/uint256.h"

namespace baton::eth::rlp {

// A decoded RLP item: either a byte string or a list of items.
struct Item {
  bool is_list = false;
  std::string bytes;        // when !is_list
  std::vector<Item> items;  // when is_list

  static Item Bytes(std::string b) { return Item{false, std::move(b), {}}; }
  static Item List(std::vector<Item> l) { return Item{true, {}, std::move(l)}; }
  friend bool operator==(const Item&, const Item&) = default;
};

// The encoding of one byte string.
std::string EncodeBytes(std::string_view bytes);
// An unsigned integer as its minimal big-endian byte string (zero is the empty string).
std::string EncodeUint(const crypto::U256& value);
std::string EncodeUint(uint64_t value);
// A list whose members are given already encoded (concatenated under one list header).
std::string EncodeList(const std::vector<std::string>& encoded_members);
// Encodes a whole item tree.
std::string Encode(const Item& item);

// Decodes exactly one item that spans the whole input.
absl::StatusOr<Item> Decode(std::string_view data);
// Reads an Item's bytes as a canonical unsigned integer (no leading zeros, at most 32 bytes).
absl::StatusOr<crypto::U256> DecodeUint(const Item& item);

}  // namespace baton::eth::rlp

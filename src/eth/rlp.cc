#include "eth/rlp.h"

#include "absl/strings/str_cat.h"

namespace baton::eth::rlp {
namespace {

// Big-endian bytes of a length, without leading zeros.
std::string MinimalLength(size_t n) {
  std::string out;
  while (n > 0) {
    out.insert(out.begin(), static_cast<char>(n & 0xff));
    n >>= 8;
  }
  return out;
}

// The header for a payload of `length` bytes; offset is 0x80 for strings, 0xc0 for lists.
std::string Header(size_t length, uint8_t offset) {
  if (length < 56) return std::string(1, static_cast<char>(offset + length));
  std::string len = MinimalLength(length);
  return std::string(1, static_cast<char>(offset + 55 + len.size())) + len;
}

struct Prefix {
  bool is_list;
  size_t header_size;
  size_t payload_size;
};

// Parses the header at the start of data and checks the payload fits and is canonical.
absl::StatusOr<Prefix> ReadPrefix(std::string_view data) {
  if (data.empty()) return absl::InvalidArgumentError("rlp: unexpected end of input");
  uint8_t b = static_cast<uint8_t>(data[0]);
  Prefix p{};
  if (b < 0x80) return Prefix{false, 0, 1};
  bool is_list = b >= 0xc0;
  uint8_t base = is_list ? 0xc0 : 0x80;
  uint8_t small = b - base;
  if (small < 56) {
    p = Prefix{is_list, 1, small};
    if (!is_list && small == 1 && data.size() > 1 && static_cast<uint8_t>(data[1]) < 0x80)
      return absl::InvalidArgumentError("rlp: non-canonical single byte string");
  } else {
    size_t len_bytes = small - 55;
    if (data.size() < 1 + len_bytes) return absl::InvalidArgumentError("rlp: truncated length");
    if (data[1] == 0) return absl::InvalidArgumentError("rlp: length has leading zero");
    if (len_bytes > sizeof(size_t)) return absl::InvalidArgumentError("rlp: length too large");
    size_t n = 0;
    for (size_t i = 0; i < len_bytes; ++i) n = (n << 8) | static_cast<uint8_t>(data[1 + i]);
    if (n < 56) return absl::InvalidArgumentError("rlp: non-canonical long length");
    p = Prefix{is_list, 1 + len_bytes, n};
  }
  if (data.size() - p.header_size < p.payload_size)
    return absl::InvalidArgumentError(
        absl::StrCat("rlp: item of ", p.payload_size, " bytes exceeds the input"));
  return p;
}

// Decodes the item at the start of data and reports how many bytes it used.
absl::StatusOr<Item> DecodeOne(std::string_view data, size_t& used, int depth) {
  if (depth > 64) return absl::InvalidArgumentError("rlp: nesting too deep");
  auto prefix = ReadPrefix(data);
  if (!prefix.ok()) return prefix.status();
  used = prefix->header_size + prefix->payload_size;
  std::string_view payload = data.substr(prefix->header_size, prefix->payload_size);
  if (!prefix->is_list) return Item::Bytes(std::string(payload));
  Item list = Item::List({});
  while (!payload.empty()) {
    size_t n = 0;
    auto member = DecodeOne(payload, n, depth + 1);
    if (!member.ok()) return member.status();
    list.items.push_back(*std::move(member));
    payload.remove_prefix(n);
  }
  return list;
}

}  // namespace

std::string EncodeBytes(std::string_view bytes) {
  if (bytes.size() == 1 && static_cast<uint8_t>(bytes[0]) < 0x80) return std::string(bytes);
  return Header(bytes.size(), 0x80) + std::string(bytes);
}

std::string EncodeUint(const crypto::U256& value) {
  return EncodeBytes(crypto::U256ToMinimal(value));
}

std::string EncodeUint(uint64_t value) { return EncodeUint(crypto::U256(value)); }

std::string EncodeList(const std::vector<std::string>& encoded_members) {
  size_t total = 0;
  for (const auto& m : encoded_members) total += m.size();
  std::string out = Header(total, 0xc0);
  out.reserve(out.size() + total);
  for (const auto& m : encoded_members) out += m;
  return out;
}

std::string Encode(const Item& item) {
  if (!item.is_list) return EncodeBytes(item.bytes);
  std::vector<std::string> members;
  members.reserve(item.items.size());
  for (const auto& m : item.items) members.push_back(Encode(m));
  return EncodeList(members);
}

absl::StatusOr<Item> Decode(std::string_view data) {
  size_t used = 0;
  auto item = DecodeOne(data, used, 0);
  if (!item.ok()) return item.status();
  if (used != data.size())
    return absl::InvalidArgumentError(
        absl::StrCat("rlp: ", data.size() - used, " trailing bytes after the item"));
  return item;
}

absl::StatusOr<crypto::U256> DecodeUint(const Item& item) {
  if (item.is_list) return absl::InvalidArgumentError("rlp: expected an integer, got a list");
  if (item.bytes.size() > 32) return absl::InvalidArgumentError("rlp: integer wider than 256 bits");
  if (!item.bytes.empty() && item.bytes[0] == 0)
    return absl::InvalidArgumentError("rlp: integer has leading zero bytes");
  return crypto::U256FromBigEndian(item.bytes);
}

}  // namespace baton::eth::rlp

#include "eth/transaction.h"

#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "crypto/keccak.h"
#include "eth/rlp.h"

namespace baton::eth {
namespace {

using crypto::U256;

std::string EncodeTo(const std::optional<crypto::Address>& to) {
  return rlp::EncodeBytes(to ? std::string_view(to->bytes()) : std::string_view());
}

// The fields shared by the signing payload and the signed form, in wire order.
std::vector<std::string> Fields(const Transaction& tx) {
  if (tx.type == Transaction::Type::kDynamicFee)
    return {rlp::EncodeUint(tx.chain_id),
            rlp::EncodeUint(tx.nonce),
            rlp::EncodeUint(tx.max_priority_fee_per_gas),
            rlp::EncodeUint(tx.max_fee_per_gas),
            rlp::EncodeUint(tx.gas_limit),
            EncodeTo(tx.to),
            rlp::EncodeUint(tx.value),
            rlp::EncodeBytes(tx.data),
            rlp::EncodeList({})};
  return {rlp::EncodeUint(tx.nonce), rlp::EncodeUint(tx.gas_price), rlp::EncodeUint(tx.gas_limit),
          EncodeTo(tx.to),           rlp::EncodeUint(tx.value),     rlp::EncodeBytes(tx.data)};
}

std::string Typed(const Transaction& tx, std::string body) {
  if (tx.type == Transaction::Type::kLegacy) return body;
  return std::string(1, static_cast<char>(tx.type)) + body;
}

absl::StatusOr<uint64_t> SmallUint(const rlp::Item& item, std::string_view field) {
  auto v = rlp::DecodeUint(item);
  if (!v.ok()) return v.status();
  if (*v > std::numeric_limits<uint64_t>::max())
    return absl::InvalidArgumentError(
        absl::StrCat("transaction: ", AsAbsl(field), " exceeds 64 bits"));
  return static_cast<uint64_t>(*v);
}

absl::StatusOr<std::optional<crypto::Address>> DecodeTo(const rlp::Item& item) {
  if (item.is_list || (!item.bytes.empty() && item.bytes.size() != 20))
    return absl::InvalidArgumentError("transaction: bad `to` field");
  if (item.bytes.empty()) return std::optional<crypto::Address>();
  return std::optional<crypto::Address>(crypto::Address::FromBytesGoStyle(item.bytes));
}

// Reads the fields common to both types from items[first..]: gas, to, value, data.
absl::Status ReadBody(const std::vector<rlp::Item>& items, size_t first, Transaction& tx) {
  auto gas = SmallUint(items[first], "gas");
  auto to = DecodeTo(items[first + 1]);
  auto value = rlp::DecodeUint(items[first + 2]);
  if (!gas.ok()) return gas.status();
  if (!to.ok()) return to.status();
  if (!value.ok()) return value.status();
  if (items[first + 3].is_list) return absl::InvalidArgumentError("transaction: bad data field");
  tx.gas_limit = *gas;
  tx.to = *to;
  tx.value = *value;
  tx.data = items[first + 3].bytes;
  return absl::OkStatus();
}

absl::StatusOr<SignedTransaction> DecodeDynamicFee(const rlp::Item& list) {
  if (!list.is_list || list.items.size() != 12)
    return absl::InvalidArgumentError("transaction: type 2 needs 12 fields");
  const auto& f = list.items;
  SignedTransaction st;
  st.tx.type = Transaction::Type::kDynamicFee;
  auto chain = SmallUint(f[0], "chainId");
  auto nonce = SmallUint(f[1], "nonce");
  auto tip = rlp::DecodeUint(f[2]);
  auto cap = rlp::DecodeUint(f[3]);
  if (!chain.ok() || !nonce.ok() || !tip.ok() || !cap.ok())
    return absl::InvalidArgumentError("transaction: bad numeric field");
  st.tx.chain_id = *chain;
  st.tx.nonce = *nonce;
  st.tx.max_priority_fee_per_gas = *tip;
  st.tx.max_fee_per_gas = *cap;
  if (auto s = ReadBody(f, 4, st.tx); !s.ok()) return s;
  if (!f[8].is_list || !f[8].items.empty())
    return absl::InvalidArgumentError("transaction: access lists are not supported");
  auto v = rlp::DecodeUint(f[9]);
  auto r = rlp::DecodeUint(f[10]);
  auto s = rlp::DecodeUint(f[11]);
  if (!v.ok() || !r.ok() || !s.ok() || *v > 1)
    return absl::InvalidArgumentError("transaction: bad signature fields");
  st.y_parity = static_cast<uint8_t>(*v);
  st.r = *r;
  st.s = *s;
  return st;
}

absl::StatusOr<SignedTransaction> DecodeLegacy(const rlp::Item& list) {
  if (!list.is_list || list.items.size() != 9)
    return absl::InvalidArgumentError("transaction: legacy needs 9 fields");
  const auto& f = list.items;
  SignedTransaction st;
  st.tx.type = Transaction::Type::kLegacy;
  auto nonce = SmallUint(f[0], "nonce");
  auto price = rlp::DecodeUint(f[1]);
  if (!nonce.ok() || !price.ok()) return absl::InvalidArgumentError("transaction: bad field");
  st.tx.nonce = *nonce;
  st.tx.gas_price = *price;
  if (auto s = ReadBody(f, 2, st.tx); !s.ok()) return s;
  auto v = rlp::DecodeUint(f[6]);
  auto r = rlp::DecodeUint(f[7]);
  auto s = rlp::DecodeUint(f[8]);
  if (!v.ok() || !r.ok() || !s.ok() || *v < 37)
    return absl::InvalidArgumentError(
        "transaction: only EIP-155 legacy transactions are supported");
  st.tx.chain_id = static_cast<uint64_t>((*v - 35) / 2);
  st.y_parity = static_cast<uint8_t>((*v - 35) % 2);
  st.r = *r;
  st.s = *s;
  return st;
}

}  // namespace

std::string Transaction::SigningPayload() const {
  std::vector<std::string> fields = Fields(*this);
  if (type == Type::kLegacy) {
    fields.push_back(rlp::EncodeUint(chain_id));
    fields.push_back(rlp::EncodeUint(uint64_t{0}));
    fields.push_back(rlp::EncodeUint(uint64_t{0}));
  }
  return Typed(*this, rlp::EncodeList(fields));
}

std::string Transaction::SigningHash() const { return crypto::Keccak256(SigningPayload()); }

const U256& Transaction::PriceCap() const {
  return type == Type::kLegacy ? gas_price : max_fee_per_gas;
}

SignedTransaction Transaction::Sign(const crypto::PrivateKey& key) const {
  std::string sig = key.SignDigest(SigningHash());
  SignedTransaction st;
  st.tx = *this;
  st.r = crypto::U256FromBigEndian(sig.substr(0, 32));
  st.s = crypto::U256FromBigEndian(sig.substr(32, 32));
  st.y_parity = static_cast<uint8_t>(sig[64]);
  std::vector<std::string> fields = Fields(*this);
  U256 v = type == Type::kLegacy ? U256(chain_id) * 2 + 35 + st.y_parity : U256(st.y_parity);
  fields.push_back(rlp::EncodeUint(v));
  fields.push_back(rlp::EncodeUint(st.r));
  fields.push_back(rlp::EncodeUint(st.s));
  st.raw = Typed(*this, rlp::EncodeList(fields));
  st.hash = crypto::Keccak256(st.raw);
  return st;
}

absl::StatusOr<SignedTransaction> SignedTransaction::Decode(std::string_view raw) {
  if (raw.empty()) return absl::InvalidArgumentError("transaction: empty");
  bool typed = static_cast<uint8_t>(raw[0]) < 0x7f;
  if (typed && raw[0] != 0x02)
    return absl::InvalidArgumentError(
        absl::StrCat("transaction: unsupported type ", static_cast<int>(raw[0])));
  auto list = rlp::Decode(typed ? raw.substr(1) : raw);
  if (!list.ok()) return list.status();
  auto st = typed ? DecodeDynamicFee(*list) : DecodeLegacy(*list);
  if (!st.ok()) return st.status();
  st->raw = std::string(raw);
  st->hash = crypto::Keccak256(raw);
  return st;
}

absl::StatusOr<crypto::Address> SignedTransaction::Sender() const {
  std::string sig =
      crypto::U256ToBE32(r) + crypto::U256ToBE32(s) + std::string(1, static_cast<char>(y_parity));
  auto pub = crypto::RecoverPublicKey(tx.SigningHash(), sig);
  if (!pub.ok()) return pub.status();
  return crypto::AddressFromPublicKey(*pub);
}

}  // namespace baton::eth

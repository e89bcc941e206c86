#include "eth/abi_codec.h"

#include "absl/strings/str_cat.h"
#include "common/absl_view.h"

namespace baton::eth::abi {
namespace {

using crypto::U256;
using Kind = Type::Kind;

constexpr size_t kWord = 32;

absl::Status Mismatch(const Type& type, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("abi: cannot encode ", type.Canonical(), ": ", AsAbsl(why)));
}

absl::Status Corrupt(const Type& type, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("abi: cannot decode ", type.Canonical(), ": ", AsAbsl(why)));
}

std::string PadRight(std::string_view bytes) {
  std::string out(bytes);
  out.resize((bytes.size() + kWord - 1) / kWord * kWord, '\0');
  return out;
}

std::string Word(size_t n) { return crypto::U256ToBE32(U256(n)); }

// Two's complement of a signed value as a 256-bit word.
U256 TwosComplement(const I256& v) {
  if (v >= 0) return U256(v);
  U256 magnitude = U256(I256(-v));
  return ~magnitude + 1;
}

I256 SignedFromWord(const U256& w) {
  if (!boost::multiprecision::bit_test(w, 255)) return I256(w);
  return -I256(U256(~w + 1));
}

bool IntFits(const I256& v, int bits) {
  I256 limit = I256(1) << (bits - 1);
  return v >= -limit && v < limit;
}

absl::StatusOr<std::string> EncodeValue(const Type& type, const Value& value);

// Encodes members in head/tail layout; offsets count from the start of this tuple.
absl::StatusOr<std::string> EncodeSequence(const std::vector<Type>& types,
                                           const std::vector<Value>& values) {
  size_t head_size = 0;
  for (const auto& t : types) head_size += t.HeadSize();
  std::string head, tail;
  for (size_t i = 0; i < types.size(); ++i) {
    auto encoded = EncodeValue(types[i], values[i]);
    if (!encoded.ok()) return encoded.status();
    if (types[i].IsDynamic()) {
      head += Word(head_size + tail.size());
      tail += *encoded;
    } else {
      head += *encoded;
    }
  }
  return head + tail;
}

absl::StatusOr<std::string> EncodeList(const Type& type, const Value& value) {
  if (!value.is_list()) return Mismatch(type, "value is not a list");
  const auto& items = value.list();
  std::vector<Type> types;
  if (type.kind() == Kind::kTuple) {
    if (items.size() != type.components().size())
      return Mismatch(type, absl::StrCat("tuple needs ", type.components().size(), " members, got ",
                                         items.size()));
    types = type.components();
  } else {
    if (type.size() >= 0 && items.size() != static_cast<size_t>(type.size()))
      return Mismatch(type,
                      absl::StrCat("array needs ", type.size(), " items, got ", items.size()));
    types.assign(items.size(), type.element());
  }
  auto body = EncodeSequence(types, items);
  if (!body.ok()) return body.status();
  if (type.kind() == Kind::kArray && type.size() < 0) return Word(items.size()) + *body;
  return body;
}

absl::StatusOr<std::string> EncodeValue(const Type& type, const Value& value) {
  switch (type.kind()) {
    case Kind::kUint:
      if (!value.is_uint()) return Mismatch(type, "value is not an unsigned integer");
      if (type.size() < 256 && (value.uint() >> type.size()) != 0)
        return Mismatch(type, "value out of range");
      return crypto::U256ToBE32(value.uint());
    case Kind::kInt:
      if (!value.is_int()) return Mismatch(type, "value is not a signed integer");
      if (!IntFits(value.int_value(), type.size())) return Mismatch(type, "value out of range");
      return crypto::U256ToBE32(TwosComplement(value.int_value()));
    case Kind::kAddress:
      if (!value.is_address()) return Mismatch(type, "value is not an address");
      return std::string(12, '\0') + value.address().bytes();
    case Kind::kBool:
      if (!value.is_bool()) return Mismatch(type, "value is not a bool");
      return Word(value.boolean() ? 1 : 0);
    case Kind::kFixedBytes:
      if (!value.is_bytes() || value.bytes().size() != static_cast<size_t>(type.size()))
        return Mismatch(type, absl::StrCat("value must be exactly ", type.size(), " bytes"));
      return PadRight(value.bytes());
    case Kind::kBytes:
    case Kind::kString:
      if (!value.is_bytes()) return Mismatch(type, "value is not a byte string");
      return Word(value.bytes().size()) + PadRight(value.bytes());
    case Kind::kArray:
    case Kind::kTuple:
      return EncodeList(type, value);
  }
  return Mismatch(type, "unknown kind");
}

// Decoding state: a budget on the bytes produced, because offsets may point many members at
// the same large payload.
class Decoder {
 public:
  explicit Decoder(size_t input_size) : budget_(input_size * 8 + (1u << 20)) {}

  absl::StatusOr<std::vector<Value>> Sequence(const std::vector<Type>& types,
                                              std::string_view data) {
    std::vector<Value> out;
    out.reserve(types.size());
    size_t pos = 0;
    for (const auto& t : types) {
      if (data.size() < pos + t.HeadSize()) return Corrupt(t, "data too short");
      std::string_view at = data.substr(pos);
      if (t.IsDynamic()) {
        auto offset = Length(t, data.substr(pos, kWord), data.size());
        if (!offset.ok()) return offset.status();
        at = data.substr(*offset);
      }
      auto v = One(t, at);
      if (!v.ok()) return v.status();
      out.push_back(*std::move(v));
      pos += t.HeadSize();
    }
    return out;
  }

  absl::StatusOr<Value> One(const Type& type, std::string_view data) {
    if (type.kind() == Kind::kArray || type.kind() == Kind::kTuple) return List(type, data);
    if (data.size() < kWord) return Corrupt(type, "data too short");
    U256 word = crypto::U256FromBigEndian(data.substr(0, kWord));
    switch (type.kind()) {
      case Kind::kUint:
        if (type.size() < 256 && (word >> type.size()) != 0) return Corrupt(type, "dirty bits");
        return Value::Uint(word);
      case Kind::kInt: {
        I256 v = SignedFromWord(word);
        if (!IntFits(v, type.size())) return Corrupt(type, "bad sign extension");
        return Value::Int(v);
      }
      case Kind::kAddress:
        if ((word >> 160) != 0) return Corrupt(type, "dirty bits");
        return Value::Addr(crypto::Address::FromBytesGoStyle(data.substr(12, 20)));
      case Kind::kBool:
        if (word > 1) return Corrupt(type, "bool must be 0 or 1");
        return Value::Bool(word == 1);
      case Kind::kFixedBytes:
        if (data.substr(type.size(), kWord - type.size()).find_first_not_of('\0') !=
            std::string_view::npos)
          return Corrupt(type, "dirty padding");
        return Value::Bytes(std::string(data.substr(0, type.size())));
      default:
        return ByteString(type, data);
    }
  }

 private:
  // Reads a word used as a length or offset that must not exceed `limit`.
  absl::StatusOr<size_t> Length(const Type& type, std::string_view word, size_t limit) {
    U256 n = crypto::U256FromBigEndian(word);
    if (n > limit) return Corrupt(type, "offset or length beyond the data");
    return static_cast<size_t>(n);
  }

  absl::Status Spend(const Type& type, size_t n) {
    if (n > budget_) return Corrupt(type, "decoded size exceeds the limit");
    budget_ -= n;
    return absl::OkStatus();
  }

  absl::StatusOr<Value> ByteString(const Type& type, std::string_view data) {
    auto length = Length(type, data.substr(0, kWord), data.size() - kWord);
    if (!length.ok()) return length.status();
    if (auto s = Spend(type, *length); !s.ok()) return s;
    return Value::Bytes(std::string(data.substr(kWord, *length)));
  }

  absl::StatusOr<Value> List(const Type& type, std::string_view data) {
    std::vector<Type> types;
    if (type.kind() == Kind::kTuple) {
      types = type.components();
    } else {
      size_t count = static_cast<size_t>(type.size());
      if (type.size() < 0) {
        if (data.size() < kWord) return Corrupt(type, "data too short");
        // Every element takes at least one word of head, which bounds the count.
        auto n = Length(type, data.substr(0, kWord), (data.size() - kWord) / kWord);
        if (!n.ok()) return n.status();
        count = *n;
        data.remove_prefix(kWord);
      }
      if (auto s = Spend(type, count * sizeof(Value)); !s.ok()) return s;
      types.assign(count, type.element());
    }
    auto items = Sequence(types, data);
    if (!items.ok()) return items.status();
    return Value::Of(*std::move(items));
  }

  size_t budget_;
};

}  // namespace

absl::StatusOr<std::string> Encode(const std::vector<Type>& types,
                                   const std::vector<Value>& values) {
  if (types.size() != values.size())
    return absl::InvalidArgumentError(
        absl::StrCat("abi: ", types.size(), " types but ", values.size(), " values"));
  return EncodeSequence(types, values);
}

absl::StatusOr<std::vector<Value>> Decode(const std::vector<Type>& types, std::string_view data) {
  return Decoder(data.size()).Sequence(types, data);
}

absl::StatusOr<std::string> EncodeOne(const Type& type, const Value& value) {
  return Encode({type}, {value});
}

absl::StatusOr<Value> DecodeOne(const Type& type, std::string_view data) {
  auto values = Decode({type}, data);
  if (!values.ok()) return values.status();
  return std::move(values->front());
}

}  // namespace baton::eth::abi

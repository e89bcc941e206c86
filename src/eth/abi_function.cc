#include "eth/abi_function.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/absl_view.h"
#include "common/hex.h"
#include "crypto/keccak.h"

namespace baton::eth::abi {
namespace {

struct SplitSignature {
  std::string name;
  std::string params;  // between the outer parentheses
};

absl::StatusOr<SplitSignature> Split(std::string_view signature) {
  size_t open = signature.find('(');
  if (open == std::string_view::npos || open == 0 || signature.back() != ')')
    return absl::InvalidArgumentError(
        absl::StrCat("abi: signature \"", AsAbsl(signature), "\" must look like name(types)"));
  return SplitSignature{std::string(signature.substr(0, open)),
                        std::string(signature.substr(open + 1, signature.size() - open - 2))};
}

std::string Join(const std::string& name, const std::vector<Type>& types) {
  return name + CanonicalList(types);
}

std::string PanicMeaning(const crypto::U256& code) {
  switch (static_cast<unsigned>(code > 0xff ? 0 : code)) {
    case 0x01:
      return "assertion failed";
    case 0x11:
      return "arithmetic overflow or underflow";
    case 0x12:
      return "division or modulo by zero";
    case 0x21:
      return "invalid enum value";
    case 0x22:
      return "invalid storage byte array";
    case 0x31:
      return "pop on empty array";
    case 0x32:
      return "array index out of bounds";
    case 0x41:
      return "out of memory";
    case 0x51:
      return "call to uninitialised function";
    default:
      return "unknown panic code";
  }
}

std::string PanicCodeHex(const crypto::U256& code) {
  std::string hex = HexEncode(crypto::U256ToMinimal(code));
  return hex.empty() ? "00" : hex;
}

}  // namespace

absl::StatusOr<Function> Function::Parse(std::string_view signature, std::string_view outputs) {
  auto split = Split(signature);
  if (!split.ok()) return split.status();
  Function f;
  f.name_ = split->name;
  auto inputs = ParseTypes(split->params);
  if (!inputs.ok()) return inputs.status();
  auto outs = ParseTypes(outputs);
  if (!outs.ok()) return outs.status();
  f.inputs_ = *std::move(inputs);
  f.outputs_ = *std::move(outs);
  f.selector_ = crypto::Keccak256(f.Signature()).substr(0, 4);
  return f;
}

std::string Function::Signature() const { return Join(name_, inputs_); }

absl::StatusOr<std::string> Function::EncodeCall(const std::vector<Value>& args) const {
  auto body = Encode(inputs_, args);
  if (!body.ok())
    return absl::InvalidArgumentError(absl::StrCat(name_, ": ", body.status().message()));
  return selector_ + *body;
}

absl::StatusOr<std::vector<Value>> Function::DecodeCall(std::string_view calldata) const {
  if (calldata.substr(0, 4) != selector_)
    return absl::InvalidArgumentError(absl::StrCat("abi: call data is not for ", Signature()));
  return Decode(inputs_, calldata.substr(4));
}

absl::StatusOr<std::vector<Value>> Function::DecodeOutput(std::string_view data) const {
  auto values = Decode(outputs_, data);
  if (!values.ok())
    return absl::InvalidArgumentError(
        absl::StrCat(name_, " returned unexpected data: ", values.status().message()));
  return values;
}

absl::StatusOr<Event> Event::Parse(std::string_view signature) {
  auto split = Split(signature);
  if (!split.ok()) return split.status();
  Event e;
  e.name_ = split->name;
  auto params = ParseParams(split->params);
  if (!params.ok()) return params.status();
  e.params_ = *std::move(params);
  e.topic0_ = crypto::Keccak256(e.Signature());
  return e;
}

std::string Event::Signature() const {
  std::vector<Type> types;
  for (const auto& p : params_) types.push_back(p.type);
  return Join(name_, types);
}

absl::StatusOr<std::vector<Value>> Event::DecodeLog(const std::vector<std::string>& topics,
                                                    std::string_view data) const {
  std::vector<Type> data_types;
  size_t indexed = 0;
  for (const auto& p : params_) {
    if (p.indexed)
      ++indexed;
    else
      data_types.push_back(p.type);
  }
  if (topics.empty() || topics[0] != topic0_)
    return absl::InvalidArgumentError(absl::StrCat("abi: log is not a ", name_, " event"));
  if (topics.size() != indexed + 1)
    return absl::InvalidArgumentError(absl::StrCat("abi: ", name_, " log has ", topics.size(),
                                                   " topics, expected ", indexed + 1));
  auto non_indexed = Decode(data_types, data);
  if (!non_indexed.ok()) return non_indexed.status();
  std::vector<Value> out;
  size_t next_topic = 1, next_data = 0;
  for (const auto& p : params_) {
    if (!p.indexed) {
      out.push_back(std::move((*non_indexed)[next_data++]));
      continue;
    }
    const std::string& topic = topics[next_topic++];
    if (topic.size() != 32)
      return absl::InvalidArgumentError(absl::StrCat("abi: ", name_, " topic is not 32 bytes"));
    if (p.type.IsDynamic() || p.type.kind() == Type::Kind::kTuple ||
        p.type.kind() == Type::Kind::kArray) {
      out.push_back(Value::Bytes(topic));
      continue;
    }
    auto v = DecodeOne(p.type, topic);
    if (!v.ok()) return v.status();
    out.push_back(*std::move(v));
  }
  return out;
}

std::optional<std::string> DecodeRevertReason(std::string_view data) {
  if (data.empty()) return std::nullopt;
  if (data.size() < 4) return absl::StrCat("malformed revert data 0x", HexEncode(data));
  std::string_view selector = data.substr(0, 4);
  if (selector == kErrorSelector) {
    auto message = DecodeOne(Type::String(), data.substr(4));
    if (message.ok()) return message->bytes();
  } else if (selector == kPanicSelector) {
    auto code = DecodeOne(Type::Uint(), data.substr(4));
    if (code.ok())
      return absl::StrCat("panic 0x", PanicCodeHex(code->uint()), " (", PanicMeaning(code->uint()),
                          ")");
  } else {
    return absl::StrCat("custom error 0x", HexEncode(selector));
  }
  return absl::StrCat("malformed revert data 0x", HexEncode(data));
}

}  // namespace baton::eth::abi

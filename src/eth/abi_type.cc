#include "eth/abi_type.h"

#include <charconv>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/absl_view.h"

namespace baton::eth::abi {
namespace {

absl::Status Invalid(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("abi: invalid type \"", AsAbsl(text), "\": ", AsAbsl(why)));
}

// Parses the decimal digits of text; -1 if empty or not a number.
int ParseNumber(std::string_view text) {
  int value = -1;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return -1;
  if (text.size() > 1 && text[0] == '0') return -1;
  return value;
}

// Splits text at commas that are not inside parentheses.
absl::StatusOr<std::vector<std::string_view>> SplitTopLevel(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && --depth < 0) return Invalid(text, "unbalanced parentheses");
    if (text[i] == ',' && depth == 0) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (depth != 0) return Invalid(text, "unbalanced parentheses");
  parts.push_back(text.substr(start));
  return parts;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

absl::StatusOr<Type> ParseElementary(std::string_view text) {
  if (text == "address") return Type::Address();
  if (text == "bool") return Type::Bool();
  if (text == "string") return Type::String();
  if (text == "bytes") return Type::Bytes();
  if (text == "uint") return Type::Uint(256);
  if (text == "int") return Type::Int(256);
  for (auto [prefix, is_uint] : {std::pair<std::string_view, bool>{"uint", true}, {"int", false}}) {
    if (text.substr(0, prefix.size()) != prefix) continue;
    int bits = ParseNumber(text.substr(prefix.size()));
    if (bits < 8 || bits > 256 || bits % 8 != 0) return Invalid(text, "bad integer width");
    return is_uint ? Type::Uint(bits) : Type::Int(bits);
  }
  if (text.substr(0, 5) == "bytes") {
    int size = ParseNumber(text.substr(5));
    if (size < 1 || size > 32) return Invalid(text, "bytes<M> needs 1 <= M <= 32");
    return Type::FixedBytes(size);
  }
  return Invalid(text, "unknown type");
}

}  // namespace

Type Type::Array(Type element, int length) {
  Type t(Kind::kArray, length);
  t.components_.push_back(std::move(element));
  return t;
}

Type Type::Tuple(std::vector<Type> components) {
  Type t(Kind::kTuple, 0);
  t.components_ = std::move(components);
  return t;
}

absl::StatusOr<Type> Type::Parse(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return Invalid(text, "empty");
  // Array suffixes bind last: "T[2][]" is a dynamic array of T[2].
  if (text.back() == ']') {
    size_t open = text.rfind('[');
    if (open == std::string_view::npos) return Invalid(text, "unbalanced brackets");
    std::string_view len_text = text.substr(open + 1, text.size() - open - 2);
    int length = -1;
    if (!len_text.empty()) {
      length = ParseNumber(len_text);
      if (length < 0) return Invalid(text, "bad array length");
    }
    auto element = Parse(text.substr(0, open));
    if (!element.ok()) return element.status();
    return Array(*std::move(element), length);
  }
  if (text.front() == '(') {
    if (text.back() != ')') return Invalid(text, "tuple must end with ')'");
    auto members = ParseTypes(text.substr(1, text.size() - 2));
    if (!members.ok()) return members.status();
    return Tuple(*std::move(members));
  }
  return ParseElementary(text);
}

bool Type::IsDynamic() const {
  switch (kind_) {
    case Kind::kBytes:
    case Kind::kString:
      return true;
    case Kind::kArray:
      return size_ < 0 || element().IsDynamic();
    case Kind::kTuple:
      for (const auto& c : components_)
        if (c.IsDynamic()) return true;
      return false;
    default:
      return false;
  }
}

size_t Type::HeadSize() const {
  if (IsDynamic()) return 32;
  if (kind_ == Kind::kArray) return static_cast<size_t>(size_) * element().HeadSize();
  if (kind_ == Kind::kTuple) {
    size_t total = 0;
    for (const auto& c : components_) total += c.HeadSize();
    return total;
  }
  return 32;
}

std::string Type::Canonical() const {
  switch (kind_) {
    case Kind::kUint:
      return absl::StrCat("uint", size_);
    case Kind::kInt:
      return absl::StrCat("int", size_);
    case Kind::kAddress:
      return "address";
    case Kind::kBool:
      return "bool";
    case Kind::kFixedBytes:
      return absl::StrCat("bytes", size_);
    case Kind::kBytes:
      return "bytes";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return absl::StrCat(element().Canonical(), "[", size_ < 0 ? "" : absl::StrCat(size_), "]");
    case Kind::kTuple:
      return CanonicalList(components_);
  }
  return "";
}

absl::StatusOr<std::vector<Param>> ParseParams(std::string_view text) {
  std::vector<Param> params;
  if (Trim(text).empty()) return params;
  auto parts = SplitTopLevel(text);
  if (!parts.ok()) return parts.status();
  for (std::string_view part : *parts) {
    part = Trim(part);
    // The type ends at the first space outside parentheses; the words after it are
    // an optional `indexed` and an optional name.
    int depth = 0;
    size_t end = 0;
    for (; end < part.size(); ++end) {
      if (part[end] == '(') ++depth;
      if (part[end] == ')') --depth;
      if (part[end] == ' ' && depth == 0) break;
    }
    auto type = Type::Parse(part.substr(0, end));
    if (!type.ok()) return type.status();
    Param p{*std::move(type), "", false};
    std::string_view rest = Trim(part.substr(end));
    if (rest.substr(0, 7) == "indexed" && (rest.size() == 7 || rest[7] == ' ')) {
      p.indexed = true;
      rest = Trim(rest.substr(7));
    }
    if (rest.find(' ') != std::string_view::npos) return Invalid(part, "unexpected words");
    p.name = std::string(rest);
    params.push_back(std::move(p));
  }
  return params;
}

absl::StatusOr<std::vector<Type>> ParseTypes(std::string_view text) {
  auto params = ParseParams(text);
  if (!params.ok()) return params.status();
  std::vector<Type> types;
  for (auto& p : *params) types.push_back(std::move(p.type));
  return types;
}

std::string CanonicalList(const std::vector<Type>& types) {
  std::vector<std::string> parts;
  for (const auto& t : types) parts.push_back(t.Canonical());
  return absl::StrCat("(", absl::StrJoin(parts, ","), ")");
}

}  // namespace baton::eth::abi

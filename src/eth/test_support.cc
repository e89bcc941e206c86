#include "eth/test_support.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/hex.h"
#include "crypto/uint256.h"

namespace baton::eth::testing {

uint32_t VectorSeed() {
  if (const char* s = std::getenv("BATON_ETH_SEED")) return static_cast<uint32_t>(std::atoll(s));
  return static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count() %
                               1000000007);
}

std::string SourceDir() {
  if (const char* s = std::getenv("BATON_SOURCE_DIR")) return s;
  return BATON_ETH_SOURCE_DIR;
}

absl::StatusOr<std::string> RunCommand(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("popen failed: " + command);
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int rc = pclose(pipe);
  if (rc != 0) return absl::InternalError(absl::StrCat("command failed (", rc, "): ", command));
  return out;
}

absl::StatusOr<nlohmann::json> RunVectors(const std::string& args) {
  std::string dir = SourceDir();
  auto out = RunCommand(absl::StrCat("NODE_PATH=", dir, "/tools/node_modules node ", dir,
                                     "/tests/eth/vectors.js ", args));
  if (!out.ok()) return out.status();
  auto j = nlohmann::json::parse(*out, nullptr, false);
  if (j.is_discarded()) return absl::InternalError("vectors.js printed invalid JSON");
  return j;
}

absl::StatusOr<abi::Value> ValueFromJson(const abi::Type& type, const nlohmann::json& j) {
  using Kind = abi::Type::Kind;
  switch (type.kind()) {
    case Kind::kUint: {
      auto v = crypto::U256FromDecimal(j.get<std::string>());
      if (!v.ok()) return v.status();
      return abi::Value::Uint(*v);
    }
    case Kind::kInt: {
      std::string s = j.get<std::string>();
      bool negative = !s.empty() && s[0] == '-';
      auto v = crypto::U256FromDecimal(negative ? s.substr(1) : s);
      if (!v.ok()) return v.status();
      abi::I256 i(*v);
      return abi::Value::Int(negative ? abi::I256(-i) : i);
    }
    case Kind::kAddress: {
      auto a = crypto::Address::FromHex(j.get<std::string>());
      if (!a.ok()) return a.status();
      return abi::Value::Addr(*a);
    }
    case Kind::kBool:
      return abi::Value::Bool(j.get<bool>());
    case Kind::kFixedBytes:
    case Kind::kBytes:
    case Kind::kString: {
      auto b = HexDecode(j.get<std::string>());
      if (!b.ok()) return b.status();
      return abi::Value::Bytes(*b);
    }
    case Kind::kArray:
    case Kind::kTuple: {
      abi::Value::List items;
      for (size_t i = 0; i < j.size(); ++i) {
        const abi::Type& t = type.kind() == Kind::kTuple ? type.components()[i] : type.element();
        auto v = ValueFromJson(t, j[i]);
        if (!v.ok()) return v.status();
        items.push_back(*std::move(v));
      }
      return abi::Value::Of(std::move(items));
    }
  }
  return absl::InternalError("unknown kind");
}

}  // namespace baton::eth::testing

// Runs the fuzz body over random bytes and over mutations of valid encodings (transactions,
// ABI data, RLP), so the decoders' robustness is checked on every CI run, not only by libFuzzer.
#include "eth/decoders_fuzz.h"

#include <gtest/gtest.h>

#include <random>

#include "eth/abi_codec.h"
#include "eth/rlp.h"
#include "eth/test_support.h"
#include "eth/transaction.h"

namespace baton::eth {
namespace {

void Feed(const std::string& s) {
  FuzzEthDecoders(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::vector<std::string> Seeds() {
  Transaction tx;
  tx.chain_id = 42161;
  tx.nonce = 7;
  tx.max_priority_fee_per_gas = 1000;
  tx.max_fee_per_gas = 123456789;
  tx.gas_limit = 500000;
  tx.to = crypto::Address::FromBytesGoStyle("\x01");
  tx.data = std::string(100, 'd');
  auto key = crypto::PrivateKey::Generate();
  Transaction legacy = tx;
  legacy.type = Transaction::Type::kLegacy;
  legacy.gas_price = 5;
  auto types = abi::ParseTypes("(uint256,string)[],bytes[2][]").value();
  using abi::Value;
  Value pair = Value::Of({Value::Uint(3), Value::Bytes("three")});
  Value two = Value::Of({Value::Bytes("a"), Value::Bytes(std::string(40, 'b'))});
  std::string abi_data = abi::Encode(types, {Value::Of({pair, pair}), Value::Of({two})}).value();
  return {tx.Sign(key).raw, legacy.Sign(key).raw, abi_data,
          rlp::EncodeList({rlp::EncodeBytes("dog"), rlp::EncodeList({rlp::EncodeUint(1024)})})};
}

TEST(EthDecoders, SurviveRandomAndMutatedInputs) {
  uint32_t seed = testing::VectorSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  for (int i = 0; i < 3000; ++i) {
    std::string s(rng() % 300, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    Feed(s);
  }
  for (const std::string& valid : Seeds()) {
    Feed(valid);
    for (int i = 0; i < 2000; ++i) {
      std::string s = valid;
      int edits = 1 + rng() % 4;
      for (int e = 0; e < edits; ++e) {
        size_t at = rng() % s.size();
        switch (rng() % 3) {
          case 0:
            s[at] = static_cast<char>(rng());
            break;
          case 1:
            s.erase(at, 1 + rng() % 8);
            break;
          default:
            s.insert(at, 1, static_cast<char>(rng()));
            break;
        }
        if (s.empty()) s = "\x80";
      }
      Feed(s);
    }
  }
}

}  // namespace
}  // namespace baton::eth

// Transactions: raw bytes, signing hashes and tx hashes equal to ethers' for the same key and
// fields (legacy EIP-155 and EIP-1559), and decoding back with sender recovery.
#include "eth/transaction.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "eth/test_support.h"

namespace baton::eth {
namespace {

using crypto::U256;

U256 Dec(const nlohmann::json& j) { return crypto::U256FromDecimal(j.get<std::string>()).value(); }

Transaction FromJson(const nlohmann::json& f) {
  Transaction tx;
  tx.type = f["type"].get<int>() == 2 ? Transaction::Type::kDynamicFee : Transaction::Type::kLegacy;
  tx.chain_id = static_cast<uint64_t>(Dec(f["chainId"]));
  tx.nonce = f["nonce"].get<uint64_t>();
  tx.gas_limit = static_cast<uint64_t>(Dec(f["gasLimit"]));
  if (!f["to"].is_null()) tx.to = crypto::Address::FromHex(f["to"].get<std::string>()).value();
  tx.value = Dec(f["value"]);
  tx.data = HexDecode(f["data"].get<std::string>()).value();
  if (tx.type == Transaction::Type::kDynamicFee) {
    tx.max_priority_fee_per_gas = Dec(f["maxPriorityFeePerGas"]);
    tx.max_fee_per_gas = Dec(f["maxFeePerGas"]);
  } else {
    tx.gas_price = Dec(f["gasPrice"]);
  }
  return tx;
}

TEST(Transaction, MatchesEthersOnRandomFieldsAndKeys) {
  uint32_t seed = testing::VectorSeed();
  auto vectors = testing::RunVectors("tx " + std::to_string(seed) + " 100");
  ASSERT_TRUE(vectors.ok()) << vectors.status();
  for (const auto& v : *vectors) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " " + v["fields"].dump());
    Transaction tx = FromJson(v["fields"]);
    auto key = crypto::PrivateKey::FromBytes(HexDecode(v["key"].get<std::string>()).value());
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(HexEncode0x(tx.SigningPayload()), v["unsignedSerialized"].get<std::string>());
    EXPECT_EQ(HexEncode0x(tx.SigningHash()), v["signingHash"].get<std::string>());
    SignedTransaction signed_tx = tx.Sign(*key);
    EXPECT_EQ(HexEncode0x(signed_tx.raw), v["raw"].get<std::string>());
    EXPECT_EQ(HexEncode0x(signed_tx.hash), v["hash"].get<std::string>());

    auto decoded = SignedTransaction::Decode(HexDecode(v["raw"].get<std::string>()).value());
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->tx.SigningHash(), tx.SigningHash());
    EXPECT_EQ(decoded->r, signed_tx.r);
    EXPECT_EQ(decoded->Sender().value().ChecksumHex(), v["from"].get<std::string>());
  }
}

TEST(Transaction, DecodeRejectsUnsupportedForms) {
  EXPECT_FALSE(SignedTransaction::Decode("").ok());
  EXPECT_FALSE(SignedTransaction::Decode("\x01\xc0").ok());  // EIP-2930
  EXPECT_FALSE(SignedTransaction::Decode("\x02\xc0").ok());
  EXPECT_FALSE(SignedTransaction::Decode("\xc0").ok());
}

}  // namespace
}  // namespace baton::eth

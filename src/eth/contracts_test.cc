// Contract bindings: transaction call data equals ethers' Interface encoding, and read calls
// decode return data that ethers encoded, served by hand-assembled contracts on a real anvil.
#include "eth/contracts.h"

#include <gtest/gtest.h>

#include <map>

#include "common/hex.h"
#include "eth/test_support.h"
#include "eth/tx_manager.h"

namespace baton::eth::contracts {
namespace {

using std::chrono::milliseconds;

U256 Dec(const nlohmann::json& j) { return crypto::U256FromDecimal(j.get<std::string>()).value(); }
Address Addr(const nlohmann::json& j) { return Address::FromHex(j.get<std::string>()).value(); }
std::string Bytes(const nlohmann::json& j) { return HexDecode(j.get<std::string>()).value(); }

class ContractsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = testing::VectorSeed();
    auto vectors = testing::RunVectors("contracts " + std::to_string(seed_));
    ASSERT_TRUE(vectors.ok()) << vectors.status();
    for (const auto& c : *vectors) calls_[c["fn"].get<std::string>()] = c;
  }
  const nlohmann::json& Args(const std::string& fn) { return calls_.at(fn)["args"]; }
  const nlohmann::json& Result(const std::string& fn) { return calls_.at(fn)["result"]; }
  std::string Calldata(const std::string& fn) {
    return calls_.at(fn)["calldata"].get<std::string>();
  }

  uint32_t seed_ = 0;
  std::map<std::string, nlohmann::json> calls_;
};

TEST_F(ContractsTest, TransactionCalldataMatchesEthers) {
  SCOPED_TRACE("seed " + std::to_string(seed_));
  EXPECT_EQ(HexEncode0x(InitializeRoundCalldata()), Calldata("initializeRound"));
  EXPECT_EQ(HexEncode0x(RewardCalldata()), Calldata("reward"));
  const auto& t = Args("redeemWinningTicket");
  Ticket ticket{Addr(t[0][0]), Addr(t[0][1]),  Dec(t[0][2]),  Dec(t[0][3]),
                Dec(t[0][4]),  Bytes(t[0][5]), Bytes(t[0][6])};
  EXPECT_EQ(HexEncode0x(RedeemWinningTicketCalldata(ticket, Bytes(t[1]), Dec(t[2])).value()),
            Calldata("redeemWinningTicket"));
  const auto& tr = Args("transcoder");
  EXPECT_EQ(HexEncode0x(TranscoderCalldata(Dec(tr[0]), Dec(tr[1])).value()),
            Calldata("transcoder"));
  const auto& b = Args("bond");
  EXPECT_EQ(HexEncode0x(BondCalldata(Dec(b[0]), Addr(b[1])).value()), Calldata("bond"));
  const auto& w = Args("withdrawFees");
  EXPECT_EQ(HexEncode0x(WithdrawFeesCalldata(Addr(w[0]), Dec(w[1])).value()),
            Calldata("withdrawFees"));
  EXPECT_EQ(HexEncode0x(SetServiceURICalldata(Args("setServiceURI")[0].get<std::string>()).value()),
            Calldata("setServiceURI"));
}

TEST_F(ContractsTest, ReadsDecodeWhatEthersEncoded) {
  SCOPED_TRACE("seed " + std::to_string(seed_));
  auto anvil = testing::Anvil::Start();
  ASSERT_TRUE(anvil.ok()) << anvil.status();
  auto client = std::make_shared<EthClient>(
      JsonRpcOptions{(*anvil)->url(), milliseconds(5000), 3, milliseconds(20)});
  auto account = std::make_shared<Account>(
      crypto::PrivateKey::FromBytes(HexDecode(testing::kAnvilKey0).value()).value());
  auto gas = std::make_shared<GasPriceMonitor>(client, GasPriceOptions{});
  ASSERT_TRUE(gas->Poll().ok());
  TxManagerOptions options;
  options.receipt_poll_interval = milliseconds(20);
  TransactionManager manager(client, account, gas, std::make_shared<NonceManager>(client), 31337,
                             options);
  // One contract per read, answering every call with ethers' encoding of the result.
  auto serve = [&](const std::string& fn) {
    std::string returndata = Bytes(calls_.at(fn)["returndata"]);
    auto receipt = manager.SendAndWait(
        TxRequest{std::nullopt, testing::FixedResponseContract(returndata, false), 0, 300000, fn});
    EXPECT_TRUE(receipt.ok()) << receipt.status();
    return receipt.ok() ? receipt->contract_address.value_or(Address()) : Address();
  };
  const EthClient& c = *client;
  Address anyone = Addr(Args("isActiveTranscoder")[0]);

  EXPECT_EQ(GetContract(c, serve("getContract"), calls_["getContract"]["name"].get<std::string>())
                .value(),
            Addr(Result("getContract")[0]));
  EXPECT_EQ(CurrentRound(c, serve("currentRound")).value(), Dec(Result("currentRound")[0]));
  EXPECT_EQ(LastInitializedRound(c, serve("lastInitializedRound")).value(),
            Dec(Result("lastInitializedRound")[0]));
  EXPECT_EQ(CurrentRoundInitialized(c, serve("currentRoundInitialized")).value(),
            Result("currentRoundInitialized")[0].get<bool>());
  EXPECT_EQ(BlockHashForRound(c, serve("blockHashForRound"), 1).value(),
            Bytes(Result("blockHashForRound")[0]));
  auto info = GetSenderInfo(c, serve("getSenderInfo"), anyone).value();
  EXPECT_EQ(info.deposit, Dec(Result("getSenderInfo")[0][0]));
  EXPECT_EQ(info.withdraw_round, Dec(Result("getSenderInfo")[0][1]));
  EXPECT_EQ(info.reserve_funds_remaining, Dec(Result("getSenderInfo")[1][0]));
  EXPECT_EQ(info.reserve_claimed_in_current_round, Dec(Result("getSenderInfo")[1][1]));
  EXPECT_EQ(ClaimableReserve(c, serve("claimableReserve"), anyone, anyone).value(),
            Dec(Result("claimableReserve")[0]));
  EXPECT_EQ(UsedTickets(c, serve("usedTickets"), std::string(32, 'x')).value(),
            Result("usedTickets")[0].get<bool>());
  auto transcoder = GetTranscoder(c, serve("getTranscoder"), anyone).value();
  EXPECT_EQ(transcoder.last_reward_round, Dec(Result("getTranscoder")[0]));
  EXPECT_EQ(transcoder.fee_share, Dec(Result("getTranscoder")[2]));
  EXPECT_EQ(transcoder.last_fee_round, Dec(Result("getTranscoder")[9]));
  EXPECT_EQ(IsActiveTranscoder(c, serve("isActiveTranscoder"), anyone).value(),
            Result("isActiveTranscoder")[0].get<bool>());
  EXPECT_EQ(PendingFees(c, serve("pendingFees"), anyone, 5).value(), Dec(Result("pendingFees")[0]));
  EXPECT_EQ(GetServiceURI(c, serve("getServiceURI"), anyone).value(),
            Result("getServiceURI")[0].get<std::string>());

  // An address without code answers with no data: a clear error, not a decoding failure.
  auto none = CurrentRound(c, anyone);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no data returned"), std::string::npos);
}

}  // namespace
}  // namespace baton::eth::contracts

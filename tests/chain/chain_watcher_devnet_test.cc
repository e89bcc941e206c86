// ChainWatcher on the devnet (anvil + our Livepeer-compatible contracts): senders followed by
// TicketBroker events and blocks followed by hash through real reorgs. The chain is changed and
// read back with Foundry's `cast` (fundDeposit, anvil_reorg, anvil_rollback, anvil_mine), never
// through Baton's own Ethereum code.
//
// The watcher's cache_ttl is 10 minutes and its thread is not started: whatever a test sees
// change after Poll() changed because of the events or the reorg that Poll() followed.
// Each test starts its own devnet (tests/support/devnet.h), so the tests may run in parallel.
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "chain/chain_watcher.h"
#include "common/hex.h"
#include "nlohmann/json.hpp"
#include "support/devnet.h"

namespace baton::chain {
namespace {

using testing_support::TestDevnet;
using testing_support::Watchdog;

using crypto::U256;

constexpr char kGatewayKey[] =
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";  // anvil #1, funded
const U256 kEther(1'000'000'000'000'000'000ULL);

class ChainWatcherDevnetTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::FreshTestDir("chain-devnet");
    devnet_ = TestDevnet::Start(dir_ + "/devnet", "--round-length 100");
    ASSERT_NE(devnet_, nullptr);
    rpc_url_ = devnet_->rpc_url();
    gateway_ = devnet_->Account("gateway");
    orchestrator_ = devnet_->Account("orchestrator");

    client_ = std::make_shared<const eth::EthClient>(eth::JsonRpcOptions{rpc_url_});
    auto contracts = ProtocolContracts::Resolve(*client_, devnet_->controller());
    ASSERT_TRUE(contracts.ok()) << contracts.status();
    contracts_ = *contracts;
    broker_ = contracts->ticket_broker.Hex();
    watcher_ = NewWatcher(128);

    // The watcher's warnings, to check what a reorg logs.
    log_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
    previous_logger_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", log_));
    ASSERT_TRUE(watcher_->Poll().ok());
  }

  void TearDown() override {
    spdlog::set_default_logger(previous_logger_);
    watcher_.reset();
    devnet_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<ChainWatcher> NewWatcher(size_t keep_blocks) {
    ChainWatcher::Options options;
    options.recipient = orchestrator_;
    options.cache_ttl = std::chrono::minutes(10);  // only events and reorgs refresh an answer
    options.poll_interval = std::chrono::hours(1);
    options.keep_blocks = keep_blocks;
    auto watcher = std::make_unique<ChainWatcher>(client_, contracts_, nullptr, options);
    watcher->AddReorgListener([this](uint64_t fork) { forks_.push_back(fork); });
    watcher->AddBlockListener([this](uint64_t l1) { l1_blocks_.push_back(l1); });
    return watcher;
  }

  std::string Cast(const std::string& args) { return devnet_->Cast(args); }
  void Send(const std::string& call, const std::string& value = "") {
    Cast("send " + broker_ + " '" + call + "'" + (value.empty() ? "" : " --value " + value) +
         " --private-key " + kGatewayKey);
  }
  uint64_t Head() { return std::stoull(Cast("block-number")); }
  std::string HashOf(uint64_t block) { return Cast("block " + std::to_string(block) + " -f hash"); }
  // The gateway's getSenderInfo as the chain answers now: deposit, withdrawRound, reserve.
  std::vector<U256> ChainSenderInfo() {
    std::string out =
        Cast("call " + broker_ + " 'getSenderInfo(address)(uint256,uint256,uint256,uint256)' " +
             gateway_.Hex());
    std::vector<U256> values;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);)
      values.push_back(testing_support::CastNumber(line));
    EXPECT_EQ(values.size(), 4u) << out;
    values.resize(4);
    return values;
  }
  U256 ChainClaimable() {
    return testing_support::CastNumber(Cast("call " + broker_ +
                                            " 'claimableReserve(address,address)(uint256)' " +
                                            gateway_.Hex() + " " + orchestrator_.Hex()));
  }
  U256 CachedDeposit() {
    auto info = watcher_->GetSenderInfo(gateway_);
    EXPECT_TRUE(info.ok()) << info.status();
    return info.ok() ? info->deposit : U256(0);
  }
  std::vector<std::string> Warnings() {
    std::vector<std::string> out;
    for (const auto& line : log_->last_formatted())
      if (line.find("reorg") != std::string::npos) out.push_back(line);
    return out;
  }

  Watchdog watchdog_{std::chrono::seconds(150)};
  std::unique_ptr<TestDevnet> devnet_;
  std::string dir_, rpc_url_, broker_;
  crypto::Address gateway_, orchestrator_;
  std::shared_ptr<const eth::EthClient> client_;
  ProtocolContracts contracts_;
  std::unique_ptr<ChainWatcher> watcher_;
  std::vector<uint64_t> forks_, l1_blocks_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> log_;
  std::shared_ptr<spdlog::logger> previous_logger_;
};

TEST_F(ChainWatcherDevnetTest, SenderEventsMakeTheNextReadFreshDespiteTheCache) {
  const U256 deposit = CachedDeposit();
  ASSERT_EQ(deposit, ChainSenderInfo()[0]);
  auto claimable = watcher_->MaxFloat(gateway_);
  ASSERT_TRUE(claimable.ok()) << claimable.status();
  ASSERT_EQ(*claimable, ChainClaimable());

  // DepositFunded: the cached answer stands until the watcher has seen the block.
  Send("fundDeposit()", "1ether");
  ASSERT_EQ(ChainSenderInfo()[0], deposit + kEther);
  EXPECT_EQ(CachedDeposit(), deposit) << "the cache should hide the change before a poll";
  ASSERT_TRUE(watcher_->Poll().ok());
  EXPECT_EQ(CachedDeposit(), deposit + kEther);
  ASSERT_EQ(*watcher_->MaxFloat(gateway_), *claimable);  // cached again

  // ReserveFunded: the claimable reserve (max float) is read again.
  Send("fundReserve()", "2ether");
  EXPECT_EQ(*watcher_->MaxFloat(gateway_), *claimable);
  ASSERT_TRUE(watcher_->Poll().ok());
  const U256 raised = ChainClaimable();
  EXPECT_GT(raised, *claimable);
  EXPECT_EQ(*watcher_->MaxFloat(gateway_), raised);

  // Unlock and UnlockCancelled: the withdraw round follows.
  Send("unlock()");
  ASSERT_TRUE(watcher_->Poll().ok());
  const U256 withdraw_round = ChainSenderInfo()[1];
  ASSERT_NE(withdraw_round, U256(0));
  EXPECT_EQ(watcher_->GetSenderInfo(gateway_)->withdraw_round, withdraw_round);
  Send("cancelUnlock()");
  ASSERT_TRUE(watcher_->Poll().ok());
  EXPECT_EQ(watcher_->GetSenderInfo(gateway_)->withdraw_round, U256(0));

  EXPECT_TRUE(forks_.empty());
  EXPECT_TRUE(Warnings().empty());
}

TEST_F(ChainWatcherDevnetTest, SameHeightReorgIsFoundAndDropsTheCache) {
  Cast("rpc anvil_mine 3");  // a few kept headers below the blocks that will be replaced
  ASSERT_TRUE(watcher_->Poll().ok());
  const U256 deposit = CachedDeposit();
  // Two deposits in the last two blocks: anvil_reorg's empty replacements differ from both (an
  // empty block replaced by an empty one can come back with the same hash, i.e. unchanged).
  Send("fundDeposit()", "1ether");
  ASSERT_TRUE(watcher_->Poll().ok());
  Send("fundDeposit()", "1ether");
  ASSERT_TRUE(watcher_->Poll().ok());
  ASSERT_EQ(CachedDeposit(), deposit + kEther + kEther);  // cached for 10 minutes from here

  const uint64_t head = Head();
  const std::string old_hash = HashOf(head), old_parent = HashOf(head - 1);
  Cast("rpc anvil_reorg 2 '[]'");  // blocks head-1 and head replaced; the deposits are gone
  ASSERT_EQ(Head(), head);
  ASSERT_NE(HashOf(head), old_hash);
  ASSERT_NE(HashOf(head - 1), old_parent);
  ASSERT_EQ(ChainSenderInfo()[0], deposit);

  ASSERT_TRUE(watcher_->Poll().ok());
  EXPECT_EQ(forks_, std::vector<uint64_t>{head - 1});
  EXPECT_EQ(CachedDeposit(), deposit);
  auto warnings = Warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("depth 2"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("fork block " + std::to_string(head - 1)), std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[0].find(old_hash), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find(HashOf(head)), std::string::npos) << warnings[0];
  EXPECT_NE(watcher_->LastInitializedRound(), 0);

  // Nothing more to report on the next poll.
  ASSERT_TRUE(watcher_->Poll().ok());
  EXPECT_EQ(forks_.size(), 1u);
}

TEST_F(ChainWatcherDevnetTest, RollbackIsFoundWithAndWithoutNewBlocks) {
  const U256 deposit = CachedDeposit();
  Send("fundDeposit()", "1ether");
  ASSERT_TRUE(watcher_->Poll().ok());
  ASSERT_EQ(CachedDeposit(), deposit + kEther);
  const uint64_t funded_in = Head();

  // Rolled back, then mined past the old head: a new block at the same number.
  Cast("rpc anvil_rollback 1");
  Cast("rpc anvil_mine 2");
  ASSERT_EQ(ChainSenderInfo()[0], deposit);
  ASSERT_TRUE(watcher_->Poll().ok());
  EXPECT_EQ(forks_, std::vector<uint64_t>{funded_in});
  EXPECT_EQ(CachedDeposit(), deposit);
  EXPECT_EQ(Warnings().size(), 1u);

  // Rolled back with nothing mined since: the head is a block the watcher already had.
  Send("fundDeposit()", "1ether");
  ASSERT_TRUE(watcher_->Poll().ok());
  ASSERT_EQ(CachedDeposit(), deposit + kEther);
  const uint64_t second = Head();
  Cast("rpc anvil_rollback 1");
  ASSERT_TRUE(watcher_->Poll().ok());
  EXPECT_EQ(forks_, (std::vector<uint64_t>{funded_in, second}));
  EXPECT_EQ(CachedDeposit(), deposit);
  EXPECT_EQ(Warnings().size(), 2u);
  EXPECT_FALSE(l1_blocks_.empty());
}

TEST_F(ChainWatcherDevnetTest, ReorgDeeperThanTheKeptBlocksResetsEverything) {
  watcher_ = NewWatcher(2);  // keeps the last 2 headers only
  ASSERT_TRUE(watcher_->Poll().ok());
  const U256 deposit = CachedDeposit();
  for (int i = 0; i < 3; ++i) {
    Send("fundDeposit()", "1ether");
    ASSERT_TRUE(watcher_->Poll().ok());
  }
  ASSERT_EQ(CachedDeposit(), deposit + kEther + kEther + kEther);

  Cast("rpc anvil_reorg 3 '[]'");  // one block deeper than what the watcher keeps
  ASSERT_EQ(ChainSenderInfo()[0], deposit);
  ASSERT_TRUE(watcher_->Poll().ok());
  EXPECT_EQ(forks_, std::vector<uint64_t>{0});  // 0: anything may have changed
  EXPECT_EQ(CachedDeposit(), deposit);
  bool error_logged = false;
  for (const auto& line : Warnings())
    error_logged |= line.find("[error]") != std::string::npos &&
                    line.find("deeper than the 2 blocks kept") != std::string::npos;
  EXPECT_TRUE(error_logged);

  // It follows the new chain from there.
  Send("fundDeposit()", "1ether");
  ASSERT_TRUE(watcher_->Poll().ok());
  EXPECT_EQ(CachedDeposit(), deposit + kEther);
  EXPECT_EQ(forks_.size(), 1u);
}

}  // namespace
}  // namespace baton::chain

// The Ethereum client against a real anvil node: typed RPC, EIP-1559 and legacy transfers
// checked with `cast balance`, nonces under concurrency, receipts, revert reasons from a
// hand-assembled contract, replacement of a stuck transaction, cancelling a wait, and the max gas
// price refusals.
#include "eth/tx_manager.h"

#include <gtest/gtest.h>

#include <iostream>
#include <set>
#include <stop_token>
#include <thread>

#include "common/hex.h"
#include "crypto/keccak.h"
#include "eth/abi_codec.h"
#include "eth/abi_function.h"
#include "eth/test_support.h"

namespace baton::eth {
namespace {

using crypto::U256;
using std::chrono::milliseconds;

crypto::PrivateKey Key(const char* hex) {
  return crypto::PrivateKey::FromBytes(HexDecode(hex).value()).value();
}

crypto::Address FreshAddress() { return crypto::PrivateKey::Generate().address(); }

std::string RevertingContract(const std::string& revert_data) {
  return testing::FixedResponseContract(revert_data, /*revert=*/true);
}

std::string ErrorData(const std::string& message) {
  return std::string(abi::kErrorSelector) +
         abi::EncodeOne(abi::Type::String(), abi::Value::Bytes(message)).value();
}

class AnvilTest : public ::testing::Test {
 protected:
  void StartChain(const std::string& args = "", TxManagerOptions options = {},
                  GasPriceOptions gas = {}) {
    auto anvil = testing::Anvil::Start(args);
    ASSERT_TRUE(anvil.ok()) << anvil.status();
    anvil_ = *std::move(anvil);
    client_ = std::make_shared<EthClient>(
        JsonRpcOptions{anvil_->url(), milliseconds(5000), 3, milliseconds(20)});
    account_ = std::make_shared<Account>(Key(testing::kAnvilKey0));
    gas_ = std::make_shared<GasPriceMonitor>(client_, gas);
    ASSERT_TRUE(gas_->Poll().ok());
    nonces_ = std::make_shared<NonceManager>(client_);
    options.receipt_poll_interval = milliseconds(50);
    manager_ =
        std::make_unique<TransactionManager>(client_, account_, gas_, nonces_, 31337, options);
  }

  U256 CastBalance(const crypto::Address& a) {
    auto out = anvil_->Cast("balance " + a.Hex());
    EXPECT_TRUE(out.ok()) << out.status();
    return crypto::U256FromDecimal(out.value_or("0")).value_or(0);
  }

  // A field of `cast tx <hash> --json`, as a number.
  U256 CastTxField(const std::string& hash, const std::string& field) {
    auto out = anvil_->Cast("tx " + HexEncode0x(hash) + " --json");
    EXPECT_TRUE(out.ok()) << out.status();
    auto j = nlohmann::json::parse(out.value_or("{}"), nullptr, false);
    auto v = ParseQuantity(j.is_object() ? j.value(field, nlohmann::json()) : nlohmann::json());
    EXPECT_TRUE(v.ok()) << field << " in " << out.value_or("");
    return v.value_or(U256(999999));
  }

  crypto::Address Deploy(const std::string& init_code) {
    auto receipt = manager_->SendAndWait(TxRequest{std::nullopt, init_code, 0, 200000, "deploy"});
    EXPECT_TRUE(receipt.ok()) << receipt.status();
    EXPECT_TRUE(receipt.ok() && receipt->contract_address.has_value());
    return receipt.ok() && receipt->contract_address ? *receipt->contract_address
                                                     : crypto::Address();
  }

  std::unique_ptr<testing::Anvil> anvil_;
  std::shared_ptr<EthClient> client_;
  std::shared_ptr<Account> account_;
  std::shared_ptr<GasPriceMonitor> gas_;
  std::shared_ptr<NonceManager> nonces_;
  std::unique_ptr<TransactionManager> manager_;
};

TEST_F(AnvilTest, TypedRpcReadsTheChain) {
  StartChain();
  EXPECT_EQ(client_->ChainId().value(), 31337u);
  auto head = client_->GetBlockByNumber(std::nullopt);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_TRUE(head->base_fee.has_value());
  EXPECT_EQ(head->hash.size(), 32u);
  EXPECT_EQ(client_->BlockNumber().value(), head->number);
  EXPECT_EQ(client_->GetBalance(account_->address()).value(), CastBalance(account_->address()));
  EXPECT_FALSE(client_->GetBlockByNumber(1000000).ok());
}

TEST_F(AnvilTest, SendsEip1559TransferCheckedByCast) {
  StartChain();
  crypto::Address to = FreshAddress();
  U256 value = U256(123456789) * 1000000000;
  auto tx = manager_->Send(TxRequest{to, "", value, 0, "transfer"});
  ASSERT_TRUE(tx.ok()) << tx.status();
  EXPECT_EQ(tx->tx.type, Transaction::Type::kDynamicFee);
  EXPECT_EQ(tx->tx.gas_limit, 21000u);  // estimated
  auto receipt = manager_->Wait(*tx);
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_EQ(receipt->status, 1u);
  EXPECT_EQ(receipt->tx_hash, tx->hash);
  EXPECT_EQ(CastBalance(to), value);
  EXPECT_EQ(CastTxField(tx->hash, "type"), 2);
}

TEST_F(AnvilTest, SendsLegacyTransactionsWithEip155) {
  StartChain();
  // A raw legacy transaction on a London chain...
  crypto::Address to = FreshAddress();
  Transaction tx;
  tx.type = Transaction::Type::kLegacy;
  tx.chain_id = 31337;
  tx.nonce = client_->GetTransactionCount(account_->address()).value();
  tx.gas_price = client_->GasPrice().value() * 2;
  tx.gas_limit = 21000;
  tx.to = to;
  tx.value = 777;
  SignedTransaction signed_tx = account_->SignTransaction(tx);
  auto hash = client_->SendRawTransaction(signed_tx.raw);
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_EQ(*hash, signed_tx.hash);
  auto receipt = manager_->Wait(signed_tx);
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_EQ(CastBalance(to), 777);
  EXPECT_EQ(CastTxField(signed_tx.hash, "type"), 0);
}

TEST_F(AnvilTest, ChoosesLegacyWhenTheHeadHasNoBaseFee) {
  StartChain("--hardfork berlin");
  crypto::Address to = FreshAddress();
  auto receipt = manager_->SendAndWait(TxRequest{to, "", 42, 0, "transfer"});
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_EQ(CastBalance(to), 42);
  EXPECT_EQ(CastTxField(receipt->tx_hash, "type"), 0);
}

TEST_F(AnvilTest, ConcurrentSendsGetConsecutiveNonces) {
  StartChain();
  uint64_t start = client_->GetTransactionCount(account_->address()).value();
  crypto::Address to = FreshAddress();
  std::vector<SignedTransaction> sent(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2; ++i) {
        auto tx = manager_->Send(TxRequest{to, "", 1, 21000, "transfer"});
        ASSERT_TRUE(tx.ok()) << tx.status();
        sent[t * 2 + i] = *tx;
      }
    });
  for (auto& th : threads) th.join();
  std::set<uint64_t> nonces;
  for (const auto& tx : sent) {
    nonces.insert(tx.tx.nonce);
    ASSERT_TRUE(manager_->Wait(tx).ok());
  }
  EXPECT_EQ(nonces.size(), 8u);
  EXPECT_EQ(*nonces.begin(), start);
  EXPECT_EQ(*nonces.rbegin(), start + 7);
  EXPECT_EQ(anvil_->Cast("nonce " + account_->address().Hex()).value(), std::to_string(start + 8));
  EXPECT_EQ(CastBalance(to), 8);
}

TEST_F(AnvilTest, RevertReasonsBecomeErrors) {
  StartChain();
  crypto::Address reverter = Deploy(RevertingContract(ErrorData("sender is unlocked")));
  crypto::Address panicker =
      Deploy(RevertingContract(std::string(abi::kPanicSelector) + crypto::U256ToBE32(0x12)));

  auto call = client_->Call(CallRequest{account_->address(), reverter, "\x01\x02\x03\x04", 0, {}});
  ASSERT_FALSE(call.ok());
  EXPECT_NE(call.status().message().find("execution reverted: sender is unlocked"),
            std::string::npos)
      << call.status();
  EXPECT_EQ(RevertData(call.status()), ErrorData("sender is unlocked"));

  auto panic = client_->Call(CallRequest{account_->address(), panicker, "", 0, {}});
  EXPECT_NE(panic.status().message().find("panic 0x12 (division or modulo by zero)"),
            std::string::npos)
      << panic.status();

  // Estimation refuses to send a transaction that would revert...
  auto estimated = manager_->SendAndWait(TxRequest{reverter, "", 0, 0, "call"});
  ASSERT_FALSE(estimated.ok());
  EXPECT_NE(estimated.status().message().find("sender is unlocked"), std::string::npos)
      << estimated.status();
  // ...and with a fixed gas limit it is mined with status 0 and reported as failed.
  auto mined = manager_->SendAndWait(TxRequest{reverter, "", 0, 100000, "call"});
  ASSERT_FALSE(mined.ok());
  EXPECT_EQ(mined.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(mined.status().message().substr(0, 27), "transaction failed txHash=0");
  EXPECT_NE(mined.status().message().find(": sender is unlocked"), std::string::npos)
      << mined.status();
}

// Runtime code emitting DepositFunded(sender indexed, amount) on every call: MSTORE the amount,
// then LOG2(0, 32, topic0, sender). Init code copies it as FixedResponseContract's does.
std::string LogEmitter(const abi::Event& event, const crypto::Address& sender, U256 amount) {
  std::string runtime = '\x7f' + crypto::U256ToBE32(amount) + std::string("\x60\x00\x52", 3);
  runtime += '\x7f' + std::string(12, '\0') + sender.bytes();
  runtime += '\x7f' + event.Topic0();
  runtime += std::string("\x60\x20\x60\x00\xa2\x00", 6);
  return std::string("\x60", 1) + static_cast<char>(runtime.size()) +
         std::string("\x80\x60\x0b\x60\x00\x39\x60\x00\xf3", 9) + runtime;
}

TEST_F(AnvilTest, LogsAreFilteredAndDecoded) {
  StartChain();
  auto event = abi::Event::Parse("DepositFunded(address indexed sender, uint256 amount)").value();
  crypto::Address sender = FreshAddress();
  crypto::Address emitter = Deploy(LogEmitter(event, sender, 31337));
  auto receipt = manager_->SendAndWait(TxRequest{emitter, "", 0, 100000, "emit"});
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  ASSERT_EQ(receipt->logs.size(), 1u);
  LogFilter filter;
  filter.from_block = 0;
  filter.to_block = client_->BlockNumber().value();
  filter.addresses = {emitter};
  filter.topics = {{event.Topic0()}};
  auto logs = client_->GetLogs(filter);
  ASSERT_TRUE(logs.ok()) << logs.status();
  ASSERT_EQ(logs->size(), 1u);
  EXPECT_EQ((*logs)[0].tx_hash, receipt->tx_hash);
  EXPECT_EQ((*logs)[0].block_number, receipt->block_number);
  auto values = event.DecodeLog((*logs)[0].topics, (*logs)[0].data);
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_EQ((*values)[0].address(), sender);
  EXPECT_EQ((*values)[1].uint(), 31337);
  // A filter on another topic0 finds nothing.
  filter.topics = {{crypto::Keccak256("Other()")}};
  EXPECT_TRUE(client_->GetLogs(filter).value().empty());
}

TEST_F(AnvilTest, ReplacesAStuckTransactionWithHigherFees) {
  TxManagerOptions options;
  options.tx_timeout = milliseconds(1500);
  options.max_replacements = 2;
  StartChain("", options);
  ASSERT_TRUE(client_->rpc().Call("evm_setAutomine", nlohmann::json::array({false})).ok());
  crypto::Address to = FreshAddress();
  auto tx = manager_->Send(TxRequest{to, "", 5, 0, "transfer"});
  ASSERT_TRUE(tx.ok()) << tx.status();
  // Mine once, in the second waiting window (after the first replacement at ~1.5 s).
  std::thread miner([&] {
    std::this_thread::sleep_for(milliseconds(2200));
    EXPECT_TRUE(client_->rpc().Call("evm_mine", nlohmann::json::array()).ok());
  });
  auto receipt = manager_->Wait(*tx);
  miner.join();
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_NE(receipt->tx_hash, tx->hash);  // the replacement was mined
  EXPECT_EQ(CastTxField(receipt->tx_hash, "maxPriorityFeePerGas"),
            (tx->tx.max_priority_fee_per_gas * 111 + 99) / 100);
  EXPECT_EQ(CastTxField(receipt->tx_hash, "maxFeePerGas"),
            (tx->tx.max_fee_per_gas * 111 + 99) / 100);
  EXPECT_EQ(CastBalance(to), 5);
  // Only one of the two versions could be mined: the nonce moved by one.
  EXPECT_EQ(anvil_->Cast("nonce " + account_->address().Hex()).value(),
            std::to_string(tx->tx.nonce + 1));
}

TEST_F(AnvilTest, GivesUpAfterTheAllowedReplacements) {
  TxManagerOptions options;
  options.tx_timeout = milliseconds(300);
  options.max_replacements = 0;
  StartChain("--no-mining", options);
  auto receipt = manager_->SendAndWait(TxRequest{FreshAddress(), "", 1, 21000, "transfer"});
  ASSERT_FALSE(receipt.ok());
  EXPECT_EQ(receipt.status().code(), absl::StatusCode::kDeadlineExceeded) << receipt.status();
}

// Shutdown while a transaction is stuck: a stop request ends the wait at once (not after the
// 5 s poll interval, nor the 60 s timeout), and the transaction pending in the mempool is still
// the one sent: no replacement went out. A receipt already there wins over a stop.
TEST_F(AnvilTest, AStopRequestEndsTheWaitWithoutReplacing) {
  StartChain("--no-mining");
  TxManagerOptions options;
  options.tx_timeout = std::chrono::seconds(60);
  options.max_replacements = 3;
  options.receipt_poll_interval = std::chrono::seconds(5);
  TransactionManager manager(client_, account_, gas_, nonces_, 31337, options);
  auto tx = manager.Send(TxRequest{FreshAddress(), "", 1, 21000, "transfer"});
  ASSERT_TRUE(tx.ok()) << tx.status();

  std::stop_source stop;
  std::chrono::steady_clock::time_point requested;
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(300));  // the wait is under way (or about to be)
    requested = std::chrono::steady_clock::now();
    stop.request_stop();
  });
  auto receipt = manager.Wait(*tx, stop.get_token());
  auto returned = std::chrono::steady_clock::now();
  stopper.join();
  ASSERT_FALSE(receipt.ok());
  EXPECT_EQ(receipt.status().code(), absl::StatusCode::kCancelled) << receipt.status();
  EXPECT_NE(receipt.status().message().find(HexEncode0x(tx->hash)), std::string::npos)
      << receipt.status();
  auto latency = std::chrono::duration_cast<milliseconds>(returned - requested);
  EXPECT_LT(latency, milliseconds(2000));
  std::cout << "[ figure ] Wait returned " << latency.count()
            << " ms after the stop request (poll interval 5000 ms)\n";

  auto pool = client_->rpc().Call("txpool_content", nlohmann::json::array());
  ASSERT_TRUE(pool.ok()) << pool.status();
  std::vector<std::string> pending;
  for (const auto& [from, by_nonce] : (*pool)["pending"].items())
    for (const auto& [nonce, t] : by_nonce.items()) pending.push_back(t.value("hash", ""));
  EXPECT_EQ(pending, std::vector<std::string>{HexEncode0x(tx->hash)});

  ASSERT_TRUE(client_->rpc().Call("evm_mine", nlohmann::json::array()).ok());
  auto mined = manager.Wait(*tx, stop.get_token());  // already stopped: one look, and it is there
  ASSERT_TRUE(mined.ok()) << mined.status();
  EXPECT_EQ(mined->tx_hash, tx->hash);
}

TEST_F(AnvilTest, RefusesAboveTheMaximumGasPrice) {
  GasPriceOptions gas;
  gas.max_gas_price = 1;  // 1 wei: anvil's price is ~1 gwei
  StartChain("", {}, gas);
  auto tx = manager_->Send(TxRequest{FreshAddress(), "", 1, 21000, "transfer"});
  ASSERT_FALSE(tx.ok());
  EXPECT_NE(tx.status().message().find("current gas price exceeds maximum gas price"),
            std::string::npos)
      << tx.status();

  // With room for the first price but not for an 11% bump, replacement is refused.
  Transaction t;
  t.max_priority_fee_per_gas = 100;
  t.max_fee_per_gas = 300;  // effective price 200, bumped 222
  gas_->SetMaxGasPrice(210);
  auto replacement = manager_->Replacement(t);
  ASSERT_FALSE(replacement.ok());
  EXPECT_NE(replacement.status().message().find("replacement gas price exceeds max gas price"),
            std::string::npos);
  gas_->SetMaxGasPrice(0);
  EXPECT_EQ(manager_->Replacement(t).value().max_fee_per_gas, 333);
}

TEST_F(AnvilTest, GasPriceMonitorAppliesTheMinimum) {
  GasPriceOptions gas;
  gas.min_gas_price = U256(1000) * 1000000000;  // far above anvil's price
  StartChain("", {}, gas);
  EXPECT_EQ(gas_->GasPrice(), gas.min_gas_price);
  gas_->SetMinGasPrice(0);
  EXPECT_EQ(gas_->GasPrice(), client_->GasPrice().value());
}

TEST(JsonRpc, TransportFailuresAreRetriedThenReported) {
  int port = testing::FreePort();  // nothing listens here
  JsonRpcClient client(JsonRpcOptions{"http://127.0.0.1:" + std::to_string(port), milliseconds(500),
                                      3, milliseconds(10)});
  auto start = std::chrono::steady_clock::now();
  auto r = client.Call("eth_chainId", nlohmann::json::array());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("eth_chainId"), std::string::npos);
  // Linear backoff: 10 ms + 20 ms between the three attempts.
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(30));
}

}  // namespace
}  // namespace baton::eth

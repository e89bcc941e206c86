// Redemption end to end on the devnet (anvil + our Livepeer-compatible contracts): winning
// tickets signed by hand with the gateway's key go through the SQLite ledger and the Redeemer
// into real redeemWinningTicket transactions. What the chain says is read with Foundry's `cast`
// and the devnet's chain.js (ethers), never through Baton's own Ethereum code.
//
// Each test starts its own devnet on a free port (about 4 s), so the tests are independent and
// may run in parallel.
#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include "chain/chain_watcher.h"
#include "common/hex.h"
#include "crypto/eth_sign.h"
#include "eth/account.h"
#include "eth/nonce_manager.h"
#include "ledger/ticket_ledger.h"
#include "nlohmann/json.hpp"
#include "operator/ticket_handlers.h"
#include "pm/pending_float.h"
#include "redeem/redeemer.h"
#include "support/devnet.h"

namespace baton::redeem {
namespace {

using testing_support::TestDevnet;
using testing_support::Watchdog;

using crypto::U256;
using ledger::TicketState;

constexpr char kOrchestratorKey[] =
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";  // anvil #0
constexpr char kGatewayKey[] =
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";  // anvil #1, funded
constexpr char kUnfundedKey[] =
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";  // anvil #2
constexpr char kSecondGatewayKey[] =
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";  // anvil #3
const U256 kGwei(1'000'000'000);
const U256 kFaceValue = U256(10'000'000) * kGwei;  // 0.01 ETH: ~28x a redemption at 1 gwei

crypto::PrivateKey Key(const char* hex) { return *crypto::PrivateKey::FromBytes(*HexDecode(hex)); }

class RedeemDevnetTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::FreshTestDir("redeem-devnet");
    devnet_ = TestDevnet::Start(dir_ + "/devnet", "--round-length 100");
    ASSERT_NE(devnet_, nullptr);
    rpc_url_ = devnet_->rpc_url();

    client_ = std::make_shared<const eth::EthClient>(eth::JsonRpcOptions{rpc_url_});
    auto contracts = chain::ProtocolContracts::Resolve(*client_, devnet_->controller());
    ASSERT_TRUE(contracts.ok()) << contracts.status();
    contracts_ = *contracts;
    eth::GasPriceOptions gas_options;
    gas_options.interval = std::chrono::milliseconds(200);
    gas_ = std::make_shared<eth::GasPriceMonitor>(client_, gas_options);
    account_ = std::make_shared<eth::Account>(Key(kOrchestratorKey));
    eth::TxManagerOptions tx_options;
    tx_options.tx_timeout = std::chrono::seconds(20);
    tx_options.receipt_poll_interval = std::chrono::milliseconds(50);
    nonces_ = std::make_shared<eth::NonceManager>(client_);
    txs_ = std::make_shared<const eth::TransactionManager>(client_, account_, gas_, nonces_, 31337,
                                                           tx_options);
    chain::ChainWatcher::Options watch;
    watch.recipient = account_->address();
    watcher_ = std::make_unique<chain::ChainWatcher>(client_, contracts_, gas_, watch);
    Refresh();
    auto ledger = ledger::TicketLedger::Open(dir_ + "/lpdb.sqlite3", 31337);
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    ledger_ = std::move(*ledger);
  }

  void TearDown() override {
    redeemers_.clear();
    watcher_.reset();
    devnet_.reset();
    std::filesystem::remove_all(dir_);
  }

  Redeemer& NewRedeemer(ledger::TicketLedger* ledger, Redeemer::Options options = {}) {
    options.account = account_->address();
    options.idle_poll = std::chrono::milliseconds(200);
    Redeemer::Hooks hooks;
    hooks.redeemed = [this](const U256& face) { redeemed_value_ += face; };
    hooks.error = [this] { ++errors_; };
    redeemers_.push_back(
        std::make_unique<Redeemer>(ledger, client_, watcher_.get(), txs_, gas_, options, hooks));
    return *redeemers_.back();
  }

  void Refresh() {
    ASSERT_TRUE(watcher_->Poll().ok());
    ASSERT_TRUE(gas_->Poll().ok());
  }

  std::string Cast(const std::string& args) { return devnet_->Cast(args); }
  std::string ChainJs(const std::string& args) { return devnet_->ChainJs(args); }
  // The orchestrator's cumulativeFees, as the BondingManager reports them.
  U256 Fees() {
    std::string out = Cast("call " + contracts_.bonding_manager.Hex() +
                           " 'getTranscoder(address)(uint256,uint256,uint256,uint256,uint256,"
                           "uint256,uint256,uint256,uint256,uint256)' " +
                           account_->address().Hex());
    std::istringstream lines(out);
    std::string line;
    for (int i = 0; i < 9; ++i) std::getline(lines, line);  // the 9th value: cumulativeFees
    return *crypto::U256FromDecimal(line.substr(0, line.find(' ')));
  }
  uint64_t MinedNonce() {
    return std::stoull(Cast("nonce " + account_->address().Hex() + " --block latest"));
  }
  uint64_t Head() { return std::stoull(Cast("block-number")); }
  void Mine(int blocks) {
    Cast("rpc anvil_mine " + std::to_string(blocks));
    Refresh();
  }
  void SetBaseFee(const U256& wei) {
    ChainJs("gas-price " + crypto::U256ToDecimal(wei));
    Refresh();
  }
  void Fund(const char* key, const std::string& deposit_wei, const std::string& reserve_wei) {
    U256 total = *crypto::U256FromDecimal(deposit_wei) + *crypto::U256FromDecimal(reserve_wei);
    Cast("send --private-key 0x" + std::string(key) + " " + contracts_.ticket_broker.Hex() +
         " 'fundDepositAndReserve(uint256,uint256)' " + deposit_wei + " " + reserve_wei +
         " --value " + crypto::U256ToDecimal(total));
  }

  // A winning ticket (win probability 1) for the orchestrator, created in the current round,
  // whose parameters expire `expires_in` blocks from now.
  pm::WinningTicket Winner(const char* sender_key, uint32_t nonce, uint64_t expires_in,
                           const U256& face = kFaceValue) {
    crypto::PrivateKey key = Key(sender_key);
    pm::WinningTicket w;
    pm::Ticket& t = w.ticket;
    t.recipient = account_->address();
    t.sender = key.address();
    t.face_value = face;
    t.win_prob = pm::MaxWinProb();
    t.sender_nonce = nonce;
    w.recipient_rand = U256(0xbeef0000ULL + nonce) << 128;
    t.recipient_rand_hash = pm::RecipientRandHash(w.recipient_rand);
    t.expiration.creation_round = watcher_->LastInitializedRound();
    t.expiration.creation_round_block_hash =
        watcher_->BlockHashForRound(t.expiration.creation_round);
    w.sig = crypto::PersonalSign(key, t.Hash());
    w.params_expiration_block = U256(Head() + expires_in);
    w.manifest_id = "test";
    return w;
  }

  ledger::LedgerEntry Only(const pm::WinningTicket& w) {
    auto all = ledger_->All();
    for (const auto& e : *all)
      if (e.ticket.sig == w.sig) return e;
    ADD_FAILURE() << "ticket not in the ledger";
    return {};
  }

  Watchdog watchdog_{std::chrono::seconds(150)};
  std::unique_ptr<TestDevnet> devnet_;
  std::string dir_, rpc_url_;
  std::shared_ptr<const eth::EthClient> client_;
  chain::ProtocolContracts contracts_;
  std::shared_ptr<eth::GasPriceMonitor> gas_;
  std::shared_ptr<eth::Account> account_;
  std::shared_ptr<eth::NonceManager> nonces_;
  std::shared_ptr<const eth::TransactionManager> txs_;
  std::unique_ptr<chain::ChainWatcher> watcher_;
  std::unique_ptr<ledger::TicketLedger> ledger_;
  std::vector<std::unique_ptr<Redeemer>> redeemers_;
  U256 redeemed_value_ = 0;
  int errors_ = 0;
};

TEST_F(RedeemDevnetTest, RedeemedAfterParamsExpiryOnceWithFeesEqualToFaceValue) {
  auto w = Winner(kGatewayKey, 1, 5);
  ASSERT_TRUE(ledger_->Accept(w).ok());
  Redeemer& redeemer = NewRedeemer(ledger_.get());
  const U256 fees_before = Fees();
  const uint64_t nonce_before = MinedNonce();

  redeemer.Pass();  // parameters still live: revealing recipientRand now would be a gift
  EXPECT_EQ(Only(w).state, TicketState::kQueued);
  EXPECT_NE(Only(w).last_error.find("ticket parameters to expire"), std::string::npos);
  EXPECT_EQ(MinedNonce(), nonce_before);

  Mine(5);
  auto start = std::chrono::steady_clock::now();
  redeemer.Pass();
  auto latency = std::chrono::steady_clock::now() - start;
  auto e = Only(w);
  ASSERT_EQ(e.state, TicketState::kRedeemed) << e.last_error;
  EXPECT_EQ(Fees() - fees_before, kFaceValue);
  EXPECT_EQ(redeemed_value_, kFaceValue);
  EXPECT_EQ(MinedNonce(), nonce_before + 1);
  EXPECT_EQ(e.tx_hash.size(), 32u);
  EXPECT_GT(e.block_number, 0u);
  EXPECT_EQ(Cast("receipt " + HexEncode0x(e.tx_hash) + " status"), "true");
  std::cout << "[ figure ] one redemption pass (checks, simulation, send, receipt) on the devnet: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(latency).count() << " ms\n";

  // The same ticket again: the ledger keeps one row, and nothing is sent.
  ASSERT_TRUE(ledger_->Accept(w).ok());
  EXPECT_EQ(ledger_->Counts()->total(), 1);
  redeemer.Pass();
  EXPECT_EQ(redeemer.RedeemNow(e.id).code(), absl::StatusCode::kFailedPrecondition);

  // A node that lost its ledger gets it again: the chain says it is used, and nothing is sent.
  auto other = ledger::TicketLedger::Open(dir_ + "/other.sqlite3", 31337);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Accept(w).ok());
  NewRedeemer(other->get()).Pass();
  auto replay = (*other)->All()->front();
  EXPECT_EQ(replay.state, TicketState::kRedeemed);
  EXPECT_TRUE(replay.tx_hash.empty());
  EXPECT_EQ(replay.last_error, "ticket already used on chain; not resent");
  EXPECT_EQ(MinedNonce(), nonce_before + 1);
  EXPECT_EQ(Fees() - fees_before, kFaceValue);
}

TEST_F(RedeemDevnetTest, SenderWithoutFundsIsNeverSentAndDoesNotHoldBackOthers) {
  auto unfunded = Winner(kUnfundedKey, 1, 1);  // older: first in the queue
  auto funded = Winner(kGatewayKey, 2, 1);
  ASSERT_TRUE(ledger_->Accept(unfunded).ok());
  ASSERT_TRUE(ledger_->Accept(funded).ok());
  Redeemer& redeemer = NewRedeemer(ledger_.get());
  const U256 fees_before = Fees();
  const uint64_t nonce_before = MinedNonce();
  Mine(2);
  redeemer.Pass();
  EXPECT_EQ(Only(funded).state, TicketState::kRedeemed) << Only(funded).last_error;
  auto waiting = Only(unfunded);
  EXPECT_EQ(waiting.state, TicketState::kQueued);
  EXPECT_EQ(waiting.last_error, "sender has no deposit and no claimable reserve");
  EXPECT_EQ(MinedNonce(), nonce_before + 1);  // one transaction: the funded sender's
  EXPECT_EQ(Fees() - fees_before, kFaceValue);

  // Forcing it is refused for the same reason: the contract would burn it for nothing.
  auto forced = redeemer.RedeemNow(waiting.id);
  EXPECT_EQ(forced.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(forced.message(), "sender has no deposit and no claimable reserve");
  EXPECT_EQ(MinedNonce(), nonce_before + 1);
  EXPECT_EQ(Cast("call " + contracts_.ticket_broker.Hex() + " 'usedTickets(bytes32)(bool)' " +
                 HexEncode0x(unfunded.ticket.Hash())),
            "false");

  // Once the sender is funded, the ticket is redeemed.
  Fund(kUnfundedKey, "1000000000000000000", "0");
  redeemer.Pass();
  EXPECT_EQ(Only(unfunded).state, TicketState::kRedeemed) << Only(unfunded).last_error;
  EXPECT_EQ(Fees() - fees_before, kFaceValue * 2);
}

TEST_F(RedeemDevnetTest, WaitsWhileGasIsAboveTheMaximumAndResumesWhenItFalls) {
  Fund(kSecondGatewayKey, "1000000000000000000", "1000000000000000000");
  auto first = Winner(kGatewayKey, 1, 1);
  auto second = Winner(kSecondGatewayKey, 1, 1);
  ASSERT_TRUE(ledger_->Accept(first).ok());
  Mine(2);
  gas_->SetMaxGasPrice(U256(20) * kGwei);
  SetBaseFee(U256(100) * kGwei);
  const U256 fees_before = Fees();
  const uint64_t nonce_before = MinedNonce();

  Redeemer::Options options;
  options.max_backoff = std::chrono::seconds(1);
  Redeemer& redeemer = NewRedeemer(ledger_.get(), options);
  redeemer.Start();
  redeemer.OnNewBlock();
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(Only(first).state, TicketState::kQueued);
  EXPECT_NE(Only(first).last_error.find("exceeds maximum gas price"), std::string::npos)
      << Only(first).last_error;

  // Job handling goes on meanwhile: a second sender's winner is accepted at once (one fsync;
  // the bound leaves room for a loaded CI disk, far below the seconds a blocked Accept takes).
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(ledger_->Accept(second).ok());
  auto accept = std::chrono::steady_clock::now() - start;
  EXPECT_LT(accept, std::chrono::milliseconds(1000));
  Mine(2);
  SetBaseFee(U256(100) * kGwei);
  redeemer.OnNewBlock();
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(ledger_->Counts()->queued, 2);
  EXPECT_EQ(MinedNonce(), nonce_before);

  SetBaseFee(kGwei);
  redeemer.OnNewBlock();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (ledger_->Counts()->redeemed < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Refresh();
    redeemer.OnNewBlock();
  }
  redeemer.Stop();
  EXPECT_EQ(ledger_->Counts()->redeemed, 2) << Only(first).last_error << Only(second).last_error;
  EXPECT_EQ(Fees() - fees_before, kFaceValue * 2);
  EXPECT_EQ(MinedNonce(), nonce_before + 2);
  std::cout << "[ figure ] Accept while the redeemer waits for gas: "
            << std::chrono::duration_cast<std::chrono::microseconds>(accept).count() << " us\n";
}

TEST_F(RedeemDevnetTest, SmallFaceValueWaitsForCheaperGasButRedeemNowSends) {
  // A face value that pays for the redemption twice at the current gas price, not three times.
  SetBaseFee(kGwei);
  const U256 face = U256(350'000) * gas_->GasPrice() * 2;
  auto w = Winner(kGatewayKey, 1, /*expires_in=*/0, face);  // parameters expire now
  ASSERT_TRUE(ledger_->Accept(w).ok());
  Redeemer& redeemer = NewRedeemer(ledger_.get());
  const U256 fees_before = Fees();
  redeemer.Pass();
  EXPECT_EQ(Only(w).state, TicketState::kQueued);
  EXPECT_NE(Only(w).last_error.find("insufficient ticket face value"), std::string::npos)
      << Only(w).last_error;
  EXPECT_EQ(Fees(), fees_before);
  // The operator's /redeemTicket?sig=0x…: the gas threshold is skipped.
  ops::HandlerResponse forced = ops::RedeemTicketHandler(
      *ledger_, redeemer,
      [&](const std::string& name) { return name == "sig" ? HexEncode0x(w.sig) : std::string(); });
  ASSERT_EQ(forced.status, 200) << forced.body;
  auto body = nlohmann::json::parse(forced.body)["redeemed"];
  EXPECT_EQ(body["state"], "redeemed");
  EXPECT_EQ(Cast("receipt " + body["txHash"].get<std::string>() + " status"), "true");
  EXPECT_EQ(Only(w).state, TicketState::kRedeemed);
  EXPECT_EQ(Fees() - fees_before, face);
}

TEST_F(RedeemDevnetTest, TicketPastItsValidityIsMarkedExpiredNotSent) {
  auto w = Winner(kGatewayKey, 1, 1);
  ASSERT_TRUE(ledger_->Accept(w).ok());
  ChainJs("next-round");
  ChainJs("next-round");  // creationRound + ticketValidityPeriod (2) <= currentRound
  Refresh();
  U256 expired_value = 0;
  Redeemer::Options options;
  options.account = account_->address();
  Redeemer::Hooks hooks;
  hooks.expired = [&](const U256& face) { expired_value += face; };
  Redeemer redeemer(ledger_.get(), client_, watcher_.get(), txs_, gas_, options, hooks);
  const uint64_t nonce_before = MinedNonce();
  redeemer.Pass();
  EXPECT_EQ(Only(w).state, TicketState::kExpired);
  EXPECT_EQ(expired_value, kFaceValue);
  EXPECT_EQ(MinedNonce(), nonce_before);
}

// kill -9 at the two worst moments: right after Accept, and right after the redemption was
// broadcast but before its hash reached the ledger (with mining paused, so it is still pending
// when the node restarts). Either way the ticket is redeemed exactly once.
TEST_F(RedeemDevnetTest, KillMinusNineBetweenAcceptAndRedemptionRedeemsExactlyOnce) {
  auto accepted = Winner(kGatewayKey, 1, 1);
  auto broadcast = Winner(kGatewayKey, 2, 1);
  const std::string path = dir_ + "/crash.sqlite3";
  const U256 fees_before = Fees();
  const uint64_t nonce_before = MinedNonce();
  ledger_.reset();

  pid_t child = fork();
  if (child == 0) {  // the "node": accepts both, dies without redeeming
    auto ledger = ledger::TicketLedger::Open(path, 31337);
    if (!ledger.ok() || !(*ledger)->Accept(accepted).ok() || !(*ledger)->Accept(broadcast).ok())
      _exit(1);
    raise(SIGKILL);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  Mine(2);
  Cast("rpc evm_setAutomine false");
  child = fork();
  if (child == 0) {  // restarted, redeems the oldest, dies right after the broadcast
    auto ledger = ledger::TicketLedger::Open(path, 31337);
    if (!ledger.ok()) _exit(1);
    Redeemer::Options options;
    options.account = account_->address();
    options.after_broadcast = [] { raise(SIGKILL); };
    auto client = std::make_shared<const eth::EthClient>(eth::JsonRpcOptions{rpc_url_});
    auto txs = std::make_shared<const eth::TransactionManager>(
        client, account_, gas_, std::make_shared<eth::NonceManager>(client), 31337,
        eth::TxManagerOptions{});
    auto next = (*ledger)->NextRedeemable(accepted.ticket.sender);
    if (!next.ok() || !next->has_value()) _exit(1);
    Redeemer(ledger->get(), client, watcher_.get(), txs, gas_, options)
        .RedeemNow((*next)->id)
        .IgnoreError();
    _exit(2);  // not reached
  }
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;

  auto ledger = ledger::TicketLedger::Open(path, 31337);
  ASSERT_TRUE(ledger.ok());
  auto rows = *(*ledger)->Unsettled();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].state, TicketState::kSubmitted);  // written ahead of the broadcast
  EXPECT_TRUE(rows[0].tx_hash.empty());
  EXPECT_EQ(rows[1].state, TicketState::kQueued);

  // The restarted node's pass: the first one's transaction is pending, so it must not resend.
  Redeemer& redeemer = NewRedeemer(ledger->get());
  redeemer.RedeemNow(rows[0].id).IgnoreError();
  EXPECT_EQ((*ledger)->Get(rows[0].id)->state, TicketState::kSubmitted);
  EXPECT_EQ(std::stoull(Cast("nonce " + account_->address().Hex() + " --block pending")),
            MinedNonce() + 1);  // the dead node's transaction, still in the mempool
  Cast("rpc evm_setAutomine true");
  Cast("rpc evm_mine");
  Refresh();
  for (int i = 0; i < 3 && (*ledger)->Counts()->redeemed < 2; ++i) redeemer.Pass();
  EXPECT_EQ((*ledger)->Counts()->redeemed, 2);
  EXPECT_EQ(Fees() - fees_before, kFaceValue * 2);
  EXPECT_EQ(MinedNonce(), nonce_before + 2);  // two tickets, two transactions: none twice
}

// Ctrl-C while a redemption is stuck (mining paused, so it sits in the mempool): Stop returns
// at once instead of after the receipt timeout (20 s here, then a replacement), the ticket stays
// "submitted" with its hash, nothing else is sent, and the shutdown log names it. The next start
// leaves it alone while it is pending and, once the chain mines it, records it redeemed, once.
TEST_F(RedeemDevnetTest, StopWhileARedemptionIsPendingReturnsPromptlyAndTheNextStartReconciles) {
  auto w = Winner(kGatewayKey, 1, 1);
  ASSERT_TRUE(ledger_->Accept(w).ok());
  Mine(2);
  const U256 fees_before = Fees();
  const uint64_t nonce_before = MinedNonce();
  const std::string pending_nonce = "nonce " + account_->address().Hex() + " --block pending";
  Cast("rpc evm_setAutomine false");

  // The shutdown line is read from the log; the logger is swapped while no thread logs.
  std::ostringstream log;
  auto previous_logger = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  Redeemer& first = NewRedeemer(ledger_.get());
  first.Start();
  first.OnNewBlock();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (Only(w).tx_hash.empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const ledger::LedgerEntry sent = Only(w);
  EXPECT_EQ(sent.state, TicketState::kSubmitted) << sent.last_error;
  EXPECT_EQ(sent.tx_hash.size(), 32u) << sent.last_error;
  EXPECT_EQ(std::stoull(Cast(pending_nonce)), nonce_before + 1);

  auto start = std::chrono::steady_clock::now();
  first.Stop();
  auto stop = std::chrono::steady_clock::now() - start;
  spdlog::set_default_logger(previous_logger);
  std::cout << log.str();
  EXPECT_LT(stop, std::chrono::seconds(3));
  auto left = Only(w);
  EXPECT_EQ(left.state, TicketState::kSubmitted) << left.last_error;
  EXPECT_EQ(left.tx_hash, sent.tx_hash);
  EXPECT_EQ(errors_, 0);  // stopping is not a failed redemption
  EXPECT_NE(log.str().find("1 redemption(s) pending"), std::string::npos);
  EXPECT_NE(
      log.str().find("ticket " + std::to_string(sent.id) + " tx " + HexEncode0x(sent.tx_hash)),
      std::string::npos);
  // The transaction in the mempool is still the one in the ledger: no replacement, no resend.
  EXPECT_EQ(std::stoull(Cast("tx " + HexEncode0x(sent.tx_hash) + " nonce")), nonce_before);
  EXPECT_EQ(std::stoull(Cast(pending_nonce)), nonce_before + 1);
  EXPECT_EQ(MinedNonce(), nonce_before);

  // The next start, the transaction still pending: it waits for it and sends nothing.
  Redeemer& next = NewRedeemer(ledger_.get());
  next.Pass();
  EXPECT_EQ(Only(w).state, TicketState::kSubmitted);
  EXPECT_EQ(std::stoull(Cast(pending_nonce)), nonce_before + 1);

  // The chain mines it: the next pass finds its receipt.
  Cast("rpc evm_setAutomine true");
  Cast("rpc evm_mine");
  Refresh();
  next.Pass();
  auto done = Only(w);
  ASSERT_EQ(done.state, TicketState::kRedeemed) << done.last_error;
  EXPECT_EQ(done.tx_hash, sent.tx_hash);
  EXPECT_GT(done.block_number, 0u);
  next.Pass();
  EXPECT_EQ(ledger_->Counts()->redeemed, 1);
  EXPECT_EQ(redeemed_value_, kFaceValue);
  EXPECT_EQ(Fees() - fees_before, kFaceValue);
  EXPECT_EQ(MinedNonce(), nonce_before + 1);
  std::cout << "[ figure ] Redeemer::Stop with a redemption pending: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(stop).count() << " ms\n";
}

// A reorganisation removes the block that held a redemption (anvil drops its transaction): the
// watcher reports the fork, the nonces resynchronise, and the ticket goes back to "submitted",
// is found not mined and not used, and is redeemed again, exactly once on the final chain.
TEST_F(RedeemDevnetTest, AReorgThatRemovesARedemptionRedeemsTheTicketAgainOnce) {
  auto w = Winner(kGatewayKey, 1, /*expires_in=*/0);
  ASSERT_TRUE(ledger_->Accept(w).ok());
  Redeemer& redeemer = NewRedeemer(ledger_.get());
  std::vector<uint64_t> forks;
  watcher_->AddReorgListener([&](uint64_t fork) {
    forks.push_back(fork);
    nonces_->Resync();
    redeemer.OnReorg(fork);
  });
  const U256 fees_before = Fees();
  const uint64_t nonce_before = MinedNonce();
  redeemer.Pass();
  const ledger::LedgerEntry first = Only(w);
  ASSERT_EQ(first.state, TicketState::kRedeemed) << first.last_error;
  ASSERT_EQ(first.block_number, Head());
  ASSERT_EQ(Fees() - fees_before, kFaceValue);
  Refresh();  // the watcher has seen the block with the redemption

  Cast("rpc anvil_reorg 1 '[]'");  // the same height, a new block without our transaction
  EXPECT_EQ(Fees(), fees_before);
  EXPECT_EQ(MinedNonce(), nonce_before);
  Refresh();
  ASSERT_EQ(forks, std::vector<uint64_t>{first.block_number});

  redeemer.Pass();  // recheck: reopened, reconciled (not mined, not used), queued again
  for (int i = 0; i < 3 && Only(w).state != TicketState::kRedeemed; ++i) redeemer.Pass();
  const ledger::LedgerEntry again = Only(w);
  ASSERT_EQ(again.state, TicketState::kRedeemed) << again.last_error;
  EXPECT_EQ(again.block_number, Head());
  EXPECT_EQ(Fees() - fees_before, kFaceValue);
  EXPECT_EQ(MinedNonce(), nonce_before + 1);  // the dropped nonce was used again: no gap
  EXPECT_EQ(Cast("call " + contracts_.ticket_broker.Hex() + " 'usedTickets(bytes32)(bool)' " +
                 HexEncode0x(w.ticket.Hash())),
            "true");

  // A later reorg that leaves the redeeming block alone changes nothing: nothing is resent.
  Mine(1);
  // anvil may rebuild an empty block identically: put someone else's transaction in the head.
  Cast("send --private-key 0x" + std::string(kUnfundedKey) +
       " 0x000000000000000000000000000000000000dEaD --value 1");
  Refresh();
  Cast("rpc anvil_reorg 1 '[]'");
  Refresh();
  ASSERT_EQ(forks.size(), 2u);
  EXPECT_GT(forks[1], again.block_number);
  redeemer.Pass();
  EXPECT_EQ(Only(w).state, TicketState::kRedeemed);
  EXPECT_EQ(Only(w).block_number, again.block_number);
  EXPECT_EQ(MinedNonce(), nonce_before + 1);
  EXPECT_EQ(Fees() - fees_before, kFaceValue);
}

// doc/pm.md 2.5 on the chain: a sender whose deposit does not cover our unsettled winners three
// times gets a smaller max float (claimable reserve minus those winners) until they are paid; a
// sender with a large deposit keeps the whole share.
TEST_F(RedeemDevnetTest, MaxFloatShrinksByUnsettledWinnersUntilTheyAreRedeemed) {
  Fund(kSecondGatewayKey, "15000000000000000", "1000000000000000000");  // 0.015 ETH < 3 x face
  Refresh();
  const crypto::Address small = Key(kSecondGatewayKey).address();
  const crypto::Address large = Key(kGatewayKey).address();
  pm::PendingAwareChainFacts facts(*watcher_, [this](const crypto::Address& sender) {
    return ledger_->UnsettledFaceValue(sender);
  });
  auto claimable = [&](const crypto::Address& sender) {
    return testing_support::CastNumber(Cast("call " + contracts_.ticket_broker.Hex() +
                                            " 'claimableReserve(address,address)(uint256)' " +
                                            sender.Hex() + " " + account_->address().Hex()));
  };
  const U256 share = claimable(small);
  ASSERT_GT(share, kFaceValue);
  EXPECT_EQ(*facts.MaxFloat(small), share);

  auto w = Winner(kSecondGatewayKey, 1, /*expires_in=*/0);
  ASSERT_TRUE(ledger_->Accept(w).ok());
  ASSERT_TRUE(ledger_->Accept(Winner(kGatewayKey, 1, 0)).ok());
  EXPECT_EQ(*facts.MaxFloat(small), share - kFaceValue);
  EXPECT_EQ(*facts.MaxFloat(large), claimable(large));  // 10 ETH deposit covers 0.01 ETH

  Redeemer& redeemer = NewRedeemer(ledger_.get());
  redeemer.Pass();
  ASSERT_EQ(Only(w).state, TicketState::kRedeemed) << Only(w).last_error;
  Refresh();  // the redemption's events refresh the watcher's cached answers
  EXPECT_EQ(*ledger_->UnsettledFaceValue(small), 0);
  EXPECT_EQ(*facts.MaxFloat(small), claimable(small));
}

}  // namespace
}  // namespace baton::redeem

#include "node/onchain.h"

#include <spdlog/spdlog.h>

#include "crypto/keccak.h"
#include "eth/contracts.h"
#include "eth/nonce_manager.h"

namespace baton::node {
namespace {

absl::Status Prefix(const absl::Status& s, const std::string& what) {
  return absl::Status(s.code(), what + ": " + std::string(s.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<OnChain>> OnChain::Connect(
    const NodeConfig& config, const std::shared_ptr<const eth::Account>& account) {
  if (config.eth_url.empty())
    return absl::InvalidArgumentError("-ethUrl is required with -network " + config.network);
  std::string controller_hex = config.eth_controller.empty()
                                   ? chain::PresetController(config.network)
                                   : config.eth_controller;
  if (controller_hex.empty())
    return absl::InvalidArgumentError("-ethController is required with -network " + config.network);
  auto controller = crypto::Address::FromHex(controller_hex);
  if (!controller.ok()) return Prefix(controller.status(), "-ethController");

  std::unique_ptr<OnChain> c(new OnChain());
  eth::JsonRpcOptions rpc;
  rpc.url = config.eth_url;
  c->client_ = std::make_shared<const eth::EthClient>(rpc);
  auto chain_id = c->client_->ChainId();
  if (!chain_id.ok()) return Prefix(chain_id.status(), "cannot reach -ethUrl " + config.eth_url);
  c->chain_id_ = *chain_id;
  auto contracts = chain::ProtocolContracts::Resolve(*c->client_, *controller);
  if (!contracts.ok()) return contracts.status();
  if (config.ai_service_registry)  // a fixed address, not registered in the Controller
    contracts->service_registry = *crypto::Address::FromHex(chain::kAiServiceRegistry);

  c->recipient_ = account->address();
  if (!config.eth_orch_addr.empty()) {
    auto orch = crypto::Address::FromHex(config.eth_orch_addr);
    if (!orch.ok()) return Prefix(orch.status(), "-ethOrchAddr");
    c->recipient_ = *orch;
  }

  eth::GasPriceOptions gas;
  gas.min_gas_price = config.min_gas_price;
  gas.max_gas_price = config.max_gas_price;
  gas.interval = config.block_polling_interval;
  c->gas_ = std::make_shared<eth::GasPriceMonitor>(c->client_, gas);
  eth::TxManagerOptions tx;
  tx.tx_timeout = config.transaction_timeout;
  tx.max_replacements = config.max_transaction_replacements;
  tx.gas_limit = config.gas_limit;
  c->nonces_ = std::make_shared<eth::NonceManager>(c->client_);
  c->txs_ = std::make_shared<const eth::TransactionManager>(c->client_, account, c->gas_,
                                                            c->nonces_, c->chain_id_, tx);

  chain::ChainWatcher::Options watch;
  watch.poll_interval = config.block_polling_interval;
  watch.recipient = c->recipient_;
  c->watcher_ = std::make_unique<chain::ChainWatcher>(c->client_, *contracts, c->gas_, watch);
  // A reorg may drop mined transactions of ours: their nonces must be used again.
  c->watcher_->AddReorgListener([nonces = c->nonces_](uint64_t) { nonces->Resync(); });

  chain::ProtocolDuties::Options duties;
  duties.orchestrator = account->address();
  duties.initialize_round = config.initialize_round;
  duties.reward = config.reward;
  if (!config.reward_set) {
    // go-livepeer's default: reward iff the account is a registered transcoder at start-up.
    auto t =
        eth::contracts::GetTranscoder(*c->client_, contracts->bonding_manager, account->address());
    duties.reward = t.ok() && t->activation_round != 0;
  }
  c->duties_ =
      std::make_unique<chain::ProtocolDuties>(c->client_, c->watcher_.get(), c->txs_, duties);
  spdlog::info("On chain {}: Controller {}, TicketBroker {}, recipient {}, reward {}", c->chain_id_,
               controller->ChecksumHex(), contracts->ticket_broker.ChecksumHex(),
               c->recipient_.ChecksumHex(), duties.reward ? "on" : "off");
  return c;
}

OnChain::~OnChain() { Stop(); }

void OnChain::AddBlockListener(chain::ChainWatcher::BlockListener listener) {
  watcher_->AddBlockListener(std::move(listener));
}

void OnChain::AddReorgListener(chain::ChainWatcher::ReorgListener listener) {
  watcher_->AddReorgListener(std::move(listener));
}

absl::Status OnChain::Start() {
  if (auto s = gas_->Start(); !s.ok()) return Prefix(s, "gas price monitor");
  watcher_->AddBlockListener([this](uint64_t) { duties_->OnNewBlock(); });
  if (auto s = watcher_->Start(); !s.ok()) return Prefix(s, "chain watcher");
  duties_->Start();
  return absl::OkStatus();
}

void OnChain::Stop() {
  if (duties_) duties_->Stop();
  if (watcher_) watcher_->Stop();
  if (gas_) gas_->Stop();
}

void TrustEverySenderOffchain(pm::InMemoryChainFacts& facts, const crypto::Address& recipient) {
  pm::InMemoryChainFacts::SenderState trusted;
  trusted.info.deposit = crypto::U256(1) << 200;
  trusted.info.reserve_funds_remaining = crypto::U256(1) << 200;
  trusted.max_float = crypto::U256(1) << 200;
  facts.SetDefaultSender(trusted);
  facts.SetActive(recipient, true);
  // There are no rounds offchain.
  facts.SetRound(1, crypto::Keccak256("baton offchain round 1"));
}

}  // namespace baton::node

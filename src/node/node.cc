#include "node/node.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "chain/read_pool.h"
#include "crypto/keccak.h"
#include "eth/account.h"
#include "ledger/ticket_ledger.h"
#include "net/server.h"
#include "node/account_identity.h"
#include "node/capabilities.h"
#include "node/chain_read_routing.h"
#include "node/grpc_services.h"
#include "node/local_transcoder.h"
#include "node/media_store.h"
#include "node/metrics.h"
#include "node/onchain.h"
#include "node/operator_api.h"
#include "node/operator_chain_api.h"
#include "node/orchestrator_service.h"
#include "node/priced_payment_terms.h"
#include "node/segment_handler.h"
#include "node/session_loops.h"
#include "node/version.h"
#include "pm/balances.h"
#include "pm/in_memory_chain_facts.h"
#include "pm/pending_float.h"
#include "pm/price_book.h"
#include "pm/winning_ticket_sink.h"
#include "redeem/redeemer.h"
#include "transcode/capabilities.h"
#include "transcode/ffmpeg_log.h"

namespace baton::node {
namespace {

// go-livepeer's MaxSegSize: the largest /segment body.
constexpr size_t kMaxSegmentBytes = 300'000'000;

// What this build can really do without a transcoder attached: the protocol-level features.
// S3/GCS storage (5, 6) and MPEG-7 signatures (14) are not implemented, so not advertised.
std::set<int> NodeFeatureCapabilities() {
  return {kCapH264,
          kCapMpegts,
          kCapMp4,
          kCapFractionalFramerates,
          kCapStorageDirect,
          kCapProfileH264Baseline,
          kCapProfileH264Main,
          kCapProfileH264High,
          kCapProfileH264ConstrainedHigh,
          kCapGop,
          kCapAuthToken,
          kCapSegmentSlicing};
}

std::string Hostname() {
  char buf[256] = {0};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

std::string ServiceHost(const std::string& uri) {
  std::string rest = uri.substr(uri.find("://") + 3);
  return rest.substr(0, rest.rfind(':'));
}

// -pricePerGateway takes JSON or a path to a file holding it.
std::string ValueOrFile(const std::string& value) {
  std::error_code ec;
  if (value.empty() || !std::filesystem::is_regular_file(value, ec)) return value;
  std::ifstream in(value);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

void DefineMetrics(Metrics& m) {
  m.DefineGauge("livepeer_max_sessions_total", "Max number of sessions");
  m.DefineGauge("livepeer_current_sessions_total", "Number of currently transcoded streams");
  m.DefineGauge("livepeer_versions", "Versions used by the node");
  m.DefineCounter("livepeer_segment_transcoded_total", "Transcoded segments");
  m.DefineHistogram("livepeer_transcode_time_seconds", "Transcoding time",
                    {.25, .5, .75, 1, 1.25, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 10});
  m.DefineHistogram("livepeer_transcode_score",
                    "Ratio of source segment duration vs. transcode time",
                    {.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 10, 15, 20, 40});
  m.DefineCounter("livepeer_mil_pixels_processed", "Million pixels processed");
  m.DefineCounter("livepeer_ticket_value_recv", "Ticket value received (gwei)");
  m.DefineCounter("livepeer_tickets_recv", "Tickets received");
  m.DefineCounter("livepeer_winning_tickets_recv", "Winning tickets received");
  m.DefineCounter("livepeer_payment_recv_errors", "Errors when receiving payments");
  m.DefineGauge("livepeer_transcoding_price", "Transcoding price per pixel (wei)");
  m.DefineCounter("livepeer_value_redeemed", "Winning ticket value redeemed (gwei)");
  m.DefineCounter("livepeer_ticket_redemption_errors", "Errors redeeming winning tickets");
}

class NodeImpl : public Node {
 public:
  explicit NodeImpl(NodeConfig config)
      : config_(std::move(config)),
        metrics_(config_.orchestrator ? Hostname() : Hostname(), "orch"),
        sessions_(config_.max_sessions_auto ? 0 : config_.max_sessions) {}

  absl::Status Init();
  absl::Status OpenAccount();
  void CreateRedeemer(uint64_t redeem_gas);
  absl::Status Start() override;
  void Stop() override;
  int service_port() const override { return service_ ? service_->port() : 0; }
  int cli_port() const override { return cli_ ? cli_->port() : 0; }

 private:
  net::Capabilities Capabilities() const { return MakeCapabilities(capabilities_, kVersion); }

  NodeConfig config_;
  Metrics metrics_;
  SessionRegistry sessions_;
  AuthTokenIssuer tokens_;
  std::unique_ptr<NodeIdentity> identity_;
  std::shared_ptr<const eth::Account> account_;
  pm::InMemoryChainFacts chain_;
  std::unique_ptr<ledger::TicketLedger> ledger_;
  std::unique_ptr<redeem::Redeemer> redeemer_;
  pm::Balances balances_;
  std::optional<pm::PriceBook> prices_;
  std::unique_ptr<OnChain> onchain_;
  std::unique_ptr<pm::PendingAwareChainFacts> chain_facts_;  // on chain: watcher + ledger
  // On chain: GetOrchestrator for a sender the watcher's caches lack runs here, off the loops.
  std::unique_ptr<chain::ReadPool> chain_reads_;
  std::unique_ptr<pm::Recipient> recipient_;
  std::unique_ptr<PricedPaymentTerms> terms_;
  std::set<int> capabilities_;
  std::unique_ptr<OrchestratorService> orchestrator_;
  MediaStore store_{512u << 20};
  LocalTranscoder transcoder_;
  std::unique_ptr<SessionLoops> loops_;
  std::unique_ptr<SegmentHandler> segments_;
  std::unique_ptr<http::Server> service_;
  std::unique_ptr<http::Server> cli_;
};

absl::Status NodeImpl::Init() {
  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec)
    return absl::InternalError("cannot create -dataDir " + config_.data_dir + ": " + ec.message());
  identity_ = std::make_unique<OffchainIdentity>();
  if (config_.use_account) {
    if (auto s = OpenAccount(); !s.ok()) return s;
  }
  pm::PriceBook::Options price_options;
  price_options.price_per_unit = config_.price_per_unit;
  price_options.pixels_per_unit = config_.pixels_per_unit;
  price_options.price_per_gateway_json = ValueOrFile(config_.price_per_gateway);
  price_options.auto_adjust_price = config_.auto_adjust_price;
  auto prices = pm::PriceBook::Create(price_options);
  if (!prices.ok()) return prices.status();
  prices_.emplace(*std::move(prices));
  if (config_.network != "offchain") {
    auto onchain = OnChain::Connect(config_, account_);
    if (!onchain.ok()) return onchain.status();
    onchain_ = std::move(*onchain);
  }
  if (account_) {
    pm::RecipientConfig rc;
    rc.address = onchain_ ? onchain_->recipient() : account_->address();
    rc.redeem_gas = chain::RedeemGas(config_.network);
    rc.ticket_ev = *crypto::U256FromDecimal(config_.ticket_ev);
    rc.max_face_value = *crypto::U256FromDecimal(config_.max_face_value);
    auto ledger = ledger::TicketLedger::Open(config_.data_dir + "/lpdb.sqlite3",
                                             onchain_ ? onchain_->chain_id() : 0);
    if (!ledger.ok()) return ledger.status();
    ledger_ = std::move(*ledger);
    const pm::ChainFacts* facts = &chain_;
    if (onchain_) {
      // Face values are capped by what a sender can cover once our unsettled winners are paid.
      chain_facts_ = std::make_unique<pm::PendingAwareChainFacts>(
          onchain_->watcher(), [ledger = ledger_.get()](const crypto::Address& sender) {
            return ledger->UnsettledFaceValue(sender);
          });
      facts = chain_facts_.get();
    }
    recipient_ = std::make_unique<pm::Recipient>(rc, *facts, *ledger_, balances_);
    if (onchain_) CreateRedeemer(rc.redeem_gas);
  }
  terms_ = std::make_unique<PricedPaymentTerms>(*prices_, balances_, recipient_.get());
  if (!config_.nvidia.empty()) {
    if (auto s = transcode::ProbeNvidia(config_.nvidia); !s.ok())
      return absl::FailedPreconditionError("-nvidia " + config_.nvidia + ": " +
                                           std::string(s.message()));
  }
  transcode::RouteFfmpegLogs(config_.verbosity);  // FFmpeg's log lines through spdlog
  capabilities_ = NodeFeatureCapabilities();
  for (int c : transcode::SoftwareCapabilities()) capabilities_.insert(c);

  OrchestratorServiceDeps deps;
  deps.identity = identity_.get();
  deps.tokens = &tokens_;
  deps.sessions = &sessions_;
  deps.terms = terms_.get();
  deps.capabilities = [this] { return Capabilities(); };
  deps.service_uri = config_.service_uri;
  deps.nodes = config_.nodes;
  deps.end_session = [this](const std::string& session) { loops_->End(session); };
  orchestrator_ = std::make_unique<OrchestratorService>(std::move(deps));

  SessionLoops::Options loop_options;
  loop_options.on_end = [this](const std::string& session) {
    transcoder_.EndSession(session);
    store_.RemoveDirectory(session);
    sessions_.Release(session);
  };
  loops_ = std::make_unique<SessionLoops>(loop_options);
  SegmentHandlerDeps seg;
  seg.orchestrator = orchestrator_.get();
  seg.identity = identity_.get();
  seg.tokens = &tokens_;
  seg.sessions = &sessions_;
  seg.capabilities = [this] { return Capabilities(); };
  seg.recipient = recipient_.get();
  seg.balances = &balances_;
  seg.store = &store_;
  seg.loops = loops_.get();
  seg.transcoder = &transcoder_;
  seg.metrics = &metrics_;
  seg.service_uri = config_.service_uri;
  segments_ = std::make_unique<SegmentHandler>(std::move(seg));

  DefineMetrics(metrics_);
  metrics_.Set("livepeer_max_sessions_total", sessions_.max());
  metrics_.Set("livepeer_current_sessions_total", 0);
  metrics_.Set(
      "livepeer_versions", 1,
      {{"livepeerversion", kVersion}, {"compiler", "gcc"}, {"goos", "linux"}, {"goversion", ""}});
  Metrics::SetGlobal(&metrics_);
  return absl::OkStatus();
}

void NodeImpl::CreateRedeemer(uint64_t redeem_gas) {
  redeem::Redeemer::Options options;
  options.account = account_->address();
  options.redeem_gas = redeem_gas;
  redeem::Redeemer::Hooks hooks;
  hooks.redeemed = [this](const crypto::U256& face_value) {
    metrics_.Add("livepeer_value_redeemed", static_cast<double>(face_value) / 1e9);
  };
  hooks.error = [this] { metrics_.Add("livepeer_ticket_redemption_errors", 1); };
  redeemer_ =
      std::make_unique<redeem::Redeemer>(ledger_.get(), onchain_->client(), &onchain_->watcher(),
                                         onchain_->transactions(), onchain_->gas(), options, hooks);
  onchain_->AddBlockListener([this](uint64_t block) {
    recipient_->OnNewL1Block(crypto::U256(block));
    redeemer_->OnNewBlock();
  });
  onchain_->AddReorgListener([this](uint64_t fork_block) { redeemer_->OnReorg(fork_block); });
}

absl::Status NodeImpl::OpenAccount() {
  eth::AccountOptions options;
  options.keystore_path = config_.eth_keystore_path;
  options.address = config_.eth_acct_addr;
  options.password = eth::ResolvePassword(config_.eth_password);
  auto account = eth::Account::Open(options);
  if (!account.ok())
    return absl::FailedPreconditionError("ethereum account: " +
                                         std::string(account.status().message()));
  account_ = std::shared_ptr<const eth::Account>(std::move(*account));
  identity_ = std::make_unique<AccountIdentity>(account_);
  spdlog::info(
      "Using account {}{}", account_->address().ChecksumHex(),
      account_->created() ? " (new key created in " + config_.eth_keystore_path + ")" : "");
  if (config_.network == "offchain") {
    // Offchain with an account: tickets are checked for real but there is no chain to redeem
    // them on, so every gateway is trusted with a large deposit and reserve.
    spdlog::warn("offchain with an account: tickets are verified but never redeemed");
    pm::InMemoryChainFacts::SenderState trusted;
    trusted.info.deposit = crypto::U256(1) << 200;
    trusted.info.reserve_funds_remaining = crypto::U256(1) << 200;
    trusted.max_float = crypto::U256(1) << 200;
    chain_.SetDefaultSender(trusted);
    chain_.SetActive(account_->address(), true);
    // There are no rounds offchain; a fixed round 1 keeps ticket expiration params well formed.
    chain_.SetRound(1, crypto::Keccak256("baton offchain round 1"));
  }
  return absl::OkStatus();
}

absl::Status NodeImpl::Start() {
  if (onchain_) {
    if (auto s = onchain_->Start(); !s.ok()) return s;
    redeemer_->Start();
  }
  http::ServerOptions service_options;
  service_options.bind_address = config_.service_bind.ToString();
  service_options.tls = config_.service_tls;
  service_options.cert_dir = config_.data_dir;
  service_options.cert_host = ServiceHost(config_.service_uri);
  // Bounded resources (README "Limits"); routes set their own body limits below.
  const NodeConfig::ServiceLimits& limits = config_.service_limits;
  service_options.handshake_timeout = limits.tls_handshake_timeout;
  service_options.header_timeout = limits.read_header_timeout;
  service_options.min_body_rate = limits.min_body_rate;
  service_options.idle_timeout = limits.idle_timeout;
  service_options.max_connections = limits.max_conns;
  service_options.max_connections_per_client = limits.max_conns_per_ip;
  service_options.max_body_bytes = 0;  // a route takes a body only where it says so
  service_ = std::make_unique<http::Server>(service_options);
  ChainReads chain_reads;
  if (chain_facts_) {
    chain_reads_ = std::make_unique<chain::ReadPool>(chain::ReadPool::Options{});
    chain_reads = {chain_facts_.get(), chain_reads_.get()};
  }
  RegisterOrchestratorService(orchestrator_.get(), service_->grpc(), chain_reads);
  // The header check answers bad payment/credentials before a segment body is uploaded.
  auto check_headers = [this](http::HttpRequest& head) { return segments_->CheckHeaders(head); };
  // A sender whose chain facts are not in memory is served off the loops (chain_read_routing.h).
  service_->router().Handle("/segment", {"POST"},
                            OffLoopWhenChainReads(
                                [this](http::HttpRequest r, auto w) {
                                  segments_->HandleSegment(std::move(r), std::move(w));
                                },
                                chain_reads.facts, chain_reads.pool),
                            check_headers, kMaxSegmentBytes);
  service_->router().Handle("/payment", {"POST"},
                            OffLoopWhenChainReads(
                                [this](http::HttpRequest r, auto w) {
                                  segments_->HandlePayment(std::move(r), std::move(w));
                                },
                                chain_reads.facts, chain_reads.pool),
                            check_headers, /*max_body=*/0);  // the payment travels in a header
  service_->router().HandlePrefix("/stream/", {"GET"}, [this](http::HttpRequest r, auto w) {
    segments_->HandleStream(std::move(r), std::move(w));
  });
  service_->router().Handle("/healthz", {"GET"}, [](http::HttpRequest, auto response) {
    response->Respond(200, "text/plain", "");
  });

  http::ServerOptions cli_options;
  cli_options.bind_address = config_.cli_bind.ToString();
  cli_options.tls = false;
  cli_options.worker_threads = 1;
  cli_ = std::make_unique<http::Server>(cli_options);
  OperatorState state{&config_,
                      &sessions_,
                      config_.monitor ? &metrics_ : nullptr,
                      [this] { return capabilities_; },
                      [this] { return account_ ? account_->address().ChecksumHex() : ""; },
                      ledger_.get(),
                      redeemer_.get()};
  RegisterOperatorApi(state, cli_->router());
  if (onchain_)
    RegisterOperatorChainApi(onchain_.get(), account_, config_.service_uri, cli_->router());

  auto port = service_->Start();
  if (!port.ok())
    return absl::UnavailableError("service port " + service_options.bind_address + ": " +
                                  std::string(port.status().message()));
  auto cli_port = cli_->Start();
  if (!cli_port.ok())
    return absl::UnavailableError("operator port " + cli_options.bind_address + ": " +
                                  std::string(cli_port.status().message()));
  spdlog::info("Serving gateways at {} (listening on {}, {})", config_.service_uri,
               service_options.bind_address, config_.service_tls ? "TLS" : "cleartext");
  spdlog::info("Operator API on http://{}", cli_options.bind_address);
  return absl::OkStatus();
}

void NodeImpl::Stop() {
  if (service_) service_->Stop();
  if (chain_reads_) chain_reads_->Stop();  // after the service: its calls are gone
  loops_.reset();                          // joins the session threads
  if (redeemer_) redeemer_->Stop();
  if (onchain_) onchain_->Stop();
  if (cli_) cli_->Stop();
  Metrics::SetGlobal(nullptr);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Node>> Node::Create(NodeConfig config) {
  auto node = std::make_unique<NodeImpl>(std::move(config));
  if (auto s = node->Init(); !s.ok()) return s;
  return std::unique_ptr<Node>(std::move(node));
}

}  // namespace baton::node

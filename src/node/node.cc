#include "node/node.h"

#include <malloc.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/metrics.h"
#include "eth/account.h"
#include "ledger/ticket_ledger.h"
#include "net/server.h"
#include "node/ai_wiring.h"
#include "node/onchain.h"
#include "node/version.h"
#include "operator/access_guard.h"
#include "operator/form_params.h"
#include "operator/operator_api.h"
#include "operator/operator_chain_api.h"
#include "operator/settings_api.h"
#include "operator/status_page.h"
#include "orchestrator/account_identity.h"
#include "orchestrator/admission.h"
#include "orchestrator/ai_handler.h"
#include "orchestrator/ai_workers.h"
#include "orchestrator/capabilities.h"
#include "orchestrator/grpc_services.h"
#include "orchestrator/media_store.h"
#include "orchestrator/orchestrator_metrics.h"
#include "orchestrator/orchestrator_service.h"
#include "orchestrator/priced_payment_terms.h"
#include "orchestrator/segment_handler.h"
#include "orchestrator/transcoder_endpoints.h"
#include "orchestrator/transcoder_pool.h"
#include "pm/balances.h"
#include "pm/in_memory_chain_facts.h"
#include "pm/payment_decoder.h"
#include "pm/pending_float.h"
#include "pm/price_book.h"
#include "redeem/redeemer.h"
#include "transcode/calibration.h"
#include "transcode/capabilities.h"
#include "transcode/ffmpeg_log.h"
#include "worker/capacity_model.h"
#include "worker/executor.h"
#include "worker/local_transcoder.h"
#include "worker/session_loops.h"

namespace baton::node {
namespace {

using namespace baton::orchestrator;  // the node is mostly an orchestrator

std::string Hostname() {
  char buf[256] = {0};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

// How many sessions the in-process transcoder takes when the transcoder pool balances it with
// remote ones, as first reported: -maxSessions, or with auto the provisional capacity. The pool
// then reads the CapacityModel's live figure (CreateTranscoderPool).
int LocalCapacity(const NodeConfig& config) {
  if (!config.transcoder) return 0;
  return config.max_sessions_auto ? worker::CapacityModel::Options{}.provisional
                                  : config.max_sessions;
}

// How many sessions the node takes: none without a worker; -maxSessions auto is the local
// transcoder's measured capacity (the CapacityModel, wired in Init), else -maxSessions; remote
// transcoders add theirs as they register (NodeImpl::UpdateCapacity).
int SessionCapacity(const NodeConfig& config) {
  if (!config.transcoder) return 0;
  return config.max_sessions_auto ? 0 : config.max_sessions;
}

// A session loop idle this long ends and its results and memory go (go-livepeer waits 70 s,
// for its hardware sessions; a software session keeps nothing worth waiting for).
constexpr std::chrono::seconds kSessionLoopIdle{20};

// Free heap pages go back to the system (glibc keeps them in its arenas otherwise): after a
// session ends and whenever the last segment in flight is done.
void ReturnFreeMemory() { malloc_trim(0); }

int Cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
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

// go-livepeer's node_id label: "<-ethAcctAddr>-<hostname>", or the hostname alone.
std::string MetricsNodeId(const NodeConfig& config) {
  return config.eth_acct_addr.empty() ? Hostname() : config.eth_acct_addr + "-" + Hostname();
}

// Whether `requested` constrains a (capability, model) pair one of `models` serves.
bool NamesServedModel(const net::Capabilities& requested,
                      const std::vector<ai::ModelState>& models) {
  for (const auto& [cap, per_cap] : requested.constraints().percapability())
    for (const auto& [model, constraint] : per_cap.models())
      for (const ai::ModelState& m : models)
        if (m.model_id == model && PipelineToCapability(m.pipeline) == static_cast<int>(cap))
          return true;
  return false;
}

class NodeImpl : public Node {
 public:
  explicit NodeImpl(NodeConfig config)
      : config_(std::move(config)),
        metrics_(MetricsNodeId(config_), "orch"),
        sessions_(SessionCapacity(config_)) {}
  ~NodeImpl() override {
    if (calibration_.joinable()) calibration_.join();
  }

  absl::Status Init();
  absl::Status OpenAccount();
  void AddMetricsCollectors();
  void CreateRedeemer(uint64_t redeem_gas);
  absl::Status Start() override;
  void Stop() override;
  int service_port() const override { return service_ ? service_->port() : 0; }
  int cli_port() const override { return cli_ ? cli_->port() : 0; }

 private:
  net::Capabilities Capabilities() const {
    net::Capabilities caps = MakeCapabilities(AllCapabilities(), kCapabilityVersion);
    if (ai_) AddAiModels(caps, ai_->runners->Models());
    return caps;
  }
  // The node's own features and local codecs, plus what its remote transcoders bring.
  std::set<int> AllCapabilities() const {
    std::set<int> all = capabilities_;
    if (pool_) {
      for (int c : pool_->capabilities()) all.insert(c);
    }
    return all;
  }
  void CreateTranscoderPool();
  void UpdateCapacity();
  std::string TranscodersJson() const;
  std::string AiWorkersJson() const;
  absl::Status InitAi();
  nlohmann::json CapacityStatus() const;
  void RefreshCapacityMetrics();
  void StartCalibration();

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
  std::unique_ptr<worker::Executor> chain_reads_;
  std::unique_ptr<pm::Recipient> recipient_;
  std::unique_ptr<PricedPaymentTerms> terms_;
  std::set<int> capabilities_;
  std::unique_ptr<OrchestratorService> orchestrator_;
  std::unique_ptr<Admission> admission_;
  // Results wait for their gateway's download: seconds. Bounded in bytes and in age.
  MediaStore store_{256u << 20, 12, std::chrono::seconds(30)};
  std::unique_ptr<worker::CapacityModel> capacity_;      // with -transcoder only
  std::unique_ptr<worker::LocalTranscoder> transcoder_;  // with -transcoder only
  // With -orchSecret: local and remote transcoders behind one SegmentTranscoder.
  std::unique_ptr<TranscoderPool> pool_;
  std::atomic<int> configured_max_sessions_{0};  // -maxSessions or /setMaxSessions
  std::thread calibration_;                      // -maxSessions auto, at start
  std::unique_ptr<worker::SessionLoops> loops_;
  std::unique_ptr<SegmentHandler> segments_;
  // With -orchSecret: remote AI workers (doc/wire.md 5.2); before ai_, whose runners use it.
  std::unique_ptr<RemoteAiWorkers> remote_ai_;
  std::optional<AiWorker> ai_;  // with -aiWorker or remote AI workers
  std::unique_ptr<AiHandler> ai_handler_;
  std::unique_ptr<worker::Executor> ai_executor_;  // runner calls; joined before ai_ goes
  std::unique_ptr<http::Server> service_;
  ops::OperatorAccess cli_access_;  // outlives cli_: the cookie is removed after it stops
  std::unique_ptr<http::Server> cli_;
  // Last, so they are joined first: their tasks use the members above.
  // Payments (a winning ticket's ledger fsync) run here, off the loop threads.
  worker::Executor payment_executor_{{"payment executor", 4, 4096}};
  // Operator requests that wait for the chain (a redemption, a transaction's receipt).
  worker::Executor operator_executor_{{"operator executor", 2, 64}};
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
  if (config_.monitor && recipient_) {
    terms_->set_metrics(
        &metrics_, chain_facts_ ? static_cast<const pm::ChainFacts*>(chain_facts_.get()) : &chain_);
  }
  if (!config_.nvidia.empty()) {
    if (auto s = transcode::ProbeNvidia(config_.nvidia); !s.ok())
      return absl::FailedPreconditionError("-nvidia " + config_.nvidia + ": " +
                                           std::string(s.message()));
  }
  transcode::RouteFfmpegLogs(config_.verbosity);  // FFmpeg's log lines through spdlog
  capabilities_ = OrchestratorFeatureCapabilities();
  if (config_.transcoder) {
    worker::CapacityModel::Options capacity_options;
    capacity_options.cores = Cores();
    capacity_ = std::make_unique<worker::CapacityModel>(capacity_options);
    if (!config_.max_sessions_auto) capacity_->SetFixed(config_.max_sessions);
    capacity_->OnChange([this](int sessions) {
      auto s = capacity_->Current();
      spdlog::info("session capacity {} ({}: {})", sessions, s.reason, s.detail);
    });
    sessions_.set_capacity_source([this] { return capacity_->Current().sessions; },
                                  [this] { return capacity_->CheckNewSession(); });
    transcoder_ = std::make_unique<worker::LocalTranscoder>(capacity_.get());
    for (int c : transcode::SoftwareCapabilities()) capabilities_.insert(c);
  } else if (config_.orch_secret.empty()) {
    spdlog::warn(
        "No transcoder attached: without -transcoder or -orchSecret (for remote transcoders) this "
        "node has no transcode capacity and refuses every session (OrchestratorCapped)");
  }
  configured_max_sessions_ = config_.max_sessions;
  if (!config_.orch_secret.empty()) CreateTranscoderPool();

  OrchestratorServiceDeps deps;
  deps.identity = identity_.get();
  deps.tokens = &tokens_;
  deps.sessions = &sessions_;
  deps.terms = terms_.get();
  deps.capabilities = [this] { return Capabilities(); };
  deps.service_uri = config_.service_uri;
  deps.nodes = config_.nodes;
  deps.end_session = [this](const std::string& session) { loops_->End(session); };
  if (!config_.orch_secret.empty()) {
    remote_ai_ = std::make_unique<RemoteAiWorkers>(RemoteAiWorkersOptions{
        config_.service_uri, &store_, config_.orch_secret, kLivepeerCompatibleVersion, nullptr});
  }
  if (config_.ai.worker || remote_ai_) {
    if (auto s = InitAi(); !s.ok()) return s;
    // AI results stay downloadable 10 minutes, as go-livepeer keeps a request's store
    // (aiWorkerResultsTimeout), within -aiResultsMaxMB.
    store_.SetKeptLimits(static_cast<size_t>(config_.ai.results_max_mb) << 20,
                         std::chrono::minutes(10));
    deps.ai_price = [this](const std::string& sender,
                           const net::Capabilities& requested) -> std::optional<net::PriceInfo> {
      if (auto priced = ai_->prices.PriceFor(sender, requested)) return priced;
      // A model served here without a price of its own (a remote worker's) is quoted the
      // transcode price, as the AI routes will charge it.
      if (!NamesServedModel(requested, ai_->runners->Models())) return std::nullopt;
      auto info = pm::ToPriceInfo(ai_->prices.TranscodePrice(sender));
      if (!info.ok()) return std::nullopt;
      return *std::move(info);
    };
    deps.ai_prices = [this](const std::string& sender) { return ai_->prices.All(sender); };
    deps.ai_hardware = [this, hardware = AiHardware(*ai_)] {
      auto all = hardware;
      if (remote_ai_)
        for (net::HardwareInformation& h : remote_ai_->Hardware()) all.push_back(std::move(h));
      return all;
    };
  }
  orchestrator_ = std::make_unique<OrchestratorService>(std::move(deps));

  worker::SessionLoops::Options loop_options;
  loop_options.idle_timeout = kSessionLoopIdle;
  loop_options.on_end = [this](const std::string& session) {
    if (pool_) {
      pool_->EndSession(session);  // the local transcoder's too
    } else if (transcoder_) {
      transcoder_->EndSession(session);
    }
    store_.RemoveDirectory(session);
    sessions_.Release(session);
    ReturnFreeMemory();
  };
  loop_options.on_idle = ReturnFreeMemory;
  loops_ = std::make_unique<worker::SessionLoops>(loop_options);
  admission_ = std::make_unique<Admission>(AdmissionDeps{
      orchestrator_.get(), recipient_.get(), &balances_, &metrics_, &payment_executor_});
  segments_ = std::make_unique<SegmentHandler>(SegmentHandlerDeps{
      admission_.get(), &store_, loops_.get(),
      pool_ ? static_cast<worker::SegmentTranscoder*>(pool_.get()) : transcoder_.get(), &metrics_});
  DefineOrchestratorMetrics(metrics_, kVersion, sessions_.max());
  metrics_.DefineGauge("livepeer_transcoders_number", "Number of remote transcoders");
  metrics_.DefineGauge("livepeer_transcoders_capacity", "Total advertised capacity of transcoders");
  metrics_.DefineGauge("livepeer_transcoders_load", "Total load of transcoders");
  metrics_.DefineCounter("livepeer_segment_transcoded_downloaded_total",
                         "Results downloaded from remote transcoders");
  metrics_.DefineHistogram("livepeer_download_time_seconds",
                           "Time to receive a remote transcoder's results",
                           {.1, .25, .5, .75, 1, 2, 3, 5, 10});
  for (const char* g : {"livepeer_transcoders_number", "livepeer_transcoders_capacity",
                        "livepeer_transcoders_load"})
    metrics_.Set(g, 0);
  metrics_.DefineGauge("baton_session_capacity", "Sessions the node takes now (see reason)");
  metrics_.DefineGauge("baton_session_capacity_reason",
                       "1 for the reason behind baton_session_capacity, else 0");
  metrics_.DefineGauge("baton_session_realtime_ratio",
                       "Running sessions' transcode time / content duration, recent segments");
  metrics_.DefineGauge("baton_session_cpu_seconds_per_content_second",
                       "CPU one session needs per second of its content (measured)");
  if (ai_) {
    DefineAiMetrics(metrics_);
    AiHandlerDeps ai_deps{admission_.get(),   &store_,  ai_->runners.get(), &ai_->prices,
                          ai_executor_.get(), &metrics_};
    ai_deps.timeout = config_.ai.request_timeout;
    ai_handler_ = std::make_unique<AiHandler>(ai_deps);
    ai_handler_->UpdateRunnerGauges();
  }
  return absl::OkStatus();
}

absl::Status NodeImpl::InitAi() {
  auto worker = StartAiWorker(config_, remote_ai_.get());
  if (!worker.ok()) return worker.status();
  ai_.emplace(*std::move(worker));
  // A model without a price of its own costs the transcode price (go-livepeer's priceInfo).
  ai_->prices.SetTranscodePrice([this](const std::string& sender) {
    auto info = terms_->Price(sender, "");
    auto price = info.ok() ? pm::PriceInfoToRat(*info) : absl::StatusOr<pm::Rat>(info.status());
    return price.ok() ? *price : pm::Rat(0);
  });
  for (const ai::ModelState& m : ai_->runners->Models())
    capabilities_.insert(PipelineToCapability(m.pipeline));
  // A thread per runner slot (runner calls block), and a queue for bursts beyond that.
  // Remote AI workers' capacity is not known in advance: room for 16 of their jobs at once.
  const int threads = std::clamp(ai_->capacity + 2 + (remote_ai_ ? 16 : 0), 4, 64);
  ai_executor_ = std::make_unique<worker::Executor>(
      worker::Executor::Options{"ai executor", threads, 1024, /*drop_queued_on_stop=*/true});
  return absl::OkStatus();
}

void NodeImpl::CreateTranscoderPool() {
  TranscoderPoolOptions options;
  options.service_uri = config_.service_uri;
  options.orch_id = account_ ? account_->address().Hex() : "offchain";
  options.store = &store_;
  options.local = transcoder_.get();
  options.local_capacity = LocalCapacity(config_);
  if (capacity_) {  // the local share follows the measured (or /setMaxSessions) capacity
    options.local_capacity_source = [this] { return capacity_->Current().sessions; };
    options.local_check = [this] { return capacity_->CheckNewSession(); };
  }
  options.local_capabilities = capabilities_;
  options.version = kCapabilityVersion;
  options.on_change = [this] { UpdateCapacity(); };
  pool_ = std::make_unique<TranscoderPool>(std::move(options));
  // A local transcoder behind real time refuses new sessions; remote room still takes them.
  sessions_.set_remote_room([this] { return pool_->remote_room() > 0; });
  spdlog::info("Accepting remote transcoders (-orchSecret set){}",
               transcoder_ ? ", balanced with the local transcoder" : "");
  UpdateCapacity();
}

// Remote transcoders add their capacity to the node's; without a local transcoder a fixed
// -maxSessions caps what they add (with auto, they are the capacity).
void NodeImpl::UpdateCapacity() {
  if (!pool_) return;
  int remote = 0;
  for (const auto& w : pool_->Workers()) remote += w.local ? 0 : w.capacity;
  if (!config_.transcoder && !config_.max_sessions_auto)
    remote = std::min(configured_max_sessions_.load(), remote);
  sessions_.set_remote_capacity(remote);
}

// /status's RegisteredAIWorkers: each remote AI worker's address, connection time and models.
std::string NodeImpl::AiWorkersJson() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& w : remote_ai_->Workers()) {
    nlohmann::json models = nlohmann::json::array();
    for (const ai::ModelState& m : w.models)
      models.push_back({{"Pipeline", m.pipeline},
                        {"ModelID", m.model_id},
                        {"Capacity", m.capacity},
                        {"InUse", m.in_use},
                        {"Warm", m.warm}});
    out.push_back({{"Address", w.address},
                   {"ConnectedSince", std::chrono::duration_cast<std::chrono::seconds>(
                                          w.connected_since.time_since_epoch())
                                          .count()},
                   {"Models", std::move(models)}});
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string NodeImpl::TranscodersJson() const {
  std::string out = "[";
  if (pool_) {
    for (const auto& w : pool_->Workers()) {
      if (w.local)
        continue;  // go-livepeer lists remote transcoders; LocalTranscoding says the rest
      std::string caps;
      for (int c : w.capabilities) caps += (caps.empty() ? "\"" : ",\"") + CapabilityName(c) + "\"";
      const auto since =
          std::chrono::duration_cast<std::chrono::seconds>(w.connected_since.time_since_epoch())
              .count();
      out += (out.size() > 1 ? "," : "") + std::string("{\"Address\":\"") + w.address +
             "\",\"Capacity\":" + std::to_string(w.capacity) +
             ",\"Load\":" + std::to_string(w.load) +
             ",\"ConnectedSince\":" + std::to_string(since) + ",\"Capabilities\":[" + caps + "]}";
    }
  }
  return out + "]";
}

nlohmann::json NodeImpl::CapacityStatus() const {
  if (!capacity_) return {{"Sessions", 0}, {"Reason", "no transcoder attached"}};
  auto s = capacity_->Current();
  return {{"Sessions", s.sessions},
          {"Reason", s.reason},
          {"Detail", s.detail},
          {"RealtimeRatio", s.recent_ratio},
          {"RecentSessions", s.recent_sessions},
          {"CpuPerContentSecond", s.cpu_per_content_s},
          {"Cores", s.cores},
          {"CalibratedCpuPerContentSecond", s.calibrated_cpu_per_content_s},
          {"CalibratedCores", s.calibrated_cores}};
}

void NodeImpl::RefreshCapacityMetrics() {
  if (!capacity_) return;
  auto s = capacity_->Current();
  metrics_.Set("baton_session_capacity", s.sessions);
  for (const char* reason : {"configured", "provisional", "calibrated", "measured", "behind"})
    metrics_.Set("baton_session_capacity_reason", s.reason == reason ? 1 : 0, {{"reason", reason}});
  metrics_.Set("baton_session_realtime_ratio", s.recent_ratio);
  metrics_.Set("baton_session_cpu_seconds_per_content_second", s.cpu_per_content_s);
}

// -maxSessions auto: a few seconds of transcoding the default ladder, one session per core,
// off the start-up path; until it ends the capacity is provisional.
void NodeImpl::StartCalibration() {
  if (!capacity_ || !capacity_->is_auto()) return;
  calibration_ = std::thread([this] {
    const int cores = Cores();
    auto result = transcode::Calibrate(transcode::CalibrationClip(), cores);
    if (!result.ok()) {
      spdlog::warn("transcoder calibration failed ({}); the capacity is measured from sessions",
                   std::string(result.status().message()));
      return;
    }
    spdlog::info(
        "transcoder calibration: {} sessions of 720p -> 240p+360p took {:.2f} s for {:.0f} s of "
        "content each (real-time ratio {:.2f}), {:.3f} core-s per content-s, {:.2f} cores",
        result->sessions, result->wall_s, transcode::CalibrationClip().seconds,
        result->realtime_ratio, result->cpu_per_content_s, result->cores);
    capacity_->SetCalibration({result->cpu_per_content_s, result->cores, result->realtime_ratio});
    ReturnFreeMemory();
  });
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
  hooks.gas_spent = [this](uint64_t gas_used, const crypto::U256& gas_price) {
    metrics_.Add("baton_redemption_gas_used_total", static_cast<double>(gas_used));
    metrics_.Add("baton_redemption_gas_cost_gwei_total",
                 Gwei(static_cast<double>(gas_price) * static_cast<double>(gas_used)));
  };
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
    spdlog::warn("offchain with an account: tickets are verified but never redeemed");
    TrustEverySenderOffchain(chain_, account_->address());
  }
  return absl::OkStatus();
}

// Series read from their owners when /metrics is scraped (orchestrator/orchestrator_metrics.h).
void NodeImpl::AddMetricsCollectors() {
  metrics_.AddCollector([this] {
    const pm::Rat& price = prices_->default_price();
    metrics_.Set("livepeer_transcoding_price", price.convert_to<double>());
  });
  if (ledger_) {
    metrics_.AddCollector([this] {
      auto counts = ledger_->Counts();
      auto values = ledger_->FaceValues();
      if (!counts.ok() || !values.ok()) return;  // the last values stay
      const std::pair<const char*, std::pair<int64_t, crypto::U256>> states[] = {
          {"queued", {counts->queued, values->queued}},
          {"submitted", {counts->submitted, values->submitted}},
          {"redeemed", {counts->redeemed, values->redeemed}},
          {"failed", {counts->failed, values->failed}},
          {"expired", {counts->expired, values->expired}}};
      for (const auto& [state, n] : states) {
        metrics_.Set("baton_ticket_ledger_tickets", static_cast<double>(n.first),
                     {{"state", state}});
        metrics_.Set("baton_ticket_ledger_face_value_gwei", Gwei(static_cast<double>(n.second)),
                     {{"state", state}});
      }
      metrics_.Set("baton_ticket_face_value_waiting_gwei",
                   Gwei(static_cast<double>(values->queued + values->submitted)));
    });
  }
  if (onchain_) {
    metrics_.AddCollector([this] {
      const eth::GasPriceMonitor& gas = *onchain_->gas();
      metrics_.Set("livepeer_suggested_gas_price", Gwei(static_cast<double>(gas.GasPrice())));
      metrics_.Set("livepeer_min_gas_price", Gwei(static_cast<double>(gas.MinGasPrice())));
      metrics_.Set("livepeer_max_gas_price",
                   Gwei(static_cast<double>(gas.MaxGasPrice().value_or(0))));
      metrics_.SetCounter("livepeer_reward_call_errors",
                          static_cast<double>(onchain_->duty_counters().reward_errors));
    });
  }
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
    // Work still queued at Stop is dropped: its gRPC responders and writers end their calls.
    chain_reads_ = std::make_unique<worker::Executor>(
        worker::Executor::Options{"chain read pool", 4, 1024, /*drop_queued_on_stop=*/true});
    chain_reads = {chain_facts_.get(), chain_reads_.get()};
  }
  RegisterOrchestratorService(orchestrator_.get(), service_->grpc(), chain_reads);
  if (pool_) {
    RegisterTranscoderEndpoints({pool_.get(), config_.orch_secret, kCapabilityVersion, &metrics_},
                                service_->grpc(), service_->router());
  }
  segments_->Register(service_->router(), chain_reads);
  if (remote_ai_) remote_ai_->Register(service_->grpc(), service_->router());
  if (ai_handler_) ai_handler_->Register(service_->router());
  service_->router().Handle("/healthz", {"GET"}, [](http::HttpRequest, auto response) {
    response->Respond(200, "text/plain", "");
  });

  http::ServerOptions cli_options;
  cli_options.bind_address = config_.cli_bind.ToString();
  cli_options.tls = false;
  cli_options.worker_threads = 1;
  cli_options.max_body_bytes = ops::kMaxFormBodyBytes;
  cli_ = std::make_unique<http::Server>(cli_options);
  auto access = ops::InstallOperatorAccess(config_.cli_bind.host, config_.cli_bind.port,
                                           config_.cli_auth, config_.data_dir, cli_->router());
  if (!access.ok()) return access.status();
  cli_access_ = std::move(*access);
  ops::RegisterStatusPage(cli_->router());  // GET /, /status.html: a page, not an API route
  AddMetricsCollectors();                   // before the operator port serves /metrics
  ops::OperatorState state;
  state.facts = {
      kVersion,           config_.transcoder ? "orchestrator+transcoder" : "orchestrator",
      config_.network,    config_.service_uri,
      config_.transcoder, kLivepeerCompatibleVersion,
      kCapabilityVersion};
  state.sessions = &sessions_;
  state.metrics = config_.monitor ? &metrics_ : nullptr;
  state.capabilities = [this] { return AllCapabilities(); };
  if (pool_) {
    state.transcoders_json = [this] { return TranscodersJson(); };
    state.refresh_metrics = [this] {
      int number = 0, capacity = 0, load = 0;
      for (const auto& w : pool_->Workers()) {
        if (w.local) continue;  // go-livepeer counts remote transcoders only
        ++number;
        capacity += w.capacity;
        load += w.load;
      }
      metrics_.Set("livepeer_transcoders_number", number);
      metrics_.Set("livepeer_transcoders_capacity", capacity);
      metrics_.Set("livepeer_transcoders_load", load);
    };
  }
  if (remote_ai_) {
    metrics_.DefineGauge("baton_ai_workers_number", "Remote AI workers attached");
    metrics_.Set("baton_ai_workers_number", 0);
    state.ai_workers_json = [this] { return AiWorkersJson(); };
    state.refresh_metrics = [this, transcoders = state.refresh_metrics] {
      metrics_.Set("baton_ai_workers_number", remote_ai_->count());
      if (transcoders) transcoders();
    };
  }
  state.address_hex = [this] { return account_ ? account_->address().ChecksumHex() : ""; };
  state.ledger = ledger_.get();
  state.redeemer = redeemer_.get();
  state.executor = &operator_executor_;
  state.prices = &*prices_;
  state.chain_id = onchain_ ? onchain_->chain_id() : 0;
  if (onchain_) state.current_round = [this] { return onchain_->watcher().CurrentRound(); };
  state.capacity = [this] { return CapacityStatus(); };
  state.refresh_metrics = [this, transcoders = state.refresh_metrics] {
    RefreshCapacityMetrics();
    if (transcoders) transcoders();
  };
  ops::RegisterOperatorApi(state, cli_->router());
  ops::RegisterOperatorSettings({[this](int n) {
                                   configured_max_sessions_ = n;
                                   if (capacity_) capacity_->SetFixed(n);
                                   // Without a local transcoder the limit caps the remote ones.
                                   if (pool_ && !config_.transcoder) return UpdateCapacity();
                                   sessions_.set_max(n);
                                 },
                                 &*prices_, recipient_.get()},
                                cli_->router());
  if (onchain_) {
    ops::RegisterOperatorChainApi({onchain_.get(), account_, &operator_executor_, &*prices_},
                                  cli_->router());
  } else {
    ops::RegisterOffchainChainStubs(cli_->router());
  }

  StartCalibration();
  auto port = service_->Start();
  if (!port.ok())
    return absl::UnavailableError("service port " + service_options.bind_address + ": " +
                                  std::string(port.status().message()));
  auto cli_port = cli_->Start();
  if (!cli_port.ok())
    return absl::UnavailableError("operator port " + cli_options.bind_address + ": " +
                                  std::string(cli_port.status().message()));
  if (auto s = cli_access_.Started(*cli_port); !s.ok()) return s;
  spdlog::info("Serving gateways at {} (listening on {}, {})", config_.service_uri,
               service_options.bind_address, config_.service_tls ? "TLS" : "cleartext");
  spdlog::info("Operator API on http://{}", cli_options.bind_address);
  return absl::OkStatus();
}

void NodeImpl::Stop() {
  if (pool_) pool_->Shutdown();        // remote transcoders' streams end; waiting segments fail
  if (remote_ai_) remote_ai_->Stop();  // remote AI workers' streams end; waiting jobs fail
  if (service_) service_->Stop();
  if (chain_reads_) chain_reads_->Stop();  // after the service: its calls are gone
  if (ai_) ai_->runners->Stop();           // new borrows fail; managed runners go away
  if (ai_executor_) ai_executor_->Stop();  // requests under way end by their deadline
  payment_executor_.Stop();                // payments under way finish (their tickets are stored)
  loops_.reset();                          // joins the session threads
  if (calibration_.joinable()) calibration_.join();
  if (cli_) cli_->Stop();
  cli_access_.cookie.reset();  // removes the operator token's file
  if (redeemer_) redeemer_->Stop();
  operator_executor_.Stop();  // transactions waiting for receipts give up
  if (onchain_) onchain_->Stop();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Node>> Node::Create(NodeConfig config) {
  // glibc gives each busy thread its own arena (up to 8 per core), and transcoding starts
  // threads per segment: freed frames end up scattered over many arenas that trimming cannot
  // empty. Two arenas keep the resident memory after calibration at +10 MB instead of +45
  // (measured; jemalloc with fast decay did no better).
  mallopt(M_ARENA_MAX, 2);
  auto node = std::make_unique<NodeImpl>(std::move(config));
  if (auto s = node->Init(); !s.ok()) return s;
  return std::unique_ptr<Node>(std::move(node));
}

}  // namespace baton::node

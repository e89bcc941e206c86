#include "node/node_config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "node/compat_flags.h"

namespace baton::node {
namespace {

constexpr int kDefaultServicePort = 8935;
constexpr int kDefaultCliPort = 7935;
constexpr int kDefaultTranscoderCliPort = 6935;  // a standalone transcoder's operator port
constexpr int kDefaultAiWorkerCliPort = 4935;    // a standalone AI worker's (go-livepeer's)

absl::Status FlagError(const std::string& flag, const std::string& why) {
  return absl::InvalidArgumentError("invalid value for flag -" + flag + ": " + why);
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t end = s.find(',', pos);
    std::string item = s.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (!item.empty()) out.push_back(item);
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return out;
}

// Splits an optional scheme off: "https://h:p" → ("https", "h:p").
std::pair<std::string, std::string> SplitScheme(const std::string& s) {
  size_t p = s.find("://");
  if (p == std::string::npos) return {"", s};
  std::string rest = s.substr(p + 3);
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  return {s.substr(0, p), rest};
}

absl::Status LoadAddresses(const FlagSet& f, NodeConfig& c) {
  auto [svc_scheme, svc_hostport] = SplitScheme(f.GetString("serviceAddr"));
  auto [http_scheme, http_hostport] = SplitScheme(f.GetString("httpAddr"));
  if (!svc_scheme.empty() && svc_scheme != "https" && svc_scheme != "http")
    return FlagError("serviceAddr", "scheme must be https or http");
  if (!http_scheme.empty() && http_scheme != "https" && http_scheme != "http")
    return FlagError("httpAddr", "scheme must be https or http");
  auto service = ParseHostPort(svc_hostport, kDefaultServicePort, "", "serviceAddr");
  if (!service.ok()) return service.status();
  if (service->host.empty()) return FlagError("serviceAddr", "a host is required");
  c.service_tls = http_scheme != "http";
  std::string scheme = svc_scheme.empty() ? (c.service_tls ? "https" : "http") : svc_scheme;
  c.service_uri = scheme + "://" + service->ToString();
  if (http_hostport.empty()) {
    // go-livepeer binds all interfaces on the service port when -httpAddr is empty.
    c.service_bind = HostPort{"0.0.0.0", service->port};
  } else {
    auto bind = ParseHostPort(http_hostport, service->port, "0.0.0.0", "httpAddr");
    if (!bind.ok()) return bind.status();
    c.service_bind = *bind;
  }
  const bool standalone_transcoder = c.transcoder && !c.orchestrator;
  const bool standalone_ai_worker = f.GetBool("aiWorker") && !c.orchestrator;
  const int cli_port = standalone_transcoder  ? kDefaultTranscoderCliPort
                       : standalone_ai_worker ? kDefaultAiWorkerCliPort
                                              : kDefaultCliPort;
  auto cli =
      ParseHostPort(f.IsSet("cliAddr") || cli_port == kDefaultCliPort ? f.GetString("cliAddr") : "",
                    cli_port, "127.0.0.1", "cliAddr");
  if (!cli.ok()) return cli.status();
  c.cli_bind = *cli;
  // -orchAddr is a comma list of which the first is used, default host 127.0.0.1.
  std::vector<std::string> orch = SplitComma(f.GetString("orchAddr"));
  auto [orch_scheme, orch_hostport] = SplitScheme(orch.empty() ? "" : orch.front());
  auto orch_addr = ParseHostPort(orch_hostport, kDefaultServicePort, "127.0.0.1", "orchAddr");
  if (!orch_addr.ok()) return orch_addr.status();
  c.orch_addr = *orch_addr;
  return absl::OkStatus();
}

// -orchSecret: a file's content (surrounding whitespace trimmed) when it names a file.
std::string SecretValueOrFile(const std::string& value) {
  std::error_code ec;
  if (value.empty() || !std::filesystem::is_regular_file(value, ec)) return value;
  std::ifstream in(value);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const char* space = " \t\r\n";
  size_t begin = text.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(space) - begin + 1);
}

absl::Status LoadSessions(const FlagSet& f, NodeConfig& c) {
  std::string v = f.GetString("maxSessions");
  if (v == "auto") {  // the capacity of the attached workers, decided when they are attached
    c.max_sessions_auto = true;
    c.max_sessions = 0;
    return absl::OkStatus();
  }
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n <= 0 || n > 1000000)
    return FlagError("maxSessions", "must be \"auto\" or a positive integer, got \"" + v + "\"");
  c.max_sessions = static_cast<int>(n);
  return absl::OkStatus();
}

// Service-port limits (net/server.h). Durations are Go durations; 0 turns a cap or floor off.
absl::Status LoadServiceLimits(const FlagSet& f, NodeConfig& c) {
  NodeConfig::ServiceLimits& limits = c.service_limits;
  for (auto [flag, out] : {std::pair{"tlsHandshakeTimeout", &limits.tls_handshake_timeout},
                           std::pair{"readHeaderTimeout", &limits.read_header_timeout},
                           std::pair{"idleTimeout", &limits.idle_timeout}}) {
    const double seconds = f.GetDurationSeconds(flag);
    if (seconds <= 0 || seconds > 86400) return FlagError(flag, "must be between 1ms and 24h");
    *out = std::chrono::milliseconds(std::max<int64_t>(1, static_cast<int64_t>(seconds * 1000)));
  }
  for (const char* flag : {"minBodyRate", "maxConns", "maxConnsPerIP"}) {
    if (f.GetInt(flag) < 0) return FlagError(flag, "must not be negative");
  }
  limits.min_body_rate = static_cast<uint64_t>(f.GetInt("minBodyRate"));
  limits.max_conns = static_cast<size_t>(f.GetInt("maxConns"));
  limits.max_conns_per_ip = static_cast<size_t>(f.GetInt("maxConnsPerIP"));
  return absl::OkStatus();
}

// -aiWorker and its flags (doc/ai.md 3). The model list itself is checked by the node.
absl::Status LoadAi(const FlagSet& f, NodeConfig& c) {
  NodeConfig::Ai& ai = c.ai;
  ai.worker = f.GetBool("aiWorker");
  ai.models = f.GetString("aiModels");
  ai.models_dir = f.GetString("aiModelsDir");
  if (ai.models_dir.empty()) ai.models_dir = c.data_dir + "/models";
  ai.runner_image = f.GetString("aiRunnerImage");
  ai.runner_image_overrides = f.GetString("aiRunnerImageOverrides");
  const double timeout = f.GetDurationSeconds("aiRequestTimeout");
  if (timeout <= 0 || timeout > 3600)
    return FlagError("aiRequestTimeout", "must be between 1ms and 1h");
  ai.request_timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout * 1000));
  const int64_t results_mb = f.GetInt("aiResultsMaxMB");
  if (results_mb < 1 || results_mb > (1 << 20))
    return FlagError("aiResultsMaxMB", "must be between 1 and 1048576");
  ai.results_max_mb = static_cast<int>(results_mb);
  if (ai.worker && ai.models.empty())
    return FlagError("aiModels",
                     "is required with -aiWorker (a JSON file or "
                     "pipeline:model_id[:warm],...)");
  // With -orchSecret alone the entries price the models remote AI workers serve (doc/wire.md 5.2).
  if (!ai.worker && !ai.models.empty() && c.orch_secret.empty())
    return FlagError("aiModels", "has no effect without -aiWorker or -orchSecret");
  return absl::OkStatus();
}

}  // namespace

std::string HostPort::ToString() const { return host + ":" + std::to_string(port); }

absl::StatusOr<HostPort> ParseHostPort(const std::string& text, int default_port,
                                       const std::string& default_host, const std::string& flag) {
  if (text.empty()) return HostPort{default_host, default_port};
  HostPort hp;
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || (text.front() == '[' && text.back() == ']')) {
    hp.host = text;
    hp.port = default_port;
  } else {
    hp.host = text.substr(0, colon);
    std::string port = text.substr(colon + 1);
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || p < 0 || p > 65535)
      return FlagError(flag, "bad port in \"" + text + "\"");
    hp.port = static_cast<int>(p);
  }
  if (hp.host.empty()) hp.host = default_host;
  return hp;
}

void DefineNodeFlags(FlagSet& f) {
  using K = FlagKind;
  f.Define({"config", K::kString, "", "Config file: one `name value` per line"});
  f.Define({"orchestrator", K::kBool, "false", "Run as an orchestrator"});
  f.Define(
      {"transcoder", K::kBool, "false",
       "Transcode in-process (with -orchestrator), or alone as a remote transcoder of -orchAddr"});
  f.Define({"network", K::kString, "offchain", "Network: offchain, arbitrum-one-mainnet, ..."});
  f.Define({"serviceAddr", K::kString, "127.0.0.1:8935",
            "Public host:port gateways reach (https:// is implied)"});
  f.Define({"httpAddr", K::kString, "",
            "Bind address of the service port; http://host:port serves cleartext"});
  f.Define({"cliAddr", K::kString, "127.0.0.1:7935", "Operator API bind address"});
  f.Define({"cliAuth", K::kBool, "false",
            "Require the operator token (<dataDir>/operator.cookie) on a loopback -cliAddr too"});
  f.Define({"dataDir", K::kString, "", "Data directory (default $HOME/.lpData/<network>)"});
  f.DefineAlias("datadir", "dataDir");
  f.Define({"pricePerUnit", K::kString, "0", "Price in wei per pixelsPerUnit pixels"});
  f.Define({"pixelsPerUnit", K::kString, "1", "Pixels covered by pricePerUnit"});
  f.Define({"pricePerGateway", K::kString, "",
            "JSON (or a file) of per-gateway prices: {\"gateways\":[...]}"});
  f.DefineAlias("pricePerBroadcaster", "pricePerGateway");
  f.Define({"autoAdjustPrice", K::kBool, "true",
            "Raise the quoted price by the ticket redemption overhead (1/txCostMultiplier)"});
  f.Define({"ticketEV", K::kString, "8000000000", "Expected value (wei) of each ticket"});
  f.Define({"maxFaceValue", K::kString, "0", "Cap on ticket face value (wei); 0 means none"});
  f.Define({"ethUrl", K::kString, "", "Ethereum JSON-RPC URL (required on-chain)"});
  f.Define({"ethController", K::kString, "", "Controller contract address (else the preset)"});
  f.Define({"ethKeystorePath", K::kString, "", "Keystore directory or key file"});
  f.Define({"ethAcctAddr", K::kString, "", "Account address; empty = the first in the keystore"});
  f.Define({"ethPassword", K::kString, "", "Account password, or a file holding it", true});
  f.Define({"ethOrchAddr", K::kString, "", "On-chain orchestrator address (ticket recipient)"});
  f.Define({"minGasPrice", K::kString, "0", "Minimum gas price (wei)"});
  f.Define({"maxGasPrice", K::kString, "0", "Maximum gas price (wei); 0 = none"});
  f.Define({"blockPollingInterval", K::kInt, "5", "Seconds between chain polls"});
  f.Define({"transactionTimeout", K::kDuration, "5m", "Wait for a receipt before replacing"});
  f.Define({"maxTransactionReplacements", K::kInt, "1", "Replacements of a stuck tx"});
  f.Define({"gasLimit", K::kInt, "0", "Gas limit for transactions; 0 = estimate"});
  f.Define({"reward", K::kBool, "false", "Call reward once per round (default: if registered)"});
  f.Define({"aiServiceRegistry", K::kBool, "false",
            "Use the AI subnet's ServiceRegistry (0x04C0b249740175999E5BF5c9ac1dA92431EF34C5)"});
  f.Define({"initializeRound", K::kBool, "false", "Initialize rounds"});
  f.Define({"maxSessions", K::kString, "auto",
            "Maximum concurrent transcode sessions, or auto (measured: calibration at start, "
            "then the running sessions)"});
  f.Define({"orchSecret", K::kString, "",
            "Secret shared with remote transcoders and AI workers (a value or a file holding it)",
            true});
  f.Define({"orchAddr", K::kString, "",
            "Standalone -transcoder or -aiWorker: the orchestrator's host:port to register with"});
  f.Define({"nvidia", K::kString, "", "GPU ids (comma list) or \"all\" for NVDEC/NVENC"});
  f.Define({"monitor", K::kBool, "false", "Serve Prometheus metrics on the operator port"});
  f.Define({"nodes", K::kString, "", "Comma-separated URIs of further instances to advertise"});
  // Service-port limits for clients that never authenticate.
  f.Define(
      {"tlsHandshakeTimeout", K::kDuration, "10s", "Time from accept to a done TLS handshake"});
  f.Define({"readHeaderTimeout", K::kDuration, "20s",
            "Time to send a request's headers; also the grace before -minBodyRate applies"});
  f.Define({"minBodyRate", K::kInt, "16384", "Minimum request body rate, bytes/s (0 = none)"});
  f.Define({"idleTimeout", K::kDuration, "2m", "Keep-alive: close connections idle this long"});
  f.Define({"maxConns", K::kInt, "10000", "Open service connections in all (0 = file limit)"});
  f.Define(
      {"maxConnsPerIP", K::kInt, "64", "Open service connections per IP or IPv6 /64 (0 = no cap)"});
  f.Define({"aiWorker", K::kBool, "false",
            "Serve AI requests (with -aiModels): in-process with -orchestrator, or alone as a "
            "remote AI worker of -orchAddr"});
  f.Define({"aiModels", K::kString, "",
            "AI models: a JSON file of [{pipeline, model_id, url, capacity, price_per_unit, ...}] "
            "or pipeline:model_id[:warm],..."});
  f.Define({"aiModelsDir", K::kString, "",
            "Models directory for runner containers "
            "(default <dataDir>/models)"});
  f.Define({"aiRunnerImage", K::kString, "livepeer/ai-runner:latest",
            "Default AI runner image (deprecated: -aiRunnerImageOverrides)"});
  f.Define({"aiRunnerImageOverrides", K::kString, "",
            "JSON {\"default\": image, \"batch\": {pipeline: image}, \"live\": {...}}"});
  f.Define({"aiRequestTimeout", K::kDuration, "5m",
            "Deadline of one AI request, arrival to answer (a runner that hangs gets 500)"});
  f.Define({"aiResultsMaxMB", K::kInt, "256",
            "Memory (MiB) for AI results, downloadable 10 minutes; the oldest go first beyond it"});
  f.Define({"v", K::kInt, "3", "Log verbosity 0..6"});
  f.Define({"version", K::kBool, "false", "Print the version and exit"});
}

absl::StatusOr<NodeConfig> LoadNodeConfig(const std::vector<std::string>& args,
                                          const std::map<std::string, std::string>& env,
                                          FlagSet* flags_out) {
  FlagSet local;
  FlagSet& f = flags_out ? *flags_out : local;
  DefineNodeFlags(f);
  const std::vector<std::string> compat = DefineCompatFlags(f);
  if (auto s = f.Parse(args, env); !s.ok()) return s;
  auto warnings = CheckCompatFlags(f, compat);
  if (!warnings.ok()) return warnings.status();

  NodeConfig c;
  c.flag_warnings = *std::move(warnings);
  c.orchestrator = f.GetBool("orchestrator");
  c.transcoder = f.GetBool("transcoder");
  c.network = f.GetString("network");
  c.monitor = f.GetBool("monitor");
  c.cli_auth = f.GetBool("cliAuth");
  c.nvidia = f.GetString("nvidia");
  c.verbosity = static_cast<int>(f.GetInt("v"));
  c.print_version = f.GetBool("version");
  c.price_per_unit = f.GetString("pricePerUnit");
  c.pixels_per_unit = f.GetString("pixelsPerUnit");
  c.price_per_gateway = f.GetString("pricePerGateway");
  c.auto_adjust_price = f.GetBool("autoAdjustPrice");
  c.ticket_ev = f.GetString("ticketEV");
  c.max_face_value = f.GetString("maxFaceValue");
  for (const auto& [flag, value] :
       {std::pair{"ticketEV", c.ticket_ev}, std::pair{"maxFaceValue", c.max_face_value}}) {
    if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)
      return FlagError(flag, "must be a whole number of wei, got \"" + value + "\"");
  }
  c.nodes = SplitComma(f.GetString("nodes"));
  c.non_default_flags = f.NonDefaultValues();
  if (c.verbosity < 0 || c.verbosity > 6) return FlagError("v", "must be between 0 and 6");
  if (c.network.empty()) return FlagError("network", "must not be empty");
  if (auto s = LoadAddresses(f, c); !s.ok()) return s;
  c.orch_secret = SecretValueOrFile(f.GetString("orchSecret"));
  if (auto s = LoadSessions(f, c); !s.ok()) return s;
  if (auto s = LoadServiceLimits(f, c); !s.ok()) return s;

  c.data_dir = f.GetString("dataDir");
  if (c.data_dir.empty()) {
    const char* home = std::getenv("HOME");
    c.data_dir = std::string(home ? home : ".") + "/.lpData/" + c.network;
  }
  c.eth_keystore_path = f.GetString("ethKeystorePath");
  c.eth_acct_addr = f.GetString("ethAcctAddr");
  c.eth_password = f.GetString("ethPassword");
  c.eth_url = f.GetString("ethUrl");
  c.eth_controller = f.GetString("ethController");
  c.use_account = c.network != "offchain" || f.IsSet("ethKeystorePath") || f.IsSet("ethAcctAddr") ||
                  f.IsSet("ethPassword");
  if (c.eth_keystore_path.empty()) c.eth_keystore_path = c.data_dir + "/keystore";
  c.eth_orch_addr = f.GetString("ethOrchAddr");
  for (auto [flag, out] :
       {std::pair{"minGasPrice", &c.min_gas_price}, std::pair{"maxGasPrice", &c.max_gas_price}}) {
    auto v = crypto::U256FromDecimal(f.GetString(flag));
    if (!v.ok()) return FlagError(flag, "must be a whole number of wei");
    *out = *v;
  }
  if (f.GetInt("blockPollingInterval") <= 0)
    return FlagError("blockPollingInterval", "must be a positive number of seconds");
  c.block_polling_interval = std::chrono::seconds(f.GetInt("blockPollingInterval"));
  c.transaction_timeout = std::chrono::milliseconds(
      static_cast<int64_t>(f.GetDurationSeconds("transactionTimeout") * 1000));
  c.max_transaction_replacements = static_cast<int>(f.GetInt("maxTransactionReplacements"));
  c.gas_limit = static_cast<uint64_t>(std::max<int64_t>(0, f.GetInt("gasLimit")));
  c.reward = f.GetBool("reward");
  c.reward_set = f.IsSet("reward");
  c.initialize_round = f.GetBool("initializeRound");
  c.ai_service_registry = f.GetBool("aiServiceRegistry");
  if (auto s = LoadAi(f, c); !s.ok()) return s;
  return c;
}

}  // namespace baton::node

// The node's configuration: every flag baton accepts, declared once, and the typed,
// validated values the rest of the node reads.
//
// DefineNodeFlags declares go-livepeer's flag names and defaults (doc/ops.md section 1);
// LoadNodeConfig parses argv/env/config file and validates, naming the flag in every error.
// Plain data once loaded; safe to share read-only between threads.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/flags.h"
#include "crypto/uint256.h"

namespace baton::node {

struct HostPort {
  std::string host;
  int port = 0;
  std::string ToString() const;
};

struct NodeConfig {
  bool orchestrator = false;
  bool transcoder = false;
  std::string network = "offchain";
  std::string service_uri;  // scheme://host:port advertised to gateways
  HostPort service_bind;    // where the service port listens
  bool service_tls = true;  // false with -httpAddr http://...
  HostPort cli_bind;        // operator port
  bool cli_auth = false;    // -cliAuth: the operator token even on loopback
  std::string data_dir;
  std::string price_per_unit;   // as given; parsed by the payments layer
  std::string pixels_per_unit;  // as given
  std::string price_per_gateway;
  bool auto_adjust_price = true;
  std::string ticket_ev = "8000000000";  // wei, decimal
  std::string max_face_value = "0";      // wei, decimal; 0 = no cap
  // Ethereum account (-ethKeystorePath, -ethAcctAddr, -ethPassword) and chain (-ethUrl).
  std::string eth_keystore_path;  // default <dataDir>/keystore
  std::string eth_acct_addr;
  std::string eth_password;  // value or file; never logged
  std::string eth_url;
  std::string eth_controller;
  std::string eth_orch_addr;  // ticket recipient if not the node's account
  crypto::U256 min_gas_price = 0;
  crypto::U256 max_gas_price = 0;  // 0 = none
  std::chrono::milliseconds block_polling_interval{5000};
  std::chrono::milliseconds transaction_timeout{300000};
  int max_transaction_replacements = 1;
  uint64_t gas_limit = 0;
  bool reward = false;
  bool reward_set = false;  // -reward unset means: on iff registered at start-up
  bool initialize_round = false;
  bool ai_service_registry = false;  // use the AI subnet's ServiceRegistry
  bool use_account = false;          // an account was asked for (any of the above set, or on-chain)
  // O-T split (doc/wire.md 5.1): the shared secret (-orchSecret: a value, or a file holding it),
  // and for a standalone transcoder the orchestrator it registers with (-orchAddr).
  std::string orch_secret;
  HostPort orch_addr;
  int max_sessions = 10;
  bool max_sessions_auto = false;  // -maxSessions auto: the attached workers' capacity
  bool monitor = false;
  std::string nvidia;  // -nvidia: GPU ids or "all"; empty = software
  int verbosity = 3;
  bool print_version = false;
  std::vector<std::string> nodes;
  // Service-port limits for clients that never authenticate (net/server.h, README "Limits").
  struct ServiceLimits {
    std::chrono::milliseconds tls_handshake_timeout{10'000};  // -tlsHandshakeTimeout
    std::chrono::milliseconds read_header_timeout{20'000};    // -readHeaderTimeout
    uint64_t min_body_rate = 16 * 1024;                       // -minBodyRate, bytes/s
    std::chrono::milliseconds idle_timeout{120'000};          // -idleTimeout
    size_t max_conns = 10000;                                 // -maxConns
    size_t max_conns_per_ip = 64;                             // -maxConnsPerIP
  } service_limits;

  // AI worker (doc/ai.md 3): -aiWorker with its models; -aiModels is parsed by the node
  // (node/ai_wiring.h) so its errors name the entry.
  struct Ai {
    bool worker = false;     // -aiWorker
    std::string models;      // -aiModels: a JSON file's path or the inline list
    std::string models_dir;  // -aiModelsDir (default <dataDir>/models)
    std::string runner_image = "livepeer/ai-runner:latest";  // -aiRunnerImage
    std::string runner_image_overrides;                      // -aiRunnerImageOverrides (JSON)
    std::chrono::milliseconds request_timeout{300'000};      // -aiRequestTimeout (Baton's)
    int results_max_mb = 256;  // -aiResultsMaxMB (Baton's): memory for results kept 10 min
  } ai;

  std::vector<std::pair<std::string, std::string>> non_default_flags;  // secrets masked
  // One per go-livepeer flag that was set and is ignored (node/compat_flags.h), to log.
  std::vector<std::string> flag_warnings;
};

void DefineNodeFlags(FlagSet& flags);
absl::StatusOr<NodeConfig> LoadNodeConfig(const std::vector<std::string>& args,
                                          const std::map<std::string, std::string>& env,
                                          FlagSet* flags_out = nullptr);

// "host:port", ":port", "host" (default port) → HostPort; errors name `flag`.
absl::StatusOr<HostPort> ParseHostPort(const std::string& text, int default_port,
                                       const std::string& default_host, const std::string& flag);

}  // namespace baton::node

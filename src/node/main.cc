// baton: the orchestrator daemon. Parses flags (go-livepeer's names and precedence), starts
// the node and serves until SIGINT or SIGTERM.
#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdio>
#include <map>

#include "common/log.h"
#include "node/ai_worker_role.h"
#include "node/node.h"
#include "node/node_config.h"
#include "node/transcoder_role.h"
#include "node/version.h"

extern char** environ;

namespace {

std::map<std::string, std::string> Environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

// libprotobuf logs an ERROR line of its own for every string field of a peer's message that is
// not UTF-8, so a client could fill the node's log with them: its lines go to spdlog's debug
// level (the parse error itself is still answered to the client).
void ProtobufLog(google::protobuf::LogLevel level, const char* file, int line,
                 const std::string& message) {
  if (level >= google::protobuf::LOGLEVEL_FATAL)
    return spdlog::critical("libprotobuf {}:{}: {}", file, line, message);
  spdlog::debug("libprotobuf {}:{}: {}", file, line, message);
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "baton: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace baton::node;
  // Everything the node creates (keys, certificates, ledger, cookies, directories) is for its
  // own user only, whatever the caller's umask.
  umask(077);
  google::protobuf::SetLogHandler(&ProtobufLog);
  std::vector<std::string> args(argv + 1, argv + argc);
  auto config = LoadNodeConfig(args, Environment());
  if (!config.ok()) return Fail(std::string(config.status().message()));
  if (config->print_version) {
    std::printf("Baton version %s (go-livepeer %s compatible; advertises %s)\n", kVersion,
                kLivepeerCompatibleVersion, kCapabilityVersion);
    return 0;
  }
  const bool ai_worker_alone = config->ai.worker && !config->orchestrator;
  if (ai_worker_alone && config->transcoder)
    return Fail(
        "-transcoder and -aiWorker without -orchestrator: run the remote transcoder and the "
        "remote AI worker as two processes");
  if (!config->orchestrator && !config->transcoder && !config->ai.worker)
    return Fail("No services enabled; run with -orchestrator -transcoder");
  if (!config->orchestrator && config->orch_secret.empty())
    return Fail(std::string("a standalone ") + (ai_worker_alone ? "-aiWorker" : "-transcoder") +
                " needs -orchSecret (the orchestrator's secret)");
  baton::InitLogging(config->verbosity);
  spdlog::info("Baton {} starting: network={} dataDir={}", kVersion, config->network,
               config->data_dir);
  for (const auto& [name, value] : config->non_default_flags) spdlog::info("  -{}={}", name, value);
  for (const auto& warning : config->flag_warnings) spdlog::warn("{}", warning);

  // Block the stop signals before any thread starts, then wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  if (ai_worker_alone) {
    // A standalone AI worker (doc/wire.md 5.2) serving -orchAddr.
    auto status = RunStandaloneAiWorker(*config, stop_signals);
    if (status.message() == "invalid secret" || status.message() == "zero capacity")
      return Fail("the orchestrator at " + config->orch_addr.ToString() +
                  " refused this AI worker: " + std::string(status.message()) +
                  (status.message() == "invalid secret"
                       ? " (check -orchSecret: it must be the orchestrator's)"
                       : " (check -aiModels: every model needs a capacity)"));
    if (!status.ok()) return Fail(std::string(status.message()));
    return 0;
  }
  if (!config->orchestrator) {
    // A standalone transcoder (O-T split) serving -orchAddr.
    auto status = RunStandaloneTranscoder(*config, stop_signals);
    if (status.message() == "invalid secret" || status.message() == "zero capacity")
      return Fail("the orchestrator at " + config->orch_addr.ToString() +
                  " refused this transcoder: " + std::string(status.message()) +
                  (status.message() == "invalid secret" ? " (check -orchSecret)"
                                                        : " (check -maxSessions)"));
    if (!status.ok()) return Fail(std::string(status.message()));
    return 0;
  }

  auto node = Node::Create(*config);
  if (!node.ok()) return Fail(std::string(node.status().message()));
  if (auto s = (*node)->Start(); !s.ok()) return Fail(std::string(s.message()));

  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("Received signal {}, stopping", signal);
  (*node)->Stop();
  return 0;
}

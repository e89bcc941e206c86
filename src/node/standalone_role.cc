#include "node/standalone_role.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <system_error>
#include <thread>

namespace baton::node {

http::ServerOptions StandaloneOperatorOptions(const NodeConfig& config) {
  http::ServerOptions options;
  options.bind_address = config.cli_bind.ToString();
  options.tls = false;
  options.worker_threads = 1;
  return options;
}

absl::StatusOr<ops::OperatorAccess> InstallStandaloneAccess(const NodeConfig& config,
                                                            http::Router& router) {
  auto access = ops::InstallOperatorAccess(config.cli_bind.host, config.cli_bind.port,
                                           config.cli_auth, config.data_dir, router);
  if (!access.ok()) return access.status();
  if (!access->token.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);  // the cookie's folder
  }
  return access;
}

absl::Status StartOperatorPort(http::Server& cli, ops::OperatorAccess& access,
                               const std::string& bind_address) {
  auto port = cli.Start();
  if (!port.ok())
    return absl::UnavailableError("operator port " + bind_address + ": " +
                                  std::string(port.status().message()));
  if (auto s = access.Started(*port); !s.ok()) {
    cli.Stop();
    return s;
  }
  return absl::OkStatus();
}

absl::Status RunUntilStopSignal(const sigset_t& stop_signals,
                                const std::function<absl::Status()>& run,
                                const std::function<void()>& stop) {
  std::atomic<bool> finished{false};
  absl::Status result;
  std::thread client([&] {
    result = run();
    finished = true;
  });
  while (!finished) {
    timespec tick{0, 200'000'000};
    int signal = sigtimedwait(&stop_signals, nullptr, &tick);
    if (signal > 0) {
      spdlog::info("Received signal {}, stopping", signal);
      stop();
      break;
    }
  }
  client.join();
  return result;
}

}  // namespace baton::node

// What the standalone worker roles (transcoder_role.h, ai_worker_role.h) share: their operator
// port (-cliAddr, guarded by the orchestrator's rules, operator/access_guard.h) and their main
// thread's wait for a stop signal while the worker's client registers on a thread of its own.
//
// Threads: all of it runs on the role's main thread; RunUntilStopSignal owns the client's thread.
#pragma once

#include <csignal>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "net/server.h"
#include "node/node_config.h"
#include "operator/access_guard.h"

namespace baton::node {

// The operator server's options: -cliAddr, plain HTTP, one thread.
http::ServerOptions StandaloneOperatorOptions(const NodeConfig& config);

// Guards `router` as the orchestrator's operator port is (Origin, Host and Sec-Fetch-Site
// checks, and a token cookie for a bind that is not loopback or with -cliAuth), creating
// -dataDir for the cookie when one is needed.
absl::StatusOr<ops::OperatorAccess> InstallStandaloneAccess(const NodeConfig& config,
                                                            http::Router& router);

// Starts `cli` and tells `access` its port; the server is stopped again if that fails.
absl::Status StartOperatorPort(http::Server& cli, ops::OperatorAccess& access,
                               const std::string& bind_address);

// Runs `run` on a thread until it returns (a fatal answer) or a stop signal comes (then `stop`
// ends it); returns what `run` returned. `stop_signals` are blocked in every thread.
absl::Status RunUntilStopSignal(const sigset_t& stop_signals,
                                const std::function<absl::Status()>& run,
                                const std::function<void()>& stop);

}  // namespace baton::node

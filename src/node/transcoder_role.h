// The standalone transcoder role of the baton binary (`baton -transcoder -orchAddr HOST:PORT
// -orchSecret S [-maxSessions N]`, doc/ops.md 1.2): an in-process LocalTranscoder offered to a
// remote orchestrator through a worker::TranscoderClient, plus its own operator port (-cliAddr,
// default 127.0.0.1:6935) with GET /status (JSON: the registration and the work done) and, with
// -monitor, GET /metrics (node_type "trcr").
//
// Runs on the main thread until a stop signal (OK) or the orchestrator's fatal answer (its
// error, e.g. "invalid secret"); owns the client's thread and the operator server.
#pragma once

#include <csignal>

#include "absl/status/status.h"
#include "node/node_config.h"

namespace baton::node {

// `stop_signals` are blocked in every thread; they are waited for here.
absl::Status RunStandaloneTranscoder(const NodeConfig& config, const sigset_t& stop_signals);

}  // namespace baton::node

// The standalone AI worker role of the baton binary (`baton -aiWorker -orchAddr HOST:PORT
// -orchSecret S -aiModels ...`, doc/wire.md 5.2, doc/ai.md 3): the runners of -aiModels (external
// `url` runners and managed containers, node/ai_wiring.h) offered to a remote orchestrator
// through a worker::AiWorkerClient, plus its own operator port (-cliAddr, default
// 127.0.0.1:4935 as go-livepeer's) with GET /status (JSON: the registration, the models with
// their capacity and use, the jobs done) and, with -monitor, GET /metrics (node_type "aiwk").
//
// Runs on the main thread until a stop signal (OK) or the orchestrator's fatal answer (its
// error, e.g. "invalid secret"); owns the runners, the client's threads and the operator server.
#pragma once

#include <csignal>

#include "absl/status/status.h"
#include "node/node_config.h"

namespace baton::node {

// `stop_signals` are blocked in every thread; they are waited for here.
absl::Status RunStandaloneAiWorker(const NodeConfig& config, const sigset_t& stop_signals);

}  // namespace baton::node

// The gRPC binding of the node's services: parses request messages, calls the protocol
// logic, and maps its errors to gRPC statuses the way grpc-go does for plain Go errors
// (UNKNOWN with the error text).
#pragma once

#include "net/grpc_service.h"
#include "orchestrator/orchestrator_service.h"
#include "pm/chain_facts.h"
#include "worker/executor.h"

namespace baton::orchestrator {

// Where GetOrchestrator may wait on the chain. With a pool, a request whose sender the chain
// facts do not hold in memory (SenderReadsCached) is answered from a pool thread, so an
// unknown sender never makes a loop thread wait on an eth_call; over the pool's queue bound it
// is answered UNAVAILABLE at once. Without one (offchain) every call is answered on the loop.
// The answer is the one go-livepeer gives: its sender watcher also reads an unknown sender from
// the chain (a blocking eth_call on the request's goroutine, doc/pm.md 2.5) and caches it; Baton
// does the same read, on a pool thread, into bounded caches (chain_watcher.h).
struct ChainReads {
  const pm::ChainFacts* facts = nullptr;
  worker::Executor* pool = nullptr;
};

// Registers net.Orchestrator/{GetOrchestrator, Ping, EndTranscodingSession}.
void RegisterOrchestratorService(OrchestratorService* service, http::GrpcService& grpc,
                                 ChainReads chain_reads = {});

}  // namespace baton::orchestrator

// The gRPC binding of the node's services: parses request messages, calls the protocol
// logic, and maps its errors to gRPC statuses the way grpc-go does for plain Go errors
// (UNKNOWN with the error text).
#pragma once

#include "net/grpc_service.h"
#include "orchestrator/orchestrator_service.h"

namespace baton::orchestrator {

// Registers net.Orchestrator/{GetOrchestrator, Ping, EndTranscodingSession}.
void RegisterOrchestratorService(OrchestratorService* service, http::GrpcService& grpc);

}  // namespace baton::orchestrator

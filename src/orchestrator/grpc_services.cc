#include "orchestrator/grpc_services.h"

#include <spdlog/spdlog.h>

namespace baton::orchestrator {
namespace {

// Wraps `fn(const Request&) -> StatusOr<Reply>` as a unary gRPC method.
template <typename Request, typename Reply, typename Fn>
http::GrpcUnaryHandler Unary(Fn fn) {
  return [fn](std::string bytes, const http::GrpcCallContext& ctx) {
    Request request;
    if (!request.ParseFromString(bytes)) {
      // grpc-go's wording for a request it cannot unmarshal.
      return http::GrpcResult::Error(
          http::GrpcCode::kInternal,
          "grpc: error unmarshalling request: invalid " + Request::descriptor()->full_name());
    }
    absl::StatusOr<Reply> reply = fn(request);
    if (!reply.ok()) {
      spdlog::debug("{} from {} failed: {}", ctx.method(), ctx.peer_address(),
                    std::string(reply.status().message()));
      return http::GrpcResult::Error(http::GrpcCode::kUnknown,
                                     std::string(reply.status().message()));
    }
    return http::GrpcResult::Ok(reply->SerializeAsString());
  };
}

}  // namespace

void RegisterOrchestratorService(OrchestratorService* service, http::GrpcService& grpc) {
  grpc.AddUnary("/net.Orchestrator/GetOrchestrator",
                Unary<net::OrchestratorRequest, net::OrchestratorInfo>(
                    [service](const auto& r) { return service->GetOrchestrator(r); }));
  grpc.AddUnary(
      "/net.Orchestrator/Ping",
      Unary<net::PingPong, net::PingPong>([service](const auto& r) { return service->Ping(r); }));
  grpc.AddUnary("/net.Orchestrator/EndTranscodingSession",
                Unary<net::EndTranscodingSessionRequest, net::EndTranscodingSessionResponse>(
                    [service](const auto& r) { return service->EndTranscodingSession(r); }));
}

}  // namespace baton::orchestrator

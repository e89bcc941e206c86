#include "orchestrator/grpc_services.h"

#include <spdlog/spdlog.h>

#include "crypto/address.h"

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

// Whether answering this GetOrchestrator may wait on the chain (see ChainReads).
bool NeedsChainRead(const ChainReads& reads, const std::string& bytes) {
  if (reads.pool == nullptr || reads.facts == nullptr) return false;
  net::OrchestratorRequest request;
  if (!request.ParseFromString(bytes)) return false;  // answered at once as malformed
  return !reads.facts->SenderReadsCached(crypto::Address::FromBytesGoStyle(request.address()));
}

}  // namespace

void RegisterOrchestratorService(OrchestratorService* service, http::GrpcService& grpc,
                                 ChainReads chain_reads) {
  http::GrpcUnaryHandler get_orchestrator = Unary<net::OrchestratorRequest, net::OrchestratorInfo>(
      [service](const auto& r) { return service->GetOrchestrator(r); });
  grpc.AddAsyncUnary(
      "/net.Orchestrator/GetOrchestrator",
      [get_orchestrator, chain_reads](std::string bytes, const http::GrpcCallContext& ctx,
                                      std::shared_ptr<http::GrpcUnaryResponder> responder) {
        if (!NeedsChainRead(chain_reads, bytes)) {
          responder->Finish(get_orchestrator(std::move(bytes), ctx));
          return;
        }
        auto work = [get_orchestrator, bytes = std::move(bytes), ctx, responder] {
          if (responder->IsCancelled()) return;
          responder->Finish(get_orchestrator(bytes, ctx));
        };
        if (!chain_reads.pool->Submit(std::move(work)).ok()) {
          responder->Finish(http::GrpcResult::Error(
              http::GrpcCode::kUnavailable, "orchestrator busy: too many chain reads in progress"));
        }
      });
  grpc.AddUnary(
      "/net.Orchestrator/Ping",
      Unary<net::PingPong, net::PingPong>([service](const auto& r) { return service->Ping(r); }));
  grpc.AddUnary("/net.Orchestrator/EndTranscodingSession",
                Unary<net::EndTranscodingSessionRequest, net::EndTranscodingSessionResponse>(
                    [service](const auto& r) { return service->EndTranscodingSession(r); }));
}

}  // namespace baton::orchestrator

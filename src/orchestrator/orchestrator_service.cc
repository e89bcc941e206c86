#include "orchestrator/orchestrator_service.h"

#include "crypto/address.h"

namespace baton::orchestrator {
namespace {}  // namespace

absl::StatusOr<net::OrchestratorInfo> OrchestratorService::GetOrchestrator(
    const net::OrchestratorRequest& req) {
  // Go's BytesToAddress: the right-most 20 bytes, left-padded when shorter.
  auto gateway = crypto::Address::FromBytesGoStyle(req.address());
  // The gateway signs the EIP-55 checksummed "0x..." string of its address.
  if (!deps_.identity->VerifySig(gateway.bytes(), gateway.ChecksumHex(), req.sig()))
    return absl::UnknownError("Invalid orchestrator request: orchestrator req sig check failed");
  // A gateway asking for an AI model is quoted that model's price (doc/ai.md 5); AI capacity is
  // the runners', so a full transcode session table does not refuse it.
  std::optional<net::PriceInfo> ai_price;
  if (deps_.ai_price && req.has_capabilities())
    ai_price = deps_.ai_price(gateway.bytes(), req.capabilities());
  if (ai_price) return Info(gateway.bytes(), "", *ai_price);
  // go-livepeer runs the capacity check even with ignoreCapacityCheck. A node that serves AI
  // still answers discovery that names no capabilities when it has no transcode room (an
  // AI-only node has none at all): that answer carries its AI prices, and gateways that poll
  // with it would otherwise drop the node; a video job is still refused at /segment.
  if (auto s = deps_.sessions->CheckCapacity(""); !s.ok()) {
    const bool ai_discovery =
        !req.has_capabilities() && deps_.ai_prices && !deps_.ai_prices(gateway.bytes()).empty();
    if (!ai_discovery)
      return absl::UnknownError("Invalid orchestrator request: " + std::string(s.message()));
  }
  auto info = Info(gateway.bytes(), "");
  // Discovery without capabilities also learns every AI model's price and hardware.
  if (info.ok() && !req.has_capabilities() && deps_.ai_prices) {
    for (net::PriceInfo& p : deps_.ai_prices(gateway.bytes()))
      *info->add_capabilities_prices() = std::move(p);
  }
  if (info.ok() && !req.has_capabilities() && deps_.ai_hardware) {
    for (net::HardwareInformation& h : deps_.ai_hardware()) *info->add_hardware() = std::move(h);
  }
  return info;
}

absl::StatusOr<net::OrchestratorInfo> OrchestratorService::Info(const std::string& sender,
                                                                const std::string& manifest) {
  auto price = deps_.terms->Price(sender, manifest);
  if (!price.ok()) return price.status();
  return Info(sender, manifest, *price);
}

absl::StatusOr<net::OrchestratorInfo> OrchestratorService::Info(const std::string& sender,
                                                                const std::string& manifest,
                                                                const net::PriceInfo& price) {
  net::OrchestratorInfo info;
  info.set_transcoder(deps_.service_uri);
  *info.mutable_price_info() = price;
  auto params = deps_.terms->TicketParams(sender, price);
  if (!params.ok()) return params.status();
  if (params->has_value()) *info.mutable_ticket_params() = **params;
  info.set_address(deps_.identity->Address());
  *info.mutable_capabilities() = deps_.capabilities();
  *info.mutable_auth_token() = deps_.tokens->Issue();
  for (const auto& n : deps_.nodes) info.add_nodes(n);
  return info;
}

absl::StatusOr<net::PingPong> OrchestratorService::Ping(const net::PingPong& req) {
  net::PingPong reply;
  reply.set_value(deps_.identity->Sign(req.value()));
  return reply;
}

absl::StatusOr<net::EndTranscodingSessionResponse> OrchestratorService::EndTranscodingSession(
    const net::EndTranscodingSessionRequest& req) {
  // A missing token panics upstream; an error is the better answer.
  if (!req.has_auth_token() || !deps_.tokens->MacMatches(req.auth_token()))
    return absl::UnknownError("Invalid auth token");
  if (deps_.end_session) deps_.end_session(req.auth_token().session_id());
  deps_.sessions->Release(req.auth_token().session_id());
  return net::EndTranscodingSessionResponse();
}

}  // namespace baton::orchestrator

// The gateway-facing session service: net.Orchestrator's GetOrchestrator, Ping and
// EndTranscodingSession (doc/wire.md section 2), and the OrchestratorInfo every job response
// carries.
//
// Protocol logic only: requests and replies are protobuf messages, errors are absl::Status
// whose message is what go-livepeer would put in the gRPC status. The gRPC binding lives in
// orchestrator/grpc_services.cc. The service does not own its collaborators; they must outlive it.
// Thread-safe (every collaborator is).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lp_rpc.pb.h"
#include "orchestrator/auth_token.h"
#include "orchestrator/identity.h"
#include "orchestrator/payment_terms.h"
#include "orchestrator/segment_credentials.h"
#include "orchestrator/session_registry.h"

namespace baton::orchestrator {

struct OrchestratorServiceDeps {
  const NodeIdentity* identity = nullptr;
  const AuthTokenIssuer* tokens = nullptr;
  SessionRegistry* sessions = nullptr;
  PaymentTerms* terms = nullptr;
  // The capabilities advertised right now (they change as workers come and go).
  std::function<net::Capabilities()> capabilities;
  // Called when a gateway ends a session (frees its transcode loop).
  std::function<void(const std::string& session_id)> end_session;
  std::string service_uri;  // e.g. https://127.0.0.1:8935
  std::vector<std::string> nodes;
  // AI prices (doc/ai.md 5), both unset without -aiWorker. ai_price: the price for `sender`
  // of the AI (capability, model) pairs `requested` names, nullopt when it names none this
  // node serves. ai_prices: one PriceInfo per served model for capabilities_prices.
  std::function<std::optional<net::PriceInfo>(const std::string& sender,
                                              const net::Capabilities& requested)>
      ai_price;
  std::function<std::vector<net::PriceInfo>(const std::string& sender)> ai_prices;
  // The GPUs behind each AI model (doc/ai.md 5), sent with discovery without capabilities;
  // unset without -aiWorker, empty without an NVIDIA driver.
  std::function<std::vector<net::HardwareInformation>()> ai_hardware;
};

class OrchestratorService {
 public:
  explicit OrchestratorService(OrchestratorServiceDeps deps) : deps_(std::move(deps)) {}

  absl::StatusOr<net::OrchestratorInfo> GetOrchestrator(const net::OrchestratorRequest& req);
  absl::StatusOr<net::PingPong> Ping(const net::PingPong& req);
  absl::StatusOr<net::EndTranscodingSessionResponse> EndTranscodingSession(
      const net::EndTranscodingSessionRequest& req);

  // OrchestratorInfo for `sender` (20 bytes) within `manifest` with a new auth token; jobs
  // replace the token with their own (doc/wire.md 3, step 3).
  absl::StatusOr<net::OrchestratorInfo> Info(const std::string& sender,
                                             const std::string& manifest);
  // The same quoting `price` (an AI model's) instead of the transcoding price.
  absl::StatusOr<net::OrchestratorInfo> Info(const std::string& sender, const std::string& manifest,
                                             const net::PriceInfo& price);

  const std::string& service_uri() const { return deps_.service_uri; }
  const NodeIdentity& identity() const { return *deps_.identity; }
  SessionRegistry& sessions() const { return *deps_.sessions; }
  // What a job's segment credentials are checked against (doc/wire.md 3), as of now.
  CredentialCheckers Checkers() const {
    return {deps_.identity, deps_.tokens, deps_.sessions, deps_.capabilities()};
  }

 private:
  OrchestratorServiceDeps deps_;
};

}  // namespace baton::orchestrator

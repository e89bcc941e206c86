#include "orchestrator/orchestrator_service.h"

#include <gtest/gtest.h>

#include "crypto/address.h"
#include "crypto/eth_sign.h"
#include "orchestrator/account_identity.h"
#include "orchestrator/capabilities.h"

namespace baton::orchestrator {
namespace {

class FixedTerms : public PaymentTerms {
 public:
  absl::StatusOr<net::PriceInfo> Price(const std::string& sender, const std::string&) override {
    last_sender = sender;
    net::PriceInfo p;
    p.set_priceperunit(7);
    p.set_pixelsperunit(2);
    return p;
  }
  absl::StatusOr<std::optional<net::TicketParams>> TicketParams(
      const std::string& sender, const net::PriceInfo& price) override {
    if (!with_params) return std::optional<net::TicketParams>();
    net::TicketParams tp;
    tp.set_recipient(std::string(20, '\x11'));
    return std::optional(tp);
  }
  std::string last_sender;
  bool with_params = false;
};

struct Fixture {
  explicit Fixture(const NodeIdentity* id, int max_sessions = 2)
      : sessions(max_sessions),
        service(OrchestratorServiceDeps{id,
                                        &tokens,
                                        &sessions,
                                        &terms,
                                        [] {
                                          return MakeCapabilities({0, 1}, "0.1.0");
                                        },
                                        [this](const std::string& s) { ended = s; },
                                        "https://o.example:8935",
                                        {"https://n"},
                                        {},
                                        {},
                                        {}}) {}
  AuthTokenIssuer tokens;
  SessionRegistry sessions;
  FixedTerms terms;
  OrchestratorService service;
  std::string ended;
};

net::OrchestratorRequest SignedRequest(const crypto::PrivateKey& gateway) {
  net::OrchestratorRequest req;
  req.set_address(gateway.address().bytes());
  req.set_sig(crypto::Sign(gateway, gateway.address().ChecksumHex()));
  return req;
}

TEST(OrchestratorService, OffchainFillsInfoAndAcceptsAnySignature) {
  OffchainIdentity id;
  Fixture f(&id);
  net::OrchestratorRequest req;
  req.set_address(std::string(20, '\x42'));
  req.set_sig("junk");
  auto info = f.service.GetOrchestrator(req);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->transcoder(), "https://o.example:8935");
  EXPECT_EQ(info->address(), std::string(20, '\0'));
  EXPECT_EQ(info->price_info().priceperunit(), 7);
  EXPECT_FALSE(info->has_ticket_params());
  EXPECT_EQ(info->capabilities().bitstring(0), 3u);
  EXPECT_TRUE(f.tokens.Verify(&info->auth_token()).ok());
  EXPECT_EQ(info->nodes(0), "https://n");
  EXPECT_EQ(f.terms.last_sender, std::string(20, '\x42'));
}

// AI hardware goes with discovery that names no capabilities, as go-livepeer sends it.
TEST(OrchestratorService, AiHardwareComesWithDiscoveryWithoutCapabilities) {
  OffchainIdentity id;
  AuthTokenIssuer tokens;
  SessionRegistry sessions(2);
  FixedTerms terms;
  OrchestratorServiceDeps deps;
  deps.identity = &id;
  deps.tokens = &tokens;
  deps.sessions = &sessions;
  deps.terms = &terms;
  deps.capabilities = [] { return MakeCapabilities({0, 1}, "0.1.0"); };
  deps.ai_hardware = [] {
    net::HardwareInformation h;
    h.set_pipeline("text-to-speech");
    h.set_model_id("espeak-ng");
    (*h.mutable_gpu_info())["0"].set_name("GPU zero");
    return std::vector<net::HardwareInformation>{h};
  };
  OrchestratorService service(std::move(deps));
  net::OrchestratorRequest req;
  req.set_address(std::string(20, '\x42'));
  auto info = service.GetOrchestrator(req);
  ASSERT_TRUE(info.ok()) << info.status();
  ASSERT_EQ(info->hardware_size(), 1);
  EXPECT_EQ(info->hardware(0).model_id(), "espeak-ng");
  EXPECT_EQ(info->hardware(0).gpu_info().at("0").name(), "GPU zero");
  *req.mutable_capabilities() = MakeCapabilities({0}, "0.1.0");
  info = service.GetOrchestrator(req);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->hardware_size(), 0);
}

TEST(OrchestratorService, WithAccountChecksTheGatewaySignatureOverItsChecksumAddress) {
  AccountIdentity id(std::make_shared<eth::Account>(crypto::PrivateKey::Generate()));
  Fixture f(&id);
  f.terms.with_params = true;
  auto gateway = crypto::PrivateKey::Generate();
  auto info = f.service.GetOrchestrator(SignedRequest(gateway));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->address(), id.Address());
  EXPECT_TRUE(info->has_ticket_params());

  auto forged = SignedRequest(gateway);
  forged.set_address(crypto::PrivateKey::Generate().address().bytes());
  EXPECT_EQ(f.service.GetOrchestrator(forged).status().message(),
            "Invalid orchestrator request: orchestrator req sig check failed");
  // Signing the lower-case hex instead of the EIP-55 string is rejected too.
  auto lower = SignedRequest(gateway);
  lower.set_sig(crypto::Sign(gateway, gateway.address().Hex()));
  EXPECT_FALSE(f.service.GetOrchestrator(lower).ok());
}

TEST(OrchestratorService, CapacityIsCheckedEvenWithIgnoreCapacityCheck) {
  OffchainIdentity id;
  Fixture f(&id, 1);
  ASSERT_TRUE(f.sessions.Acquire("aaaaaaaa").ok());
  net::OrchestratorRequest req;
  req.set_ignorecapacitycheck(true);
  EXPECT_EQ(f.service.GetOrchestrator(req).status().message(),
            "Invalid orchestrator request: OrchestratorCapped");
}

TEST(OrchestratorService, AnAiNodeWithoutTranscodeRoomStillAnswersDiscovery) {
  OffchainIdentity id;
  AuthTokenIssuer tokens;
  SessionRegistry sessions(0);  // no transcoder: every video session is refused
  FixedTerms terms;
  OrchestratorServiceDeps deps;
  deps.identity = &id;
  deps.tokens = &tokens;
  deps.sessions = &sessions;
  deps.terms = &terms;
  deps.capabilities = [] { return MakeCapabilities({0}, "0.1.0"); };
  bool serves_ai = false;
  deps.ai_prices = [&serves_ai](const std::string&) {
    std::vector<net::PriceInfo> prices;
    if (serves_ai) {
      net::PriceInfo p;
      p.set_priceperunit(5);
      p.set_pixelsperunit(1);
      p.set_capability(36);
      p.set_constraint("espeak-ng");
      prices.push_back(p);
    }
    return prices;
  };
  OrchestratorService service(std::move(deps));
  net::OrchestratorRequest discovery;
  discovery.set_address(std::string(20, '\x42'));
  EXPECT_EQ(service.GetOrchestrator(discovery).status().message(),
            "Invalid orchestrator request: OrchestratorCapped");
  serves_ai = true;
  auto info = service.GetOrchestrator(discovery);
  ASSERT_TRUE(info.ok()) << info.status();
  ASSERT_EQ(info->capabilities_prices_size(), 1);
  EXPECT_EQ(info->capabilities_prices(0).constraint(), "espeak-ng");
  // A video request (it names capabilities) is still refused.
  net::OrchestratorRequest video = discovery;
  *video.mutable_capabilities() = MakeCapabilities({0}, "0.1.0");
  EXPECT_EQ(service.GetOrchestrator(video).status().message(),
            "Invalid orchestrator request: OrchestratorCapped");
}

TEST(OrchestratorService, PingSignsWithAccountAndIsEmptyOffchain) {
  OffchainIdentity off;
  Fixture f(&off);
  net::PingPong ping;
  ping.set_value("abc");
  EXPECT_EQ(f.service.Ping(ping)->value(), "");
  auto key = crypto::PrivateKey::Generate();
  AccountIdentity id(std::make_shared<eth::Account>(key));
  Fixture g(&id);
  auto reply = g.service.Ping(ping);
  EXPECT_TRUE(crypto::VerifySig(key.address(), "abc", reply->value()));
}

TEST(OrchestratorService, EndTranscodingSessionNeedsAMatchingToken) {
  OffchainIdentity id;
  Fixture f(&id);
  net::EndTranscodingSessionRequest req;
  EXPECT_EQ(f.service.EndTranscodingSession(req).status().message(), "Invalid auth token");
  *req.mutable_auth_token() = f.tokens.Issue();
  ASSERT_TRUE(f.sessions.Acquire(req.auth_token().session_id()).ok());
  ASSERT_TRUE(f.service.EndTranscodingSession(req).ok());
  EXPECT_EQ(f.ended, req.auth_token().session_id());
  EXPECT_EQ(f.sessions.in_use(), 0);
  req.mutable_auth_token()->set_token(std::string(32, '\0'));
  EXPECT_FALSE(f.service.EndTranscodingSession(req).ok());
}

}  // namespace
}  // namespace baton::orchestrator

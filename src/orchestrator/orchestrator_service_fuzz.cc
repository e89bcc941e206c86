// libFuzzer target: gRPC requests to net.Orchestrator as a gateway (or anyone) sends them,
// through the node's real binding (orchestrator/grpc_services.cc) on a GrpcService: message
// framing, request decoding (OrchestratorRequest, PingPong, EndTranscodingSessionRequest), the
// service logic with real prices (pm::PriceBook), ticket parameters (pm::Recipient), auth tokens
// and session capacity, and the reply encoding.
//
// Input: byte 0 picks the method (bits 0-1), the identity (bit 2: an account, whose gateway
// signature check runs, or offchain) and whether a grpc-timeout header is sent (bit 3); the
// rest is the request message, framed here. A request whose `sig` is "fuzz" gets a valid
// signature by a fixed gateway key, and an EndTranscodingSession token "fuzz" a valid token,
// so mutations reach past those checks. Built only by fuzz/ (never linked into baton).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/eth_sign.h"
#include "crypto/keccak.h"
#include "crypto/secp256k1.h"
#include "eth/account.h"
#include "google/protobuf/stubs/logging.h"
#include "net/grpc_frame.h"
#include "net/grpc_service.h"
#include "orchestrator/account_identity.h"
#include "orchestrator/capabilities.h"
#include "orchestrator/grpc_services.h"
#include "orchestrator/orchestrator_service.h"
#include "orchestrator/priced_payment_terms.h"
#include "pm/balances.h"
#include "pm/in_memory_chain_facts.h"
#include "pm/price_book.h"
#include "pm/recipient.h"
#include "pm/winning_ticket_sink.h"

namespace baton::orchestrator {
namespace {

crypto::PrivateKey Key(char byte) { return *crypto::PrivateKey::FromBytes(std::string(32, byte)); }

// Records the response and checks that it is well formed: headers first, then messages, then
// trailers with a grpc-status, nothing after the end.
class CheckingWriter final : public http::ResponseWriter {
 public:
  void SendHeaders(int status, http::HttpHeaders headers, bool end_stream) override {
    if (headers_sent_ || ended_) __builtin_trap();
    headers_sent_ = true;
    ended_ = end_stream;
  }
  void SendBody(std::string chunk, bool end) override {
    if (!headers_sent_ || ended_) __builtin_trap();
    ended_ = end;
  }
  void SendTrailers(http::HttpHeaders trailers) override {
    if (!headers_sent_ || ended_ || !trailers.Has("grpc-status")) __builtin_trap();
    ended_ = true;
  }
  void SetOnClosed(std::function<void()> callback) override { on_closed_ = std::move(callback); }
  bool IsClosed() const override { return ended_; }
  void RunAfter(std::chrono::milliseconds, std::function<void()>) override {}

  bool ended() const { return ended_; }

 private:
  bool headers_sent_ = false;
  bool ended_ = false;
  std::function<void()> on_closed_;
};

struct World {
  World()
      : gateway(Key('\x05')),
        account(std::make_shared<eth::Account>(Key('\x07'))),
        prices(*pm::PriceBook::Create(PriceOptions())),
        recipient(RecipientConfigFor(account.Address()), chain, sink, balances),
        sessions(3),
        terms(prices, balances, &recipient),
        with_account(Deps(&account)),
        offchain_service(Deps(&offchain)) {
    chain.SetLastSeenL1Block(100);
    chain.SetRound(5, crypto::Keccak256("round"));
    chain.SetActive(crypto::Address::FromBytesGoStyle(account.Address()), true);
    chain.SetDefaultSender(pm::InMemoryChainFacts::SenderState{{}, crypto::U256(1) << 80});
    RegisterOrchestratorService(&with_account, account_grpc);
    RegisterOrchestratorService(&offchain_service, offchain_grpc);
  }
  static pm::PriceBook::Options PriceOptions() {
    pm::PriceBook::Options o;
    o.price_per_unit = "1000";
    o.pixels_per_unit = "3";
    o.price_per_gateway_json =
        R"({"gateways":[{"ethaddress":"0x0505050505050505050505050505050505050505",)"
        R"("priceperunit":7,"pixelsperunit":2}]})";
    return o;
  }
  static pm::RecipientConfig RecipientConfigFor(const std::string& address) {
    pm::RecipientConfig c;
    c.address = crypto::Address::FromBytesGoStyle(address);
    c.secret = std::string(32, '\x11');
    return c;
  }
  OrchestratorServiceDeps Deps(const NodeIdentity* identity) {
    return OrchestratorServiceDeps{identity,
                                   &tokens,
                                   &sessions,
                                   &terms,
                                   [] { return MakeCapabilities(DefaultCapabilities(), "0.9.1"); },
                                   [this](const std::string& id) { sessions.Release(id); },
                                   "https://127.0.0.1:8935",
                                   {"https://127.0.0.1:8936"}};
  }

  crypto::PrivateKey gateway;
  OffchainIdentity offchain;
  AccountIdentity account;
  pm::InMemoryChainFacts chain;
  pm::RecordingTicketSink sink;
  pm::Balances balances;
  pm::PriceBook prices;
  pm::Recipient recipient;
  AuthTokenIssuer tokens;
  SessionRegistry sessions;
  PricedPaymentTerms terms;
  OrchestratorService with_account;
  OrchestratorService offchain_service;
  http::GrpcService account_grpc;
  http::GrpcService offchain_grpc;
};

// Makes the "fuzz" placeholders valid so that mutations explore past the checks.
std::string Prepare(World& world, int method, std::string message) {
  if (method == 0) {
    net::OrchestratorRequest req;
    if (req.ParseFromString(message) && req.sig() == "fuzz") {
      req.set_address(world.gateway.address().bytes());
      req.set_sig(crypto::Sign(world.gateway, world.gateway.address().ChecksumHex()));
      return req.SerializeAsString();
    }
  } else if (method == 2) {
    net::EndTranscodingSessionRequest req;
    if (req.ParseFromString(message) && req.auth_token().token() == "fuzz") {
      *req.mutable_auth_token() = world.tokens.IssueFor(req.auth_token().session_id());
      return req.SerializeAsString();
    }
  }
  return message;
}

}  // namespace
}  // namespace baton::orchestrator

// Protobuf logs every string field with invalid UTF-8 to stderr; that would drown the output.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace baton;
  static orchestrator::World* world = new orchestrator::World();
  if (size == 0) return 0;
  static const char* const kMethods[] = {
      "/net.Orchestrator/GetOrchestrator", "/net.Orchestrator/Ping",
      "/net.Orchestrator/EndTranscodingSession", "/net.Orchestrator/Unknown"};
  const int method = data[0] & 3;
  std::string message = orchestrator::Prepare(
      *world, method, std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  http::HttpRequest request;
  request.method = "POST";
  request.path = kMethods[method];
  request.protocol = "HTTP/2";
  request.tls = true;
  request.peer_address = "192.0.2.1:4242";
  request.headers.Add("content-type", "application/grpc");
  request.headers.Add("te", "trailers");
  if (data[0] & 8) request.headers.Add("grpc-timeout", "5S");
  request.body = http::EncodeGrpcFrame(message);
  auto writer = std::make_shared<orchestrator::CheckingWriter>();
  const http::GrpcService& grpc = (data[0] & 4) ? world->account_grpc : world->offchain_grpc;
  grpc.Serve(std::move(request), writer);
  // Unary methods answer before Serve returns.
  if (!writer->ended()) __builtin_trap();
  return 0;
}

// POST /segment and POST /payment: the gateway-facing job endpoints of wire.md sections 3
// and 4, in go-livepeer's order of checks with its status codes and error texts.
//
// /segment: decode the payment (402) and the segment credentials (403), build the refreshed
// OrchestratorInfo (500), process the payment (400), check the balance (400), check the body
// hash (403), then answer 200 at once and transcode on the session's own loop; the
// TranscodeResult (result URLs, pixel counts, signature, refreshed info) follows as the body.
//
// CheckHeaders runs the checks that need only the headers (payment decode 402, segment
// credentials 403), in the same order with the same texts, when a request's headers are
// complete: the router answers before the body is read, so a gateway with a bad token does not
// upload its segment first (go-livepeer's handler also decides these before reading the body).
// It has no side effects beyond the request: the decoded, verified credentials travel in the
// request's head_state to the handler, which decodes and verifies them itself only when they
// are absent (a request that did not pass through the check).
//
// The handlers run on a connection's loop thread and never block it: transcoding happens on
// SessionLoops' threads and the result goes back through the thread-safe ResponseWriter.
// Borrows every collaborator; they must outlive it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/http_message.h"
#include "node/auth_token.h"
#include "node/identity.h"
#include "node/media_store.h"
#include "node/metrics.h"
#include "node/orchestrator_service.h"
#include "node/segment_credentials.h"
#include "node/session_loops.h"
#include "node/session_registry.h"
#include "pm/balances.h"
#include "pm/recipient.h"

namespace baton::node {

// The video worker as the handler sees it: transcode one segment of a session into renditions.
class SegmentTranscoder {
 public:
  struct Rendition {
    std::string bytes;
    int64_t pixels = 0;
    std::string extension = ".ts";  // of the container the bytes are in
  };
  virtual ~SegmentTranscoder() = default;
  // Called on the session's loop thread, one segment of a session at a time.
  virtual absl::StatusOr<std::vector<Rendition>> Transcode(const std::string& session,
                                                           const SegmentRequest& request,
                                                           std::string_view bytes) = 0;
  // The session ended: drop its state.
  virtual void EndSession(const std::string& session) = 0;
};

struct SegmentHandlerDeps {
  OrchestratorService* orchestrator = nullptr;
  const NodeIdentity* identity = nullptr;
  const AuthTokenIssuer* tokens = nullptr;
  SessionRegistry* sessions = nullptr;
  std::function<net::Capabilities()> capabilities;
  pm::Recipient* recipient = nullptr;  // null: offchain, every payment is accepted
  pm::Balances* balances = nullptr;
  MediaStore* store = nullptr;
  SessionLoops* loops = nullptr;
  SegmentTranscoder* transcoder = nullptr;
  Metrics* metrics = nullptr;
  std::string service_uri;
};

class SegmentHandler {
 public:
  explicit SegmentHandler(SegmentHandlerDeps deps) : deps_(std::move(deps)) {}

  // The router's HeaderCheck for /segment and /payment: their header-only checks.
  std::optional<http::Rejection> CheckHeaders(http::HttpRequest& head) const;

  void HandleSegment(http::HttpRequest request, std::shared_ptr<http::ResponseWriter> response);
  void HandlePayment(http::HttpRequest request,
                     const std::shared_ptr<http::ResponseWriter>& response);
  // GET /stream/<path>: results (and later worker inputs) from the media store.
  void HandleStream(const http::HttpRequest& request,
                    const std::shared_ptr<http::ResponseWriter>& response);

 private:
  struct Admitted;  // a segment that passed every check before the 200
  struct Credentials {
    net::Payment payment;
    std::string sender;  // 20 bytes
    SegmentRequest segment;
  };
  // The credentials CheckHeaders left in the request, else decoded and verified now.
  std::optional<http::Rejection> TakeCredentials(http::HttpRequest& req, Credentials& out) const;
  // Steps 1-2 of both handlers: the payment header (402) and segment credentials (403).
  std::optional<http::Rejection> ReadCredentials(const http::HttpRequest& request,
                                                 Credentials& out) const;
  absl::Status ProcessPayment(const net::Payment& payment, const std::string& manifest);
  void Transcode(const std::shared_ptr<Admitted>& job);
  std::string SignOutputs(const std::vector<SegmentTranscoder::Rendition>& outputs) const;
  void RecordMetrics(const SegmentRequest& request, double seconds, int64_t pixels, bool ok);

  SegmentHandlerDeps deps_;
};

}  // namespace baton::node

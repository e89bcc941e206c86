// POST /segment, POST /payment and GET /stream/: the gateway-facing job endpoints of
// doc/wire.md sections 3 and 4, in go-livepeer's order of checks with its status codes and texts.
//
// Every check before the work is the Admission step (orchestrator/admission.h): payment
// decode (402) and segment credentials (403) at header time, then the refreshed
// OrchestratorInfo (500), the payment (400), the balance (400), the segment's own body checks
// (400 for the URI form, 403 for a bad hash) and capacity (403). /segment then answers 200 at
// once and transcodes on the session's own loop; the TranscodeResult (result URLs, pixel
// counts, signature, refreshed info) follows as the body. /payment answers the refreshed
// info once the payment is credited.
//
// The handlers run on a connection's loop thread and never block it: admission's blocking
// part runs on its executor, transcoding on SessionLoops' threads, and the result goes back
// through the thread-safe ResponseWriter. Borrows every collaborator; they must outlive it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/metrics.h"
#include "net/http_message.h"
#include "net/router.h"
#include "orchestrator/admission.h"
#include "orchestrator/grpc_services.h"
#include "orchestrator/media_store.h"
#include "worker/segment_transcoder.h"
#include "worker/session_loops.h"

namespace baton::orchestrator {

struct SegmentHandlerDeps {
  Admission* admission = nullptr;
  MediaStore* store = nullptr;
  worker::SessionLoops* loops = nullptr;
  worker::SegmentTranscoder* transcoder = nullptr;  // null: none attached
  Metrics* metrics = nullptr;                       // may be null
};

class SegmentHandler {
 public:
  explicit SegmentHandler(SegmentHandlerDeps deps) : deps_(std::move(deps)) {}

  // Routes /segment, /payment (with the header check and their body limits) and /stream/ on
  // `router`; a sender whose chain facts are not in memory is served on `chain_reads`' pool
  // (chain_read_routing.h).
  void Register(http::Router& router, ChainReads chain_reads = {});

  // The router's HeaderCheck for /segment and /payment: their header-only checks.
  std::optional<http::Rejection> CheckHeaders(http::HttpRequest& head) const {
    return deps_.admission->CheckHeaders(head);
  }

  void HandleSegment(http::HttpRequest request, std::shared_ptr<http::ResponseWriter> response);
  void HandlePayment(http::HttpRequest request, std::shared_ptr<http::ResponseWriter> response);
  // GET /stream/<path>: results (and later worker inputs) from the media store.
  void HandleStream(const http::HttpRequest& request,
                    const std::shared_ptr<http::ResponseWriter>& response);

 private:
  struct Job;  // an admitted segment and what its answer needs
  void Start(const std::shared_ptr<Job>& job);
  void Transcode(const std::shared_ptr<Job>& job);
  std::string SignOutputs(const std::vector<worker::SegmentTranscoder::Rendition>& outputs) const;
  void RecordMetrics(const SegmentRequest& request, double seconds, int64_t pixels, bool ok);

  SegmentHandlerDeps deps_;
};

}  // namespace baton::orchestrator

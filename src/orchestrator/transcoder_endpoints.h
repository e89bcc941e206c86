// The orchestrator's side of the O-T split on the service port (doc/wire.md 5.1): the gRPC
// call net.Transcoder/RegisterTranscoder, which checks the secret and capacity, attaches the
// transcoder to the TranscoderPool and keeps its stream open for NotifySegment messages, and
// POST /transcodeResults, where a transcoder posts a task's renditions (multipart/mixed) or its
// error (livepeer/transcoding-error), with go-livepeer's statuses: 401 for a wrong
// Authorization or Credentials (answered from the headers, before the body is read), 415 for a
// Content-Type that does not parse, 400 "Invalid Task ID", 400 "Invalid Pixels", 500 when the
// multipart body does not parse (the error also goes to the task), else 200 "OK"; a task id
// that is unknown or already answered is dropped.
//
// The secret is compared in constant time. Handlers run on the service port's loop threads and
// never block. Borrows the pool, which must outlive the server.
#pragma once

#include <string>
#include <string_view>

#include "common/metrics.h"
#include "net/grpc_service.h"
#include "net/router.h"
#include "orchestrator/transcoder_pool.h"

namespace baton::orchestrator {

struct TranscoderEndpointsOptions {
  TranscoderPool* pool = nullptr;
  std::string secret;           // -orchSecret (its value, the file already read)
  std::string default_version;  // for a transcoder that registers without capabilities
  Metrics* metrics = nullptr;   // may be null
};

void RegisterTranscoderEndpoints(const TranscoderEndpointsOptions& options, http::GrpcService& grpc,
                                 http::Router& router);

// Equal strings, compared in time that depends on neither's content.
bool SecretMatches(std::string_view given, std::string_view secret);

// A /transcodeResults success body: one rendition per part with a Pixels header (its extension
// from the part's Content-Type), a following octet-stream part without Pixels as its
// perceptual hash (ignored here). Errors as the parser's, or "Unknown perceptual hash".
absl::StatusOr<std::vector<worker::SegmentTranscoder::Rendition>> ParseTranscodeResults(
    std::string_view body, std::string_view boundary);

}  // namespace baton::orchestrator

// OrchestratorClient: the gateway's three calls to one orchestrator (doc/wire.md 1-3):
// GetOrchestrator over gRPC, POST /segment, and GETs of the transcoded results.
//
// The address given on the command line is "host:port" or "https://host:port" (TLS without
// verification, like go-livepeer) or "http://host:port" (cleartext h2c). Segments go to
// `info.transcoder` + "/segment", the URI the orchestrator advertises, as go-livepeer does.
//
// SubmitSegment enforces go-livepeer's gateway deadlines: the response headers within
// max(2 s, 0.5·duration) and the whole exchange within max(8 s, 4·duration).
//
// Thread-safety: one OrchestratorClient per thread (it owns an HttpClient and its connections).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "crypto/secp256k1.h"
#include "gateway/segment_request.h"
#include "lp_rpc.pb.h"
#include "net/http_client.h"

namespace baton::gateway {

// "host:port" → "https://host:port"; "https://h:p" and "http://h:p" are kept (a trailing
// slash or path is dropped). Anything else is an error.
absl::StatusOr<std::string> OrchestratorBaseUrl(std::string_view orch_addr);

// The deadlines of one segment exchange, from its duration.
struct SegmentDeadlines {
  std::chrono::milliseconds headers;
  std::chrono::milliseconds total;
};
SegmentDeadlines DeadlinesFor(double duration_s);

// One completed POST /segment.
struct SegmentExchange {
  ::net::TranscodeResult result;
  double headers_after_s = 0;
  double total_s = 0;
  int64_t bytes_sent = 0;
  int64_t bytes_received = 0;
};

class OrchestratorClient {
 public:
  explicit OrchestratorClient(std::string base_url) : base_url_(std::move(base_url)) {}

  // GetOrchestrator{address, sig = Sign(EIP-55 address string), capabilities}. gRPC errors
  // come back with the orchestrator's message ("Invalid orchestrator request: ...").
  absl::StatusOr<::net::OrchestratorInfo> GetOrchestrator(const crypto::PrivateKey& key,
                                                          const ::net::Capabilities& caps);

  // POSTs the segment to `transcoder_url`/segment. A non-200 answer is an error carrying the
  // status and the orchestrator's text; a 200 with an unparsable body too.
  absl::StatusOr<SegmentExchange> SubmitSegment(const std::string& transcoder_url,
                                                const SegmentHeaders& headers,
                                                const std::string& segment_bytes,
                                                double duration_s);

  // GET over HTTP/1.1 with go-livepeer's 4 s download timeout; non-200 is an error.
  absl::StatusOr<std::string> Download(const std::string& url);

  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  http::HttpClient http_;
};

}  // namespace baton::gateway

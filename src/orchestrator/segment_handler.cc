#include "orchestrator/segment_handler.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/hex.h"
#include "crypto/keccak.h"
#include "orchestrator/chain_read_routing.h"

namespace baton::orchestrator {
namespace {

// go-livepeer's MaxSegSize: the largest /segment body.
constexpr size_t kMaxSegmentBytes = 300'000'000;

constexpr int64_t kMinRenditionBytes = 25;  // go-livepeer's "ZeroSegments" threshold

std::string Header(const http::HttpRequest& r, const char* name) {
  return r.headers.Get(name).value_or("");
}

}  // namespace

void SegmentHandler::Register(http::Router& router, ChainReads chain_reads) {
  // The header check answers bad payment/credentials before a segment body is uploaded.
  auto check_headers = [this](http::HttpRequest& head) { return CheckHeaders(head); };
  router.Handle("/segment", {"POST"},
                OffLoopWhenChainReads([this](http::HttpRequest r,
                                             auto w) { HandleSegment(std::move(r), std::move(w)); },
                                      chain_reads.facts, chain_reads.pool),
                check_headers, kMaxSegmentBytes);
  router.Handle("/payment", {"POST"},
                OffLoopWhenChainReads([this](http::HttpRequest r,
                                             auto w) { HandlePayment(std::move(r), std::move(w)); },
                                      chain_reads.facts, chain_reads.pool),
                check_headers, /*max_body=*/0);  // the payment travels in a header
  router.HandlePrefix("/stream/", {"GET"},
                      [this](http::HttpRequest r, auto w) { HandleStream(r, w); });
}

struct SegmentHandler::Job {
  Admitted admitted;
  std::string body;
  std::shared_ptr<http::ResponseWriter> response;
  std::chrono::steady_clock::time_point received;
  const SegmentRequest& request() const { return admitted.credentials.segment; }
  const std::string& session() const { return admitted.credentials.session(); }
};

void SegmentHandler::HandleSegment(http::HttpRequest req,
                                   std::shared_ptr<http::ResponseWriter> response) {
  auto received = std::chrono::steady_clock::now();
  Credentials credentials;
  if (auto rejection = deps_.admission->TakeCredentials(req, credentials))
    return response->RespondError(*rejection);
  // The body travels with the admission so the hash is checked where the payment was.
  auto body = std::make_shared<std::string>(std::move(req.body));
  std::string hash = credentials.segment.hash;
  Admission::Policy policy;
  policy.check_body = [uri = Header(req, "Content-Type") == "application/vnd+livepeer.uri", body,
                       hash]() -> std::optional<http::Rejection> {
    // 6-8. Body and its hash (the URI form needs an external store, which this node has not).
    if (uri) return http::Rejection{400, "BadRequest", {}};
    if (crypto::Keccak256(*body) != hash) return http::Rejection{403, "Forbidden", {}};
    return std::nullopt;
  };
  deps_.admission->Admit(std::move(credentials), std::move(policy),
                         [this, body, response, received](Admission::Decision decision) {
                           if (decision.rejection)
                             return response->RespondError(*decision.rejection);
                           auto job = std::make_shared<Job>();
                           job->admitted = *std::move(decision.admitted);
                           job->body = std::move(*body);
                           job->response = response;
                           job->received = received;
                           Start(job);
                         });
}

void SegmentHandler::Start(const std::shared_ptr<Job>& job) {
  // 9. 200 now; the TranscodeResult follows when the work is done.
  job->response->SendHeaders(200, {});
  auto queued = deps_.loops->Submit(job->session(), [this, job] { Transcode(job); });
  if (!queued.ok()) {
    net::TranscodeResult result;
    result.set_seq(job->request().seq());
    result.set_error(std::string(queued.message()));
    *result.mutable_info() = job->admitted.info;
    job->response->SendBody(result.SerializeAsString(), true);
  }
}

std::string SegmentHandler::SignOutputs(
    const std::vector<worker::SegmentTranscoder::Rendition>& outputs) const {
  std::string hashes;
  for (const auto& o : outputs) hashes += crypto::Keccak256(o.bytes);
  // Sign(msg) is personal-sign(keccak(msg)): keccak of the concatenated output hashes.
  return deps_.admission->orchestrator().identity().Sign(hashes);
}

void SegmentHandler::Transcode(const std::shared_ptr<Job>& job) {
  const SegmentRequest& req = job->request();
  const std::string& session = job->session();
  const std::string& service_uri = deps_.admission->orchestrator().service_uri();
  net::TranscodeResult result;
  result.set_seq(req.seq());
  auto start = std::chrono::steady_clock::now();
  deps_.admission->orchestrator().sessions().Touch(session);  // live while its work runs
  auto outputs = deps_.transcoder != nullptr
                     ? deps_.transcoder->Transcode(session, req.seg_data, req.profiles, job->body)
                     : absl::UnavailableError("no transcoder attached");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Idle time that retires an abandoned session counts from the end of its last work.
  deps_.admission->orchestrator().sessions().Touch(session);
  int64_t pixels = 0;
  absl::Status status = outputs.status();
  if (status.ok() && outputs->size() != req.profiles.size())
    status = absl::InternalError("MismatchedSegments");
  for (size_t i = 0; status.ok() && i < outputs->size(); ++i) {
    if (static_cast<int64_t>((*outputs)[i].bytes.size()) < kMinRenditionBytes)
      status = absl::InternalError("ZeroSegments");
  }
  if (status.ok()) {
    auto* data = result.mutable_data();
    for (size_t i = 0; i < outputs->size(); ++i) {
      const auto& profile = req.profiles[i];
      std::string path = session + "/" + profile.name() + "/" + std::to_string(req.seq()) +
                         (*outputs)[i].extension;
      auto* seg = data->add_segments();
      seg->set_url(service_uri + "/stream/" + path);
      seg->set_pixels((*outputs)[i].pixels);
      pixels += (*outputs)[i].pixels;
    }
    data->set_sig(SignOutputs(*outputs));
    for (size_t i = 0; i < outputs->size(); ++i) {
      const auto& profile = req.profiles[i];
      deps_.store->Put(session + "/" + profile.name() + "/" + std::to_string(req.seq()) +
                           (*outputs)[i].extension,
                       std::move((*outputs)[i].bytes));
    }
  } else {
    result.set_error(std::string(status.message()));
    spdlog::warn("segment {} of session {} failed: {}", req.seq(), session,
                 std::string(status.message()));
  }
  deps_.admission->Debit(job->admitted, pixels);  // 0 pixels on error
  RecordMetrics(req, seconds, pixels, status.ok());
  *result.mutable_info() = job->admitted.info;
  job->response->SendBody(result.SerializeAsString(), true);
}

void SegmentHandler::RecordMetrics(const SegmentRequest& req, double seconds, int64_t pixels,
                                   bool ok) {
  if (deps_.metrics == nullptr || !ok) return;
  std::string profiles;
  for (const auto& p : req.profiles) profiles += (profiles.empty() ? "" : ",") + p.name();
  Labels labels{{"profiles", profiles}, {"trusted", "true"}, {"verified", "true"}};
  deps_.metrics->Add("livepeer_segment_transcoded_total", 1, labels);
  deps_.metrics->Observe("livepeer_transcode_time_seconds", seconds, labels);
  if (seconds > 0)
    deps_.metrics->Observe("livepeer_transcode_score", req.duration_ms / 1000.0 / seconds, labels);
  deps_.metrics->Add("livepeer_mil_pixels_processed", static_cast<double>(pixels) / 1e6);
}

void SegmentHandler::HandlePayment(http::HttpRequest req,
                                   std::shared_ptr<http::ResponseWriter> response) {
  Credentials c;
  if (auto rejection = deps_.admission->TakeCredentials(req, c))
    return response->RespondError(*rejection);
  Admission::Policy policy;
  policy.credit_manifest = true;  // /payment credits the manifest id, not the session id
  policy.work = false;
  deps_.admission->Admit(std::move(c), std::move(policy), [response](Admission::Decision d) {
    if (d.rejection) return response->RespondError(*d.rejection);
    net::PaymentResult result;
    *result.mutable_info() = std::move(d.admitted->info);
    response->Respond(200, "application/x-protobuf", result.SerializeAsString());
  });
}

void SegmentHandler::HandleStream(const http::HttpRequest& req,
                                  const std::shared_ptr<http::ResponseWriter>& response) {
  std::string path = req.path.substr(std::string("/stream/").size());
  auto data = deps_.store->Get(path);
  if (data == nullptr) return response->RespondError(404, "ErrNotFound");
  http::HttpHeaders extra{{"access-control-allow-origin", "*"}};
  response->Respond(200, MediaStore::ContentTypeFor(path), *data, std::move(extra));
}

}  // namespace baton::orchestrator

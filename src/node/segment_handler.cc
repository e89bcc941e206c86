#include "node/segment_handler.h"

#include <spdlog/spdlog.h>

#include <any>
#include <chrono>

#include "common/hex.h"
#include "crypto/keccak.h"
#include "pm/payment_decoder.h"

namespace baton::node {
namespace {

constexpr int64_t kMinRenditionBytes = 25;  // go-livepeer's "ZeroSegments" threshold

std::string Header(const http::HttpRequest& r, const char* name) {
  return r.headers.Get(name).value_or("");
}

// Debian's Abseil has its own string_view type.
std::string Text(absl::string_view s) { return std::string(s); }

}  // namespace

struct SegmentHandler::Admitted {
  SegmentRequest request;
  net::Payment payment;
  std::string sender;   // 20 bytes
  std::string session;  // auth token session id
  net::OrchestratorInfo info;
  std::string body;
  std::shared_ptr<http::ResponseWriter> response;
  std::chrono::steady_clock::time_point received;
};

absl::Status SegmentHandler::ProcessPayment(const net::Payment& payment,
                                            const std::string& manifest) {
  if (deps_.recipient == nullptr) return absl::OkStatus();  // offchain: accept
  pm::PaymentOutcome outcome = deps_.recipient->ProcessPayment(payment, manifest);
  if (deps_.metrics != nullptr) {
    deps_.metrics->Add("livepeer_tickets_recv", payment.ticket_sender_params_size());
    deps_.metrics->Add("livepeer_winning_tickets_recv", outcome.winners);
    deps_.metrics->Add("livepeer_ticket_value_recv", static_cast<double>(outcome.credited) / 1e9);
    if (!outcome.status.ok())
      deps_.metrics->Add("livepeer_payment_recv_errors", 1, {{"error_code", "PaymentError"}});
  }
  if (!outcome.sink_status.ok())
    spdlog::error("winning ticket not stored: {}", std::string(outcome.sink_status.message()));
  return outcome.status;
}

std::optional<http::Rejection> SegmentHandler::ReadCredentials(const http::HttpRequest& req,
                                                               Credentials& out) const {
  // 1. Payment header (an empty header is an empty payment from the zero address).
  auto payment = pm::ParsePaymentHeader(Header(req, "Livepeer-Payment"));
  if (!payment.ok()) return http::Rejection{402, Text(payment.status().message()), {}};
  out.payment = *std::move(payment);
  out.sender = crypto::Address::FromBytesGoStyle(out.payment.sender()).bytes();
  // 2. Segment credentials.
  auto seg = DecodeSegData(Header(req, "Livepeer-Segment"));
  if (!seg.ok()) return http::Rejection{403, Text(seg.status().message()), {}};
  out.segment = *std::move(seg);
  CredentialCheckers checkers{deps_.identity, deps_.tokens, deps_.sessions, deps_.capabilities()};
  if (auto s = VerifySegmentCredentials(out.segment, out.sender, checkers); !s.ok())
    return http::Rejection{403, Text(s.message()), {}};
  return std::nullopt;
}

std::optional<http::Rejection> SegmentHandler::CheckHeaders(http::HttpRequest& head) const {
  Credentials credentials;
  if (auto rejection = ReadCredentials(head, credentials)) return rejection;
  head.head_state = std::move(credentials);
  return std::nullopt;
}

std::optional<http::Rejection> SegmentHandler::TakeCredentials(http::HttpRequest& req,
                                                               Credentials& out) const {
  if (auto* vetted = std::any_cast<Credentials>(&req.head_state)) {
    out = std::move(*vetted);
    return std::nullopt;
  }
  return ReadCredentials(req, out);
}

void SegmentHandler::HandleSegment(http::HttpRequest req,
                                   std::shared_ptr<http::ResponseWriter> response) {
  auto job = std::make_shared<Admitted>();
  job->received = std::chrono::steady_clock::now();
  Credentials credentials;
  if (auto rejection = TakeCredentials(req, credentials)) return response->RespondError(*rejection);
  job->payment = std::move(credentials.payment);
  job->sender = std::move(credentials.sender);
  job->request = std::move(credentials.segment);
  job->session = job->request.seg_data.auth_token().session_id();
  // 3. Refreshed info for this session, keeping the gateway's own token.
  auto info = deps_.orchestrator->Info(job->sender, job->session);
  if (!info.ok()) {
    spdlog::error("segment info for session {}: {}", job->session,
                  std::string(info.status().message()));
    return response->RespondError(500, "Internal Server Error");
  }
  job->info = *std::move(info);
  *job->info.mutable_auth_token() = job->request.seg_data.auth_token();
  // go-livepeer treats a payment without tickets as "price 0" and works for free even when
  // it quotes a price; Baton refuses work it was not offered a way to be paid for.
  if (deps_.recipient != nullptr && !job->payment.has_ticket_params() &&
      job->info.price_info().priceperunit() > 0)
    return response->RespondError(400, "Insufficient balance");
  // 4. Payment.
  if (auto s = ProcessPayment(job->payment, job->session); !s.ok())
    return response->RespondError(400, Text(s.message()));
  // 5. Balance, only when the gateway pays a non-zero price.
  if (deps_.recipient != nullptr && job->payment.expected_price().priceperunit() > 0 &&
      !deps_.balances->SufficientBalance(crypto::Address::FromBytesGoStyle(job->sender),
                                         job->session, deps_.recipient->ticket_ev_rat()))
    return response->RespondError(400, "Insufficient balance");
  // 6-8. Body and its hash (the URI form needs an external store, which this node has not).
  if (Header(req, "Content-Type") == "application/vnd+livepeer.uri")
    return response->RespondError(400, "BadRequest");
  job->body = std::move(req.body);
  if (crypto::Keccak256(job->body) != job->request.hash)
    return response->RespondError(403, "Forbidden");
  // Capacity: the session takes a slot on its first segment.
  if (auto acquired = deps_.sessions->Acquire(job->session); !acquired.ok())
    return response->RespondError(403, Text(acquired.status().message()));
  // 9. 200 now; the TranscodeResult follows when the work is done.
  response->SendHeaders(200, {});
  job->response = response;
  auto queued = deps_.loops->Submit(job->session, [this, job] { Transcode(job); });
  if (!queued.ok()) {
    net::TranscodeResult result;
    result.set_seq(job->request.seq());
    result.set_error(std::string(queued.message()));
    *result.mutable_info() = job->info;
    response->SendBody(result.SerializeAsString(), true);
  }
}

std::string SegmentHandler::SignOutputs(
    const std::vector<SegmentTranscoder::Rendition>& outputs) const {
  std::string hashes;
  for (const auto& o : outputs) hashes += crypto::Keccak256(o.bytes);
  // Sign(msg) is personal-sign(keccak(msg)): keccak of the concatenated output hashes.
  return deps_.identity->Sign(hashes);
}

void SegmentHandler::Transcode(const std::shared_ptr<Admitted>& job) {
  const SegmentRequest& req = job->request;
  net::TranscodeResult result;
  result.set_seq(req.seq());
  auto start = std::chrono::steady_clock::now();
  auto outputs = deps_.transcoder->Transcode(job->session, req, job->body);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
      std::string path = job->session + "/" + profile.name() + "/" + std::to_string(req.seq()) +
                         (*outputs)[i].extension;
      auto* seg = data->add_segments();
      seg->set_url(deps_.service_uri + "/stream/" + path);
      seg->set_pixels((*outputs)[i].pixels);
      pixels += (*outputs)[i].pixels;
    }
    data->set_sig(SignOutputs(*outputs));
    for (size_t i = 0; i < outputs->size(); ++i) {
      const auto& profile = req.profiles[i];
      deps_.store->Put(job->session + "/" + profile.name() + "/" + std::to_string(req.seq()) +
                           (*outputs)[i].extension,
                       std::move((*outputs)[i].bytes));
    }
  } else {
    result.set_error(std::string(status.message()));
    spdlog::warn("segment {} of session {} failed: {}", req.seq(), job->session,
                 std::string(status.message()));
  }
  // Debit price × output pixels (0 pixels on error), at the price the gateway paid with.
  if (deps_.recipient != nullptr && job->payment.has_expected_price()) {
    auto price = pm::PriceInfoToRat(job->payment.expected_price());
    if (price.ok())
      deps_.balances->DebitFees(crypto::Address::FromBytesGoStyle(job->sender), job->session,
                                *price, static_cast<uint64_t>(pixels));
  }
  RecordMetrics(req, seconds, pixels, status.ok());
  *result.mutable_info() = job->info;
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
                                   const std::shared_ptr<http::ResponseWriter>& response) {
  Credentials c;
  if (auto rejection = TakeCredentials(req, c)) return response->RespondError(*rejection);
  const net::AuthToken& token = c.segment.seg_data.auth_token();
  auto info = deps_.orchestrator->Info(c.sender, token.session_id());
  if (!info.ok()) return response->RespondError(500, "Internal Server Error");
  *info->mutable_auth_token() = token;
  // /payment credits the gateway's manifest id, not the session id (wire.md 4).
  if (auto s = ProcessPayment(c.payment, c.segment.manifest_id()); !s.ok())
    return response->RespondError(400, Text(s.message()));
  net::PaymentResult result;
  *result.mutable_info() = *std::move(info);
  response->Respond(200, "application/x-protobuf", result.SerializeAsString());
}

void SegmentHandler::HandleStream(const http::HttpRequest& req,
                                  const std::shared_ptr<http::ResponseWriter>& response) {
  std::string path = req.path.substr(std::string("/stream/").size());
  auto data = deps_.store->Get(path);
  if (data == nullptr) return response->RespondError(404, "ErrNotFound");
  http::HttpHeaders extra{{"access-control-allow-origin", "*"}};
  response->Respond(200, MediaStore::ContentTypeFor(path), *data, std::move(extra));
}

}  // namespace baton::node

#include "gateway/stream_session.h"

#include <openssl/rand.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/hex.h"
#include "crypto/keccak.h"
#include "gateway/rendition_ladder.h"
#include "gateway/result_verifier.h"
#include "gateway/segment_request.h"
#include "pm/payment_decoder.h"
#include "pm/ticket.h"
#include "spdlog/spdlog.h"

namespace baton::gateway {
namespace {

// go-livepeer's manifest ids are random; 8 hex chars like its session ids.
std::string RandomManifestId() {
  unsigned char bytes[4];
  RAND_bytes(bytes, sizeof bytes);
  return HexEncode(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
}

// pricePerUnit / pixelsPerUnit in wei per pixel; 0 without a price.
pm::Rat PricePerPixel(const ::net::PriceInfo& price) {
  if (price.pixelsperunit() <= 0) return 0;
  return pm::Rat(price.priceperunit(), price.pixelsperunit());
}

pm::Rat TicketEv(const ::net::TicketParams& tp) {
  return pm::TicketEV(pm::WireUint::FromBytes(tp.face_value()).value,
                      pm::WireUint::FromBytes(tp.win_prob()).value);
}

SegmentOutcome NewOutcome(int session, const SourceSegment& segment) {
  SegmentOutcome outcome;
  outcome.session = session;
  outcome.seq = segment.seq;
  outcome.content_s = segment.duration_s;
  return outcome;
}

void Fail(SegmentOutcome& outcome, std::string kind, std::string message) {
  outcome.ok = false;
  outcome.failure_kind = std::move(kind);
  outcome.failure = std::move(message);
}

}  // namespace

struct StreamSession::Prepared {
  SegmentHeaders headers;
  ::net::OrchestratorInfo info;  // the info the segment was paid and signed under
  pm::Rat price_per_pixel = 0;
  // The staged credit update (go-livepeer BalanceUpdate); none without ticket params.
  std::optional<SessionCredit::Update> credit;
};

StreamSession::StreamSession(int index, SessionConfig config, const crypto::PrivateKey& key,
                             pm::Sender& sender, RunSummary& summary)
    : index_(index),
      config_(std::move(config)),
      key_(key),
      sender_(sender),
      summary_(summary),
      manifest_id_(RandomManifestId()) {}

bool ShouldRefreshSession(const ::net::OrchestratorInfo& info, int64_t now_unix_s) {
  constexpr int64_t kRefreshWindowS = 30 * 60 / 10;
  if (!info.has_auth_token()) return false;
  return info.auth_token().expiration() - now_unix_s < kRefreshWindowS;
}

absl::Status StreamSession::Run(const std::vector<SourceSegment>& segments) {
  OrchestratorClient client(config_.base_url);
  if (absl::Status started = Start(client); !started.ok()) {
    for (const SourceSegment& segment : segments) {
      SegmentOutcome outcome = NewOutcome(index_, segment);
      Fail(outcome, "session", std::string(started.message()));
      summary_.Add(std::move(outcome));
    }
    return started;
  }
  stream_start_ = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int i = 0; i < config_.concurrency; ++i) {
    workers.emplace_back([this, &segments] { Work(segments); });
  }
  for (std::thread& worker : workers) worker.join();
  summary_.AddCreditLeft(credit_.balance());
  return absl::OkStatus();
}

absl::Status StreamSession::Start(OrchestratorClient& client) {
  absl::StatusOr<::net::OrchestratorInfo> info =
      client.GetOrchestrator(key_, RequiredCapabilities(config_.profiles));
  if (!info.ok()) return info.status();
  if (info->transcoder().empty()) {
    return absl::UnavailableError("the orchestrator advertises no transcoder URI (not working)");
  }
  if (absl::Status price = CheckPrice(*info); !price.ok()) return price;
  spdlog::info("session {}: orchestrator {} at {}, price {} wei per {} pixels, manifest {}", index_,
               crypto::Address::FromBytesGoStyle(info->address()).ChecksumHex(), info->transcoder(),
               info->price_info().priceperunit(), info->price_info().pixelsperunit(), manifest_id_);
  std::lock_guard<std::mutex> lock(mu_);
  info_ = *std::move(info);
  return absl::OkStatus();
}

absl::Status StreamSession::CheckPrice(const ::net::OrchestratorInfo& info) const {
  if (!config_.max_price_per_unit) return absl::OkStatus();
  const pm::Rat price = PricePerPixel(info.price_info());
  if (price <= *config_.max_price_per_unit) return absl::OkStatus();
  return absl::FailedPreconditionError("the orchestrator's price " + pm::RatString(price) +
                                       " wei per pixel exceeds -maxPricePerUnit " +
                                       pm::RatString(*config_.max_price_per_unit));
}

void StreamSession::Work(const std::vector<SourceSegment>& segments) {
  OrchestratorClient client(config_.base_url);
  while (true) {
    size_t next;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (next_segment_ >= segments.size()) return;
      next = next_segment_++;
    }
    if (config_.realtime) {
      // A live source: segment n exists once the n segments before it have played.
      double due_s = 0;
      for (size_t i = 0; i < next; ++i) due_s += segments[i].duration_s;
      std::this_thread::sleep_until(stream_start_ +
                                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::chrono::duration<double>(due_s)));
    }
    summary_.Add(Process(client, segments[next]));
  }
}

absl::StatusOr<StreamSession::Prepared> StreamSession::Prepare(OrchestratorClient& client,
                                                               const SourceSegment& segment,
                                                               SegmentOutcome& outcome) {
  Prepared prepared;
  {
    std::lock_guard<std::mutex> lock(mu_);
    prepared.info = info_;
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  if (ShouldRefreshSession(prepared.info, now)) {
    if (absl::Status refreshed = Start(client); !refreshed.ok()) {
      outcome.failure_kind = "session refresh";
      return refreshed;
    }
    std::lock_guard<std::mutex> lock(mu_);
    prepared.info = info_;
  }
  if (absl::Status price = CheckPrice(prepared.info); !price.ok()) {
    outcome.failure_kind = "price";
    return price;
  }
  prepared.price_per_pixel = PricePerPixel(prepared.info.price_info());
  const pm::Rat fee =
      EstimatedPixels(config_.profiles, segment.duration_s) * prepared.price_per_pixel;
  absl::StatusOr<::net::Payment> payment = StagePayment(prepared, fee, outcome);
  if (!payment.ok()) return payment.status();

  SegmentIdentity identity{manifest_id_, segment.seq, crypto::Keccak256(segment.bytes),
                           static_cast<int32_t>(std::lround(segment.duration_s * 1000))};
  ::net::SegData seg_data =
      BuildSegData(identity, config_.profiles, prepared.info.auth_token(), key_);
  prepared.headers = EncodeHeaders(seg_data, *payment);
  return prepared;
}

absl::StatusOr<::net::Payment> StreamSession::StagePayment(Prepared& prepared, const pm::Rat& fee,
                                                           SegmentOutcome& outcome) {
  const ::net::OrchestratorInfo& info = prepared.info;
  // An orchestrator without ticket params takes no tickets (offchain): sender and price only.
  if (!info.has_ticket_params()) return sender_.CreatePaymentWithTickets(info, 0);
  absl::StatusOr<SessionCredit::Update> update =
      credit_.Stage(info.auth_token().session_id(), fee, TicketEv(info.ticket_params()));
  if (!update.ok()) return update.status();
  absl::StatusOr<::net::Payment> payment = sender_.CreatePaymentWithTickets(info, update->tickets);
  if (!payment.ok()) {
    credit_.Cancel(*update);  // nothing was sent
    return payment.status();
  }
  prepared.credit = *std::move(update);
  outcome.tickets = prepared.credit->tickets;
  outcome.ev_sent = prepared.credit->new_credit;
  outcome.ticketless = prepared.credit->tickets == 0;
  return payment;
}

SegmentOutcome StreamSession::Process(OrchestratorClient& client, const SourceSegment& segment) {
  SegmentOutcome outcome = NewOutcome(index_, segment);
  absl::StatusOr<Prepared> prepared = Prepare(client, segment, outcome);
  if (!prepared.ok()) {
    Fail(outcome, outcome.failure_kind.empty() ? "payment" : outcome.failure_kind,
         std::string(prepared.status().message()));
    return outcome;
  }
  absl::StatusOr<SegmentExchange> exchange = client.SubmitSegment(
      prepared->info.transcoder(), prepared->headers, segment.bytes, segment.duration_s);
  if (!exchange.ok()) {
    const bool late = absl::IsDeadlineExceeded(exchange.status());
    Fail(outcome, late ? "late" : "post", std::string(exchange.status().message()));
    return outcome;
  }
  outcome.latency_s = exchange->total_s;
  outcome.headers_s = exchange->headers_after_s;
  outcome.bytes_up = exchange->bytes_sent;
  outcome.bytes_down = exchange->bytes_received;
  const ::net::TranscodeResult& result = exchange->result;
  if (result.has_info()) UpdateInfo(result.info());
  if (result.result_case() == ::net::TranscodeResult::kError) {
    Fail(outcome, "transcode error", result.error());
    return outcome;
  }
  if (result.result_case() != ::net::TranscodeResult::kData) {
    Fail(outcome, "transcode error", "the TranscodeResult carries neither data nor an error");
    return outcome;
  }
  for (const auto& rendition : result.data().segments()) outcome.pixels += rendition.pixels();
  outcome.fee = prepared->price_per_pixel * outcome.pixels;
  // The change: what was credited for this segment minus what the node debits for it. Without
  // a result (above) the credit is spent, as a go-livepeer gateway counts it.
  if (prepared->credit) credit_.Complete(*prepared->credit, outcome.fee);
  outcome.ok = true;
  CheckResults(client, result.data(), prepared->info, outcome);
  spdlog::debug("session {} seq {}: {} in {:.3f} s", index_, segment.seq,
                outcome.ok ? "ok" : outcome.failure, outcome.latency_s);
  return outcome;
}

void StreamSession::CheckResults(OrchestratorClient& client, const ::net::TranscodeData& data,
                                 const ::net::OrchestratorInfo& info, SegmentOutcome& outcome) {
  if (data.segments_size() != static_cast<int>(config_.profiles.size())) {
    Fail(outcome, "mismatched segments",
         std::to_string(data.segments_size()) + " renditions for " +
             std::to_string(config_.profiles.size()) + " profiles");
    return;
  }
  std::vector<std::string> renditions;
  for (const auto& rendition : data.segments()) {
    absl::StatusOr<std::string> bytes = client.Download(rendition.url());
    if (!bytes.ok()) {
      Fail(outcome, "download", std::string(bytes.status().message()));
      return;
    }
    outcome.bytes_down += static_cast<int64_t>(bytes->size());
    renditions.push_back(*std::move(bytes));
  }
  if (!config_.out_dir.empty()) KeepRenditions(outcome.seq, renditions);
  if (!config_.verify) return;

  if (std::optional<crypto::Address> signer = ExpectedResultSigner(info)) {
    if (absl::Status sig = VerifyResultSignature(*signer, renditions, data.sig()); !sig.ok()) {
      Fail(outcome, "signature", std::string(sig.message()));
      return;
    }
    outcome.signature = SignatureCheck::kVerified;
  } else {
    outcome.signature = SignatureCheck::kUnsigned;
  }
  for (size_t i = 0; i < renditions.size(); ++i) {
    absl::Status pixels = VerifyPixels(renditions[i], data.segments(static_cast<int>(i)).pixels());
    if (!pixels.ok()) {
      Fail(outcome, "pixel mismatch",
           config_.profiles[i].name() + ": " + std::string(pixels.message()));
      return;
    }
  }
  outcome.pixels_verified = true;
}

void StreamSession::UpdateInfo(const ::net::OrchestratorInfo& fresh) {
  std::lock_guard<std::mutex> lock(mu_);
  // Replace the session's info (new ticket params, price), as go-livepeer's updateSession does;
  // an orchestrator that drops the URI or token does not end the session.
  ::net::AuthToken token = info_.auth_token();
  std::string transcoder = info_.transcoder();
  info_ = fresh;
  if (!info_.has_auth_token()) *info_.mutable_auth_token() = token;
  if (info_.transcoder().empty()) info_.set_transcoder(transcoder);
}

void StreamSession::KeepRenditions(int64_t seq, const std::vector<std::string>& renditions) {
  namespace fs = std::filesystem;
  for (size_t i = 0; i < renditions.size(); ++i) {
    fs::path dir = fs::path(config_.out_dir) / std::to_string(index_) / config_.profiles[i].name();
    std::error_code ec;
    fs::create_directories(dir, ec);
    std::ofstream(dir / (std::to_string(seq) + ".ts"), std::ios::binary) << renditions[i];
  }
}

}  // namespace baton::gateway

#include "worker/transcoder_client.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "net/grpc_client.h"
#include "net/http_client.h"
#include "net/multipart.h"

namespace baton::worker {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kTranscoderAuth[] = "Livepeer-Transcoder-1.0";
constexpr char kTranscodingErrorType[] = "livepeer/transcoding-error";

// The profiles a segment asks for, as the orchestrator's own decoding picks them.
std::vector<net::VideoProfile> ProfilesOf(const net::SegData& seg) {
  const auto& chosen = seg.fullprofiles3_size() > 0   ? seg.fullprofiles3()
                       : seg.fullprofiles2_size() > 0 ? seg.fullprofiles2()
                                                      : seg.fullprofiles();
  return {chosen.begin(), chosen.end()};
}

std::string RandomBoundary() {
  unsigned char bytes[10];
  RAND_bytes(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

}  // namespace

std::string RenditionContentType(const std::string& extension) {
  if (extension == ".mp4") return "video/mp4";
  if (extension == ".mkv") return "video/x-matroska";
  return "video/mp2t";
}

TranscoderClient::TranscoderClient(TranscoderClientOptions options)
    : options_(std::move(options)),
      pool_({"transcoder segments", std::max(1, options_.capacity),
             static_cast<size_t>(std::max(1, options_.capacity)) * 64,
             /*drop_queued_on_stop=*/true}) {}

TranscoderClient::~TranscoderClient() {
  Stop();
  pool_.Stop();
}

void TranscoderClient::Stop() { stop_ = true; }

TranscoderClient::Snapshot TranscoderClient::snapshot() const {
  std::lock_guard lock(mu_);
  return state_;
}

absl::Status TranscoderClient::Run() {
  return RunRegistrationLoop(
      {"Transcoder", options_.orch_addr, "stream ended", options_.max_backoff}, stop_,
      [this] { return RunOnce(); },
      [this](const absl::Status& status) {
        std::lock_guard lock(mu_);
        state_.registered = false;
        state_.last_error = std::string(status.message());
      });
}

absl::Status TranscoderClient::RunOnce() {
  net::RegisterRequest request;
  request.set_secret(options_.secret);
  request.set_capacity(options_.capacity);
  *request.mutable_capabilities() = options_.capabilities;
  http::GrpcClient client({options_.orch_addr, /*tls=*/true});
  spdlog::info("Registering transcoder to {} (capacity {})", options_.orch_addr, options_.capacity);
  auto on_message = [&](std::string bytes) {
    net::NotifySegment notify;
    if (!notify.ParseFromString(bytes)) {
      spdlog::warn("Unreadable NotifySegment from {}", options_.orch_addr);
      return true;
    }
    const std::string& session = notify.segdata().auth_token().session_id();
    auto task = [this, notify] { Handle(notify); };
    {
      std::lock_guard lock(mu_);
      if (!notify.url().empty()) state_.in_flight++;
    }
    if (auto s = pool_.Submit(task, session); !s.ok()) {
      spdlog::warn("Task {} dropped: {}", notify.taskid(), std::string(s.message()));
      std::lock_guard lock(mu_);
      if (!notify.url().empty()) state_.in_flight--;
    }
    return true;
  };
  // gRPC sends no answer before the first segment, so a registration counts as held once the
  // stream stayed open for a moment (refusals such as "invalid secret" come at once).
  const auto started = Clock::now();
  auto should_stop = [this, started] {
    if (Clock::now() - started > std::chrono::milliseconds(500)) {
      std::lock_guard lock(mu_);
      if (!state_.registered) {
        state_.registered = true;
        state_.registered_since = std::chrono::system_clock::now();
        state_.registrations++;
      }
    }
    return stop_.load();
  };
  return client.CallServerStreaming("/net.Transcoder/RegisterTranscoder",
                                    request.SerializeAsString(), on_message, should_stop);
}

void TranscoderClient::Handle(const net::NotifySegment& notify) {
  const net::SegData& seg = notify.segdata();
  std::string session = seg.auth_token().session_id();
  if (notify.url().empty()) {
    if (!session.empty()) options_.transcoder->EndSession(session);
    return;
  }
  if (session.empty()) session = seg.manifestid();
  const auto start = Clock::now();
  http::HttpClient http;
  absl::StatusOr<std::vector<SegmentTranscoder::Rendition>> result;
  int64_t decoded_pixels = 0;
  // The input, by URL (no auth, HTTP/1.1, doc/wire.md 5.1).
  http::ClientRequest get;
  get.url = notify.url();
  get.version = http::ClientHttpVersion::kHttp1;
  get.total_timeout = std::chrono::seconds(4);
  auto input = http.Send(get);
  if (!input.ok()) {
    result = input.status();
  } else if (input->status != 200) {
    result = absl::UnavailableError("input " + notify.url() + " answered " +
                                    std::to_string(input->status));
  } else {
    result =
        options_.transcoder->Transcode(session, seg, ProfilesOf(seg), input->body, &decoded_pixels);
  }

  std::string body;
  std::string content_type;
  if (result.ok()) {
    // go-livepeer's shape: a 20-hex-character boundary, Content-Type, Content-Length, Pixels.
    http::MultipartWriter writer(RandomBoundary());
    for (const auto& r : *result) {
      writer.AddPart({{"Content-Type", RenditionContentType(r.extension)},
                      {"Content-Length", std::to_string(r.bytes.size())},
                      {"Pixels", std::to_string(r.pixels)}},
                     r.bytes);
    }
    content_type = writer.content_type("multipart/mixed");
    body = std::move(writer).Finish();
  } else {
    content_type = kTranscodingErrorType;
    body = std::string(result.status().message());
    spdlog::warn("Task {} failed: {}", notify.taskid(), body);
  }
  http::ClientRequest post;
  post.method = "POST";
  post.url = "https://" + options_.orch_addr + "/transcodeResults";
  post.headers = {{"authorization", kTranscoderAuth},
                  {"credentials", options_.secret},
                  {"taskid", std::to_string(notify.taskid())},
                  {"pixels", std::to_string(result.ok() ? decoded_pixels : 0)},
                  {"content-type", content_type}};
  post.body = body;
  post.has_body = true;
  post.version = http::ClientHttpVersion::kHttp2OverTls;
  post.total_timeout = std::chrono::seconds(30);
  const auto upload_start = Clock::now();
  auto reply = http.Send(post);
  const double upload_s = std::chrono::duration<double>(Clock::now() - upload_start).count();
  bool ok = result.ok() && reply.ok() && reply->status == 200;
  if (!reply.ok()) {
    spdlog::warn("Posting results of task {} failed: {}", notify.taskid(),
                 std::string(reply.status().message()));
  } else if (reply->status != 200) {
    spdlog::warn("Orchestrator answered {} to the results of task {}: {}", reply->status,
                 notify.taskid(), reply->body);
  } else {
    spdlog::debug("Task {} done in {:.2f} s", notify.taskid(),
                  std::chrono::duration<double>(Clock::now() - start).count());
  }
  if (options_.metrics != nullptr && reply.ok()) {
    options_.metrics->Add("livepeer_segment_source_uploaded_total", 1);
    options_.metrics->Observe("livepeer_upload_time_seconds", upload_s);
  }
  std::lock_guard lock(mu_);
  state_.in_flight--;
  (ok ? state_.segments_done : state_.segments_failed)++;
}

}  // namespace baton::worker

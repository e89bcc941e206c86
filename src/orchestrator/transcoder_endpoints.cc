#include "orchestrator/transcoder_endpoints.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "absl/strings/numbers.h"
#include "common/absl_view.h"
#include "net/multipart.h"
#include "orchestrator/capabilities.h"

namespace baton::orchestrator {
namespace {

constexpr char kTranscoderAuth[] = "Livepeer-Transcoder-1.0";
constexpr char kTranscodingErrorType[] = "livepeer/transcoding-error";
constexpr size_t kMaxResultsBytes = 300'000'000;  // go-livepeer's MaxSegSize, per part there

std::string Header(const http::HttpRequest& r, const char* name) {
  return r.headers.Get(name).value_or("");
}

std::string ExtensionFor(const std::string& content_type) {
  auto media = http::MediaTypeOf(content_type);
  std::string type = media.ok() ? *media : "";
  if (type == "video/mp4") return ".mp4";
  if (type == "video/x-matroska" || type == "video/webm") return ".mkv";
  return ".ts";
}

}  // namespace

bool SecretMatches(std::string_view given, std::string_view secret) {
  // Hashing first makes the comparison independent of both lengths.
  unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), b);
  return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

absl::StatusOr<std::vector<worker::SegmentTranscoder::Rendition>> ParseTranscodeResults(
    std::string_view body, std::string_view boundary) {
  http::MultipartLimits limits;
  limits.max_parts = 64;
  auto form = http::ParseMultipartMixed(body, boundary, limits);
  if (!form.ok()) return form.status();
  std::vector<worker::SegmentTranscoder::Rendition> out;
  for (const auto& part : form->parts) {
    if (const std::string* pixels = part.Header("pixels")) {
      worker::SegmentTranscoder::Rendition r;
      if (!absl::SimpleAtoi(*pixels, &r.pixels))
        return absl::InvalidArgumentError("invalid Pixels in a result part: " + *pixels);
      r.extension = ExtensionFor(part.content_type);
      r.bytes = std::string(part.data);
      out.push_back(std::move(r));
    } else if (part.content_type == "application/octet-stream") {
      // The previous rendition's perceptual hash; this node does not check it.
      if (out.empty()) return absl::InvalidArgumentError("Unknown perceptual hash");
    }
  }
  return out;
}

void RegisterTranscoderEndpoints(const TranscoderEndpointsOptions& options, http::GrpcService& grpc,
                                 http::Router& router) {
  TranscoderPool* pool = options.pool;
  const std::string secret = options.secret;
  const std::string version = options.default_version;
  grpc.AddServerStreaming(
      "/net.Transcoder/RegisterTranscoder",
      [pool, secret, version](std::string bytes, const http::GrpcCallContext& ctx,
                              std::shared_ptr<http::GrpcStreamWriter> stream) {
        net::RegisterRequest request;
        if (!request.ParseFromString(bytes)) {
          return stream->Finish(http::GrpcCode::kInternal,
                                "grpc: error unmarshalling request: invalid net.RegisterRequest");
        }
        spdlog::info("Got a RegisterTranscoder request from transcoder={} capacity={}",
                     ctx.peer_address(), request.capacity());
        // go-livepeer's texts: transcoders match on them to decide the error is fatal.
        if (!SecretMatches(request.secret(), secret)) {
          spdlog::warn("RegisterTranscoder from {}: invalid secret", ctx.peer_address());
          return stream->Finish(http::GrpcCode::kUnknown, "invalid secret");
        }
        if (request.capacity() <= 0) {
          spdlog::warn("RegisterTranscoder from {}: zero capacity", ctx.peer_address());
          return stream->Finish(http::GrpcCode::kUnknown, "zero capacity");
        }
        // A legacy transcoder without capabilities gets the default set.
        net::Capabilities caps = request.has_capabilities()
                                     ? request.capabilities()
                                     : MakeCapabilities(DefaultCapabilities(), version);
        int capacity = static_cast<int>(std::min<int64_t>(request.capacity(), 1'000'000));
        int64_t id = pool->Attach(ctx.peer_address(), capacity, caps, stream);
        // The call stays open until the transcoder goes away or the pool lets it go.
        stream->SetOnCancel([pool, id] { pool->Detach(id); });
      });

  auto check = [secret](http::HttpRequest& head) -> std::optional<http::Rejection> {
    if (Header(head, "Authorization") != kTranscoderAuth ||
        !SecretMatches(Header(head, "Credentials"), secret))
      return http::Rejection{401, "Unauthorized", {}};
    return std::nullopt;
  };
  Metrics* metrics = options.metrics;
  router.Handle(
      "/transcodeResults", {"POST"},
      [pool, metrics](http::HttpRequest req, std::shared_ptr<http::ResponseWriter> response) {
        auto start = std::chrono::steady_clock::now();
        const std::string content_type = Header(req, "Content-Type");
        auto media = http::MediaTypeOf(content_type);
        if (!media.ok()) return response->RespondError(415, std::string(media.status().message()));
        int64_t task_id = 0;
        if (!absl::SimpleAtoi(AsAbsl(Header(req, "TaskId")), &task_id))
          return response->RespondError(400, "Invalid Task ID");
        if (*media == kTranscodingErrorType) {
          spdlog::warn("Transcoding error for taskId={}: {}", task_id, req.body);
          pool->Deliver(task_id, {absl::InternalError(req.body), {}});
          return response->Respond(200, "text/plain; charset=utf-8", "OK");
        }
        int64_t decoded_pixels = 0;
        if (!absl::SimpleAtoi(AsAbsl(Header(req, "Pixels")), &decoded_pixels))
          return response->RespondError(400, "Invalid Pixels");
        if (*media != "multipart/mixed") {
          // go-livepeer answers OK and lets the task time out; the task learns it at once here.
          pool->Deliver(task_id,
                        {absl::InvalidArgumentError("unsupported results type " + *media), {}});
          return response->Respond(200, "text/plain; charset=utf-8", "OK");
        }
        auto boundary = http::MultipartBoundary(content_type, "multipart/mixed");
        auto renditions = boundary.ok()
                              ? ParseTranscodeResults(req.body, *boundary)
                              : absl::StatusOr<std::vector<worker::SegmentTranscoder::Rendition>>(
                                    boundary.status());
        if (!renditions.ok()) {
          spdlog::warn("Unreadable results for taskId={} from {}: {}", task_id, req.peer_address,
                       std::string(renditions.status().message()));
          pool->Deliver(task_id, {renditions.status(), {}});
          return response->RespondError(500, std::string(renditions.status().message()));
        }
        if (metrics != nullptr) {
          metrics->Add("livepeer_segment_transcoded_downloaded_total", 1);
          metrics->Observe(
              "livepeer_download_time_seconds",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        pool->Deliver(task_id, {absl::OkStatus(), *std::move(renditions)});
        response->Respond(200, "text/plain; charset=utf-8", "OK");
      },
      check, kMaxResultsBytes);
}

}  // namespace baton::orchestrator

#include "net/grpc_client.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "net/grpc_frame.h"

namespace baton::http {

GrpcClient::GrpcClient(GrpcClientOptions options) : options_(std::move(options)) {}

GrpcClient::~GrpcClient() = default;

namespace {

absl::Status StatusFromGrpc(const std::string& code_text, const std::string& message) {
  int code = 0;
  if (!absl::SimpleAtoi(code_text, &code) || code <= 0 || code > 16) {
    return absl::UnknownError(absl::StrCat("grpc: invalid grpc-status \"", code_text, "\""));
  }
  return absl::Status(static_cast<absl::StatusCode>(code), message);
}

}  // namespace

absl::StatusOr<std::string> DecodeGrpcReply(const HttpResponse& reply) {
  auto grpc_status = reply.headers.Get("grpc-status");
  if (!grpc_status) {
    return absl::UnknownError(
        absl::StrCat("grpc: no grpc-status in the reply (HTTP status ", reply.status, ")"));
  }
  if (*grpc_status != "0") {
    return StatusFromGrpc(*grpc_status,
                          PercentDecodeGrpcMessage(reply.headers.Get("grpc-message").value_or("")));
  }
  GrpcFrameDecoder decoder;
  std::vector<std::string> messages;
  if (absl::Status status = decoder.Feed(reply.body, messages); !status.ok()) return status;
  if (messages.size() != 1 || !decoder.AtFrameBoundary()) {
    return absl::InternalError(
        absl::StrCat("grpc: expected one response message, received ", messages.size()));
  }
  return std::move(messages.front());
}

absl::StatusOr<std::string> GrpcClient::Call(const std::string& method, std::string_view request,
                                             std::chrono::milliseconds timeout,
                                             const HttpHeaders& metadata) {
  // A new handle per call when connections are not reused, as a gateway dials per RPC.
  std::unique_ptr<HttpClient> fresh;
  HttpClient* client;
  if (options_.reuse_connection) {
    if (!reused_) reused_ = std::make_unique<HttpClient>();
    client = reused_.get();
  } else {
    fresh = std::make_unique<HttpClient>();
    client = fresh.get();
  }
  const std::string frame = EncodeGrpcFrame(request);
  ClientRequest http;
  http.method = "POST";
  http.url = absl::StrCat(options_.tls ? "https://" : "http://", options_.target, method);
  http.headers = metadata;
  http.headers.Set("content-type", "application/grpc");
  http.headers.Set("te", "trailers");
  http.headers.Set("grpc-timeout", FormatGrpcTimeout(timeout));
  http.body = frame;
  http.has_body = true;
  http.version = ClientHttpVersion::kHttp2;
  http.connect_timeout = options_.connect_timeout;
  http.total_timeout = timeout;
  http.reuse_connection = options_.reuse_connection;
  auto reply = client->Send(http);
  if (!reply.ok()) return reply.status();
  return DecodeGrpcReply(*reply);
}

}  // namespace baton::http

namespace baton::http {

absl::Status GrpcClient::CallServerStreaming(
    const std::string& method, std::string_view request,
    const std::function<bool(std::string message)>& on_message,
    const std::function<bool()>& should_stop, const HttpHeaders& metadata) {
  HttpClient client;  // a stream holds its own connection
  const std::string frame = EncodeGrpcFrame(request);
  GrpcFrameDecoder decoder;
  absl::Status framing;
  ClientRequest http;
  http.method = "POST";
  http.url = absl::StrCat(options_.tls ? "https://" : "http://", options_.target, method);
  http.headers = metadata;
  http.headers.Set("content-type", "application/grpc");
  http.headers.Set("te", "trailers");
  http.body = frame;
  http.has_body = true;
  http.version = ClientHttpVersion::kHttp2;
  http.connect_timeout = options_.connect_timeout;
  http.total_timeout = std::chrono::milliseconds(0);
  http.reuse_connection = false;
  http.cancelled = should_stop;
  bool ended_by_receiver = false;
  http.on_body = [&](int /*status*/, std::string_view chunk) {
    std::vector<std::string> messages;
    framing = decoder.Feed(chunk, messages);
    if (!framing.ok()) return false;
    for (auto& m : messages) {
      if (!on_message(std::move(m))) {
        ended_by_receiver = true;
        return false;
      }
    }
    return true;
  };
  auto reply = client.Send(http);
  if (!framing.ok()) return framing;
  if (ended_by_receiver) return absl::CancelledError("grpc: stream ended by its receiver");
  if (!reply.ok()) return reply.status();
  auto grpc_status = reply->headers.Get("grpc-status");
  if (!grpc_status) {
    return absl::UnavailableError(
        absl::StrCat("grpc: stream ended without grpc-status (HTTP status ", reply->status, ")"));
  }
  if (*grpc_status == "0") return absl::OkStatus();
  return StatusFromGrpc(*grpc_status,
                        PercentDecodeGrpcMessage(reply->headers.Get("grpc-message").value_or("")));
}

}  // namespace baton::http

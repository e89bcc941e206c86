#include "net/grpc_service.h"

#include <atomic>
#include <mutex>
#include <vector>

#include "absl/strings/str_cat.h"

namespace baton::http {

// The state of one call: whether headers went out, whether it ended, and who to tell when the
// client goes away. All sends go through the ResponseWriter, which posts to the loop.
class GrpcCall : public std::enable_shared_from_this<GrpcCall> {
 public:
  explicit GrpcCall(std::shared_ptr<ResponseWriter> response) : response_(std::move(response)) {}
  // A method that dropped its responder without answering must not leave the client hanging.
  ~GrpcCall() { FinishLocked(GrpcCode::kInternal, "grpc: the method ended without a reply"); }

  bool SendMessage(std::string message) {
    std::lock_guard lock(mutex_);
    if (ended_) return false;
    if (!headers_sent_) {
      headers_sent_ = true;
      response_->SendHeaders(200, HttpHeaders{{"content-type", "application/grpc"}});
    }
    response_->SendBody(EncodeGrpcFrame(message), /*end=*/false);
    return true;
  }

  void Finish(GrpcCode code, std::string_view message) {
    std::lock_guard lock(mutex_);
    FinishLocked(code, message);
  }

  // The deadline passed: answer DEADLINE_EXCEEDED and tell the method. Loop thread.
  void ExpireDeadline() {
    {
      std::lock_guard lock(mutex_);
      if (ended_) return;
      FinishLocked(GrpcCode::kDeadlineExceeded, "context deadline exceeded");
    }
    Cancel();
  }

  // The client reset the stream or disconnected. Loop thread.
  void OnClientGone() {
    {
      std::lock_guard lock(mutex_);
      ended_ = true;
    }
    Cancel();
  }

  bool IsCancelled() const { return cancelled_.load(); }

  void SetOnCancel(std::function<void()> callback) {
    std::unique_lock lock(mutex_);
    if (!cancelled_.load()) {
      on_cancel_ = std::move(callback);
      return;
    }
    lock.unlock();
    callback();
  }

 private:
  void FinishLocked(GrpcCode code, std::string_view message) {
    if (ended_) return;
    ended_ = true;
    HttpHeaders status{{"grpc-status", std::to_string(static_cast<int>(code))}};
    if (!message.empty()) status.Add("grpc-message", PercentEncodeGrpcMessage(message));
    if (headers_sent_) {
      response_->SendTrailers(std::move(status));
      return;
    }
    // Trailers-only: one HEADERS frame carrying the status.
    HttpHeaders headers{{"content-type", "application/grpc"}};
    for (const auto& [name, value] : status.fields()) headers.Add(name, value);
    response_->SendHeaders(200, std::move(headers), /*end_stream=*/true);
  }

  void Cancel() {
    std::function<void()> callback;
    {
      std::lock_guard lock(mutex_);
      if (cancelled_.exchange(true)) return;
      callback.swap(on_cancel_);
    }
    if (callback) callback();
  }

  std::shared_ptr<ResponseWriter> response_;
  mutable std::mutex mutex_;
  bool headers_sent_ = false;  // guarded by mutex_
  bool ended_ = false;         // guarded by mutex_
  std::atomic<bool> cancelled_{false};
  std::function<void()> on_cancel_;  // guarded by mutex_
};

GrpcCallContext::GrpcCallContext(std::shared_ptr<GrpcCall> call, std::string method,
                                 HttpHeaders metadata, std::string peer_address,
                                 std::optional<std::chrono::steady_clock::time_point> deadline)
    : call_(std::move(call)),
      method_(std::move(method)),
      metadata_(std::move(metadata)),
      peer_address_(std::move(peer_address)),
      deadline_(deadline) {}

bool GrpcCallContext::IsCancelled() const { return call_->IsCancelled(); }

void GrpcUnaryResponder::Finish(GrpcResult result) {
  if (result.code == GrpcCode::kOk) call_->SendMessage(std::move(result.response));
  call_->Finish(result.code, result.message);
}
bool GrpcUnaryResponder::IsCancelled() const { return call_->IsCancelled(); }
void GrpcUnaryResponder::SetOnCancel(std::function<void()> callback) {
  call_->SetOnCancel(std::move(callback));
}

bool GrpcStreamWriter::Write(std::string message) { return call_->SendMessage(std::move(message)); }
void GrpcStreamWriter::Finish(GrpcCode code, std::string message) { call_->Finish(code, message); }
bool GrpcStreamWriter::IsCancelled() const { return call_->IsCancelled(); }
void GrpcStreamWriter::SetOnCancel(std::function<void()> callback) {
  call_->SetOnCancel(std::move(callback));
}

void GrpcService::AddUnary(std::string path, GrpcUnaryHandler handler) {
  AddAsyncUnary(std::move(path),
                [handler = std::move(handler)](std::string request, const GrpcCallContext& context,
                                               std::shared_ptr<GrpcUnaryResponder> responder) {
                  responder->Finish(handler(std::move(request), context));
                });
}

void GrpcService::AddAsyncUnary(std::string path, GrpcAsyncUnaryHandler handler) {
  methods_[std::move(path)] = Method{std::move(handler), nullptr};
}

void GrpcService::AddServerStreaming(std::string path, GrpcServerStreamingHandler handler) {
  methods_[std::move(path)] = Method{nullptr, std::move(handler)};
}

void GrpcService::Merge(const GrpcService& other) {
  for (const auto& [path, method] : other.methods_) methods_[path] = method;
}

void GrpcService::RespondStatus(ResponseWriter& response, GrpcCode code, std::string_view message) {
  HttpHeaders headers{{"content-type", "application/grpc"},
                      {"grpc-status", std::to_string(static_cast<int>(code))}};
  if (!message.empty()) headers.Add("grpc-message", PercentEncodeGrpcMessage(message));
  response.SendHeaders(200, std::move(headers), /*end_stream=*/true);
}

namespace {

std::string UnknownMethodMessage(const std::string& path) {
  // grpc-go words it "unknown service X" / "unknown method M for service X".
  const size_t slash = path.rfind('/');
  if (path.empty() || path[0] != '/' || slash == 0 || slash == std::string::npos) {
    return absl::StrCat("malformed method name: \"", path, "\"");
  }
  return absl::StrCat("unknown method ", path.substr(slash + 1), " for service ",
                      path.substr(1, slash - 1));
}

// Decodes the one request message of a unary or server-streaming call.
absl::StatusOr<std::string> DecodeSingleMessage(const std::string& body) {
  GrpcFrameDecoder decoder;
  std::vector<std::string> messages;
  if (absl::Status status = decoder.Feed(body, messages); !status.ok()) return status;
  if (!decoder.AtFrameBoundary()) {
    return absl::InternalError("grpc: the request ended inside a message frame");
  }
  if (messages.size() != 1) {
    return absl::InternalError(
        absl::StrCat("grpc: expected one request message, received ", messages.size()));
  }
  return std::move(messages.front());
}

}  // namespace

void GrpcService::RespondUnknownMethod(ResponseWriter& response, const std::string& path) {
  RespondStatus(response, GrpcCode::kUnimplemented, UnknownMethodMessage(path));
}

void GrpcService::Serve(HttpRequest request, std::shared_ptr<ResponseWriter> response) const {
  auto method = methods_.find(request.path);
  if (method == methods_.end()) {
    RespondStatus(*response, GrpcCode::kUnimplemented, UnknownMethodMessage(request.path));
    return;
  }
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::optional<std::chrono::nanoseconds> timeout;
  if (auto value = request.headers.Get("grpc-timeout")) {
    auto parsed = ParseGrpcTimeout(*value);
    if (!parsed.ok()) {
      RespondStatus(*response, GrpcCode::kInternal, "malformed grpc-timeout");
      return;
    }
    timeout = *parsed;
    deadline = std::chrono::steady_clock::now() + *parsed;
  }
  absl::StatusOr<std::string> message = DecodeSingleMessage(request.body);
  if (!message.ok()) {
    RespondStatus(*response, GrpcCodeFromStatus(message.status()),
                  std::string(message.status().message()));
    return;
  }

  auto call = std::make_shared<GrpcCall>(response);
  response->SetOnClosed([weak = std::weak_ptr<GrpcCall>(call)] {
    if (auto live = weak.lock()) live->OnClientGone();
  });
  if (timeout) {
    const auto delay = std::chrono::ceil<std::chrono::milliseconds>(*timeout);
    response->RunAfter(delay, [weak = std::weak_ptr<GrpcCall>(call)] {
      if (auto live = weak.lock()) live->ExpireDeadline();
    });
  }
  GrpcCallContext context(call, request.path, std::move(request.headers),
                          std::move(request.peer_address), deadline);
  if (method->second.unary) {
    method->second.unary(std::move(*message), context, std::make_shared<GrpcUnaryResponder>(call));
  } else {
    method->second.streaming(std::move(*message), context,
                             std::make_shared<GrpcStreamWriter>(call));
  }
}

}  // namespace baton::http

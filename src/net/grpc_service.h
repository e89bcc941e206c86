// GrpcService: a registry of gRPC methods served over the HTTP/2 codec, and the objects a method
// uses to answer (unary result, async responder, server-streaming writer).
//
// The server hands every HTTP/2 request whose content-type starts with "application/grpc" to
// Serve(), which decodes the single request message, applies the grpc-timeout deadline, runs the
// method and encodes the reply: response headers (:status 200, content-type application/grpc),
// length-prefixed messages, then trailers grpc-status / grpc-message (percent-encoded). Errors
// before any message go out as a trailers-only response. Unknown methods answer UNIMPLEMENTED,
// compressed messages UNIMPLEMENTED, oversized ones RESOURCE_EXHAUSTED, and an expired deadline
// DEADLINE_EXCEEDED (the method then sees IsCancelled()).
//
// Threads: register methods before the server starts; Serve runs on loop threads. Methods run on
// the connection's loop thread and must not block. GrpcUnaryResponder and GrpcStreamWriter are
// thread-safe: keep the shared_ptr and finish from any thread; calls after the call ended
// (finished, cancelled, deadline passed, client gone) are ignored.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "net/grpc_frame.h"
#include "net/http_message.h"

namespace baton::http {

class GrpcCall;  // internal per-call state

// What a method knows about its call. Cheap to copy; valid after the method returns.
class GrpcCallContext {
 public:
  GrpcCallContext(std::shared_ptr<GrpcCall> call, std::string method, HttpHeaders metadata,
                  std::string peer_address,
                  std::optional<std::chrono::steady_clock::time_point> deadline);

  const std::string& method() const { return method_; }  // "/net.Orchestrator/Ping"
  const HttpHeaders& metadata() const { return metadata_; }
  const std::string& peer_address() const { return peer_address_; }
  const std::optional<std::chrono::steady_clock::time_point>& deadline() const { return deadline_; }
  // True once the client cancelled, disconnected or the deadline passed.
  bool IsCancelled() const;

 private:
  std::shared_ptr<GrpcCall> call_;
  std::string method_;
  HttpHeaders metadata_;
  std::string peer_address_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
};

struct GrpcResult {
  GrpcCode code = GrpcCode::kOk;
  std::string message;   // grpc-message (plain text; encoded on the wire)
  std::string response;  // the serialized reply (sent only when code is kOk)

  static GrpcResult Ok(std::string response) { return {GrpcCode::kOk, "", std::move(response)}; }
  static GrpcResult Error(GrpcCode code, std::string message) {
    return {code, std::move(message), ""};
  }
};

// Completes an asynchronous unary call, once, from any thread.
class GrpcUnaryResponder {
 public:
  explicit GrpcUnaryResponder(std::shared_ptr<GrpcCall> call) : call_(std::move(call)) {}
  void Finish(GrpcResult result);
  bool IsCancelled() const;
  // Runs on the loop thread when the client cancels/disconnects or the deadline passes.
  void SetOnCancel(std::function<void()> callback);

 private:
  std::shared_ptr<GrpcCall> call_;
};

// Sends the messages of a server-streaming call, then its status, from any thread.
class GrpcStreamWriter {
 public:
  explicit GrpcStreamWriter(std::shared_ptr<GrpcCall> call) : call_(std::move(call)) {}
  // Queues one message; false once the call has ended (the message is dropped).
  bool Write(std::string message);
  // Ends the call with this status (kOk for success).
  void Finish(GrpcCode code, std::string message = {});
  bool IsCancelled() const;
  // Runs on the loop thread when the client cancels/disconnects or the deadline passes.
  void SetOnCancel(std::function<void()> callback);

 private:
  std::shared_ptr<GrpcCall> call_;
};

using GrpcUnaryHandler = std::function<GrpcResult(std::string request, const GrpcCallContext&)>;
using GrpcAsyncUnaryHandler = std::function<void(std::string request, const GrpcCallContext&,
                                                 std::shared_ptr<GrpcUnaryResponder>)>;
using GrpcServerStreamingHandler = std::function<void(std::string request, const GrpcCallContext&,
                                                      std::shared_ptr<GrpcStreamWriter>)>;

class GrpcService {
 public:
  // `path` is the full method path, e.g. "/net.Orchestrator/GetOrchestrator".
  void AddUnary(std::string path, GrpcUnaryHandler handler);
  void AddAsyncUnary(std::string path, GrpcAsyncUnaryHandler handler);
  void AddServerStreaming(std::string path, GrpcServerStreamingHandler handler);
  // Adds every method of `other` (later registrations of a path win).
  void Merge(const GrpcService& other);
  bool Has(const std::string& path) const { return methods_.count(path) != 0; }

  // Serves one gRPC request (called by the server on the loop thread).
  void Serve(HttpRequest request, std::shared_ptr<ResponseWriter> response) const;

  // A trailers-only gRPC error response.
  static void RespondStatus(ResponseWriter& response, GrpcCode code, std::string_view message);
  // UNIMPLEMENTED for a method not registered here, worded as grpc-go does.
  static void RespondUnknownMethod(ResponseWriter& response, const std::string& path);

 private:
  struct Method {
    GrpcAsyncUnaryHandler unary;
    GrpcServerStreamingHandler streaming;
  };
  std::map<std::string, Method> methods_;
};

}  // namespace baton::http

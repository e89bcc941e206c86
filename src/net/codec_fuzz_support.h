// Shared by the HTTP/1.1 and HTTP/2 codec fuzz targets (and built only with them, in fuzz/):
// a connection that records what the codec writes, and a server context wired like the node's
// (router with a checked upload route, a streamed route and 404/405, gRPC requests to a
// GrpcService with a unary echo and a server-streaming method).
//
// One context and one (never started) loop live for the whole fuzzing process; each input gets
// a fresh connection and codec. Posted work runs when RunPosted turns the loop. Single-threaded.
#pragma once

#include <event2/buffer.h>
#include <event2/event.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "net/codec.h"
#include "net/event_loop.h"
#include "net/grpc_service.h"
#include "net/router.h"
#include "net/server_context.h"

namespace baton::http::fuzz {

class FuzzConnection final : public ConnectionIo {
 public:
  FuzzConnection(const ServerContext& server, std::shared_ptr<EventLoop> loop, bool tls)
      : server_(server), loop_(std::move(loop)), tls_(tls) {}

  void Write(std::string_view bytes) override { written += bytes.size(); }
  void CloseAfterWrite() override { closed = true; }
  void LingeringClose() override { closed = true; }
  void PauseReading() override { paused = true; }
  void ResumeReading() override { paused = false; }
  // A client that reads nothing back leaves everything written as backlog.
  size_t OutputBacklog() const override { return slow_reader ? written : 0; }
  const std::string& peer_address() const override { return peer_; }
  bool tls() const override { return tls_; }
  const std::shared_ptr<EventLoop>& loop() const override { return loop_; }
  const ServerContext& server() const override { return server_; }

  void RunPosted() { event_base_loop(loop_->base(), EVLOOP_NONBLOCK); }

  size_t written = 0;
  bool slow_reader = false;
  bool closed = false;
  bool paused = false;

 private:
  const ServerContext& server_;
  std::shared_ptr<EventLoop> loop_;
  bool tls_;
  std::string peer_ = "192.0.2.1:4242";
};

inline bool IsGrpcRequest(const HttpRequest& r) {
  auto type = r.headers.Get("content-type");
  return type && type->rfind("application/grpc", 0) == 0;
}

struct FuzzServer {
  FuzzServer() : loop(*EventLoop::Create("fuzz")) {
    router.Handle(
        "/segment", {"POST"},
        [](HttpRequest request, std::shared_ptr<ResponseWriter> response) {
          response->Respond(200, "application/octet-stream", std::move(request.body));
        },
        [](HttpRequest& head) -> std::optional<Rejection> {
          if (!head.headers.Has("livepeer-segment")) return Rejection{403, "ErrorSegEncoding", {}};
          return std::nullopt;
        });
    router.HandlePrefix("/stream/", {"GET", "HEAD"},
                        [](HttpRequest request, std::shared_ptr<ResponseWriter> response) {
                          response->SendHeaders(200, {{"content-type", "video/mp2t"}});
                          response->SendBody(request.path, false);
                          response->SendBody(std::string(3000, 'x'), true);
                        });
    router.Handle("/status", {}, [](HttpRequest, std::shared_ptr<ResponseWriter> response) {
      response->Respond(200, "application/json", "{}");
    });
    grpc.AddUnary("/fuzz.Echo/Unary", [](std::string request, const GrpcCallContext&) {
      if (request.size() % 3 == 1) return GrpcResult::Error(GrpcCode::kUnknown, request);
      return GrpcResult::Ok(std::move(request));
    });
    grpc.AddServerStreaming("/fuzz.Echo/Stream", [](std::string request, const GrpcCallContext&,
                                                    std::shared_ptr<GrpcStreamWriter> writer) {
      writer->Write(request);
      writer->Write(std::string(20000, 's'));
      writer->Finish(GrpcCode::kOk);
    });
    context.max_header_bytes = 16 << 10;
    context.body_limit = [](const HttpRequest& r) -> size_t {
      return r.path == "/segment" || IsGrpcRequest(r) ? 64 << 10 : 0;
    };
    context.reject_oversized_body = [](const HttpRequest& r, ResponseWriter& response) {
      if (IsGrpcRequest(r)) {
        GrpcService::RespondStatus(response, GrpcCode::kResourceExhausted, "too large");
      } else {
        response.RespondError(413, kBodyTooLarge);
      }
    };
    context.check_head = [this](HttpRequest& head) -> std::optional<Rejection> {
      if (IsGrpcRequest(head)) {
        if (head.protocol == "HTTP/2") return std::nullopt;
        return Rejection{400, "gRPC requires HTTP/2", {}};
      }
      return router.CheckHead(head);
    };
    context.dispatch = [this](HttpRequest request, std::shared_ptr<ResponseWriter> response) {
      if (IsGrpcRequest(request)) {
        grpc.Serve(std::move(request), std::move(response));
      } else {
        router.Dispatch(std::move(request), std::move(response));
      }
    };
  }

  std::shared_ptr<EventLoop> loop;
  Router router;
  GrpcService grpc;
  ServerContext context;
};

// Feeds `input` to a fresh codec in pieces whose sizes come from the input's first byte (bits
// 0-5; bit 6: the client reads no output until the end; bit 7: TLS), turning the loop after
// each piece as the server would between reads, lets the client's deadline pass, then closes
// the connection.
template <typename MakeCodec>
void FeedCodec(std::string_view prefix, const uint8_t* data, size_t size, MakeCodec make_codec) {
  static FuzzServer* server = new FuzzServer();
  size_t step = 1 + (size == 0 ? 0 : data[0] & 63) * 64;
  std::string input(prefix);
  if (size > 0) input.append(reinterpret_cast<const char*>(data) + 1, size - 1);
  FuzzConnection io(server->context, server->loop, /*tls=*/size > 0 && (data[0] & 0x80));
  io.slow_reader = size > 0 && (data[0] & 0x40);
  std::unique_ptr<Codec> codec = make_codec(io);
  evbuffer* buffer = evbuffer_new();
  for (size_t at = 0; at < input.size() && !io.closed; at += step) {
    evbuffer_add(buffer, input.data() + at, std::min(step, input.size() - at));
    codec->OnInput(buffer);
    io.RunPosted();
  }
  if (io.slow_reader && !io.closed) {
    io.slow_reader = false;
    codec->OnOutputDrained();
    io.RunPosted();
  }
  // The client then goes quiet until its deadline passes.
  if (!io.closed && codec->ClientDeadline().has_value()) {
    codec->OnClientDeadline();
    io.RunPosted();
  }
  codec->OnConnectionClosed();
  io.RunPosted();
  codec.reset();
  io.RunPosted();
  evbuffer_free(buffer);
}

}  // namespace baton::http::fuzz

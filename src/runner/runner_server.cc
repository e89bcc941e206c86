#include "runner/runner_server.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "net/http_message.h"

namespace baton::runner {
namespace {

http::ServerOptions ServerOptionsFor(const RunnerOptions& options) {
  http::ServerOptions server;
  server.bind_address = options.bind_address;
  server.tls = false;  // the AI Runner serves plain HTTP; the node reaches it on loopback
  server.worker_threads = 2;
  // A runner's clients are the node and tests; an upload of 50 MB may come slowly.
  server.min_body_rate = 0;
  server.header_timeout = std::chrono::seconds(60);
  return server;
}

void Send(const std::shared_ptr<http::ResponseWriter>& response, const Reply& reply) {
  response->Respond(reply.status, "application/json", reply.body, reply.headers);
}

// Registers `path` and `path/` (FastAPI answers both).
void HandleBoth(http::Router& router, const std::string& path, std::vector<std::string> methods,
                http::HttpHandler handler, std::optional<size_t> max_body = std::nullopt) {
  router.Handle(path, methods, handler, nullptr, max_body);
  router.Handle(path + "/", methods, handler, nullptr, max_body);
}

}  // namespace

RunnerServer::RunnerServer(std::unique_ptr<Pipeline> pipeline, RunnerOptions options)
    : pipeline_(std::move(pipeline)),
      options_(std::move(options)),
      executor_({.name = "inference",
                 .threads = std::max(1, options_.worker_threads),
                 .max_queued = options_.max_queued,
                 .drop_queued_on_stop = true}),
      server_(ServerOptionsFor(options_)) {
  http::Router& router = server_.router();
  auto json = [](nlohmann::json body) {
    return [body = body.dump()](http::HttpRequest, std::shared_ptr<http::ResponseWriter> response) {
      response->Respond(200, "application/json", body);
    };
  };
  const std::string pipeline_name(pipeline_->pipeline());
  const std::string model_id(pipeline_->model_id());
  std::string description;
  for (const PipelineInfo& info : SupportedPipelines()) {
    if (info.pipeline == pipeline_name) description = info.description;
  }
  HandleBoth(router, "/health", {"GET"}, json({{"status", "OK"}}));
  HandleBoth(router, "/version", {"GET"},
             json({{"pipeline", pipeline_name},
                   {"model_id", model_id},
                   {"version", options_.version},
                   {"description", description}}));
  HandleBoth(router, "/hardware/info", {"GET"},
             json({{"pipeline", pipeline_name},
                   {"model_id", model_id},
                   {"gpu_info", nlohmann::json::object()}}));
  HandleBoth(router, "/hardware/stats", {"GET"},
             json({{"pipeline", pipeline_name},
                   {"model_id", model_id},
                   {"gpu_stats", nlohmann::json::object()}}));
  HandleBoth(
      router, "/" + pipeline_name, {"POST"},
      [this](http::HttpRequest request, std::shared_ptr<http::ResponseWriter> response) {
        HandleInference(std::move(request), std::move(response));
      },
      pipeline_->max_body_bytes());
}

RunnerServer::~RunnerServer() { Stop(); }

absl::StatusOr<int> RunnerServer::Start() { return server_.Start(); }

void RunnerServer::Stop() {
  server_.Stop();
  executor_.Stop();
}

bool RunnerServer::Authorized(const http::HttpRequest& request) const {
  if (options_.auth_token.empty()) return true;
  std::string header = request.headers.Get("authorization").value_or("");
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() < kScheme.size() ||
      http::ToLowerAscii(std::string_view(header).substr(0, kScheme.size())) != kScheme) {
    return false;
  }
  std::string_view token = std::string_view(header).substr(kScheme.size());
  return token.size() == options_.auth_token.size() &&
         CRYPTO_memcmp(token.data(), options_.auth_token.data(), token.size()) == 0;
}

void RunnerServer::HandleInference(http::HttpRequest request,
                                   std::shared_ptr<http::ResponseWriter> response) {
  if (!Authorized(request)) {
    Reply reply = ErrorReply(401, "Invalid bearer token.");
    reply.headers.Set("WWW-Authenticate", "Bearer");
    Send(response, reply);
    return;
  }
  auto shared = std::make_shared<http::HttpRequest>(std::move(request));
  absl::Status queued = executor_.Submit([this, shared, response] {
    auto start = std::chrono::steady_clock::now();
    Reply reply = pipeline_->Handle(*shared);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    spdlog::info("{} {} -> {} in {} ms ({} bytes in, {} out)", shared->method, shared->path,
                 reply.status, ms, shared->body.size(), reply.body.size());
    Send(response, reply);
  });
  if (!queued.ok()) Send(response, ErrorReply(503, "Runner busy: too many requests queued."));
}

}  // namespace baton::runner

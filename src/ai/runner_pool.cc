#include "ai/runner_pool.h"

#include <algorithm>

#include "net/http_client.h"

namespace baton::ai {
namespace {

// A runner's answer is JSON with data URLs: image-to-video's frames can be large.
constexpr size_t kMaxRunnerAnswer = 256u << 20;
constexpr size_t kMaxErrorBody = 64u << 10;

}  // namespace

absl::StatusOr<RunnerAnswer> RunnerLease::Call(const RunnerCall& call) {
  auto now = std::chrono::steady_clock::now();
  http::ClientRequest request;
  request.method = "POST";
  request.url = base_url() + "/" + call.pipeline;
  request.version = http::ClientHttpVersion::kHttp1;
  request.body = call.body;
  request.has_body = true;
  request.headers.Add("content-type", call.content_type);
  if (!token().empty()) request.headers.Add("authorization", "Bearer " + token());
  request.total_timeout =
      std::max(std::chrono::milliseconds(1),
               std::chrono::duration_cast<std::chrono::milliseconds>(call.deadline - now));
  request.max_response_bytes = kMaxRunnerAnswer;
  request.cancelled = call.cancelled;
  RunnerAnswer answer;
  if (call.on_stream) {
    request.on_body = [&](int status, std::string_view chunk) {
      if (status != 200) {
        if (answer.body.size() < kMaxErrorBody) answer.body.append(chunk);
        return true;
      }
      answer.streamed = true;
      return call.on_stream(chunk);
    };
  }
  // One client per calling thread keeps its connections to the runners open between requests.
  thread_local http::HttpClient client;
  auto response = client.Send(request);
  if (!response.ok()) return response.status();
  answer.status = response->status;
  if (!call.on_stream) answer.body = std::move(response->body);
  return answer;
}

}  // namespace baton::ai

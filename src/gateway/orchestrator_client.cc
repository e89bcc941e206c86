#include "gateway/orchestrator_client.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "crypto/eth_sign.h"
#include "net/grpc_client.h"
#include "net/grpc_frame.h"

namespace baton::gateway {
namespace {

using std::chrono::milliseconds;

// The text of an http.Error body, trimmed as go-livepeer's gateway does.
std::string TrimmedBody(const std::string& body) {
  size_t end = body.find_last_not_of(" \t\r\n");
  return end == std::string::npos ? "" : body.substr(0, std::min<size_t>(end + 1, 300));
}

}  // namespace

absl::StatusOr<std::string> OrchestratorBaseUrl(std::string_view orch_addr) {
  std::string addr(orch_addr);
  if (addr.empty()) return absl::InvalidArgumentError("no orchestrator address (-orchAddr)");
  std::string scheme = "https://";
  for (const char* prefix : {"https://", "http://"}) {
    if (addr.rfind(prefix, 0) == 0) {
      scheme = prefix;
      addr = addr.substr(std::string_view(prefix).size());
    }
  }
  addr = addr.substr(0, addr.find('/'));
  if (addr.find(':') == std::string::npos || addr.back() == ':' || addr.front() == ':') {
    return absl::InvalidArgumentError("orchestrator address \"" + std::string(orch_addr) +
                                      "\" is not host:port");
  }
  return scheme + addr;
}

SegmentDeadlines DeadlinesFor(double duration_s) {
  const auto ms = [](double seconds) { return milliseconds(std::llround(seconds * 1000)); };
  return {std::max(milliseconds(2000), ms(0.5 * duration_s)),
          std::max(milliseconds(8000), ms(4 * duration_s))};
}

absl::StatusOr<::net::OrchestratorInfo> OrchestratorClient::GetOrchestrator(
    const crypto::PrivateKey& key, const ::net::Capabilities& caps) {
  ::net::OrchestratorRequest request;
  const crypto::Address address = key.address();
  request.set_address(address.bytes());
  request.set_sig(crypto::Sign(key, address.ChecksumHex()));
  *request.mutable_capabilities() = caps;

  const std::string frame = http::EncodeGrpcFrame(request.SerializeAsString());
  http::ClientRequest http;
  http.method = "POST";
  http.url = base_url_ + "/net.Orchestrator/GetOrchestrator";
  http.version = http::ClientHttpVersion::kHttp2;
  http.headers = {{"content-type", "application/grpc"}, {"te", "trailers"}};
  http.body = frame;
  http.has_body = true;
  http.total_timeout = milliseconds(8000);
  absl::StatusOr<http::HttpResponse> response = http_.Send(http);
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return absl::UnavailableError("GetOrchestrator: HTTP " + std::to_string(response->status) +
                                  " from " + http.url);
  }
  absl::StatusOr<std::string> message = http::DecodeGrpcReply(*response);
  if (!message.ok()) {
    return absl::Status(message.status().code(),
                        "GetOrchestrator failed (grpc-status " +
                            response->headers.Get("grpc-status").value_or("missing") +
                            "): " + std::string(message.status().message()));
  }
  ::net::OrchestratorInfo info;
  if (!info.ParseFromString(*message)) {
    return absl::DataLossError("GetOrchestrator: the reply is not an OrchestratorInfo");
  }
  return info;
}

absl::StatusOr<SegmentExchange> OrchestratorClient::SubmitSegment(const std::string& transcoder_url,
                                                                  const SegmentHeaders& headers,
                                                                  const std::string& segment_bytes,
                                                                  double duration_s) {
  const SegmentDeadlines deadlines = DeadlinesFor(duration_s);
  http::ClientRequest http;
  http.method = "POST";
  http.url = transcoder_url + "/segment";
  http.version = http::ClientHttpVersion::kHttp2OverTls;
  http.headers = {{"Livepeer-Segment", headers.livepeer_segment},
                  {"Livepeer-Payment", headers.livepeer_payment},
                  {"Content-Type", "video/MP2T"}};
  http.body = segment_bytes;
  http.has_body = true;
  http.headers_timeout = deadlines.headers;
  http.total_timeout = deadlines.total;
  absl::StatusOr<http::HttpResponse> response = http_.Send(http);
  if (!response.ok()) return response.status();
  // The progress callback checks the header deadline about once a second; judge it exactly.
  if (response->headers_after_s * 1000 > deadlines.headers.count()) {
    return absl::DeadlineExceededError("response headers came after " +
                                       std::to_string(response->headers_after_s) + " s (limit " +
                                       std::to_string(deadlines.headers.count() / 1000.0) + " s)");
  }
  if (response->status != 200) {
    return absl::FailedPreconditionError("HTTP " + std::to_string(response->status) + ": " +
                                         TrimmedBody(response->body));
  }
  SegmentExchange exchange;
  if (!exchange.result.ParseFromString(response->body)) {
    return absl::DataLossError("the /segment reply is not a TranscodeResult");
  }
  exchange.headers_after_s = response->headers_after_s;
  exchange.total_s = response->total_s;
  exchange.bytes_sent = response->bytes_sent;
  exchange.bytes_received = response->bytes_received;
  return exchange;
}

absl::StatusOr<std::string> OrchestratorClient::Download(const std::string& url) {
  http::ClientRequest http;
  http.url = url;
  http.version = http::ClientHttpVersion::kHttp1;
  http.total_timeout = milliseconds(4000);
  absl::StatusOr<http::HttpResponse> response = http_.Send(http);
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return absl::NotFoundError("GET " + url + ": HTTP " + std::to_string(response->status));
  }
  return std::move(response->body);
}

}  // namespace baton::gateway

#include "gateway/orchestrator_client.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "crypto/eth_sign.h"

namespace baton::gateway {
namespace {

using std::chrono::milliseconds;

// gRPC message framing: 1-byte compressed flag (0), 4-byte big-endian length, message.
std::string GrpcFrame(const std::string& message) {
  std::string out(5, '\0');
  const uint32_t size = static_cast<uint32_t>(message.size());
  for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<char>((size >> (8 * (3 - i))) & 0xff);
  return out + message;
}

absl::StatusOr<std::string> GrpcUnframe(const std::string& body) {
  if (body.size() < 5) return absl::DataLossError("gRPC response has no message");
  if (body[0] != 0) return absl::UnimplementedError("gRPC response is compressed");
  uint32_t size = 0;
  for (int i = 1; i <= 4; ++i) size = (size << 8) | static_cast<unsigned char>(body[i]);
  if (body.size() - 5 < size) return absl::DataLossError("gRPC response message is truncated");
  return body.substr(5, size);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
}

std::string PercentDecode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string HeaderOr(const HttpResponse& response, const std::string& name) {
  auto it = response.headers.find(name);
  return it == response.headers.end() ? "" : it->second;
}

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

  HttpRequest http;
  http.method = "POST";
  http.url = base_url_ + "/net.Orchestrator/GetOrchestrator";
  http.version = HttpVersion::kHttp2;
  http.headers = {{"content-type", "application/grpc"}, {"te", "trailers"}};
  http.body = GrpcFrame(request.SerializeAsString());
  http.total_timeout = milliseconds(8000);
  absl::StatusOr<HttpResponse> response = http_.Send(http);
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return absl::UnavailableError("GetOrchestrator: HTTP " + std::to_string(response->status) +
                                  " from " + http.url);
  }
  const std::string grpc_status = HeaderOr(*response, "grpc-status");
  if (grpc_status != "0") {
    return absl::FailedPreconditionError(
        "GetOrchestrator failed (grpc-status " + (grpc_status.empty() ? "missing" : grpc_status) +
        "): " + PercentDecode(HeaderOr(*response, "grpc-message")));
  }
  absl::StatusOr<std::string> message = GrpcUnframe(response->body);
  if (!message.ok()) return message.status();
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
  HttpRequest http;
  http.method = "POST";
  http.url = transcoder_url + "/segment";
  http.version = HttpVersion::kHttp2OverTls;
  http.headers = {{"Livepeer-Segment", headers.livepeer_segment},
                  {"Livepeer-Payment", headers.livepeer_payment},
                  {"Content-Type", "video/MP2T"}};
  http.body = segment_bytes;
  http.headers_timeout = deadlines.headers;
  http.total_timeout = deadlines.total;
  absl::StatusOr<HttpResponse> response = http_.Send(http);
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
  HttpRequest http;
  http.url = url;
  http.version = HttpVersion::kHttp1;
  http.total_timeout = milliseconds(4000);
  absl::StatusOr<HttpResponse> response = http_.Send(http);
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return absl::NotFoundError("GET " + url + ": HTTP " + std::to_string(response->status));
  }
  return std::move(response->body);
}

}  // namespace baton::gateway

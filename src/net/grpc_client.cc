#include "net/grpc_client.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "net/curl_support.h"
#include "net/grpc_frame.h"

namespace baton::http {

struct GrpcClient::Handle {
  CURL* curl = curl_easy_init();
  ~Handle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

GrpcClient::GrpcClient(GrpcClientOptions options) : options_(std::move(options)) {
  EnsureCurlInitialized();
}

GrpcClient::~GrpcClient() = default;

namespace {

absl::Status StatusFromGrpc(const std::string& code_text, const std::string& message) {
  int code = 0;
  if (!absl::SimpleAtoi(code_text, &code) || code <= 0 || code > 16) {
    return absl::UnknownError(absl::StrCat("grpc: invalid grpc-status \"", code_text, "\""));
  }
  return absl::Status(static_cast<absl::StatusCode>(code), message);
}

absl::StatusOr<std::string> DecodeReply(const CurlHeaderSink& headers, const std::string& body) {
  auto grpc_status = headers.fields.Get("grpc-status");
  if (!grpc_status) {
    return absl::UnknownError(
        absl::StrCat("grpc: no grpc-status in the reply (HTTP status ", headers.status, ")"));
  }
  if (*grpc_status != "0") {
    return StatusFromGrpc(
        *grpc_status, PercentDecodeGrpcMessage(headers.fields.Get("grpc-message").value_or("")));
  }
  GrpcFrameDecoder decoder;
  std::vector<std::string> messages;
  if (absl::Status status = decoder.Feed(body, messages); !status.ok()) return status;
  if (messages.size() != 1 || !decoder.AtFrameBoundary()) {
    return absl::InternalError(
        absl::StrCat("grpc: expected one response message, received ", messages.size()));
  }
  return std::move(messages.front());
}

}  // namespace

absl::StatusOr<std::string> GrpcClient::Call(const std::string& method, std::string_view request,
                                             std::chrono::milliseconds timeout,
                                             const HttpHeaders& metadata) {
  std::unique_ptr<Handle> fresh;
  Handle* handle;
  if (options_.reuse_connection) {
    if (!reused_) reused_ = std::make_unique<Handle>();
    handle = reused_.get();
    curl_easy_reset(handle->curl);
  } else {
    fresh = std::make_unique<Handle>();
    handle = fresh.get();
  }
  CURL* curl = handle->curl;
  if (curl == nullptr) return absl::InternalError("libcurl: curl_easy_init failed");

  const std::string url =
      absl::StrCat(options_.tls ? "https://" : "http://", options_.target, method);
  const std::string frame = EncodeGrpcFrame(request);
  HttpHeaders headers = metadata;
  headers.Set("content-type", "application/grpc");
  headers.Set("te", "trailers");
  headers.Set("grpc-timeout", FormatGrpcTimeout(timeout));
  headers.Set("expect", "");
  curl_slist* header_list = ToCurlHeaders(headers);

  CurlHeaderSink header_sink;
  std::string body;
  char error_buffer[CURL_ERROR_SIZE] = "";
  ApplyCommonOptions(
      curl, options_.tls ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE,
      static_cast<long>(options_.connect_timeout.count()), static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, frame.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(frame.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &CurlHeaderSink::Collect);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &header_sink);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &AppendToString);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  if (!options_.reuse_connection) curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(header_list);
  if (code != CURLE_OK) return CurlError(code, error_buffer, url);
  return DecodeReply(header_sink, body);
}

}  // namespace baton::http

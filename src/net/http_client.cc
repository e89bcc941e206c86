#include "net/http_client.h"

#include "absl/strings/str_cat.h"
#include "net/curl_support.h"

namespace baton::http {

HttpClient::HttpClient(HttpClientOptions options) : options_(options) {
  EnsureCurlInitialized();
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

absl::StatusOr<HttpResponse> HttpClient::Get(const std::string& url, const HttpHeaders& headers,
                                             std::chrono::milliseconds timeout) {
  return Perform("GET", url, nullptr, headers, timeout);
}

absl::StatusOr<HttpResponse> HttpClient::Post(const std::string& url, std::string_view body,
                                              const HttpHeaders& headers,
                                              std::chrono::milliseconds timeout) {
  return Perform("POST", url, &body, headers, timeout);
}

absl::StatusOr<HttpResponse> HttpClient::Perform(const std::string& method, const std::string& url,
                                                 const std::string_view* body,
                                                 const HttpHeaders& headers,
                                                 std::chrono::milliseconds timeout) {
  auto* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) return absl::InternalError("libcurl: curl_easy_init failed");
  curl_easy_reset(curl);
  long version = CURL_HTTP_VERSION_1_1;
  if (options_.h2c_prior_knowledge && url.rfind("http://", 0) == 0) {
    version = CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
  } else if (options_.allow_http2) {
    version = CURL_HTTP_VERSION_2TLS;
  }
  HttpHeaders request_headers = headers;
  // Send bodies at once rather than waiting for "100 Continue".
  if (!request_headers.Has("expect")) request_headers.Add("expect", "");
  curl_slist* header_list = ToCurlHeaders(request_headers);
  CurlHeaderSink header_sink;
  HttpResponse response;
  char error_buffer[CURL_ERROR_SIZE] = "";
  ApplyCommonOptions(curl, version, static_cast<long>(options_.connect_timeout.count()),
                     static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (body != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  if (method != "GET" && method != "POST") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &CurlHeaderSink::Collect);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &header_sink);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &AppendToString);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(header_list);
  if (code != CURLE_OK) return CurlError(code, error_buffer, url);
  long used_version = 0;
  curl_easy_getinfo(curl, CURLINFO_HTTP_VERSION, &used_version);
  response.protocol = used_version == CURL_HTTP_VERSION_2_0 ? "HTTP/2" : "HTTP/1.1";
  response.status = header_sink.status;
  response.headers = std::move(header_sink.fields);
  return response;
}

}  // namespace baton::http

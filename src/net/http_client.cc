#include "net/http_client.h"

#include <curl/curl.h>

#include <cstdio>
#include <mutex>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"

namespace baton::http {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kNeverSentPayload[] = "type.baton/http.never-sent";

void EnsureCurlInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// State the libcurl callbacks fill in during one request.
struct Transfer {
  const ClientRequest* request = nullptr;
  HttpResponse* response = nullptr;
  Clock::time_point start;
  bool headers_done = false;
  bool headers_late = false;
  bool too_large = false;
  bool receiver_aborted = false;
  bool cancelled = false;
};

// Status line and header fields, then (HTTP/2) any trailer fields, which libcurl passes the
// same way. A new final status line (after a 1xx) starts a fresh header set.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    int status = 0;
    if (size_t space = line.find(' '); space != std::string_view::npos)
      if (!absl::SimpleAtoi(AsAbsl(line.substr(space + 1, 3)), &status)) status = 0;
    if (status >= 200) {
      t->response->status = status;
      t->response->headers = HttpHeaders{};
      t->response->headers_after_s = SecondsSince(t->start);
      t->headers_done = true;
    }
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    t->response->headers.Add(line.substr(0, colon), value);
  }
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->request->on_body) {
    if (!t->request->on_body(t->response->status, std::string_view(data, size * count))) {
      t->receiver_aborted = true;
      return 0;
    }
    t->response->bytes_received += static_cast<int64_t>(size * count);
    return size * count;
  }
  if (t->response->body.size() + size * count > t->request->max_response_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->response->body.append(data, size * count);
  return size * count;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->request->cancelled && t->request->cancelled()) {
    t->cancelled = true;
    return 1;  // aborts the transfer
  }
  if (t->headers_done || t->request->headers_timeout.count() == 0) return 0;
  if (Clock::now() - t->start > t->request->headers_timeout) {
    t->headers_late = true;
    return 1;  // aborts the transfer
  }
  return 0;
}

long CurlVersion(const ClientRequest& request) {
  const bool tls = request.url.rfind("https://", 0) == 0;
  switch (request.version) {
    case ClientHttpVersion::kHttp1:
      return CURL_HTTP_VERSION_1_1;
    case ClientHttpVersion::kHttp2:
      return tls ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
    case ClientHttpVersion::kHttp2OverTls:
      return tls ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1;
  }
  return CURL_HTTP_VERSION_1_1;
}

std::string FormatSeconds(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", ms.count() / 1000.0);
  return buf;
}

}  // namespace

HttpClient::HttpClient(HttpClientOptions options) : options_(options) {
  EnsureCurlInitialized();
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

absl::StatusOr<HttpResponse> HttpClient::Send(const ClientRequest& request) {
  CURL* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) return absl::InternalError("libcurl could not create a handle");
  curl_easy_reset(curl);  // keeps the live connection for reuse

  HttpResponse response;
  Transfer transfer{&request, &response, Clock::now()};
  HttpHeaders headers = request.headers;
  // Send bodies at once rather than waiting for "100 Continue".
  if (!headers.Has("expect")) headers.Add("expect", "");
  curl_slist* header_list = nullptr;
  for (const auto& [name, value] : headers.fields())
    header_list = curl_slist_append(header_list, absl::StrCat(name, ": ", value).c_str());
  char error_buffer[CURL_ERROR_SIZE] = "";

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  // URLs can come from peers (an orchestrator's input_url): never file://, gopher:// and the
  // rest of libcurl's protocols.
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  if (!request.unix_socket.empty())
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, request.unix_socket.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CurlVersion(request));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, request.verify_peer ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, request.verify_peer ? 2L : 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // required for timeouts in threads
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.total_timeout.count()));
  if (request.has_body) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  if (request.method != "GET" && request.method != "POST")
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (!request.reuse_connection) curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
  if (request.on_body) {
    // A long-lived stream: keepalive probes notice a peer that vanished without closing.
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPIDLE, 15L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPINTVL, 5L);
  }
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  if (request.headers_timeout.count() > 0 || request.cancelled) {
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }

  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(header_list);
  response.total_s = SecondsSince(transfer.start);

  const std::string where = request.method + " " + request.url;
  if (transfer.headers_late || (code == CURLE_OPERATION_TIMEDOUT && !transfer.headers_done &&
                                request.headers_timeout.count() > 0)) {
    return absl::DeadlineExceededError("no response headers within " +
                                       FormatSeconds(request.headers_timeout) + " from " + where);
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError("no complete response within " +
                                       FormatSeconds(request.total_timeout) + " from " + where);
  }
  if (transfer.too_large) {
    return absl::ResourceExhaustedError("response from " + where + " exceeds " +
                                        std::to_string(request.max_response_bytes) + " bytes");
  }
  if (transfer.cancelled) return absl::CancelledError(where + ": cancelled");
  if (transfer.receiver_aborted) return absl::UnavailableError(where + ": aborted by the receiver");
  if (code != CURLE_OK) {
    absl::Status status = absl::UnavailableError(absl::StrCat(
        where, ": ", error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code)));
    if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
        code == CURLE_COULDNT_RESOLVE_PROXY)
      status.SetPayload(kNeverSentPayload, absl::Cord("1"));
    return status;
  }
  curl_off_t sent = 0;
  curl_easy_getinfo(curl, CURLINFO_SIZE_UPLOAD_T, &sent);
  long version = 0;
  curl_easy_getinfo(curl, CURLINFO_HTTP_VERSION, &version);
  response.bytes_sent = sent;
  if (!request.on_body) response.bytes_received = static_cast<int64_t>(response.body.size());
  response.protocol = version == CURL_HTTP_VERSION_2_0 ? "HTTP/2" : "HTTP/1.1";
  return response;
}

ClientRequest HttpClient::Simple(const std::string& url, const HttpHeaders& headers,
                                 std::chrono::milliseconds timeout) const {
  ClientRequest r;
  r.url = url;
  r.headers = headers;
  r.connect_timeout = options_.connect_timeout;
  r.total_timeout = timeout;
  if (options_.h2c_prior_knowledge && url.rfind("http://", 0) == 0) {
    r.version = ClientHttpVersion::kHttp2;
  } else {
    r.version = options_.allow_http2 ? ClientHttpVersion::kHttp2OverTls : ClientHttpVersion::kHttp1;
  }
  return r;
}

absl::StatusOr<HttpResponse> HttpClient::Get(const std::string& url, const HttpHeaders& headers,
                                             std::chrono::milliseconds timeout) {
  return Send(Simple(url, headers, timeout));
}

absl::StatusOr<HttpResponse> HttpClient::Post(const std::string& url, std::string_view body,
                                              const HttpHeaders& headers,
                                              std::chrono::milliseconds timeout) {
  ClientRequest r = Simple(url, headers, timeout);
  r.method = "POST";
  r.body = body;
  r.has_body = true;
  return Send(r);
}

bool NeverSent(const absl::Status& status) {
  return status.GetPayload(kNeverSentPayload).has_value();
}

absl::Status NeverSentError(std::string_view message) {
  absl::Status status = absl::UnavailableError(std::string(message));
  status.SetPayload(kNeverSentPayload, absl::Cord("1"));
  return status;
}

}  // namespace baton::http

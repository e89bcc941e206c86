#include "gateway/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <mutex>

#include "absl/strings/numbers.h"
#include "common/absl_view.h"

namespace baton::gateway {
namespace {

using Clock = std::chrono::steady_clock;

// State the libcurl callbacks fill in during one request.
struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  Clock::time_point start;
  bool headers_done = false;
  bool headers_late = false;
  bool too_large = false;
};

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line; 1xx lines are followed by the real one.
    int status = 0;
    size_t space = line.find(' ');
    if (space != std::string_view::npos)
      (void)absl::SimpleAtoi(AsAbsl(line.substr(space + 1, 3)), &status);
    if (status >= 200) {
      t->response->status = status;
      t->response->headers.clear();
      t->response->headers_after_s = SecondsSince(t->start);
      t->headers_done = true;
    }
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response->headers[Lower(std::string(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
  }
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->response->body.size() + size * count > t->request->max_response_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->response->body.append(data, size * count);
  return size * count;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->headers_done || t->request->headers_timeout.count() == 0) return 0;
  if (Clock::now() - t->start > t->request->headers_timeout) {
    t->headers_late = true;
    return 1;  // aborts the transfer
  }
  return 0;
}

long CurlVersion(const HttpRequest& request) {
  const bool tls = request.url.rfind("https://", 0) == 0;
  switch (request.version) {
    case HttpVersion::kHttp1:
      return CURL_HTTP_VERSION_1_1;
    case HttpVersion::kHttp2:
      return tls ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
    case HttpVersion::kHttp2OverTls:
      return tls ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1;
  }
  return CURL_HTTP_VERSION_1_1;
}

std::string FormatSeconds(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", ms.count() / 1000.0);
  return buf;
}

std::once_flag curl_init_once;

}  // namespace

HttpClient::HttpClient() {
  std::call_once(curl_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

absl::StatusOr<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) return absl::InternalError("libcurl could not create a handle");
  curl_easy_reset(curl);

  HttpResponse response;
  Transfer transfer{&request, &response, Clock::now()};
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CurlVersion(request));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.total_timeout.count()));
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);

  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
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
  if (code != CURLE_OK) {
    return absl::UnavailableError(where + ": " + curl_easy_strerror(code));
  }
  curl_off_t sent = 0;
  curl_easy_getinfo(curl, CURLINFO_SIZE_UPLOAD_T, &sent);
  long version = 0;
  curl_easy_getinfo(curl, CURLINFO_HTTP_VERSION, &version);
  response.bytes_sent = sent;
  response.bytes_received = static_cast<int64_t>(response.body.size());
  response.http_version = version == CURL_HTTP_VERSION_2_0 ? "2" : "1.1";
  return response;
}

}  // namespace baton::gateway

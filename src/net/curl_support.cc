#include "net/curl_support.h"

#include <mutex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"

namespace baton::http {

void EnsureCurlInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t CurlHeaderSink::Collect(char* data, size_t size, size_t count, void* arg) {
  auto* sink = static_cast<CurlHeaderSink*>(arg);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    // A new status line (e.g. after "100 Continue") starts a fresh header set.
    const size_t space = line.find(' ');
    if (space != std::string_view::npos) {
      if (!absl::SimpleAtoi(AsAbsl(line.substr(space + 1, 3)), &sink->status)) sink->status = 0;
      sink->fields = HttpHeaders{};
    }
  } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    sink->fields.Add(line.substr(0, colon), value);
  }
  return size * count;
}

size_t AppendToString(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

curl_slist* ToCurlHeaders(const HttpHeaders& headers) {
  curl_slist* list = nullptr;
  for (const auto& [name, value] : headers.fields()) {
    list = curl_slist_append(list, absl::StrCat(name, ": ", value).c_str());
  }
  return list;
}

absl::Status CurlError(CURLcode code, const char* error_buffer, const std::string& url) {
  const std::string detail =
      error_buffer != nullptr && error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError(absl::StrCat(url, ": ", detail));
  }
  return absl::UnavailableError(absl::StrCat(url, ": ", detail));
}

void ApplyCommonOptions(CURL* curl, long http_version, long connect_timeout_ms, long timeout_ms) {
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, http_version);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
}

}  // namespace baton::http

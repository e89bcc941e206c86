// Internal: shared libcurl plumbing for GrpcClient and HttpClient (global init, response header
// collection including HTTP/2 trailers, error mapping). Thread-safe except where noted.
#pragma once

#include <curl/curl.h>

#include <string>

#include "absl/status/status.h"
#include "net/http_message.h"

namespace baton::http {

// Calls curl_global_init once per process.
void EnsureCurlInitialized();

// What arrives through CURLOPT_HEADERFUNCTION: the status line and header fields, then (HTTP/2)
// any trailer fields, which libcurl passes the same way.
struct CurlHeaderSink {
  int status = 0;
  HttpHeaders fields;
  static size_t Collect(char* data, size_t size, size_t count, void* sink);
};

size_t AppendToString(char* data, size_t size, size_t count, void* out);

// Builds a curl header list; the caller frees it with curl_slist_free_all.
curl_slist* ToCurlHeaders(const HttpHeaders& headers);

// CURLE_OPERATION_TIMEDOUT -> DEADLINE_EXCEEDED, anything else -> UNAVAILABLE.
absl::Status CurlError(CURLcode code, const char* error_buffer, const std::string& url);

// TLS checks off, timeouts, and the given HTTP version.
void ApplyCommonOptions(CURL* curl, long http_version, long connect_timeout_ms, long timeout_ms);

}  // namespace baton::http

// JsonRpcClient: Ethereum JSON-RPC 2.0 over HTTP(S) (the one HTTP client, net/http_client.h,
// with the provider's TLS certificate verified), with per-request timeouts and retries,
// returning node errors as absl::Status values a user can read.
//
// Retries (doc/pm.md 6): transport failures, HTTP 429/5xx, and node errors whose message contains
// "EOF", "tls: use of closed connection" or "unsupported block number" are retried up to
// max_attempts times in all, sleeping attempt × backoff between tries. eth_sendRawTransaction
// is only retried when the connection could not be made, so a transaction is never sent twice
// by the transport.
//
// A node error becomes absl::UnknownError("<method>: <node message>"); when the node returns
// revert data, the message reads "<method>: execution reverted: <reason>" and the raw data is
// attached (RevertData(status)).
//
// Thread-safety: Call() may be used from any number of threads; HTTP clients are pooled so
// connections are reused. The client must outlive its calls.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "net/http_client.h"

namespace baton::eth {

struct JsonRpcOptions {
  std::string url;
  std::chrono::milliseconds timeout{30000};  // whole request, per attempt
  int max_attempts = 6;
  std::chrono::milliseconds backoff{200};  // the n-th retry sleeps n × backoff
};

// The revert data a failed call carried, if any (also for statuses made by the tx manager).
std::optional<std::string> RevertData(const absl::Status& status);
// Attaches revert data to a status (used by layers that rebuild errors).
void SetRevertData(absl::Status& status, std::string_view data);

// Decodes one response body of `method`: its "result", or the node's error as described above
// (`retryable` says whether Call would try again). Pure and exception-free for any bytes.
absl::StatusOr<nlohmann::json> DecodeJsonRpcResponse(std::string_view method, std::string_view body,
                                                     bool* retryable);

class JsonRpcClient {
 public:
  explicit JsonRpcClient(JsonRpcOptions options);
  ~JsonRpcClient();
  JsonRpcClient(const JsonRpcClient&) = delete;
  JsonRpcClient& operator=(const JsonRpcClient&) = delete;

  // Sends {"jsonrpc":"2.0","method":method,"params":params} and returns "result".
  absl::StatusOr<nlohmann::json> Call(std::string_view method, nlohmann::json params) const;

  const JsonRpcOptions& options() const { return options_; }

 private:
  absl::StatusOr<http::HttpResponse> Post(const std::string& body) const;

  JsonRpcOptions options_;
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<http::HttpClient>> idle_clients_;  // guarded by mu_
  mutable int next_id_ = 1;                                              // guarded by mu_
};

}  // namespace baton::eth

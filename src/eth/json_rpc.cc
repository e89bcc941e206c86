#include "eth/json_rpc.h"

#include <curl/curl.h>

#include <thread>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "common/hex.h"
#include "eth/abi_function.h"

namespace baton::eth {
namespace {

constexpr char kRevertPayload[] = "type.baton/eth.revert-data";

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

bool IsRetryableMessage(std::string_view message) {
  for (std::string_view m : {"EOF", "tls: use of closed connection", "unsupported block number"})
    if (message.find(m) != std::string_view::npos) return true;
  return false;
}

// Node errors carry revert data as a hex string in error.data (geth, anvil), sometimes nested.
std::optional<std::string> RevertDataOf(const nlohmann::json& error) {
  if (!error.is_object()) return std::nullopt;
  const nlohmann::json* data = error.contains("data") ? &error["data"] : nullptr;
  if (data != nullptr && data->is_object() && data->contains("data")) data = &(*data)["data"];
  if (data == nullptr || !data->is_string()) return std::nullopt;
  auto bytes = HexDecode(data->get<std::string>());
  if (!bytes.ok()) return std::nullopt;
  return *bytes;
}

absl::Status NodeError(std::string_view method, const nlohmann::json& error) {
  std::string message =
      error.is_object() && error.contains("message") && error["message"].is_string()
          ? error["message"].get<std::string>()
          : error.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::optional<std::string> revert = RevertDataOf(error);
  std::optional<std::string> reason = revert ? abi::DecodeRevertReason(*revert) : std::nullopt;
  // Nodes word reverts differently ("execution reverted", "execution reverted: x"); say the
  // decoded reason once, in one form.
  if (reason && !absl::StrContains(message, *reason)) {
    message = absl::StrCat("execution reverted: ", *reason);
  }
  absl::Status status = absl::UnknownError(absl::StrCat(AsAbsl(method), ": ", message));
  if (revert) SetRevertData(status, *revert);
  return status;
}

}  // namespace

absl::StatusOr<nlohmann::json> DecodeJsonRpcResponse(std::string_view method, std::string_view body,
                                                     bool* retryable) {
  *retryable = false;
  auto response = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (response.is_discarded() || !response.is_object())
    return absl::InternalError(absl::StrCat(AsAbsl(method), ": invalid JSON from the node"));
  if (response.contains("error") && !response["error"].is_null()) {
    absl::Status error = NodeError(method, response["error"]);
    *retryable = IsRetryableMessage(std::string(error.message()));
    return error;
  }
  if (!response.contains("result"))
    return absl::InternalError(absl::StrCat(AsAbsl(method), ": response has no result"));
  return std::move(response["result"]);
}

std::optional<std::string> RevertData(const absl::Status& status) {
  auto payload = status.GetPayload(kRevertPayload);
  if (!payload) return std::nullopt;
  return std::string(*payload);
}

void SetRevertData(absl::Status& status, std::string_view data) {
  status.SetPayload(kRevertPayload, absl::Cord(AsAbsl(data)));
}

struct JsonRpcClient::Attempt {
  CURLcode curl = CURLE_OK;
  long http_status = 0;
  std::string body;
  std::string curl_error;
};

JsonRpcClient::JsonRpcClient(JsonRpcOptions options) : options_(std::move(options)) {
  InitCurlOnce();
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

JsonRpcClient::~JsonRpcClient() {
  for (void* h : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* JsonRpcClient::AcquireHandle() const {
  {
    std::lock_guard lock(mu_);
    if (!idle_handles_.empty()) {
      void* h = idle_handles_.back();
      idle_handles_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void JsonRpcClient::ReleaseHandle(void* handle) const {
  curl_easy_reset(static_cast<CURL*>(handle));  // keeps the live connection for reuse
  std::lock_guard lock(mu_);
  idle_handles_.push_back(handle);
}

JsonRpcClient::Attempt JsonRpcClient::Post(const std::string& body) const {
  Attempt a;
  CURL* curl = static_cast<CURL*>(AcquireHandle());
  if (curl == nullptr) {
    a.curl = CURLE_FAILED_INIT;
    a.curl_error = "curl_easy_init failed";
    return a;
  }
  char error[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // required for timeouts in threads
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  a.curl = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a.http_status);
  if (a.curl != CURLE_OK) a.curl_error = error[0] ? error : curl_easy_strerror(a.curl);
  curl_slist_free_all(headers);
  ReleaseHandle(curl);
  return a;
}

absl::StatusOr<nlohmann::json> JsonRpcClient::Call(std::string_view method,
                                                   nlohmann::json params) const {
  int id;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
  }
  nlohmann::json request = {
      {"jsonrpc", "2.0"}, {"id", id}, {"method", std::string(method)}, {"params", params}};
  const std::string body = request.dump();
  const bool sends_tx = method == "eth_sendRawTransaction";
  absl::Status last;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    if (attempt > 1) std::this_thread::sleep_for(options_.backoff * (attempt - 1));
    Attempt a = Post(body);
    bool retryable = false;
    std::string m(method);
    if (a.curl != CURLE_OK) {
      last = absl::UnavailableError(absl::StrCat(m, ": ", a.curl_error));
      retryable = !sends_tx || a.curl == CURLE_COULDNT_CONNECT;
    } else if (a.http_status != 200) {
      last = absl::UnavailableError(
          absl::StrCat(m, ": HTTP ", a.http_status, " ", a.body.substr(0, 200)));
      retryable = !sends_tx && (a.http_status == 429 || a.http_status >= 500);
    } else {
      absl::StatusOr<nlohmann::json> result = DecodeJsonRpcResponse(method, a.body, &retryable);
      if (result.ok() || !retryable) return result;
      last = result.status();
    }
    if (!retryable) return last;
  }
  return last;
}

}  // namespace baton::eth

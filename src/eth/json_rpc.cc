#include "eth/json_rpc.h"

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

JsonRpcClient::JsonRpcClient(JsonRpcOptions options) : options_(std::move(options)) {
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

JsonRpcClient::~JsonRpcClient() = default;

absl::StatusOr<http::HttpResponse> JsonRpcClient::Post(const std::string& body) const {
  std::unique_ptr<http::HttpClient> client;
  {
    std::lock_guard lock(mu_);
    if (!idle_clients_.empty()) {
      client = std::move(idle_clients_.back());
      idle_clients_.pop_back();
    }
  }
  if (!client) client = std::make_unique<http::HttpClient>();
  http::ClientRequest request;
  request.method = "POST";
  request.url = options_.url;
  request.headers = {{"content-type", "application/json"}};
  request.body = body;
  request.has_body = true;
  request.verify_peer = true;  // a provider is a public service with a real certificate
  request.connect_timeout = options_.timeout;
  request.total_timeout = options_.timeout;
  request.max_response_bytes = 256u << 20;  // a block of logs is large, not unbounded
  auto response = client->Send(request);
  std::lock_guard lock(mu_);
  idle_clients_.push_back(std::move(client));  // keeps the live connection for reuse
  return response;
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
    auto a = Post(body);
    bool retryable = false;
    std::string m(method);
    if (!a.ok()) {
      last = absl::UnavailableError(absl::StrCat(m, ": ", a.status().message()));
      retryable = !sends_tx || http::NeverSent(a.status());
    } else if (a->status != 200) {
      last = absl::UnavailableError(
          absl::StrCat(m, ": HTTP ", a->status, " ", a->body.substr(0, 200)));
      retryable = !sends_tx && (a->status == 429 || a->status >= 500);
    } else {
      absl::StatusOr<nlohmann::json> result = DecodeJsonRpcResponse(method, a->body, &retryable);
      if (result.ok() || !retryable) return result;
      last = result.status();
    }
    if (!retryable) return last;
  }
  return last;
}

}  // namespace baton::eth

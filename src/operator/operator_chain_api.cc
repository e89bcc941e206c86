#include "operator/operator_chain_api.h"

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "eth/abi_function.h"
#include "eth/contracts.h"
#include "operator/operator_api.h"
#include "operator/routes.h"

namespace baton::ops {
namespace {

using http::HttpRequest;
using http::ResponseWriter;
using Response = std::shared_ptr<ResponseWriter>;
using node::OnChain;

// Runs a transaction-sending body off the loop thread; errors are 500 with the chain's text.
void Async(worker::Executor* executor, Response response,
           std::function<absl::Status(std::stop_token)> body) {
  auto queued = executor->Submit([executor, response, body = std::move(body)] {
    auto s = body(executor->stop_token());
    if (s.ok()) return response->Respond(200, "text/plain", "");
    response->RespondError(s.code() == absl::StatusCode::kInvalidArgument ? 400 : 500,
                           std::string(s.message()));
  });
  if (!queued.ok()) response->RespondError(503, std::string(queued.message()));
}

absl::Status Send(OnChain* c, const crypto::Address& to, std::string data, const char* label,
                  std::stop_token stop) {
  eth::TxRequest tx{to, std::move(data), 0, 0, label};
  auto receipt = c->transactions()->SendAndWait(tx, stop);
  return receipt.ok() ? absl::OkStatus() : receipt.status();
}

// Percent ("10" or "2.5") to parts per million, as go-livepeer's eth.FromPerc.
absl::StatusOr<crypto::U256> PercentToPpm(const std::string& text, const char* name) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || v < 0 || v > 100)
    return absl::InvalidArgumentError(std::string("missing form param: ") + name);
  return crypto::U256(static_cast<uint64_t>(v * 10000 + 0.5));
}

absl::Status Activate(OnChain* c, const eth::Account& account, const HttpRequest& r,
                      const std::string& default_uri, std::stop_token stop) {
  auto reward_cut = PercentToPpm(FormParam(r, "blockRewardCut"), "blockRewardCut");
  if (!reward_cut.ok()) return reward_cut.status();
  auto fee_share = PercentToPpm(FormParam(r, "feeShare"), "feeShare");
  if (!fee_share.ok()) return fee_share.status();
  const auto& k = c->watcher().contracts();
  auto t = eth::contracts::GetTranscoder(*c->client(), k.bonding_manager, account.address());
  if (!t.ok()) return t.status();
  if (t->activation_round != 0)
    return absl::InvalidArgumentError("orchestrator already registered");
  std::string amount = FormParam(r, "amount");
  if (!amount.empty() && amount != "0") {
    auto wei = crypto::U256FromDecimal(amount);
    if (!wei.ok()) return absl::InvalidArgumentError("invalid amount");
    auto token = eth::contracts::GetContract(*c->client(), k.controller, "LivepeerToken");
    if (!token.ok()) return token.status();
    // go-livepeer approves the BondingManager before bonding.
    static const auto approve = *eth::abi::Function::Parse("approve(address,uint256)", "bool");
    auto data =
        approve.EncodeCall({eth::abi::Value::Addr(k.bonding_manager), eth::abi::Value::Uint(*wei)});
    if (!data.ok()) return data.status();
    if (auto s = Send(c, *token, *data, "approve", stop); !s.ok()) return s;
    auto bond = eth::contracts::BondCalldata(*wei, account.address());
    if (!bond.ok()) return bond.status();
    if (auto s = Send(c, k.bonding_manager, *bond, "bond", stop); !s.ok()) return s;
  }
  auto register_call = eth::contracts::TranscoderCalldata(*reward_cut, *fee_share);
  if (!register_call.ok()) return register_call.status();
  if (auto s = Send(c, k.bonding_manager, *register_call, "transcoder", stop); !s.ok()) return s;
  std::string uri = FormParam(r, "serviceURI").empty() ? default_uri : FormParam(r, "serviceURI");
  auto set_uri = eth::contracts::SetServiceURICalldata(uri);
  if (!set_uri.ok()) return set_uri.status();
  return Send(c, k.service_registry, *set_uri, "setServiceURI", stop);
}

nlohmann::json OrchestratorInfo(OnChain* c, const crypto::Address& address) {
  const auto& k = c->watcher().contracts();
  auto t = eth::contracts::GetTranscoder(*c->client(), k.bonding_manager, address);
  auto active = eth::contracts::IsActiveTranscoder(*c->client(), k.bonding_manager, address);
  auto uri = eth::contracts::GetServiceURI(*c->client(), k.service_registry, address);
  if (!t.ok()) return {{"error", std::string(t.status().message())}};
  return {{"Transcoder",
           {{"Address", address.ChecksumHex()},
            {"ServiceURI", uri.ok() ? *uri : ""},
            {"LastRewardRound", crypto::U256ToDecimal(t->last_reward_round)},
            {"RewardCut", crypto::U256ToDecimal(t->reward_cut)},
            {"FeeShare", crypto::U256ToDecimal(t->fee_share)},
            {"ActivationRound", crypto::U256ToDecimal(t->activation_round)},
            {"DeactivationRound", crypto::U256ToDecimal(t->deactivation_round)},
            {"CumulativeFees", crypto::U256ToDecimal(t->cumulative_fees)},
            {"Active", active.ok() && *active},
            {"Status", t->activation_round != 0 ? "Registered" : "NotRegistered"}}}};
}

}  // namespace

void RegisterOperatorChainApi(OnChain* c, std::shared_ptr<const eth::Account> account,
                              std::string service_uri, worker::Executor* executor,
                              http::Router& router) {
  auto Handle = [&router](const std::string& path, http::HttpHandler handler) {
    HandleRoute(router, path, std::move(handler));
  };
  Handle("/orchestratorInfo", [c, account](HttpRequest, Response w) {
    w->Respond(200, "application/json",
               OrchestratorInfo(c, account->address())
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  });
  Handle("/currentRound", [c](HttpRequest, Response w) {
    w->Respond(200, "text/plain", std::to_string(c->watcher().CurrentRound()));
  });
  Handle("/EthChainID", [c](HttpRequest, Response w) {
    w->Respond(200, "text/plain", std::to_string(c->chain_id()));
  });
  Handle("/ethAddr", [account](HttpRequest, Response w) {
    w->Respond(200, "text/plain", account->address().ChecksumHex());
  });
  Handle("/reward", [c, executor](HttpRequest, Response w) {
    Async(executor, w, [c](std::stop_token stop) {
      return Send(c, c->watcher().contracts().bonding_manager, eth::contracts::RewardCalldata(),
                  "reward", stop);
    });
  });
  Handle("/initializeRound", [c, executor](HttpRequest, Response w) {
    Async(executor, w, [c](std::stop_token stop) {
      return Send(c, c->watcher().contracts().rounds_manager,
                  eth::contracts::InitializeRoundCalldata(), "initializeRound", stop);
    });
  });
  Handle("/activateOrchestrator", [c, account, service_uri, executor](HttpRequest r, Response w) {
    Async(executor, w, [c, account, service_uri, r](std::stop_token stop) {
      return Activate(c, *account, r, service_uri, stop);
    });
  });
}

}  // namespace baton::ops

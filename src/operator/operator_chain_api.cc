#include "operator/operator_chain_api.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "eth/abi_function.h"
#include "eth/contracts.h"
#include "operator/chain_views.h"
#include "operator/operator_api.h"
#include "operator/routes.h"
#include "pm/rational.h"

namespace baton::ops {
namespace {

using crypto::Address;
using crypto::U256;
using eth::abi::Value;
using http::HttpRequest;
using Response = std::shared_ptr<http::ResponseWriter>;

// A handler's answer; errors are plain text as go-livepeer's http.Error.
struct Answer {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
};

Answer Ok(std::string body = "", std::string type = "text/plain") {
  return {200, std::move(type), std::move(body)};
}
Answer Json(const absl::StatusOr<nlohmann::json>& j) {
  if (!j.ok()) return {500, "", std::string(j.status().message())};
  return Ok(DumpGoJson(*j), "application/json");
}
// 400 for what the caller sent wrong, 500 for the chain's errors.
Answer Error(const absl::Status& s) {
  return {s.code() == absl::StatusCode::kInvalidArgument ? 400 : 500, "", std::string(s.message())};
}

void Send(const Response& w, const Answer& a) {
  if (a.status == 200) return w->Respond(200, a.content_type, a.body);
  w->RespondError(a.status, a.body);
}

// Runs `body` off the loop thread (it calls the chain) and answers with its result.
void Async(worker::Executor* executor, const Response& w, std::function<Answer()> body) {
  auto queued = executor->Submit([w, body = std::move(body)] { Send(w, body()); });
  if (!queued.ok()) w->RespondError(503, std::string(queued.message()));
}

absl::StatusOr<U256> BigParam(const HttpRequest& r, const std::string& name) {
  const std::string text = FormParam(r, name);
  auto v = crypto::U256FromDecimal(text);
  if (text.empty() || !v.ok())
    return absl::InvalidArgumentError("invalid " + name + ": \"" + text +
                                      "\" is not a whole number");
  return v;
}

absl::StatusOr<Address> AddressParam(const HttpRequest& r, const std::string& name) {
  const std::string text = FormParam(r, name);
  auto a = Address::FromHex(text);
  if (!a.ok()) return absl::InvalidArgumentError("invalid " + name + ": \"" + text + "\"");
  return a;
}

// Percent ("10" or "2.5") to parts per million, as go-livepeer's eth.FromPerc.
absl::StatusOr<U256> PercentToPpm(const std::string& text, const char* name) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v >= 0 && v <= 100))
    return absl::InvalidArgumentError(std::string("invalid ") + name + ": \"" + text +
                                      "\" is not a percentage from 0 to 100");
  return U256(static_cast<uint64_t>(v * 10000 + 0.5));
}

// go-livepeer refuses a URI it cannot parse and hosts that no gateway can reach.
absl::Status CheckServiceUri(const std::string& uri) {
  const size_t scheme = uri.find("://");
  if (scheme == std::string::npos || scheme == 0 || scheme + 3 >= uri.size())
    return absl::InvalidArgumentError("invalid serviceURI \"" + uri +
                                      "\": expected https://host:port");
  if (uri.find("0.0.0.0") != std::string::npos)
    return absl::InvalidArgumentError("service address must be a public IP address or hostname");
  return absl::OkStatus();
}

class ChainApi {
 public:
  explicit ChainApi(ChainApiDeps deps) : d_(std::move(deps)) {}

  node::OnChain& chain() const { return *d_.chain; }
  const chain::ProtocolContracts& k() const { return d_.chain->watcher().contracts(); }
  const Address& me() const { return d_.account->address(); }
  ChainReader reader() const { return ChainReader(*d_.chain->client(), k()); }
  std::string OwnPrice() const { return GoRatText(d_.prices->default_price()); }

  absl::Status Tx(const Address& to, absl::StatusOr<std::string> data, const char* label,
                  std::stop_token stop) const {
    if (!data.ok()) return data.status();
    spdlog::info("Operator port: sending {}", label);
    auto receipt =
        chain().transactions()->SendAndWait(eth::TxRequest{to, *data, 0, 0, label}, stop);
    if (!receipt.ok()) return receipt.status();
    return absl::OkStatus();
  }
  absl::Status Tx(const Address& to, std::string_view signature, const std::vector<Value>& args,
                  const char* label, std::stop_token stop) const {
    auto f = eth::abi::Function::Parse(signature);
    if (!f.ok()) return f.status();
    return Tx(to, f->EncodeCall(args), label, stop);
  }

  absl::StatusOr<Address> Token() const { return reader().Contract("LivepeerToken"); }

  // Approves the BondingManager for `amount` when its allowance is short, then bonds.
  absl::Status Bond(const U256& amount, const Address& to, std::stop_token stop) const {
    auto token = Token();
    if (!token.ok()) return token.status();
    auto allowance = reader().Call(*token, "allowance(address,address)", "uint256",
                                   {Value::Addr(me()), Value::Addr(k().bonding_manager)});
    if (!allowance.ok()) return allowance.status();
    if ((*allowance)[0].uint() < amount) {
      auto s = Tx(*token, "approve(address,uint256)",
                  {Value::Addr(k().bonding_manager), Value::Uint(amount)}, "approve", stop);
      if (!s.ok()) return s;
    }
    return Tx(k().bonding_manager, eth::contracts::BondCalldata(amount, to), "bond", stop);
  }

  absl::Status SetServiceUri(const std::string& uri, std::stop_token stop) const {
    if (auto s = CheckServiceUri(uri); !s.ok()) return s;
    return Tx(k().service_registry, eth::contracts::SetServiceURICalldata(uri), "setServiceURI",
              stop);
  }

  absl::Status SetPrice(const HttpRequest& r) const {
    auto price = pm::PricePerPixel(FormParam(r, "pricePerUnit"), FormParam(r, "pixelsPerUnit"),
                                   FormParam(r, "currency"));
    if (!price.ok()) return absl::InvalidArgumentError(price.status().message());
    d_.prices->SetBasePrice(std::nullopt, *price);
    spdlog::info("Price: {} wei per pixel (operator port)", pm::RatString(*price));
    return absl::OkStatus();
  }

  absl::Status Activate(const HttpRequest& r, std::stop_token stop) const {
    auto t = eth::contracts::GetTranscoder(*chain().client(), k().bonding_manager, me());
    if (!t.ok()) return absl::InternalError(t.status().message());
    auto registered = reader().Call(k().bonding_manager, "transcoderStatus(address)", "uint8",
                                    {Value::Addr(me())});
    if (!registered.ok()) return absl::InternalError(registered.status().message());
    if ((*registered)[0].uint() == 1)
      return absl::InvalidArgumentError("orchestrator already registered");
    auto locked = reader().Call(k().rounds_manager, "currentRoundLocked()", "bool");
    if (!locked.ok()) return absl::InternalError(locked.status().message());
    if ((*locked)[0].boolean()) return absl::InternalError("current round is locked");
    auto reward_cut = PercentToPpm(FormParam(r, "blockRewardCut"), "blockRewardCut");
    if (!reward_cut.ok()) return reward_cut.status();
    auto fee_share = PercentToPpm(FormParam(r, "feeShare"), "feeShare");
    if (!fee_share.ok()) return fee_share.status();
    const std::string uri = FormParam(r, "serviceURI");
    if (auto s = CheckServiceUri(uri); !s.ok()) return s;
    if (auto s = SetPrice(r); !s.ok()) return s;
    if (!FormParam(r, "unbondingLockId").empty()) {
      auto lock = BigParam(r, "unbondingLockId");
      if (!lock.ok()) return lock.status();
      auto s = Tx(k().bonding_manager, "rebondFromUnbonded(address,uint256)",
                  {Value::Addr(me()), Value::Uint(*lock)}, "rebondFromUnbonded", stop);
      if (!s.ok()) return s;
    }
    if (!FormParam(r, "amount").empty()) {
      auto amount = BigParam(r, "amount");
      if (!amount.ok()) return amount.status();
      if (*amount > 0)
        if (auto s = Bond(*amount, me(), stop); !s.ok()) return s;
    }
    if (auto s =
            Tx(k().bonding_manager, eth::contracts::TranscoderCalldata(*reward_cut, *fee_share),
               "transcoder", stop);
        !s.ok())
      return s;
    auto current = eth::contracts::GetServiceURI(*chain().client(), k().service_registry, me());
    if (!current.ok()) return absl::InternalError(current.status().message());
    if (*current != uri) return SetServiceUri(uri, stop);
    return absl::OkStatus();
  }

  absl::Status SetConfig(const HttpRequest& r, std::stop_token stop) const {
    if (!FormParam(r, "pixelsPerUnit").empty() && !FormParam(r, "pricePerUnit").empty())
      if (auto s = SetPrice(r); !s.ok()) return s;
    const std::string cut_text = FormParam(r, "blockRewardCut");
    const std::string share_text = FormParam(r, "feeShare");
    std::optional<U256> reward_cut, fee_share;
    if (!cut_text.empty()) {
      auto v = PercentToPpm(cut_text, "blockRewardCut");
      if (!v.ok()) return v.status();
      reward_cut = *v;
    }
    if (!share_text.empty()) {
      auto v = PercentToPpm(share_text, "feeShare");
      if (!v.ok()) return v.status();
      fee_share = *v;
    }
    const std::string uri = FormParam(r, "serviceURI");
    if (!uri.empty())
      if (auto s = CheckServiceUri(uri); !s.ok()) return s;
    auto t = eth::contracts::GetTranscoder(*chain().client(), k().bonding_manager, me());
    if (!t.ok()) return absl::InternalError(t.status().message());
    // Both cuts, and only when one changes (go-livepeer).
    if (reward_cut && fee_share && (*reward_cut != t->reward_cut || *fee_share != t->fee_share)) {
      auto s = Tx(k().bonding_manager, eth::contracts::TranscoderCalldata(*reward_cut, *fee_share),
                  "transcoder", stop);
      if (!s.ok()) return s;
    }
    if (!uri.empty()) {
      auto current = eth::contracts::GetServiceURI(*chain().client(), k().service_registry, me());
      if (!current.ok()) return absl::InternalError(current.status().message());
      if (*current != uri) return SetServiceUri(uri, stop);
    }
    return absl::OkStatus();
  }

  absl::Status ClaimEarnings(std::stop_token stop) const {
    auto initialized =
        eth::contracts::CurrentRoundInitialized(*chain().client(), k().rounds_manager);
    if (!initialized.ok()) return initialized.status();
    if (!*initialized) return absl::FailedPreconditionError("Round not initialized");
    auto round = eth::contracts::CurrentRound(*chain().client(), k().rounds_manager);
    if (!round.ok()) return round.status();
    return Tx(k().bonding_manager, "claimEarnings(uint256)", {Value::Uint(*round)}, "claimEarnings",
              stop);
  }

  absl::Status WithdrawFees(const HttpRequest& r, std::stop_token stop) const {
    if (chain().chain_id() == 1 || chain().chain_id() == 4)  // L1 contracts: everything
      return Tx(k().bonding_manager, "withdrawFees()", {}, "withdrawFees", stop);
    auto amount = BigParam(r, "amount");
    if (!amount.ok()) return amount.status();
    return Tx(k().bonding_manager, eth::contracts::WithdrawFeesCalldata(me(), *amount),
              "withdrawFees", stop);
  }

  ChainApiDeps d_;
};

}  // namespace

void RegisterOperatorChainApi(ChainApiDeps deps, http::Router& router) {
  auto api = std::make_shared<const ChainApi>(std::move(deps));
  worker::Executor* executor = api->d_.executor;
  // A read that calls the chain, on the executor.
  auto Read = [&router, api, executor](
                  const std::string& path,
                  std::function<Answer(const ChainApi&, const HttpRequest&)> read) {
    HandleRoute(router, path, [api, executor, read](HttpRequest r, Response w) {
      Async(executor, w, [api, read, r = std::move(r)] { return read(*api, r); });
    });
  };
  // A transaction (or a few), on the executor; empty 200 once mined.
  auto Write =
      [&router, api, executor](
          const std::string& path,
          std::function<absl::Status(const ChainApi&, const HttpRequest&, std::stop_token)> write) {
        HandleRoute(router, path, [api, executor, write](HttpRequest r, Response w) {
          Async(executor, w, [api, executor, write, r = std::move(r)] {
            auto s = write(*api, r, executor->stop_token());
            if (!s.ok()) spdlog::warn("Operator port {}: {}", r.path, std::string(s.message()));
            return s.ok() ? Ok() : Error(s);
          });
        });
      };

  // --- Reads ---
  Read("/orchestratorInfo", [](const ChainApi& a, const HttpRequest&) {
    auto t = TranscoderJson(a.reader(), a.me(), std::nullopt);
    if (!t.ok()) return Answer{500, "", "could not get transcoder"};
    return Json(nlohmann::json{{"Transcoder", *t}, {"PriceInfo", a.OwnPrice()}});
  });
  Read("/delegatorInfo", [](const ChainApi& a, const HttpRequest&) {
    return Json(DelegatorJson(a.reader(), a.me()));
  });
  Read("/unbondingLocks", [](const ChainApi& a, const HttpRequest& r) {
    std::optional<U256> at;
    if (FormParam(r, "withdrawable") == "true") {
      auto round = eth::contracts::CurrentRound(*a.chain().client(), a.k().rounds_manager);
      if (!round.ok()) return Error(round.status());
      at = *round;
    }
    return Json(UnbondingLocksJson(a.reader(), a.me(), at));
  });
  Read("/protocolParameters", [](const ChainApi& a, const HttpRequest&) {
    return Json(ProtocolParametersJson(a.reader(), a.chain().chain_id()));
  });
  Read("/contractAddresses", [](const ChainApi& a, const HttpRequest&) {
    return Json(ContractAddressesJson(a.reader()));
  });
  Read("/registeredOrchestrators", [](const ChainApi& a, const HttpRequest&) {
    return Json(RegisteredOrchestratorsJson(a.reader(), a.me(), a.OwnPrice()));
  });
  Read("/orchestratorEarningPoolsForRound", [](const ChainApi& a, const HttpRequest& r) {
    auto round = BigParam(r, "round");
    if (!round.ok()) return Error(round.status());
    return Json(EarningsPoolJson(a.reader(), a.me(), *round));
  });
  Read("/roundInitialized", [](const ChainApi& a, const HttpRequest&) {
    auto v = eth::contracts::CurrentRoundInitialized(*a.chain().client(), a.k().rounds_manager);
    if (!v.ok())
      return Answer{500, "",
                    "could not get initialized round: " + std::string(v.status().message())};
    return Ok(*v ? "true" : "false");
  });
  Read("/tokenBalance", [](const ChainApi& a, const HttpRequest&) {
    auto token = a.Token();
    if (!token.ok()) return Error(token.status());
    auto v = a.reader().Uint(*token, "balanceOf(address)", {Value::Addr(a.me())});
    if (!v.ok()) return Error(v.status());
    return Ok(crypto::U256ToDecimal(*v));
  });
  Read("/ethBalance", [](const ChainApi& a, const HttpRequest&) {
    auto v = a.chain().client()->GetBalance(a.me());
    if (!v.ok()) return Error(v.status());
    return Ok(crypto::U256ToDecimal(*v));
  });

  // --- Answered on the loop thread: cached or local state ---
  HandleRoute(router, "/currentRound", [api](HttpRequest, Response w) {
    w->Respond(200, "text/plain", std::to_string(api->chain().watcher().CurrentRound()));
  });
  HandleRoute(router, "/currentBlock", [api](HttpRequest, Response w) {
    w->Respond(200, "application/octet-stream",
               pm::MinimalBytes(pm::ToBigInt(api->chain().watcher().LastSeenL1Block())));
  });
  HandleRoute(router, "/ethAddr", [api](HttpRequest, Response w) {
    w->Respond(200, "text/plain", api->me().ChecksumHex());
  });
  HandleRoute(router, "/maxGasPrice", [api](HttpRequest, Response w) {
    auto max = api->chain().gas()->MaxGasPrice();
    w->Respond(200, "text/plain", max && *max > 0 ? crypto::U256ToDecimal(*max) : "");
  });
  HandleRoute(router, "/minGasPrice", [api](HttpRequest, Response w) {
    w->Respond(200, "text/plain", crypto::U256ToDecimal(api->chain().gas()->MinGasPrice()));
  });
  HandleRoute(router, "/setMaxGasPrice", [api](HttpRequest r, Response w) {
    auto v = BigParam(r, "amount");
    if (!v.ok())
      return w->RespondError(400, "Parsing failed for price: " + std::string(v.status().message()));
    api->chain().gas()->SetMaxGasPrice(*v);
    spdlog::info("Max gas price set to {} wei (operator port)", crypto::U256ToDecimal(*v));
    w->Respond(200, "text/plain", "");
  });
  HandleRoute(router, "/setMinGasPrice", [api](HttpRequest r, Response w) {
    auto v = BigParam(r, "minGasPrice");
    if (!v.ok())
      return w->RespondError(400, "invalid minGasPrice: " + std::string(v.status().message()));
    api->chain().gas()->SetMinGasPrice(*v);
    spdlog::info("Min gas price set to {} wei (operator port)", crypto::U256ToDecimal(*v));
    w->Respond(200, "text/plain", "");
  });
  HandleRoute(router, "/signMessage", [api](HttpRequest r, Response w) {
    auto format = r.headers.Get("sigformat");
    if (format && *format != "text/plain")
      return w->RespondError(
          400, "SigFormat " + *format + " is not supported: Baton signs text/plain (EIP-191) only");
    w->Respond(200, "application/octet-stream", api->d_.account->SignText(FormParam(r, "message")));
  });

  // --- Transactions ---
  Write("/reward", [](const ChainApi& a, const HttpRequest&, std::stop_token stop) {
    return a.Tx(a.k().bonding_manager, eth::contracts::RewardCalldata(), "reward", stop);
  });
  Write("/initializeRound", [](const ChainApi& a, const HttpRequest&, std::stop_token stop) {
    return a.Tx(a.k().rounds_manager, eth::contracts::InitializeRoundCalldata(), "initializeRound",
                stop);
  });
  Write("/activateOrchestrator", [](const ChainApi& a, const HttpRequest& r, std::stop_token stop) {
    return a.Activate(r, stop);
  });
  Write("/setOrchestratorConfig", [](const ChainApi& a, const HttpRequest& r,
                                     std::stop_token stop) { return a.SetConfig(r, stop); });
  Write("/bond", [](const ChainApi& a, const HttpRequest& r, std::stop_token stop) {
    auto amount = BigParam(r, "amount");
    if (!amount.ok()) return amount.status();
    auto to = AddressParam(r, "toAddr");
    if (!to.ok()) return to.status();
    return a.Bond(*amount, *to, stop);
  });
  Write("/unbond", [](const ChainApi& a, const HttpRequest& r, std::stop_token stop) {
    auto amount = BigParam(r, "amount");
    if (!amount.ok()) return amount.status();
    return a.Tx(a.k().bonding_manager, "unbond(uint256)", {Value::Uint(*amount)}, "unbond", stop);
  });
  Write("/rebond", [](const ChainApi& a, const HttpRequest& r, std::stop_token stop) {
    auto lock = BigParam(r, "unbondingLockId");
    if (!lock.ok()) return lock.status();
    if (FormParam(r, "toAddr").empty())
      return a.Tx(a.k().bonding_manager, "rebond(uint256)", {Value::Uint(*lock)}, "rebond", stop);
    auto to = AddressParam(r, "toAddr");
    if (!to.ok()) return to.status();
    return a.Tx(a.k().bonding_manager, "rebondFromUnbonded(address,uint256)",
                {Value::Addr(*to), Value::Uint(*lock)}, "rebondFromUnbonded", stop);
  });
  Write("/withdrawStake", [](const ChainApi& a, const HttpRequest& r, std::stop_token stop) {
    auto lock = BigParam(r, "unbondingLockId");
    if (!lock.ok()) return lock.status();
    return a.Tx(a.k().bonding_manager, "withdrawStake(uint256)", {Value::Uint(*lock)},
                "withdrawStake", stop);
  });
  Write("/withdrawFees", [](const ChainApi& a, const HttpRequest& r, std::stop_token stop) {
    return a.WithdrawFees(r, stop);
  });
  Write("/claimEarnings", [](const ChainApi& a, const HttpRequest&, std::stop_token stop) {
    return a.ClaimEarnings(stop);
  });
  Write("/transferTokens", [](const ChainApi& a, const HttpRequest& r, std::stop_token stop) {
    auto to = AddressParam(r, "to");
    if (!to.ok()) return to.status();
    auto amount = BigParam(r, "amount");
    if (!amount.ok()) return amount.status();
    auto token = a.Token();
    if (!token.ok()) return token.status();
    return a.Tx(*token, "transfer(address,uint256)", {Value::Addr(*to), Value::Uint(*amount)},
                "transfer", stop);
  });
}

void RegisterOffchainChainStubs(http::Router& router) {
  for (const RouteInfo& route : OperatorRoutes()) {
    if (route.when != "chain") continue;
    // Registered directly: offchain, go-livepeer answers before looking at parameters.
    router.Handle(route.path, route.methods,
                  [](HttpRequest, Response w) { w->RespondError(500, "missing ETH client"); });
  }
}

}  // namespace baton::ops

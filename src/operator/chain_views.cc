#include "operator/chain_views.h"

#include "crypto/keccak.h"
#include "eth/abi_function.h"
#include "eth/contracts.h"

namespace baton::ops {
namespace {

using crypto::Address;
using crypto::U256;
using eth::abi::Value;

// Pools and lock lists are walked one eth_call per entry: bounded.
constexpr int kMaxPoolWalk = 1000;
constexpr uint64_t kMaxLocks = 1000;

std::string Lower(const Address& a) { return a.Hex(); }

}  // namespace

absl::StatusOr<std::vector<Value>> ChainReader::Call(const Address& to, std::string_view signature,
                                                     std::string_view outputs,
                                                     const std::vector<Value>& args) const {
  auto f = eth::abi::Function::Parse(signature, outputs);
  if (!f.ok()) return f.status();
  auto data = f->EncodeCall(args);
  if (!data.ok()) return data.status();
  auto out = client_.Call(eth::CallRequest{std::nullopt, to, *data, 0, std::nullopt});
  if (!out.ok()) return out.status();
  if (out->empty())
    return absl::FailedPreconditionError(f->name() + ": no data returned by " + to.ChecksumHex());
  return f->DecodeOutput(*out);
}

absl::StatusOr<U256> ChainReader::Uint(const Address& to, std::string_view signature,
                                       const std::vector<Value>& args) const {
  auto v = Call(to, signature, "uint256", args);
  if (!v.ok()) return v.status();
  return (*v)[0].uint();
}

absl::StatusOr<Address> ChainReader::Contract(std::string_view name) const {
  return eth::contracts::GetContract(client_, k_.controller, name);
}

absl::StatusOr<nlohmann::json> TranscoderJson(const ChainReader& r, const Address& address,
                                              std::optional<std::string> price_per_pixel) {
  const Address& bm = r.contracts().bonding_manager;
  auto t = eth::contracts::GetTranscoder(r.client(), bm, address);
  if (!t.ok()) return t.status();
  auto stake = r.Uint(bm, "transcoderTotalStake(address)", {Value::Addr(address)});
  if (!stake.ok()) return stake.status();
  auto active = eth::contracts::IsActiveTranscoder(r.client(), bm, address);
  if (!active.ok()) return active.status();
  auto status = r.Call(bm, "transcoderStatus(address)", "uint8", {Value::Addr(address)});
  if (!status.ok()) return status.status();
  auto uri = eth::contracts::GetServiceURI(r.client(), r.contracts().service_registry, address);
  if (!uri.ok()) return uri.status();
  return nlohmann::json{
      {"Address", Lower(address)},
      {"ServiceURI", *uri},
      {"LastRewardRound", BigNumber(t->last_reward_round)},
      {"RewardCut", BigNumber(t->reward_cut)},
      {"FeeShare", BigNumber(t->fee_share)},
      {"DelegatedStake", BigNumber(*stake)},
      {"ActivationRound", BigNumber(t->activation_round)},
      {"DeactivationRound", BigNumber(t->deactivation_round)},
      {"LastActiveStakeUpdateRound", BigNumber(t->last_active_stake_update_round)},
      {"Active", *active},
      {"Status", (*status)[0].uint() == 1 ? "Registered" : "Not Registered"},
      {"PricePerPixel", price_per_pixel ? nlohmann::json(*price_per_pixel) : nlohmann::json()}};
}

absl::StatusOr<nlohmann::json> DelegatorJson(const ChainReader& r, const Address& address) {
  const Address& bm = r.contracts().bonding_manager;
  auto d =
      r.Call(bm, "getDelegator(address)", "uint256,uint256,address,uint256,uint256,uint256,uint256",
             {Value::Addr(address)});
  if (!d.ok()) return d.status();
  auto status = r.Call(bm, "delegatorStatus(address)", "uint8", {Value::Addr(address)});
  if (!status.ok()) return status.status();
  auto round = eth::contracts::CurrentRound(r.client(), r.contracts().rounds_manager);
  if (!round.ok()) return round.status();
  auto pending_stake =
      r.Uint(bm, "pendingStake(address,uint256)", {Value::Addr(address), Value::Uint(*round)});
  if (!pending_stake.ok()) return pending_stake.status();
  auto pending_fees = eth::contracts::PendingFees(r.client(), bm, address, *round);
  if (!pending_fees.ok()) return pending_fees.status();
  static const char* kStatus[] = {"Pending", "Bonded", "Unbonded"};
  const U256 s = (*status)[0].uint();
  const auto& v = *d;
  return nlohmann::json{{"Address", Lower(address)},
                        {"BondedAmount", BigNumber(v[0].uint())},
                        {"Fees", BigNumber(v[1].uint())},
                        {"DelegateAddress", Lower(v[2].address())},
                        {"DelegatedAmount", BigNumber(v[3].uint())},
                        {"StartRound", BigNumber(v[4].uint())},
                        {"LastClaimRound", BigNumber(v[5].uint())},
                        {"NextUnbondingLockId", BigNumber(v[6].uint())},
                        {"PendingStake", BigNumber(*pending_stake)},
                        {"PendingFees", BigNumber(*pending_fees)},
                        {"Status", s < 3 ? kStatus[static_cast<int>(s)] : "Unknown"}};
}

absl::StatusOr<nlohmann::json> UnbondingLocksJson(const ChainReader& r, const Address& address,
                                                  std::optional<U256> withdrawable_at) {
  const Address& bm = r.contracts().bonding_manager;
  auto d =
      r.Call(bm, "getDelegator(address)", "uint256,uint256,address,uint256,uint256,uint256,uint256",
             {Value::Addr(address)});
  if (!d.ok()) return d.status();
  const U256 next = (*d)[6].uint();
  nlohmann::json locks = nlohmann::json::array();
  // The newest kMaxLocks ids: older ones are almost always withdrawn already.
  const uint64_t last = next > kMaxLocks * 1000 ? 0 : static_cast<uint64_t>(next);
  for (uint64_t id = last > kMaxLocks ? last - kMaxLocks : 0; id < last; ++id) {
    auto lock = r.Call(bm, "getDelegatorUnbondingLock(address,uint256)", "uint256,uint256",
                       {Value::Addr(address), Value::Uint(U256(id))});
    if (!lock.ok()) return lock.status();
    const U256& amount = (*lock)[0].uint();
    const U256& withdraw_round = (*lock)[1].uint();
    if (withdraw_round == 0) continue;  // rebonded or withdrawn
    if (withdrawable_at && withdraw_round > *withdrawable_at) continue;
    locks.push_back({{"ID", id},
                     {"Delegator", Lower(address)},
                     {"Amount", BigNumber(amount)},
                     {"WithdrawRound", BigNumber(withdraw_round)}});
  }
  return locks;
}

absl::StatusOr<nlohmann::json> ProtocolParametersJson(const ChainReader& r, uint64_t chain_id) {
  const auto& k = r.contracts();
  auto minter = r.Contract("Minter");
  if (!minter.ok()) return minter.status();
  auto token = r.Contract("LivepeerToken");
  if (!token.ok()) return token.status();
  struct Read {
    const char* field;
    const Address* to;
    const char* signature;
  };
  nlohmann::json out;
  for (const Read& read :
       {Read{"NumActiveTranscoders", &k.bonding_manager, "getTranscoderPoolMaxSize()"},
        Read{"RoundLength", &k.rounds_manager, "roundLength()"},
        Read{"RoundLockAmount", &k.rounds_manager, "roundLockAmount()"},
        Read{"UnbondingPeriod", &k.bonding_manager, "unbondingPeriod()"},
        Read{"Inflation", &*minter, "inflation()"},
        Read{"InflationChange", &*minter, "inflationChange()"},
        Read{"TargetBondingRate", &*minter, "targetBondingRate()"},
        Read{"TotalBonded", &k.bonding_manager, "getTotalBonded()"}}) {
    auto v = r.Uint(*read.to, read.signature);
    if (!v.ok()) return v.status();
    out[read.field] = BigNumber(*v);
  }
  // go-livepeer: the token's supply on L1 (chain 1, 4), the Minter's global supply on L2.
  auto supply = chain_id == 1 || chain_id == 4 ? r.Uint(*token, "totalSupply()")
                                               : r.Uint(*minter, "getGlobalTotalSupply()");
  if (!supply.ok()) return supply.status();
  out["TotalSupply"] = BigNumber(*supply);
  auto paused = r.Call(k.controller, "paused()", "bool");
  if (!paused.ok()) return paused.status();
  out["Paused"] = (*paused)[0].boolean();
  // The rest of go-livepeer's ProtocolParameters, unset there too.
  out["VerificationRate"] = 0;
  for (const char* unset :
       {"VerificationPeriod", "SlashingPeriod", "FailedVerificationSlashAmount",
        "MissedVerificationSlashAmount", "DoubleClaimSegmentSlashAmount", "FinderFee"})
    out[unset] = nullptr;
  out["VerificationCodeHash"] = "";
  return out;
}

absl::StatusOr<nlohmann::json> ContractAddressesJson(const ChainReader& r) {
  const auto& k = r.contracts();
  nlohmann::json out = {{"Controller", Lower(k.controller)},
                        {"TicketBroker", Lower(k.ticket_broker)},
                        {"RoundsManager", Lower(k.rounds_manager)},
                        {"BondingManager", Lower(k.bonding_manager)},
                        {"ServiceRegistry", Lower(k.service_registry)}};
  for (const char* name : {"LivepeerToken", "LivepeerTokenFaucet", "Minter"}) {
    auto a = r.Contract(name);
    if (!a.ok()) return a.status();
    out[name] = Lower(*a);
  }
  return out;
}

absl::StatusOr<nlohmann::json> RegisteredOrchestratorsJson(const ChainReader& r, const Address& own,
                                                           const std::string& own_price) {
  const Address& bm = r.contracts().bonding_manager;
  nlohmann::json list = nlohmann::json::array();
  auto next = r.Call(bm, "getFirstTranscoderInPool()", "address");
  for (int i = 0; i < kMaxPoolWalk; ++i) {
    if (!next.ok()) return next.status();
    const Address a = (*next)[0].address();
    if (a == Address()) break;
    auto t = TranscoderJson(r, a, a == own ? own_price : "0");
    if (!t.ok()) return t.status();
    list.push_back(*std::move(t));
    next = r.Call(bm, "getNextTranscoderInPool(address)", "address", {Value::Addr(a)});
  }
  return list;
}

absl::StatusOr<nlohmann::json> EarningsPoolJson(const ChainReader& r, const Address& address,
                                                const U256& round) {
  auto v =
      r.Call(r.contracts().bonding_manager, "getTranscoderEarningsPoolForRound(address,uint256)",
             "uint256,uint256,uint256,uint256,uint256", {Value::Addr(address), Value::Uint(round)});
  if (!v.ok()) return v.status();
  const auto& p = *v;
  return nlohmann::json{{"TotalStake", BigNumber(p[0].uint())},
                        {"TranscoderRewardCut", BigNumber(p[1].uint())},
                        {"TranscoderFeeShare", BigNumber(p[2].uint())},
                        {"CumulativeRewardFactor", BigNumber(p[3].uint())},
                        {"CumulativeFeeFactor", BigNumber(p[4].uint())}};
}

}  // namespace baton::ops

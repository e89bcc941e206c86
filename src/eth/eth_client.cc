#include "eth/eth_client.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "common/hex.h"

namespace baton::eth {
namespace {

using crypto::U256;
using nlohmann::json;

absl::Status Malformed(std::string_view method, std::string_view field) {
  return absl::InternalError(
      absl::StrCat(AsAbsl(method), ": malformed field \"", AsAbsl(field), "\""));
}

absl::StatusOr<uint64_t> ParseUint64(const json& j) {
  auto v = ParseQuantity(j);
  if (!v.ok()) return v.status();
  if (*v > std::numeric_limits<uint64_t>::max())
    return absl::InvalidArgumentError("quantity exceeds 64 bits");
  return static_cast<uint64_t>(*v);
}

absl::StatusOr<std::string> ParseData(const json& j) {
  if (!j.is_string()) return absl::InvalidArgumentError("expected hex data");
  return HexDecode(j.get<std::string>());
}

// Reads obj[field] with parse(), turning any failure into a Malformed error.
template <typename Parse>
auto Field(std::string_view method, const json& obj, const char* field, Parse parse)
    -> decltype(parse(obj)) {
  if (!obj.is_object() || !obj.contains(field)) return Malformed(method, field);
  auto v = parse(obj[field]);
  if (!v.ok()) return Malformed(method, field);
  return v;
}

json CallJson(const CallRequest& r) {
  json j = json::object();
  if (r.from) j["from"] = r.from->Hex();
  if (r.to) j["to"] = r.to->Hex();
  j["data"] = HexEncode0x(r.data);
  if (r.value != 0) j["value"] = ToQuantity(r.value);
  if (r.gas) j["gas"] = ToQuantity(*r.gas);
  return j;
}

absl::StatusOr<Log> ParseLog(std::string_view method, const json& j) {
  Log log;
  auto address = Field(method, j, "address", [](const json& v) -> absl::StatusOr<crypto::Address> {
    if (!v.is_string()) return absl::InvalidArgumentError("");
    return crypto::Address::FromHex(v.get<std::string>());
  });
  auto data = Field(method, j, "data", ParseData);
  if (!address.ok()) return address.status();
  if (!data.ok()) return data.status();
  log.address = *address;
  log.data = *data;
  if (!j.contains("topics") || !j["topics"].is_array()) return Malformed(method, "topics");
  for (const auto& t : j["topics"]) {
    auto topic = ParseData(t);
    if (!topic.ok() || topic->size() != 32) return Malformed(method, "topics");
    log.topics.push_back(*topic);
  }
  // Pending logs lack these; keep zero values then.
  if (auto n = ParseUint64(j.value("blockNumber", json())); n.ok()) log.block_number = *n;
  if (auto h = ParseData(j.value("blockHash", json())); h.ok()) log.block_hash = *h;
  if (auto h = ParseData(j.value("transactionHash", json())); h.ok()) log.tx_hash = *h;
  if (auto n = ParseUint64(j.value("logIndex", json())); n.ok()) log.log_index = *n;
  log.removed = j.contains("removed") && j["removed"].is_boolean() && j["removed"].get<bool>();
  return log;
}

absl::StatusOr<Receipt> ParseReceipt(const json& j) {
  constexpr std::string_view m = "eth_getTransactionReceipt";
  Receipt r;
  auto hash = Field(m, j, "transactionHash", ParseData);
  auto status = Field(m, j, "status", ParseUint64);
  auto number = Field(m, j, "blockNumber", ParseUint64);
  auto block = Field(m, j, "blockHash", ParseData);
  auto gas = Field(m, j, "gasUsed", ParseUint64);
  for (const absl::Status& s :
       {hash.status(), status.status(), number.status(), block.status(), gas.status()})
    if (!s.ok()) return s;
  r.tx_hash = *hash;
  r.status = *status;
  r.block_number = *number;
  r.block_hash = *block;
  r.gas_used = *gas;
  if (auto p = ParseQuantity(j.value("effectiveGasPrice", json())); p.ok())
    r.effective_gas_price = *p;
  if (j.contains("contractAddress") && j["contractAddress"].is_string())
    if (auto a = crypto::Address::FromHex(j["contractAddress"].get<std::string>()); a.ok())
      r.contract_address = *a;
  if (j.contains("logs") && j["logs"].is_array())
    for (const auto& l : j["logs"]) {
      auto log = ParseLog(m, l);
      if (!log.ok()) return log.status();
      r.logs.push_back(*std::move(log));
    }
  return r;
}

}  // namespace

std::string ToQuantity(const U256& value) {
  std::string hex = HexEncode(crypto::U256ToMinimal(value));
  size_t first = hex.find_first_not_of('0');
  return "0x" + (first == std::string::npos ? std::string("0") : hex.substr(first));
}

absl::StatusOr<U256> ParseQuantity(const json& j) {
  if (!j.is_string()) return absl::InvalidArgumentError("quantity is not a string");
  std::string s = j.get<std::string>();
  if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || s.size() > 66)
    return absl::InvalidArgumentError(absl::StrCat("bad quantity ", s));
  std::string digits = s.substr(2);
  if (digits.size() % 2) digits = "0" + digits;
  auto bytes = HexDecode(digits);
  if (!bytes.ok()) return bytes.status();
  return crypto::U256FromBigEndian(*bytes);
}

absl::StatusOr<BlockHeader> DecodeBlockHeader(const json& result) {
  constexpr std::string_view m = "eth_getBlockByNumber";
  BlockHeader h;
  auto n = Field(m, result, "number", ParseUint64);
  auto hash = Field(m, result, "hash", ParseData);
  auto parent = Field(m, result, "parentHash", ParseData);
  auto time = Field(m, result, "timestamp", ParseUint64);
  for (const absl::Status& s : {n.status(), hash.status(), parent.status(), time.status()})
    if (!s.ok()) return s;
  h.number = *n;
  h.hash = *hash;
  h.parent_hash = *parent;
  h.timestamp = *time;
  if (result.contains("baseFeePerGas") && !result["baseFeePerGas"].is_null()) {
    auto fee = Field(m, result, "baseFeePerGas", ParseQuantity);
    if (!fee.ok()) return fee.status();
    h.base_fee = *fee;
  }
  if (result.contains("l1BlockNumber") && !result["l1BlockNumber"].is_null()) {
    auto l1 = Field(m, result, "l1BlockNumber", ParseUint64);
    if (!l1.ok()) return l1.status();
    h.l1_block_number = *l1;
  }
  return h;
}

absl::StatusOr<Receipt> DecodeReceipt(const json& result) { return ParseReceipt(result); }

absl::StatusOr<std::vector<Log>> DecodeLogs(const json& result) {
  if (!result.is_array()) return Malformed("eth_getLogs", "result");
  std::vector<Log> logs;
  for (const auto& l : result) {
    auto log = ParseLog("eth_getLogs", l);
    if (!log.ok()) return log.status();
    logs.push_back(*std::move(log));
  }
  return logs;
}

absl::StatusOr<uint64_t> EthClient::ChainId() const {
  auto r = rpc_->Call("eth_chainId", json::array());
  if (!r.ok()) return r.status();
  auto v = ParseUint64(*r);
  if (!v.ok()) return Malformed("eth_chainId", "result");
  return v;
}

absl::StatusOr<uint64_t> EthClient::BlockNumber() const {
  auto r = rpc_->Call("eth_blockNumber", json::array());
  if (!r.ok()) return r.status();
  auto v = ParseUint64(*r);
  if (!v.ok()) return Malformed("eth_blockNumber", "result");
  return v;
}

absl::StatusOr<BlockHeader> EthClient::GetBlockByNumber(std::optional<uint64_t> number) const {
  constexpr std::string_view m = "eth_getBlockByNumber";
  json tag = number ? json(ToQuantity(*number)) : json("latest");
  auto r = rpc_->Call(m, json::array({tag, false}));
  if (!r.ok()) return r.status();
  if (r->is_null())
    return absl::NotFoundError(absl::StrCat("eth_getBlockByNumber: no block ", tag.dump()));
  return DecodeBlockHeader(*r);
}

absl::StatusOr<U256> EthClient::GasPrice() const {
  auto r = rpc_->Call("eth_gasPrice", json::array());
  if (!r.ok()) return r.status();
  auto v = ParseQuantity(*r);
  if (!v.ok()) return Malformed("eth_gasPrice", "result");
  return v;
}

absl::StatusOr<U256> EthClient::MaxPriorityFeePerGas() const {
  auto r = rpc_->Call("eth_maxPriorityFeePerGas", json::array());
  if (!r.ok()) return r.status();
  auto v = ParseQuantity(*r);
  if (!v.ok()) return Malformed("eth_maxPriorityFeePerGas", "result");
  return v;
}

absl::StatusOr<uint64_t> EthClient::GetTransactionCount(const crypto::Address& account,
                                                        const std::string& block) const {
  auto r = rpc_->Call("eth_getTransactionCount", json::array({account.Hex(), block}));
  if (!r.ok()) return r.status();
  auto v = ParseUint64(*r);
  if (!v.ok()) return Malformed("eth_getTransactionCount", "result");
  return v;
}

absl::StatusOr<U256> EthClient::GetBalance(const crypto::Address& account,
                                           const std::string& block) const {
  auto r = rpc_->Call("eth_getBalance", json::array({account.Hex(), block}));
  if (!r.ok()) return r.status();
  auto v = ParseQuantity(*r);
  if (!v.ok()) return Malformed("eth_getBalance", "result");
  return v;
}

absl::StatusOr<std::string> EthClient::Call(const CallRequest& request,
                                            const std::string& block) const {
  auto r = rpc_->Call("eth_call", json::array({CallJson(request), block}));
  if (!r.ok()) return r.status();
  auto v = ParseData(*r);
  if (!v.ok()) return Malformed("eth_call", "result");
  return v;
}

absl::StatusOr<uint64_t> EthClient::EstimateGas(const CallRequest& request) const {
  auto r = rpc_->Call("eth_estimateGas", json::array({CallJson(request)}));
  if (!r.ok()) return r.status();
  auto v = ParseUint64(*r);
  if (!v.ok()) return Malformed("eth_estimateGas", "result");
  return v;
}

absl::StatusOr<std::string> EthClient::SendRawTransaction(std::string_view raw) const {
  auto r = rpc_->Call("eth_sendRawTransaction", json::array({HexEncode0x(raw)}));
  if (!r.ok()) return r.status();
  auto v = ParseData(*r);
  if (!v.ok() || v->size() != 32) return Malformed("eth_sendRawTransaction", "result");
  return v;
}

absl::StatusOr<std::optional<Receipt>> EthClient::GetTransactionReceipt(
    std::string_view tx_hash) const {
  auto r = rpc_->Call("eth_getTransactionReceipt", json::array({HexEncode0x(tx_hash)}));
  if (!r.ok()) return r.status();
  if (r->is_null()) return std::optional<Receipt>();
  auto receipt = DecodeReceipt(*r);
  if (!receipt.ok()) return receipt.status();
  return std::optional<Receipt>(*std::move(receipt));
}

absl::StatusOr<std::optional<bool>> EthClient::IsTransactionPending(
    std::string_view tx_hash) const {
  auto r = rpc_->Call("eth_getTransactionByHash", json::array({HexEncode0x(tx_hash)}));
  if (!r.ok()) return r.status();
  if (r->is_null()) return std::optional<bool>();
  return std::optional<bool>(!r->contains("blockHash") || (*r)["blockHash"].is_null());
}

absl::StatusOr<std::vector<Log>> EthClient::GetLogs(const LogFilter& filter) const {
  json f = {{"fromBlock", ToQuantity(filter.from_block)}, {"toBlock", ToQuantity(filter.to_block)}};
  if (!filter.addresses.empty()) {
    json addresses = json::array();
    for (const auto& a : filter.addresses) addresses.push_back(a.Hex());
    f["address"] = addresses;
  }
  if (!filter.topics.empty()) {
    json topics = json::array();
    for (const auto& position : filter.topics) {
      if (position.empty()) {
        topics.push_back(nullptr);
        continue;
      }
      json any = json::array();
      for (const auto& t : position) any.push_back(HexEncode0x(t));
      topics.push_back(any);
    }
    f["topics"] = topics;
  }
  auto r = rpc_->Call("eth_getLogs", json::array({f}));
  if (!r.ok()) return r.status();
  return DecodeLogs(*r);
}

}  // namespace baton::eth

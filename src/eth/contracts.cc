#include "eth/contracts.h"

#include "absl/strings/str_cat.h"
#include "crypto/keccak.h"
#include "eth/abi_function.h"

namespace baton::eth::contracts {
namespace {

using abi::Function;
using abi::Value;

// Parses a signature that is known to be valid (a constant in this file).
Function Fn(std::string_view signature, std::string_view outputs = "") {
  return Function::Parse(signature, outputs).value();
}

const Function& GetContractFn() {
  static const Function f = Fn("getContract(bytes32)", "address");
  return f;
}

// eth_call of f(args) on `to`, decoded.
absl::StatusOr<std::vector<Value>> Read(const EthClient& client, const Address& to,
                                        const Function& f, const std::vector<Value>& args) {
  auto data = f.EncodeCall(args);
  if (!data.ok()) return data.status();
  auto out = client.Call(CallRequest{std::nullopt, to, *data, 0, std::nullopt});
  if (!out.ok()) return out.status();
  if (out->empty())
    return absl::FailedPreconditionError(
        absl::StrCat(f.name(), ": no data returned (is ", to.ChecksumHex(), " a contract?)"));
  return f.DecodeOutput(*out);
}

absl::StatusOr<U256> ReadUint(const EthClient& client, const Address& to, const Function& f,
                              const std::vector<Value>& args = {}) {
  auto v = Read(client, to, f, args);
  if (!v.ok()) return v.status();
  return (*v)[0].uint();
}

absl::StatusOr<bool> ReadBool(const EthClient& client, const Address& to, const Function& f,
                              const std::vector<Value>& args = {}) {
  auto v = Read(client, to, f, args);
  if (!v.ok()) return v.status();
  return (*v)[0].boolean();
}

std::string NoArgs(const Function& f) { return f.Selector(); }

}  // namespace

absl::StatusOr<Address> GetContract(const EthClient& client, const Address& controller,
                                    std::string_view name) {
  auto v = Read(client, controller, GetContractFn(), {Value::Bytes(crypto::Keccak256(name))});
  if (!v.ok()) return v.status();
  return (*v)[0].address();
}

absl::StatusOr<U256> CurrentRound(const EthClient& client, const Address& rm) {
  static const Function f = Fn("currentRound()", "uint256");
  return ReadUint(client, rm, f);
}

absl::StatusOr<U256> LastInitializedRound(const EthClient& client, const Address& rm) {
  static const Function f = Fn("lastInitializedRound()", "uint256");
  return ReadUint(client, rm, f);
}

absl::StatusOr<bool> CurrentRoundInitialized(const EthClient& client, const Address& rm) {
  static const Function f = Fn("currentRoundInitialized()", "bool");
  return ReadBool(client, rm, f);
}

absl::StatusOr<std::string> BlockHashForRound(const EthClient& client, const Address& rm,
                                              const U256& round) {
  static const Function f = Fn("blockHashForRound(uint256)", "bytes32");
  auto v = Read(client, rm, f, {Value::Uint(round)});
  if (!v.ok()) return v.status();
  return (*v)[0].bytes();
}

std::string InitializeRoundCalldata() {
  static const Function f = Fn("initializeRound()");
  return NoArgs(f);
}

absl::StatusOr<SenderInfo> GetSenderInfo(const EthClient& client, const Address& broker,
                                         const Address& sender) {
  static const Function f = Fn("getSenderInfo(address)", "(uint256,uint256),(uint256,uint256)");
  auto v = Read(client, broker, f, {Value::Addr(sender)});
  if (!v.ok()) return v.status();
  const Value& s = (*v)[0];
  const Value& r = (*v)[1];
  return SenderInfo{s[0].uint(), s[1].uint(), r[0].uint(), r[1].uint()};
}

absl::StatusOr<U256> ClaimableReserve(const EthClient& client, const Address& broker,
                                      const Address& reserve_holder, const Address& claimant) {
  static const Function f = Fn("claimableReserve(address,address)", "uint256");
  return ReadUint(client, broker, f, {Value::Addr(reserve_holder), Value::Addr(claimant)});
}

absl::StatusOr<bool> UsedTickets(const EthClient& client, const Address& broker,
                                 std::string_view ticket_hash) {
  static const Function f = Fn("usedTickets(bytes32)", "bool");
  return ReadBool(client, broker, f, {Value::Bytes(std::string(ticket_hash))});
}

absl::StatusOr<std::string> RedeemWinningTicketCalldata(const Ticket& t, std::string_view sig,
                                                        const U256& recipient_rand) {
  static const Function f =
      Fn("redeemWinningTicket((address,address,uint256,uint256,uint256,bytes32,bytes),bytes,"
         "uint256)");
  Value ticket =
      Value::Of({Value::Addr(t.recipient), Value::Addr(t.sender), Value::Uint(t.face_value),
                 Value::Uint(t.win_prob), Value::Uint(t.sender_nonce),
                 Value::Bytes(t.recipient_rand_hash), Value::Bytes(t.aux_data)});
  return f.EncodeCall({ticket, Value::Bytes(std::string(sig)), Value::Uint(recipient_rand)});
}

// Parsed once; the signatures are those of Livepeer's TicketBroker (doc/pm.md 4.2).
const std::vector<abi::Event>& SenderEvents() {
  static const std::vector<abi::Event> events = [] {
    std::vector<abi::Event> out;
    for (std::string_view signature :
         {"DepositFunded(address indexed sender, uint256 amount)",
          "ReserveFunded(address indexed reserveHolder, uint256 amount)",
          "ReserveClaimed(address indexed reserveHolder, address claimant, uint256 amount)",
          "WinningTicketTransfer(address indexed sender, address indexed recipient, "
          "uint256 amount)",
          "Unlock(address indexed sender, uint256 startRound, uint256 endRound)",
          "UnlockCancelled(address indexed sender)",
          "Withdrawal(address indexed sender, uint256 deposit, uint256 reserve)"})
      out.push_back(abi::Event::Parse(signature).value());
    return out;
  }();
  return events;
}

const std::vector<std::string>& SenderEventTopics() {
  static const std::vector<std::string> topics = [] {
    std::vector<std::string> out;
    for (const auto& e : SenderEvents()) out.push_back(e.Topic0());
    return out;
  }();
  return topics;
}

absl::StatusOr<SenderEvent> DecodeSenderEvent(const Log& log) {
  if (log.topics.empty()) return absl::InvalidArgumentError("log without topics");
  for (const auto& event : SenderEvents()) {
    if (event.Topic0() != log.topics[0]) continue;
    auto values = event.DecodeLog(log.topics, log.data);
    if (!values.ok()) return values.status();  // the message names the event
    return SenderEvent{event.name(), (*values)[0].address()};
  }
  return absl::InvalidArgumentError("not a TicketBroker sender event");
}

absl::StatusOr<TranscoderInfo> GetTranscoder(const EthClient& client, const Address& bm,
                                             const Address& transcoder) {
  static const Function f =
      Fn("getTranscoder(address)",
         "uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256");
  auto v = Read(client, bm, f, {Value::Addr(transcoder)});
  if (!v.ok()) return v.status();
  const auto& w = *v;
  return TranscoderInfo{w[0].uint(), w[1].uint(), w[2].uint(), w[3].uint(), w[4].uint(),
                        w[5].uint(), w[6].uint(), w[7].uint(), w[8].uint(), w[9].uint()};
}

absl::StatusOr<bool> IsActiveTranscoder(const EthClient& client, const Address& bm,
                                        const Address& transcoder) {
  static const Function f = Fn("isActiveTranscoder(address)", "bool");
  return ReadBool(client, bm, f, {Value::Addr(transcoder)});
}

absl::StatusOr<U256> PendingFees(const EthClient& client, const Address& bm,
                                 const Address& delegator, const U256& end_round) {
  static const Function f = Fn("pendingFees(address,uint256)", "uint256");
  return ReadUint(client, bm, f, {Value::Addr(delegator), Value::Uint(end_round)});
}

std::string RewardCalldata() {
  static const Function f = Fn("reward()");
  return NoArgs(f);
}

absl::StatusOr<std::string> TranscoderCalldata(const U256& reward_cut, const U256& fee_share) {
  static const Function f = Fn("transcoder(uint256,uint256)");
  return f.EncodeCall({Value::Uint(reward_cut), Value::Uint(fee_share)});
}

absl::StatusOr<std::string> BondCalldata(const U256& amount, const Address& to) {
  static const Function f = Fn("bond(uint256,address)");
  return f.EncodeCall({Value::Uint(amount), Value::Addr(to)});
}

absl::StatusOr<std::string> WithdrawFeesCalldata(const Address& recipient, const U256& amount) {
  static const Function f = Fn("withdrawFees(address,uint256)");
  return f.EncodeCall({Value::Addr(recipient), Value::Uint(amount)});
}

absl::StatusOr<std::string> GetServiceURI(const EthClient& client, const Address& registry,
                                          const Address& addr) {
  static const Function f = Fn("getServiceURI(address)", "string");
  auto v = Read(client, registry, f, {Value::Addr(addr)});
  if (!v.ok()) return v.status();
  return (*v)[0].bytes();
}

absl::StatusOr<std::string> SetServiceURICalldata(std::string_view uri) {
  static const Function f = Fn("setServiceURI(string)");
  return f.EncodeCall({Value::Bytes(std::string(uri))});
}

}  // namespace baton::eth::contracts

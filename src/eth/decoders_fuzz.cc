// libFuzzer target for src/eth's parsers of untrusted bytes: RLP (whatever decodes re-encodes
// to the same bytes), raw transactions and their sender, ABI return data and logs for a few
// fixed type lists (nested dynamic ones included), revert data, keystore JSON and JSON-RPC
// quantities. Built only by fuzz/ (never linked into baton).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "eth/abi_function.h"
#include "eth/eth_client.h"
#include "eth/keystore.h"
#include "eth/rlp.h"
#include "eth/transaction.h"

namespace baton::eth {
namespace {

const std::vector<std::vector<abi::Type>>& FuzzTypeLists() {
  static const auto* lists = new std::vector<std::vector<abi::Type>>{
      abi::ParseTypes("uint256,address,bool,bytes32").value(),
      abi::ParseTypes("string,bytes,uint8[],int16").value(),
      abi::ParseTypes("(address,address,uint256,uint256,uint256,bytes32,bytes),bytes,uint256")
          .value(),
      abi::ParseTypes("(uint256,string)[],bytes[2][]").value(),
  };
  return *lists;
}

void FuzzEthDecoders(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto item = rlp::Decode(in); item.ok()) {
    // Whatever decodes must re-encode to the same canonical bytes.
    if (rlp::Encode(*item) != in) __builtin_trap();
  }
  if (auto tx = SignedTransaction::Decode(in); tx.ok()) (void)tx->Sender();
  for (const auto& types : FuzzTypeLists()) (void)abi::Decode(types, in);
  (void)abi::DecodeRevertReason(in);
  static const abi::Event event =
      abi::Event::Parse("E(address indexed a, string indexed s, uint256 v, bytes b)").value();
  if (size >= 96) {
    std::vector<std::string> topics = {event.Topic0(), std::string(in.substr(0, 32)),
                                       std::string(in.substr(32, 32))};
    (void)event.DecodeLog(topics, in.substr(64));
  }
  if (size < 4096) {
    (void)KeyFileAddress(in);
    (void)ParseQuantity(nlohmann::json(std::string(in)));
  }
}

}  // namespace
}  // namespace baton::eth

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  baton::eth::FuzzEthDecoders(data, size);
  return 0;
}

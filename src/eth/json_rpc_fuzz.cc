// libFuzzer target: a JSON-RPC response body as an Ethereum node (or anything at the RPC URL)
// may send it, through the response decoding every call uses (result, node errors, revert data
// and reasons) and then the decoders EthClient applies to results: quantities, data, blocks,
// receipts and logs. Built only by fuzz/ (never linked into baton).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "eth/eth_client.h"
#include "eth/json_rpc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace baton::eth;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  bool retryable = false;
  absl::StatusOr<nlohmann::json> result = DecodeJsonRpcResponse("eth_call", body, &retryable);
  if (!result.ok()) {
    (void)RevertData(result.status());
    return 0;
  }
  (void)ParseQuantity(*result);
  (void)DecodeBlockHeader(*result);
  (void)DecodeReceipt(*result);
  (void)DecodeLogs(*result);
  return 0;
}

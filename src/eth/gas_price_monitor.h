// GasPriceMonitor: polls eth_gasPrice every -blockPollingInterval and serves the node's view of
// the gas price, with go-livepeer's -minGasPrice / -maxGasPrice semantics (doc/pm.md 6,
// doc/ops.md 5): the price is max(polled, minGasPrice); when it exceeds a non-zero maxGasPrice,
// SuggestGasPrice() fails and transactions are refused, while GasPrice() still answers (ticket
// parameters use it and ignore the cap).
//
// Thread-safety: all methods may be called from any thread. Start() runs one poll inline and
// then a background thread until Stop() or destruction.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/status/statusor.h"
#include "crypto/uint256.h"
#include "eth/eth_client.h"

namespace baton::eth {

struct GasPriceOptions {
  crypto::U256 min_gas_price = 0;
  crypto::U256 max_gas_price = 0;  // 0 = no maximum
  std::chrono::milliseconds interval{5000};
};

class GasPriceMonitor {
 public:
  GasPriceMonitor(std::shared_ptr<const EthClient> client, GasPriceOptions options);
  ~GasPriceMonitor();
  GasPriceMonitor(const GasPriceMonitor&) = delete;
  GasPriceMonitor& operator=(const GasPriceMonitor&) = delete;

  // Polls once (an error here is returned: the node is unreachable), then keeps polling in the
  // background, logging failures and keeping the last good price.
  absl::Status Start();
  void Stop();
  // One poll now.
  absl::Status Poll();

  // max(last polled, min); min until the first successful poll.
  crypto::U256 GasPrice() const;
  // GasPrice(), or an error when it exceeds the maximum.
  absl::StatusOr<crypto::U256> SuggestGasPrice() const;
  std::optional<crypto::U256> MaxGasPrice() const;
  crypto::U256 MinGasPrice() const;
  void SetMaxGasPrice(const crypto::U256& max);  // 0 = none (the CLI can change it)
  void SetMinGasPrice(const crypto::U256& min);

 private:
  void Run();

  std::shared_ptr<const EthClient> client_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  crypto::U256 min_;     // guarded by mu_
  crypto::U256 max_;     // guarded by mu_
  crypto::U256 polled_;  // guarded by mu_
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace baton::eth

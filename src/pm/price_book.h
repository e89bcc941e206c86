// PriceBook: what the orchestrator charges, in wei per pixel (doc/pm.md section 3): the default
// price (-pricePerUnit / -pixelsPerUnit), per-gateway overrides (-pricePerGateway), and the
// advertised price with -autoAdjustPrice (base × (1 + 1/txCostMultiplier), truncated to
// 1/1000 wei per pixel). A session's fixed price lives in Balances and takes precedence.
//
// Prices are exact rationals. Only wei and ETH prices are supported here; other currencies
// need the Chainlink price feed and are rejected with a clear error until that exists.
// The operator port changes the default and per-gateway prices at run time (go-livepeer's
// /setOrchestratorConfig, /setPriceForBroadcaster); every method is thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "crypto/address.h"
#include "lp_rpc.pb.h"
#include "pm/balances.h"
#include "pm/rational.h"

namespace baton::pm {

// "<decimal><currency>" as -pricePerUnit takes it ("1000", "0.5", "2e" is invalid, "1ETH",
// "3wei"), converted to wei. An empty currency means wei.
absl::StatusOr<Rat> ParsePriceInWei(std::string_view price_per_unit);

// pricePerUnit / pixelsPerUnit in wei per pixel, as go-livepeer's CLI takes them (price ≥ 0,
// pixels a decimal > 0, currency "" / wei / ETH, any case); errors say which value is wrong.
absl::StatusOr<Rat> PricePerPixel(std::string_view price_per_unit, std::string_view pixels_per_unit,
                                  std::string_view currency);

// Truncates to a multiple of 1/1000 (go-livepeer PriceToFixed + FixedToPrice).
Rat TruncateToMilliWei(const Rat& price);

// A price as it goes on the wire: PriceInfo{num, den} of the reduced fraction. Fails if either
// part does not fit in an int64.
absl::StatusOr<net::PriceInfo> ToPriceInfo(const Rat& price);

class PriceBook {
 public:
  struct Options {
    std::string price_per_unit = "0";    // -pricePerUnit
    std::string pixels_per_unit = "1";   // -pixelsPerUnit (integer > 0)
    std::string price_per_gateway_json;  // -pricePerGateway content (the caller reads a path)
    bool auto_adjust_price = true;       // -autoAdjustPrice
  };

  static absl::StatusOr<PriceBook> Create(const Options& options);

  // The gateway's override if it has one, else the default.
  Rat BasePrice(const crypto::Address& sender) const;
  Rat default_price() const;
  // Replaces the default price (nullopt) or one gateway's.
  void SetBasePrice(const std::optional<crypto::Address>& gateway, const Rat& price);
  // "default" and each gateway's checksummed address → its base price.
  std::map<std::string, Rat> Prices() const;
  bool auto_adjust() const { return auto_adjust_; }

  // The price to quote `sender` for `manifest` ("" outside a session): the session's fixed
  // price if pinned; else the base price, auto-adjusted with `tx_cost_multiplier` (0 means no
  // overhead) and truncated to 1/1000 wei when -autoAdjustPrice is on.
  Rat Quote(const crypto::Address& sender, std::string_view manifest, Balances& balances,
            const Rat& tx_cost_multiplier) const;
  // The auto-adjust step alone.
  Rat Adjusted(const Rat& base, const Rat& tx_cost_multiplier) const;

 private:
  std::shared_ptr<std::mutex> mu_ = std::make_shared<std::mutex>();  // shared_ptr: movable
  Rat default_price_;                                                // guarded by *mu_
  std::map<crypto::Address, Rat> per_gateway_;                       // guarded by *mu_
  bool auto_adjust_ = true;
};

}  // namespace baton::pm

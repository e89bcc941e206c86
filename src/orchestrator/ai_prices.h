// AiPrices: what each AI model costs (doc/ai.md 2.3 and 5), the AI part of the node's payment
// terms: a price in wei per billable unit per (capability, model), with optional per-gateway
// prices (the `gateway` key of -aiModels) that win over the default one.
//
// GetOrchestrator quotes a gateway asking for AI models the sum of their prices (and issues
// ticket parameters at it); discovery without capabilities lists every model's price in
// capabilities_prices; the AI routes charge units × the price pinned by the first payment of
// the "<capability>_<model>" balance. A model served here without a price of its own (a remote
// AI worker's, or an -aiModels entry without price_per_unit) costs the node's transcode price,
// as in go-livepeer, never nothing. Immutable once the fallback is set; thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "lp_rpc.pb.h"
#include "pm/rational.h"

namespace baton::orchestrator {

class AiPrices {
 public:
  struct Entry {
    int capability = 0;
    std::string model_id;
    std::string gateway;  // "" for the default price, else the gateway's 20-byte address
    pm::Rat price = 0;    // wei per unit
  };
  AiPrices() = default;
  explicit AiPrices(const std::vector<Entry>& entries);

  // The price `sender` (20 bytes) pays for `model_id` of `capability`; nullopt if unpriced.
  std::optional<pm::Rat> Price(const std::string& sender, int capability,
                               const std::string& model_id) const;
  // The node's transcode price for a sender: what an unpriced model costs. Set once, before
  // the prices are shared; without it an unpriced model costs 0.
  void SetTranscodePrice(std::function<pm::Rat(const std::string& sender)> price) {
    transcode_price_ = std::move(price);
  }
  // Price(), or the transcode price for a model without one.
  pm::Rat PriceOrTranscode(const std::string& sender, int capability,
                           const std::string& model_id) const;
  // The transcode price alone (0 without SetTranscodePrice).
  pm::Rat TranscodePrice(const std::string& sender) const {
    return transcode_price_ ? transcode_price_(sender) : pm::Rat(0);
  }
  // The sum of the prices of the (capability, model) pairs `requested` constrains; nullopt
  // when it names none of ours.
  std::optional<net::PriceInfo> PriceFor(const std::string& sender,
                                         const net::Capabilities& requested) const;
  // One PriceInfo{price, capability, constraint = model} per model, for capabilities_prices.
  std::vector<net::PriceInfo> All(const std::string& sender) const;
  bool empty() const { return prices_.empty(); }

 private:
  // (capability, model, gateway) → price.
  std::map<std::tuple<int, std::string, std::string>, pm::Rat> prices_;
  std::function<pm::Rat(const std::string& sender)> transcode_price_;
};

}  // namespace baton::orchestrator

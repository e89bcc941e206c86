// AiPrices: what each AI model costs (doc/ai.md 2.3 and 5), the AI part of the node's payment
// terms: a price in wei per billable unit per (capability, model), with optional per-gateway
// prices (the `gateway` key of -aiModels) that win over the default one.
//
// GetOrchestrator quotes a gateway asking for AI models the sum of their prices (and issues
// ticket parameters at it); discovery without capabilities lists every model's price in
// capabilities_prices; the AI routes charge units × the price pinned by the first payment of
// the "<capability>_<model>" balance. Immutable after construction; thread-safe.
#pragma once

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
};

}  // namespace baton::orchestrator

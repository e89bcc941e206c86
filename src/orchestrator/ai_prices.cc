#include "orchestrator/ai_prices.h"

#include "pm/price_book.h"

namespace baton::orchestrator {

AiPrices::AiPrices(const std::vector<Entry>& entries) {
  for (const Entry& e : entries) prices_[{e.capability, e.model_id, e.gateway}] = e.price;
}

std::optional<pm::Rat> AiPrices::Price(const std::string& sender, int capability,
                                       const std::string& model_id) const {
  if (auto it = prices_.find({capability, model_id, sender}); it != prices_.end())
    return it->second;
  if (auto it = prices_.find({capability, model_id, ""}); it != prices_.end()) return it->second;
  return std::nullopt;
}

std::optional<net::PriceInfo> AiPrices::PriceFor(const std::string& sender,
                                                 const net::Capabilities& requested) const {
  pm::Rat sum = 0;
  bool any = false;
  for (const auto& [cap, per_cap] : requested.constraints().percapability()) {
    for (const auto& [model, constraint] : per_cap.models()) {
      auto price = Price(sender, static_cast<int>(cap), model);
      if (!price) continue;
      sum += *price;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  auto info = pm::ToPriceInfo(sum);
  if (!info.ok()) return std::nullopt;
  return *info;
}

pm::Rat AiPrices::PriceOrTranscode(const std::string& sender, int capability,
                                   const std::string& model_id) const {
  if (auto price = Price(sender, capability, model_id)) return *price;
  return TranscodePrice(sender);
}

std::vector<net::PriceInfo> AiPrices::All(const std::string& sender) const {
  std::vector<net::PriceInfo> out;
  for (const auto& [key, price] : prices_) {
    const auto& [cap, model, gateway] = key;
    if (!gateway.empty()) continue;
    auto info = pm::ToPriceInfo(Price(sender, cap, model).value_or(price));
    if (!info.ok()) continue;
    info->set_capability(static_cast<uint32_t>(cap));
    info->set_constraint(model);
    out.push_back(*std::move(info));
  }
  return out;
}

}  // namespace baton::orchestrator

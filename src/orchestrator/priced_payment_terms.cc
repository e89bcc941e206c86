#include "orchestrator/priced_payment_terms.h"

#include "orchestrator/orchestrator_metrics.h"

namespace baton::orchestrator {

absl::StatusOr<net::PriceInfo> PricedPaymentTerms::Price(const std::string& sender,
                                                         const std::string& manifest) {
  auto address = crypto::Address::FromBytesGoStyle(sender);
  pm::Rat multiplier = 0;
  if (recipient_ != nullptr) {
    auto m = recipient_->TxCostMultiplier(address);
    if (m.ok()) multiplier = *m;  // unknown gas: quote without overhead
  }
  return pm::ToPriceInfo(prices_.Quote(address, manifest, balances_, multiplier));
}

absl::StatusOr<std::optional<net::TicketParams>> PricedPaymentTerms::TicketParams(
    const std::string& sender, const net::PriceInfo& price) {
  if (recipient_ == nullptr) return std::optional<net::TicketParams>();
  if (price.pixelsperunit() == 0) return absl::InvalidArgumentError("price has zero pixelsPerUnit");
  pm::Rat rat(price.priceperunit());
  rat /= pm::Rat(price.pixelsperunit());
  const crypto::Address address = crypto::Address::FromBytesGoStyle(sender);
  auto params = recipient_->TicketParams(address, rat);
  if (!params.ok()) return params.status();
  if (metrics_ != nullptr) {
    const Labels labels{{"sender", address.ChecksumHex()}};
    metrics_->Set("livepeer_gateway_ticket_face_value",
                  Gwei(static_cast<double>(crypto::U256FromBigEndian(params->face_value()))),
                  labels);
    if (facts_ != nullptr) {
      if (auto max_float = facts_->MaxFloat(address); max_float.ok())
        metrics_->Set("livepeer_gateway_max_float", Gwei(static_cast<double>(*max_float)), labels);
    }
  }
  return std::optional(*params);
}

}  // namespace baton::orchestrator

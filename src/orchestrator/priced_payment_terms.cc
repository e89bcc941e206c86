#include "orchestrator/priced_payment_terms.h"

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
  auto params = recipient_->TicketParams(crypto::Address::FromBytesGoStyle(sender), rat);
  if (!params.ok()) return params.status();
  return std::optional(*params);
}

}  // namespace baton::orchestrator

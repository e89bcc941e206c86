#include "pm/payment_admission.h"

#include "pm/payment_decoder.h"

namespace baton::pm {
namespace {

PaymentDecision Refuse(PaymentDecision decision, int status, std::string text) {
  decision.http_status = status;
  decision.error = std::move(text);
  return decision;
}

}  // namespace

Rat SessionPrice(Balances& balances, const crypto::Address& sender, std::string_view manifest,
                 const Rat& quoted) {
  return balances.FixedPrice(sender, manifest).value_or(quoted);
}

PaymentDecision AdmitPayment(Recipient& recipient, Balances& balances, const net::Payment& payment,
                             std::string_view manifest, const Rat& quoted) {
  PaymentDecision decision;
  const crypto::Address sender = crypto::Address::FromBytesGoStyle(payment.sender());
  decision.payment = recipient.ProcessPayment(payment, manifest, quoted);
  const absl::Status& status = decision.payment.status;
  if (absl::IsUnavailable(status)) {
    return Refuse(std::move(decision), 503, std::string(status.message()));
  }
  if (!status.ok()) return Refuse(std::move(decision), 400, std::string(status.message()));
  decision.price = SessionPrice(balances, sender, manifest, quoted);
  return decision;
}

PaymentDecision AdmitWork(Recipient& recipient, Balances& balances, const net::Payment& payment,
                          std::string_view manifest, const Rat& quoted) {
  PaymentDecision decision = AdmitPayment(recipient, balances, payment, manifest, quoted);
  if (!decision.ok()) return decision;
  // go-livepeer checks only when the gateway's claimed price is above zero, so a claim of 0
  // got free work; the session's own price decides here.
  const crypto::Address sender = crypto::Address::FromBytesGoStyle(payment.sender());
  if (decision.price > 0 &&
      !balances.SufficientBalance(sender, manifest, recipient.ticket_ev_rat())) {
    return Refuse(std::move(decision), 400, "Insufficient balance");
  }
  return decision;
}

void DebitWork(Balances& balances, const crypto::Address& sender, std::string_view manifest,
               const Rat& price, uint64_t units) {
  if (price == 0) return;
  balances.DebitFees(sender, manifest, price, units);
}

}  // namespace baton::pm

#include "orchestrator/admission.h"

#include <spdlog/spdlog.h>

#include <any>
#include <memory>

#include "orchestrator/orchestrator_metrics.h"
#include "pm/payment_admission.h"
#include "pm/payment_decoder.h"

namespace baton::orchestrator {
namespace {

std::string Header(const http::HttpRequest& r, const char* name) {
  return r.headers.Get(name).value_or("");
}

// Debian's Abseil has its own string_view type.
std::string Text(absl::string_view s) { return std::string(s); }

}  // namespace

std::optional<http::Rejection> Admission::ReadCredentials(const http::HttpRequest& req,
                                                          Credentials& out,
                                                          bool session_capacity) const {
  // 1. Payment header (an empty header is an empty payment from the zero address).
  auto payment = pm::ParsePaymentHeader(Header(req, "Livepeer-Payment"));
  if (!payment.ok()) return http::Rejection{402, Text(payment.status().message()), {}};
  out.payment = *std::move(payment);
  out.sender = crypto::Address::FromBytesGoStyle(out.payment.sender()).bytes();
  // 2. Segment credentials.
  auto seg = DecodeSegData(Header(req, "Livepeer-Segment"));
  if (!seg.ok()) return http::Rejection{403, Text(seg.status().message()), {}};
  out.segment = *std::move(seg);
  CredentialCheckers checkers = deps_.orchestrator->Checkers();
  if (!session_capacity) checkers.sessions = nullptr;
  if (auto s = VerifySegmentCredentials(out.segment, out.sender, checkers); !s.ok())
    return http::Rejection{403, Text(s.message()), {}};
  return std::nullopt;
}

std::optional<http::Rejection> Admission::CheckHeaders(http::HttpRequest& head,
                                                       bool session_capacity) const {
  Credentials credentials;
  if (auto rejection = ReadCredentials(head, credentials, session_capacity)) return rejection;
  head.head_state = std::move(credentials);
  return std::nullopt;
}

std::optional<http::Rejection> Admission::TakeCredentials(http::HttpRequest& req, Credentials& out,
                                                          bool session_capacity) const {
  if (auto* vetted = std::any_cast<Credentials>(&req.head_state)) {
    out = std::move(*vetted);
    return std::nullopt;
  }
  return ReadCredentials(req, out, session_capacity);
}

std::optional<http::Rejection> Admission::Pay(const Credentials& c, const pm::Rat& quoted,
                                              const std::string& credit_to, bool work,
                                              pm::Rat& price) {
  if (deps_.recipient == nullptr) return std::nullopt;  // offchain: accept, charge nothing
  pm::PaymentDecision decision =
      work ? pm::AdmitWork(*deps_.recipient, *deps_.balances, c.payment, credit_to, quoted)
           : pm::AdmitPayment(*deps_.recipient, *deps_.balances, c.payment, credit_to, quoted);
  const pm::PaymentOutcome& outcome = decision.payment;
  if (deps_.metrics != nullptr) {
    deps_.metrics->Add("livepeer_tickets_recv", c.payment.ticket_sender_params_size());
    deps_.metrics->Add("livepeer_winning_tickets_recv", outcome.winners);
    deps_.metrics->Add("livepeer_ticket_value_recv", static_cast<double>(outcome.credited) / 1e9);
    if (outcome.ticketless && decision.ok())
      deps_.metrics->Add("livepeer_ticketless_payments_recv", 1);
    if (!outcome.status.ok())
      deps_.metrics->Add("livepeer_payment_recv_errors", 1,
                         {{"error_code", PaymentErrorCode(outcome.status)}});
  }
  if (!outcome.sink_status.ok())
    spdlog::error("winning ticket not stored, payment refused: {}",
                  std::string(outcome.sink_status.message()));
  if (!decision.ok()) return http::Rejection{decision.http_status, decision.error, {}};
  price = decision.price;
  return std::nullopt;
}

void Admission::Debit(const Admitted& admitted, int64_t pixels) {
  const Credentials& c = admitted.credentials;
  if (deps_.recipient == nullptr) return;
  pm::DebitWork(*deps_.balances, crypto::Address::FromBytesGoStyle(c.sender),
                admitted.balance_key.empty() ? c.session() : admitted.balance_key, admitted.price,
                static_cast<uint64_t>(pixels));
}

Admission::Decision Admission::Finish(Admitted admitted, const Policy& policy) {
  const Credentials& c = admitted.credentials;
  // 4. Payment.
  const std::string& credit_to = !policy.balance_key.empty() ? policy.balance_key
                                 : policy.credit_manifest    ? c.segment.manifest_id()
                                                             : c.session();
  admitted.balance_key = credit_to;
  // Our own quote; a malformed one would be a bug, and charging as a priced node is the safe
  // reading.
  const pm::Rat quoted =
      policy.quoted.value_or(pm::PriceInfoToRat(admitted.info.price_info()).value_or(pm::Rat(1)));
  if (auto rejection = Pay(c, quoted, credit_to, policy.work, admitted.price))
    return {{}, rejection};
  // This payment pinned a price other than the one just quoted (its tickets' params were
  // issued before a price change): the refreshed info must quote the session's price, which
  // the gateway's payments without tickets then name.
  if (deps_.recipient != nullptr && policy.work && !policy.quoted &&
      pm::PriceInfoToRat(admitted.info.price_info()).value_or(pm::Rat(-1)) != admitted.price) {
    if (auto fresh = deps_.orchestrator->Info(c.sender, c.session()); fresh.ok()) {
      *fresh->mutable_auth_token() = c.segment.seg_data.auth_token();
      admitted.info = *std::move(fresh);
    }
  }
  // 5. The request's own body checks.
  if (policy.check_body)
    if (auto rejection = policy.check_body()) return {{}, rejection};
  // 6. Capacity: the session takes a slot on its first job.
  if (policy.work && policy.session_slot)
    if (auto acquired = deps_.orchestrator->sessions().Acquire(
            c.session(), std::chrono::milliseconds(c.segment.duration_ms));
        !acquired.ok())
      return {{}, http::Rejection{403, Text(acquired.status().message()), {}}};
  return {std::move(admitted), std::nullopt};
}

void Admission::Admit(Credentials credentials, Policy policy, Done done) {
  // 3. Refreshed info for this session, keeping the gateway's own token.
  const std::string session = credentials.session();
  auto info = deps_.orchestrator->Info(credentials.sender, session);
  if (!info.ok()) {
    spdlog::error("job info for session {}: {}", session, std::string(info.status().message()));
    return done({{}, http::Rejection{500, "Internal Server Error", {}}});
  }
  Admitted admitted{std::move(credentials), *std::move(info), 0, ""};
  *admitted.info.mutable_auth_token() = admitted.credentials.segment.seg_data.auth_token();
  if (deps_.executor == nullptr) return done(Finish(std::move(admitted), policy));
  // std::function needs a copyable task: the state travels in a shared_ptr.
  auto state = std::make_shared<std::tuple<Admitted, Policy, Done>>(
      std::move(admitted), std::move(policy), std::move(done));
  auto queued = deps_.executor->Submit(
      [this, state] {
        auto& [a, p, d] = *state;
        d(Finish(std::move(a), p));
      },
      session);
  if (!queued.ok()) {
    spdlog::warn("job of session {} refused: {}", session, std::string(queued.message()));
    std::get<2> (*state)({{}, http::Rejection{503, "OrchestratorBusy", {}}});
  }
}

}  // namespace baton::orchestrator

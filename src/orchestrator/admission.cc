#include "orchestrator/admission.h"

#include <spdlog/spdlog.h>

#include <any>
#include <memory>

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
                                                          Credentials& out) const {
  // 1. Payment header (an empty header is an empty payment from the zero address).
  auto payment = pm::ParsePaymentHeader(Header(req, "Livepeer-Payment"));
  if (!payment.ok()) return http::Rejection{402, Text(payment.status().message()), {}};
  out.payment = *std::move(payment);
  out.sender = crypto::Address::FromBytesGoStyle(out.payment.sender()).bytes();
  // 2. Segment credentials.
  auto seg = DecodeSegData(Header(req, "Livepeer-Segment"));
  if (!seg.ok()) return http::Rejection{403, Text(seg.status().message()), {}};
  out.segment = *std::move(seg);
  if (auto s = VerifySegmentCredentials(out.segment, out.sender, deps_.orchestrator->Checkers());
      !s.ok())
    return http::Rejection{403, Text(s.message()), {}};
  return std::nullopt;
}

std::optional<http::Rejection> Admission::CheckHeaders(http::HttpRequest& head) const {
  Credentials credentials;
  if (auto rejection = ReadCredentials(head, credentials)) return rejection;
  head.head_state = std::move(credentials);
  return std::nullopt;
}

std::optional<http::Rejection> Admission::TakeCredentials(http::HttpRequest& req,
                                                          Credentials& out) const {
  if (auto* vetted = std::any_cast<Credentials>(&req.head_state)) {
    out = std::move(*vetted);
    return std::nullopt;
  }
  return ReadCredentials(req, out);
}

std::optional<http::Rejection> Admission::Pay(const Credentials& c,
                                              const net::OrchestratorInfo& info,
                                              const std::string& credit_to, bool work) {
  if (deps_.recipient == nullptr) return std::nullopt;  // offchain: accept
  // go-livepeer treats a payment without tickets as "price 0" and works for free even when
  // it quotes a price; Baton refuses work it was not offered a way to be paid for.
  if (work && !c.payment.has_ticket_params() && info.price_info().priceperunit() > 0)
    return http::Rejection{400, "Insufficient balance", {}};
  pm::PaymentOutcome outcome = deps_.recipient->ProcessPayment(c.payment, credit_to);
  if (deps_.metrics != nullptr) {
    deps_.metrics->Add("livepeer_tickets_recv", c.payment.ticket_sender_params_size());
    deps_.metrics->Add("livepeer_winning_tickets_recv", outcome.winners);
    deps_.metrics->Add("livepeer_ticket_value_recv", static_cast<double>(outcome.credited) / 1e9);
    if (!outcome.status.ok())
      deps_.metrics->Add("livepeer_payment_recv_errors", 1, {{"error_code", "PaymentError"}});
  }
  if (!outcome.sink_status.ok())
    spdlog::error("winning ticket not stored: {}", std::string(outcome.sink_status.message()));
  if (!outcome.status.ok()) return http::Rejection{400, Text(outcome.status.message()), {}};
  // Balance, only when the gateway pays a non-zero price.
  if (work && c.payment.expected_price().priceperunit() > 0 &&
      !deps_.balances->SufficientBalance(crypto::Address::FromBytesGoStyle(c.sender), credit_to,
                                         deps_.recipient->ticket_ev_rat()))
    return http::Rejection{400, "Insufficient balance", {}};
  return std::nullopt;
}

void Admission::Debit(const Admitted& admitted, int64_t pixels) {
  const Credentials& c = admitted.credentials;
  if (deps_.recipient == nullptr || !c.payment.has_expected_price()) return;
  auto price = pm::PriceInfoToRat(c.payment.expected_price());
  if (price.ok())
    deps_.balances->DebitFees(crypto::Address::FromBytesGoStyle(c.sender), c.session(), *price,
                              static_cast<uint64_t>(pixels));
}

Admission::Decision Admission::Finish(Admitted admitted, const Policy& policy) {
  const Credentials& c = admitted.credentials;
  // 4. Payment.
  const std::string& credit_to = policy.credit_manifest ? c.segment.manifest_id() : c.session();
  if (auto rejection = Pay(c, admitted.info, credit_to, policy.work)) return {{}, rejection};
  // 5. The request's own body checks.
  if (policy.check_body)
    if (auto rejection = policy.check_body()) return {{}, rejection};
  // 6. Capacity: the session takes a slot on its first job.
  if (policy.work)
    if (auto acquired = deps_.orchestrator->sessions().Acquire(c.session()); !acquired.ok())
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
  Admitted admitted{std::move(credentials), *std::move(info)};
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

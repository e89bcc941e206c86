#include "operator/ticket_handlers.h"

#include "absl/strings/numbers.h"
#include "common/hex.h"
#include "redeem/redeemer.h"

namespace baton::ops {
namespace {

constexpr size_t kDefaultLimit = 500;
constexpr size_t kMaxLimit = 10000;

HandlerResponse Error(int status, const std::string& message) {
  // Error texts and ledger rows carry request and gateway bytes: invalid UTF-8 is replaced,
  // never thrown.
  return {status, nlohmann::json{{"error", message}}.dump(
                      -1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

std::string Decimal(const crypto::U256& v) { return crypto::U256ToDecimal(v); }

nlohmann::json CountsJson(const ledger::LedgerCounts& c) {
  return {{"queued", c.queued}, {"submitted", c.submitted}, {"redeemed", c.redeemed},
          {"failed", c.failed}, {"expired", c.expired},     {"total", c.total()}};
}

nlohmann::json ValuesJson(const ledger::LedgerValues& v) {
  return {{"queued", Decimal(v.queued)},
          {"submitted", Decimal(v.submitted)},
          {"redeemed", Decimal(v.redeemed)},
          {"failed", Decimal(v.failed)},
          {"expired", Decimal(v.expired)}};
}

bool ParseCount(const std::string& text, size_t* out) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  uint64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) return false;
  *out = static_cast<size_t>(value);
  return true;
}

}  // namespace

nlohmann::json EntryJson(const ledger::LedgerEntry& e) {
  const pm::Ticket& t = e.ticket.ticket;
  return {{"id", e.id},
          {"state", ledger::StateName(e.state)},
          {"sender", t.sender.ChecksumHex()},
          {"recipient", t.recipient.ChecksumHex()},
          {"faceValue", Decimal(t.face_value)},
          {"winProb", Decimal(t.win_prob)},
          {"senderNonce", t.sender_nonce},
          {"creationRound", t.expiration.creation_round},
          {"paramsExpirationBlock", Decimal(e.ticket.params_expiration_block)},
          {"ticketHash", HexEncode0x(t.Hash())},
          {"sig", HexEncode0x(e.ticket.sig)},
          {"txHash", e.tx_hash.empty() ? "" : HexEncode0x(e.tx_hash)},
          {"blockNumber", e.block_number},
          {"reason", e.last_error},
          {"attempts", e.attempts},
          {"createdAt", e.created_at},
          {"submittedAt", e.submitted_at},
          {"settledAt", e.settled_at},
          {"manifestID", e.ticket.manifest_id}};
}

HandlerResponse TicketsHandler(ledger::TicketLedger& ledger, const ParamLookup& param) {
  std::optional<ledger::TicketState> state;
  if (std::string s = param("state"); !s.empty()) {
    state = ledger::StateFromName(s);
    if (!state) return Error(400, "unknown state: " + s);
  }
  std::optional<crypto::Address> sender;
  if (std::string s = param("sender"); !s.empty()) {
    auto a = crypto::Address::FromHex(s);
    if (!a.ok()) return Error(400, "bad sender: " + std::string(a.status().message()));
    sender = *a;
  }
  size_t limit = kDefaultLimit;
  if (std::string s = param("limit"); !s.empty() && !ParseCount(s, &limit))
    return Error(400, "bad limit: " + s);
  limit = std::min(limit, kMaxLimit);

  auto counts = ledger.Counts();
  auto values = ledger.FaceValues();
  auto rows = ledger.List(state, sender, limit);
  for (const absl::Status& s : {counts.status(), values.status(), rows.status()})
    if (!s.ok()) return Error(500, std::string(s.message()));
  nlohmann::json tickets = nlohmann::json::array();
  for (const auto& e : *rows) tickets.push_back(EntryJson(e));
  return {200, nlohmann::json{{"counts", CountsJson(*counts)},
                              {"faceValues", ValuesJson(*values)},
                              {"tickets", std::move(tickets)}}
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

HandlerResponse RedeemTicketHandler(ledger::TicketLedger& ledger, redeem::Redeemer& redeemer,
                                    const ParamLookup& param) {
  int64_t id = 0;
  if (std::string s = param("id"); !s.empty()) {
    size_t n = 0;
    if (!ParseCount(s, &n)) return Error(400, "bad id: " + s);
    id = static_cast<int64_t>(n);
  } else if (std::string s = param("sig"); !s.empty()) {
    auto sig = HexDecode(s);
    if (!sig.ok() || sig->size() != 65) return Error(400, "bad sig: want 65 bytes of 0x-hex");
    auto e = ledger.GetBySig(*sig);
    if (!e.ok())
      return Error(e.status().code() == absl::StatusCode::kNotFound ? 404 : 500,
                   std::string(e.status().message()));
    id = e->id;
  } else {
    return Error(400, "missing form param: id or sig");
  }
  absl::Status s = redeemer.RedeemNow(id);
  if (!s.ok()) {
    int status = s.code() == absl::StatusCode::kNotFound             ? 404
                 : s.code() == absl::StatusCode::kFailedPrecondition ? 409
                                                                     : 500;
    return Error(status, std::string(s.message()));
  }
  auto e = ledger.Get(id);
  if (!e.ok()) return Error(500, std::string(e.status().message()));
  return {200, nlohmann::json{{"redeemed", EntryJson(*e)}}.dump(
                   -1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

}  // namespace baton::ops

#include "orchestrator/orchestrator_metrics.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace baton::orchestrator {

void DefineOrchestratorMetrics(Metrics& m, const std::string& version, int max_sessions) {
  // Capacity.
  m.DefineGauge("livepeer_max_sessions_total", "Max number of sessions");
  m.DefineGauge("livepeer_current_sessions_total", "Number of currently transcoded streams");
  m.DefineGauge("livepeer_versions", "Versions used by the node", NodeLabels::kTypeOnly);
  // Work.
  m.DefineCounter("livepeer_segment_transcoded_total", "Transcoded segments");
  m.DefineHistogram("livepeer_transcode_time_seconds", "Transcoding time",
                    {.25, .5, .75, 1, 1.25, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 10});
  m.DefineHistogram("livepeer_transcode_score",
                    "Ratio of source segment duration vs. transcode time",
                    {.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 10, 15, 20, 40});
  m.DefineCounter("livepeer_mil_pixels_processed", "Million pixels processed");
  // Payments in.
  m.DefineCounter("livepeer_ticket_value_recv", "Ticket value received (gwei)");
  m.DefineCounter("livepeer_tickets_recv", "Tickets received");
  m.DefineCounter("livepeer_winning_tickets_recv", "Winning tickets received");
  m.DefineCounter("livepeer_payment_recv_errors", "Errors when receiving payments");
  m.DefineCounter("livepeer_ticketless_payments_recv",
                  "Payments without tickets accepted (credit covered the work)");
  m.DefineGauge("livepeer_transcoding_price", "Transcoding price per pixel (wei)");
  m.DefineCounter("livepeer_value_redeemed", "Winning ticket value redeemed (gwei)");
  m.DefineCounter("livepeer_ticket_redemption_errors", "Errors redeeming winning tickets");
  m.DefineGauge("livepeer_gateway_ticket_face_value",
                "Face value of the tickets asked of a gateway (gwei), label sender");
  m.DefineGauge("livepeer_gateway_max_float",
                "Max float of a gateway: what its reserve and deposit cover (gwei), label sender");
  // Ethereum.
  m.DefineGauge("livepeer_suggested_gas_price",
                "Suggested gas price for winning ticket redemption (gwei)");
  m.DefineGauge("livepeer_min_gas_price",
                "Minimum gas price to use for gas price suggestions (gwei)");
  m.DefineGauge("livepeer_max_gas_price",
                "Maximum gas price to use for gas price suggestions (gwei)");
  m.DefineCounter("livepeer_reward_call_errors", "Errors when calling rewards");
  // Baton's own: the winning-ticket ledger (doc/ops.md 6, pain point 1) and redemption gas.
  m.DefineGauge("baton_ticket_ledger_tickets", "Winning tickets in the ledger, by state");
  m.DefineGauge("baton_ticket_ledger_face_value_gwei",
                "Face value of the ledger's winning tickets, by state (gwei)");
  m.DefineGauge("baton_ticket_face_value_waiting_gwei",
                "Face value of winning tickets not yet redeemed (queued or submitted; gwei)");
  m.DefineCounter("baton_redemption_gas_used_total",
                  "Gas used by the node's mined ticket redemption transactions");
  m.DefineCounter("baton_redemption_gas_cost_gwei_total",
                  "What the node's ticket redemption transactions cost in gas (gwei)");

  m.Set("livepeer_max_sessions_total", max_sessions);
  m.Set("livepeer_current_sessions_total", 0);
  m.Set("livepeer_versions", 1,
        {{"livepeerversion", version}, {"compiler", "gcc"}, {"goos", "linux"}, {"goversion", ""}});
  for (const char* counter :
       {"livepeer_winning_tickets_recv", "livepeer_value_redeemed", "livepeer_tickets_recv",
        "livepeer_ticket_value_recv", "livepeer_ticket_redemption_errors",
        "livepeer_mil_pixels_processed", "livepeer_ticketless_payments_recv"})
    m.Add(counter, 0);
}

std::string PaymentErrorCode(const absl::Status& status) {
  const std::string m = absl::AsciiStrToLower(status.message());
  if (absl::StrContains(m, "expected price")) return "InvalidPrice";
  if (absl::StrContains(m, "recipientrand")) return "InvalidRecipientRand";
  if (absl::StrContains(m, "face value") || absl::StrContains(m, "facevalue"))
    return "InvalidTicketFaceValue";
  if (absl::StrContains(m, "winprob") || absl::StrContains(m, "win prob"))
    return "InvalidTicketWinProb";
  return "PaymentError";
}

double Gwei(double wei) { return wei / 1e9; }

}  // namespace baton::orchestrator

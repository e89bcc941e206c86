#include "orchestrator/orchestrator_metrics.h"

namespace baton::orchestrator {

void DefineOrchestratorMetrics(Metrics& m, const std::string& version, int max_sessions) {
  m.DefineGauge("livepeer_max_sessions_total", "Max number of sessions");
  m.DefineGauge("livepeer_current_sessions_total", "Number of currently transcoded streams");
  m.DefineGauge("livepeer_versions", "Versions used by the node");
  m.DefineCounter("livepeer_segment_transcoded_total", "Transcoded segments");
  m.DefineHistogram("livepeer_transcode_time_seconds", "Transcoding time",
                    {.25, .5, .75, 1, 1.25, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 10});
  m.DefineHistogram("livepeer_transcode_score",
                    "Ratio of source segment duration vs. transcode time",
                    {.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 10, 15, 20, 40});
  m.DefineCounter("livepeer_mil_pixels_processed", "Million pixels processed");
  m.DefineCounter("livepeer_ticket_value_recv", "Ticket value received (gwei)");
  m.DefineCounter("livepeer_tickets_recv", "Tickets received");
  m.DefineCounter("livepeer_winning_tickets_recv", "Winning tickets received");
  m.DefineCounter("livepeer_payment_recv_errors", "Errors when receiving payments");
  m.DefineCounter("livepeer_ticketless_payments_recv",
                  "Payments without tickets accepted (credit covered the work)");
  m.DefineGauge("livepeer_transcoding_price", "Transcoding price per pixel (wei)");
  m.DefineCounter("livepeer_value_redeemed", "Winning ticket value redeemed (gwei)");
  m.DefineCounter("livepeer_ticket_redemption_errors", "Errors redeeming winning tickets");

  m.Set("livepeer_max_sessions_total", max_sessions);
  m.Set("livepeer_current_sessions_total", 0);
  m.Set("livepeer_versions", 1,
        {{"livepeerversion", version}, {"compiler", "gcc"}, {"goos", "linux"}, {"goversion", ""}});
}

}  // namespace baton::orchestrator

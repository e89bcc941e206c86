// The Prometheus series an orchestrator reports, with go-livepeer's names, types, labels and
// histogram buckets (doc/ops.md 4), plus Baton's own for the winning-ticket ledger and the gas
// its redemptions cost (prefix baton_, so they cannot be mistaken for go-livepeer's). Defined
// once at start on the node's Metrics; the parts that record them (admission, the segment
// handler, the redeemer's hooks, scrape-time collectors for the ledger and gas prices) use the
// names below. Amounts of money are gwei, as go-livepeer's; prices wei per pixel.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "common/metrics.h"

namespace baton::orchestrator {

// Defines every series and sets the constant ones (versions, max sessions) and the counters
// go-livepeer starts at 0, so that dashboards' rate() has a first point.
void DefineOrchestratorMetrics(Metrics& metrics, const std::string& version, int max_sessions);

// go-livepeer's error_code label of livepeer_payment_recv_errors for a refused payment:
// InvalidPrice, InvalidRecipientRand, InvalidTicketFaceValue, InvalidTicketWinProb or
// PaymentError.
std::string PaymentErrorCode(const absl::Status& status);

// wei -> gwei for a gauge or counter (a double: metrics only, never money).
double Gwei(double wei);

}  // namespace baton::orchestrator

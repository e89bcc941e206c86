// The Prometheus series an orchestrator reports, with go-livepeer's names and help texts
// (doc/ops.md 4): sessions, transcoding, payments received and redemptions. Defined once at start
// on the node's Metrics; the parts that record them (admission, the segment handler, the
// redeemer's hooks, the operator's /metrics) use the names below.
#pragma once

#include <string>

#include "common/metrics.h"

namespace baton::orchestrator {

// Defines every series and sets the constant ones (versions, max sessions).
void DefineOrchestratorMetrics(Metrics& metrics, const std::string& version, int max_sessions);

}  // namespace baton::orchestrator

// Process-wide logging set-up (spdlog). Call InitLogging once from main before threads start.
//
// Verbosity follows go-livepeer's -v scale (0..6, default 3): 0-1 errors and warnings,
// 2-3 info, 4+ debug, 6 trace. Never log keys, passwords or secrets.
#pragma once

namespace baton {

void InitLogging(int verbosity);
// Changes the verbosity at run time (the operator port's /setLogLevel); thread-safe.
void SetLogVerbosity(int verbosity);
// The verbosity last set (go-livepeer's /getLogLevel).
int LogVerbosity();

}  // namespace baton

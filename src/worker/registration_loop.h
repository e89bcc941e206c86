// RegistrationLoop: how a standalone worker (transcoder, doc/wire.md 5.1; AI worker, 5.2) keeps
// its registration with the orchestrator. It runs one registration (the caller's `run_once`,
// which blocks while the stream is open) again and again: after each end it reports the status
// to `on_end`, then waits an exponential backoff (0.5 s, x1.5, capped at max_backoff, as
// go-livepeer's; afresh after a registration that held 30 s) and registers again. "invalid
// secret" and "zero capacity" from the orchestrator are fatal (go-livepeer's workers match these
// texts) and end the loop with that error; the stop flag ends it with OK.
//
// Threads: runs on its caller's thread; `stop` is read from it and may be set from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"

namespace baton::worker {

struct RegistrationLoopOptions {
  std::string worker;      // who registers, for the log: "Transcoder", "AI worker"
  std::string orch_addr;   // for the log
  std::string ended_text;  // the log's reason for a stream that ended with OK
  std::chrono::milliseconds max_backoff{60'000};
};

// What a worker's snapshot says of its registration (the worker adds its job counts).
struct RegistrationState {
  bool registered = false;  // the stream is open (and held for half a second, or had a job)
  std::chrono::system_clock::time_point registered_since;
  int64_t registrations = 0;
  int in_flight = 0;
  std::string last_error;  // why the last registration ended
};

// "invalid secret" or "zero capacity": registering again cannot help.
bool IsFatalRegistrationError(const absl::Status& status);

// Registers until `stop` (OK) or a fatal error (that error). `on_end` sees each registration's
// end, before the stop flag is checked.
absl::Status RunRegistrationLoop(const RegistrationLoopOptions& options,
                                 const std::atomic<bool>& stop,
                                 const std::function<absl::Status()>& run_once,
                                 const std::function<void(const absl::Status&)>& on_end);

}  // namespace baton::worker

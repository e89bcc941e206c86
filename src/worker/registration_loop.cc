#include "worker/registration_loop.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <thread>

namespace baton::worker {

bool IsFatalRegistrationError(const absl::Status& status) {
  // go-livepeer's workers match these texts (checkTranscoderError, checkAIWorkerError).
  return status.message() == "invalid secret" || status.message() == "zero capacity";
}

absl::Status RunRegistrationLoop(const RegistrationLoopOptions& options,
                                 const std::atomic<bool>& stop,
                                 const std::function<absl::Status()>& run_once,
                                 const std::function<void(const absl::Status&)>& on_end) {
  using Clock = std::chrono::steady_clock;
  const std::chrono::milliseconds initial{500};
  std::chrono::milliseconds backoff = initial;
  while (!stop) {
    const auto started = Clock::now();
    absl::Status status = run_once();
    on_end(status);
    if (stop) break;
    if (IsFatalRegistrationError(status)) return status;
    // A registration that held for a while was a working one: start the backoff afresh.
    if (Clock::now() - started > std::chrono::seconds(30)) backoff = initial;
    spdlog::warn("{} disconnected from {} ({}); registering again in {:.1f} s", options.worker,
                 options.orch_addr,
                 status.ok() ? options.ended_text : std::string(status.message()),
                 backoff.count() / 1000.0);
    for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stop;
         waited += std::chrono::milliseconds(100))
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    backoff = std::min(options.max_backoff,
                       std::chrono::milliseconds(static_cast<int64_t>(backoff.count() * 1.5)));
  }
  return absl::OkStatus();
}

}  // namespace baton::worker
